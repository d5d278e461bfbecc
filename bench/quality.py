"""Quality on the development set: cleaner (site rules off) beside bare trafilatura, in one run.

    python bench/quality.py [--eval ../shared/eval] [--limit N]

Runs the benchmark's own scorer (score_aeb.py) with, in this order: bare trafilatura (the baseline
of the speed column), cleaner on HTML, a text dump as users hold them (trafilatura favouring recall,
comments included), and that dump cleaned by ``clean_text``. With ``--modes``: bare trafilatura, then
cleaner with each of trafilatura's modes (fast, full, precision, recall).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ["trafilatura", "bench.aeb_adapter:generic", "bench.aeb_adapter:dump", "bench.aeb_adapter:dump_cleaned"]
MODES = [f"bench.aeb_adapter:generic{suffix}" for suffix in ("", "_full", "_precision", "_recall")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval"))
    )
    parser.add_argument("--limit", type=int, help="score only the first N pages")
    parser.add_argument("--repeat", type=int, default=1, help="extract N times, report the median time")
    parser.add_argument("--modes", action="store_true", help="compare trafilatura's modes inside cleaner instead")
    args = parser.parse_args()
    scorer = args.eval / "score_aeb.py"
    if not scorer.exists():
        print(f"error: {scorer} not found (give --eval DIR)", file=sys.stderr)
        return 2
    command = [sys.executable, str(scorer), "--repeat", str(args.repeat)]
    for system in ["trafilatura", *MODES] if args.modes else SYSTEMS:
        command += ["--extractor", system]
    if args.limit:
        command += ["--limit", str(args.limit)]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
