"""Shipped text patterns, compiled on first use and screened by the literals every match contains.

A rule pattern is mostly a long alternation of phrases behind a look-behind (``(?<!\\w)(?:jetzt abonnieren|
unterstützen sie …)``): Python's ``re`` tries every phrase at every position of a line, so it costs as much on
the lines it does not match (nearly all of them) as on those it does. The strings one of which any match must
contain are read from the pattern's parse tree; a line holding none of them cannot match, and is passed over
with a few substring tests. Compiling waits for the first line that passes: a run that never needs a pattern
never compiles it (compiling all the shipped ones took about 0.1 s of each process's start-up).

Case-insensitive parts are tested on the line lower-cased and with the letters ``re`` also takes as the same
letter in any case (``ı`` for ``i``, ``ſ`` for ``s``…) made one, so the screen never turns away a line the
pattern would match.
"""

from __future__ import annotations

import bisect
import itertools
import re
import re._casefix as sre_casefix
import re._compiler as sre_compile
import re._constants as sre
import re._parser as sre_parse
from typing import Any

import ahocorasick_rs

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_COMBINING_DOT = "\u0307"  # what "İ".lower() adds after the "i"


def _folding() -> dict[int, int | None]:
    table: dict[int, int | None] = {ord(_COMBINING_DOT): None}
    for char, others in sre_casefix._EXTRA_CASES.items():
        table[char] = min(char, *others)
    return table


_FOLD = _folding()
# the characters folding changes, all outside ASCII: a line that holds none is its own folded form (translating
# with a table of code points costs tens of nanoseconds a character; this search a few)
_CHANGED_BY_FOLDING = re.compile("[" + "".join(re.escape(chr(c)) for c, to in _FOLD.items() if to != c) + "]")

Literal = tuple[bool, str]


def _folded(text: str) -> str:
    lowered = text.lower()
    if lowered.isascii() or _CHANGED_BY_FOLDING.search(lowered) is None:
        return lowered
    return lowered.translate(_FOLD)  # (tested on the folded line, the string)


class ScreenedPattern:
    """A pattern like ``re.compile(pattern, flags)``, compiled on first use, with ``may_match``: which of some texts
    may hold a match."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        self._parsed: Any = None
        self._screens: tuple[_Literals | None, _Literals | None] | None = None  # exact, folded

    def __reduce__(self) -> tuple[type, tuple[str, int]]:
        return ScreenedPattern, (self.pattern, self.flags)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            parsed, self._parsed = self._parsed, None
            # from the parse tree the screen was read from, as re.compile would (parsing is most of compiling)
            self._compiled = (
                sre_compile.compile(parsed, self.flags) if parsed is not None else re.compile(self.pattern, self.flags)
            )
        return self._compiled

    def may_match(self, texts: list[str]) -> list[int]:
        """The indexes of the ``texts`` that hold one of the literals every match contains (all of them when the
        pattern has none to tell): the pattern cannot match the others."""
        if self._screens is None:
            self._screens = self._read_screens()
        exact, folded = self._screens
        if exact is None and folded is None:
            return list(range(len(texts)))
        found = exact.holding(texts) if exact is not None else set()
        if folded is not None:
            found |= folded.holding([_folded(text) for text in texts])
        return sorted(found)

    def _read_screens(self) -> tuple[_Literals | None, _Literals | None]:
        parsed = sre_parse.parse(self.pattern, self.flags)
        if self._compiled is None:
            self._parsed = parsed  # compiled from, when a text passes
        found = required_literals(list(parsed), bool(parsed.state.flags & re.IGNORECASE)) or frozenset()
        # a pattern anchored at the start of the line costs little to run: a screen would cost more
        if (parsed and parsed[0] == (sre.AT, sre.AT_BEGINNING)) or any("\n" in text for _, text in found):
            return None, None
        # without the spaces around them (a line has a space at every other word: each one would start a try)
        exact = [text.strip() or text for folded, text in found if not folded]
        folded = [text.strip() or text for folded, text in found if folded]
        return (_Literals(exact) if exact else None), (_Literals(folded) if folded else None)


class _Literals:
    """Which texts hold one of some literals: by substring tests for a pattern's first ``AUTOMATON_AFTER`` uses (a
    run of one file pays nothing to build), then by one Aho-Corasick pass over all the texts (a fifth of what a regex
    trie of the literals cost)."""

    AUTOMATON_AFTER = 8

    def __init__(self, literals: list[str]) -> None:
        self.literals = sorted(set(literals))
        self.uses = 0
        self.automaton: ahocorasick_rs.AhoCorasick | None = None

    def holding(self, texts: list[str]) -> set[int]:
        """The indexes of the ``texts`` that hold a literal. No literal holds a line break: joined by one, each
        match lies in one text, and each text that holds a literal holds a match the search reports (a match
        it passes over starts inside a reported one, hence in the same text)."""
        joined = "\n".join(texts)
        if self.automaton is None:
            self.uses += 1
            if self.uses > self.AUTOMATON_AFTER:
                # a DFA: three times faster than the default automaton on a page's lines, all of them about 6 MB
                self.automaton = ahocorasick_rs.AhoCorasick(
                    self.literals,
                    matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_FIRST,
                    implementation=ahocorasick_rs.Implementation.DFA,
                )
            else:
                found = [literal for literal in self.literals if literal in joined]
                return {i for i, text in enumerate(texts) if found and any(literal in text for literal in found)}
        matches = self.automaton.find_matches_as_indexes(joined)
        if not matches:
            return set()  # what most rules find on most pages
        starts = list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))
        return {bisect.bisect_right(starts, start) - 1 for _, start, _ in matches}


def required_literals(items: list[tuple[Any, Any]], ignore_case: bool) -> frozenset[Literal] | None:
    """Strings one of which every match of the parsed ``items`` contains; None when there are none to tell.

    Of the parts of a sequence, the one whose shortest string is longest (then the one with fewest strings);
    an alternation needs one of its branches' strings; a repetition its body's if it repeats at least once.
    Look-arounds, anchors and character sets tell nothing (and break a run of letters)."""
    best: frozenset[Literal] | None = None
    run: list[str] = []

    def consider(found: frozenset[Literal] | None) -> None:
        nonlocal best
        if found and (best is None or _strength(found) > _strength(best)):
            best = found

    def close_run() -> None:
        if run:
            consider(frozenset({(ignore_case, "".join(run))}))
            run.clear()

    for op, value in items:
        if op is sre.LITERAL:
            char = chr(value)
            if ignore_case:
                lower = char.lower()
                if len(lower) != 1 or lower == _COMBINING_DOT:
                    close_run()
                    continue
                char = lower.translate(_FOLD)
            run.append(char)
            continue
        close_run()
        if op is sre.SUBPATTERN:
            _, added, removed, body = value
            consider(required_literals(list(body), (ignore_case or bool(added & re.I)) and not removed & re.I))
        elif op is sre.BRANCH:
            branches = [required_literals(list(branch), ignore_case) for branch in value[1]]
            if all(branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in _REPEATS and value[0] >= 1:
            consider(required_literals(list(value[2]), ignore_case))
        elif op is sre.ATOMIC_GROUP:
            consider(required_literals(list(value), ignore_case))
    close_run()
    return best


def _strength(found: frozenset[Literal]) -> tuple[int, int]:
    return min(len(text) for _, text in found), -len(found)
