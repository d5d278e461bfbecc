"""Stage 6: text rules, applied to the blocks of the extracted text (or of a text dump).

Rules run in order (rule sets in catalog order; in each, its drop rules, then cut, then trim, then
repeat, each kind in file order), each on what the earlier ones left. Positions (``head``, ``tail`` or
``ends``; ``within`` blocks or ``share`` of the characters) are measured on that remaining text. A trim
rule removes the end of a line, from where its pattern matches: the part of a line that is boilerplate
("... the minister said. Read more: ..."), when the part before it is the article's.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable

from cleaner.document import Block, Document, Removal, plain_form
from cleaner.rules import TextRule
from cleaner.rules.literals import ScreenedPattern


def apply_text_rules(doc: Document) -> None:
    """Remove the blocks the text rules of ``doc.rulesets`` match, recording each removal."""
    lines = _Lines(doc.blocks)
    for ruleset in doc.rulesets:
        for rule in ruleset.text_rules:
            if rule.action == "trim":
                name = ruleset.qualified(rule.name)
                tails = _trim(rule, lines)
                if tails:
                    doc.removed.extend(Removal(name, "text", tail) for tail in tails)
                    lines = _Lines(doc.blocks)
                continue
            doomed = _doomed(rule, lines) if doc.blocks else set()
            if not doomed:
                continue
            name = ruleset.qualified(rule.name)
            doc.removed.extend(Removal(name, "text", doc.blocks[i].text) for i in sorted(doomed))
            doc.blocks = _without(doc.blocks, doomed)
            lines = _Lines(doc.blocks)
    if not doc.blocks and doc.reason is None:
        doc.reason = "the rules removed all of the text"


class _Lines:
    """The blocks as the rules read them, for one state of the text: each rule's candidates (its zone within its size
    limits) and the lines its pattern is matched against, computed once for all the rules that ask the same (most
    rules remove nothing, so a state serves them all: working these out again for each of 40 rules was most of this
    stage's time)."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.plain = [block.plain for block in blocks]
        self.sizes = [len(text) for text in self.plain]
        self._lower: list[str] | None = None
        self._zones: dict[tuple, Iterable[int]] = {}
        self._starts: list[int] | None = None  # where each block starts in the text, for zones by share
        self._candidates: dict[tuple, list[int]] = {}
        self._subjects: dict[tuple, list[str]] = {}

    def candidates(self, rule: TextRule, *, limit_size: bool = True) -> list[int]:
        """The blocks a rule may act on, in order: those in its zone (head, tail or ends; ``within`` blocks or
        ``share`` of the characters) whose size is within its limits. Only these are matched."""
        low, high = rule.min_chars, rule.max_chars if limit_size else None
        key = (rule.position, rule.within, rule.share, low, high)
        found = self._candidates.get(key)
        if found is None:
            sizes = self.sizes
            zone = self._zone(rule)
            if high is None:
                found = [i for i in zone if low <= sizes[i]]
            else:
                found = [i for i in zone if low <= sizes[i] <= high]
            self._candidates[key] = found
        return found

    def subjects(self, rule: TextRule, candidates: list[int]) -> list[str]:
        """What ``rule``'s pattern is matched against in each of its candidates (the lower-cased line when folded)."""
        key = (rule.position, rule.within, rule.share, rule.min_chars, rule.max_chars, rule.folded)
        found = self._subjects.get(key)
        if found is None:
            lines = self.matched_lines(rule)
            found = self._subjects[key] = [lines[i] for i in candidates]
        return found

    def matched_lines(self, rule: TextRule) -> list[str]:
        """Every block as ``rule``'s pattern is matched against it: lower-cased when the rule is folded."""
        if not rule.folded:
            return self.plain
        if self._lower is None:
            self._lower = [block.lower for block in self.blocks]
        return self._lower

    def _zone(self, rule: TextRule) -> Iterable[int]:
        key = (rule.position, rule.within, rule.share)
        zone = self._zones.get(key)
        if zone is None:
            zone = self._zones[key] = self._new_zone(rule)
        return zone

    def _new_zone(self, rule: TextRule) -> Iterable[int]:
        count = len(self.blocks)
        if rule.position == "any":
            return range(count)
        if rule.within is not None:
            head, tail = range(min(rule.within, count)), range(max(count - rule.within, 0), count)
        else:
            if self._starts is None:
                self._starts = list(itertools.accumulate(self.sizes, initial=0))
            starts = self._starts
            total = starts[-1] or 1
            head_end = bisect.bisect_left(starts, rule.share * total, hi=count)
            tail_start = bisect.bisect_left(starts, (1 - rule.share) * total, hi=count)
            head, tail = range(head_end), range(tail_start, count)
        return {"head": head, "tail": tail}.get(rule.position) or sorted(set(head) | set(tail))


def _doomed(rule: TextRule, lines: _Lines) -> set[int]:
    """Indexes of the blocks ``rule`` removes."""
    blocks = lines.blocks
    candidates = lines.candidates(rule)
    if rule.action == "drop":
        matched = _matching(rule, lines, candidates)
        if matched and rule.only_at_ends and _matching(rule, lines, _outside_zone(rule, lines), own=False):
            return set()  # the same shape in the body: the article's own (a list of links, one per item)
        return set(matched)
    if rule.action == "cut":
        markers = _matching(rule, lines, candidates)
        if markers and rule.prose_before:
            markers = _after_prose(markers, blocks, rule.prose_before)
        if not markers:
            return set()
        if rule.side == "before":
            return set(range(markers[-1] + 1))
        if not rule.until_prose:
            return set(range(markers[0], len(blocks)))
        doomed: set[int] = set()
        for marker in markers:  # each heading takes the links under it, and stops where sentences resume
            end = next((i for i in range(marker + 1, len(blocks)) if is_prose(blocks[i].plain)), len(blocks))
            doomed.update(range(marker, end))
        return doomed
    allowed = set(candidates)
    seen: set[str] = set()
    doomed = set()
    for i, block in enumerate(blocks[: max(candidates, default=-1) + 1]):  # no block after the zone is doomed
        key = " ".join(block.plain.casefold().split())
        if key in seen and i in allowed and not _IN_STRUCTURE.match(block.text):
            doomed.add(i)
        seen.add(key)
    return doomed


# a list item, table row, quote or attribution line ("— Name (@handle) date"): it may repeat in an article
# (two tables' header rows, one option in two lists, two posts quoted from one account on one day)
_IN_STRUCTURE = re.compile(r"[-*+>|—–]\s")


_WORD = re.compile(r"\w")


def _trim(rule: TextRule, lines: _Lines) -> list[str]:
    """Cut each block in ``rule``'s zone at the start of its pattern's match, keeping the part before it
    when that part has words and the part removed is at most ``max_chars`` long; the parts removed."""
    removed = []
    blocks = lines.blocks
    candidates = lines.candidates(rule, limit_size=False)
    # a folded pattern is matched on the lower-cased line: its offsets hold when lower-casing kept the length
    subjects = [blocks[i].text.lower() if rule.folded else blocks[i].text for i in candidates]
    for k in _screened(rule, subjects):
        block, subject = blocks[candidates[k]], subjects[k]
        match = rule.regex.search(subject) if len(subject) == len(block.text) else None
        if match is None:
            continue
        kept, tail = block.text[: match.start()].rstrip(), block.text[match.start() :].strip()
        if not tail or _WORD.search(kept) is None or (rule.max_chars is not None and len(tail) > rule.max_chars):
            continue
        block.text = kept
        block.plain = plain_form(kept)
        block.lower = block.plain.lower()
        removed.append(tail)
    return removed


def _outside_zone(rule: TextRule, lines: _Lines) -> list[int]:
    zone = set(lines.candidates(rule, limit_size=False))
    return [i for i in range(len(lines.blocks)) if i not in zone]


def _matching(rule: TextRule, lines: _Lines, candidates: list[int], *, own: bool = True) -> list[int]:
    """The candidates ``rule``'s pattern matches (one loop: this is where a dump's cleaning spends its time);
    ``own``: they are the rule's candidates, whose lines ``lines`` keeps for the rules that ask the same."""
    if own:
        subjects = lines.subjects(rule, candidates)
    else:
        matched = lines.matched_lines(rule)
        subjects = [matched[i] for i in candidates]
    worth = _screened(rule, subjects)
    if not worth:
        return []
    # a shipped pattern's own compiled regex (compiled now, on its first line worth searching), not through its
    # wrapper: a page's rules search about 240 lines
    search = rule.regex.compiled.search if isinstance(rule.regex, ScreenedPattern) else rule.regex.search
    return [candidates[k] for k in worth if search(subjects[k]) is not None]


def _screened(rule: TextRule, subjects: list[str]) -> Iterable[int]:
    """The indexes of the ``subjects`` worth searching: a shipped pattern first tells which lines hold none of the
    literals each of its matches contains (rules/literals.py); most rules match no line of a page."""
    return rule.regex.may_match(subjects) if isinstance(rule.regex, ScreenedPattern) else range(len(subjects))


_PERIOD_END = re.compile(r"[.…][\"'”’»)\]]*$")
_PUNCTUATION = re.compile(r"[.!?;:]")
_SENTENCE_WORDS = 6  # a headline rarely ends with a full stop; a sentence this long does
_PARAGRAPH_WORDS = 25  # longer than a headline; a paragraph this long has punctuation, a tag list has not


def _after_prose(markers: list[int], blocks: list[Block], count: int) -> list[int]:
    """The markers that have at least ``count`` blocks of prose before them: past the article's opening."""
    kept, prose, scanned = [], 0, 0
    for marker in markers:
        prose += sum(1 for block in blocks[scanned:marker] if is_prose(block.plain))
        scanned = marker
        if prose >= count:
            kept.append(marker)
    return kept


def is_prose(text: str) -> bool:
    """A sentence of the article rather than a headline, link, label or list of tags."""
    words = len(text.split())
    if words < _SENTENCE_WORDS:
        return False
    return _PERIOD_END.search(text) is not None or (words >= _PARAGRAPH_WORDS and _PUNCTUATION.search(text) is not None)


def _without(blocks: list[Block], doomed: set[int]) -> list[Block]:
    """The blocks not doomed; a blank line that stood before a removed block carries to the next one."""
    kept: list[Block] = []
    gap = False
    for i, block in enumerate(blocks):
        if i in doomed:
            gap = gap or block.gap
            continue
        if gap and kept:
            block.gap = True
        gap = False
        kept.append(block)
    if kept:
        kept[0].gap = False
    return kept
