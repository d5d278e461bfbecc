"""Stage 2: bytes to text, and HTML text to an lxml tree.

The encoding is taken, in order, from a byte-order mark, the HTTP header (``Document.declared_charset``),
the document's own ``<meta charset>``, strict UTF-8, then detection by chardetng (Firefox's detector for
unlabelled legacy pages); the step that decided is recorded in ``Document.encoding_source``. Guessing
wrong silently corrupts text ("très" becomes "trčs"), so each declared encoding must decode the bytes
strictly before it is trusted, and a declared legacy encoding loses to UTF-8 when the bytes are valid
UTF-8 (mojibake check: legacy text is almost never valid UTF-8 by accident, while UTF-8 pages under a
stale ``iso-8859-1`` label are common). Measured on the 295 development pages that hold non-ASCII text,
re-encoded into their language's legacy code page with the declarations removed: charset-normalizer
decoded 76 wrongly, chardet 7.7 49, chardetng 6 (English pages, on rare punctuation).

Characters that XML cannot hold (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF)
are taken out of the text before anything parses it: lxml refuses them, and trafilatura then returns
nothing for the whole page.
"""

from __future__ import annotations

import codecs
import re
import threading

import lxml.html
from lxml import etree

from cleaner.document import Document
from cleaner.errors import InputError, translated
from cleaner.sources.files import is_binary

# Characters outside XML 1.0's Char production; vertical tab and form feed read as spaces.
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE_LIKE = re.compile("[\x0b\x0c]")
_EITHER = re.compile(f"{_NOT_XML.pattern}|{_SPACE_LIKE.pattern}")  # one pass over a page that has neither
# The same test on the UTF-8 bytes a text was strictly decoded from (no lone surrogate survives that): each control
# character is one byte there, and U+FFFE and U+FFFF begin with 0xEF (as does all of U+F000..U+FFFF); deleting every
# other byte leaves nothing on most pages (one pass that writes nothing: five times faster than the regex on the
# text, twice as fast as translating every byte).
_LEAD_OF_NONCHARACTERS = 0xEF
_UNREMARKABLE_BYTES = bytes(
    byte for byte in range(256) if byte != _LEAD_OF_NONCHARACTERS and (byte >= 128 or _EITHER.match(chr(byte)) is None)
)
# WHATWG: a <meta> that names UTF-16 or UTF-32 was read by an ASCII-compatible decoder, so it is wrong.
_NOT_FROM_META = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding standard); so do we.
_AS_WINDOWS_1252 = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "ascii", "us-ascii", "iso_8859-1"}
_SNIFF_BYTES = 8192
# libxml2 stops building the tree at this depth even with huge_tree; what lies deeper is lost.
_DEPTH_ERROR = "Excessive depth"


def decode(doc: Document) -> None:
    """Fill ``doc.content`` from ``doc.raw`` unless the caller gave text, and ``doc.tree`` for HTML."""
    utf8 = None  # the text's UTF-8 bytes, when they are the raw bytes: the parser takes them as they are
    if not doc.content:
        if not doc.raw.strip():
            raise InputError(doc.source, "empty input")
        doc.content, doc.encoding, doc.encoding_source = decode_bytes(
            doc.raw, doc.source, declared=doc.declared_charset, html=doc.kind == "html", url=doc.url
        )
        utf8 = doc.raw if doc.encoding == "utf-8" else None  # decoded strictly: it encodes back to the same bytes
    if utf8 is None or not _xml_safe_utf8(doc.content, utf8):
        safe = xml_safe(doc.content)
        if safe is not doc.content:
            doc.content, utf8 = safe, None
    if not doc.content.strip():
        raise InputError(doc.source, "no text in input")
    doc.content_utf8 = utf8
    if doc.kind == "html":
        doc.tree = parse_html(doc.content, doc.source, utf8)


def xml_safe(text: str) -> str:
    """``text`` without the characters lxml refuses (see the module's docstring)."""
    if _EITHER.search(text) is None:
        return text
    return _NOT_XML.sub("", _SPACE_LIKE.sub(" ", text))


def _xml_safe_utf8(text: str, utf8: bytes) -> bool:
    """Whether ``text``, strictly decoded from ``utf8``, holds nothing ``xml_safe`` takes out."""
    remarkable = utf8.translate(None, _UNREMARKABLE_BYTES)
    if not remarkable:
        return True
    if remarkable.strip(bytes([_LEAD_OF_NONCHARACTERS])):
        return False  # a control character
    return "\ufffe" not in text and "\uffff" not in text


def decode_bytes(
    raw: bytes, where: str, *, declared: str | None = None, html: bool = False, url: str | None = None
) -> tuple[str, str, str]:
    """(text, encoding, which step decided) for ``raw``; InputError for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace"), encoding, "bom"
    head = raw[:_SNIFF_BYTES]
    if is_binary(head):
        raise InputError(where, "binary file, not text or HTML")
    from bs4.dammit import EncodingDetector  # on first use, like the extractor: see spawning.PRELOAD

    candidates = [(_codec_name(declared), "http-header")]
    if html:
        meta = _codec_name(EncodingDetector.find_declared_encoding(raw, is_html=True))
        candidates.append(("utf-8" if meta in _NOT_FROM_META else meta, "meta"))
    for encoding, source in candidates:
        if encoding is None:
            continue
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8" and not raw.isascii() and _is_utf8(raw):
            return raw.decode("utf-8"), "utf-8", f"utf-8 (the {source} said {encoding})"
        return text, encoding, source
    if _is_utf8(raw):
        return raw.decode("utf-8"), "utf-8", "utf-8"
    import chardetng_py  # on first use, like the extractor: see spawning.PRELOAD

    encoding = _codec_name(chardetng_py.detect(raw, allow_utf8=False, tld=_top_level_domain(url))) or "cp1252"
    return raw.decode(encoding, errors="replace"), encoding, "detected"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _top_level_domain(url: str | None) -> bytes | None:
    """The last label of ``url``'s host, a hint for detection (a .pl page is likelier cp1250)."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    label = host.rstrip(".").rsplit(".", 1)[-1]
    return label.encode("ascii") if label.isascii() and label.isalpha() else None


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


def parse_html(text: str, where: str, utf8: bytes | None = None) -> lxml.html.HtmlElement:
    """Parse like trafilatura does (comments and processing instructions dropped), with libxml2's size
    limits lifted (the caller caps the input size) and its depth limit reported instead of silently
    truncating the document. ``utf8``: ``text`` encoded in UTF-8, when the caller has it."""
    parser = _parser()
    with translated(where):
        encoded = text.encode("utf-8", errors="replace") if utf8 is None else utf8
        tree = lxml.html.document_fromstring(encoded, parser=parser)
    if any(entry.message.startswith(_DEPTH_ERROR) for entry in parser.error_log):
        raise InputError(where, "HTML nested too deeply (over 2048 levels): the parser would drop part of it")
    return tree


_parsers = threading.local()


def _parser() -> lxml.html.HTMLParser:
    """This thread's parser (one per page cost 0.08 ms); its error log holds the last parse's errors only."""
    parser = getattr(_parsers, "html", None)
    if parser is None:
        parser = _parsers.html = lxml.html.HTMLParser(
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
            default_doctype=False,
            huge_tree=True,
            encoding="utf-8",
        )
        parser.set_element_class_lookup(_html_classes())
    return parser


def _html_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (its form elements' by tag name, HtmlElement for the rest), chosen in C:
    lxml.html's own lookup is a Python method called for every element a stage or the extractor touches, 2,000
    a page, which made walking a tree 1.4 times slower."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    by_tag = lookup.get_namespace(None)
    for tag, element_class in lxml.html.HtmlElementClassLookup._default_element_classes.items():
        by_tag[tag] = element_class
    return lookup
