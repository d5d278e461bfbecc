"""WARC input, the Ray engine and memory at scale, each figure a ratio measured in the same run.

    python bench/scale.py [--pages DIR] [--copies 6] [--ray]

The pages (the 181 aeb development pages by default) are written, --copies times each, as a folder
of .html files and as a Common-Crawl-like WARC (request, response and metadata records, gzip per
record), at run time, under a temporary folder. Then:

  read share    CPU time of reading the WARC (sources/warc.py, every page's bytes) over the CPU time of
                the whole `cleaner clean --warc` run with 2 jobs (its process tree, sampled from /proc)
  WARC/folder   pages/s of `cleaner clean --warc W -o out.jsonl -j 2` over `cleaner clean FOLDER -j 2`,
                and pages per CPU second likewise (steadier on a shared machine); best of --repeat
  memory        peak RSS of the parent for a WARC of 10,000 records over one of 1,000 (the tree's printed)
  Ray           (--ray, needs the extra) pages/s on a local 2-CPU Ray cluster after start-up, over the
                process pool's, on the same WARC; start-up reported
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from speed import ROOT, copy_pages, cpu_seconds, grandchildren, proc_stat, report, vm_hwm
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CLEANER = [sys.executable, "-m", "cleaner", "clean", "--quiet"]
TARGETS = {  # name: (limit, "max" or "min")
    "read share of CPU": (0.10, "max"),
    "WARC / folder pages/s": (0.95, "min"),
    "WARC / folder pages per CPU s": (0.95, "min"),
    "memory 10k / 1k records": (1.10, "max"),
    "Ray / pool pages/s": (0.80, "min"),
}
FIELDS = "application/warc-fields"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_pages = Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval")) / "aeb" / "html"
    parser.add_argument("--pages", type=Path, default=default_pages, help="folder of .html or .html.gz pages")
    parser.add_argument("--copies", type=int, default=6, help="copies of the pages (6: 1,086 pages)")
    parser.add_argument("--ray", action="store_true", help="also measure the Ray engine (extra ray)")
    parser.add_argument("--repeat", type=int, default=2, help="best of N interleaved folder and WARC runs")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1k/10k-record memory runs")
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cleaner-scale-") as work:
        work_dir = Path(work)
        pages = copy_pages(args.pages, work_dir / "pages")
        folder, warc = work_dir / "folder", work_dir / "crawl.warc.gz"
        count = write_copies(pages, args.copies, folder, warc, page_urls(args.pages.parent / "ground-truth.json"))
        print(f"{count} pages; WARC {warc.stat().st_size / 1e6:.1f} MB; {os.cpu_count()} cores")
        read_cpu = reading_cpu(warc)
        folder_runs, warc_runs = [], []
        for _ in range(args.repeat):  # interleaved, so that both see the same load on a shared machine
            folder_runs.append(run([*CLEANER, str(folder), "-j", "2", "--force"]))
            warc_runs.append(run([*CLEANER, "--warc", str(warc), "-o", str(work_dir / "out.jsonl"), "-j", "2"]))
        (folder_s, folder_cpu, *_), (warc_s, warc_cpu, *_) = min(folder_runs), min(warc_runs)
        print(f"folder {folder_s:.1f} s (CPU {folder_cpu:.1f} s); WARC {warc_s:.1f} s (CPU {warc_cpu:.1f} s)")
        print(f"reading the WARC: CPU {read_cpu:.2f} s")
        figures["read share of CPU"] = read_cpu / warc_cpu
        figures["WARC / folder pages/s"] = folder_s / warc_s
        figures["WARC / folder pages per CPU s"] = folder_cpu / warc_cpu
        if not args.no_memory:
            figures["memory 10k / 1k records"] = memory_ratio(pages, work_dir)
        if args.ray:
            figures["Ray / pool pages/s"] = ray_ratio(warc, work_dir, count)
    return report(figures, TARGETS)


def memory_ratio(pages: list[Path], work_dir: Path) -> float:
    """Peak RSS of the parent (which reads the WARC and holds the pages in flight) for 10,000 records over
    1,000; the whole tree's (workers included) is printed beside it."""
    runs = []
    for records in (1_000, 10_000):
        warc = work_dir / f"{records}.warc.gz"
        write_warc(warc, pages, records=records)
        runs.append(run([*CLEANER, "--warc", str(warc), "-o", str(work_dir / "m.jsonl"), "-j", "2"]))
    (_, _, tree_small, parent_small), (_, _, tree_large, parent_large) = runs
    print(f"peak RSS, 1k -> 10k records: parent {parent_small / 1e3:.0f} -> {parent_large / 1e3:.0f} MB,")
    print(f"  process tree {tree_small / 1e3:.0f} -> {tree_large / 1e3:.0f} MB")
    return parent_large / parent_small


def page_urls(truth: Path) -> dict[str, str]:
    """Each page's URL, from the development set's ground truth when there is one."""
    if not truth.is_file():
        return {}
    return {key: entry["url"] for key, entry in json.loads(truth.read_text()).items() if entry.get("url")}


def write_copies(pages: list[Path], copies: int, folder: Path, warc: Path, urls: dict[str, str]) -> int:
    """The pages as files and as WARC records; a record's URL is the page's own (site rules apply alike)."""
    folder.mkdir()
    bodies = []
    for copy in range(copies):
        for page in pages:
            (folder / f"{copy}-{page.name}").write_bytes(page.read_bytes())
            url = urls.get(page.name.split(".")[0]) or f"https://example.org/{page.stem}"
            bodies.append((f"{url}#{copy}" if copy else url, page.read_bytes()))
    write_records(warc, bodies)
    return len(bodies)


def write_warc(path: Path, pages: list[Path], records: int) -> None:
    """A WARC of ``records`` records (a third of them responses), the pages repeated as needed."""
    bodies = [(f"https://example.org/{n}", pages[n % len(pages)].read_bytes()) for n in range(records // 3 + 1)]
    write_records(path, bodies, limit=records)


def write_records(path: Path, bodies: list[tuple[str, bytes]], limit: int | None = None) -> None:
    written = 0
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body in bodies:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            for record in (
                writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")),
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http),
                writer.create_warc_record(
                    url, "metadata", payload=io.BytesIO(b"x: 1\r\n"), warc_content_type="text/plain"
                ),
            ):
                if limit is not None and written >= limit:
                    return
                writer.write_record(record)
                written += 1


def reading_cpu(warc: Path) -> float:
    """CPU seconds the parent spends reading the WARC: every record parsed, every page's bytes in memory."""
    from cleaner.sources.warc import read_warc

    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _item in read_warc(warc):
            pass
        best = min(best, time.process_time() - started)
    return best


def run(command: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds of the whole process tree, peak RSS (kB) of the tree summed, the parent's."""
    import subprocess

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cpu: dict[int, float] = {}
    peak = parent = 0
    while process.poll() is None:
        parent = max(parent, vm_hwm(process.pid))
        tree = [process.pid, *grandchildren(process.pid)]
        rss = 0
        for pid in tree:
            fields = proc_stat(pid)
            if fields:
                cpu[pid] = cpu_seconds(fields)
                rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        peak = max(peak, rss)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, sum(cpu.values()), peak, parent


def ray_ratio(warc: Path, work: Path, count: int) -> float:
    """Pages/s on a local Ray cluster, start-up excluded, over the process pool's, on the same WARC."""
    import ray

    from cleaner.engines.ray import connect, ray_map
    from cleaner.engines.warc import clean_warc

    started = time.perf_counter()
    connect(None, cpus=2)
    startup = time.perf_counter() - started
    try:
        clean_warc([warc], work / "warm.jsonl", jobs=2, mapper=ray_map(None))  # workers warm, rules loaded
        on_ray = clean_warc([warc], work / "ray.jsonl", jobs=2, mapper=ray_map(None)).elapsed
    finally:
        ray.shutdown()
    pool = clean_warc([warc], work / "pool.jsonl", jobs=2).elapsed
    same = (work / "ray.jsonl").read_bytes() == (work / "pool.jsonl").read_bytes()
    print(f"Ray: start-up {startup:.1f} s, {count / on_ray:.1f} pages/s after it; pool {count / pool:.1f} pages/s")
    print(f"Ray and pool outputs byte for byte the same: {same}")
    return pool / on_ray


if __name__ == "__main__":
    sys.exit(main())
