"""Stage 7: the language of the cleaned text (ISO 639-1) and how much of the text is in it.

CLD2 (pycld2) was chosen by measurement on the Fundus pages (README, "Metadata"): every page right on
the cleaned text, about a millisecond a page, its model compiled into the wheel (nothing is downloaded),
and on text too short to tell it answers "unknown" instead of guessing. The same call serves HTML pages
and text dumps: it reads the cleaned text, not the markup.
"""

from __future__ import annotations

import re

from cleaner.document import Document

MAX_CHARS = 5_000  # the Fundus pages were all told right from their first 3,000 characters; bounds the time
# CLD2's codes that are not ISO 639-1, and those it uses for "no language"
_ISO_639_1 = {"iw": "he", "jw": "jv", "in": "id", "nb": "no", "nn": "no", "zh-Hant": "zh", "mo": "ro", "sh": "sr"}
_UNKNOWN = {"un", "xxx"}
# What CLD2 refuses as "invalid UTF-8": C0/C1 controls but tab and newlines, lone surrogates, noncharacters
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def identify_language(doc: Document) -> None:
    """Set ``doc.language`` and ``doc.language_confidence`` from the cleaned text (None when unsure)."""
    text = " ".join(block.text for block in doc.blocks)
    doc.language, doc.language_confidence = language_of(text)


def language_of(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, share of the text in that language, 0 to 1), or (None, None) when CLD2 cannot tell."""
    import pycld2

    sample = _UNREADABLE.sub(" ", text[:MAX_CHARS])
    if not sample.strip():
        return None, None
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:
        return None, None
    _, code, percent, _ = details[0]
    if not reliable or code in _UNKNOWN or code.startswith("xx-"):
        return None, None
    code = _ISO_639_1.get(code, code)
    if len(code) != 2:  # a language with no two-letter code (ceb, haw...): not in the ISO 639-1 field
        return None, None
    return code, round(percent / 100, 2)
