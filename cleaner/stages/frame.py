"""Text dumps of whole pages: keep the stretch of the text where the article is, drop the menus and footers.

A dump of a whole page (a crawl's WET text, ``inscriptis`` or ``html2text`` of the full HTML) holds the
article between runs of short lines: navigation, section lists, related headlines, footers. Runs of
short lines dominate such a dump; in an extractor's output (trafilatura's, the seeds) they do not, and
nothing is done to it. Each line weighs for or against being in the article by its shape alone, in any
language: a sentence (enough words, ending as sentences end) counts for it, by its length in words; a
long line with punctuation but no final stop counts half; a short line counts against it. The stretches
whose running sum stays positive are the candidates (the maximum-sum segments, found in one pass); the
article runs from the first to the last of those that score at least a tenth of the best one, so a
subheading or a short list inside the article stays, and so does a second stretch of article after a
run of widgets in the middle. Lines before and after it are removed, each recorded with the rule
``dump-frame:before-article`` or ``dump-frame:after-article``.
"""

from __future__ import annotations

from cleaner.document import Block, Document, Removal

MIN_LINES = 30  # a dump this short is an extract, not a page
SHORT_SHARE = 0.55  # share of short lines from which a dump is a whole page (extracts: 0.1 typical, 0.4 rare)
SENTENCE_WORDS = 6  # a line of fewer words is short: a menu item, label or headline
LONG_WORDS = 12  # a line this long without a final stop is still text, if it is not a title-cased headline
TAG_LIST_WORDS = 25  # a longer line without punctuation is a tag cloud or a list of links
WORDS_PER_MARK = 20  # ... one comma or stop in this many words makes it text
LINE_PENALTY = 15  # what a short line counts against the stretch it is in (a sentence word counts 6)
WORD_WEIGHT = 6
KEEP_RATIO = 0.05  # a stretch scoring this share of the best one is article too

_SENTENCE_END = frozenset(".!?…。！？:;\"'”’»)]")
_MARKS = frozenset(".,;!?،。、，！？")


def _is_wide(char: str) -> bool:
    """Scripts written without spaces between words: kana, CJK ideographs, Hangul."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF


def _words(text: str) -> int:
    """Words, counting two characters of a script written without spaces as one word."""
    spaced = len(text.split())
    wide = sum(1 for char in text if char >= "\u3040" and _is_wide(char))
    return max(spaced, wide // 2)


def _headline_cased(text: str) -> bool:
    """Most words capitalised, as in an English headline; or no letter with a case (Japanese, Chinese), where
    only a sentence's final mark tells a sentence from a headline."""
    words = [word for word in text.split() if word[:1].isupper() or word[:1].islower()]
    return not words or sum(word[0].isupper() for word in words) * 2 >= len(words)


def _weight(text: str) -> float:
    """How much a line counts for (positive) or against (negative) being part of the article."""
    words = _words(text)
    if words < SENTENCE_WORDS:
        return -LINE_PENALTY
    if text[-1] in _SENTENCE_END:
        return words * WORD_WEIGHT
    if words >= LONG_WORDS and not _headline_cased(text):
        return words * WORD_WEIGHT / 2
    if words >= TAG_LIST_WORDS and sum(1 for char in text if char in _MARKS) * WORDS_PER_MARK >= words:
        return words * WORD_WEIGHT / 2
    return -LINE_PENALTY


def is_whole_page(blocks: list[Block]) -> bool:
    """A dump of a whole page rather than of its article: many lines, most of them short."""
    if len(blocks) < MIN_LINES:
        return False
    short = sum(1 for block in blocks if _words(block.plain) < SENTENCE_WORDS)
    return short >= SHORT_SHARE * len(blocks)


def article_span(blocks: list[Block]) -> tuple[int, int] | None:
    """First and last index of the article in a whole-page dump, or None when no line reads as text."""
    stretches: list[tuple[float, int, int]] = []  # (best running sum, start, index where it was reached)
    running, start, peak, peak_at = 0.0, 0, 0.0, -1
    for index, block in enumerate(blocks):
        weight = _weight(block.plain)
        if running <= 0:
            if peak > 0:
                stretches.append((peak, start, peak_at))
            running, start, peak, peak_at = weight, index, 0.0, -1
        else:
            running += weight
        if running > peak:
            peak, peak_at = running, index
    if peak > 0:
        stretches.append((peak, start, peak_at))
    if not stretches:
        return None
    best = max(score for score, _, _ in stretches)
    kept = [(first, last) for score, first, last in stretches if score >= KEEP_RATIO * best]
    return kept[0][0], kept[-1][1]


def frame_dump(doc: Document) -> None:
    """Keep only the article's stretch of a whole-page dump, recording what was removed."""
    if not is_whole_page(doc.blocks):
        return
    span = article_span(doc.blocks)
    if span is None:
        return
    first, last = span
    doc.removed.extend(Removal("dump-frame:before-article", "text", block.text) for block in doc.blocks[:first])
    doc.removed.extend(Removal("dump-frame:after-article", "text", block.text) for block in doc.blocks[last + 1 :])
    doc.blocks = doc.blocks[first : last + 1]
    if doc.blocks:
        doc.blocks[0].gap = False
