"""The batch engine with real folders and real processes: parallel, incremental, crash-safe."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.engines.workers import Failure, ordered_map
from tests.conftest import ROOT, run_cli

SITE_RULE = """
[match]
domains = ["alpha.example"]
[[text.drop]]
name = "motto"
pattern = '^Alpha motto: (?:{motto})$'
[[test]]
sample = "unused.html"
not_contains = ["Alpha motto"]
"""


def page(number: int, site: str = "news.example", extra: str = "") -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} of story {number}: the harbour committee met again to discuss item {i * number + 7} "
        f"on its agenda, and members spoke at length about the cost of the repairs.</p>"
        for i in range(8)
    )
    return (
        f"<html><head><title>Story {number}</title><link rel='canonical' href='https://{site}/story/{number}'>"
        f"</head><body><article><h1>Story {number}</h1>{paragraphs}<p>{extra}</p>"
        f"<div class='share-bar'>Share this story</div></article></body></html>"
    )


def make_pages(folder: Path, count: int, site: str = "news.example", extra: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"story-{number:04d}.html"
        path.write_text(page(number, site, extra))
        paths.append(path)
    return paths


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.clean.txt"))}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".cleaner-tmp")]


def report_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_outputs_get_the_mode_a_plain_open_gives_them(tmp_path: Path) -> None:
    pages = make_pages(tmp_path / "raw", 3)
    previous = os.umask(0o027)  # inherited by the command and its workers
    try:
        runs = [run_cli("clean", tmp_path / "raw", "--jobs", "1", *force) for force in ((), ("--force",))]
    finally:
        os.umask(previous)
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr_text
    for raw in pages:  # written, then replaced: read and write for the owner, read for the group, nothing for others
        assert raw.with_suffix(".clean.txt").stat().st_mode & 0o777 == 0o640
    assert not leftovers(tmp_path / "raw")


def test_two_jobs_write_what_one_job_writes_with_the_same_report(tmp_path: Path) -> None:
    make_pages(tmp_path / "one", 24)
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    first = run_cli("clean", tmp_path / "one", "--jobs", "1", "--report", tmp_path / "one.jsonl")
    second = run_cli("clean", tmp_path / "two", "--jobs", "2", "--report", tmp_path / "two.jsonl")
    assert first.returncode == second.returncode == 0
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert len(outputs(tmp_path / "one")) == 24

    def comparable(report: list[dict]) -> list[dict]:
        return [{**line, "path": Path(line["path"]).name, "output": Path(line["output"]).name} for line in report]

    assert comparable(report_of(tmp_path / "one.jsonl")) == comparable(report_of(tmp_path / "two.jsonl"))
    assert "cleaned 24, unchanged 0, empty 0, skipped 0, failed 0" in first.stderr_text


def test_rerun_skips_what_is_unchanged_and_redoes_what_changed(tmp_path: Path) -> None:
    pages = make_pages(tmp_path, 6)
    assert run_cli("clean", tmp_path).returncode == 0
    rerun = run_cli("clean", tmp_path, "--report", tmp_path / "r.jsonl")
    assert "cleaned 0, unchanged 6" in rerun.stderr_text

    pages[0].write_text(page(100))  # new bytes
    os.utime(pages[1], ns=(time.time_ns(), time.time_ns()))  # same bytes, new mtime: hashed, not cleaned
    (tmp_path / "story-0002.clean.txt").unlink()  # a missing output is written again
    before = (tmp_path / "story-0003.clean.txt").stat().st_mtime_ns
    result = run_cli("clean", tmp_path, "--report", tmp_path / "r.jsonl")
    statuses = {Path(line["path"]).name: line["status"] for line in report_of(tmp_path / "r.jsonl")}
    assert (
        statuses["story-0000.html"] == "cleaned" and "Story 100" not in (tmp_path / "story-0000.clean.txt").read_text()
    )
    assert "item 107" in (tmp_path / "story-0000.clean.txt").read_text()
    assert statuses["story-0001.html"] == "unchanged"
    assert statuses["story-0002.html"] == "cleaned" and (tmp_path / "story-0002.clean.txt").exists()
    assert statuses["story-0003.html"] == "unchanged"
    assert (tmp_path / "story-0003.clean.txt").stat().st_mtime_ns == before
    assert "cleaned 2, unchanged 4" in result.stderr_text
    assert "cleaned 6, unchanged 0" in run_cli("clean", tmp_path, "--force").stderr_text


def test_changing_one_rule_file_recleans_only_the_pages_it_applies_to(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "alpha.example.toml").write_text(SITE_RULE.replace("{motto}", "first"))
    raw = tmp_path / "raw"
    make_pages(raw / "alpha", 3, site="alpha.example", extra="Alpha motto: second")
    make_pages(raw / "beta", 3, site="beta.example", extra="Alpha motto: second")
    assert run_cli("clean", raw, "--rules", rules).returncode == 0
    assert "Alpha motto" in (raw / "alpha" / "story-0000.clean.txt").read_text()

    (rules / "alpha.example.toml").write_text(SITE_RULE.replace("{motto}", "first|second"))
    result = run_cli("clean", raw, "--rules", rules, "--report", tmp_path / "r.jsonl")
    cleaned = sorted(
        str(Path(line["path"]).relative_to(raw))
        for line in report_of(tmp_path / "r.jsonl")
        if line["status"] == "cleaned"
    )
    assert cleaned == ["alpha/story-0000.html", "alpha/story-0001.html", "alpha/story-0002.html"], result.stderr_text
    assert "Alpha motto" not in (raw / "alpha" / "story-0000.clean.txt").read_text()
    assert "Alpha motto" in (raw / "beta" / "story-0000.clean.txt").read_text()

    # A new rule file changes which rule sets match: every page is looked at again, only beta's change.
    (rules / "beta.example.toml").write_text(
        SITE_RULE.replace("alpha.example", "beta.example").replace("{motto}", "second")
    )
    run_cli("clean", raw, "--rules", rules, "--report", tmp_path / "r.jsonl")
    statuses = {str(Path(line["path"]).relative_to(raw)): line["status"] for line in report_of(tmp_path / "r.jsonl")}
    assert statuses["alpha/story-0000.html"] == "unchanged" and statuses["beta/story-0000.html"] == "cleaned"


def start_batch(folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", str(folder), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=ROOT,
        # A shell without job control starts background jobs with SIGINT ignored, and that would be
        # inherited: give the batch the default handling a terminal's Ctrl-C meets.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for_outputs(folder: Path, count: int, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while len(list(folder.glob("*.clean.txt"))) < count:
        assert process.poll() is None, "the batch ended before it could be interrupted"
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.02)


@pytest.mark.parametrize("how", ["kill -9", "ctrl-c"])
def test_interrupted_batch_leaves_only_complete_outputs_and_the_rerun_finishes(tmp_path: Path, how: str) -> None:
    make_pages(tmp_path / "reference", 120)
    shutil.copytree(tmp_path / "reference", tmp_path / "raw")
    assert run_cli("clean", tmp_path / "reference", "--jobs", "2").returncode == 0
    expected = outputs(tmp_path / "reference")

    batch = start_batch(tmp_path / "raw", "--jobs", "2")
    wait_for_outputs(tmp_path / "raw", 10, batch)
    if how == "kill -9":
        os.killpg(batch.pid, signal.SIGKILL)  # the whole group, workers included, at once
    else:
        os.killpg(batch.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, stderr = batch.communicate(timeout=60)
    if how == "ctrl-c":
        assert batch.returncode == 130 and b"interrupted" in stderr and b"Traceback" not in stderr
        assert not leftovers(tmp_path / "raw")

    written = outputs(tmp_path / "raw")
    assert 10 <= len(written) < 120
    for name, data in written.items():
        assert data == expected[name], f"{name} is not a complete output"

    rerun = run_cli("clean", tmp_path / "raw", "--jobs", "2")
    assert rerun.returncode == 0
    assert outputs(tmp_path / "raw") == expected
    assert not leftovers(tmp_path / "raw")


def write_hanging_dump(folder: Path) -> Path:
    """A text dump that a (deliberately bad) rule takes minutes on: a pattern that passes the load check
    (rules/regexes.py) but backtracks quadratically on a 300,000-character line."""
    (folder / "rules").mkdir()
    (folder / "rules" / "slow.toml").write_text(
        "[match]\ntext_markers = ['HANG-MARKER']\n"
        "[[text.drop]]\nname = 'backtracking'\npattern = '\\d+\\s*$'\n"
        "[[test]]\nsample = 'x.txt'\nnot_contains = ['x']\n"
    )
    hanging = folder / "raw" / "hang.txt"
    hanging.parent.mkdir()
    hanging.write_text("HANG-MARKER\n" + "1" * 300_000 + "x\nThe end of a dump.\n")
    return hanging


def test_a_page_that_hangs_is_failed_after_the_timeout_and_the_batch_goes_on(tmp_path: Path) -> None:
    write_hanging_dump(tmp_path)
    make_pages(tmp_path / "raw", 4)
    started = time.monotonic()
    result = run_cli(
        "clean",
        tmp_path / "raw",
        "--rules",
        tmp_path / "rules",
        "--timeout",
        "2",
        "--jobs",
        "2",
        "--report",
        tmp_path / "r.jsonl",
    )
    assert time.monotonic() - started < 40
    assert result.returncode == 1
    lines = {Path(line["path"]).name: line for line in report_of(tmp_path / "r.jsonl")}
    assert lines["hang.txt"]["status"] == "failed" and "budget" in lines["hang.txt"]["reason"]
    assert sorted(name for name, line in lines.items() if line["status"] == "cleaned") == [
        f"story-{n:04d}.html" for n in range(4)
    ]
    assert "cleaned 4, unchanged 0, empty 0, skipped 0, failed 1" in result.stderr_text


def descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid`` and its depth (1 = child), read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    depth = {pid: 0}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in depth and child not in depth:
                depth[child] = depth[parent] + 1
                changed = True
    del depth[pid]
    return depth


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker process")
def test_a_worker_killed_in_the_middle_of_a_page_is_replaced(tmp_path: Path) -> None:
    write_hanging_dump(tmp_path)
    batch = start_batch(
        tmp_path / "raw",
        "--rules",
        str(tmp_path / "rules"),
        "--jobs",
        "1",
        "--timeout",
        "300",
        "--report",
        str(tmp_path / "r.jsonl"),
    )
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while not workers:  # the forkserver is the parent's child; workers are its children
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.2)
        workers = [pid for pid, depth in descendants(batch.pid).items() if depth == 2]
    time.sleep(1.0)  # it is now deep in the backtracking regex
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 1, stderr
    line = report_of(tmp_path / "r.jsonl")[0]
    assert line["status"] == "failed" and "worker process died (killed by signal 9)" in line["reason"]
    assert b"Traceback" not in stderr


def kill_workers(batch: subprocess.Popen) -> None:
    for pid, depth in descendants(batch.pid).items():
        if depth == 2:  # the forkserver is the parent's child; workers are its children
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker process")
def test_a_worker_killed_in_a_chunk_of_pages_costs_only_the_page_it_was_on(tmp_path: Path) -> None:
    # One job: the first file goes alone, the others to the worker as one chunk, the dump among them or alone.
    hanging = write_hanging_dump(tmp_path)
    pages = make_pages(hanging.parent, 6)
    report = tmp_path / "r.jsonl"
    batch = start_batch(
        hanging.parent, "--rules", str(tmp_path / "rules"), "--jobs", "1", "--timeout", "300", "--report", str(report)
    )
    # Kill the worker whenever no output has changed for a while: it is then in the dump's backtracking regex.
    # A chunk that loses its worker runs again one file at a time (the pages are written again), so it takes
    # one kill when the dump went alone, two when it went with pages.
    started = changed = time.monotonic()
    written: dict[Path, int] = {}
    while batch.poll() is None:
        now = {
            page: page.with_suffix(".clean.txt").stat().st_mtime_ns
            for page in pages
            if page.with_suffix(".clean.txt").exists()
        }
        if now != written:
            written, changed = now, time.monotonic()
        elif time.monotonic() - changed > 3 and (written or time.monotonic() - started > 20):
            kill_workers(batch)
            changed = time.monotonic()
        assert time.monotonic() - started < 120, "the batch made no progress"
        time.sleep(0.05)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 1, stderr
    lines = {Path(line["path"]).name: line for line in report_of(report)}
    assert [lines[page.name]["status"] for page in pages] == ["cleaned"] * len(pages)
    assert lines["hang.txt"]["status"] == "failed"
    assert "worker process died (killed by signal 9)" in lines["hang.txt"]["reason"]
    assert b"Traceback" not in stderr


def _stuck_on_zero(number: int) -> int:
    if number == 0:
        time.sleep(600)  # no deadline of its own: stands for C code that no timer signal interrupts
    return number


def test_a_task_stuck_in_a_chunk_fails_alone_after_about_its_own_deadline() -> None:
    # One job: the first task goes alone, the next eight as one chunk, whose deadline is all its tasks' (24 s).
    tasks = [1, 2, 3, 0, 4, 5, 6, 7, 8]
    started = time.monotonic()
    results = dict(ordered_map(_stuck_on_zero, tasks, jobs=1, timeout=3))
    assert time.monotonic() - started < 20  # the worker's watchdog (4 s), then the task alone (3 s)
    assert isinstance(results[0], Failure) and "timed out after 3 s" in results[0].reason
    assert [results[n] for n in tasks if n] == [n for n in tasks if n]


def test_exit_codes(tmp_path: Path) -> None:
    make_pages(tmp_path / "raw", 2)
    assert run_cli("clean", tmp_path / "raw").returncode == 0
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.toml").write_text("[match\n")
    assert run_cli("clean", tmp_path / "raw", "--rules", tmp_path / "rules").returncode == 2
    assert run_cli("clean", tmp_path / "raw", "--jobs", "0").returncode == 2
    assert run_cli("clean").returncode == 2


def test_odd_files_in_the_tree(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_pages(raw, 2)
    outside = make_pages(tmp_path / "outside", 1)[0]
    os.symlink(outside, raw / "linked-outside.html")
    os.symlink(raw / "story-0000.html", raw / "linked-inside.html")
    os.mkfifo(raw / "pipe.html")
    latin1_name = os.fsencode(raw) + b"/caf\xe9.html"
    with open(latin1_name, "w") as handle:
        handle.write(page(7))
    result = run_cli("clean", raw, "--report", tmp_path / "r.jsonl", timeout=60)
    assert result.returncode == 0, result.stderr_text
    lines = {Path(line["path"]).name: line for line in report_of(tmp_path / "r.jsonl")}
    assert lines["linked-outside.html"]["status"] == "skipped" and "symlink" in lines["linked-outside.html"]["reason"]
    assert lines["linked-inside.html"]["status"] == "skipped"
    assert lines["pipe.html"]["status"] == "skipped" and "FIFO" in lines["pipe.html"]["reason"]
    assert lines["caf\ufffd.html"]["status"] == "cleaned"
    assert os.path.exists(os.fsencode(raw) + b"/caf\xe9.clean.txt")
    assert not (tmp_path / "outside" / "story-0000.clean.txt").exists()
    assert "caf\ufffd.html" not in result.stderr_text  # cleaned files are not listed as problems


def without_permission_override() -> list[str]:
    """A prefix that makes root obey file permissions (setpriv drops CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


def run_restricted(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*without_permission_override(), sys.executable, "-m", "cleaner", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_an_unreadable_file_is_reported_and_the_rest_is_cleaned(tmp_path: Path) -> None:
    pages = make_pages(tmp_path, 3)
    pages[1].chmod(0)
    result = run_restricted("clean", tmp_path)
    assert result.returncode == 1
    assert f"failed {pages[1]}: cannot read: Permission denied" in result.stderr
    assert (tmp_path / "story-0000.clean.txt").exists() and (tmp_path / "story-0002.clean.txt").exists()


def test_a_read_only_folder_stops_the_batch_cleanly(tmp_path: Path) -> None:
    make_pages(tmp_path / "raw", 3)
    (tmp_path / "raw").chmod(0o555)
    try:
        result = run_restricted("clean", tmp_path / "raw")
    finally:
        (tmp_path / "raw").chmod(0o755)
    assert result.returncode == 1
    assert "error:" in result.stderr and "Permission denied" in result.stderr and "Traceback" not in result.stderr
    assert not list((tmp_path / "raw").glob("*.clean.txt")) and not leftovers(tmp_path / "raw")


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill up: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_stops_the_batch_cleanly(tiny_disk: Path) -> None:
    make_pages(tiny_disk, 12)
    filler = tiny_disk / "filler.bin"
    # Fill the disk, then leave room for the state file and a few outputs.
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - 28 * 1024))
    result = run_cli("clean", tiny_disk, "--jobs", "1")
    assert result.returncode == 1, result.stderr_text
    assert "error:" in result.stderr_text and "No space left on device" in result.stderr_text
    assert "Traceback" not in result.stderr_text
    for output in tiny_disk.glob("*.clean.txt"):
        assert output.read_text().endswith("\n") and "harbour committee" in output.read_text()
    assert not leftovers(tiny_disk)


def peak_memory_of(command: list[str]) -> int:
    """Peak resident memory (VmHWM, kB) of the process itself, sampled until it exits."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    peak = 0
    while process.poll() is None:
        try:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    assert process.returncode == 0
    return peak


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_memory_of_the_batch_does_not_grow_with_the_number_of_files(tmp_path: Path) -> None:
    for count in (200, 4000):
        folder = tmp_path / str(count)
        folder.mkdir()
        for number in range(count):
            (folder / f"dump-{number:05d}.txt").write_text(f"Dump {number}\nA line of text number {number}.\n")
    command = [sys.executable, "-m", "cleaner", "clean", "--jobs", "2", "--quiet"]
    small = peak_memory_of([*command, str(tmp_path / "200")])
    large = peak_memory_of([*command, str(tmp_path / "4000")])
    assert large < small + 8 * 1024, f"peak {small} kB for 200 files, {large} kB for 4000"
