"""Text dumps made from the development pages: how much ``clean_text`` (site rules off) improves them.

    python bench/dumps.py [--eval ../shared/eval] [--set aeb] [--style A] [--limit N] [--worst N]

Dumps are made at run time from the pages of both development sets (nothing is written), in the two
forms users hold:

  A  trafilatura, ``favor_recall=True, include_comments=True``: the form of the seeds, an earlier
     scraper's output;
  B  the whole page as text, menus, related headlines and footers included (``inscriptis``, as a
     crawl's WET text or a dataset's ``text`` column; ``pip install -e '.[bench]'``).

Each dump and its cleaned text are scored against the ground truth by the benchmark's own scorer
(score_aeb.py: token 4-gram precision and recall per page, macro-averaged), per set and per language.
The change is paired, page by page (mean difference and its standard error; pages up and down): the
pages are the same, so the paired difference says more than the two means. Speed: the time to clean the
dumps against the time trafilatura takes to extract the same pages (defaults, as bench/speed.py's bare
loop), measured in the same run, page by page (each side the best of three timings, both warm).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("aeb", "fundus")
ROUNDS = 3


def whole_page(html: str) -> str:
    """Style B: the whole page as text, one block of the layout a line."""
    from inscriptis import get_text

    return get_text(html)


def dumpers() -> dict[str, Callable[[str], str]]:
    sys.path.insert(0, str(ROOT))
    from bench.aeb_adapter import dump  # style A, the dump bench/quality.py scores

    return {"A": dump, "B": whole_page}


def load_scorer(path: Path):
    sys.path.insert(0, str(path.parent))  # the scorer imports its neighbour adapters.py
    spec = importlib.util.spec_from_file_location("score_aeb", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval"))
    )
    parser.add_argument("--set", action="append", choices=SETS, help="development set (repeatable; default both)")
    parser.add_argument("--style", action="append", choices=("A", "B"), help="dump style (default both)")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages whose recall cleaning cut most")
    args = parser.parse_args()
    scorer = args.eval / "score_aeb.py"
    if not scorer.exists():
        print(f"error: {scorer} not found (give --eval DIR)", file=sys.stderr)
        return 2
    score_aeb = load_scorer(scorer)
    import trafilatura

    from cleaner import clean_text

    makers = dumpers()
    styles = args.style or ("A", "B")
    clean_text("A line to load the rules.", site_rules=False)  # both sides warm: rules loaded, as in a batch
    for set_name in args.set or SETS:
        truth, pages = score_aeb.load_pages(args.limit, args.eval / set_name)
        trafilatura.extract(pages[0][2], include_comments=False)
        rows: dict[str, list[tuple]] = {style: [] for style in styles}
        extract_seconds, clean_seconds = 0.0, dict.fromkeys(styles, 0.0)
        for page_id, _url, html, _size in pages:
            # timed page by page, each side at its best of ROUNDS: the machine's load changes over a run and
            # would otherwise fall on one side of the ratio more than on the other
            extract_seconds += best_time(lambda html=html: trafilatura.extract(html, include_comments=False))
            expected = truth[page_id]["articleBody"]
            for style in styles:
                dump = makers[style](html)
                cleaned = clean_text(dump, site_rules=False).text if dump.strip() else ""
                clean_seconds[style] += best_time(lambda dump=dump: clean_text(dump, site_rules=False))
                before, after = score_aeb.page_score(expected, dump), score_aeb.page_score(expected, cleaned)
                rows[style].append((page_id, truth[page_id].get("lang") or "en", before, after))
        for style in styles:
            print_table(set_name, style, rows[style])
            ratio = clean_seconds[style] / extract_seconds
            print(f"  speed: cleaning took {ratio:.3f} x trafilatura's extraction time ({1 / ratio:.1f}x faster)")
            if args.worst:
                print_worst(rows[style], args.worst)
    return 0


def best_time(work: Callable[[], object]) -> float:
    """The shortest of ROUNDS timings of ``work``: the least disturbed by other processes."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def paired(rows: list[tuple], index: int) -> tuple[float, float, int, int]:
    """Mean change of one metric (0 precision, 1 recall), its standard error, pages up, pages down."""
    diffs = [after[index] - before[index] for *_, before, after in rows if None not in (before[index], after[index])]
    if not diffs:
        return 0.0, 0.0, 0, 0
    error = statistics.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else 0.0
    return statistics.fmean(diffs), error, sum(d > 1e-9 for d in diffs), sum(d < -1e-9 for d in diffs)


def mean(values: list[float | None]) -> float:
    present = [value for value in values if value is not None]
    return statistics.fmean(present) if present else 0.0


def print_table(set_name: str, style: str, rows: list[tuple]) -> None:
    groups: dict[str, list[tuple]] = {"all": rows}
    for row in rows:
        groups.setdefault(row[1], []).append(row)
    print(f"\nset {set_name}, dump style {style}: the dump -> cleaned; paired change ± standard error (pages up/down)")
    print(f"{'lang':<5} {'pages':>5}  {'precision':<14} {'change':<26} {'recall':<14} {'change'}")
    for lang in sorted(groups, key=lambda name: (name != "all", -len(groups[name]), name)):
        group = groups[lang]
        cells = []
        for index in (0, 1):
            change, error, up, down = paired(group, index)
            before, after = mean([r[2][index] for r in group]), mean([r[3][index] for r in group])
            cells.append(f"{before:.3f} -> {after:.3f} {change:+.4f} ± {error:.4f} ({up}/{down})".ljust(41))
        print(f"{lang:<5} {len(group):>5}  {cells[0]} {cells[1]}")


def print_worst(rows: list[tuple], count: int) -> None:
    changes = sorted(((r[3][1] or 0) - (r[2][1] or 0), r[0]) for r in rows)
    for change, page_id in changes[:count]:
        if change < 0:
            print(f"    recall {change:+.4f}  {page_id}")


if __name__ == "__main__":
    sys.exit(main())
