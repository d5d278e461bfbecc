"""Hostile JSON lines (issue 12, class 4): every input line gives an output line, in place; never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import run_cli
from tests.test_hostile_text import LAST, page

GOOD = json.dumps({"id": "good", "html": page()})


def output_lines(path: Path) -> list[dict]:
    data = path.read_bytes()
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_every_line_gives_an_output_line_whatever_it_holds(tmp_path: Path) -> None:
    lines = [
        GOOD,
        '{"id": "surrogate", "html": "' + page().replace('"', "'") + '<p>lone \\ud800 half</p>", "note": "\\udc80"}',
        '{"id": "deep", "html": "x", "nested": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "not json at all",
        "[1, 2, 3]",
        '{"id": "no page", "title": "x"}',
        '{"id": "text", "text": "' + LAST + '"}',
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    result = run_cli("clean", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl")
    assert "Traceback" not in result.stderr_text
    out = output_lines(tmp_path / "out.jsonl")
    assert len(out) == len(lines)
    assert [row.get("id") for row in out] == ["good", "surrogate", None, None, None, None, "text"]
    assert [row.get("line") for row in out[2:6]] == [3, 4, 5, 6]
    assert "nested too deeply" in out[2]["cleaner"]["reason"]
    assert LAST in out[0]["cleaner"]["text"] and LAST in out[1]["cleaner"]["text"]
    assert out[1]["note"] == "\udc80"  # the lone surrogate comes back as the escape it was
    assert {row["cleaner"]["status"] for row in out[2:6]} == {"skipped"}
    assert result.returncode == 0


def test_a_corrupt_gzip_member_keeps_the_lines_before_it_and_says_where(tmp_path: Path) -> None:
    good = gzip.compress((GOOD + "\n" + GOOD + "\n").encode())
    bad = bytearray(gzip.compress((GOOD + "\n").encode()))
    bad[12:40] = bytes(28)  # the deflate stream of the second member is garbage
    (tmp_path / "in.jsonl.gz").write_bytes(good + bytes(bad))
    result = run_cli("clean", "--jsonl", tmp_path / "in.jsonl.gz", "-o", tmp_path / "out.jsonl")
    assert "Traceback" not in result.stderr_text
    out = output_lines(tmp_path / "out.jsonl")
    assert [row["cleaner"]["status"] for row in out] == ["cleaned", "cleaned", "failed"]
    assert "corrupt gzip" in out[2]["cleaner"]["reason"] and out[2]["line"] == 3
    assert result.returncode == 1
