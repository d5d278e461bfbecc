"""Rule regexes that cannot hang a run: a load-time check for catastrophic backtracking, and a run-time bound
on every thread.

The shipped rules are matched with Python's ``re``: their patterns are probed by the test suite, and ``re``
is the fastest engine for them (measured in the README's Limits section). A pattern from a rule file the
user brings, or one that expands the user's phrase lists, is checked when it is loaded, then matched on
the ``regex`` engine (already installed with trafilatura's date parser), for two reasons measured there:
it gets out of most nested-quantifier traps that ``re`` backtracks exponentially on, and its ``timeout=``
works on any thread, where the budget's timer signal reaches only the main one. Each search gets the time
left in its document's budget (``stages.budget.remaining``); running past it fails that document, naming
the rule.

The check runs the pattern on lines built from its own parts, the way such traps are sprung: for each
repetition, what comes before it, then its body repeated to about ``PROBE_CHARS`` characters, then a
character that makes the match fail (also after what follows the repetition, since an engine may first look for
a literal the match needs). A pattern that cannot search one of those lines in ``PROBE_SECONDS``
would not get through a long line of a real page either: it is refused, with its file and rule.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parse tree of a pattern: the parts the probe lines are built from
import re._parser as sre_parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleaner.errors import RuleError
from cleaner.stages.budget import OverBudget, remaining, time_limit

if TYPE_CHECKING:  # loaded by the first pattern compiled: a no-op re-run compiles none
    import regex

PROBE_CHARS = 1_000  # a long line of a page; a pattern this slow on it would take minutes on a 20 KB line
PROBE_SECONDS = 1.0  # the slowest line of a shipped pattern on regex takes 19 ms: room for a loaded machine
_MAX_PROBES = 64  # per pattern: a pattern with phrase lists has hundreds of repetitions
_ENDINGS = ("!", "\x00")  # one of them fails the match after the repeated part, which makes it backtrack
_CANDIDATES = "a1 A!.-_\n\u00e9"  # a character for a set: the first one it holds
_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda char: not char.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda char: not char.isspace(),
    sre.CATEGORY_WORD: lambda char: char.isalnum() or char == "_",
    sre.CATEGORY_NOT_WORD: lambda char: not (char.isalnum() or char == "_"),
}
# regex's fuzzy-matching constraints ({e}, {i<=1}, {1<=e<=3,s}): to re, literal text
_FUZZY = re.compile(r"(?<!\\)\{[^{}]*(?<![A-Za-z])[eisd](?![A-Za-z])[^{}]*\}")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


@dataclass(frozen=True)
class BoundedPattern:
    """A rule regex on the ``regex`` engine, each search bounded by the time left in the document's budget."""

    compiled: regex.Pattern[str]
    where: str  # the rule file and the key of the pattern

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    def search(self, text: str) -> Any:
        try:
            return self.compiled.search(text, timeout=remaining())
        except TimeoutError:
            raise OverBudget(
                self.where, f"this regex ran past the time budget on a line of {len(text):,} characters; left out"
            ) from None


def bounded(expanded: str, flags: int, where: str) -> BoundedPattern:
    """``expanded`` (already compiled by ``re``: same syntax, same messages) on the ``regex`` engine, checked."""
    import regex

    if _FUZZY.search(expanded):
        raise RuleError(
            where, "write a literal { as \\{: the regex engine user rules run on reads {e}, {e<=1}... as fuzzy matching"
        )
    try:
        compiled = regex.compile(expanded, flags | regex.VERSION0)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:  # what re accepts and regex does not
        raise RuleError(where, f"invalid regex for the regex engine user rules run on: {exc}") from None
    slow = slow_line(expanded, flags, lambda line: compiled.search(line, timeout=PROBE_SECONDS))
    if slow is not None:
        shown = slow if len(slow) < 60 else f"{slow[:40]}…{slow[-12:]}"
        raise RuleError(
            where,
            f"backtracks catastrophically: searching {shown!r} ({len(slow):,} characters) takes over "
            f"{PROBE_SECONDS:g} s (nested or overlapping repetitions such as (a+)+ or (a|aa)*; rules/README.md)",
        )
    return BoundedPattern(compiled, where)


def slow_line(pattern: str, flags: int, search: Callable[[str], object]) -> str | None:
    """The first probe line ``search`` takes over ``PROBE_SECONDS`` on (raising TimeoutError, or stopped by
    a timer on the main thread), or None."""
    for line in probe_lines(pattern, flags):
        try:
            with time_limit(PROBE_SECONDS, TimeoutError):
                search(line)
        except TimeoutError:
            return line
    return None


def probe_lines(pattern: str, flags: int = 0) -> list[str]:
    """Lines that make a backtracking engine try every way the pattern's repetitions can split them."""
    try:
        tree = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError):
        return []
    lines: dict[str, None] = {}
    for before, unit, after in _pumps(list(tree), "", ""):
        repeated = before + unit * max(1, PROBE_CHARS // len(unit))
        for ending in _ENDINGS:
            lines.setdefault(repeated + ending)
        lines.setdefault(repeated + after + _ENDINGS[0])  # past an engine's check for a literal the match needs
        if len(lines) >= _MAX_PROBES:
            break
    return list(lines)[:_MAX_PROBES]


def _pumps(items: Sequence[tuple[Any, Any]], prefix: str, suffix: str) -> Iterator[tuple[str, str, str]]:
    """``(what leads to it, a unit its body matches, what may follow)`` for each repetition, outermost first."""
    for index, (op, value) in enumerate(items):
        before = prefix + _sample(items[:index], full=False)
        after = _sample(items[index + 1 :], full=False) + suffix
        if op in _REPEATS:
            _, high, body = value
            if high > 1:
                for full in (False, True):  # (\w+\s?)+ is sprung by "a", (\s*\w)+ needs its optional part
                    unit = _sample(body, full=full)
                    if unit:
                        yield before, unit, after
            yield from _pumps(body, before, after)
        elif op is sre.BRANCH:
            for branch in value[1]:
                yield from _pumps(branch, before, after)
        elif op is sre.SUBPATTERN:
            yield from _pumps(value[3], before, after)
        elif op is sre.ATOMIC_GROUP:
            yield from _pumps(value, before, after)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from _pumps(value[1], before, after)


def _sample(items: Sequence[tuple[Any, Any]], *, full: bool) -> str:
    """A short string ``items`` match: each repetition as few times as it may (``full``: at least once)."""
    parts = []
    for op, value in items:
        if op is sre.LITERAL:
            parts.append(chr(value))
        elif op is sre.NOT_LITERAL:
            parts.append("b" if value == ord("a") else "a")
        elif op is sre.ANY:
            parts.append("a")
        elif op is sre.IN:
            parts.append(next((char for char in _CANDIDATES if _in_set(char, value)), ""))
        elif op is sre.BRANCH:
            parts.append(_sample(value[1][0], full=full))
        elif op is sre.SUBPATTERN:
            parts.append(_sample(value[3], full=full))
        elif op is sre.ATOMIC_GROUP:
            parts.append(_sample(value, full=full))
        elif op in _REPEATS:
            low, high, body = value
            parts.append(_sample(body, full=full) * min(max(low, int(full)), high))
    return "".join(parts)


def _in_set(char: str, items: Sequence[tuple[Any, Any]]) -> bool:
    negated, found = False, False
    for op, value in items:
        if op is sre.NEGATE:
            negated = True
        elif op is sre.LITERAL:
            found |= ord(char) == value
        elif op is sre.RANGE:
            found |= value[0] <= ord(char) <= value[1]
        elif op is sre.CATEGORY:
            found |= _CATEGORIES.get(value, lambda _: False)(char)
    return found != negated
