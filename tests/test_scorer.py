"""The block scorer: opt-in, explained, and strict about its model file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Options, clean_html
from cleaner.document import split_blocks
from cleaner.errors import ModelError
from cleaner.stages.score import MODEL_PATH, load_scorer, score_text_blocks
from tests.conftest import run_cli
from tests.test_do_no_harm import PARAGRAPHS, news_page

TEASERS = "".join(
    f"<li><a href='/news/{n}'>{headline}</a></li>"
    for n, headline in enumerate(["Ferry fares to rise", "Lighthouse keeper named", "Quay walls: the map", "Tides"])
)
PAGE = news_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"<p>Read next</p><ul>{TEASERS}</ul>")


def test_the_shipped_model_loads_and_scores_text_dump_blocks() -> None:
    for kind in ("html", "text"):
        assert load_scorer(kind).names
    blocks = split_blocks("\n".join([*PARAGRAPHS, "Share on Facebook", "Tweet", "Email"]))
    scores = score_text_blocks(blocks)
    assert len(scores) == len(blocks)
    assert all(0 <= s <= 1 for s in scores)
    assert min(scores[: len(PARAGRAPHS)]) > max(scores[len(PARAGRAPHS) :])


def test_a_keep_threshold_removes_blocks_and_names_the_scorer_and_its_reasons(tmp_path: Path) -> None:
    strict = clean_html(PAGE, options=Options(site_rules=False, keep_threshold=0.5))
    by_scorer = [r for r in strict.removed if r.rule == "scorer"]
    assert by_scorer and all(r.stage == "scorer" and r.reasons for r in by_scorer)
    assert "Read next" not in strict.text and all(p in strict.text for p in PARAGRAPHS)
    assert clean_html(PAGE, options=Options(site_rules=False, keep_threshold=0.5)) == strict  # deterministic
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    done = run_cli("clean", page, "--no-site-rules", "--format", "json", "--keep-threshold", "0.5")
    assert done.returncode == 0, done.stderr_text
    record = json.loads((tmp_path / "page.clean.json").read_text(encoding="utf-8"))
    assert any(r["rule"] == "scorer" and r["reasons"] for r in record["removed"])
    shown = run_cli("explain", page, "--no-site-rules", "--keep-threshold", "0.5")
    assert shown.returncode == 0, shown.stderr_text
    assert "scorer (" in shown.stdout_text


def test_the_scorer_is_off_unless_asked() -> None:
    assert load_scorer("html").threshold == 0  # it did not beat the rules alone, cross-validated by site
    assert not any(r.rule == "scorer" for r in clean_html(PAGE, site_rules=False).removed)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "missing"),
        (MODEL_PATH.read_text(encoding="utf-8")[:200], "truncated"),
        (json.dumps({"format": 99, "models": {}}), "format 99"),
    ],
)
def test_a_model_file_that_cannot_be_used_stops_with_one_line_naming_it(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    model = tmp_path / "scorer.json"
    if content is not None:
        model.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=problem):
        load_scorer("html", model)
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    done = run_cli("clean", page, "--keep-threshold", "0.5", "--scorer-model", model)
    assert done.returncode == 2
    lines = done.stderr_text.strip().splitlines()
    assert len(lines) == 1 and str(model) in lines[0] and problem in lines[0]
    assert not (tmp_path / "page.clean.txt").exists()
