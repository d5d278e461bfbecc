"""The parent's memory from 10,000 to 1,000,000 files: a first run and a no-op re-run over trees of tiny pages.

    python bench/many_files.py [--files 10000 100000 1000000] [--first-up-to 100000] [--work DIR]

For each N, a tree of N tiny pages (1,000 a folder, bench/speed.py's small pages) is written under a temporary
folder (or --work), then `cleaner clean --quiet TREE` runs twice: the first run cleans every page (2 jobs), the
second finds every page unchanged. For each run: its wall time and the peak RSS (VmHWM) of the parent
process, sampled from /proc. The tree is deleted afterwards.

A first run of tiny pages costs a few milliseconds of worker time per page (over an hour for 1,000,000 on 2
shared cores), so above --first-up-to files the tree is not cleaned from scratch: it is made of copies of the
largest tree already cleaned (files copied with their times, `cp -a`) and its state rows copied with the
copy's folder in front of their keys, which is the state a first run over the copies writes. Only the no-op
re-run is measured there, and the table says so.

The figure: the parent's peak at the largest N over its peak at the smallest (no-op re-runs; first runs where
both were measured): flat is at most 1.2.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from speed import CLEANER, report, timed, write_small_pages

STATE = ".cleaner-state.sqlite"
TARGETS = {
    "parent peak, no-op, largest / smallest": (1.2, "max"),
    "parent peak, first run, largest / smallest": (1.2, "max"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--first-up-to", type=int, default=100_000, help="largest tree cleaned by a first run")
    parser.add_argument("--work", type=Path, help="where the trees are written (default: a temporary folder)")
    args = parser.parse_args()
    counts = sorted(args.files)
    if counts[0] > args.first_up_to:
        parser.error("the smallest --files must be at most --first-up-to: larger trees are copies of a cleaned one")
    with tempfile.TemporaryDirectory(prefix="cleaner-many-", dir=args.work) as work:
        rows = measure(Path(work), counts, args.first_up_to)
    print(f"\n{'files':>10} {'first run':>10} {'parent MB':>10} {'no-op':>8} {'parent MB':>10}")
    for count, (first, first_peak, noop, noop_peak) in rows.items():
        made = f"{first:9.1f}s {first_peak:10.1f}" if first else f"{'(copies)':>10} {'':>10}"
        print(f"{count:>10,} {made} {noop:7.2f}s {noop_peak:10.1f}")
    smallest, largest = rows[counts[0]], rows[counts[-1]]
    figures = {"parent peak, no-op, largest / smallest": largest[3] / smallest[3]}
    first_runs = [row for row in rows.values() if row[0]]
    if len(first_runs) > 1:
        figures["parent peak, first run, largest / smallest"] = first_runs[-1][1] / first_runs[0][1]
    return report(figures, TARGETS)


def measure(work: Path, counts: list[int], first_up_to: int) -> dict[int, tuple[float, float, float, float]]:
    """For each count: first run's seconds and parent MB (0 when the tree was copied), no-op's likewise."""
    rows = {}
    cleaned: Path | None = None  # the largest tree cleaned by a first run, kept to be copied
    for count in counts:
        tree = work / f"files-{count}"
        first = first_peak = 0.0
        if count <= first_up_to:
            write_small_pages(tree, count)
            run = timed([*CLEANER, "--jobs", "2", str(tree)])
            first, first_peak = run.elapsed, run.parent_peak / 1024
        else:
            copy_cleaned(cleaned, tree, count)
        run = timed([*CLEANER, str(tree)])
        noop, peak = run.elapsed, run.parent_peak
        rows[count] = (first, first_peak, noop, peak / 1024)
        print(
            f"{count:,} files: first run {first:.1f} s, parent {first_peak:.1f} MB; no-op {noop:.2f} s,"
            f" parent {peak / 1024:.1f} MB",
            flush=True,
        )
        if count <= first_up_to:
            if cleaned is not None:
                shutil.rmtree(cleaned)
            cleaned = tree
        else:
            shutil.rmtree(tree)
    return rows


def copy_cleaned(cleaned: Path | None, tree: Path, count: int) -> None:
    """``tree``: as many copies of the cleaned tree (``copy-K/``) as make ``count`` pages or more, and the
    state a first run over them writes: the cleaned tree's rows with ``copy-K/`` in front of their keys."""
    assert cleaned is not None
    size = sum(1 for _ in cleaned.rglob("*.html"))
    copies = -(-count // size)
    tree.mkdir()
    with sqlite3.connect(tree / STATE) as state:
        state.execute(f"attach database '{cleaned / STATE}' as cleaned")
        (schema,) = state.execute("select sql from cleaned.sqlite_master where name = 'files'").fetchone()
        state.execute(schema)
        columns = [row[1] for row in state.execute("pragma table_info(files)") if row[1] != "path"]
        for copy in range(copies):
            subprocess.run(["cp", "-a", str(cleaned), str(tree / f"copy-{copy}")], check=True)
            (tree / f"copy-{copy}" / STATE).unlink()
            state.execute(
                f"insert into files (path, {', '.join(columns)}) select cast(? || cast(path as text) as blob),"
                f" {', '.join(columns)} from cleaned.files",
                (f"copy-{copy}/",),
            )


if __name__ == "__main__":
    sys.exit(main())
