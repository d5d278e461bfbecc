"""What a real ftr-site-config folder costs: loading it (read and checked, then from the cache), and the
time it adds to each page, with the site's own file and without one (global.txt and fingerprints only).

    python bench/ftr_folder.py --folder ../shared/ftr-site-config [--pages samples/html] [--eval ../shared/eval]

CPU time (time.process_time), each page cleaned with and without the folder in turn, the best of
``--repeat`` runs of each: on a shared machine that is the steadier figure. ``--eval`` adds the pages of the
development sets (their HTML and URLs, as score_aeb.py reads them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from cleaner import Options
from cleaner.rules import load_catalog
from cleaner.sources.files import document_from_bytes
from cleaner.stages.pipeline import process


def pages_of(folder: Path | None, eval_dir: Path | None) -> list[tuple[bytes, str | None]]:
    pages = [(path.read_bytes(), None) for path in sorted(folder.glob("*.html"))] if folder else []
    for name in ("aeb", "fundus") if eval_dir else ():
        truth = json.loads((eval_dir / name / "ground-truth.json").read_text("utf-8"))
        for page_id in sorted(truth):
            raw = gzip.decompress((eval_dir / name / "html" / f"{page_id}.html.gz").read_bytes())
            pages.append((raw, truth[page_id].get("url")))
    return pages


def cpu(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--pages", type=Path, default=Path("samples/html"))
    parser.add_argument("--eval", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folders = (args.folder,)
    load_catalog(())
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        first = cpu(load_catalog, folders)
        load_catalog.cache_clear()
        load_catalog(())
        cached = cpu(load_catalog, folders)
    ftr_files = sum(r.ftr for r in load_catalog(folders).rulesets)
    print(f"{ftr_files:,} ftr files: loaded and checked in {first:.2f} s CPU; from the cache in {cached:.2f} s")

    plain, ruled = Options(), Options(rules_dirs=folders)
    own, other = [], []
    for data, url in pages_of(args.pages, args.eval):
        best = {}
        for _ in range(args.repeat):
            for name, options in (("plain", plain), ("ruled", ruled)):
                seconds = cpu(process, document_from_bytes(data, "<bench>", url=url), options)
                best[name] = min(best.get(name, seconds), seconds)
        doc = process(document_from_bytes(data, "<bench>", url=url), ruled)
        has_own = any(r.ftr and not r.everywhere for r in doc.rulesets)
        (own if has_own else other).append((best["ruled"] - best["plain"]) * 1000)
    for label, deltas in (("without a file of their own", other), ("with a site or fingerprint file", own)):
        if deltas:
            print(
                f"{len(deltas)} pages {label}: {statistics.fmean(deltas):+.2f} ms CPU per page on average "
                f"(median {statistics.median(deltas):+.2f} ms)"
            )


if __name__ == "__main__":
    main()
