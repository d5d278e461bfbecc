"""Stage 2: bytes to text, and HTML text to an lxml tree.

The encoding is taken, in order, from a byte-order mark, the HTTP header (``Document.declared_charset``),
the document's own ``<meta charset>``, strict UTF-8, then detection by charset-normalizer; the step
that decided is recorded in ``Document.encoding_source``. Guessing wrong silently corrupts text
("très" becomes "trčs"), so each declared encoding must decode the bytes strictly before it is trusted.
"""

from __future__ import annotations

import codecs

import lxml.html

from cleaner.document import Document
from cleaner.errors import InputError, translated

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding standard); so do we.
_AS_WINDOWS_1252 = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "ascii", "us-ascii", "iso_8859-1"}
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
_SNIFF_BYTES = 8192
# libxml2 stops building the tree at this depth even with huge_tree; what lies deeper is lost.
_DEPTH_ERROR = "Excessive depth"


def decode(doc: Document) -> None:
    """Fill ``doc.content`` from ``doc.raw`` unless the caller gave text, and ``doc.tree`` for HTML."""
    if not doc.content:
        if not doc.raw.strip():
            raise InputError(doc.source, "empty input")
        doc.content, doc.encoding, doc.encoding_source = decode_bytes(
            doc.raw, doc.source, declared=doc.declared_charset, html=doc.kind == "html"
        )
    if not doc.content.strip():
        raise InputError(doc.source, "no text in input")
    if doc.kind == "html":
        doc.tree = parse_html(doc.content, doc.source)


def decode_bytes(raw: bytes, where: str, *, declared: str | None = None, html: bool = False) -> tuple[str, str, str]:
    """(text, encoding, which step decided) for ``raw``; InputError for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace"), encoding, "bom"
    head = raw[:_SNIFF_BYTES]
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        raise InputError(where, "binary file, not text or HTML")
    from bs4.dammit import EncodingDetector  # on first use, like the extractor: see workers.PRELOAD

    candidates = [(declared, "http-header")]
    if html:
        candidates.append((EncodingDetector.find_declared_encoding(raw, is_html=True), "meta"))
    candidates.append(("utf-8", "utf-8"))
    for label, source in candidates:
        encoding = _codec_name(label)
        if encoding is None:
            continue
        try:
            return raw.decode(encoding), encoding, source
        except UnicodeDecodeError:
            continue
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise InputError(where, "cannot decode: no text encoding fits these bytes")
    return raw.decode(best.encoding, errors="replace"), best.encoding, "detected"


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _AS_WINDOWS_1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def parse_html(text: str, where: str) -> lxml.html.HtmlElement:
    """Parse like trafilatura does (comments and processing instructions dropped), with libxml2's size
    limits lifted (the caller caps the input size) and its depth limit reported instead of silently
    truncating the document."""
    parser = lxml.html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
        huge_tree=True,
        encoding="utf-8",
    )
    with translated(where):
        tree = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    if any(entry.message.startswith(_DEPTH_ERROR) for entry in parser.error_log):
        raise InputError(where, "HTML nested too deeply (over 2048 levels): the parser would drop part of it")
    return tree
