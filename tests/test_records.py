"""``-o OUT`` for folders and stdin: every page a row of one JSON-lines dataset, as WARC pages are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cleaner import clean_html
from cleaner.sinks.record import metadata_types
from tests.conftest import SAMPLES, run_cli
from tests.test_rule_health import OVER_EAGER
from tests.test_warc import PAGES, rows
from tests.warcfiles import crawl, write_warc

RAW = SAMPLES / "html"


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder, ignore=shutil.ignore_patterns("*.clean.*", "*.expected.txt"))
    (folder / "blank.html").write_text("<html><body></body></html>")
    return folder


def test_a_folder_becomes_one_dataset_with_the_texts_a_batch_writes(tmp_path: Path) -> None:
    raw = _inputs(tmp_path)
    before = sorted(p.name for p in raw.iterdir())
    for name in ("out.jsonl", "out.jsonl.gz"):
        result = run_cli("clean", raw, "-o", tmp_path / name, "-j", "2", "--report", tmp_path / "report.jsonl")
        assert result.returncode == 0, result.stderr_text
    assert sorted(p.name for p in raw.iterdir()) == before  # nothing written next to the raw files
    out = rows(tmp_path / "out.jsonl")
    assert out == rows(tmp_path / "out.jsonl.gz")
    assert sorted(Path(row["id"]).name for row in out) == sorted(path.name for path in RAW.glob("*.html"))
    for row in out:
        expected = clean_html(Path(row["id"]).read_bytes())
        assert row["text"] == expected.text and row["title"] == expected.title and row["url"] == expected.url
        assert row["metadata"]["date"] == expected.date and row["metadata"]["author"] == expected.author
        assert row["warc"] is None and list(row["metadata"]) == list(metadata_types())

    report = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert {line["path"]: line["status"] for line in report}[str(raw / "blank.html")] == "empty"
    assert len(report) == len(out) + 1

    shutil.copytree(raw, tmp_path / "batch")  # the same texts as a batch writes next to each file
    assert run_cli("clean", "-q", tmp_path / "batch").returncode == 0
    for row in out:
        written = tmp_path / "batch" / (Path(row["id"]).stem + ".clean.txt")
        assert row["text"] == written.read_text()


def test_stdin_becomes_one_row(tmp_path: Path) -> None:
    url, body = PAGES[0]
    result = run_cli("clean", "-", "-o", tmp_path / "one.jsonl", "--url", url, stdin=body)
    assert result.returncode == 0, result.stderr_text
    [row] = rows(tmp_path / "one.jsonl")
    expected = clean_html(body, url=url)
    assert row["text"] == expected.text and row["url"] == url and row["metadata"]["site"] == expected.site

    to_stdout = run_cli("clean", "-", "-o", "-", "--url", url, stdin=body)
    assert [json.loads(line) for line in to_stdout.stdout.splitlines()] == [row]

    empty = run_cli("clean", "-", "-o", tmp_path / "none.jsonl", stdin=b"<html><body></body></html>")
    assert empty.returncode == 3 and (tmp_path / "none.jsonl").read_bytes() == b""


def test_usage_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    raw = _inputs(tmp_path)
    unknown = run_cli("clean", raw, "-o", tmp_path / "out.csv")
    assert unknown.returncode == 2 and ".parquet" in unknown.stderr_text
    both = run_cli("clean", raw, "-o", tmp_path / "out.jsonl", "--output-dir", tmp_path / "outs")
    assert both.returncode == 2 and "--output-dir" in both.stderr_text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_a_warc_manifest_line_says_what_a_batch_says_of_the_same_page(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "harbourtimes.example.toml").write_text(OVER_EAGER, encoding="utf-8")  # collapses the page
    url, body = "https://harbourtimes.example/post", (RAW / "wordpress-jetpack.html").read_bytes()
    write_warc(tmp_path / "crawl.warc", crawl([(url, body)]))
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "page.html").write_bytes(body)
    on_warc = ["--warc", tmp_path / "crawl.warc", "-o", tmp_path / "o.jsonl", "--report", tmp_path / "warc.jsonl"]
    assert run_cli("clean", "-q", *on_warc, "--rules", rules).returncode == 3  # no text left
    on_file = [tmp_path / "raw" / "page.html", "--url", url, "--report", tmp_path / "file.jsonl"]
    assert run_cli("clean", "-q", *on_file, "--rules", rules).returncode == 3
    [warc_line] = map(json.loads, (tmp_path / "warc.jsonl").read_text().splitlines())
    [file_line] = map(json.loads, (tmp_path / "file.jsonl").read_text().splitlines())
    assert warc_line["collapsed"] is True and warc_line["status"] == "empty"
    for line in (warc_line, file_line):
        del line["path"], line["output"]
    assert warc_line == file_line
