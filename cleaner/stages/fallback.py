"""Never worse than no rule: an ftr site config that chose the page's body is checked against the text the
page gives without that config, and loses when it is clearly worse.

Community site configs go stale: a ``body`` that once held the article now selects a list of other
headlines, or ``prune: no`` keeps galleries and share menus that trafilatura would have dropped. So when
a site config's ``body`` matched, the page is also pruned and extracted without that config, and the
generic result wins (``Document.rule_overridden`` names the config; ``rules stale`` lists it) when:

- the config's text keeps less than ``KEPT_BELOW`` of the generic text's words, and what it adds that the
  generic text lacks is not prose enough to make up for it (a stale body: another part of the page); or
- more than ``BOILERPLATE_ABOVE`` of the config's words (and ``BOILERPLATE_WORDS``) are in lines the
  generic text does not have and that are not prose (lines under ``PROSE_WORDS`` words: captions,
  "Read More", share menus, headline lists, tags), and those lines outweigh the prose the config adds
  (a body that finds paragraphs trafilatura missed keeps them).

When the generic layer finds nothing, the config's text stands. The thresholds were set on the
development sets (rules/README.md, "Never worse than no rule"); the results hold for 20 to 30 words and
shares of 0.02 to 0.05.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable

from cleaner.document import Block, Document

KEPT_BELOW = 0.5
BOILERPLATE_ABOVE = 0.03
BOILERPLATE_WORDS = 10  # and at least this many words: a caption line alone does not decide
PROSE_WORDS = 25  # a line this long is a paragraph of prose
_WORD = re.compile(r"\w+")


def with_fallback(doc: Document, stages: Callable[[Document], None]) -> None:
    """Run ``stages`` (prune and extract) on ``doc``; when an ftr site config chose its body, also on a copy
    without that config, and keep the copy's result if the config's is worse."""
    configs = {r.name for r in doc.rulesets if r.ftr and not r.everywhere and r.body}
    if not configs or doc.tree is None:
        stages(doc)
        return
    without = dataclasses.replace(
        doc,
        tree=copy.deepcopy(doc.tree),
        rulesets=tuple(r for r in doc.rulesets if r.name not in configs),
        removed=list(doc.removed),
        rule_errors=list(doc.rule_errors),
        blocks=[],
    )
    stages(doc)
    chose_body = any(r.rule.endswith(":body") and r.rule.split(":")[0] in configs for r in doc.removed)
    if not chose_body:
        return
    stages(without)
    if config_is_worse(doc.blocks, without.blocks):
        overridden = ", ".join(sorted(configs))
        for name in ("tree", "blocks", "removed", "extracted_chars", "keep_body_text", "reason"):
            setattr(doc, name, getattr(without, name))
        doc.rule_errors += [e for e in without.rule_errors if e not in doc.rule_errors]
        doc.rule_overridden = overridden


def config_is_worse(config: list[Block], generic: list[Block]) -> bool:
    """Whether the generic text is to be preferred to the site config's (see the module's docstring)."""
    if not generic:
        return False
    if not config:
        return True
    generic_lines = {_key(b.plain) for b in generic}
    generic_words = sum(_words(b.plain) for b in generic)
    config_words = sum(_words(b.plain) for b in config) or 1
    shared = sum(_words(b.plain) for b in config if _key(b.plain) in generic_lines)
    added = [b.plain for b in config if _key(b.plain) not in generic_lines]
    added_prose = sum(words for words in map(_words, added) if words >= PROSE_WORDS)
    added_other = sum(map(_words, added)) - added_prose
    if shared < KEPT_BELOW * generic_words and added_prose < generic_words - shared:
        return True
    return added_other > max(BOILERPLATE_ABOVE * config_words, BOILERPLATE_WORDS) and added_other > added_prose


def _words(line: str) -> int:
    return len(_WORD.findall(line))


def _key(line: str) -> str:
    return " ".join(_WORD.findall(line.lower()))
