"""What a rule file becomes once loaded: rule sets and their rules, shared by the TOML and ftr readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from lxml import etree

from cleaner.rules.xpath import Expression

if TYPE_CHECKING:
    from cleaner.rules.literals import ScreenedPattern
    from cleaner.rules.regexes import BoundedPattern

Position = Literal["any", "head", "tail", "ends"]


@dataclass(frozen=True)
class SimpleSelector:
    """A CSS selector of the form ``tag.class#id[attribute=value]`` (each part optional, at least one
    class, id or attribute), or two of them with a space between (``.entry-meta .comments-link``): answered
    from an attribute index built in one pass over the page, instead of an XPath walk of the whole tree per
    rule."""

    tag: str | None
    classes: frozenset[str]
    id: str | None
    attributes: frozenset[tuple[str, str]] = frozenset()
    inside: SimpleSelector | None = None  # what one of the element's ancestors must match


@dataclass(frozen=True)
class HtmlRule:
    """Elements to remove before extraction, with guards against removing the article itself."""

    name: str
    simple: tuple[SimpleSelector, ...]  # the simple parts of ``select``
    xpath: etree.XPath | Expression | None  # the other parts of ``select``, or ``xpath``
    tokens: frozenset[str]  # whole class/id tokens (split on space, '-' and '_')
    max_share: float  # skip an element holding more than this share of the page's text
    min_link_share: float  # only remove elements whose text is at least this share link text
    max_chars: int | None  # only remove elements with at most this many characters of text
    same_text_as_description: bool = False  # only elements whose text is the page's meta description (a dek)
    in_teaser: bool = False  # only elements in a teaser card (in a link, beside a linked heading), two or more
    variables: tuple[tuple[str, str], ...] = ()  # values of the XPath's $variables: never pasted into it
    # ftr rules are applied as graby applies them: every strip, then every strip_id_or_class, then every
    # strip_image_src (phases 1, 2, 3), and they remove the attributes and text nodes they select too. 0: TOML.
    phase: int = 0
    needs: tuple[str, ...] = ()  # ftr: the page's source holds one of these, or the rule cannot match it


@dataclass(frozen=True)
class TextRule:
    """A rule applied to the blocks (lines) of the extracted text."""

    name: str
    action: Literal["drop", "cut", "trim", "repeat"]
    # None for ``repeat``; screened: shipped (rules/literals.py); bounded: from the user (rules/regexes.py)
    regex: ScreenedPattern | BoundedPattern | re.Pattern[str] | None
    folded: bool  # the regex is matched against the lower-cased block (see _compile_pattern)
    position: Position
    within: int | None  # blocks from the head, the tail, or either end
    share: float | None  # or share of the characters from there
    max_chars: int | None  # for ``trim``: of the end of the line it removes
    min_chars: int
    side: Literal["after", "before"]  # for ``cut``: the rest removed with the marker
    until_prose: bool  # for ``cut`` after: stop before the first block that reads as prose
    prose_before: int = 0  # for ``cut``: only a marker with at least this many blocks of prose before it
    only_at_ends: bool = False  # for ``drop`` in a zone: nothing when the pattern also matches outside it


@dataclass(frozen=True)
class RuleTest:
    """A self-test: cleaning ``sample`` must keep ``contains`` and remove ``not_contains``."""

    sample: Path
    url: str | None
    contains: tuple[str, ...]
    not_contains: tuple[str, ...]
    optional: bool = False  # an ftr test_url: without a saved page the case is skipped, not failed


@dataclass(frozen=True)
class Notice:
    """Something in a rule file that was ignored: listed once per run, never fatal."""

    path: Path
    line: int | None
    message: str
    shared: bool = False  # the same message from many files is listed once, with a count
    directive: str = ""  # the ftr directive the line holds, to group notices by
    actionable: bool = True  # False for a known directive that merely has no effect here

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclass(frozen=True)
class RuleSet:
    name: str
    path: Path
    description: str
    always: bool  # generic: applies to every document, also with site rules off
    domains: tuple[str, ...]  # the site and every subdomain of it
    generators: tuple[str, ...]  # lower-case substrings of <meta name="generator">
    html_markers: tuple[str, ...]  # substrings of the raw HTML
    text_markers: tuple[str, ...]  # substrings of a text dump
    html_rules: tuple[HtmlRule, ...]
    text_rules: tuple[TextRule, ...]
    tests: tuple[RuleTest, ...]
    digest: str  # changes whenever anything that affects output changes
    host: str | None = None  # ftr: "example.com" is that host (www. ignored), ".example.com" a host one label below
    everywhere: bool = False  # ftr global.txt: every document, when site rules are on
    body: tuple[etree.XPath | Expression, ...] = ()  # the article; the first expression that matches wins
    prune_body: bool = True  # False (ftr prune: no): the body's text is kept as it is, not filtered by trafilatura
    title: tuple[etree.XPath | Expression, ...] = ()  # the first expression with a non-empty string value wins
    author: tuple[etree.XPath | Expression, ...] = ()
    date: tuple[etree.XPath | Expression, ...] = ()
    replacements: tuple[tuple[str, str], ...] = ()  # (find, replace) in the raw HTML, before parsing
    notices: tuple[Notice, ...] = ()
    ftr: bool = False  # an ftr site config: applied with graby's order and semantics (rules/README.md)
    autodetect: bool = True  # ftr autodetect_on_failure: when off, global.txt and fingerprint files do not apply
    headers: tuple[tuple[str, str], ...] = ()  # ftr http_header(name): sent when fetching this site's pages
    single_page_link: tuple[etree.XPath | Expression, ...] = ()  # ftr: the link to the whole article on one page
    next_page_link: tuple[etree.XPath | Expression, ...] = ()  # ftr: the link to the article's next page

    @property
    def kind(self) -> str:
        if self.always:
            return "generic"
        if self.domains or self.host:
            return "site"
        return "global" if self.everywhere else "platform"

    def qualified(self, rule_name: str) -> str:
        return f"{self.name}:{rule_name}"

    @property
    def shown_path(self) -> str:
        """The rule file as a person finds it: relative to the working folder when inside it."""
        try:
            return str(self.path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)
