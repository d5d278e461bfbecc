"""Hostile command-line situations (issue 12, class 6), each in a real process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import run_cli
from tests.test_hostile_text import LAST, page

STATE = ".cleaner-state.sqlite"


def test_a_report_into_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(page())
    result = run_cli("clean", tmp_path, "--report", tmp_path / "missing" / "report.jsonl")
    assert result.returncode == 1 and "Traceback" not in result.stderr_text
    assert result.stderr_text.strip().splitlines() == [
        f"error: {tmp_path / 'missing' / 'report.jsonl'}: No such file or directory"
    ]


def test_fifos_are_refused_never_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "page.html")
    explained = run_cli("explain", tmp_path / "page.html", timeout=30)
    assert explained.returncode != 0 and "not a regular file" in explained.stderr_text
    rules = tmp_path / "rules"
    rules.mkdir()
    os.mkfifo(rules / "site.toml")
    checked = run_cli("rules", "check", "--rules", rules, timeout=30)
    assert checked.returncode != 0 and "not a regular file" in checked.stderr_text
    assert "Traceback" not in explained.stderr_text + checked.stderr_text


def test_a_corrupt_state_database_is_rebuilt_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(page())
    assert run_cli("clean", tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / STATE) as db:  # a row damaged by hand
        db.execute("update files set rulesets = 'not json', size = 'x'")
    again = run_cli("clean", tmp_path, "--report", tmp_path / "r.jsonl")
    assert again.returncode == 0, again.stderr_text
    assert json.loads((tmp_path / "r.jsonl").read_text())["status"] == "cleaned"
    (tmp_path / STATE).write_bytes(b"garbage, not a database " * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / (STATE + suffix)).unlink(missing_ok=True)
    rebuilt = run_cli("clean", tmp_path)
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr_text
    assert "every file is looked at again" in rebuilt.stderr_text
    assert run_cli("clean", tmp_path, "--report", tmp_path / "r.jsonl").returncode == 0
    assert json.loads((tmp_path / "r.jsonl").read_text())["status"] == "unchanged"


def test_an_output_truncated_or_edited_by_hand_is_written_again(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(page())
    output = tmp_path / "page.clean.txt"
    assert run_cli("clean", tmp_path).returncode == 0
    whole = output.read_text()
    for damage in ("", whole.replace(LAST, "Edited.")):
        output.write_text(damage)
        result = run_cli("clean", tmp_path, "--report", tmp_path / "r.jsonl")
        assert json.loads((tmp_path / "r.jsonl").read_text())["status"] == "cleaned", result.stderr_text
        assert output.read_text() == whole
    run_cli("clean", tmp_path, "--report", tmp_path / "r.jsonl")
    assert json.loads((tmp_path / "r.jsonl").read_text())["status"] == "unchanged"


def test_sigterm_flushes_the_report(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(400):
        (pages / f"p{number}.html").write_text(page(f"<p>Item {number} of the list.</p>"))
    report = tmp_path / "report.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", pages, "-j", "1", "--report", report],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(list(pages.glob("*.clean.txt"))) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0 and b"Traceback" not in stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert 5 <= len(lines) < 400  # without the flush: nothing (the lines sat in the file's buffer)
    assert all((pages / Path(line["output"]).name).is_file() for line in lines if line["status"] == "cleaned")


def test_file_names_with_terminal_escapes_are_printed_escaped(tmp_path: Path) -> None:
    (tmp_path / "evil\x1b[2J\x1b]0;owned\x07.html").write_bytes(b"")
    result = run_cli("clean", tmp_path)
    assert "\x1b" not in result.stderr_text and "\x07" not in result.stderr_text
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.html" in result.stderr_text
