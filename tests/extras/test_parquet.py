"""Parquet output, read back with pyarrow: a fixed schema, the same rows as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pq = pytest.importorskip("pyarrow.parquet")

from cleaner.sinks.parquet import record_schema  # noqa: E402
from cleaner.sinks.record import metadata_types  # noqa: E402
from tests.conftest import run_cli  # noqa: E402
from tests.test_warc import PAGES  # noqa: E402
from tests.warcfiles import crawl, response, write_warc  # noqa: E402


def test_parquet_rows_match_the_jsonl_rows_and_keep_the_schema(tmp_path: Path) -> None:
    records = [*crawl(PAGES), response("https://empty.example.org/", b"<html><body></body></html>")]
    write_warc(tmp_path / "crawl.warc.gz", records)
    for name in ("out.parquet", "out.jsonl"):
        result = run_cli("clean", "-q", "--warc", tmp_path / "crawl.warc.gz", "-o", tmp_path / name, "-j", "2")
        assert result.returncode == 0, result.stderr_text
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema == record_schema()
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == len(PAGES)
    for row, line in zip(table.to_pylist(), lines, strict=True):
        assert row["text"] == line["text"] and row["id"] == line["id"] and row["warc"] == line["warc"]
        assert dict(row["metadata"]["fired"]) == line["metadata"]["fired"]
        assert row["metadata"]["site"] == line["metadata"]["site"]


def test_every_result_field_is_a_column(tmp_path: Path) -> None:
    metadata = record_schema().field("metadata").type
    assert [metadata.field(i).name for i in range(metadata.num_fields)] == list(metadata_types())


def test_a_failed_run_leaves_the_previous_file(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc.gz", crawl(PAGES[:2]))
    assert run_cli("clean", "-q", "--warc", tmp_path / "crawl.warc.gz", "-o", tmp_path / "o.parquet").returncode == 0
    before = (tmp_path / "o.parquet").read_bytes()
    rules = tmp_path / "bad-rules"
    rules.mkdir()
    (rules / "x.toml").write_text("[html\n")
    result = run_cli("clean", "--warc", tmp_path / "crawl.warc.gz", "-o", tmp_path / "o.parquet", "--rules", rules)
    assert result.returncode == 2
    assert (tmp_path / "o.parquet").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad-rules", "crawl.warc.gz", "o.parquet"]


def test_a_folder_and_stdin_to_parquet_give_the_jsonl_rows(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for n, (url, body) in enumerate(PAGES):
        (raw / f"{n}.html").write_bytes(body)
        (raw / f"{n}.meta.json").write_text(json.dumps({"url": url}))  # the sidecar gives the URL
    for name in ("out.parquet", "out.jsonl"):
        result = run_cli("clean", "-q", raw, "-o", tmp_path / name, "-j", "2")
        assert result.returncode == 0, result.stderr_text
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema == record_schema()
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sorted(row["url"] for row in lines) == sorted(url for url, _ in PAGES)
    assert [_comparable(row) for row in table.to_pylist()] == [_comparable(line) for line in lines]

    url, body = PAGES[0]
    assert run_cli("clean", "-", "-o", tmp_path / "one.parquet", stdin=body, cwd=tmp_path).returncode == 0
    [row] = pq.read_table(tmp_path / "one.parquet").to_pylist()
    [first] = [line for line in lines if line["url"] == url]
    assert row["text"] == first["text"] and row["metadata"]["date"] == first["metadata"]["date"]


def _comparable(row: dict) -> dict:
    """A row as Parquet gives it back: maps come back as lists of pairs."""
    metadata = {**row["metadata"], "fired": dict(row["metadata"]["fired"])}
    return {**row, "metadata": metadata}
