"""What makes a page cheaper to clean must not change what is cleaned: the prune stage's bounded memory of
attribute values."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean_html
from cleaner.stages import prune

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "html"


def test_pages_clean_the_same_when_the_memory_of_attribute_values_starts_afresh_on_every_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = sorted(SAMPLES.glob("*.html"))
    expected = [clean_html(page.read_bytes()).to_dict() for page in pages]
    monkeypatch.setattr(prune, "_SEEN_LIMIT", 1)
    assert [clean_html(page.read_bytes()).to_dict() for page in pages] == expected
