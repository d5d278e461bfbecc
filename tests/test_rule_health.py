"""Rule health over a batch: the summary of ``clean --report`` and ``cleaner rules stale REPORT``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import InputError, Options, clean
from cleaner.tools.health import rules_stale
from tests.conftest import ROOT, run_cli

# A careless site rule: it takes every line with "the" (most of the article) and has a rule that never fires.
OVER_EAGER = """
[match]
domains = ["harbourtimes.example"]

[[text.drop]]
name = "lines-with-the"
pattern = '(?i)\\bthe\\b'

[[text.drop]]
name = "never-matches"
pattern = '^This line is on no page$'
"""


def test_stale_rules_and_collapsed_sites_over_a_batch_of_the_samples(samples_copy: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "harbourtimes.example.toml").write_text(OVER_EAGER, encoding="utf-8")
    report = tmp_path / "report.jsonl"
    cleaned = run_cli("clean", samples_copy, "--rules", rules, "--report", report, "-j", "2", cwd=ROOT)
    assert cleaned.returncode == 0, cleaned.stderr_text
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    documents = sum(line["status"] in ("cleaned", "empty") for line in lines)  # every sample, one made empty
    assert documents == len(lines) > 8
    wordpress = next(line for line in lines if line["path"].endswith("wordpress-jetpack.html"))
    assert wordpress["collapsed"] and wordpress["fired"]["harbourtimes.example:lines-with-the"] >= 5
    summary = cleaned.stderr_text
    assert f"rule set default (rules/default.toml): applied to {documents} documents; fired: " in summary
    assert "rule set harbourtimes.example " in summary and "never fired: never-matches" in summary

    stale = run_cli("rules", "stale", report, "--rules", rules, cwd=ROOT)
    assert stale.returncode == 0, stale.stderr_text
    out = stale.stdout_text
    assert out.startswith(f"{documents} documents cleaned in this batch\n")
    assert "  harbourtimes.example:never-matches  (" in out
    assert "  harbourtimes.example:lines-with-the" not in out  # it fired
    collapsed = out.split("sites with collapsed output")[1].split("\n\n")[0]
    assert "harbourtimes.example: 1 of 1 document; most removed by harbourtimes.example:lines-with-the" in collapsed
    assert "wordpress-jetpack.html" in collapsed

    again = tmp_path / "again.jsonl"
    with again.open("w", encoding="utf-8") as manifest:
        clean([samples_copy], Options(rules_dirs=(rules,)), jobs=1, report=manifest)
    unchanged = rules_stale(again, [rules])
    assert (unchanged.documents, unchanged.not_counted, unchanged.rulesets) == (0, documents, ())
    assert unchanged.text().startswith(
        f"0 documents cleaned in this batch; {documents} unchanged, skipped or failed are not"
    )


def test_a_file_that_is_not_a_manifest_gives_one_line_naming_the_line(tmp_path: Path) -> None:
    report = tmp_path / "report.jsonl"
    report.write_text('{"path": "a.html", "status": "cleaned"}\n', encoding="utf-8")
    result = run_cli("rules", "stale", report)
    assert result.returncode == 1
    assert result.stderr_text.strip() == f"error: {report}:1: not a line of a cleaner --report manifest"
    report.write_text('{"path": "a.html"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=f"{report}:1: not a line"):
        rules_stale(report)
    report.write_text("\nnot json\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"{report}:2: cannot parse"):
        rules_stale(report)
