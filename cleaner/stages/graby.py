"""ftr site configs applied as graby (wallabag's extractor) applies them, before the body is chosen.

graby's order, kept here: the nodes the ``title``, ``author`` and ``date`` expressions select are removed
(the page's headline, byline and dateline are not article text); then every ``strip`` of the merged
configs (the site's, a fingerprint's, then global.txt's), every ``strip_id_or_class``, every
``strip_image_src``; then elements hidden by an inline ``display:none`` or ``visibility:hidden``. Only
then does ``prune`` choose the body. A ``strip`` removes whatever it selects: elements, attributes
(``strip_attr: //img/@srcset``) and text nodes. An expression that fails on a page is skipped and
reported (``Document.rule_errors``); the page goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import Document, Removal
from cleaner.rules import HtmlRule, RuleSet
from cleaner.rules.needles import strings_in
from cleaner.rules.xpath import evaluate

_HIDDEN = etree.XPath("//*[contains(@style, 'display:none') or contains(@style, 'visibility:hidden')]")
_SPACES = re.compile(r"\s+")
_ATTRIBUTE_VALUE = re.compile(r"^[^|]*/@[\w:.-]+\s*$")  # one path ending in an attribute
_KEEP_TAGS = frozenset({"html", "head", "body"})
# graby removes what title, author and date select whatever its size; a node holding this much text is
# the article (a broad expression such as //article), not its headline or byline, and is kept.
METADATA_MAX_CHARS = 300


def ftr_sets(doc: Document) -> list[RuleSet]:
    """The ftr rule sets of ``doc`` in graby's merge order: the site's, a fingerprint's, then global.txt."""
    return sorted((r for r in reversed(doc.rulesets) if r.ftr), key=lambda r: r.everywhere)


def apply_site_configs(
    doc: Document, index: Callable[[list[HtmlRule]], Callable[[HtmlRule], list[HtmlElement]]]
) -> None:
    """Everything graby does to the page before it chooses the body (see the module's docstring).
    ``index(rules)`` gives the function that finds a rule's elements through an attribute index of the page."""
    sets = ftr_sets(doc)
    if not sets or doc.tree is None:
        return
    drop_metadata_nodes(doc, sets)
    # a rule whose strings the page's source (the one parsed) lacks cannot match: skipped without walking the tree
    present = strings_in(doc.rewritten_html or doc.content, (s for ruleset in sets for s in strings_needed(ruleset)))
    live = [
        (ruleset, rule)
        for phase in (1, 2, 3)
        for ruleset in sets
        for rule in ruleset.html_rules
        if rule.phase == phase and (not rule.needs or any(s in present for s in rule.needs))
    ]
    tokens = [rule for _, rule in live if rule.xpath is None]
    candidates = index(tokens) if tokens else None
    for ruleset, rule in live:
        if rule.xpath is None and candidates is not None:  # whole tokens: answered by the index
            nodes: list = candidates(rule)
        else:
            found = guarded(doc, ruleset, rule.name, rule.xpath, **dict(rule.variables))
            nodes = found if isinstance(found, list) else []
        for node in nodes:
            _remove(doc, ruleset.qualified(rule.name), node)
    if any(not r.everywhere for r in sets):  # a site's own config: global.txt alone keeps the page as it is
        for element in _HIDDEN(doc.tree):
            _remove(doc, "ftr:hidden", element)


def strings_needed(ruleset: RuleSet) -> Iterator[str]:
    """The strings whose presence in the page decides which of the rule set's HTML rules may match."""
    return (s for rule in ruleset.html_rules for s in rule.needs)


def drop_metadata_nodes(doc: Document, sets: list[RuleSet]) -> None:
    """Remove the first node the first matching ``title`` and ``date`` expressions select, and every node
    of the first matching ``author`` expression, as graby does."""
    for field in ("title", "author", "date"):
        for ruleset in sets:
            nodes = _first_match(doc, ruleset, field)
            if nodes is None:
                continue
            for node in nodes if field == "author" else nodes[:1]:
                if _removable_metadata(node):
                    _remove(doc, ruleset.qualified(field), node)
            break


def _removable_metadata(node: object) -> bool:
    """An element of the page's body holding no more text than a headline or byline: <title> and the rest
    of <head> are never text, and the extractor reads the headline there to take it off the text."""
    if not isinstance(node, HtmlElement) or any(a.tag == "head" for a in node.iterancestors()):
        return False
    return len(_SPACES.sub("", node.text_content())) <= METADATA_MAX_CHARS


def _first_match(doc: Document, ruleset: RuleSet, field: str) -> list | None:
    for number, xpath in enumerate(getattr(ruleset, field)):
        if _ATTRIBUTE_VALUE.search(xpath.path):
            return None  # //meta[@property='og:title']/@content: a value to read, nothing to remove
        found = guarded(doc, ruleset, f"{field}[{number}]", xpath)
        if isinstance(found, list) and any(_value(node) for node in found):
            return found
        if isinstance(found, str) and found.strip():
            return []  # a string value: nothing to remove
    return None


def guarded(doc: Document, ruleset: RuleSet, rule: str, xpath: etree.XPath, **variables: str) -> object:
    """``xpath`` on the page; [] when it fails, the failure reported once for the rule."""
    found, why = evaluate(xpath, doc.tree, **variables)
    if why is not None:
        message = f"{ruleset.qualified(rule)}: XPath failed on this page ({why}); skipped"
        if message not in doc.rule_errors:
            doc.rule_errors.append(message)
    return found


def _remove(doc: Document, rule: str, node: object) -> None:
    """Take ``node`` out of the page: an element (its tail stays), an attribute or a text node."""
    if isinstance(node, HtmlElement):
        if node.tag in _KEEP_TAGS or node.getparent() is None or not attached(node, doc.tree):
            return
        text = _SPACES.sub(" ", " ".join(node.itertext())).strip()
        node.drop_tree()
    elif isinstance(node, etree._ElementUnicodeResult) and node.getparent() is not None:
        parent = node.getparent()
        if node.is_attribute:
            parent.attrib.pop(node.attrname, None)
            return
        text = " ".join(str(node).split())
        if node.is_tail:
            parent.tail = None
        else:
            parent.text = None
    else:
        return  # a number, a boolean or a computed string: nothing in the page to remove
    if text:
        doc.removed.append(Removal(rule, "html", text))


def _value(node: object) -> str:
    text = node.text_content() if isinstance(node, HtmlElement) else str(node)
    return text.strip()


def attached(element: HtmlElement, root: HtmlElement | None) -> bool:
    # A removed element still reports its old document through getroottree(); its ancestors tell the truth.
    ancestors = list(element.iterancestors())
    return (ancestors[-1] if ancestors else element) is root
