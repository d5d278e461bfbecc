"""Stage 6 (between extraction and the text rules): a learned block scorer.

Each block of the extracted text gets features read from its text alone (length, sentence shape,
punctuation, digits, capitals, position, runs of short lines, which generic phrase rules would match it,
ignoring their guards) and, for a page, from the element it came from (tag, enclosing figure, aside, nav,
footer, form, list or link, class/id tokens of its ancestors, link density). A logistic regression trained
by ``python bench/train.py`` on both development sets turns them into the probability that the block is
article text; a block below the keep threshold is removed, and the removal names the features that
weighed most against it. Site and platform rules stay hard decisions; the scorer only acts on what they
left.

The model is a small JSON file (feature names, scaling, weights) read once per process; scoring is
plain Python arithmetic, the same on every machine.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

from cleaner.document import Block, Document, Removal
from cleaner.errors import ModelError
from cleaner.rules.literals import ScreenedPattern
from cleaner.stages.frame import framed
from cleaner.stages.textrules import is_prose

MODEL_PATH = Path(__file__).with_name("block_scorer.json")
MODEL_FORMAT = 1
REASONS = 3  # features named in a removal

_CLOSERS = "\"'”’»)]"  # a sentence ends with one of _SENTENCE_STOPS, perhaps inside quotes or brackets
_SENTENCE_STOPS = (".", "!", "?", "…")
_URL = re.compile(r"https?://|www\.|[^\s@]{1,64}@[^\s@]{1,253}\.\w")  # bounded: linear on a line without spaces
_WORD = re.compile(r"\w+")
_SENTENCE_STOP = re.compile(r"[.!?…](?:\s|$)")
_SHORT_WORDS = 8  # a line this short, without a sentence end, reads as a label, link or headline
_EDGE = 10  # blocks counted from either end

_INSIDE = ("a", "figure", "figcaption", "aside", "nav", "footer", "header", "form", "li", "table", "blockquote")
_TAG_KINDS = {
    "p": "p",
    "li": "li",
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "heading"),
    **dict.fromkeys(("td", "th"), "cell"),
    "blockquote": "quote",
    "figcaption": "caption",
}
_BLOCK_TAGS = (*_TAG_KINDS, "dd", "dt", "pre", "caption", "summary", "div", "span")
# Class/id tokens grouped by what they mark, each group one feature (English stems: most templates name
# their boxes in English whatever the page's language).
_TOKEN_GROUPS = {
    "share": ("share", "social", "sharing"),
    "related": ("related", "teaser", "recommend", "more", "read", "trending", "popular"),
    "promo": ("promo", "ad", "ads", "advert", "sponsor", "newsletter", "subscribe", "paywall", "banner"),
    "meta": ("author", "byline", "bio", "date", "time", "meta", "tags", "tag", "category", "breadcrumb"),
    "media": ("caption", "credit", "figure", "image", "photo", "media", "video", "gallery"),
    "comment": ("comment", "comments", "reply", "discussion"),
    "body": ("article", "body", "content", "text", "story", "post", "entry", "main"),
    "nav": ("nav", "menu", "footer", "header", "sidebar", "widget", "rail", "aside"),
}
_TOKEN_OF = {token: group for group, tokens in _TOKEN_GROUPS.items() for token in tokens}
_SPLIT_TOKENS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_ANCESTORS = 6
_STRETCH = 32  # blocks searched for phrase rules at a time: a dump's scorer needs those of its tail and the first match


@dataclass(frozen=True)
class BlockScorer:
    """A logistic regression over named features, with the threshold it was chosen with."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    path: Path

    def probability(self, row: dict[str, float]) -> float:
        get = row.get  # the contributions' arithmetic, in their order, without building their list
        terms = zip(self.names, self.means, self.scales, self.weights, strict=True)
        return _sigmoid(
            self.bias + sum(weight * (get(name, 0.0) - mean) / scale for name, mean, scale, weight in terms)
        )

    def contributions(self, row: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's share of the log-odds of keeping the block."""
        return [
            (name, weight * (row.get(name, 0.0) - mean) / scale)
            for name, mean, scale, weight in zip(self.names, self.means, self.scales, self.weights, strict=True)
        ]

    def reasons(self, row: dict[str, float]) -> tuple[str, ...]:
        """The features that weighed most for removing the block, strongest first."""
        against = sorted((c, name) for name, c in self.contributions(row) if c < 0)
        return tuple(f"{name}={row.get(name, 0.0):.3g}" for _, name in against[:REASONS])


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


@cache
def load_scorer(kind: str = "html", path: Path = MODEL_PATH) -> BlockScorer:
    """The model for page blocks (``html``) or text-dump blocks (``text``), read once per process;
    ModelError naming the file when it is missing, truncated or incompatible."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(str(path), "block scorer model file missing (train it: python bench/train.py)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(str(path), f"block scorer model file unreadable or truncated: {error}") from None
    try:
        if data["format"] != MODEL_FORMAT:
            raise ModelError(
                str(path), f"block scorer model format {data['format']!r}, this version reads {MODEL_FORMAT}"
            )
        data = data["models"][kind]
        names = tuple(data["features"])
        columns = [tuple(float(v) for v in data[key]) for key in ("means", "scales", "weights")]
        if any(len(column) != len(names) for column in columns):
            raise ModelError(str(path), "block scorer model file: features, means, scales and weights differ in length")
        return BlockScorer(names, *columns, float(data["bias"]), float(data["threshold"]), Path(path))
    except (KeyError, TypeError, ValueError) as error:
        raise ModelError(str(path), f"block scorer model file incompatible: {error!r}") from None


def text_features(blocks: Sequence[Block], phrase_rules: Sequence = ()) -> list[dict[str, float]]:
    """Features of each block of a text, from the text alone (for text dumps, and the base of HTML blocks).

    ``phrase_rules`` are generic text rules (``TextRule``) whose patterns become features, their guards aside.
    """
    features = TextFeatures(blocks, phrase_rules)
    return [features.row(index) for index in range(len(blocks))]


class TextFeatures:
    """The text features of a text's blocks, one block at a time: what the whole text tells (where its prose
    starts and ends, which lines repeat, which phrase rules match) is read once, a block's own features when asked
    for (a dump's scorer needs those of its last lines only). ``phrase_rules`` are searched in the blocks up to
    ``phrase_chars`` long."""

    def __init__(self, blocks: Sequence[Block], phrase_rules: Sequence = (), phrase_chars: int | None = None) -> None:
        self.blocks = blocks
        count = self.count = len(blocks)
        self.lengths = [len(block.plain) for block in blocks]
        self.total = sum(self.lengths) or 1
        prose = self.prose = [is_prose(block.plain) for block in blocks]
        self.words = [block.plain.split() for block in blocks]
        self.short = [not p and len(words) < _SHORT_WORDS for p, words in zip(prose, self.words, strict=True)]
        self.first_prose = prose.index(True) if any(prose) else count
        self.last_prose = count - 1 - prose[::-1].index(True) if any(prose) else -1
        self.seen: dict[str, int] = {}
        for block in blocks:
            self.seen[block.lower] = self.seen.get(block.lower, 0) + 1
        self.runs = _short_runs(self.short)
        self.phrase_rules, self.phrase_chars = phrase_rules, phrase_chars
        self.phrase_names = [f"rule:{rule.name}" for rule in phrase_rules]
        self.phrase_hits: dict[int, list[str]] = {}  # a block's index -> the phrase rules matching it
        self.searched: set[int] = set()  # the stretches of _STRETCH blocks searched

    def row(self, index: int) -> dict[str, float]:
        block, count = self.blocks[index], self.count
        text = block.plain
        words = self.words[index]
        digits, letters, upper, alnum, spaces = _char_counts(text)
        row = {
            "chars_log": math.log1p(len(text)),
            "words_log": math.log1p(len(words)),
            "share_of_text": self.lengths[index] / self.total,
            "sentence_end": float(text.rstrip(_CLOSERS)[-1:] in _SENTENCE_STOPS),
            "prose": float(self.prose[index]),
            "sentences_log": math.log1p(len(_SENTENCE_STOP.findall(text))),
            "ends_colon": float(text.endswith(":")),
            "url_or_email": float(("@" in text or "www." in text or "://" in text) and bool(_URL.search(text))),
            "digit_share": digits / (len(text) or 1),
            "upper_share": upper / (letters or 1),
            "capitalised_words": sum(map(str.isupper, map(itemgetter(0), words))) / (len(words) or 1),
            "punct_share": (len(text) - alnum - spaces) / (len(text) or 1),
            "short_word_share": sum(len(w) <= 3 for w in _WORD.findall(text)) / (len(words) or 1),
            "list_item": float(block.text.lstrip().startswith(("- ", "* ", "• "))),
            "position": index / (count - 1) if count > 1 else 0.0,
            "from_start": min(index, _EDGE) / _EDGE,
            "from_end": min(count - 1 - index, _EDGE) / _EDGE,
            "before_first_prose": float(index < self.first_prose),
            "after_last_prose": float(index > self.last_prose),
            "short_run_log": math.log1p(self.runs[index]),
            "repeated": float(self.seen[block.lower] > 1),
        }
        row.update(dict.fromkeys(self.phrase_names, 0.0))
        row.update(dict.fromkeys(self.phrase_matches(index), 1.0))
        return row

    def phrase_matches(self, index: int) -> list[str]:
        """The features of the phrase rules matching a block; they are searched for a stretch of blocks at a time,
        when one of its blocks is first asked about."""
        stretch = index // _STRETCH
        if stretch not in self.searched:
            self.searched.add(stretch)
            start = stretch * _STRETCH
            blocks = self.blocks[start : start + _STRETCH]
            for name, found in _phrase_matches(blocks, self.phrase_rules, self.phrase_chars):
                for offset in found:
                    self.phrase_hits.setdefault(start + offset, []).append(name)
        return self.phrase_hits.get(index, [])

    def first_phrase_match(self) -> int:
        """The index of the first block a phrase rule matches (the count of blocks when none does)."""
        return next((index for index in range(self.count) if self.phrase_matches(index)), self.count)


def _phrase_matches(blocks: Sequence[Block], phrase_rules: Sequence, max_chars: int | None = None) -> list:
    """For each phrase rule, its feature's name and the indexes of the blocks (up to ``max_chars`` long) its pattern
    matches: a shipped pattern first screens the lines by the literals its matches hold, as the text rules do."""
    indexes = [i for i, block in enumerate(blocks) if max_chars is None or len(block.plain) <= max_chars]
    plain, lower = [blocks[i].plain for i in indexes], [blocks[i].lower for i in indexes]
    found = []
    for rule in phrase_rules:
        subjects = lower if rule.folded else plain
        search = rule.regex.search
        worth = rule.regex.may_match(subjects) if isinstance(rule.regex, ScreenedPattern) else range(len(subjects))
        found.append((f"rule:{rule.name}", {indexes[k] for k in worth if search(subjects[k]) is not None}))
    return found


# What each character counts as (digit, letter, upper-case letter, letter or digit, space), read once per character:
# counting the characters of a line once and classing each distinct one is several times faster than a pass over
# the line for each class, and these counts were most of a dump scorer's time
_CLASSES: dict[str, tuple[int, int, int, int, int]] = {}


def _char_counts(text: str) -> tuple[int, int, int, int, int]:
    digits = letters = upper = alnum = spaces = 0
    for char, count in Counter(text).items():
        classes = _CLASSES.get(char)
        if classes is None:
            alpha = char.isalpha()
            classes = _CLASSES.setdefault(
                char, (char.isdigit(), alpha, alpha and char.isupper(), char.isalnum(), char.isspace())
            )
        digits += classes[0] * count
        letters += classes[1] * count
        upper += classes[2] * count
        alnum += classes[3] * count
        spaces += classes[4] * count
    return digits, letters, upper, alnum, spaces


def html_features(doc: Document, phrase_rules: Sequence = ()) -> list[dict[str, float]]:
    """Features of each block of a page's extracted text: the text's own, and those of the element it came
    from (found by its text; a block found in no element has ``unmatched`` set)."""
    rows = text_features(doc.blocks, phrase_rules)
    elements = _elements_by_text(doc) if doc.tree is not None else {}
    for block, row in zip(doc.blocks, rows, strict=True):
        element = elements.get(_key(block.plain))
        if element is None:
            row["unmatched"] = 1.0
            continue
        row[f"tag:{_TAG_KINDS.get(element.tag, 'other')}"] = 1.0
        chars = len(_key(element.text_content())) or 1
        row["link_density"] = min(1.0, sum(len(_key(a.text_content())) for a in element.iter("a")) / chars)
        ancestors = list(element.iterancestors())
        for ancestor in (element, *ancestors):
            if ancestor.tag in _INSIDE:
                row[f"inside:{ancestor.tag}"] = 1.0
        row["depth_log"] = math.log1p(len(ancestors))
        for ancestor in (element, *ancestors[:_ANCESTORS]):
            for group in _groups(ancestor.get("class", "") + " " + ancestor.get("id", "")):
                row[f"token:{group}"] = 1.0
        role = " ".join(filter(None, (a.get("role") for a in ancestors[:_ANCESTORS])))
        if role:
            row["role:landmark"] = float(
                any(r in role for r in ("complementary", "navigation", "banner", "contentinfo"))
            )
            row["role:main"] = float("main" in role or "article" in role)
    return rows


def score_text_blocks(blocks: Sequence[Block], *, scorer: BlockScorer | None = None) -> list[float]:
    """Probability that each block of a plain-text dump is article text (the text-only features)."""
    scorer = scorer or load_scorer("text")
    return [scorer.probability(row) for row in text_features(blocks, generic_phrase_rules())]


def score_html_blocks(doc: Document, *, scorer: BlockScorer | None = None) -> list[float]:
    """Probability that each block of ``doc.blocks`` (a page's extracted text) is article text."""
    scorer = scorer or load_scorer()
    return [scorer.probability(row) for row in html_features(doc, generic_phrase_rules())]


def apply_scorer(
    doc: Document, threshold: float | None = None, *, model: Path | None = None, lines: Sequence[Block] | None = None
) -> None:
    """Remove the blocks scored below ``threshold`` (the model's own when None; 0 keeps every block), each
    removal naming the features that weighed most against it. ``model``: another model file. ``lines``: a text
    dump's lines before its text rules ran (what the dump model reads); the scorer then removes, from the lines
    the rules left, those of the dump's tail it doubts (``textscore.tail_removals``), and a line a rule matched
    keeps that rule's name."""
    if not doc.blocks or threshold == 0:
        return
    page = doc.tree is not None
    if page:
        scorer = load_scorer("html", model or MODEL_PATH)
    else:  # a text dump: the dump scorer's own features, model and removals (textscore imports this module)
        from cleaner.stages.textscore import MODEL_PATH as DUMP_MODEL_PATH
        from cleaner.stages.textscore import doubted_tail

        scorer = load_scorer("text", model or DUMP_MODEL_PATH)
    limit = scorer.threshold if threshold is None else threshold
    if limit == 0:
        return
    if page:
        rows = html_features(doc, generic_phrase_rules())
        doomed = {
            id(block): row for block, row in zip(doc.blocks, rows, strict=True) if scorer.probability(row) < limit
        }
    else:
        if framed(doc):
            return  # a whole page: the dump model learnt extracts' tails, and on whole pages it cost recall and time
        lines = doc.blocks if lines is None else lines
        doomed = {id(lines[index]): row for index, row in doubted_tail(lines, scorer, limit).items()}
    kept: list[Block] = []
    gap = False
    for block in doc.blocks:
        if id(block) in doomed:
            doc.removed.append(Removal("scorer", "scorer", block.text, scorer.reasons(doomed[id(block)])))
            gap = gap or block.gap
            continue
        block.gap = block.gap or (gap and bool(kept))
        gap = False
        kept.append(block)
    if kept:
        kept[0].gap = False
    doc.blocks = kept


@cache
def generic_phrase_rules() -> tuple:
    """The drop and cut rules of the shipped generic rule set: their patterns are features."""
    from cleaner.rules import load_catalog

    default = load_catalog().by_name.get("default")
    return tuple(r for r in (default.text_rules if default else ()) if r.regex is not None)


def _short_runs(short: list[bool]) -> list[int]:
    """For each block, the length of the run of short blocks it stands in (0 for a long block)."""
    runs = [0] * len(short)
    start = 0
    while start < len(short):
        if not short[start]:
            start += 1
            continue
        end = start
        while end < len(short) and short[end]:
            end += 1
        for i in range(start, end):
            runs[i] = end - start
        start = end
    return runs


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _elements_by_text(doc: Document) -> dict[str, object]:
    """The deepest block element holding exactly each text, in the page as the rules left it."""
    found: dict[str, object] = {}
    for element in doc.tree.iter(*_BLOCK_TAGS):
        if element.tag in ("div", "span") and not (element.text and element.text.strip()):
            continue  # a wrapper: its text is its children's, found through them
        key = _key(element.text_content())
        if key:
            found[key] = element
    return found


def _groups(names: str) -> set[str]:
    groups = set()
    for name in names.split():
        for part in (name.lower(), *(p.lower() for p in _SPLIT_TOKENS.findall(name))):
            group = _TOKEN_OF.get(part)
            if group:
                groups.add(group)
    return groups
