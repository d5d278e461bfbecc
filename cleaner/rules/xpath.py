"""XPath 1.0 expressions from rule files: checked once when a file is loaded, evaluated under a guard.

lxml compiles an expression without looking at its function calls, namespace prefixes or variables; it
finds them wrong only when a page makes it evaluate that part (``//article[contains(@class='x')]`` fails on
the first page with an ``<article>``). So an expression is checked twice when loaded: statically (functions
and their number of arguments, prefixes, variables), then by evaluating it on a probe page built from the
names it mentions, so that its steps and predicates run. On a page, ``evaluate`` never raises: an
expression that still fails is skipped and the failure is reported once per rule.
"""

from __future__ import annotations

import re
from functools import cache

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

# XPath 1.0 core functions: (fewest, most) arguments
_ARITY = {
    **dict.fromkeys(("last", "position", "true", "false"), (0, 0)),
    **dict.fromkeys(("count", "id", "boolean", "not", "lang", "sum", "floor", "ceiling", "round"), (1, 1)),
    **dict.fromkeys(("local-name", "namespace-uri", "name", "string", "string-length", "normalize-space"), (0, 1)),
    **dict.fromkeys(("number",), (0, 1)),
    **dict.fromkeys(("starts-with", "contains", "substring-before", "substring-after"), (2, 2)),
    "concat": (2, 1_000),
    "substring": (2, 3),
    "translate": (3, 3),
}
_NODE_TESTS = frozenset({"node", "text", "comment", "processing-instruction"})
_OPERATORS = frozenset({"and", "or", "div", "mod"})
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<literal>"[^"]*"|'[^']*')
    | (?P<variable>\$[\w.-]+(?::[\w.-]+)?)
    | (?P<axis>[A-Za-z_][\w.-]*\s*::)
    | (?P<name>[A-Za-z_][\w.-]*(?::(?:[A-Za-z_][\w.-]*|\*))?)(?P<call>\s*\()?
    | (?P<open>[(\[])
    | (?P<close>[)\]])
    | (?P<comma>,)
    | (?P<other>[^\s"'(),\[\]$])
    )""",
    re.VERBOSE,
)
_ATTRIBUTE = re.compile(r"@([A-Za-z_][\w.-]*)")
_ELEMENT = re.compile(r"(?:^|[/(|\s]|::)([A-Za-z_][\w.-]*)(?=\s*(?:$|[/\[\])|]))")
_PROBE_SKELETON = "<html><head><title>t</title><meta name='m' content='c'></head><body>{}</body></html>"


def problem(expression: str) -> str | None:
    """Why ``expression`` cannot be used as XPath 1.0 here, or None."""
    why = _static_problem(expression)
    if why is not None:
        return why
    try:
        xpath = etree.XPath(expression)
        xpath(probe(expression))
        xpath(_plain_probe())
    except (etree.XPathError, ValueError) as exc:  # ValueError: a character lxml cannot hold (U+001F)
        return f"invalid XPath: {exc}"
    return None


class Expression:
    """A checked XPath expression, compiled by lxml when first evaluated: a folder of 2,000 ftr files holds
    8,000 of them and a page needs a few. Pickled as its text, so that loaded rule sets can be cached."""

    __slots__ = ("_compiled", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self._compiled: etree.XPath | None = None

    def __call__(self, tree: HtmlElement, **variables: str) -> object:
        if self._compiled is None:
            self._compiled = etree.XPath(self.path)
        return self._compiled(tree, **variables)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (Expression, (self.path,))

    def __repr__(self) -> str:
        return f"Expression({self.path!r})"


@cache  # rule files repeat the same expressions (og:title, //article...) hundreds of times
def compiled(expression: str) -> Expression | str:
    """The checked expression, or why it cannot be used."""
    why = problem(expression)
    return why if why is not None else Expression(expression)


def evaluate(xpath: etree.XPath | Expression, tree: HtmlElement, **variables: str) -> tuple[object, str | None]:
    """``xpath`` on ``tree``: (its result, None), or ([], why) when it fails on this page."""
    try:
        return xpath(tree, **variables), None
    except (etree.XPathError, ValueError, RecursionError) as exc:  # never a page's end: the rule is skipped
        return [], str(exc) or type(exc).__name__


def _static_problem(expression: str) -> str | None:
    calls: list[list] = []  # open parentheses and brackets: [function name or None, arguments, pending]
    previous = None
    position = 0
    while position < len(expression):
        token = _TOKEN.match(expression, position)
        if token is None or token.end() == position:
            return "invalid XPath: cannot read it"
        position = token.end()
        kind = token.lastgroup if token.lastgroup != "call" else "name"
        if kind == "variable":
            return "XPath variables cannot be given values here"
        if kind == "name":
            name = token["name"]
            if token["call"] and name not in _NODE_TESTS and not (name in _OPERATORS and previous == "operand"):
                if ":" in name or name not in _ARITY:
                    return f"{name}() is not an XPath 1.0 function"
                calls.append([name, 0, False])
                previous = "open"
                continue
            if token["call"]:  # a node test or an operator before a parenthesis
                calls.append([None, 0, False])
                previous = "open"
                continue
            prefix = name.split(":")[0] if ":" in name else None
            if prefix is not None and prefix != "xml":  # the one prefix XPath declares itself
                return f"namespace prefix {prefix!r} is not declared here"
            if name in _OPERATORS and previous == "operand":
                previous = "operator"
                continue
        if kind == "open":
            if calls:
                calls[-1][2] = True
            calls.append([None, 0, False])
            previous = "open"
            continue
        if kind == "close":
            if not calls:
                return "invalid XPath: unbalanced parenthesis or bracket"
            name, arguments, pending = calls.pop()
            if name is not None:
                count = arguments + pending
                fewest, most = _ARITY[name]
                if not fewest <= count <= most:
                    return f"{name}() takes {_arguments(fewest, most)}, not {count}"
            if calls:
                calls[-1][2] = True
            previous = "operand"
            continue
        if kind == "comma":
            if calls and calls[-1][0] is not None:
                calls[-1][1] += 1
                calls[-1][2] = False
            previous = "comma"
            continue
        if calls:
            calls[-1][2] = True
        previous = "operand" if kind in ("literal", "name") or token["other"] in ("*", ".") else "other"
    if calls:
        return "invalid XPath: unbalanced parenthesis or bracket"
    return None


def _arguments(fewest: int, most: int) -> str:
    if fewest == most:
        return f"{fewest} argument{'s' if fewest != 1 else ''}"
    return f"at least {fewest} arguments" if most > 100 else f"{fewest} to {most} arguments"


def probe(expression: str) -> HtmlElement:
    """A page on which the steps of ``expression`` find something, so that its predicates are evaluated:
    each element it names, nested, each carrying every attribute it names, with some text."""
    outside = re.sub(r"'[^']*'|\"[^\"]*\"", "''", expression)
    attributes = sorted(set(_ATTRIBUTE.findall(outside)) - {"xmlns"})
    names = [n for n in dict.fromkeys(_ELEMENT.findall(outside)) if n not in _ARITY and n not in _NODE_TESTS]
    names = [n for n in names if n.lower() not in ("html", "head", "body") and n not in _OPERATORS][:20]
    attrs = " ".join(f"{a}='x'" for a in attributes)
    inner = "text"
    for name in reversed(names):
        inner = f"<{name} {attrs}>{inner}</{name}>"
    return lxml.html.fromstring(_PROBE_SKELETON.format(f"<div {attrs}>{inner}<p {attrs}>text</p></div>"))


@cache
def _plain_probe() -> HtmlElement:
    return lxml.html.fromstring(
        _PROBE_SKELETON.format("<article class='a' id='b'><div class='a'><p>text</p><img src='x'></div></article>")
    )


_CONJUNCT = re.compile(
    r"""\s*(?:
      contains\(\s*(?:@[\w:.-]+|concat\(\s*(['"])\s\1\s*,\s*normalize-space\(\s*@[\w:.-]+\s*\)\s*,\s*(['"])\s\2\s*\))\s*,
        \s*(?P<contained>'[^']*'|"[^"]*")\s*\)
    | starts-with\(\s*@[\w:.-]+\s*,\s*(?P<start>'[^']*'|"[^"]*")\s*\)
    | @[\w:.-]+\s*=\s*(?P<equal>'[^']*'|"[^"]*")
    )\s*""",
    re.VERBOSE,
)


def required_strings(expression: str) -> tuple[str, ...]:
    """Strings one of which a page's source must hold for ``expression`` to select anything: for each branch
    of a union, the longest literal an attribute test of one of its steps requires (``[contains(@class,
    'share')]``, ``[@id='comments']``), else the attribute it ends in (``/@srcdoc``), else the element it starts
    with; () when some branch requires none. Lets a rule be skipped on pages that cannot match it, with a
    substring search instead of a walk of the tree."""
    branches = _split(expression, "|")
    found = []
    for branch in branches:
        literals = [
            literal.strip()
            for predicate in _predicates(branch)
            for conjunct in _split(predicate, " and ")
            if (match := _CONJUNCT.fullmatch(conjunct))
            for literal in [(match["contained"] or match["start"] or match["equal"])[1:-1]]
            if literal.strip() and not any(c in literal for c in "&<>")  # as written in the source
        ]
        if not literals and (attribute := _LAST_ATTRIBUTE.search(branch)):  # //iframe/@srcdoc: "srcdoc"
            found += [attribute[1].lower(), attribute[1].upper()]  # as written in the source
            continue
        if not literals:
            step = _FIRST_STEP.match(branch)
            if step is None or step[1].lower() in _IMPLIED_TAGS:
                return ()
            found += [f"<{step[1].lower()}", f"<{step[1].upper()}"]  # an element the source must open
            continue
        found.append(max(literals, key=len))
    return tuple(dict.fromkeys(found))


_LAST_ATTRIBUTE = re.compile(r"/@([A-Za-z_][\w.-]*)\s*$")
_FIRST_STEP = re.compile(r"\s*//([A-Za-z][\w-]*)\s*(?:$|[/\[])")
# elements an HTML parser adds when the source does not open them
_IMPLIED_TAGS = frozenset({"html", "head", "body", "tbody", "p", "li", "tr", "td", "option"})


def _split(text: str, separator: str) -> list[str]:
    """``text`` split on ``separator`` where it stands outside literals and brackets."""
    structure = _structure(text)
    if structure is None:
        return [text]
    parts, start = [], 0
    for position, depth in structure:
        if depth == 0 and position >= start and text.startswith(separator, position):
            parts.append(text[start:position])
            start = position + len(separator)
    return [*parts, text[start:]]


def _predicates(branch: str) -> list[str]:
    """The contents of the outermost ``[...]`` of a path."""
    found, start = [], 0
    for position, depth in _structure(branch) or ():
        if depth == 1 and branch[position] == "[":
            start = position + 1
        elif depth == 1 and branch[position] == "]":
            found.append(branch[start:position])
    return found


def _structure(text: str) -> list[tuple[int, int]] | None:
    """(position, bracket depth) of each character of ``text`` outside literals, a bracket counted inside
    the pair it makes; None when a literal is not closed."""
    found, depth, position = [], 0, 0
    while position < len(text):
        char = text[position]
        if char in "'\"":
            position = text.find(char, position + 1)
            if position < 0:
                return None
        else:
            depth += char == "["
            found.append((position, depth))
            depth -= char == "]"
        position += 1
    return found
