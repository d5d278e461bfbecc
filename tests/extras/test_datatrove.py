"""The datatrove step, run by datatrove's local executor after its own WarcReader, over a WARC written here."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner import clean_html
from cleaner.datatrove import CleanerExtractor
from tests.test_warc import PAGES
from tests.warcfiles import crawl, response, write_warc


def test_warcreader_then_cleaner_then_jsonlwriter(tmp_path: Path) -> None:
    (tmp_path / "warc").mkdir()
    empty = response("https://empty.example.org/", b"<html><body><div></div></body></html>")
    write_warc(tmp_path / "warc" / "crawl.warc.gz", [*crawl(PAGES), empty])
    LocalPipelineExecutor(
        pipeline=[
            WarcReader(str(tmp_path / "warc")),
            CleanerExtractor(),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    [output] = (tmp_path / "out").glob("*.jsonl.gz")
    docs = [json.loads(line) for line in gzip.decompress(output.read_bytes()).splitlines()]
    assert [doc["metadata"]["url"] for doc in docs] == [url for url, _ in PAGES]
    for doc, (url, body) in zip(docs, PAGES, strict=True):
        expected = clean_html(body.decode("utf-8"), url=url)
        assert doc["text"] == expected.text
        assert doc["metadata"]["title"] == expected.title
        assert doc["metadata"]["cleaner"]["site"] == expected.site
        for name in ("author", "date", "sitename", "language", "description", "image"):  # the page's metadata
            assert doc["metadata"]["cleaner"][name] == getattr(expected, name), name
    assert any(doc["metadata"]["cleaner"]["date"] for doc in docs)
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    [step] = [s for s in stats if "cleaner" in s["name"]]
    counts = {name: value if isinstance(value, int) else value["total"] for name, value in step["stats"].items()}
    assert counts["cleaned"] == len(PAGES) and counts["empty"] == 1
    assert any(name.startswith("rule:") for name in step["stats"])
