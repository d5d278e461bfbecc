"""Stage 5: the main text of the pruned page, by trafilatura, without the headline.

trafilatura's mode was chosen by measurement on the development set (README, "Quality";
``python bench/quality.py --modes``): ``fast`` skips its fallback extractors, which was both faster and
more precise there at the same recall. Its process-wide deduplication cache is kept off: it would make
the output depend on the order in which documents are processed. Comments are left out: they are not
the article.
"""

from __future__ import annotations

import re
import unicodedata

import trafilatura

from cleaner.document import Document, Removal, split_blocks

TRAFILATURA_OPTIONS = {"include_comments": False, "include_tables": True, "include_images": False, "deduplicate": False}
MODES = {  # extraction mode -> trafilatura settings
    "fast": {"fast": True},  # no fallback extractors: the default
    "full": {},  # trafilatura's defaults, fallbacks included
    "precision": {"fast": True, "favor_precision": True},
    "recall": {"fast": True, "favor_recall": True},
}
DEFAULT_MODE = "fast"
_HEADLINE_WITHIN = 3  # the headline, when trafilatura keeps it, is among the first blocks
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:»·-]\s+|\s+::\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def extract(doc: Document, *, markdown: bool = False, mode: str = DEFAULT_MODE) -> None:
    """Fill ``doc.blocks`` from ``doc.tree``, without the headline; set ``doc.reason`` when there is nothing."""
    extract_text(doc, markdown=markdown, mode=mode)
    drop_headline(doc)


def extract_text(doc: Document, *, markdown: bool = False, mode: str = DEFAULT_MODE) -> None:
    """trafilatura's text of ``doc.tree`` as ``doc.blocks``, headline included (``explain`` looks in between)."""
    if doc.tree is None:
        return
    text = trafilatura.extract(
        doc.tree,
        url=doc.url,
        output_format="markdown" if markdown else "txt",
        **TRAFILATURA_OPTIONS,
        **MODES[mode],
    )
    if not text or not text.strip():
        doc.reason = "no main text found (trafilatura returned nothing)"
        return
    doc.extracted_chars = len(text)
    doc.blocks = split_blocks(text)


def page_title(doc: Document) -> str | None:
    """The headline: og:title, else the first <h1>, else <title>."""
    if doc.tree is None:
        return None
    for xpath in ("//meta[@property='og:title']/@content", "//h1", "//title"):
        for found in doc.tree.xpath(xpath):
            text = " ".join((found if isinstance(found, str) else found.text_content()).split())
            if text:
                return text
    return None


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
