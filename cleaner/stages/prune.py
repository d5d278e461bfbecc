"""Stage 4: HTML rules, applied to the parsed page before the extractor sees it.

A rule removes elements chosen by a CSS selector, an XPath or whole class/id tokens. Guards keep a
broad rule from taking the article with it: an element that holds more than ``max_share`` of the
page's text is the article, not boilerplate, and is kept. A rule set may also name the article
``body``; everything outside it is dropped. The most specific rule set with a body decides, and among its
expressions the first that matches; if none does, the next rule set's body is tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial

from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import Document, Removal
from cleaner.rules import HtmlRule, RuleSet, SimpleSelector
from cleaner.stages.graby import apply_site_configs, attached, guarded

# Code, never text: dropped before anything else, so that the text of what is removed reads as text.
_INVISIBLE_TAGS = ("noscript", "script", "style")
# trafilatura deletes these with everything in them, except where it handles them specially.
_CLEANED_SPECIALLY = frozenset({"head", "form", "figure", "math", "table", "td", "th", "tr"})
_LINK_TEXT = etree.XPath(".//a")
_WORD_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_KEEP_TAGS = frozenset({"html", "head", "body"})
_SEEN_LIMIT = 20_000  # attribute values remembered per rule combination: a few MB, about 50 pages of new values


def prune(doc: Document) -> None:
    """Apply the HTML rules of ``doc.rulesets`` to ``doc.tree``, recording each removal."""
    tree = doc.tree
    if tree is None:
        return
    _drop_tags(tree, _INVISIBLE_TAGS)
    apply_site_configs(doc, lambda rules: partial(_AttributeIndex(tree, rules).candidates, tree))  # graby's order
    rules = [(ruleset, rule) for ruleset in doc.rulesets if not ruleset.ftr for rule in ruleset.html_rules]
    # an ftr body is chosen after every removal, the TOML rules' too, as graby chooses it after its strips
    ftr_body = any(ruleset.ftr and ruleset.body for ruleset in doc.rulesets)
    if ftr_body:
        _apply_rules(doc, rules)
    _keep_body_only(doc)
    if not doc.keep_body_text:  # a body kept as it stands keeps its asides and forms too
        _drop_tags(tree, unextracted_tags())
    if not ftr_body:
        _apply_rules(doc, rules)


def _apply_rules(doc: Document, rules: list[tuple[RuleSet, HtmlRule]]) -> None:
    """Remove what the TOML rules select, within their guards."""
    tree = doc.tree
    if not rules or tree is None:
        return
    page_chars = text_length(tree) or 1
    index = _AttributeIndex(tree, [rule for _, rule in rules])
    descriptions = _descriptions(tree) if any(rule.same_text_as_description for _, rule in rules) else frozenset()
    removed = False  # until a rule removes something, every element chosen is in the page
    for ruleset, rule in rules:
        chosen = _outermost(index.candidates(tree, rule))
        if rule.in_teaser:
            chosen = [element for element in chosen if _in_teaser_card(element, set(chosen))]
            if len(chosen) < 2:
                continue  # one is the article's own summary: a reader counts it as the article's text
        for element in chosen:
            if removed and not attached(element, tree):
                continue  # inside something an earlier rule removed
            chars = text_length(element)
            if not _passes_guards(element, rule, chars, page_chars):
                continue
            if rule.same_text_as_description and _normalised(visible_text(element)) not in descriptions:
                continue
            text = visible_text(element)
            if text:
                doc.removed.append(Removal(ruleset.qualified(rule.name), "html", text))
            element.drop_tree()
            removed = True


@cache
def unextracted_tags() -> frozenset[str]:
    """Tags trafilatura deletes whole from its copy of the page (scripts, navigation, footers, forms'
    fields...). Dropping them first gives it the same page with less to copy and walk (13 % faster on
    the development set, same text on 187 pages of 188), and measures text shares on what can be text."""
    from trafilatura.settings import MANUALLY_CLEANED  # its own list, so a new version stays in step

    return frozenset(MANUALLY_CLEANED) - _CLEANED_SPECIALLY


def _drop_tags(tree: HtmlElement, tags: Iterable[str]) -> None:
    """Drop every element of one of ``tags`` with what it holds, keeping the text that follows it, in one walk in C
    (an XPath union walks the tree once per tag, 47 walks for trafilatura's list; ``drop_tree`` on each element
    found, in Python, cost about 0.3 ms a page more on the development pages)."""
    etree.strip_elements(tree, *tags, with_tail=False)


def text_length(element: HtmlElement) -> int:
    """Characters of visible text, whitespace not counted (``str.split`` and ``re``'s ``\\s`` take the same
    characters as whitespace; splitting is five times faster than deleting them with a regex)."""
    return sum(map(len, element.text_content().split()))


def visible_text(element: HtmlElement) -> str:
    """The element's text on one line, with a space wherever two text nodes meet."""
    return " ".join(" ".join(element.itertext()).split())


def _tokens_of(names: str) -> frozenset[str]:
    tokens: set[str] = set()
    for name in names.split():
        tokens.add(name.lower())
        tokens.update(part.lower() for part in _WORD_PARTS.findall(name))
    return frozenset(tokens)


def _descriptions(tree: HtmlElement) -> frozenset[str]:
    found = tree.xpath(
        "//meta[@name='description' or @property='og:description' or @name='twitter:description']/@content"
    )
    return frozenset(key for key in map(_normalised, found) if key)


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .")


def _keep_body_only(doc: Document) -> None:
    body = doc.tree.find("body") if doc.tree is not None else None
    if body is None:
        return
    found = _chosen_body(doc)
    if found is None:
        return
    ruleset, matches = found
    doc.keep_body_text = not ruleset.prune_body
    if any(element is body or element is doc.tree for element in matches):
        return  # the whole page is the body
    for element in matches:
        element.getparent().remove(element)
        element.tail = None
    outside = visible_text(body)
    if outside:
        doc.removed.append(Removal(ruleset.qualified("body"), "html", outside))
    body.clear()
    body.extend(matches)


def _chosen_body(doc: Document) -> tuple[RuleSet, list[HtmlElement]] | None:
    """The most specific rule set whose body expressions match, with what the first matching one selects."""
    for ruleset in reversed(doc.rulesets):
        for number, xpath in enumerate(ruleset.body):
            matches = list(_outermost(_elements(guarded(doc, ruleset, f"body[{number}]", xpath))))
            if matches:
                return ruleset, matches
    return None


class _AttributeIndex:
    """What the token rules and simple selectors of all rules ask of one page, found in one pass over the
    values of the attributes they look at (not over the elements: only matching elements are fetched)."""

    def __init__(self, tree: HtmlElement, rules: list[HtmlRule]) -> None:
        wanted = _wanted_by(rules)
        hits_of: dict[HtmlElement, frozenset[str]] = {}
        self.found: dict[tuple[str, str], list[HtmlElement]] = {}  # (attribute, class name or value) -> elements
        self.tokens: list[tuple[HtmlElement, frozenset[str]]] = []  # elements with tokens rules look for, in order
        self.where: dict[str, list[int]] = {}  # token -> the positions in ``tokens`` of the elements that have it
        if wanted.scan is None:
            return
        seen = wanted.seen
        for value in wanted.scan(tree):
            name = value.attrname
            hits, keys = seen.get((name, value)) or wanted.remember(name, value)
            if not (hits or keys):
                continue  # what most attribute values come to
            element = value.getparent()
            if hits:
                hits_of[element] = hits_of.get(element, frozenset()) | hits
            for key in keys:
                self.found.setdefault(key, []).append(element)
        self.tokens = list(hits_of.items())
        for position, (_, hits) in enumerate(self.tokens):
            for token in hits:
                self.where.setdefault(token, []).append(position)

    def candidates(self, tree: HtmlElement, rule: HtmlRule) -> list[HtmlElement]:
        """Elements the rule selects: by tokens, by simple selectors, then by XPath; each in document order."""
        found: list[HtmlElement] = []
        seen: set[HtmlElement] = set()

        def add(elements: Iterable[HtmlElement]) -> None:
            for element in elements:
                if element not in seen:
                    seen.add(element)
                    found.append(element)

        if rule.tokens:  # from the few tokens the page has (testing each element against each rule cost more)
            shared = rule.tokens.intersection(self.where)  # a walk over the page's tokens, not over the rule's
            positions = {position for token in shared for position in self.where[token]}
            add(self.tokens[position][0] for position in sorted(positions))
        for selector in rule.simple:
            add(self._simple(selector))
        if rule.xpath is not None:
            add(_elements(rule.xpath(tree, **dict(rule.variables))))
        return found

    def _simple(self, selector: SimpleSelector) -> list[HtmlElement]:
        return [element for element in self.found.get(_index_key(selector), []) if _selected(element, selector)]


_wanted_memo: dict[tuple[int, ...], tuple[list[HtmlRule], _Wanted]] = {}


def _wanted_by(rules: list[HtmlRule]) -> _Wanted:
    """What ``rules`` look for, found by the rules' identities (a run's pages share a few rule combinations, and
    gathering 40 rules' tokens into one set took 0.02 ms a page); the rules are kept with it, so no identity is
    reused while it is remembered."""
    key = tuple(map(id, rules))
    memo = _wanted_memo.get(key)
    if memo is None:
        if len(_wanted_memo) >= 32:
            _wanted_memo.clear()
        vocabulary = frozenset().union(*(rule.tokens for rule in rules))
        selectors = tuple(s for rule in rules for s in rule.simple)
        memo = _wanted_memo[key] = (rules, _Wanted.of(vocabulary, selectors))
    return memo[1]


@dataclass(frozen=True)
class _Wanted:
    """What to look for in a page's attributes, for one combination of rules (cached: rule sets repeat)."""

    scan: etree.XPath | None  # the attribute values to read
    vocabulary: frozenset[str]  # class/id tokens of token rules
    keys: frozenset[tuple[str, str]]  # (attribute, class name or value) that simple selectors index by
    seen: dict[tuple[str, str], tuple[frozenset[str], tuple]] = field(default_factory=dict, compare=False)

    @staticmethod
    @lru_cache(maxsize=32)
    def of(vocabulary: frozenset[str], selectors: tuple[SimpleSelector, ...]) -> _Wanted:
        keys = frozenset(_index_key(s) for s in selectors)
        names = sorted({"class", "id"} | {name for name, _ in keys})
        scan = etree.XPath(" | ".join(f"//@{name}" for name in names)) if vocabulary or keys else None
        return _Wanted(scan, vocabulary, keys)

    def remember(self, name: str, value: str) -> tuple[frozenset[str], tuple]:
        """The tokens and index keys one attribute value carries, remembered (pages of a site, and elements of a
        page, repeat the same values) as a plain string: lxml's result strings hold their element, hence the
        whole page. At most ``_SEEN_LIMIT`` values are kept; past it, the memory starts afresh."""
        if len(self.seen) >= _SEEN_LIMIT:
            self.seen.clear()
        value = str(value)
        if name in ("class", "id"):
            hits = _tokens_of(value) & self.vocabulary if self.vocabulary else frozenset()
            keys = tuple((name, part) for part in value.split() if (name, part) in self.keys)
        else:
            hits, keys = frozenset(), ((name, value),) if (name, value) in self.keys else ()
        self.seen[(name, value)] = (hits, keys)
        return hits, keys


def _index_key(selector: SimpleSelector) -> tuple[str, str]:
    """The most telling part of a simple selector: its id, else a class, else an attribute."""
    if selector.id is not None:
        return ("id", selector.id)
    if selector.classes:
        return ("class", min(selector.classes))
    return min(selector.attributes)


def _selected(element: HtmlElement, selector: SimpleSelector) -> bool:
    return (
        (selector.tag is None or element.tag == selector.tag)
        and (selector.id is None or element.get("id") == selector.id)
        and selector.classes.issubset(element.get("class", "").split())
        and all(element.get(name) == value for name, value in selector.attributes)
        and (selector.inside is None or any(_selected(a, selector.inside) for a in element.iterancestors()))
    )


def _elements(found: object) -> list[HtmlElement]:
    """The elements in an XPath result (which may also hold attributes, strings or be a number)."""
    return [e for e in found if isinstance(e, HtmlElement)] if isinstance(found, list) else []


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements that are not inside another one of them, in document order."""
    if len(elements) < 2:
        return elements  # what most rules choose: no ancestors to read
    chosen = {id(e) for e in elements}
    return [element for element in elements if not any(id(a) in chosen for a in element.iterancestors())]


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TEASER_LINK_CHARS = 15  # a linked headline beside the element, not an icon or a "more" link


def _in_teaser_card(element: HtmlElement, decks: set[HtmlElement]) -> bool:
    """Inside a link, or beside a linked headline (a heading that is mostly a link, or a link holding a title
    and a picture) that is not one of the other ``decks``: the deck of a card that leads to another page."""
    if any(ancestor.tag == "a" for ancestor in element.iterancestors()):
        return True
    parent = element.getparent()
    for sibling in parent if parent is not None else ():
        if sibling in decks or not (sibling.tag in _HEADINGS or (sibling.tag == "a" and len(sibling))):
            continue
        link_chars = sum(text_length(link) for link in sibling.iter("a") if link.get("href"))
        if link_chars >= _TEASER_LINK_CHARS and 2 * link_chars >= text_length(sibling):
            return True
    return False


def _passes_guards(element: HtmlElement, rule: HtmlRule, chars: int, page_chars: int) -> bool:
    if element.tag in _KEEP_TAGS or chars > rule.max_share * page_chars:
        return False
    if rule.max_chars is not None and chars > rule.max_chars:
        return False
    if rule.min_link_share > 0:
        link_chars = sum(text_length(a) for a in _LINK_TEXT(element))
        return chars > 0 and link_chars >= rule.min_link_share * chars
    return True
