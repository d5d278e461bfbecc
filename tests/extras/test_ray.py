"""The Ray engine and CleanBatch on a real local Ray cluster: the same text, statuses and exit codes as locally."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from cleaner import clean_html  # noqa: E402
from cleaner.ray import CleanBatch  # noqa: E402
from tests.conftest import SAMPLES, run_cli  # noqa: E402
from tests.test_warc import PAGES  # noqa: E402
from tests.warcfiles import crawl, write_warc  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


def test_clean_batch_keeps_the_columns_and_adds_text_and_statuses(cluster) -> None:
    rows = [{"page": body.decode(), "link": url, "n": n} for n, (url, body) in enumerate(PAGES)]
    rows += [{"page": None, "link": "https://none.example.org/", "n": 90}, {"page": "", "link": None, "n": 91}]
    dataset = ray.data.from_items(rows).map_batches(
        CleanBatch,
        fn_constructor_kwargs={"html_column": "page", "url_column": "link"},
        concurrency=2,
        batch_size=4,
        batch_format="pyarrow",
    )
    out = sorted(dataset.take_all(), key=lambda row: row["n"])
    assert len(out) == len(rows)
    for row, (url, body) in zip(out, PAGES, strict=False):
        expected = clean_html(body.decode(), url=url)
        assert row["page"] == body.decode() and row["link"] == url  # input columns kept
        assert row["text"] == expected.text and row["title"] == expected.title
        assert row["cleaner_status"] == "cleaned" and row["metadata"]["site"] == expected.site
        for name in ("author", "date", "sitename", "language", "description", "image"):  # the page's metadata
            assert row["metadata"][name] == getattr(expected, name), name
    assert [row["cleaner_status"] for row in out[-2:]] == ["skipped", "skipped"]
    assert any(row["metadata"]["date"] for row in out[:-2]) and any(row["metadata"]["author"] for row in out[:-2])


def test_a_document_past_its_deadline_is_a_failed_row_not_an_exception(cluster) -> None:
    big = "<html><body>" + "<div><p>word word word.</p></div>" * 30000 + "</body></html>"
    dataset = ray.data.from_items([{"html": big, "url": None}]).map_batches(
        CleanBatch, fn_constructor_kwargs={"timeout": 0.01}, concurrency=1, batch_format="pyarrow"
    )
    [row] = dataset.take_all()
    assert row["cleaner_status"] == "failed" and "timed out" in row["cleaner_reason"]


def test_engine_ray_gives_the_local_outputs_byte_for_byte(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc.gz", crawl(PAGES * 2))
    shutil.copytree(SAMPLES / "html", tmp_path / "local", ignore=shutil.ignore_patterns("*.clean.*"))
    shutil.copytree(SAMPLES / "html", tmp_path / "ray", ignore=shutil.ignore_patterns("*.clean.*"))
    warc = ["--warc", tmp_path / "crawl.warc.gz"]
    local = run_cli("clean", *warc, "-o", tmp_path / "local.jsonl", "-j", "2")
    on_ray = run_cli("clean", *warc, "-o", tmp_path / "ray.jsonl", "--engine", "ray", "-j", "2", timeout=300)
    assert local.returncode == on_ray.returncode == 0, on_ray.stderr_text
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert local.stderr_text.split(" (")[0] == on_ray.stderr_text.split(" (")[0]  # the same counts

    assert run_cli("clean", tmp_path / "local", "-j", "2").returncode == 0
    assert run_cli("clean", tmp_path / "ray", "--engine", "ray", timeout=300).returncode == 0
    for output in sorted((tmp_path / "local").glob("*.clean.txt")):
        assert (tmp_path / "ray" / output.name).read_bytes() == output.read_bytes()
    assert len(list((tmp_path / "ray").glob("*.clean.txt"))) == len(PAGES)

    rows = tmp_path / "local-rows.jsonl", tmp_path / "ray-rows.jsonl"  # one dataset of the folder's pages
    assert run_cli("clean", "-q", tmp_path / "local", "-o", rows[0]).returncode == 0
    assert run_cli("clean", "-q", tmp_path / "local", "-o", rows[1], "--engine", "ray", timeout=300).returncode == 0
    assert rows[1].read_bytes() == rows[0].read_bytes()


def test_damage_fails_the_same_way_on_ray(tmp_path: Path) -> None:
    (tmp_path / "page.warc").write_bytes(PAGES[0][1])
    result = run_cli("clean", "--warc", tmp_path / "page.warc", "-o", tmp_path / "o.jsonl", "--engine", "ray")
    assert result.returncode == 1 and f"failed {tmp_path / 'page.warc'}@0: not a WARC" in result.stderr_text
    assert "Traceback" not in result.stderr_text


def test_an_unreachable_cluster_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_warc(tmp_path / "crawl.warc", crawl(PAGES[:1]))
    result = run_cli(
        "clean",
        "--warc",
        tmp_path / "crawl.warc",
        "-o",
        tmp_path / "o.jsonl",
        "--engine",
        "ray",
        "--address",
        f"127.0.0.1:{port}",
    )
    assert result.returncode == 2
    assert result.stderr_text.strip().splitlines() == [
        f"error: --address 127.0.0.1:{port}: cannot reach the Ray cluster: Connection refused"
    ]
    assert not (tmp_path / "o.jsonl").exists()


def test_a_page_past_the_timeout_fails_alone_on_ray(tmp_path: Path) -> None:
    # 9.6 MB (under the 10 MB input cap) of markup that costs trafilatura dearly: over 30 s here (the 3.3 MB
    # page this test used took 11.5 s of CPU), seconds even on a fast idle machine, against 2 s allowed; a
    # sample page takes milliseconds once the worker has imported the pipeline (outside the deadline).
    big = b"<html><body>" + b"<div><p>word word word.</p></div>" * 290_000 + b"</body></html>"
    pages = [PAGES[0], ("https://big.example.org/", big), PAGES[1]]
    write_warc(tmp_path / "crawl.warc", crawl(pages))
    result = run_cli(
        "clean", "--warc", tmp_path / "crawl.warc", "-o", tmp_path / "o.jsonl", "--engine", "ray", "--timeout", "2"
    )
    assert result.returncode == 1 and "timed out after 2 s" in result.stderr_text, result.stderr_text
    out = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [row["url"] for row in out] == [PAGES[0][0], PAGES[1][0]]  # the pages before and after it come out
