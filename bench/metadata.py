"""Metadata on the Fundus development set: cleaner beside trafilatura's own, in one run; the language of
the cleaned text; and what reading the metadata and the language costs.

    python bench/metadata.py [--eval ../shared/eval] [--limit N]

1. The benchmark's scorer (``score_aeb.py --set fundus``) with ``--metadata trafilatura`` (bare_extraction
   with its metadata) and ``--metadata bench.metadata:fields`` (``clean_html``, site rules off): title
   exact, author token F1, date same day.
2. Language: the share of pages whose ``CleanResult.language`` is the ground truth's ``lang``, per language.
3. Cost: the whole cleaning time of the pages with the metadata and language stages and without them
   (CPU time of this process, interleaved, the least of three runs of each), the difference as a share of
   the time with them. A ratio from one run: the machine is shared.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fields(html: str, url: str | None) -> dict:
    """The score_aeb metadata adapter: cleaner's title, author and date of a page, site rules off."""
    from cleaner import clean_html

    result = clean_html(html, url=url, site_rules=False)
    return {"title": result.title, "author": result.author, "date": result.date}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval"))
    )
    parser.add_argument("--limit", type=int, help="score only the first N pages")
    args = parser.parse_args()
    scorer = args.eval / "score_aeb.py"
    if not scorer.exists():
        print(f"error: {scorer} not found (give --eval DIR)", file=sys.stderr)
        return 2
    command = [sys.executable, str(scorer), "--set", "fundus"]
    command += ["--metadata", "trafilatura", "--metadata", "bench.metadata:fields"]
    command += ["--limit", str(args.limit)] if args.limit else []
    with tempfile.TemporaryDirectory() as folder:
        scores = Path(folder) / "scores.json"
        status = subprocess.run([*command, "--json", str(scores)], cwd=ROOT, check=False).returncode
        if status == 0:
            per_language(json.loads(scores.read_text("utf-8")), args.eval / "fundus" / "ground-truth.json")
    if status == 0:
        language_and_cost(scorer, args.limit)
    return status


def per_language(results: dict, truth_file: Path) -> None:
    """Title exact, author F1 and date same day of each system over each language's pages."""
    truth = json.loads(truth_file.read_text("utf-8"))
    systems = {name.split(":", 1)[1]: result["per_page"] for name, result in results.items()}
    languages = Counter(truth[page]["lang"] for page in next(iter(systems.values())))
    print("\nper language: title exact / author F1 / date same day")
    print(f"{'lang':<6} {'pages':>5}" + "".join(f"  {name[-24:]:<24}" for name in systems))
    for lang, pages in languages.most_common():
        cells = ""
        for per_page in systems.values():
            scores = [score for page, score in per_page.items() if truth[page]["lang"] == lang]
            means = []
            for field in ("title", "author", "date"):
                values = [float(score[field]) for score in scores if score[field] is not None]
                means.append(f"{statistics.fmean(values):.2f}" if values else "  - ")
            cells += f"  {' / '.join(means):<24}"
        print(f"{lang:<6} {pages:>5}{cells}")


def language_and_cost(scorer: Path, limit: int | None) -> None:
    from cleaner.options import Options
    from cleaner.sources.files import document_from_bytes
    from cleaner.stages import pipeline

    sys.path.insert(0, str(scorer.parent))  # the scorer imports its neighbour adapters.py
    spec = importlib.util.spec_from_file_location("score_aeb", scorer)
    score_aeb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score_aeb)
    truth, pages = score_aeb.SETS["fundus"](limit)
    options = Options(site_rules=False)
    stages = (pipeline.read_metadata, pipeline.identify_language)
    right, total = Counter(), Counter()
    seconds = {True: 0.0, False: 0.0}  # whole cleaning time with and without the two stages

    def clean(raw: bytes, page_id: str, url: str | None, with_metadata: bool) -> tuple[float, str | None]:
        pipeline.read_metadata, pipeline.identify_language = stages if with_metadata else (_skip, _skip)
        started = time.process_time()  # CPU time: what the stages cost, whatever else the machine runs
        doc = pipeline.process(document_from_bytes(raw, page_id, kind="html", url=url), options)
        return time.process_time() - started, doc.language

    try:
        for page_id, url, html, _size in pages:
            raw = html.encode("utf-8")
            runs = {True: [], False: []}
            for with_metadata in (False, True, True, False, False, True):  # interleaved; the least of 3 each
                elapsed, language = clean(raw, page_id, url, with_metadata)
                runs[with_metadata].append(elapsed)
                if with_metadata:
                    found = language
            for key, times in runs.items():
                seconds[key] += min(times)
            lang = truth[page_id]["lang"]
            total[lang] += 1
            right[lang] += found == lang
    finally:
        pipeline.read_metadata, pipeline.identify_language = stages
    pages_right, pages_all = sum(right.values()), sum(total.values())
    print(f"\nlanguage of the cleaned text: {pages_right / pages_all:.3f} right ({pages_right}/{pages_all})")
    print("  " + ", ".join(f"{lang} {right[lang]}/{total[lang]}" for lang, _ in total.most_common()))
    cost = seconds[True] - seconds[False]
    print(
        f"cost: cleaning {seconds[True]:.2f} s CPU with the metadata and language stages, {seconds[False]:.2f} s"
        f" without: they take {100 * cost / seconds[True]:.1f} % of the pages' cleaning time"
    )


def _skip(doc: object) -> None:
    """Stands in for a stage when timing the pipeline without it."""


if __name__ == "__main__":
    sys.exit(main())
