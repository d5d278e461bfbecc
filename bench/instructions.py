"""Instructions a page, counted by valgrind: cleaner's one-job batch work against bare trafilatura's loop, the
measure that this machine's drifting clock leaves alone (bench/speed.py's ratios of time move with it).

    python bench/instructions.py [--pages DIR] [--modes cleaner bare fast auto]

Each mode cleans the pages in one process under valgrind's cachegrind (no cache simulation: about 50 times
slower than without valgrind; as many processes at once as there are cores), once with one pass over them and
once with two; the difference is the second pass, what a page costs once the imports, the first compilation of
each pattern and the caches are behind it.

  cleaner   cleaner's batch with one job, run in this process (the pipeline, reading, hashing, the atomic
            write, the state), its pool left out: the worker's work
  bare      bench/bare_trafilatura.py's loop with trafilatura's defaults; fast: with fast=True; auto: in
            cleaner's auto procedure

Needs valgrind. Pages default to the 181 pages of ../shared/eval (gzipped HTML), as for bench/speed.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from speed import ROOT, copy_pages

MODES = ("cleaner", "bare", "fast", "auto")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_pages = Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval")) / "aeb" / "html"
    parser.add_argument("--pages", type=Path, default=default_pages, help="folder of .html or .html.gz pages")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--passes", nargs=3, help=argparse.SUPPRESS)  # MODE PASSES FOLDER: the counted process
    args = parser.parse_args()
    if args.passes:
        mode, passes, folder = args.passes
        run_passes(mode, int(passes), Path(folder))
        return 0
    if shutil.which("valgrind") is None:
        parser.error("valgrind not found: this benchmark counts instructions with valgrind's cachegrind")
    if not args.pages.is_dir():
        parser.error(f"{args.pages} not found: give --pages DIR, or CLEANER_EVAL=DIR (../shared/eval)")
    with tempfile.TemporaryDirectory(prefix="cleaner-instructions-") as work:
        pages = copy_pages(args.pages, Path(work) / "pages")
        folder = pages[0].parent
        runs = [(mode, passes) for mode in args.modes for passes in (1, 2)]
        with ThreadPoolExecutor(os.cpu_count()) as pool:  # valgrind's counts do not depend on what runs beside
            counted = dict(zip(runs, pool.map(lambda run: count(*run, folder), runs), strict=True))
        per_page = {mode: (counted[mode, 2] - counted[mode, 1]) / len(pages) for mode in args.modes}
    print(f"{len(pages)} pages; million instructions a page, second pass:")
    for mode, instructions in per_page.items():
        line = f"  {mode:8} {instructions / 1e6:8.1f}"
        if mode != "cleaner" and "cleaner" in per_page:
            line += f"  cleaner / this: {per_page['cleaner'] / instructions:.3f}"
        print(line, flush=True)
    return 0


def count(mode: str, passes: int, folder: Path) -> int:
    """Instructions of a process that makes ``passes`` passes of ``mode`` over the pages in ``folder``."""
    command = [
        *("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"),
        *(sys.executable, __file__, "--passes", mode, str(passes), str(folder)),
    ]
    # one hash seed: with a random one, sets and dicts of strings lay out differently at each run (0.5 % a page)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ | {"PYTHONHASHSEED": "0"})
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"{mode}, {passes} passes: {done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def run_passes(mode: str, passes: int, folder: Path) -> None:
    from bare_trafilatura import extract_folder  # beside this script

    from cleaner.engines.batch import clean
    from cleaner.engines.workers import inline_map
    from cleaner.options import Options

    def in_this_process(function: Callable[[Any], Any], tasks: Any, **kwargs: Any) -> Iterator[tuple[Any, Any]]:
        return inline_map(function, tasks, initializer=kwargs["initializer"], initargs=kwargs["initargs"])

    with tempfile.TemporaryDirectory(prefix="cleaner-instructions-") as output:
        for _ in range(passes):
            if mode == "cleaner":
                clean([folder], Options(), jobs=1, force=True, mapper=in_this_process)
            else:
                extract_folder(folder, Path(output), "default" if mode == "bare" else mode)


if __name__ == "__main__":
    sys.exit(main())
