"""Hostile folders (issue 12, class 2): one output that cannot be written fails its own file, not the batch."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.test_hostile_text import page


def test_outputs_that_cannot_be_written_fail_their_file_and_the_batch_goes_on(tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.html").write_text(page())
    (tmp_path / "a" / "blocked.html").write_text(page())
    (tmp_path / "a" / "blocked.clean.txt").mkdir()  # a folder where the output goes
    near_limit = "x" * 245 + ".html"  # the output name fits in 255 bytes; a temporary name made from it would not
    (tmp_path / "b" / near_limit).write_text(page())
    over_limit = "y" * 250 + ".html"  # the output name itself is over the limit
    (tmp_path / "b" / over_limit).write_text(page())
    report = tmp_path / "report.jsonl"
    for _ in range(2):  # the re-run is not stopped either
        result = run_cli("clean", tmp_path, "--report", report)
        assert "Traceback" not in result.stderr_text
        lines = {Path(line["path"]).name: line for line in map(json.loads, report.read_text().splitlines())}
        assert {folder: (tmp_path / folder / "page.clean.txt").is_file() for folder in "abc"} == dict.fromkeys(
            "abc", True
        )
        assert (tmp_path / "b" / ("x" * 245 + ".clean.txt")).is_file()
        assert lines["blocked.html"]["status"] == "failed" and "directory" in lines["blocked.html"]["reason"]
        assert lines[over_limit]["status"] == "failed" and "too long" in lines[over_limit]["reason"]
        assert result.returncode == 1
    assert not [p for p in tmp_path.rglob("*") if "cleaner-tmp" in p.name]
