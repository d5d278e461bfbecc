"""A re-run over unchanged files: decided from one listing and one stat per file, yet it notices an
edited or truncated output, a clock that jumped, and a state table written by an earlier version."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from cleaner.sources.files import walk_folders
from tests import test_batch
from tests.conftest import run_cli
from tests.test_batch import make_pages, report_of


def statuses(report: Path) -> dict[str, str]:
    return {Path(line["path"]).name: line["status"] for line in report_of(report)}


def test_an_edited_or_truncated_output_is_written_again(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_pages(raw, 3)
    assert run_cli("clean", raw, "-q").returncode == 0
    original = (raw / "story-0000.clean.txt").read_text()
    with (raw / "story-0000.clean.txt").open("r+") as output:
        output.truncate(10)
    (raw / "story-0001.clean.txt").write_text("edited by hand\n")
    assert run_cli("clean", raw, "-q", "--report", tmp_path / "r.jsonl").returncode == 0
    assert statuses(tmp_path / "r.jsonl") == {
        "story-0000.html": "cleaned",
        "story-0001.html": "cleaned",
        "story-0002.html": "unchanged",
    }
    assert (raw / "story-0000.clean.txt").read_text() == original


def test_a_file_dated_in_the_future_is_compared_by_its_bytes(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (page,) = make_pages(raw, 1)
    future = time.time_ns() + 3600 * 10**9
    os.utime(page, ns=(future, future))
    assert run_cli("clean", raw, "-q").returncode == 0
    page.write_text(page.read_text().replace("harbour", "HARBOUR"))  # same size, new bytes
    os.utime(page, ns=(future, future))  # and the same (future) mtime
    assert run_cli("clean", raw, "-q", "--report", tmp_path / "r.jsonl").returncode == 0
    assert statuses(tmp_path / "r.jsonl") == {"story-0000.html": "cleaned"}
    assert "HARBOUR" in (raw / "story-0000.clean.txt").read_text()


def test_a_state_table_of_an_earlier_version_is_migrated(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_pages(raw, 2)
    assert run_cli("clean", raw, "-q").returncode == 0
    with sqlite3.connect(raw / ".cleaner-state.sqlite") as db:  # as written before outputs were tracked
        db.execute(
            "create table old as select path, size, mtime_ns, sha256, rules_key, routing, rulesets,"
            " status, reason from files"
        )
        db.execute("drop table files")
        db.execute("alter table old rename to files")
    rerun = run_cli("clean", raw, "--report", tmp_path / "r.jsonl")
    assert rerun.returncode == 0 and "Traceback" not in rerun.stderr_text
    assert set(statuses(tmp_path / "r.jsonl").values()) == {"unchanged"}


def test_a_state_file_that_cannot_be_read_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_pages(raw, 2)
    assert run_cli("clean", raw, "-q").returncode == 0
    (raw / ".cleaner-state.sqlite").write_bytes(b"SQLite format 3\0" + os.urandom(4000))  # half-written
    rerun = run_cli("clean", raw, "--report", tmp_path / "r.jsonl")
    assert rerun.returncode == 0 and "Traceback" not in rerun.stderr_text
    assert "warning:" in rerun.stderr_text and ".cleaner-state.sqlite.broken" in rerun.stderr_text
    assert len(statuses(tmp_path / "r.jsonl")) == 2
    assert "unchanged 2" in run_cli("clean", raw).stderr_text


def test_an_unchanged_file_reports_the_date_and_language_of_its_last_cleaning(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for page in make_pages(raw, 2):
        dated = '<meta property="article:published_time" content="2024-03-05T09:30:00+01:00"></head>'
        page.write_text(page.read_text().replace("</head>", dated))
    assert run_cli("clean", raw, "-q", "--report", tmp_path / "first.jsonl").returncode == 0
    assert run_cli("clean", raw, "-q", "--report", tmp_path / "again.jsonl").returncode == 0
    first, again = report_of(tmp_path / "first.jsonl"), report_of(tmp_path / "again.jsonl")
    assert {line["status"] for line in again} == {"unchanged"}
    assert [(line["date"], line["language"]) for line in again] == [("2024-03-05", "en")] * 2
    assert [(line["date"], line["language"]) for line in first] == [("2024-03-05", "en")] * 2


def test_folders_whose_names_sort_among_their_neighbours_files_keep_their_own_rows(tmp_path: Path) -> None:
    # The rows of a folder are read as a range of keys that jumps over each subfolder's: "a/..." sorts
    # between "a-b.html" and "a0.html", and a file of a subfolder must not pass for its parent's.
    raw = tmp_path / "raw"
    (page,) = make_pages(raw, 1)
    for relative in ("a-b.html", "a.html", "a0.html", "a/a.html", "a/b/a.html", "a/b/c.html", "b/a.html"):
        (raw / relative).parent.mkdir(parents=True, exist_ok=True)
        (raw / relative).write_text(page.read_text())
    assert run_cli("clean", raw, "-q").returncode == 0
    (raw / "a" / "b" / "a.html").write_text(page.read_text().replace("harbour", "river"))
    assert run_cli("clean", raw, "-q", "--report", tmp_path / "r.jsonl").returncode == 0
    changed = {
        str(Path(line["path"]).relative_to(raw))
        for line in report_of(tmp_path / "r.jsonl")
        if line["status"] != "unchanged"
    }
    assert changed == {"a/b/a.html"}
    assert "river" in (raw / "a" / "b" / "a.clean.txt").read_text()


def test_unchanged_files_can_be_counted_in_bulk_while_the_report_still_lists_each(tmp_path: Path) -> None:
    from cleaner import clean

    raw = tmp_path / "raw"
    pages = make_pages(raw, 4)
    clean([raw], jobs=1)
    added = "<p>A sentence added to the story after it was first cleaned.</p>"
    pages[2].write_text(test_batch.page(2, "news.example", added))
    told, counted = [], []
    with (tmp_path / "r.jsonl").open("w", encoding="utf-8") as report:
        summary = clean([raw], jobs=1, report=report, on_outcome=told.append, on_unchanged=counted.append)
    assert [(Path(o.path).name, o.status) for o in told] == [("story-0002.html", "cleaned")]
    assert sum(counted) == 3
    assert (summary.counts["unchanged"], summary.counts["cleaned"], summary.exit_code) == (3, 1, 0)
    assert statuses(tmp_path / "r.jsonl") == {
        "story-0000.html": "unchanged",
        "story-0001.html": "unchanged",
        "story-0002.html": "cleaned",
        "story-0003.html": "unchanged",
    }
    told.clear()
    summary = clean([raw], jobs=1, on_outcome=told.append)  # without on_unchanged: each one told
    expected = [(f"story-000{number}.html", "unchanged") for number in range(4)]
    assert sorted((Path(o.path).name, o.status) for o in told) == expected
    assert summary.exit_code == 0


def test_counted_in_bulk_a_page_whose_rules_changed_is_cleaned_again(tmp_path: Path) -> None:
    # Without a report the parent reads only what the no-op test compares: the rules' key is tested by SQLite.
    from cleaner import clean
    from cleaner.options import Options
    from cleaner.rules import load_catalog

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "alpha.example.toml").write_text(test_batch.SITE_RULE.replace("{motto}", "first"))
    raw = tmp_path / "raw"
    make_pages(raw / "alpha", 2, site="alpha.example", extra="Alpha motto: second")
    make_pages(raw / "beta", 2, site="beta.example", extra="Alpha motto: second")
    options = Options(rules_dirs=(rules,))
    assert clean([raw], options, jobs=1).counts["cleaned"] == 4
    (rules / "alpha.example.toml").write_text(test_batch.SITE_RULE.replace("{motto}", "first|second"))
    load_catalog.cache_clear()  # the rule file changed under this process
    counted: list[int] = []
    summary = clean([raw], options, jobs=1, on_unchanged=counted.append)
    assert (summary.counts["cleaned"], summary.counts["unchanged"], sum(counted)) == (2, 2, 2)
    assert "Alpha motto" not in (raw / "alpha" / "story-0000.clean.txt").read_text()
    assert "Alpha motto" in (raw / "beta" / "story-0000.clean.txt").read_text()


def spy_on_shared_walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of parts of each walk shared with a helper process, as the batch asks for them."""
    from cleaner.engines import batch

    shared: list[int] = []
    share = batch.shared_walk
    monkeypatch.setattr(batch, "shared_walk", lambda parts, *rest: shared.append(parts) or share(parts, *rest))
    return shared


@pytest.mark.parametrize("helper_tasks", [1000, 0])
def test_a_tree_walked_by_two_processes_is_told_as_one_process_tells_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper_tasks: int
) -> None:
    # Counted in bulk with two jobs, the subfolders are shared with a helper process (engines/scan.py), which
    # sends the tasks it finds, or (past _HELPER_TASKS in a subfolder) leaves the subfolder to the parent:
    # either way the same outcomes, in the same order.
    import shutil

    from cleaner import clean
    from cleaner.engines import batch

    monkeypatch.setattr(batch, "_HELPER_TASKS", helper_tasks)
    shared = spy_on_shared_walks(monkeypatch)
    one = tmp_path / "one"
    make_pages(one, 2)
    for folder in ("alpha", "beta", "gamma", "delta/deeper", "epsilon", "zeta"):
        make_pages(one / folder, 3)
    (one / "alpha" / "story-0001.htm").write_text(test_batch.page(1))  # its output's name is taken: skipped
    clean([one], jobs=1)
    (one / "beta" / "story-0002.html").write_text(test_batch.page(2, extra="<p>Added after the first run.</p>"))
    (one / "gamma" / "story-0000.clean.txt").write_text("edited by hand\n")
    make_pages(one / "delta" / "deeper" / "new", 1)
    two = tmp_path / "two"
    shutil.copytree(one, two)  # times kept: the same state for both runs

    def run(folder: Path, jobs: int) -> tuple[list[tuple[str, str]], int, dict[str, int]]:
        told, counted = [], []
        summary = clean([folder], jobs=jobs, on_outcome=told.append, on_unchanged=counted.append)
        walked = [Path(found[0]) for listing in walk_folders([folder]) for found in listing.found]
        assert [Path(o.path) for o in told] == [path for path in walked if path in {Path(o.path) for o in told}]
        return (
            sorted((str(Path(o.path).relative_to(folder)), o.status) for o in told),
            sum(counted),
            dict(summary.counts),
        )

    alone = run(one, jobs=1)
    assert shared == []
    assert run(two, jobs=2) == alone  # each in the order of its own folder's listing
    assert shared == [7]  # the root's own files, then six subfolders
    assert alone[0] == [
        ("alpha/story-0001.htm", "skipped"),
        ("beta/story-0002.html", "cleaned"),
        ("delta/deeper/new/story-0000.html", "cleaned"),
        ("gamma/story-0000.html", "cleaned"),
    ]
    assert test_batch.outputs(one) == test_batch.outputs(two)
    assert "unchanged 21" in run_cli("clean", two).stderr_text  # and the state the parent wrote holds


def test_a_tree_walked_by_two_processes_with_its_outputs_elsewhere(tmp_path: Path) -> None:
    from cleaner import clean

    raw, out = tmp_path / "raw", tmp_path / "out"
    for folder in ("alpha", "beta", "gamma"):
        make_pages(raw / folder, 2)
    assert clean([raw], jobs=1, output_dir=out).counts["cleaned"] == 6
    (out / "beta" / "story-0001.clean.txt").unlink()
    counted: list[int] = []
    summary = clean([raw], jobs=2, output_dir=out, on_unchanged=counted.append)
    assert (summary.counts["cleaned"], summary.counts["unchanged"], sum(counted)) == (1, 5, 5)
    assert (out / "beta" / "story-0001.clean.txt").is_file() and not list(raw.rglob("*.clean.txt"))


def test_an_old_or_broken_state_met_by_two_processes_is_migrated_or_rebuilt(tmp_path: Path) -> None:
    # Counted in bulk, the helper process reads the state on its own (read-only): an old table or a broken file
    # must end as with one process: migrated or set aside, every file accounted for, no traceback.
    old, broken = tmp_path / "old", tmp_path / "broken"
    for raw in (old, broken):
        for folder in ("alpha", "beta", "gamma"):
            make_pages(raw / folder, 2)
        assert run_cli("clean", raw, "-q").returncode == 0
    with sqlite3.connect(old / ".cleaner-state.sqlite") as db:
        db.execute(
            "create table early as select path, size, mtime_ns, sha256, rules_key, routing, rulesets,"
            " status, reason from files"
        )
        db.execute("drop table files")
        db.execute("alter table early rename to files")
    (broken / ".cleaner-state.sqlite").write_bytes(b"SQLite format 3\0" + os.urandom(4000))
    for raw, expected in ((old, "unchanged 6"), (broken, "cleaned 6")):
        rerun = run_cli("clean", raw, "--jobs", "2")
        assert rerun.returncode == 0 and "Traceback" not in rerun.stderr_text
        assert expected in rerun.stderr_text
        assert "unchanged 6" in run_cli("clean", raw, "--jobs", "2").stderr_text


def test_a_process_with_another_thread_walks_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fork copies the locks other threads hold: with one running, no helper process is forked.
    import threading

    from cleaner import clean

    raw = tmp_path / "raw"
    for folder in ("alpha", "beta", "gamma"):
        make_pages(raw / folder, 1)
    clean([raw], jobs=1)
    shared = spy_on_shared_walks(monkeypatch)
    finish = threading.Event()
    waiting = threading.Thread(target=finish.wait)
    waiting.start()
    try:
        assert clean([raw], jobs=2, on_unchanged=lambda count: None).counts["unchanged"] == 3
    finally:
        finish.set()
        waiting.join()
    assert shared == []
    assert clean([raw], jobs=2, on_unchanged=lambda count: None).counts["unchanged"] == 3
    assert shared == [4]
