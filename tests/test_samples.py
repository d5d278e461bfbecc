"""The five seed dumps and the HTML samples give their expected text through ``cleaner clean``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLES, paragraphs, run_cli

NOT_INPUTS = (".expected.txt", ".clean.txt", ".clean.md", ".clean.json")  # `make demo` leaves outputs in samples/
SEEDS = sorted(p.name for p in (SAMPLES / "seeds").glob("*.txt") if not p.name.endswith(NOT_INPUTS))
HTML_SAMPLES = sorted(p.name for p in (SAMPLES / "html").glob("*.html"))
# checked by their platform's rule tests, not against expected text
TEXT_DUMPS = sorted(p.name for p in (SAMPLES / "text").glob("*.txt") if not p.name.endswith(NOT_INPUTS))


def expected_for(raw: Path) -> str:
    return raw.with_name(raw.name.rsplit(".", 1)[0] + ".expected.txt").read_text(encoding="utf-8")


def test_seeds_and_html_samples_clean_to_their_expected_text(samples_copy: Path) -> None:
    result = run_cli("clean", samples_copy, "--jobs", "2")
    assert result.returncode == 0, result.stderr_text
    for folder, names in (("seeds", SEEDS), ("html", HTML_SAMPLES)):
        for name in names:
            raw = samples_copy / folder / name
            output = raw.with_name(raw.name.rsplit(".", 1)[0] + ".clean.txt")
            assert output.exists(), f"no output for {name}"
            got = output.read_text(encoding="utf-8")
            assert paragraphs(got) == paragraphs(expected_for(raw)), name
            assert got == expected_for(raw), f"{name}: same paragraphs, different line breaks"


def test_raw_files_are_never_modified_and_outputs_are_not_inputs(samples_copy: Path) -> None:
    before = {p: p.read_bytes() for p in samples_copy.rglob("*") if p.is_file()}
    assert run_cli("clean", samples_copy).returncode == 0
    second = run_cli("clean", samples_copy, "--force", "--report", samples_copy / "report.jsonl")
    assert second.returncode == 0
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path} was modified"
    assert not list(samples_copy.rglob("*.clean.clean.txt"))
    report = (samples_copy / "report.jsonl").read_text().splitlines()
    assert len(report) == len(SEEDS) + len(HTML_SAMPLES) + len(TEXT_DUMPS)


@pytest.mark.parametrize("name", SEEDS)
def test_seeds_with_generic_rules_only_still_lose_the_worst_boilerplate(name: str) -> None:
    from cleaner import clean_text

    text = clean_text((SAMPLES / "seeds" / name).read_text(encoding="utf-8"), site_rules=False).text
    for junk in ("Become a Patron", "Get link", "Post a Comment", "powered by Disqus", "Author profile", "Latest news"):
        assert junk not in text
