"""``cleaner rules suggest``: a draft rule file for one site, learned from many of its pages.

What recurs on a large share of a site's pages is its template: header, promo boxes, share bars,
footer lines. Each page is cleaned with the current rules, then two things are counted over the pages:

- blocks of the page left after the HTML rules, by their class/id path (``#sidebar div.promo-box``):
  the same path with the same text, or a list of links under the same path, on many pages;
- lines of the cleaned text that recur word for word on many pages (boilerplate that gets through).

The result is a draft: TOML with the evidence (pages, share, examples) in comments, for a person to
review. Pages are read in sorted order and every count is sorted, so one folder gives one draft.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cssselect
from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import Document
from cleaner.errors import CleanerError, InputError
from cleaner.options import DEFAULT_MAX_PAGES, DEFAULT_MIN_SHARE, MIN_PAGES, Options
from cleaner.rules import load_catalog
from cleaner.sources.files import read_document, walk
from cleaner.stages.pipeline import finish, prepare
from cleaner.stages.prune import prune, visible_text
from cleaner.stages.resolve import domain_matches, resolve
from cleaner.tools.explain import words

LINK_LIST_SHARE = 0.8  # a block whose text is at least this share link text is a list of links
_MAX_BLOCK_SHARE = 0.5  # prune's guard keeps a block holding more of the page's text: never suggested
_NEAR_END = 10  # a line this close to the head or tail of the text gets a position guard
_SEMANTIC_TAGS = frozenset({"header", "footer", "nav", "aside", "form"})
_CSS_NAME = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*\Z")
_PER_PAGE = re.compile(r"\d{3,}")  # post-4182, postid-4182: names that differ from page to page
_REGEX_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")
_WHITESPACE = re.compile(r"\s+")
_SLUG = re.compile(r"[^\w]+")
_CSS = cssselect.HTMLTranslator()
_EXAMPLES = 3
_SHOWN_CHARS = 100


@dataclass(frozen=True)
class Evidence:
    pages: int  # pages it recurs on
    of: int  # pages read
    examples: tuple[str, ...]  # some of those pages

    def describe(self) -> str:
        return f"on {self.pages} of {self.of} pages ({self.pages / self.of:.0%})"


@dataclass(frozen=True)
class HtmlSuggestion:
    name: str
    selector: str
    evidence: Evidence
    text: str  # the recurring text, or an example of the varying text of a link list
    same_text: int  # pages where the block has exactly that text
    reaches_output: int  # pages where its text is in the cleaned text today
    link_list: bool  # text varies but is always mostly links: removed with a min_link_share guard
    max_chars: int | None


@dataclass(frozen=True)
class TextSuggestion:
    name: str
    line: str
    evidence: Evidence
    position: str
    within: int | None


@dataclass(frozen=True)
class Suggestion:
    site: str
    folder: str
    pages: int
    assumed: int  # pages with no URL of their own, taken as the site's
    other_sites: int  # pages of other sites, left out
    unreadable: int  # pages that could not be cleaned
    min_share: float
    html: tuple[HtmlSuggestion, ...]
    text: tuple[TextSuggestion, ...]

    def toml(self) -> str:
        return _render(self)


@dataclass
class _Page:
    name: str
    lines: list[str]  # the cleaned text's blocks as text rules match them (``Block.plain``)
    output: list[str]  # the words of each of those blocks, as one string each
    blocks: dict[tuple[str, ...], list[_Block]] = field(default_factory=dict)  # class/id path -> blocks


@dataclass(frozen=True)
class _Block:
    text: str
    chars: int  # whitespace not counted
    link_share: float


def rules_suggest(
    folder: Path,
    site: str,
    *,
    min_share: float = DEFAULT_MIN_SHARE,
    max_pages: int = DEFAULT_MAX_PAGES,
    options: Options | None = None,
) -> Suggestion:
    """Learn the boilerplate of ``site`` from the pages in ``folder``: a draft rule file with evidence."""
    if not folder.is_dir():
        raise InputError(str(folder), "not a folder")
    options = options or Options()
    site = site.lower().removeprefix("www.")
    found = _sample(sorted((p for p in walk([folder]) if isinstance(p, Path)), key=str), max_pages)
    pages: list[_Page] = []
    read: list[Path] = []
    counts: Counter[str] = Counter()
    for path in found:
        doc, verdict = _load(path, site, options)
        counts[verdict] += 1
        if doc is None:
            continue
        try:
            finish(doc, options)
        except CleanerError:
            counts["unreadable"] += 1
            continue
        pages.append(_read_page(doc, path.relative_to(folder).as_posix()))
        read.append(path)
    if len(pages) < MIN_PAGES:
        others = f" ({counts['other site']} of other sites left out)" if counts["other site"] else ""
        raise InputError(
            str(folder),
            f"{len(pages)} pages of {site} found{others}; {MIN_PAGES} are needed to tell template from article",
        )
    needed = max(2, math.ceil(min_share * len(pages)))
    html = _html_suggestions(pages, needed)
    html = _with_selectors(html, read, site, options)
    return Suggestion(
        site=site,
        folder=str(folder),
        pages=len(pages),
        assumed=counts["assumed"],
        other_sites=counts["other site"],
        unreadable=counts["unreadable"],
        min_share=min_share,
        html=tuple(html),
        text=tuple(_text_suggestions(pages, needed, [h.text for h in html if not h.link_list])),
    )


def _sample(paths: list[Path], limit: int) -> list[Path]:
    """At most ``limit`` paths, spread evenly over the sorted list."""
    if len(paths) <= limit:
        return paths
    return [paths[i * len(paths) // limit] for i in range(limit)]


def _load(path: Path, site: str, options: Options) -> tuple[Document | None, str]:
    """A page decoded with the rules of ``site`` resolved, and whether it is the site's own page."""
    try:
        doc = read_document(path, max_bytes=options.max_bytes)
        prepare(doc, options)
    except CleanerError:
        return None, "unreadable"
    if doc.site is not None and not domain_matches(doc.site, site):
        return None, "other site"
    if doc.site is not None:
        return doc, "of the site"
    doc.site, doc.site_source = site, "explicit"
    resolve(doc, load_catalog(options.rules_dirs), site_rules=options.site_rules)
    return doc, "assumed"


# Counting ---------------------------------------------------------------------------------------------


def _read_page(doc: Document, name: str) -> _Page:
    lines = [block.plain for block in doc.blocks]
    page = _Page(name, lines, [" ".join(words(line)) for line in lines])
    if doc.tree is None:
        return page
    body = doc.tree.find("body")  # pruned by today's rules, as ``finish`` left it
    top = body if body is not None else doc.tree
    chars, links = _measure(top)
    page_chars = chars[top] or 1
    for path, element in _paths(top):
        size = chars[element]
        if 0 < size <= _MAX_BLOCK_SHARE * page_chars:  # a bigger block is the article: prune's guard keeps it
            page.blocks.setdefault(path, []).append(_Block(visible_text(element), size, links[element] / size))
    return page


def _measure(top: HtmlElement) -> tuple[dict[HtmlElement, int], dict[HtmlElement, int]]:
    """Characters of text (whitespace not counted, as ``prune.text_length``) and of link text under each
    element: one pass from the leaves up, where measuring each element alone would read the text of a
    deep page once per level. (Keyed by the elements themselves: lxml gives an element the same Python
    object only while one is alive, so ``id`` keys would go stale.)"""
    chars: dict[HtmlElement, int] = {}
    links: dict[HtmlElement, int] = {}
    for element in reversed(list(top.iter())):
        size = _visible_chars(element.text) + sum(chars[c] + _visible_chars(c.tail) for c in element)
        chars[element] = size
        links[element] = size if element.tag == "a" else sum(links[c] for c in element)
    return chars, links


def _visible_chars(text: str | None) -> int:
    return len(_WHITESPACE.sub("", text)) if text else 0


def _paths(top: HtmlElement) -> Iterator[tuple[tuple[str, ...], HtmlElement]]:
    """Each element below ``top`` with a class/id signature, and the signatures of it and its ancestors:
    its class/id path (a walk, not a recursion: pages may nest 2,000 levels deep)."""
    stack: list[tuple[HtmlElement, tuple[str, ...]]] = [(child, ()) for child in reversed(top)]
    while stack:
        element, above = stack.pop()
        signature = _signature(element)
        path = (*above, signature) if signature else above
        if signature:
            yield path, element
        stack.extend((child, path) for child in reversed(element))


def _signature(element: HtmlElement) -> str | None:
    """``tag#id``, ``tag.class.class`` (names that look the same on every page) or a semantic tag alone."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    ident = element.get("id", "").strip()
    if _stable(ident):
        return f"{tag}#{ident}"
    classes = sorted({name for name in element.get("class", "").split() if _stable(name)})
    if classes:
        return tag + "".join(f".{name}" for name in classes)
    return tag if tag in _SEMANTIC_TAGS else None


def _stable(name: str) -> bool:
    return bool(_CSS_NAME.match(name)) and not _PER_PAGE.search(name)


def _html_suggestions(pages: list[_Page], needed: int) -> list[HtmlSuggestion]:
    on_pages: defaultdict[tuple[str, ...], list[_Page]] = defaultdict(list)
    for page in pages:
        for path in page.blocks:
            on_pages[path].append(page)
    found: dict[tuple[str, ...], HtmlSuggestion] = {}
    for path in sorted(on_pages):
        holders = on_pages[path]
        if len(holders) < needed:
            continue
        blocks = [block for page in holders for block in page.blocks[path]]
        texts = Counter(text for page in holders for text in {block.text for block in page.blocks[path]})
        text, same = min(texts.items(), key=lambda item: (-item[1], item[0]))
        link_list = same < needed and all(block.link_share >= LINK_LIST_SHARE for block in blocks)
        if same < needed and not link_list:
            continue
        shown = holders if link_list else [page for page in holders if text in (b.text for b in page.blocks[path])]
        chars = max(block.chars for block in blocks if block.text == text)
        found[path] = HtmlSuggestion(
            name="",
            selector=" ".join(path),
            evidence=Evidence(len(holders), len(pages), tuple(page.name for page in shown[:_EXAMPLES])),
            text=text,
            same_text=same,
            reaches_output=sum(any(_in_output(b.text, page) for b in page.blocks[path]) for page in holders),
            link_list=link_list,
            max_chars=None if link_list else max(40, 2 * chars),
        )
    outermost = [
        suggestion
        for path, suggestion in found.items()
        if not any(
            path[: len(outer)] == outer and found[outer].evidence.pages >= suggestion.evidence.pages
            for outer in found
            if len(outer) < len(path)
        )
    ]
    return sorted(outermost, key=lambda s: (-s.evidence.pages, s.selector))


def _in_output(text: str, page: _Page) -> bool:
    """Whether a block's text is in the cleaned text as whole lines (a brand name that is also the start
    of a kept sentence does not count)."""
    said = " ".join(words(text))
    for start in range(len(page.output) if said else 0):
        run = ""
        for line in page.output[start:]:
            run = f"{run} {line}".strip()
            if run == said:
                return True
            if len(run) >= len(said):
                break
    return False


def _with_selectors(
    suggestions: list[HtmlSuggestion], paths: list[Path], site: str, options: Options
) -> list[HtmlSuggestion]:
    """Shorten each class/id path to the shortest selector that picks, on every page, only that block."""
    if not suggestions:
        return suggestions
    trials = [[" ".join(s.selector.split(" ")[-n:]) for n in range(1, s.selector.count(" ") + 2)] for s in suggestions]
    compiled = {css: etree.XPath(_CSS.css_to_xpath(css)) for tried in trials for css in tried}
    unsafe: set[tuple[int, str]] = set()  # (suggestion, selector) that picks something else on some page
    for path in paths:
        doc, _ = _load(path, site, options)
        if doc is None or doc.tree is None:
            continue
        prune(doc)
        for number, (suggestion, tried) in enumerate(zip(suggestions, trials, strict=True)):
            for css in tried:
                if (number, css) not in unsafe and not all(
                    _inside(e, suggestion.selector) for e in compiled[css](doc.tree)
                ):
                    unsafe.add((number, css))
    named: list[HtmlSuggestion] = []
    taken: set[str] = set()
    for number, (suggestion, tried) in enumerate(zip(suggestions, trials, strict=True)):
        selector = next((css for css in tried if (number, css) not in unsafe), suggestion.selector)
        name = _unique(_rule_name(selector.split(" ")[-1]), taken)
        named.append(dataclasses.replace(suggestion, selector=selector, name=name))
    return named


def _inside(element: HtmlElement, selector: str) -> bool:
    """Whether ``element`` is the block with this class/id path, or lies inside it."""
    chain = [e for e in (element, *element.iterancestors()) if e.tag not in ("html", "body")]
    path = tuple(signature for signature in map(_signature, reversed(chain)) if signature)
    wanted = tuple(selector.split(" "))
    return path[: len(wanted)] == wanted


def _text_suggestions(pages: list[_Page], needed: int, covered: list[str]) -> list[TextSuggestion]:
    seen: defaultdict[str, list[tuple[_Page, int]]] = defaultdict(list)
    for page in pages:
        first: dict[str, int] = {}
        for index, line in enumerate(page.lines):
            first.setdefault(line, index)
        for line, index in first.items():
            seen[line].append((page, index))
    covered_words = [f" {' '.join(words(text))} " for text in covered]
    suggestions: list[TextSuggestion] = []
    taken: set[str] = set()
    for line, places in sorted(seen.items(), key=lambda item: (-len(item[1]), item[0])):
        said = f" {' '.join(words(line))} "
        if len(places) < needed or any(said in text for text in covered_words):
            continue
        position, within = _position([(index, len(page.lines)) for page, index in places])
        suggestions.append(
            TextSuggestion(
                name=_unique(_slug(" ".join(line.split()[:5])) or "line", taken),
                line=line,
                evidence=Evidence(len(places), len(pages), tuple(page.name for page, _ in places[:_EXAMPLES])),
                position=position,
                within=within,
            )
        )
    return suggestions


def _position(places: list[tuple[int, int]]) -> tuple[str, int | None]:
    """The tightest position guard that holds the line on every page it was seen, with a little room."""
    reach = {
        "tail": max(total - index for index, total in places),
        "head": max(index + 1 for index, _ in places),
        "ends": max(min(index + 1, total - index) for index, total in places),
    }
    position = min(reach, key=lambda p: (reach[p], ("tail", "head", "ends").index(p)))
    return (position, reach[position] + 2) if reach[position] <= _NEAR_END else ("any", None)


def _rule_name(signature: str) -> str:
    """``aside#promo`` -> promo, ``div.share.bar`` -> share-bar, ``footer`` -> footer."""
    tag, _, names = signature.replace("#", ".").partition(".")
    return _slug(names.replace(".", "-")) or tag


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-_")[:40].strip("-_")


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    taken.add(candidate)
    return candidate


# The draft --------------------------------------------------------------------------------------------


def _string(value: str) -> str:
    """A TOML string: literal when it can be (regexes stay readable), else basic with escapes."""
    if "'" not in value and not any(ord(c) < 32 or ord(c) == 127 for c in value):
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if ord(c) >= 32 and ord(c) != 127 else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _render(s: Suggestion) -> str:
    out = [
        f"# Draft rules for {s.site}, learned by `cleaner rules suggest` from {s.pages} pages in {s.folder}",
        f"# ({s.assumed} without a URL of their own taken as the site's; {s.other_sites} of other sites and "
        f"{s.unreadable} unreadable left out).",
        f"# A block or line is suggested when it recurs on at least {s.min_share:.0%} of the pages. Review every",
        "# rule before use: what recurs is usually the site's template, but not always.",
        f"# Save as e.g. my-rules/sites/{s.site}-suggested.toml; check with `cleaner rules check --rules my-rules`.",
        "",
        f"name = {_string(s.site + '-suggested')}",
        f"description = {_string(f'Draft: recurring blocks of {s.site} (cleaner rules suggest); review before use')}",
        "",
        "[match]",
        f"domains = [{_string(s.site)}]",
    ]
    active = [h for h in s.html if h.reaches_output]
    for h in active:
        out += ["", *_html_evidence(h), *_html_rule(h)]
    if not (active or s.text):
        out += ["", "# Nothing that reaches the cleaned text recurs on enough pages."]
    for t in s.text:
        where = f", within {t.within} blocks of the {t.position}" if t.within else ""
        out += [
            "",
            f"# line {t.evidence.describe()}{where}; e.g. {', '.join(t.evidence.examples)}",
            "[[text.drop]]",
            f"name = {_string(t.name)}",
            f"pattern = {_string(_whole_line(t.line))}",
        ]
        if t.within:
            out += [f"position = {_string(t.position)}", f"within = {t.within}"]
    quiet = [h for h in s.html if not h.reaches_output]
    if quiet:
        out += [
            "",
            "# These recur too, but their text is already left out on every page (uncomment to remove them anyway):",
        ]
        for h in quiet:
            out += ["#", *_html_evidence(h), *(f"# {line}" for line in _html_rule(h))]
    return "\n".join(out) + "\n"


def _whole_line(line: str) -> str:
    """A regex matching exactly ``line`` (re.escape would also escape its spaces, for verbose mode)."""
    return "^" + _REGEX_SPECIAL.sub(lambda m: "\\" + m.group(), line) + "$"


def _html_evidence(h: HtmlSuggestion) -> list[str]:
    kind = "list of links" if h.link_list else f"the same text on {h.same_text}"
    return [
        f"# {h.selector}: {h.evidence.describe()}, {kind}; in the cleaned text today on {h.reaches_output}",
        f"#   {'e.g. ' if h.link_list else ''}text: {_shown(h.text)}",
        f"#   pages: {', '.join(h.evidence.examples)}",
    ]


def _html_rule(h: HtmlSuggestion) -> list[str]:
    lines = ["[[html.remove]]", f"name = {_string(h.name)}", f"select = {_string(h.selector)}"]
    if h.link_list:
        lines.append(f"min_link_share = {LINK_LIST_SHARE}")
    if h.max_chars:
        lines.append(f"max_chars = {h.max_chars}")
    return lines
