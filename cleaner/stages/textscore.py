"""Stage 6 for text dumps: the block scorer in text mode.

A text dump (an earlier extractor's output, a crawl's WET text, a dataset's ``text`` column) has no
elements to look at, only its lines. Each line gets the text features of the page scorer
(``score.text_features``: length, sentence shape, punctuation, capitals, position, runs of short lines,
repetition, the generic phrase rules of every shipped language on lines up to 80 characters) and the ones
that tell the tail of a dump from its article: how many lines stand between it and the nearest prose line on
either side, how the lines around it are shaped (a lead-in ending with a colon, a run of headline-cased
lines), the shapes of comment threads and profiles (handles, dates and times, "ago", URLs), and how much of
its vocabulary the rest of the dump and its lead share. A logistic regression trained by ``python
bench/train_dumps.py`` on trafilatura dumps of both development sets turns them into the probability that the
line is article text. The scorer reads the lines as they were before the text rules, and removes, from those
the rules left, the lines below the threshold that come after the last line it is sure is article text
(``tail_removals``), each as ``scorer`` with the features that weighed most against it.

The model is a small JSON file (``text_scorer.json``) read once per process; scoring is plain Python. It
ships on at 0.25, the threshold bench/train_dumps.py chose (cross-validated by site, the most precision over the
rules alone on both sets with recall within issue 16's bound). Only the lines from the dump's end back to its
last anchor are scored (``doubted_tail``): what the whole dump tells is read once, and a line's own features,
most of the cost, are computed for about a tenth of the lines, which keeps cleaning a dump within issue 16's
speed bound. ``--keep-threshold 0`` turns it off.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from cleaner.document import Block
from cleaner.stages.score import BlockScorer, TextFeatures, generic_phrase_rules, load_scorer
from cleaner.stages.textrules import is_prose

MODEL_PATH = Path(__file__).with_name("text_scorer.json")
_NEAR = 8  # lines counted to the nearest prose line
_SHORT_WORDS = 8

# Shapes found in comment threads, bios and link lists, in any language: "@handle", "12:45", "3 hours
# ago"-like digits before a unit word, dates in digits, bare domains.
_HANDLE = re.compile(r"(?:^|\s)@\w{2,}")
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\.?)?\b", re.IGNORECASE)
_DIGIT_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DOMAIN = re.compile(r"\b[\w-]{1,63}\.(?:com|org|net|de|co|uk|fr|es|it|io|info|news)\b", re.IGNORECASE)
_FIRST_LETTER = re.compile(r"\w")
_HAS_DIGIT = re.compile(r"\d")
# Content terms, for how much of a line's vocabulary the rest of the dump shares: words of four letters or
# more, and character pairs of scripts written without spaces.
_TERM = re.compile(r"[^\W\d_]{4,}")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
# The generic phrase rules are features of lines up to this long only: their phrases stand in short lines, and
# searching every line with every rule took 2.7 times as long as all the other features together
_PHRASE_CHARS = 80
_LEAD_LINES = 3  # the first prose lines, the article's lead
ANCHOR = 0.5  # a line of 8 words or more at least this likely to be article text is taken for the article's
# own; the scorer removes only lines after the last such line (the tail), never one inside the article


def _headline_cased(words: list[str]) -> bool:
    cased = [word for word in words if word[:1].isalpha() and (word[:1].isupper() or word[:1].islower())]
    return len(cased) >= 3 and sum(word[0].isupper() for word in cased) * 3 >= len(cased) * 2


def _distances(flags: list[bool]) -> tuple[list[int], list[int]]:
    """For each index, how far back the last and how far ahead the next flagged index is (``_NEAR`` when
    none is that close)."""
    count = len(flags)
    back, ahead = [_NEAR] * count, [_NEAR] * count
    last = None
    for index in range(count):
        if flags[index]:
            last = index
        if last is not None:
            back[index] = min(index - last, _NEAR)
    nxt = None
    for index in range(count - 1, -1, -1):
        if flags[index]:
            nxt = index
        if nxt is not None:
            ahead[index] = min(nxt - index, _NEAR)
    return back, ahead


def _seen(flags: list[bool]) -> list[bool]:
    """For each index, whether a flagged index stands before it."""
    seen, result = False, []
    for flag in flags:
        result.append(seen)
        seen = seen or flag
    return result


def _terms(text: str) -> set[str]:
    folded = text.casefold()
    terms = set(_TERM.findall(folded))
    for run in () if folded.isascii() else _UNSPACED.findall(folded):
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def _cohesion(blocks: Sequence[Block], prose: list[bool]) -> list[tuple[float, float]]:
    """For each line, the share of its terms found in another line of the dump, and in the lead (the first
    prose lines; 1 for a line of the lead): an article's paragraphs share its vocabulary, the teasers, bios,
    prompts and comments of its tail mostly do not."""
    terms = [_terms(block.plain) for block in blocks]
    lines_with = Counter(term for line in terms for term in line)
    lead_lines = [index for index, flag in enumerate(prose) if flag][:_LEAD_LINES]
    lead = set().union(*(terms[index] for index in lead_lines))
    shares = []
    for index, line in enumerate(terms):
        count = len(line) or 1
        in_lead = 1.0 if index in lead_lines else sum(term in lead for term in line) / count
        shares.append((sum(lines_with[term] > 1 for term in line) / count, in_lead))
    return shares


def dump_features(blocks: Sequence[Block], phrase_rules: Sequence = ()) -> list[dict[str, float]]:
    """Features of each line of a text dump: the page scorer's text features and the dump's own."""
    features = DumpFeatures(blocks, phrase_rules)
    return [features.row(index) for index in range(len(blocks))]


class DumpFeatures(TextFeatures):
    """The features of a dump's lines, one line at a time (what the whole dump tells is read once)."""

    def __init__(self, blocks: Sequence[Block], phrase_rules: Sequence = ()) -> None:
        super().__init__(blocks, phrase_rules, _PHRASE_CHARS)
        count, prose, words = self.count, self.prose, self.words
        self.back, self.ahead = _distances(prose)
        self.headline = [s and _headline_cased(w) for s, w in zip(self.short, words, strict=True)]
        self.prose_share = sum(prose) / (count or 1)
        # a clock is searched for in lines with a digit only: most lines have none
        self.clock = [
            _HAS_DIGIT.search(block.plain) is not None and _CLOCK.search(block.plain) is not None for block in blocks
        ]
        self.salutation = [len(w) <= 4 and block.plain.endswith(",") for w, block in zip(words, blocks, strict=True)]
        stamped = [found and len(w) < 12 for w, found in zip(words, self.clock, strict=True)]
        self.first_match = self.first_phrase_match()
        self.seen_salutation, self.seen_stamp = _seen(self.salutation), _seen(stamped)
        self.cohesion = _cohesion(blocks, prose)
        self.prose_after = [0] * (count + 1)
        for index in range(count - 1, -1, -1):
            self.prose_after[index] = self.prose_after[index + 1] + prose[index]

    def row(self, index: int) -> dict[str, float]:
        row = super().row(index)
        blocks, count, prose, short, headline = self.blocks, self.count, self.prose, self.short, self.headline
        text = blocks[index].plain
        previous = blocks[index - 1].plain if index else ""
        digits = row["digit_share"] > 0
        row.update(
            {
                "prose_back": self.back[index] / _NEAR,
                "prose_ahead": self.ahead[index] / _NEAR,
                "prose_share": self.prose_share,
                "after_phrase": float(index > self.first_match),
                "salutation": float(self.salutation[index]),
                "after_salutation": float(self.seen_salutation[index]),
                "after_stamp": float(self.seen_stamp[index]),
                "prose_after_log": math.log1p(self.prose_after[index + 1]),
                "prose_after_share": self.prose_after[index + 1] / (count - index),
                "previous_prose": float(index > 0 and prose[index - 1]),
                "next_prose": float(index + 1 < count and prose[index + 1]),
                "previous_colon": float(previous.endswith(":")),
                "previous_short": float(index > 0 and short[index - 1]),
                "next_short": float(index + 1 < count and short[index + 1]),
                "headline": float(headline[index]),
                "headline_run": float(
                    headline[index]
                    and ((index > 0 and headline[index - 1]) or (index + 1 < count and headline[index + 1]))
                ),
                "question": float(text.rstrip("\"'”’»)").endswith("?")),
                "handle": float("@" in text and _HANDLE.search(text) is not None),
                "clock": float(self.clock[index]),
                "digit_date": float(digits and _DIGIT_DATE.search(text) is not None),
                "year": float(digits and _YEAR.search(text) is not None),
                "domain": float("." in text and _DOMAIN.search(text) is not None),
                "lowercase_start": float(bool((m := _FIRST_LETTER.search(text)) and m.group().islower())),
                "shared_terms": self.cohesion[index][0],
                "lead_terms": self.cohesion[index][1],
            }
        )
        return row


def score_dump_blocks(blocks: Sequence[Block], *, scorer: BlockScorer | None = None) -> list[float]:
    """Probability that each line of a text dump is article text."""
    scorer = scorer or load_scorer("text", MODEL_PATH)
    return [scorer.probability(row) for row in dump_features(blocks, generic_phrase_rules())]


def tail_removals(
    blocks: Sequence[Block], probabilities: Sequence[float] | Callable[[int], float], threshold: float
) -> list[bool]:
    """Which lines the scorer removes: those below ``threshold`` after the dump's last anchor line (8 words or
    more, at least ``ANCHOR`` likely to be article text) and the sentences that directly follow it. Inside the
    article, lines the model doubts are mostly its own short ones (subheadings, list items, quotes):
    cross-validated, removing them cost recall for little precision, while the tail holds most of what the rules
    leave. No anchor, no removal.
    ``probabilities``: each line's, or a function giving a line's by its index (asked from the last line back to
    the anchor only)."""
    probability = probabilities if callable(probabilities) else probabilities.__getitem__
    removed = [False] * len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        likely = probability(index)
        if likely >= ANCHOR and len(blocks[index].plain.split()) >= _SHORT_WORDS:
            # sentences right after the anchor continue the article: a comment or a teaser under it comes after a
            # name, a date, a lead-in or a heading (cross-validated: less recall lost for the same precision)
            after = index + 1
            while after < len(blocks) and is_prose(blocks[after].plain):
                removed[after] = False
                after += 1
            return removed
        removed[index] = likely < threshold
    return [False] * len(blocks)


def doubted_tail(blocks: Sequence[Block], scorer: BlockScorer, threshold: float) -> dict[int, dict[str, float]]:
    """The lines of a dump the scorer removes (``tail_removals``), by index, with their features (a removal's
    reasons). Only the lines from the end back to the last anchor are scored: about a tenth of a dump's lines."""
    features = DumpFeatures(blocks, generic_phrase_rules())
    rows: dict[int, dict[str, float]] = {}

    def probability(index: int) -> float:
        rows[index] = features.row(index)
        return scorer.probability(rows[index])

    removed = tail_removals(blocks, probability, threshold)
    return {index: rows[index] for index, remove in enumerate(removed) if remove}
