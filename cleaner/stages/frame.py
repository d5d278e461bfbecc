"""Text dumps of whole pages: keep the stretch of the text where the article is, drop the menus and footers.

A dump of a whole page (a crawl's WET text, ``inscriptis`` or ``html2text`` of the full HTML) holds the
article between runs of short lines: navigation, section lists, related headlines, footers. Such lines
make most of a page's dump; in an extractor's output (trafilatura's, the seeds) they do not, and nothing
is done to it. Each line weighs for or against being in the article by its shape alone, in any language:
a sentence (six words or more, ending as sentences end) counts for it by its words; a long line that
does not end so counts half, unless it is cased like a headline; a long list with commas counts half; a
short line counts against it. The stretches whose running sum stays positive are the candidates (the
maximum-sum segments, found in one pass); the article runs from the first to the last of those that
score at least a twentieth of the best one, so a subheading or a short list inside the article stays,
and so does a second stretch of article after a run of widgets. A page opens with its navigation: when
the article's stretch starts in the first lines, the dump is an extract after all (a poem, a recipe: an
introduction, then short lines) and nothing is removed. The article's end runs on over lines that are
not short (a list of dates or places closing it) up to the first short one. The lines before and after
the article are removed, recorded as ``dump-frame:before-article`` and ``dump-frame:after-article``.
"""

from __future__ import annotations

import re

from cleaner.document import Document, Removal, join_blocks

BEFORE_ARTICLE, AFTER_ARTICLE = "dump-frame:before-article", "dump-frame:after-article"  # the removals' names
MIN_LINES = 30  # a dump this short is an extract, not a page
SHORT_SHARE = 0.55  # share of short lines from which a dump is a whole page (extracts: 0.1 typical, 0.4 rare)
SENTENCE_WORDS = 6  # a line of fewer words is short: a menu item, label or headline
LONG_WORDS = 12  # a line this long without a final stop is still text, if it is not a title-cased headline
TAG_LIST_WORDS = 25  # a longer line without punctuation is a tag cloud or a list of links
WORDS_PER_MARK = 20  # ... one comma or stop in this many words makes it text
LINE_PENALTY = 15  # what a short line counts against the stretch it is in...
WORD_WEIGHT = 6  # ...and what each word of a sentence counts for it
MENU_LINES = 5  # a page opens with its navigation: an extract whose text comes first is not framed
TAIL_WORDS = 8
KEEP_RATIO = 0.05  # a stretch scoring this share of the best one is article too

_SENTENCE_END = frozenset(".!?…。！？:;\"'”’»)]")
_MARKS = re.compile("[.,;!?،。、，！？]")
_WIDE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _words(text: str) -> int:
    """Words, counting two characters of a script written without spaces (kana, CJK, Hangul) as one."""
    words = len(text.split())
    return words if text.isascii() else max(words, len(_WIDE.findall(text)) // 2)


def _headline_cased(text: str) -> bool:
    """Most words capitalised, as in an English headline; or no letter with a case (Japanese, Chinese), where
    only a sentence's final mark tells a sentence from a headline."""
    words = [word for word in text.split() if word[:1].isupper() or word[:1].islower()]
    return not words or sum(word[0].isupper() for word in words) * 2 >= len(words)


def _weight(text: str, words: int) -> float:
    """How much a line of ``words`` words counts for (positive) or against (negative) being in the article."""
    if words < SENTENCE_WORDS:
        return -LINE_PENALTY
    if text[-1] in _SENTENCE_END:
        return words * WORD_WEIGHT
    if words >= LONG_WORDS and not _headline_cased(text):
        return words * WORD_WEIGHT / 2
    if words >= TAG_LIST_WORDS and len(_MARKS.findall(text)) * WORDS_PER_MARK >= words:
        return words * WORD_WEIGHT / 2
    return -LINE_PENALTY


def is_whole_page(words: list[int]) -> bool:
    """A dump of a whole page rather than of its article (``words``: of each line): many lines, most short."""
    if len(words) < MIN_LINES:
        return False
    return sum(1 for count in words if count < SENTENCE_WORDS) >= SHORT_SHARE * len(words)


def article_span(lines: list[str], words: list[int]) -> tuple[int, int] | None:
    """First and last index of the article among a whole-page dump's lines, or None when none reads as text."""
    stretches: list[tuple[float, int, int]] = []  # (best running sum, start, index where it was reached)
    running, start, peak, peak_at = 0.0, 0, 0.0, -1
    for index, (line, count) in enumerate(zip(lines, words, strict=True)):
        weight = _weight(line, count)
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
    lines = [block.plain for block in doc.blocks]
    words = [_words(line) for line in lines]
    if not is_whole_page(words):
        return
    span = article_span(lines, words)
    if span is None:
        return
    first, last = span
    if first < MENU_LINES:
        return
    while last + 1 < len(words) and words[last + 1] >= SENTENCE_WORDS:
        last += 1  # a list that ends the article (dates, places) runs until the first menu-length line
    doc.removed.extend(Removal(BEFORE_ARTICLE, "text", block.text) for block in doc.blocks[:first])
    doc.removed.extend(Removal(AFTER_ARTICLE, "text", block.text) for block in doc.blocks[last + 1 :])
    doc.blocks = doc.blocks[first : last + 1]
    doc.blocks[0].gap = False
    doc.extracted_chars = len(join_blocks(doc.blocks))  # the article found, as an extractor's output is


def framed(doc: Document) -> bool:
    """Whether ``frame_dump`` took the dump for a whole page and cut it to its article."""
    return any(removal.rule in (BEFORE_ARTICLE, AFTER_ARTICLE) for removal in doc.removed)
