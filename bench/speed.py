"""Speed and memory of ``cleaner clean`` against a bare trafilatura loop, measured in the same run.

    python bench/speed.py [--pages DIR] [--unchanged-files 10000]
    python bench/speed.py --profile [--pages DIR]     CPU per page of each stage, against bare trafilatura
    python bench/speed.py --no-op-only [--unchanged-files 10000 100000]     only the no-op re-runs

Every figure is a ratio to something measured in the same run on the same machine, because shared
machines are noisy. Timings are wall-clock times of whole commands (start-up included), each the
best of ``--repeat`` runs:

  bare      python bench/bare_trafilatura.py DIR OUT   read, trafilatura.extract, write; one process
  bare fast the same with fast=True: what cleaner's auto mode runs first
  bare auto trafilatura in cleaner's auto mode (--auto): fast, then its full extraction where fast's text
            fails the test stages/extract.py applies; like for like with cleaner's default, rules aside
  1 job     cleaner clean DIR --jobs 1 --force         rules included
  2 jobs    cleaner clean DIR --jobs 2 --force
  bare, 2 processes   the bare loop forked in two once trafilatura is imported, each process taking every other
            file: what this machine's two cores give to the same work with no pool, the ceiling of the 2-job
            speed-up (on this 2-core virtual machine it moved from 1.4 to 2.6 from one round to the next)

each over the pages, then over COPIES, a folder of --copies copies of them (1,810 files by default), in turn:
every other round in reverse order, so that a machine that speeds up or slows down during a round favours none
of them; each round's ratios are printed. On COPIES start-up (the interpreter, then the worker's imports of
trafilatura and the rules, about half a second) no longer weighs: on 181 files it is a fifth of a 2-job run and
caps any speed-up near 1.7. The per-page targets are read on COPIES; the ratios over the 181 pages are printed
for information.

  re-run    cleaner clean COPIES once more: every file unchanged; compared with its 2-job run
  no-op     cleaner clean on N unchanged small pages (--unchanged-files, 10,000 and 100,000), compared with
            `find DIR -type f` over the same tree (the first run, which cleans them, takes a while); its CPU
            time is printed too (on a loaded machine the steadier figure), and the time of the stats alone:
            a bare Python loop that lists each folder and stats each page and its output, which any no-op
            that notices an edited output must do (STAT_FLOOR). --no-op-only measures only this
  start-up  cleaner clean FILE and cleaner clean - < FILE on one page, against trafilatura's own command
            line on the same page (`trafilatura --fast < FILE`)

``--profile`` measures nothing of the above: it cleans each page in this process (one job, the rules loaded
once) with each stage of the pipeline timed (CPU time, ms per page). A first pass over all the pages warms up
(imports, and each rule pattern compiled on its first use) and is reported apart; the stages are timed on the
passes after it, the best of ``--repeat`` by total (bare trafilatura likewise). It then runs trafilatura.extract on the
same pages in its default and fast modes and in cleaner's auto procedure, so that a stage that grows is
seen against the extractor it wraps.

Peak memory is the largest VmHWM of any worker process during the 1- and 2-job runs, and of the parent. Their CPU
time is sampled from /proc too: the workers' CPU in the 2-job run over theirs in the 1-job run (above 1 when a
page costs more while both cores work: what the speed-up loses to the machine, not to the pool; bare trafilatura's
in 2 processes over its own in one beside it, from the rusage of the bare commands), and the parent's CPU per
file in the 2-job run (its start-up included), which it takes from the workers' two cores. The
speed-up at 1 job's CPU a page is the cores the workers kept busy on average in the 2-job run (their CPU over its
wall time) over the same in the 1-job run: what the speed-up would be if a page cost the same CPU in both, all that
the pool, the parent, start-up and the last chunks leave of two cores; each is read within one run, so the
machine's drift from one run to the next does not move it.

Pages default to the 181 pages of ../shared/eval (gzipped HTML); any folder of .html files can be given.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
CLEANER = [sys.executable, "-m", "cleaner", "clean", "--quiet"]
TICK = os.sysconf("SC_CLK_TCK")  # clock ticks a second, the unit of /proc/PID/stat's times
# name: (limit, "max" or "min"), or why a figure has no target; the per-page ones hold for the whole pipeline,
# scorer included, and are read on the copies: on the 181 pages alone start-up (the worker's imports, about 0.6 s
# of a 3.7 s run) weighs a sixth (start-up has its own rows: one file, the no-op re-runs).
_START_UP = "start-up included"
TARGETS: dict[str, tuple[float, str] | str] = {
    "1 job / bare": _START_UP,
    "1 job / bare fast": _START_UP,
    "1 job / bare auto": _START_UP,
    "1 job / bare, copies": (1 / 1.3, "max"),
    "1 job / bare fast, copies": (1.0, "max"),
    "1 job / bare auto, copies": (1.0, "max"),
    "2 jobs speed-up, copies": (1.85, "min"),
    "bare, 2 processes speed-up, copies": "this machine's ceiling for 2 jobs",
    "2 jobs / 1 job worker CPU": "what the speed-up loses to the machine",
    "bare, 2 processes / 1 CPU": "the same for bare trafilatura",
    "2 jobs speed-up at 1 job's CPU a page": "what the pool keeps: the runs' own shares of busy cores",
    "parent CPU ms a file, 2 jobs": _START_UP,
    "re-run / first run": (0.02, "max"),
    "no-op 10000 / find": (10.0, "max"),
    "no-op 100000 / find": (10.0, "max"),
    "no-op 100000, seconds": (1.0, "max"),
    "one file / trafilatura CLI": (1.5, "max"),
    "stdin / trafilatura CLI": (1.5, "max"),
    "worker peak MB": (150.0, "max"),
    "parent peak MB": (150.0, "max"),
}
TIMED = ("bare", "bare fast", "bare auto", "bare, 2 processes", "1 job", "2 jobs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_pages = Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval")) / "aeb" / "html"
    parser.add_argument("--pages", type=Path, default=default_pages, help="folder of .html or .html.gz pages")
    parser.add_argument("--unchanged-files", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--copies", type=int, default=10, help="copies of the pages in the large folder")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs for each timing")
    parser.add_argument(
        "--profile", action="store_true", help="CPU per page of each stage, after a warm-up pass over the pages"
    )
    parser.add_argument("--no-op-only", action="store_true", help="only the no-op re-runs over unchanged files")
    args = parser.parse_args()
    # An installed cleaner has its bytecode compiled (pip does it); an editable checkout where
    # PYTHONDONTWRITEBYTECODE is set would compile every module at every start instead (40 ms a run here).
    compileall.compile_dir(ROOT / "cleaner", quiet=1)
    if args.no_op_only:  # no pages needed
        with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as work:
            return report(no_op(Path(work), args.unchanged_files, args.repeat))
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
        if args.profile:
            return profile(pages, args.repeat)
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


def measure(work: Path, unchanged_files: list[int], repeat: int, copies: int) -> dict[str, float]:
    pages, big = work / "pages", work / "big"
    for copy in range(copies):
        shutil.copytree(pages, big / f"copy-{copy}")
    small = compare(pages, work / "bare", repeat)
    large = compare(big, work / "bare-big", repeat)
    rerun = best_of(repeat, [*CLEANER, "--jobs", "2", str(big)])
    files = {folder: sum(1 for _ in folder.rglob("*.html")) for folder in (pages, big)}
    for name, (times, folder) in {"pages": (small, pages), f"{copies} copies": (large, big)}.items():
        count = files[folder]
        print(f"{name} ({count} files): " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items() if k in TIMED))
        print(
            f"  CPU seconds, 1 job: workers {times['1 job worker cpu']:.2f}, parent {times['1 job parent cpu']:.2f};"
            f" 2 jobs: workers {times['2 jobs worker cpu']:.2f}, parent {times['2 jobs parent cpu']:.2f}"
        )
    print(f"re-run of the {copies} copies: {rerun:.2f} s")
    figures = {
        "1 job / bare": small["1 job"] / small["bare"],
        "1 job / bare fast": small["1 job"] / small["bare fast"],
        "1 job / bare, copies": large["1 job"] / large["bare"],
        "1 job / bare fast, copies": large["1 job"] / large["bare fast"],
        "1 job / bare auto": small["1 job"] / small["bare auto"],
        "1 job / bare auto, copies": large["1 job"] / large["bare auto"],
        "2 jobs speed-up, copies": large["1 job"] / large["2 jobs"],
        "bare, 2 processes speed-up, copies": large["bare"] / large["bare, 2 processes"],
        "2 jobs / 1 job worker CPU": large["2 jobs worker cpu"] / large["1 job worker cpu"],
        "bare, 2 processes / 1 CPU": large["bare, 2 processes cpu"] / large["bare cpu"],
        "2 jobs speed-up at 1 job's CPU a page": large["2 jobs busy"] / large["1 job busy"],
        "parent CPU ms a file, 2 jobs": 1000 * large["2 jobs parent cpu"] / files[big],
        "re-run / first run": rerun / large["2 jobs"],
    }
    figures |= no_op(work, unchanged_files, repeat) | start_up(next(iter(sorted(pages.iterdir()))), repeat)
    figures["worker peak MB"] = max(small["peak"], large["peak"]) / 1024
    figures["parent peak MB"] = max(small["parent peak"], large["parent peak"]) / 1024
    return figures


def no_op(work: Path, counts: list[int], repeat: int) -> dict[str, float]:
    """A re-run over N unchanged small pages, against listing the same tree with find."""
    figures = {}
    for count in counts:
        folder = work / f"many-{count}"
        write_small_pages(folder, count)
        timed([*CLEANER, str(folder)])  # the first run cleans them
        rerun = find = cpu = floor = float("inf")
        parent = 0
        for _ in range(repeat):  # in turn, so that a slow spell of the machine falls on both
            before = children_cpu()
            run = timed([*CLEANER, str(folder)])
            rerun, parent = min(rerun, run.elapsed), max(parent, run.parent_peak)
            cpu = min(cpu, children_cpu() - before)
            find = min(find, timed(["find", str(folder), "-type", "f"]).elapsed)
            floor = min(floor, timed([sys.executable, "-c", STAT_FLOOR, str(folder)]).elapsed)
        print(
            f"no-op re-run over {count} unchanged pages: {rerun:.2f} s (CPU {cpu:.2f} s); find: {find:.2f} s;"
            f" the stats alone, in Python: {floor:.2f} s; parent peak {parent / 1024:.0f} MB"
        )
        figures[f"no-op {count} / find"] = rerun / find
        figures[f"no-op {count}, seconds"] = rerun
    return {name: value for name, value in figures.items() if name in TARGETS}


# What any no-op re-run that notices an edited output must do, and no more, in a bare Python loop: list each
# folder, stat each file and its output. No state is read and nothing is compared: a floor, not a rival.
STAT_FLOOR = """
import os, sys
for folder, _, names in os.walk(sys.argv[1]):
    fd = os.open(folder, os.O_RDONLY)
    for name in names:
        if name.endswith(".html"):
            os.stat(name, dir_fd=fd, follow_symlinks=False)
            os.stat(name[:-5] + ".clean.txt", dir_fd=fd)
    os.close(fd)
"""


def children_cpu() -> float:
    """CPU seconds (user and system) of the child processes that have ended so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def start_up(page: Path, repeat: int) -> dict[str, float]:
    """One page through cleaner's command line (a file, then stdin) and through trafilatura's."""
    commands = {
        "file": [sys.executable, "-m", "cleaner", "clean", "--quiet", "--force", str(page)],
        "stdin": [sys.executable, "-m", "cleaner", "clean", "-"],
        "trafilatura": [str(Path(sys.executable).with_name("trafilatura")), "--fast"],
    }
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(repeat):
        for name, command in commands.items():
            best[name] = min(best[name], timed(command, stdin=page if name != "file" else None).elapsed)
    print("one page: " + ", ".join(f"{name} {elapsed:.2f} s" for name, elapsed in best.items()))
    return {
        "one file / trafilatura CLI": best["file"] / best["trafilatura"],
        "stdin / trafilatura CLI": best["stdin"] / best["trafilatura"],
    }


# The stages as the pipeline calls them (cleaner/stages/pipeline.py); prune and extract run inside with_fallback.
STAGES = (
    "decode",
    "resolve",
    "read_metadata",
    "with_fallback",
    "prune",
    "extract",
    "frame_dump",
    "apply_scorer",
    "apply_text_rules",
    "identify_language",
)


def profile(pages: list[Path], repeat: int = 1) -> int:
    """CPU ms per page of each stage of the pipeline, in this process, and of bare trafilatura.extract."""
    import trafilatura

    from cleaner.errors import CleanerError
    from cleaner.stages import pipeline

    spent = dict.fromkeys(STAGES, 0.0)

    def timed_stage(name: str, stage: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return stage(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started

        return run

    for name in STAGES:
        setattr(pipeline, name, timed_stage(name, getattr(pipeline, name)))
    pages_bytes = [page.read_bytes() for page in pages]

    def one_pass() -> tuple[float, dict[str, float]]:
        spent.update(dict.fromkeys(STAGES, 0.0))
        started = time.process_time()
        for data in pages_bytes:
            with contextlib.suppress(CleanerError):
                pipeline.clean_bytes(data)
        return time.process_time() - started, dict(spent)

    # the first pass pays the imports and each rule pattern's compilation on its first use (rules/literals.py):
    # start-up, not per page, so it is reported apart and the stages are timed on the passes after it
    first, _ = one_pass()
    whole, spent_best = min((one_pass() for _ in range(repeat)), key=lambda run: run[0])
    spent.update(spent_best)
    spent["with_fallback"] -= spent["prune"] + spent["extract"]  # its own share: a second attempt, the choice
    from bare_trafilatura import auto_extract  # beside this script

    bare = {}
    modes: dict[str, Callable[[str], Any]] = {
        "bare trafilatura (default)": lambda html: trafilatura.extract(html, include_comments=False),
        "bare trafilatura (fast)": lambda html: trafilatura.extract(html, include_comments=False, fast=True),
        "bare trafilatura (auto)": auto_extract,  # cleaner's decision procedure, without the rules
    }
    for mode, extract in modes.items():
        bare[mode] = float("inf")
        for _ in range(repeat):
            started = time.process_time()
            for data in pages_bytes:
                extract(data.decode("utf-8", errors="replace"))
            bare[mode] = min(bare[mode], time.process_time() - started)
    per_page = 1000 / len(pages)
    print(f"\nfirst pass (imports, rule compilation on first use): {first * per_page:.2f} ms/page")
    print(f"best of {repeat} passes after it:")
    print(f"\n{'stage':28} {'ms/page':>8}  share")
    for name, seconds in [*spent.items(), ("other (pipeline glue)", whole - sum(spent.values()))]:
        print(f"{name:28} {seconds * per_page:8.2f}  {seconds / whole:5.1%}")
    print(f"{'whole pipeline':28} {whole * per_page:8.2f}")
    for mode, seconds in bare.items():
        print(f"{mode:28} {seconds * per_page:8.2f}  pipeline / this: {whole / seconds:.2f}")
    return 0


def compare(folder: Path, bare_output: Path, repeat: int) -> dict[str, float]:
    """Best times of bare (default, fast, auto and in 2 processes), 1 job and 2 jobs over ``folder``, run in turn so
    that a slow spell of the machine falls on all of them; the peak memory (kB) of a worker and of the parent; and
    for 1 job and 2 jobs, the least CPU time of their workers and of their parent, and the most cores their workers
    kept busy on average in one run."""
    bare = [sys.executable, str(ROOT / "bench" / "bare_trafilatura.py"), str(folder), str(bare_output)]
    commands = {
        "bare": bare,
        "bare fast": [*bare, "--fast"],
        "bare auto": [*bare, "--auto"],
        "bare, 2 processes": [*bare, "--processes", "2"],
        "1 job": [*CLEANER, "--jobs", "1", "--force", str(folder)],
        "2 jobs": [*CLEANER, "--jobs", "2", "--force", str(folder)],
    }
    best = dict.fromkeys(commands, float("inf")) | {"peak": 0.0, "parent peak": 0.0}
    for round_ in range(repeat):
        order = list(commands.items())
        elapsed, busy = {}, {}
        for name, command in order if round_ % 2 == 0 else reversed(order):
            ours = "job" in name
            before = children_cpu()  # what bare's processes used, its forked one included (it waits for it)
            run = timed(command, watch_workers=ours)
            elapsed[name] = run.elapsed
            best[name] = min(best[name], run.elapsed)
            if name.startswith("bare"):
                best[f"{name} cpu"] = min(best.get(f"{name} cpu", float("inf")), children_cpu() - before)
            if ours:
                best["peak"] = max(best["peak"], run.worker_peak)
                best["parent peak"] = max(best["parent peak"], run.parent_peak)
                for part, seconds in (("worker", run.worker_cpu), ("parent", run.parent_cpu)):
                    best[f"{name} {part} cpu"] = min(best.get(f"{name} {part} cpu", float("inf")), seconds)
                busy[name] = run.worker_cpu / run.elapsed  # cores kept busy on average: read within the run
                best[f"{name} busy"] = max(best.get(f"{name} busy", 0.0), busy[name])
        print(
            f"  {folder.name}, round {round_ + 1}: 1 job / bare {elapsed['1 job'] / elapsed['bare']:.3f},"
            f" 2 jobs speed-up {elapsed['1 job'] / elapsed['2 jobs']:.3f}"
            f" ({busy['2 jobs'] / busy['1 job']:.3f} at 1 job's CPU a page),"
            f" bare's in 2 processes {elapsed['bare'] / elapsed['bare, 2 processes']:.3f}",
            flush=True,
        )
    return best


def best_of(repeat: int, command: list[str]) -> float:
    return min(timed(command).elapsed for _ in range(repeat))


class Run(NamedTuple):
    elapsed: float  # wall seconds
    worker_peak: int  # the largest VmHWM (kB) of cleaner's workers (and the process they are forked from)
    parent_peak: int  # the command's own VmHWM (kB)
    worker_cpu: float  # CPU seconds of the workers (forked from the process cleaner starts), sampled from /proc
    parent_cpu: float  # CPU seconds of the command's own process, all its threads, sampled likewise


def timed(command: list[str], watch_workers: bool = False, stdin: Path | None = None) -> Run:
    """A command run to its end; with ``watch_workers``, what its workers used too (sampled every 50 ms: the last
    few milliseconds of each process are not seen)."""
    with open(stdin or os.devnull, "rb") as given:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdin=given, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = parent = 0
        cpu_of: dict[int, float] = {}
        parent_cpu = 0.0
        while process.poll() is None:
            if watch_workers:
                children = _children(process.pid)  # the forkserver (the workers are its children), the resource tracker
                workers = [worker for child in children for worker in _children(child)]
                peak = max([peak, *(vm_hwm(pid) for pid in workers + children)])
                for worker in workers:
                    cpu_of[worker] = max(cpu_of.get(worker, 0.0), cpu_seconds(proc_stat(worker)))
                parent_cpu = max(parent_cpu, cpu_seconds(proc_stat(process.pid)))
            parent = max(parent, vm_hwm(process.pid))
            time.sleep(0.01 if stdin else 0.05)
        elapsed = time.perf_counter() - started
    if process.returncode not in (0, 3):  # 3: a page without text is still a measured run
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return Run(elapsed, peak, parent, sum(cpu_of.values()), parent_cpu)


def proc_stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the process's name (none once it is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def cpu_seconds(fields: list[str]) -> float:
    """User and system CPU time in a process's ``proc_stat`` fields."""
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0


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


def report(figures: dict[str, float], targets: dict[str, tuple[float, str] | str] = TARGETS) -> int:
    failed = 0
    print(f"\n{'figure':36} {'value':>8}  target")
    for name, value in figures.items():
        target = targets[name]
        if isinstance(target, str):
            print(f"{name:36} {value:8.3f}  ({target}: for information)")
            continue
        limit, kind = target
        ok = value <= limit if kind == "max" else value >= limit
        failed += not ok
        sign = "<=" if kind == "max" else ">="
        print(f"{name:36} {value:8.3f}  {sign} {limit:g}  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
