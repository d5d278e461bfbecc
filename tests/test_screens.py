"""What makes a page cheaper to clean must not change what is cleaned: the prune stage's bounded memory of
attribute values, and the literal screens of the shipped text patterns (rules/literals.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean_html
from cleaner.rules import load_catalog
from cleaner.rules.literals import ScreenedPattern, _Literals
from cleaner.stages import prune

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "html"


def test_pages_clean_the_same_when_the_memory_of_attribute_values_starts_afresh_on_every_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = sorted(SAMPLES.glob("*.html"))
    expected = [clean_html(page.read_bytes()).to_dict() for page in pages]
    monkeypatch.setattr(prune, "_SEEN_LIMIT", 1)
    assert [clean_html(page.read_bytes()).to_dict() for page in pages] == expected


# letters re takes as another in any case (ı for i, ſ for s, K for k, ᲂ for о...), and İ, which lower-cases to two
CASE_TRAPS = "ıIiİſSsKkKΣσςµμᲂоОßẞ"


@pytest.mark.parametrize(
    "line",
    ["FOTOĞRAF: AA", "Fotoğrafı çeken: x", "ſtory by Jane", "İnstagram", "ΣΕΛΊΔΑ", "Фото: ТАСС", "©2024 x", "KLICK"],
)
def test_no_shipped_pattern_is_screened_off_a_line_it_matches(line: str) -> None:
    for ruleset in load_catalog().rulesets:
        for rule in ruleset.text_rules:
            if isinstance(rule.regex, ScreenedPattern):
                subject = line.lower() if rule.folded else line
                if rule.regex.search(subject):
                    assert rule.regex.may_match([subject]) == [0], rule.name


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="abfo " + CASE_TRAPS, max_size=6), min_size=1, max_size=4),
    st.lists(st.text(alphabet="abfo" + CASE_TRAPS, min_size=1, max_size=12), min_size=1, max_size=4),
)
def test_a_screen_keeps_every_line_its_pattern_matches(phrases: list[str], lines: list[str]) -> None:
    pattern = "(?i:" + "|".join(map(re.escape, phrases)) + ")x?"
    if not any(phrases):
        return
    expected = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    screened = ScreenedPattern(pattern)
    for _ in range(2 + _Literals.AUTOMATON_AFTER):  # by substring tests, then by the automaton
        kept = screened.may_match(lines)
        assert set(expected) <= set(kept)
        assert [i for i in kept if screened.search(lines[i])] == expected
