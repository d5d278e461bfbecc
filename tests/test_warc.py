"""WARC and ARC files in, JSON lines out: pages cleaned as the library cleans them, damage reported."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner import clean_html
from tests.conftest import SAMPLES, run_cli
from tests.warcfiles import (
    conversion,
    crawl,
    metadata,
    request,
    response,
    revisit,
    write_arc,
    write_warc,
)

PAGES = [
    (f"https://{path.stem}.example.org/post", path.read_bytes()) for path in sorted((SAMPLES / "html").glob("*.html"))
]
DUMP = (SAMPLES / "seeds" / "003_1decd490ba5d8f01.txt").read_text()


def rows(path: Path) -> list[dict]:
    data = path.read_bytes()
    return [json.loads(line) for line in (gzip.decompress(data) if path.name.endswith(".gz") else data).splitlines()]


def test_pages_of_a_crawl_come_out_as_the_library_cleans_them(tmp_path: Path) -> None:
    records = crawl(PAGES)
    records[3:3] = [response("https://x.example.org/a.pdf", b"%PDF-1.4", "application/pdf"), revisit(PAGES[0][0])]
    records.append(response("https://x.example.org/gone", b"<html>gone</html>", status="404 Not Found"))
    offsets = write_warc(tmp_path / "crawl.warc.gz", records)
    result = run_cli("clean", "--warc", tmp_path / "crawl.warc.gz", "-o", tmp_path / "out.jsonl", "-j", "2")
    assert result.returncode == 0, result.stderr_text
    out = rows(tmp_path / "out.jsonl")
    assert [row["url"] for row in out] == [url for url, _ in PAGES]
    for row, (url, body) in zip(out, PAGES, strict=True):
        expected = clean_html(body, url=url)
        assert row["text"] == expected.text and row["title"] == expected.title
        assert row["id"] == response(url, body).id and row["date"] == "2024-05-01T10:00:00Z"
        assert row["warc"]["file"] == str(tmp_path / "crawl.warc.gz") and row["warc"]["offset"] in offsets
        assert row["metadata"]["site"] == expected.site and row["metadata"]["chars_out"] == len(expected.text)
    assert "passed over 17 records" in result.stderr_text
    assert "request 7" in result.stderr_text and "revisit 1" in result.stderr_text
    assert "response application/pdf 1" in result.stderr_text and "response HTTP 404 1" in result.stderr_text


def test_http_charset_reaches_the_decoder_and_wet_text_goes_to_the_text_rules(tmp_path: Path) -> None:
    para = "Le café de la gare a fermé ses portes après quarante années de service très apprécié. " * 4
    page = f"<html><body><article><h1>Titre</h1><p>{para}</p><p>{para}</p></article></body></html>"
    body = page.encode("cp1252")  # no <meta charset>: only the HTTP header says how to read it
    records = [
        response("https://fr.example.org/a", body, "text/html; charset=windows-1252"),
        conversion("https://seed.example.org/b", DUMP),
    ]
    write_warc(tmp_path / "mixed.warc", records)
    result = run_cli("clean", "--warc", tmp_path / "mixed.warc", "-o", tmp_path / "out.jsonl.gz", "-j", "1")
    assert result.returncode == 0, result.stderr_text
    html_row, text_row = rows(tmp_path / "out.jsonl.gz")
    assert "Le café de la gare a fermé" in html_row["text"] and html_row["metadata"]["encoding"] == "cp1252"
    from cleaner import clean_text

    assert text_row["text"] == clean_text(DUMP, url="https://seed.example.org/b").text


def test_an_arc_file_is_read_like_a_warc(tmp_path: Path) -> None:
    write_arc(tmp_path / "old.arc", PAGES[:2])
    result = run_cli("clean", "--warc", tmp_path / "old.arc", "-o", "-", "-j", "1")
    assert result.returncode == 0, result.stderr_text
    out = [json.loads(line) for line in result.stdout_text.splitlines()]
    assert [row["url"] for row in out] == [url for url, _ in PAGES[:2]]
    assert out[0]["id"] == f"old.arc@{out[0]['warc']['offset']}"  # ARC records have no id of their own
    assert out[0]["text"] == clean_html(PAGES[0][1], url=PAGES[0][0]).text


def _truncated_gzip(path: Path) -> str:
    offsets = write_warc(path, crawl(PAGES[:3]))
    data = path.read_bytes()
    cut = offsets[4] + (offsets[5] - offsets[4]) // 2  # inside the second page's response member
    path.write_bytes(data[:cut])
    return f"{path}@{offsets[4]}"


def _broken_http(path: Path) -> str:
    bad = response(PAGES[1][0], PAGES[1][1])
    bad.block = b"this is no status line\r\nContent-Type text/html\r\n\r\n" + PAGES[1][1]
    offsets = write_warc(path, [response(*PAGES[0]), bad, response(*PAGES[2])])
    return f"{path}@{offsets[1]}"


def _huge(path: Path) -> str:
    huge = b"<html><body><p>" + b"word " * 4_300_000 + b"</p></body></html>"  # over the 20 MiB limit
    offsets = write_warc(path, [response(*PAGES[0]), response("https://big.example.org/", huge), response(*PAGES[2])])
    return f"{path}@{offsets[1]}"


def _not_a_warc(path: Path) -> str:
    path.write_bytes(PAGES[0][1])
    return f"{path}@0"


@pytest.mark.parametrize(
    ("damage", "name", "status", "pages_out"),
    [
        (_truncated_gzip, "cut.warc.gz", "failed", 1),
        (_broken_http, "broken.warc.gz", "failed", 2),
        (_huge, "huge.warc.gz", "skipped", 2),
        (_not_a_warc, "page.warc", "failed", 0),
    ],
)
def test_damage_is_reported_with_file_and_offset_and_the_pages_before_it_come_out(
    tmp_path: Path, damage, name: str, status: str, pages_out: int
) -> None:
    where = damage(tmp_path / name)
    result = run_cli("clean", "--warc", tmp_path / name, "-o", tmp_path / "out.jsonl", "-j", "2")
    assert "Traceback" not in result.stderr_text
    assert f"{status} {where}: " in result.stderr_text
    assert result.returncode == (1 if status == "failed" else 0)
    assert len(rows(tmp_path / "out.jsonl")) == pages_out


def test_a_good_file_after_a_damaged_one_is_still_read(tmp_path: Path) -> None:
    _truncated_gzip(tmp_path / "cut.warc.gz")
    write_warc(tmp_path / "good.warc.gz", [*crawl(PAGES[3:5]), metadata("x"), request("y")])
    result = run_cli(
        "clean", "--warc", tmp_path / "cut.warc.gz", "--warc", tmp_path / "good.warc.gz", "-o", tmp_path / "o.jsonl"
    )
    assert result.returncode == 1
    assert [row["url"] for row in rows(tmp_path / "o.jsonl")] == [PAGES[0][0], PAGES[3][0], PAGES[4][0]]


def test_same_output_whatever_the_number_of_workers(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc.gz", crawl(PAGES * 3))
    for jobs in ("1", "2"):
        result = run_cli(
            "clean", "-q", "--warc", tmp_path / "crawl.warc.gz", "-o", tmp_path / f"{jobs}.jsonl", "-j", jobs
        )
        assert result.returncode == 0, result.stderr_text
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc", crawl(PAGES[:1]))
    assert run_cli("clean", "--warc", tmp_path / "crawl.warc").returncode == 2  # no -o
    unknown = run_cli("clean", "--warc", tmp_path / "crawl.warc", "-o", tmp_path / "out.csv")
    assert unknown.returncode == 2 and ".parquet" in unknown.stderr_text
    assert not (tmp_path / "out.csv").exists()
