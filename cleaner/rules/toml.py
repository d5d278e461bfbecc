"""TOML rule files and the phrase lists they share: loading and complete validation.

A syntax error, an unknown key, a wrong type, an invalid selector or regex is a ``RuleError`` naming the
file and the key (format in rules/README.md). Phrase lists (``lang/*.toml``) are shared by all TOML rule
files through ``{{class}}`` placeholders in patterns, so adding a language is a data change. Class and id
names in a language (``lang/classes/*.toml``: ``mehr-zum-thema``, ``articoli-correlati``) join an HTML rule's
``tokens`` the same way, through a ``"{{class}}"`` entry.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cssselect
import cssselect.parser
from lxml import etree

from cleaner.errors import RuleError, translated
from cleaner.rules import xpath as xpaths
from cleaner.rules.cache import parsed_toml
from cleaner.rules.literals import ScreenedPattern
from cleaner.rules.model import HtmlRule, RuleSet, RuleTest, SimpleSelector, TextRule
from cleaner.rules.regexes import BoundedPattern, bounded
from cleaner.sources.files import read_regular

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_CSS = cssselect.HTMLTranslator()
_DEFAULT_WITHIN = 5
_DEFAULT_MAX_SHARE = 0.5  # never remove an element holding more than half of the page's text


@dataclass(frozen=True)
class Phrases:
    classes: dict[str, tuple[str, ...]]
    digest: str
    sources: tuple[tuple[Path, str, tuple[str, ...]], ...] = ()  # (file, class, its phrases) as read
    tokens: dict[str, frozenset[str]] = field(default_factory=dict)  # class -> class/id tokens, all languages
    # the files of ``sources``, resolved once (each rule file asks whether they all are shipped ones)
    resolved: frozenset[Path] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        resolved = frozenset(path.resolve() for path in {path for path, _, _ in self.sources})
        object.__setattr__(self, "resolved", resolved)

    def check(self) -> None:
        """Each phrase must be a regex fragment. Loading does not check them (compiling the rules that use
        them does, and that is most of the time it takes); ``rules check`` does, and so does a rule whose
        pattern does not compile, to name the broken phrase. A class is compiled as one alternation, and
        phrase by phrase only to find the culprit."""
        for path, cls, items in self.sources:
            try:
                re.compile("|".join(f"(?:{phrase})" for phrase in items))
            except re.error:
                for index, phrase in enumerate(items):
                    with translated(f"{path}: phrases.{cls}[{index}]", RuleError):
                        re.compile(phrase)
                raise RuleError(str(path), f"phrases.{cls}: phrases that are valid alone do not combine") from None


def load_phrases(dirs: Iterable[Path]) -> Phrases:
    """The phrase classes of the ``lang/*.toml`` files of ``dirs``, every language's phrases together, and the
    class-token classes of their ``lang/classes/*.toml``."""
    dirs = tuple(dirs)
    hasher = hashlib.sha256()
    classes: dict[str, list[str]] = {}
    sources = []
    for path, cls, items in _language_tables(dirs, "", "phrases", hasher):
        sources.append((path, cls, tuple(items)))
        bucket = classes.setdefault(cls, [])
        bucket.extend(p for p in items if p not in bucket)
    tokens: dict[str, set[str]] = {}
    for _path, cls, items in _language_tables(dirs, "classes", "tokens", hasher):
        tokens.setdefault(cls, set()).update(*map(_spellings, items))
    return Phrases(
        {k: tuple(v) for k, v in classes.items()},
        hasher.hexdigest(),
        tuple(sources),
        {k: frozenset(v) for k, v in tokens.items()},
    )


def _language_tables(
    dirs: tuple[Path, ...], subfolder: str, key: str, hasher: Any
) -> Iterator[tuple[Path, str, list[str]]]:
    """(file, class, its entries) of the ``key`` table of each ``lang/<subfolder>/*.toml``, validated."""
    for folder in dirs:
        for path in sorted((folder / "lang" / subfolder).glob("*.toml")):
            data, raw = _read_toml(path)
            hasher.update(raw)
            _check_keys(data, {"language", "name", key}, path, "")
            table = data.get(key, {})
            _expect(table, dict, path, key)
            for cls, items in table.items():
                _expect_strings(items, path, f"{key}.{cls}")
                yield path, cls, items


def _spellings(token: str) -> frozenset[str]:
    """A class name of several words as pages write it: ``mehr-zum-thema``, ``mehr_zum_thema``, ``mehrZumThema``
    (read as ``mehrzumthema``)."""
    token = token.lower()
    words = re.split(r"[-_]", token)
    return frozenset({token, "-".join(words), "_".join(words), "".join(words)})


def load_toml_ruleset(path: Path, phrases: Phrases | None = None, *, vetted: Path | None = None) -> RuleSet:
    """Load and validate one TOML rule file; ``RuleError`` names the file, the key and the problem.

    Its patterns are checked for catastrophic backtracking and bounded by the time budget (rules/regexes.py),
    unless they come whole from the ``vetted`` folder (the shipped rules, which the test suite probes)."""
    phrases = phrases or Phrases({}, "")
    vetted_file = vetted is not None and path.resolve().is_relative_to(vetted.resolve())
    vetted_phrases = vetted is not None and all(source.is_relative_to(vetted.resolve()) for source in phrases.resolved)
    data, raw = _read_toml(path)
    _check_keys(data, {"name", "description", "match", "html", "text", "test"}, path, "")
    match = data.get("match", {})
    _expect(match, dict, path, "match")
    _check_keys(match, {"always", "domains", "generator", "html_markers", "text_markers"}, path, "match")
    html = data.get("html", {})
    _expect(html, dict, path, "html")
    _check_keys(html, {"body", "remove"}, path, "html")
    text = data.get("text", {})
    _expect(text, dict, path, "text")
    _check_keys(text, {"drop", "cut", "trim", "repeat"}, path, "text")

    always = _get(match, "always", bool, path, "match", False)
    domains = tuple(d.lower().removeprefix("www.") for d in _strings(match, "domains", path, "match"))
    generators = tuple(g.lower() for g in _strings(match, "generator", path, "match"))
    html_markers = _strings(match, "html_markers", path, "match")
    text_markers = _strings(match, "text_markers", path, "match")
    if not (always or domains or generators or html_markers or text_markers):
        raise RuleError(str(path), "match: says nothing to match (give domains, a fingerprint or always = true)")

    uses_phrases = False

    def pattern(value: Any, key: str) -> tuple[re.Pattern[str] | BoundedPattern, bool]:
        nonlocal uses_phrases
        _expect(value, str, path, key)
        expanded, used = _expand(value, phrases, path, key)
        uses_phrases |= used
        if vetted_file and (vetted_phrases or not used):  # shipped and probed by the tests: compiled on first use
            source, folded = _folded_form(expanded)
            return ScreenedPattern(source), folded
        try:
            compiled, folded = _compile_pattern(expanded)
        except re.error:
            if used:
                phrases.check()  # names the broken phrase, if it is one
            with translated(f"{path}: {key}", RuleError):
                raise
        return bounded(compiled.pattern, compiled.flags, f"{path}: {key}"), folded

    body_selector = _get(html, "body", str, path, "html", None)
    body = _compile_css(body_selector, path, "html.body") if body_selector else None
    html_rules = tuple(
        _html_rule(entry, path, f"html.remove[{i}]", phrases)
        for i, entry in enumerate(_tables(html, "remove", path, "html"))
    )
    uses_phrases |= any(
        _PLACEHOLDER.fullmatch(token)
        for entry in _tables(html, "remove", path, "html")
        for token in entry.get("tokens", ())
    )
    text_rules = tuple(
        _text_rule(entry, action, path, f"text.{action}[{i}]", pattern)
        for action in ("drop", "cut", "trim", "repeat")
        for i, entry in enumerate(_tables(text, action, path, "text"))
    )
    _check_unique_names([r.name for r in html_rules + text_rules], path)
    tests = tuple(_test(entry, path, f"test[{i}]") for i, entry in enumerate(_tables(data, "test", path, "")))
    digest = _sha256(raw + (phrases.digest.encode() if uses_phrases else b""))
    return RuleSet(
        name=_get(data, "name", str, path, "", path.stem),
        path=path,
        description=_get(data, "description", str, path, "", ""),
        always=always,
        domains=domains,
        generators=generators,
        html_markers=html_markers,
        text_markers=text_markers,
        body=(body,) if body is not None else (),
        html_rules=html_rules,
        text_rules=text_rules,
        tests=tests,
        digest=digest,
    )


def _html_rule(entry: dict[str, Any], path: Path, where: str, phrases: Phrases) -> HtmlRule:
    _check_keys(
        entry,
        {
            *("name", "select", "xpath", "tokens", "max_share", "min_link_share", "max_chars", "same_text_as"),
            *("in_teaser", "note"),
        },
        path,
        where,
    )
    same_text_as = _get(entry, "same_text_as", str, path, where, None)
    if same_text_as not in (None, "description"):
        raise RuleError(str(path), f"{where}.same_text_as: the only value is description, not {same_text_as!r}")
    given = [k for k in ("select", "xpath", "tokens") if k in entry]
    if len(given) != 1:
        raise RuleError(str(path), f"{where}: give exactly one of select, xpath or tokens")
    xpath, simple = None, ()
    if "select" in entry:
        simple, xpath = _compile_selector_group(_get(entry, "select", str, path, where), path, f"{where}.select")
    elif "xpath" in entry:
        expression = _get(entry, "xpath", str, path, where)
        xpath = xpaths.compiled(expression)
        if isinstance(xpath, str):
            raise RuleError(f"{path}: {where}.xpath", xpath)
    tokens = frozenset().union(
        *(_tokens(t, phrases, path, f"{where}.tokens") for t in _strings(entry, "tokens", path, where))
    )
    return HtmlRule(
        name=_name(entry, path, where),
        simple=simple,
        xpath=xpath,
        tokens=tokens,
        max_share=_fraction(entry, "max_share", path, where, _DEFAULT_MAX_SHARE),
        min_link_share=_fraction(entry, "min_link_share", path, where, 0.0),
        max_chars=_positive(entry, "max_chars", path, where),
        same_text_as_description=same_text_as == "description",
        in_teaser=_get(entry, "in_teaser", bool, path, where, False),
    )


def _text_rule(entry: dict[str, Any], action: str, path: Path, where: str, pattern: Any) -> TextRule:
    keys = {"name", "position", "within", "share", "max_chars", "min_chars", "note"}
    keys |= {"pattern"} if action != "repeat" else set()
    keys |= {"side", "until", "prose_before"} if action == "cut" else set()
    keys |= {"only_at_ends"} if action == "drop" else set()
    _check_keys(entry, keys, path, where)
    if action != "repeat" and "pattern" not in entry:
        raise RuleError(str(path), f"{where}.pattern: missing")
    position = _get(entry, "position", str, path, where, "any")
    if position not in ("any", "head", "tail", "ends"):
        raise RuleError(str(path), f"{where}.position: must be any, head, tail or ends, not {position!r}")
    within = _positive(entry, "within", path, where)
    share = _fraction(entry, "share", path, where, None)
    if within is not None and share is not None:
        raise RuleError(str(path), f"{where}: give within or share, not both")
    if position == "any" and (within is not None or share is not None):
        raise RuleError(str(path), f"{where}: within and share need position = head, tail or ends")
    if position != "any" and within is None and share is None:
        within = _DEFAULT_WITHIN
    side = _get(entry, "side", str, path, where, "after")
    if side not in ("after", "before"):
        raise RuleError(str(path), f"{where}.side: must be after or before, not {side!r}")
    until = _get(entry, "until", str, path, where, None)
    if until not in (None, "prose") or (until and side != "after"):
        raise RuleError(str(path), f"{where}.until: the only value is prose, with side = after")
    regex, folded = pattern(entry["pattern"], f"{where}.pattern") if action != "repeat" else (None, False)
    return TextRule(
        name=_name(entry, path, where),
        action=action,  # type: ignore[arg-type]
        regex=regex,
        folded=folded,
        position=position,  # type: ignore[arg-type]
        within=within,
        share=share,
        max_chars=_positive(entry, "max_chars", path, where),
        min_chars=_positive(entry, "min_chars", path, where) or 0,
        side=side,  # type: ignore[arg-type]
        until_prose=until == "prose",
        prose_before=_positive(entry, "prose_before", path, where) or 0,
        only_at_ends=_get(entry, "only_at_ends", bool, path, where, False),
    )


def _test(entry: dict[str, Any], path: Path, where: str) -> RuleTest:
    _check_keys(entry, {"sample", "url", "contains", "not_contains"}, path, where)
    sample = _get(entry, "sample", str, path, where)
    return RuleTest(
        sample=(path.parent / sample).resolve(),
        url=_get(entry, "url", str, path, where, None),
        contains=_strings(entry, "contains", path, where),
        not_contains=_strings(entry, "not_contains", path, where),
    )


def _tokens(entry: str, phrases: Phrases, path: Path, key: str) -> frozenset[str]:
    """One entry of a ``tokens`` list: a class/id token, or ``{{class}}`` for that class's tokens in every language."""
    placeholder = _PLACEHOLDER.fullmatch(entry)
    if placeholder is None:
        return frozenset({entry.lower()})
    cls = placeholder.group(1)
    if cls not in phrases.tokens:
        known = ", ".join(sorted(phrases.tokens)) or "none loaded"
        raise RuleError(str(path), f"{key}: unknown class-token class {{{{{cls}}}}} (known: {known})")
    return phrases.tokens[cls]


def _expand(value: str, phrases: Phrases, path: Path, key: str) -> tuple[str, bool]:
    used = False

    def alternation(m: re.Match[str]) -> str:
        nonlocal used
        cls = m.group(1)
        if cls not in phrases.classes:
            known = ", ".join(sorted(phrases.classes)) or "none loaded"
            raise RuleError(str(path), f"{key}: unknown phrase class {{{{{cls}}}}} (known: {known})")
        used = True
        return "(?:" + "|".join(phrases.classes[cls]) + ")"

    return _PLACEHOLDER.sub(alternation, value), used


def _compile_pattern(expanded: str) -> tuple[re.Pattern[str], bool]:
    """Compile a text pattern; return it and whether it is to be matched against lower-cased text."""
    source, folded = _folded_form(expanded)
    return re.compile(source), folded


def _folded_form(expanded: str) -> tuple[str, bool]:
    """A text pattern as it is matched, and whether it is to be matched against lower-cased text.

    Python's ``re`` runs a long ``(?i)`` alternation about ten times slower than the same pattern on
    lower-cased text. So a pattern that is case-insensitive as a whole, and has nothing that lower-casing
    the text would break (an upper-case letter, a character escape, a case-sensitive group), loses the flag
    and is matched against the lower-cased block.
    """
    body = expanded.removeprefix("(?i)")
    unescaped = re.sub(r"\\.", "", body)
    foldable = body != expanded and "(?-i" not in body and not re.search(r"\\[xuUN]", body)
    if not foldable or unescaped != unescaped.lower():  # an upper- (or title-) case letter
        return expanded, False
    return body, True


def _compile_css(selector: str, path: Path, key: str) -> etree.XPath:
    with translated(f"{path}: {key}", RuleError):
        return etree.XPath(_CSS.css_to_xpath(selector))


def _compile_selector_group(group: str, path: Path, key: str) -> tuple[tuple[SimpleSelector, ...], etree.XPath | None]:
    """Split ``a, b, c`` into simple selectors and one XPath for the rest."""
    with translated(f"{path}: {key}", RuleError):
        parsed = cssselect.parse(group)
        simple, complex_parts = [], []
        for selector in parsed:
            found = _simple_part(selector.parsed_tree) if selector.pseudo_element is None else None
            if found is None:
                complex_parts.append(selector)
            else:
                simple.append(found)
        # one "a b" among them: the elements b selects, from the index, that have an ancestor a selects (libxml2
        # took 0.3 ms a page for WordPress's ".entry-meta .comments-link" as an XPath). Only one, and last: the
        # elements then come in the order the XPath gave them (several would be merged in page order).
        nested = _nested(complex_parts[0]) if len(complex_parts) == 1 else None
        if nested is not None:
            return (*simple, nested), None
        xpath = " | ".join(map(_CSS.selector_to_xpath, complex_parts))
        return tuple(simple), etree.XPath(xpath) if complex_parts else None


def _nested(selector: cssselect.Selector) -> SimpleSelector | None:
    """``a b`` with ``a`` and ``b`` simple, as ``b`` inside ``a``; None for any other selector."""
    tree = selector.parsed_tree
    if selector.pseudo_element is not None or not isinstance(tree, cssselect.parser.CombinedSelector):
        return None
    if tree.combinator != " ":
        return None
    outer, inner = _simple_part(tree.selector), _simple_part(tree.subselector)
    return replace(inner, inside=outer) if outer is not None and inner is not None else None


def _simple_part(node: Any) -> SimpleSelector | None:
    """The simple selector that a parsed ``tag.class#id[attribute=value]`` is, or None for anything else."""
    classes, element_id, attributes = set(), None, set()
    while not isinstance(node, cssselect.parser.Element):
        if isinstance(node, cssselect.parser.Class):
            classes.add(node.class_name)
        elif isinstance(node, cssselect.parser.Hash) and element_id is None:
            element_id = node.id
        elif isinstance(node, cssselect.parser.Attrib) and node.operator == "=" and not node.namespace:
            value = node.value.value if isinstance(node.value, cssselect.parser.Token) else node.value
            attributes.add((node.attrib.lower(), value))
        else:
            return None
        node = node.selector
    if node.namespace or not (classes or element_id or attributes):
        return None
    tag = node.element.lower() if node.element else None
    return SimpleSelector(tag, frozenset(classes), element_id, frozenset(attributes))


def _read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    """The file's table, and its bytes."""
    with translated(str(path), RuleError):
        raw = read_regular(path)
        return parsed_toml.loads(raw), raw


def _check_keys(table: dict[str, Any], allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        key = f"{where}.{unknown[0]}" if where else unknown[0]
        raise RuleError(str(path), f"{key}: unknown key (expected one of: {', '.join(sorted(allowed))})")


def _expect(value: Any, kind: type, path: Path, key: str) -> None:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {str: "a string", dict: "a table", list: "a list", bool: "true or false", int: "an integer"}
        raise RuleError(str(path), f"{key}: must be {names.get(kind, kind.__name__)}, not {value!r}")


def _get(table: dict[str, Any], key: str, kind: type, path: Path, where: str, default: Any = ...) -> Any:
    full = f"{where}.{key}" if where else key
    if key not in table:
        if default is ...:
            raise RuleError(str(path), f"{full}: missing")
        return default
    _expect(table[key], kind, path, full)
    return table[key]


def _strings(table: dict[str, Any], key: str, path: Path, where: str) -> tuple[str, ...]:
    full = f"{where}.{key}" if where else key
    value = table.get(key, [])
    _expect_strings(value, path, full)
    return tuple(value)


def _expect_strings(value: Any, path: Path, key: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(str(path), f"{key}: must be a list of non-empty strings")


def _tables(table: dict[str, Any], key: str, path: Path, where: str) -> list[dict[str, Any]]:
    full = f"{where}.{key}" if where else key
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RuleError(str(path), f"{full}: must be an array of tables ([[{full}]])")
    return value


def _name(entry: dict[str, Any], path: Path, where: str) -> str:
    name = _get(entry, "name", str, path, where)
    if not re.fullmatch(r"[\w.-]+", name):
        raise RuleError(str(path), f"{where}.name: use letters, digits, '-', '_' or '.', not {name!r}")
    return name


def _check_unique_names(names: Sequence[str], path: Path) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise RuleError(str(path), f"rule name {name!r} is used twice")
        seen.add(name)


def _positive(entry: dict[str, Any], key: str, path: Path, where: str) -> int | None:
    value = _get(entry, key, int, path, where, None)
    if value is not None and value < 1:
        raise RuleError(str(path), f"{where}.{key}: must be at least 1")
    return value


def _fraction(entry: dict[str, Any], key: str, path: Path, where: str, default: float | None) -> Any:
    if key not in entry:
        return default
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise RuleError(str(path), f"{where}.{key}: must be a number from 0 to 1, not {value!r}")
    return float(value)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
