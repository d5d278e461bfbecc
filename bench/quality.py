"""Quality on the development set: cleaner (site rules off) beside bare trafilatura, in one run.

    python bench/quality.py [--eval ../shared/eval] [--set aeb|fundus] [--limit N]

Runs the benchmark's own scorer (score_aeb.py) with, in this order: bare trafilatura (the baseline
of the speed column), cleaner on HTML, a text dump as users hold them (trafilatura favouring recall,
comments included), and that dump cleaned by ``clean_text``; then, page by page, how much cleaning the
dump changed its precision and recall (mean difference and its standard error: the pages are the same,
so the paired difference says more than the two means). With ``--modes``: bare trafilatura, then
cleaner with each of trafilatura's modes (fast, full, precision, recall).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ["trafilatura", "bench.aeb_adapter:generic", "bench.aeb_adapter:dump", "bench.aeb_adapter:dump_cleaned"]
MODES = [f"bench.aeb_adapter:generic{suffix}" for suffix in ("", "_fast", "_full", "_precision", "_recall")]


EVAL_HELP = (
    "give --eval DIR or set CLEANER_EVAL=DIR: the folder holding score_aeb.py, aeb/ and fundus/, which the"
    " project keeps beside the repository as ../shared/eval (not in git: it holds third-party pages)"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval"))
    )
    parser.add_argument("--limit", type=int, help="score only the first N pages")
    parser.add_argument(
        "--set", choices=("aeb", "fundus"), default="aeb", help="development set (fundus: per language)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="extract N times, report the median time")
    parser.add_argument("--modes", action="store_true", help="compare trafilatura's modes inside cleaner instead")
    args = parser.parse_args()
    scorer = args.eval / "score_aeb.py"
    if not scorer.exists():
        print(f"error: {scorer} not found: {EVAL_HELP}", file=sys.stderr)
        return 2
    command = [sys.executable, str(scorer), "--set", args.set, "--repeat", str(args.repeat)]
    for system in ["trafilatura", *MODES] if args.modes else SYSTEMS:
        command += ["--extractor", system]
    if args.limit:
        command += ["--limit", str(args.limit)]
    status = subprocess.run(command, cwd=ROOT, check=False).returncode
    if status == 0 and not args.modes:
        print_dump_gain(scorer, args.limit, args.eval / args.set)
    return status


def print_dump_gain(scorer: Path, limit: int | None, data_dir: Path) -> None:
    sys.path[:0] = [str(ROOT), str(scorer.parent)]  # the scorer imports its neighbour adapters.py
    from bench.aeb_adapter import dump
    from cleaner import clean_text

    spec = importlib.util.spec_from_file_location("score_aeb", scorer)
    score_aeb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score_aeb)
    truth, pages = score_aeb.load_pages(limit, data_dir)
    pairs = []
    for page_id, _url, html, _size in pages:
        expected, text = truth[page_id]["articleBody"], dump(html)
        cleaned = clean_text(text, site_rules=False).text if text.strip() else ""
        pairs.append((score_aeb.page_score(expected, text), score_aeb.page_score(expected, cleaned)))
    print("\ncleaning the dump, page by page:")
    for index, name in enumerate(("precision", "recall")):
        diffs = [after[index] - before[index] for before, after in pairs if None not in (before[index], after[index])]
        error = statistics.stdev(diffs) / len(diffs) ** 0.5
        better, worse = sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)
        print(f"  {name:9} {statistics.fmean(diffs):+.4f} ± {error:.4f}  (pages: {better} up, {worse} down)")


if __name__ == "__main__":
    sys.exit(main())
