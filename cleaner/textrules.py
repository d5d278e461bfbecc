"""Stage 6: text rules, applied to the blocks of the extracted text (or of a text dump).

Rules run in order (rule sets in catalog order; in each, its drop rules, then cut, then repeat, each
kind in file order), each on what the earlier ones left. Positions (``head``, ``tail`` or ``ends``;
``within`` blocks or ``share`` of the characters) are measured on that remaining text.
"""

from __future__ import annotations

import re

from cleaner.document import Block, Document, Removal
from cleaner.rules import TextRule


def apply_text_rules(doc: Document) -> None:
    """Remove the blocks the text rules of ``doc.rulesets`` match, recording each removal."""
    for ruleset in doc.rulesets:
        for rule in ruleset.text_rules:
            doomed = _doomed(rule, doc.blocks) if doc.blocks else set()
            if not doomed:
                continue
            name = ruleset.qualified(rule.name)
            doc.removed.extend(Removal(name, "text", doc.blocks[i].text) for i in sorted(doomed))
            doc.blocks = _without(doc.blocks, doomed)
    if not doc.blocks and doc.reason is None:
        doc.reason = "the rules removed all of the text"


def _doomed(rule: TextRule, blocks: list[Block]) -> set[int]:
    """Indexes of the blocks ``rule`` removes."""
    zone = _Zone(rule, blocks)
    if rule.action == "drop":
        return {i for i, block in enumerate(blocks) if zone.holds(i) and rule.regex.search(block.plain)}
    if rule.action == "cut":
        markers = [i for i, block in enumerate(blocks) if zone.holds(i) and rule.regex.search(block.plain)]
        if not markers:
            return set()
        doomed = set(range(markers[0], len(blocks))) if rule.side == "after" else set(range(markers[-1] + 1))
        if rule.rest_is_list and any(_is_sentence(blocks[i].plain) for i in doomed if i not in markers):
            return set()
        return doomed
    seen: set[str] = set()
    doomed = set()
    for i, block in enumerate(blocks):
        key = " ".join(block.plain.casefold().split())
        if key in seen and zone.holds(i):
            doomed.add(i)
        seen.add(key)
    return doomed


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SENTENCE_WORDS = 6


def _is_sentence(text: str) -> bool:
    """Prose rather than a headline, link or label: several words ending with sentence punctuation."""
    return len(text.split()) >= _SENTENCE_WORDS and _SENTENCE_END.search(text) is not None


class _Zone:
    """Whether a block stands where a rule may act: its position and size guards."""

    def __init__(self, rule: TextRule, blocks: list[Block]) -> None:
        self.rule = rule
        self.blocks = blocks
        self.starts: list[int] = []
        if rule.share is not None:
            total = 0
            for block in blocks:
                self.starts.append(total)
                total += len(block.plain)
            self.total = total or 1

    def holds(self, i: int) -> bool:
        rule, size = self.rule, len(self.blocks[i].plain)
        if size < rule.min_chars or (rule.max_chars is not None and size > rule.max_chars):
            return False
        if rule.position == "any":
            return True
        if rule.within is not None:
            near_head, near_tail = i < rule.within, i >= len(self.blocks) - rule.within
        else:
            near_head = self.starts[i] < rule.share * self.total
            near_tail = self.starts[i] >= (1 - rule.share) * self.total
        if rule.position == "head":
            return near_head
        if rule.position == "tail":
            return near_tail
        return near_head or near_tail


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
