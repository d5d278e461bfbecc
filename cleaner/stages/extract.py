"""Stage 5: the main text of the pruned page, by trafilatura, without the headline (the page's title,
author, date... are read before pruning: metadata.py).

trafilatura's mode was chosen by measurement on both development sets together (README, "Quality";
``python bench/quality.py --modes``): ``auto`` runs the ``fast`` mode, which skips the fallback
extractors, and runs them only when that text is a small share of the page's paragraph text: there
``fast`` has taken a teaser or a summary box for the article (three pages of 296 on the development
sets, each then losing 80 to 90 % of the article), and the fallbacks find it. Paragraphs of an <article>
inside another are not counted: they are cards of other posts, which the fallbacks would add (one page).
It runs them too when most of ``fast``'s text is in short lines (a menu taken for the article: one page
of 296, where the fallbacks' text is the article) and keeps theirs if it has fewer; and when ``fast``'s
text is trafilatura's last resort, every <p> of the page and none of the subheadings between them (its main
extractor found almost nothing: one page of 296, which lost its summary and subheadings). Everywhere else the
fallbacks were slower and less precise. ``favor_recall`` is not the default because it loosens
trafilatura's boilerplate filters for pages no rule covers. Its process-wide deduplication cache is kept
off: it would make the output depend on the order in which documents are processed. Comments are left
out: they are not the article. When a rule chose the body and asked for it to be kept as it is (ftr ``prune: no``), its
text is taken block by block instead.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import Document, Removal, split_blocks
from cleaner.options import DEFAULT_EXTRACTION

if TYPE_CHECKING:
    from trafilatura.settings import Extractor

TRAFILATURA_OPTIONS = {"comments": False, "tables": True, "images": False, "dedup": False}  # its Extractor's names
MODES = {  # extraction mode -> trafilatura settings ("auto": fast, then full where fast finds little)
    "fast": {"fast": True},  # no fallback extractors
    "full": {},  # trafilatura's defaults, fallbacks included
    "precision": {"fast": True, "precision": True},
    "recall": {"fast": True, "recall": True},
}
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption"),
        *("figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"),
        *("ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"),
    }
)
_MARKS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### ", "li": "- "}
# "auto": below this share of the characters of the page's <p> elements, fast's text is a fragment
_FALLBACK_BELOW = 0.3
# "auto": above this share of its characters in short lines (menu items, not sentences), fast's text is a
# page's navigation that fast took for the article; the fallbacks, which compare candidates, find it
_MENU_ABOVE = 0.5
_NESTED_ARTICLE_PARAGRAPHS = etree.XPath("//article//article//p")
_HEADINGS_AMONG_PARAGRAPHS = etree.XPath(
    "//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6][normalize-space()][preceding::p][following::p]"
)
_PEEK = 500  # characters of the text and of the paragraphs compared before the whole of them
_MENU_LINE = 30  # characters: a line shorter than this is a menu item or a label, whatever the language
_HEADLINE_WITHIN = 3  # the headline, when trafilatura keeps it, is among the first blocks
_HEADINGS_READ = 3  # <h1> elements that may state the headline: the first ones
_TITLE_SEPARATORS = re.compile(r" (?:[|–—:»·-]|::) ")  # on whitespace-collapsed titles: linear
_NOT_WORD = re.compile(r"[\W_]+")


def extract(doc: Document, *, markdown: bool = False, mode: str = DEFAULT_EXTRACTION) -> None:
    """Fill ``doc.blocks`` from ``doc.tree``, without the headline; set ``doc.reason`` when there is nothing."""
    extract_text(doc, markdown=markdown, mode=mode)
    drop_headline(doc)


def extract_text(doc: Document, *, markdown: bool = False, mode: str = DEFAULT_EXTRACTION) -> None:
    """trafilatura's text of ``doc.tree`` as ``doc.blocks``, headline included (``explain`` looks in between)."""
    if doc.tree is None:
        return
    if doc.keep_body_text:
        text = literal_text(doc.tree, markdown=markdown)
    elif mode == "auto":
        text = _trafilatura(doc, markdown, "fast")
        paragraphs = _paragraphs(doc.tree)
        if _visible_chars(text) < _FALLBACK_BELOW * paragraphs.chars:
            fuller = _trafilatura(doc, markdown, "full")
            if _visible_chars(fuller) > _visible_chars(text):
                text = fuller
        elif _menu_share(text) > _MENU_ABOVE:
            fuller = _trafilatura(doc, markdown, "full")
            if fuller and _menu_share(fuller) < _menu_share(text):
                text = fuller
        elif _is_paragraph_dump(doc.tree, text, paragraphs.texts):
            fuller = _trafilatura(doc, markdown, "full")
            if _visible_chars(fuller) >= _FALLBACK_BELOW * _visible_chars(text):
                text = fuller
    else:
        text = _trafilatura(doc, markdown, mode)
    if not text or not text.strip():
        doc.reason = (
            "the body a rule chose holds no text"
            if doc.keep_body_text
            else "no main text found (trafilatura returned nothing)"
        )
        return
    doc.extracted_chars = len(text)
    doc.blocks = split_blocks(text)


def _trafilatura(doc: Document, markdown: bool, mode: str) -> str | None:
    import trafilatura  # on first use: the command line and the parent of a batch never extract

    # A copy of the mode's settings with the page's URL, as trafilatura's command line gives each file its own
    settings = copy.copy(_settings(markdown, mode))
    settings.url = doc.url
    settings.source = doc.url and doc.url.encode("utf-8", "replace").decode("utf-8")  # what it logs, as it makes it
    return trafilatura.extract(doc.tree, options=settings)


@cache
def _settings(markdown: bool, mode: str) -> Extractor:
    """trafilatura's settings of a mode, made once: making them reads its configuration (0.04 ms a call)."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="markdown" if markdown else "txt", **TRAFILATURA_OPTIONS, **MODES[mode])


def _visible_chars(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


@dataclass(frozen=True)
class _Paragraphs:
    texts: list[str]  # of each <p> of the page, in page order
    chars: int  # their visible characters, but for those of an <article> inside another


def _paragraphs(tree: HtmlElement) -> _Paragraphs:
    """The page's paragraphs, read in one walk. Paragraphs of an <article> inside another are cards of other
    posts (a "you may also like" list), whose text the fallbacks would add to the article: their characters
    are not counted (looked for only on a page with two articles or more)."""
    texts, articles = [], 0
    for element in tree.iter("p", "article"):
        if element.tag == "p":
            texts.append(element.text_content())
        else:
            articles += 1
    chars = _visible_chars("".join(texts))
    if articles > 1:
        chars -= sum(_visible_chars(p.text_content()) for p in _NESTED_ARTICLE_PARAGRAPHS(tree))
    return _Paragraphs(texts, chars)


def _is_paragraph_dump(tree: HtmlElement, text: str | None, paragraphs: list[str]) -> bool:
    """Whether ``fast``'s text is trafilatura's last resort rather than an extraction: when its main extractor
    finds under 250 characters, it returns every paragraph of the page (its ``baseline``), a menu's or a
    teaser's included, and leaves out the subheadings between them and a summary that is not a <p>; the
    fallbacks compare real candidates there. An extraction keeps the subheadings among the paragraphs it
    takes, so text that is all the page's paragraphs and none of the headings between them is the dump."""
    if not _same_words(text or "", paragraphs) or not _HEADINGS_AMONG_PARAGRAPHS(tree):
        return False
    from trafilatura import baseline  # its first choices (JSON-LD, <article>) would have given other text

    return _NOT_WORD.sub("", text or "") == _NOT_WORD.sub("", baseline(tree)[1])


def _same_words(text: str, paragraphs: list[str]) -> bool:
    """Whether ``text`` has words and they are those of the paragraphs joined, word characters compared alone
    (Markdown's marks are not in the page's text). Taking characters out commutes with cutting a text, so the
    starts of both decide most pages, and then the paragraphs one by one, before anything is squeezed whole."""
    if not _may_be_equal(_NOT_WORD.sub("", text[:_PEEK]), _NOT_WORD.sub("", _start(paragraphs, _PEEK))):
        return False
    squeezed = _NOT_WORD.sub("", text)
    return bool(squeezed) and _squeezes_to(paragraphs, squeezed)


def _start(texts: list[str], length: int) -> str:
    """The texts joined, as far as the first ``length`` characters (or a little further)."""
    start: list[str] = []
    for text in texts:
        start.append(text)
        length -= len(text)
        if length <= 0:
            break
    return "".join(start)


def _squeezes_to(texts: list[str], squeezed: str) -> bool:
    """Whether the texts joined are ``squeezed`` once their non-word characters are taken out; compared text by
    text, so that paragraphs that are not the text part at the first that differs."""
    at = 0
    for text in texts:
        part = _NOT_WORD.sub("", text)
        if not squeezed.startswith(part, at):
            return False
        at += len(part)
    return at == len(squeezed)


def _may_be_equal(start: str, other_start: str) -> bool:
    """Whether two strings that begin with these can be the same: one start is the other's beginning."""
    return start.startswith(other_start) or other_start.startswith(start)


def _menu_share(text: str | None) -> float:
    """The share of the text's characters in lines too short to be sentences."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    total = sum(map(len, lines))
    return sum(len(line) for line in lines if len(line) < _MENU_LINE) / total if total else 0.0


def literal_text(tree: HtmlElement, *, markdown: bool = False) -> str:
    """The text of the page's <body> as it stands, one line per block element; in Markdown, headings and
    list items marked and blocks apart, as trafilatura writes them."""
    body = tree.find("body")
    if body is None:
        return ""
    lines: list[str] = []
    pending: list[str] = []
    marks: list[str] = []  # Markdown prefixes of the open headings and list items

    def flush() -> None:
        text = " ".join("".join(pending).split())
        if text:
            lines.append((marks[-1] if markdown and marks else "") + text)
        pending.clear()

    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                flush()
                if tag in _MARKS:
                    marks.append(_MARKS[tag])
            pending.append(element.text or "")
            continue
        if tag in _BLOCK_TAGS:
            flush()
            if tag in _MARKS:
                marks.pop()
        if element is not body:
            pending.append(element.tail or "")
    flush()
    return ("\n\n" if markdown else "\n").join(lines)


def _headline_keys(doc: Document) -> set[str]:
    """Normalised forms of every way the page states its headline: the title, the first <h1>s, <title> and
    twitter:title (read in one walk)."""
    if doc.tree is None:
        return set()
    candidates = [doc.title or ""]
    headings = 0
    for element in doc.tree.iter("h1", "title", "meta"):
        if element.tag == "h1":
            if headings < _HEADINGS_READ:
                candidates.append(element.text_content())
            headings += 1
            continue
        whole = element.text_content() if element.tag == "title" else _twitter_title(element)
        if whole is None:
            continue
        candidates.append(whole)
        # "Headline | Site": the longest piece is the headline; a shorter one may be a subheading's words
        candidates.append(max(_TITLE_SEPARATORS.split(" ".join(whole.split())), key=len))
    return {key for key in map(_normalise, candidates) if len(key) > 3}


def _twitter_title(meta: HtmlElement) -> str | None:
    return meta.get("content") if meta.get("name") == "twitter:title" else None


def _normalise(text: str) -> str:
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


_FIRST_PARAGRAPH = etree.XPath("(//h1)[1]/following::p[1]")


def _is_first_paragraph(doc: Document, key: str) -> bool:
    """Whether this text is also the paragraph after the headline: a page whose title is its first sentence."""
    return doc.tree is not None and any(_normalise(p.text_content()) == key for p in _FIRST_PARAGRAPH(doc.tree))


def drop_headline(doc: Document) -> None:
    """Take the headline off the first blocks: it is the title, not the article body."""
    keys = _headline_keys(doc)
    for index, block in enumerate(doc.blocks[:_HEADLINE_WITHIN]):
        key = _normalise(block.plain)
        if key in keys and not _is_first_paragraph(doc, key):
            doc.removed.append(Removal("extract:headline", "extractor", block.text))
            del doc.blocks[index]
            if doc.blocks and index == 0:
                doc.blocks[0].gap = False
            return
