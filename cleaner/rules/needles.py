"""Which of many strings a page holds, found in one pass over it.

Resolve looks for the platform markers of the rule sets and graby's fingerprints in the raw HTML, the ftr
find/replace pairs run only where their find string occurs, and graby skips an ftr rule on a page that holds
none of the strings the rule requires (``HtmlRule.needs``). One ``str`` scan per string costs 0.03-0.09 ms
on a 164,000-character page, and global.txt alone asked for eight of them; one Aho-Corasick pass over the
page's UTF-8 bytes answers for all of them in about 0.1 ms, most of it the encoding. The answer for the
last page is kept (per thread), so resolve and graby search a page once between them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick_rs

_last = threading.local()


def strings_in(text: str, strings: Iterable[str], utf8: bytes | None = None) -> frozenset[str]:
    """The members of ``strings`` that occur in ``text``: exactly ``{s for s in strings if s in text}``.
    ``utf8``: ``text`` in UTF-8, when the caller has it (encoding a page is most of the search)."""
    wanted = frozenset(strings)
    memo = getattr(_last, "page", None)
    if memo is not None and memo[0] is text and wanted <= memo[1]:
        return memo[2] & wanted
    found = _search(wanted).present(text, utf8)
    _last.page = (text, wanted, found)
    return found


class _Search:
    """An automaton over a set of strings, built once per set (the rule sets of a site repeat from page to page)."""

    def __init__(self, strings: frozenset[str]) -> None:
        self.always = frozenset(s for s in strings if not s)  # "" is in every text
        self.patterns = sorted(strings - self.always)
        encoded = [s.encode("utf-8", "surrogatepass") for s in self.patterns]
        # leftmost-first is the fast kind (its prefilter skips most of the page); it reports no match that
        # starts inside another one, so a string whose every occurrence may hide in a rival's is checked alone
        self.automaton = (
            ahocorasick_rs.BytesAhoCorasick(encoded, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_FIRST)
            if encoded
            else None
        )
        self.overlaps: dict[tuple[str, str], bool] = {}  # filled as pages ask: most pages find none of the strings

    def present(self, text: str, utf8: bytes | None = None) -> frozenset[str]:
        if self.automaton is None:
            return self.always
        # UTF-8 never matches across a character boundary, so a byte match is a character match
        matches = self.automaton.find_matches_as_indexes(
            text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
        )
        found = {self.patterns[index] for index, _, _ in matches}
        hidden = {s for s in self.patterns if s not in found and self._may_hide(s, found) and s in text}
        return frozenset(found | hidden | self.always)

    def _may_hide(self, string: str, found: set[str]) -> bool:
        for rival in found:
            overlaps = self.overlaps.get((string, rival))
            if overlaps is None:
                overlaps = self.overlaps[string, rival] = _may_overlap(string, rival)
            if overlaps:
                return True
        return False


_search = lru_cache(maxsize=1024)(_Search)


def _may_overlap(string: str, rival: str) -> bool:
    """Whether an occurrence of ``string`` can start inside one of ``rival`` (where leftmost-first, having
    reported the rival, does not look): some suffix of ``rival`` is a prefix of ``string`` or holds it."""
    return any(
        string.startswith(rival[start:]) or rival.startswith(string, start)
        for start in range(len(rival))
        if rival[start] == string[0]
    )
