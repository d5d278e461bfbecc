"""Stage 5: the main text of the pruned page, by trafilatura, without the headline (the page's title,
author, date... are read before pruning: metadata.py).

trafilatura's mode was chosen by measurement on the development set (README, "Quality";
``python bench/quality.py --modes``): ``fast`` skips its fallback extractors, which were slower and less
precise there; ``favor_recall`` tied with it, and is not the default because it loosens trafilatura's
boilerplate filters for pages no rule covers. Its process-wide deduplication cache is kept off: it would make
the output depend on the order in which documents are processed. Comments are left out: they are not
the article. When a rule chose the body and asked for it to be kept as it is (ftr ``prune: no``), its
text is taken block by block instead.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import Document, Removal, split_blocks
from cleaner.options import DEFAULT_EXTRACTION

TRAFILATURA_OPTIONS = {"include_comments": False, "include_tables": True, "include_images": False, "deduplicate": False}
MODES = {  # extraction mode -> trafilatura settings
    "fast": {"fast": True},  # no fallback extractors: the default
    "full": {},  # trafilatura's defaults, fallbacks included
    "precision": {"fast": True, "favor_precision": True},
    "recall": {"fast": True, "favor_recall": True},
}
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption"),
        *("figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"),
        *("ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"),
    }
)
_MARKS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### ", "li": "- "}
_HEADLINE_WITHIN = 3  # the headline, when trafilatura keeps it, is among the first blocks
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:»·-]\s+|\s+::\s+")
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
    else:
        import trafilatura  # on first use: the command line and the parent of a batch never extract

        text = trafilatura.extract(
            doc.tree,
            url=doc.url,
            output_format="markdown" if markdown else "txt",
            **TRAFILATURA_OPTIONS,
            **MODES[mode],
        )
    if not text or not text.strip():
        doc.reason = (
            "the body a rule chose holds no text"
            if doc.keep_body_text
            else "no main text found (trafilatura returned nothing)"
        )
        return
    doc.extracted_chars = len(text)
    doc.blocks = split_blocks(text)


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
    """Normalised forms of every way the page states its headline."""
    if doc.tree is None:
        return set()
    candidates = [doc.title or ""]
    candidates += [h.text_content() for h in doc.tree.xpath("//h1")[:3]]
    for title in doc.tree.xpath("//title|//meta[@name='twitter:title']/@content"):
        whole = title if isinstance(title, str) else title.text_content()
        candidates.append(whole)
        candidates += _TITLE_SEPARATORS.split(whole)
    return {key for key in map(_normalise, candidates) if len(key) > 3}


def _normalise(text: str) -> str:
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def drop_headline(doc: Document) -> None:
    """Take the headline off the first blocks: it is the title, not the article body."""
    keys = _headline_keys(doc)
    for index, block in enumerate(doc.blocks[:_HEADLINE_WITHIN]):
        if _normalise(block.plain) in keys:
            doc.removed.append(Removal("extract:headline", "extractor", block.text))
            del doc.blocks[index]
            if doc.blocks and index == 0:
                doc.blocks[0].gap = False
            return
