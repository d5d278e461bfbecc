"""Speed and memory of ``cleaner clean`` against a bare trafilatura loop, measured in the same run.

    python bench/speed.py [--pages DIR] [--unchanged-files 10000]

Every figure is a ratio to something measured in the same run on the same machine, because shared
machines are noisy. Timings are wall-clock times of whole commands (start-up included), each the
best of ``--repeat`` runs:

  bare      python bench/bare_trafilatura.py DIR OUT   read, trafilatura.extract, write; one process
  1 job     cleaner clean DIR --jobs 1 --force         rules included
  2 jobs    cleaner clean DIR --jobs 2 --force

each over the pages, then over COPIES, a folder of --copies copies of them (1,810 files by default),
where start-up (the interpreter, then the worker's imports of trafilatura and the rules, about half a
second) no longer weighs: on 181 files it is a fifth of a 2-job run and caps any speed-up near 1.7.

  re-run    cleaner clean COPIES once more: every file unchanged; compared with its 2-job run
  10k       cleaner clean on 10,000 unchanged small pages

Peak memory is the largest VmHWM of any worker process during the 2-job runs. Pages default to the
181 pages of ../shared/eval (gzipped HTML); any folder of .html files can be given.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEANER = [sys.executable, "-m", "cleaner", "clean", "--quiet"]
TARGETS = {  # name: (limit, "max" or "min")
    "1 job / bare": (1.0, "max"),
    "1 job / bare, copies": (1.0, "max"),
    "2 jobs speed-up, copies": (1.7, "min"),
    "re-run / first run": (0.05, "max"),
    "10k unchanged, seconds": (3.0, "max"),
    "worker peak MB": (250.0, "max"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_pages = Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval")) / "aeb" / "html"
    parser.add_argument("--pages", type=Path, default=default_pages, help="folder of .html or .html.gz pages")
    parser.add_argument("--unchanged-files", type=int, default=10_000)
    parser.add_argument("--copies", type=int, default=10, help="copies of the pages in the large folder")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs for each timing")
    args = parser.parse_args()
    if not args.pages.is_dir():
        parser.error(
            f"{args.pages} not found: give --pages DIR (any folder of .html pages), or CLEANER_EVAL=DIR for the"
            " evaluation data the project keeps beside the repository as ../shared/eval"
        )
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as work:
        work_dir = Path(work)
        pages = copy_pages(args.pages, work_dir / "pages")
        print(
            f"{len(pages)} pages, {sum(p.stat().st_size for p in pages) / 1e6:.1f} MB of HTML; {os.cpu_count()} cores"
        )
        figures = measure(work_dir, args.unchanged_files, args.repeat, args.copies)
    return report(figures)


def copy_pages(source: Path, target: Path) -> list[Path]:
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        if path.name.endswith(".html.gz"):
            (target / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
        elif path.suffix in (".html", ".htm"):
            shutil.copyfile(path, target / path.name)
    return sorted(target.iterdir())


def measure(work: Path, unchanged_files: int, repeat: int, copies: int) -> dict[str, float]:
    pages, big = work / "pages", work / "big"
    for copy in range(copies):
        shutil.copytree(pages, big / f"copy-{copy}")
    small = compare(pages, work / "bare", repeat)
    large = compare(big, work / "bare-big", repeat)
    rerun = best_of(repeat, [*CLEANER, "--jobs", "2", str(big)])
    many = work / "many"
    write_small_pages(many, unchanged_files)
    timed([*CLEANER, str(many)])  # first run cleans them
    many_rerun = best_of(repeat, [*CLEANER, str(many)])
    for name, (times, folder) in {"pages": (small, pages), f"{copies} copies": (large, big)}.items():
        count = sum(1 for _ in folder.rglob("*.html"))
        print(f"{name} ({count} files): " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items() if k != "peak"))
    print(f"re-run of the {copies} copies: {rerun:.2f} s; {unchanged_files} unchanged small pages: {many_rerun:.2f} s")
    return {
        "1 job / bare": small["1 job"] / small["bare"],
        "1 job / bare, copies": large["1 job"] / large["bare"],
        "2 jobs speed-up, copies": large["1 job"] / large["2 jobs"],
        "re-run / first run": rerun / large["2 jobs"],
        "10k unchanged, seconds": many_rerun,
        "worker peak MB": max(small["peak"], large["peak"]) / 1024,
    }


def compare(folder: Path, bare_output: Path, repeat: int) -> dict[str, float]:
    """Best times of bare, 1 job and 2 jobs over ``folder``, run in turn so that a slow spell of the machine
    falls on all three; and the peak memory (kB) of a worker."""
    commands = {
        "bare": [sys.executable, str(ROOT / "bench" / "bare_trafilatura.py"), str(folder), str(bare_output)],
        "1 job": [*CLEANER, "--jobs", "1", "--force", str(folder)],
        "2 jobs": [*CLEANER, "--jobs", "2", "--force", str(folder)],
    }
    best = dict.fromkeys(commands, float("inf")) | {"peak": 0.0}
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, peak = timed(command, watch_workers=name == "2 jobs")
            best[name] = min(best[name], elapsed)
            best["peak"] = max(best["peak"], peak)
    return best


def best_of(repeat: int, command: list[str]) -> float:
    return min(timed(command)[0] for _ in range(repeat))


def timed(command: list[str], watch_workers: bool = False) -> tuple[float, int]:
    """Wall time of a command, and the peak VmHWM (kB) of its grandchildren (cleaner's workers)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        if watch_workers:
            peak = max([peak, *(vm_hwm(pid) for pid in grandchildren(process.pid))])
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, peak


def grandchildren(pid: int) -> list[int]:
    children = _children(pid)
    return [grandchild for child in children for grandchild in _children(child)] + children


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def write_small_pages(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        sub = folder / f"{number // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"page-{number:05d}.html").write_text(
            f"<html><head><title>Page {number}</title></head><body><article>"
            + "".join(
                f"<p>Sentence {i} of page {number}, long enough to be kept as text by the extractor.</p>"
                for i in range(6)
            )
            + "</article></body></html>"
        )


def report(figures: dict[str, float]) -> int:
    failed = 0
    print(f"\n{'figure':26} {'value':>8}  target")
    for name, value in figures.items():
        limit, kind = TARGETS[name]
        ok = value <= limit if kind == "max" else value >= limit
        failed += not ok
        sign = "<=" if kind == "max" else ">="
        print(f"{name:26} {value:8.3f}  {sign} {limit:g}  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
