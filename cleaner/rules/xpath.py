"""Checking an XPath when its rule file is loaded, not on the first page that reaches it.

lxml compiles ``lower-case(.)``, ``$name`` or ``contains(@class)`` without complaint and fails only when
a page makes it evaluate them; in a batch that is every page, each failing with a message that names
neither the rule nor the file. So a rule's XPath is checked here: no variables (a rule file cannot give
them values), no function beyond XPath 1.0, and one evaluation on a probe tree that holds every element
and attribute the expression names, so that each step and predicate runs once (wrong arity included).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

XPATH_FUNCTIONS = frozenset(
    {
        *("last", "position", "count", "id", "local-name", "namespace-uri", "name", "lang"),
        *("string", "concat", "starts-with", "contains", "substring-before", "substring-after", "substring"),
        *("string-length", "normalize-space", "translate", "boolean", "not", "true", "false"),
        *("number", "sum", "floor", "ceiling", "round"),
        *("node", "text", "comment", "processing-instruction"),  # node tests look like calls
        *("and", "or", "div", "mod"),  # so do operators before a parenthesis
    }
)
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_CALL = re.compile(r"([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")
_NAME = re.compile(r"(@?)\b([A-Za-z_][\w-]*)\b(?![\w:(-]|\s*\(|::)")


def checked_xpath(expression: str) -> etree.XPath | str:
    """The compiled expression, or why lxml could not evaluate it on a page."""
    outside_literals = _LITERAL.sub("''", expression)
    if "$" in outside_literals:
        return "XPath variables cannot be given values here"
    unknown = [f for f in _CALL.findall(outside_literals) if f not in XPATH_FUNCTIONS]
    if unknown:
        return f"{unknown[0]}() is not an XPath 1.0 function"
    try:
        xpath = etree.XPath(expression)
        xpath(_probe(outside_literals))
    except etree.XPathError as exc:
        return f"invalid XPath: {exc}"
    return xpath


def _probe(expression: str) -> lxml.html.HtmlElement:
    """A page with one chain of nested elements: each name in ``expression``, carrying each attribute."""
    names = _NAME.findall(expression)
    attributes = {name: "x" for at, name in names if at}
    root = lxml.html.fromstring("<html><body><div class='a' id='b'><p>text</p><img src='x'></div></body></html>")
    parent = root.find("body")
    for at, name in names:
        if not at and name not in XPATH_FUNCTIONS:
            try:
                parent = etree.SubElement(parent, name, attributes)
            except ValueError:  # not an element name after all (an axis or operator lxml refuses)
                continue
            parent.text = "x"
    return root
