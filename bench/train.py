"""Train the block scorer (cleaner/stages/block_scorer.json) on both development sets, and report it.

    python bench/train.py [--eval ../shared/eval] [--report bench/train_report.txt] [--dry-run]

Needs scikit-learn (``pip install -e '.[train]'``, or ``make train``). Each page of the AEB and Fundus
sets is cleaned with site rules off up to the text rules; each block of its extracted text is labelled
article text when most of its 4-token shingles are in the page's ground truth. Two logistic regressions
are fitted with a fixed seed: one on all features (pages), one on the text-only features (text dumps).
The report is cross-validated with folds grouped by site (no site in both a training and a test fold):
for each keep threshold, the page text after the rules and the scorer is scored with the benchmark's
metric, beside the rules alone, per set and per language. The shipped threshold is the one with the
best cross-validated F1 over both sets that raises F1 on each set and lowers recall by at most 0.005
on each; if none does, the model is written with threshold 0 (off) and the report says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261130
FOLDS = 5
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
MAX_RECALL_LOSS = 0.005
LABEL_SHARE = 0.5  # a block is article text when at least this share of its shingles are in the truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--eval", type=Path, default=Path(os.environ.get("CLEANER_EVAL", ROOT.parent / "shared" / "eval"))
    )
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "train_report.txt")
    parser.add_argument("--dry-run", action="store_true", help="report only; write neither model nor report")
    args = parser.parse_args()
    try:
        from sklearn.linear_model import LogisticRegression  # noqa: F401
    except ImportError:
        print("error: training needs scikit-learn: pip install -e '.[train]' (or make train)", file=sys.stderr)
        return 2
    if not (args.eval / "score_aeb.py").is_file():
        print(f"error: {args.eval / 'score_aeb.py'} not found (give --eval DIR)", file=sys.stderr)
        return 2
    scorer_module = _load_scorer_module(args.eval)
    sets = [name for name in ("aeb", "fundus") if (args.eval / name / "ground-truth.json").is_file()]
    pages = [page for name in sets for page in load_set(scorer_module, args.eval / name, name)]
    if not pages or not any(page["labels"] for page in pages):
        print(f"error: no usable pages under {args.eval} (aeb/, fundus/ with ground-truth.json)", file=sys.stderr)
        return 2
    lines = report_and_fit(pages, scorer_module)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if not args.dry_run:
        args.report.write_text(text, encoding="utf-8")
    return 0


def _load_scorer_module(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("score_aeb", eval_dir / "score_aeb.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(eval_dir))
    spec.loader.exec_module(module)
    return module


def load_set(score_aeb, data_dir: Path, name: str) -> list[dict]:
    """Each page's blocks after extraction, their features, labels and whether the text rules keep them."""
    from cleaner.document import Document
    from cleaner.options import Options
    from cleaner.stages.extract import extract
    from cleaner.stages.pipeline import prepare
    from cleaner.stages.prune import prune
    from cleaner.stages.score import generic_phrase_rules, html_features, text_features
    from cleaner.stages.textrules import apply_text_rules

    truth, raw_pages = score_aeb.load_pages(None, data_dir)
    options = Options(site_rules=False)
    pages = []
    for page_id, url, html, _size in raw_pages:
        doc = Document(source=page_id, kind="html", content=html, encoding="str", encoding_source="caller")
        prepare(doc, options)
        prune(doc)
        extract(doc, mode=options.extraction)
        blocks = list(doc.blocks)
        rows = html_features(doc, generic_phrase_rules())
        text_rows = text_features(blocks, generic_phrase_rules())
        apply_text_rules(doc)
        survivors = {id(block) for block in doc.blocks}
        expected = truth[page_id]["articleBody"]
        true_shingles = score_aeb.shingles(score_aeb.tokenize(expected), 4)
        labels = []
        for block in blocks:
            shingles = score_aeb.shingles(score_aeb.tokenize(block.text), 4)
            total = sum(shingles.values())
            labels.append(int(total > 0 and sum((shingles & true_shingles).values()) >= LABEL_SHARE * total))
        site = truth[page_id].get("publisher") or urlparse(url or "").hostname or page_id
        pages.append(
            {
                "set": name,
                "id": page_id,
                "site": f"{name}:{site.removeprefix('www.')}",
                "lang": truth[page_id].get("lang") or "en",
                "truth": expected,
                "blocks": [block.text for block in blocks],
                "gaps": [block.gap for block in blocks],
                "rules_keep": [id(block) in survivors for block in blocks],
                "rows": rows,
                "text_rows": text_rows,
                "labels": labels,
            }
        )
    return pages


def report_and_fit(pages: list[dict], score_aeb) -> list[str]:
    from sklearn.model_selection import GroupKFold

    lines = [
        "Block scorer: training report (python bench/train.py; site rules off; seed "
        f"{SEED}; {FOLDS} folds grouped by site)",
        f"pages: {len(pages)} ({sum(p['set'] == 'aeb' for p in pages)} AEB, {sum(p['set'] == 'fundus' for p in pages)}"
        f" Fundus), blocks: {sum(len(p['blocks']) for p in pages)}, labelled article text:"
        f" {sum(sum(p['labels']) for p in pages)}",
    ]
    results = {}
    for kind, key in (("html", "rows"), ("text", "text_rows")):
        names = sorted({name for page in pages for row in page[key] for name in row})
        held_out: dict[str, list[float]] = {}
        groups = [page["site"] for page in pages]
        folds = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
        for train_index, test_index in folds.split(pages, groups=groups):
            model = fit([pages[i] for i in train_index], key, names)
            for i in test_index:
                held_out[pages[i]["id"]] = model.probabilities(pages[i][key])
        results[kind] = (names, held_out)
    chosen = {}
    for kind, (names, held_out) in results.items():
        lines.append("")
        lines.append(f"== {kind} model ({len(names)} features), cross-validated page scores (F1 / precision / recall)")
        best, table = choose_threshold(pages, held_out, score_aeb)
        lines += table
        chosen[kind] = best
        lines.append(f"chosen threshold: {best}" + ("" if best else " (none helps on both sets: the scorer is off)"))
        if kind == "html":
            lines += per_language(pages, held_out, best or THRESHOLDS[0], score_aeb)
    models = {kind: fit(pages, key, results[kind][0]) for kind, key in (("html", "rows"), ("text", "text_rows"))}
    lines.append("")
    lines.append("== shipped html model: strongest weights (per standard deviation)")
    for name, weight in sorted(
        zip(models["html"].names, models["html"].weights, strict=True), key=lambda x: -abs(x[1])
    )[:15]:
        lines.append(f"  {weight:+.3f}  {name}")
    write_model(models, chosen)
    return lines


class Fitted:
    def __init__(self, names, means, scales, weights, bias) -> None:
        self.names, self.means, self.scales, self.weights, self.bias = names, means, scales, weights, bias

    def probabilities(self, rows: list[dict]) -> list[float]:
        from cleaner.stages.score import BlockScorer

        scorer = BlockScorer(
            tuple(self.names), tuple(self.means), tuple(self.scales), tuple(self.weights), self.bias, 0.0, Path()
        )
        return [scorer.probability(row) for row in rows]

    def as_json(self, threshold: float) -> dict:
        return {
            "features": self.names,
            "means": [round(v, 6) for v in self.means],
            "scales": [round(v, 6) for v in self.scales],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": threshold,
        }


def fit(pages: list[dict], key: str, names: list[str]) -> Fitted:
    from sklearn.linear_model import LogisticRegression

    matrix = [[row.get(name, 0.0) for name in names] for page in pages for row in page[key]]
    labels = [label for page in pages for label in page["labels"]]
    columns = list(zip(*matrix, strict=True))
    means = [statistics.fmean(c) for c in columns]
    scales = [statistics.pstdev(c) or 1.0 for c in columns]
    scaled = [[(v - m) / s for v, m, s in zip(row, means, scales, strict=True)] for row in matrix]
    model = LogisticRegression(C=0.5, max_iter=2000, random_state=SEED)
    model.fit(scaled, labels)
    return Fitted(names, means, scales, [float(w) for w in model.coef_[0]], float(model.intercept_[0]))


def page_text(page: dict, probabilities: list[float] | None, threshold: float) -> str:
    kept = [
        text
        for i, text in enumerate(page["blocks"])
        if page["rules_keep"][i] and (probabilities is None or probabilities[i] >= threshold)
    ]
    return "\n".join(kept)


def summary(pages: list[dict], held_out, threshold: float | None, score_aeb) -> dict:
    scores = [
        score_aeb.page_score(
            page["truth"], page_text(page, None if threshold is None else held_out[page["id"]], threshold or 0)
        )
        for page in pages
    ]
    return score_aeb.summarize(scores) | {"scores": scores}


def choose_threshold(pages, held_out, score_aeb) -> tuple[float, list[str]]:
    by_set = defaultdict(list)
    for page in pages:
        by_set[page["set"]].append(page)
    base = {name: summary(group, held_out, None, score_aeb) for name, group in by_set.items()}
    table = ["threshold " + "  ".join(f"{name:>28}" for name in by_set) + "  pages recall -0.02 vs rules"]
    table.append("rules     " + "  ".join(_cells(base[name]) for name in by_set))
    best, best_f1 = 0.0, sum(base[name]["f1"] for name in by_set)
    for threshold in THRESHOLDS:
        now = {name: summary(group, held_out, threshold, score_aeb) for name, group in by_set.items()}
        worse = sum(
            1
            for name in by_set
            for before, after in zip(base[name]["scores"], now[name]["scores"], strict=True)
            if before[1] is not None and after[1] is not None and after[1] < before[1] - 0.02
        )
        table.append(f"{threshold:<9} " + "  ".join(_cells(now[name]) for name in by_set) + f"  {worse}")
        total = sum(now[name]["f1"] for name in by_set)
        helps = all(
            now[name]["f1"] > base[name]["f1"] and now[name]["recall"] >= base[name]["recall"] - MAX_RECALL_LOSS
            for name in by_set
        )
        if helps and total > best_f1:
            best, best_f1 = threshold, total
    return best, table


def per_language(pages, held_out, threshold, score_aeb) -> list[str]:
    lines = [f"Fundus per language, rules alone -> rules and scorer at {threshold} (cross-validated):"]
    by_lang = defaultdict(list)
    for page in pages:
        if page["set"] == "fundus":
            by_lang[page["lang"]].append(page)
    for lang, group in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
        before = summary(group, held_out, None, score_aeb)
        after = summary(group, held_out, threshold, score_aeb)
        lines.append(f"  {lang:3} {len(group):3} pages  {_cells(before)}  ->  {_cells(after)}")
    return lines


def _cells(s: dict) -> str:
    return f"{s['f1']:.4f} / {s['precision']:.4f} / {s['recall']:.4f}"


def write_model(models: dict, thresholds: dict) -> None:
    from cleaner.stages.score import MODEL_FORMAT, MODEL_PATH

    data = {
        "format": MODEL_FORMAT,
        "trained_by": "python bench/train.py",
        "seed": SEED,
        "models": {kind: model.as_json(thresholds[kind]) for kind, model in models.items()},
    }
    MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
