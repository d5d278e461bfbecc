"""What a real ftr-site-config folder adds to the start of a batch: ``cleaner clean`` over a few tiny pages
with ``-j`` workers, with and without ``--rules FOLDER``, the folder's cache already made (a first run
reads and checks the files: bench/ftr_folder.py times that).

    python bench/ftr_startup.py --folder ../shared/ftr-site-config [--jobs 2] [--rounds 5]

CPU time of the whole process tree (the command, the process workers are forked from, the workers), the
best of ``--rounds`` runs: this process becomes the reaper of every process the command leaves behind, so
their time is counted too (Linux). Wall time beside it.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_all() -> None:
    """Wait for every descendant left behind (adopted by this process), so that its CPU time is counted."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def run(pages: Path, jobs: int, extra: list[str], env: dict[str, str]) -> tuple[float, float]:
    cpu, started = _children_cpu(), time.perf_counter()
    command = [sys.executable, "-m", "cleaner", "clean", str(pages), "-j", str(jobs), "-q", *extra]
    subprocess.run(command, env=env, capture_output=True, check=True)
    _reap_all()
    return _children_cpu() - cpu, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=4)
    args = parser.parse_args()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as temp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(temp) / "cache")}
        runs = {"without": [], "with the folder": ["--rules", str(args.folder)]}
        for round_ in range(args.rounds + 1):  # round 0 makes the folder's cache and is not counted
            for label, extra in runs.items():
                pages = Path(temp) / "pages"
                pages.mkdir(exist_ok=True)
                for n in range(args.pages):  # written anew: a cleaned folder would be skipped as unchanged
                    (pages / f"p{n}.html").write_text(
                        f"<html><body><article><p>Words of short story number {n}, enough to keep.</p></article>"
                        "</body></html>"
                    )
                    (pages / f"p{n}.clean.txt").unlink(missing_ok=True)
                (pages / ".cleaner-state.sqlite").unlink(missing_ok=True)
                cpu, wall = run(pages, args.jobs, extra, env)
                if round_ == 0:
                    continue
                old = best.get(label, (cpu, wall))
                best[label] = (min(old[0], cpu), min(old[1], wall))
    for label, (cpu, wall) in best.items():
        print(f"{args.pages} pages, -j {args.jobs}, {label}: {cpu:.2f} s CPU, {wall:.2f} s wall", end="")
        print(f" (best of {args.rounds})")
    cpu = best["with the folder"][0] - best["without"][0]
    wall = best["with the folder"][1] - best["without"][1]
    print(f"the folder adds {cpu:+.2f} s CPU and {wall:+.2f} s wall to the batch")


if __name__ == "__main__":
    main()
