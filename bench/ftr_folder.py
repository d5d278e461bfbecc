"""What a real ftr-site-config folder costs: loading it (read and checked, then from the cache), and the
time it adds to each page, with the site's own file and without one (global.txt and fingerprints only).

    python bench/ftr_folder.py --folder ../shared/ftr-site-config [--pages samples/html] [--eval ../shared/eval]

CPU time (time.process_time), each page cleaned with and without the folder in turn, the best of
``--repeat`` runs of each: on a shared machine that is the steadier figure. ``--eval`` adds the pages of the
development sets (their HTML and URLs, as score_aeb.py reads them). Besides the whole page, the stages
the folder works in are timed on their own (``FOLDER_STAGES``): the whole page also holds the extractor's
time, which moves with what the rules removed (an AMP page rewritten by global.txt, a widget stripped).
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

import cleaner.stages.pipeline
import cleaner.stages.prune
from cleaner import Options
from cleaner.rules import load_catalog
from cleaner.sources.files import document_from_bytes
from cleaner.stages.pipeline import process

# (module, function, what the folder does there): the stages timed on their own
FOLDER_STAGES = (
    (cleaner.stages.pipeline, "resolve", "resolve: which files apply, fingerprints, find/replace"),
    (cleaner.stages.pipeline, "read_metadata", "metadata: title, author, date expressions"),
    (cleaner.stages.prune, "apply_site_configs", "graby: strip, strip_id_or_class, strip_image_src"),
)
_spent: dict[str, float] = {}


def _timed(module: object, name: str) -> None:
    """Replace ``module.name`` by a twin that adds its CPU time to ``_spent[name]``."""
    function = getattr(module, name)

    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[name] = _spent.get(name, 0.0) + time.process_time() - started

    setattr(module, name, timed)


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

    for module, name, _ in FOLDER_STAGES:
        _timed(module, name)
    plain, ruled = Options(), Options(rules_dirs=folders)
    own, other = [], []
    for data, url in pages_of(args.pages, args.eval):
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.repeat):
            for run, options in (("plain", plain), ("ruled", ruled)):
                _spent.clear()
                _spent["page"] = cpu(process, document_from_bytes(data, "<bench>", url=url), options)
                for part, seconds in _spent.items():
                    best[run, part] = min(best.get((run, part), seconds), seconds)
        doc = process(document_from_bytes(data, "<bench>", url=url), ruled)
        has_own = any(r.ftr and not r.everywhere for r in doc.rulesets)
        parts = {part for _, part in best}
        (own if has_own else other).append(
            {part: (best.get(("ruled", part), 0.0) - best.get(("plain", part), 0.0)) * 1000 for part in parts}
        )
    for label, deltas in (("without a file of their own", other), ("with a site or fingerprint file", own)):
        if not deltas:
            continue
        page = [d["page"] for d in deltas]
        print(
            f"{len(deltas)} pages {label}: {statistics.fmean(page):+.2f} ms CPU per page on average "
            f"(median {statistics.median(page):+.2f} ms)"
        )
        stages = [sum(d.get(name, 0.0) for _, name, _ in FOLDER_STAGES) for d in deltas]
        print(f"  in the folder's stages: {statistics.fmean(stages):+.3f} ms per page on average")
        for _, name, what in FOLDER_STAGES:
            print(f"    {statistics.fmean(d.get(name, 0.0) for d in deltas):+.3f} ms  {what}")


if __name__ == "__main__":
    main()
