"""WARC and ARC files (gzipped or not) as a source of pages: ``cleaner clean --warc FILE -o OUT``.

HTML ``response`` records become HTML documents (the HTTP charset goes to the decoder), WET
``conversion`` records become text documents; every other record (request, metadata, revisit,
warcinfo, non-HTML or non-2xx responses) is passed over and counted. warcio reads the records
(chosen by measurement: fast enough, reads ARC, and datatrove's WarcReader uses it too).

warcio stops quietly at a truncated gzip member and hands over a truncated record as if it were
whole, and reads an HTML file as an ARC record; so this module checks what it cannot: the file must
start like a WARC or an ARC, each record must hold the bytes its Content-Length promises, and the
records must cover the file to its last byte. Damage ends the file with a ``Damage`` naming the offset
(of the gzip member in a .warc.gz, as Common Crawl's indexes do); what came before it has been yielded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from cleaner.document import Kind
from cleaner.sources.files import DEFAULT_MAX_BYTES, charset_of, sniff_kind

HTML_TYPES = ("text/html", "application/xhtml+xml")
_SIGNATURES = (b"WARC/", b"filedesc://")
_CHUNK = 1 << 16
_READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, OSError, ValueError)


@dataclass(frozen=True)
class _Located:
    file: str
    offset: int  # of the record (of its gzip member in a .warc.gz)

    @property
    def where(self) -> str:
        """``file@offset``: how messages and reports name a record."""
        return f"{self.file}@{self.offset}"


@dataclass(frozen=True)
class WarcPage(_Located):
    """A record to clean: an HTML response or a WET conversion."""

    id: str
    url: str | None
    date: str | None
    kind: Kind
    body: bytes
    charset: str | None  # from the HTTP Content-Type header


@dataclass(frozen=True)
class PassedOver(_Located):
    """A record that is not a page (request, metadata, revisit, an image...): counted, not cleaned."""

    what: str  # "request", "revisit", "response image/png", "response HTTP 404"


@dataclass(frozen=True)
class Refused(_Located):
    """A page record that cannot be cleaned (too large, broken HTTP headers); the file goes on."""

    url: str | None
    reason: str
    failed: bool  # broken data (exit 1), rather than a page cleaner declines


@dataclass(frozen=True)
class Damage(_Located):
    """The file cannot be read past ``offset``: truncated, corrupt, or not a WARC at all."""

    problem: str


WarcItem = WarcPage | PassedOver | Refused | Damage


def read_warc(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[WarcItem]:
    """Yield each record of a WARC or ARC file as a page, a passed-over record, or a refusal; then any damage."""
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        yield Damage(name, 0, f"cannot read: {exc.strerror}")
        return
    with handle:
        size = _size(handle)
        head = _inflated_head(handle.read(512))
        problem = _not_an_archive(head)
        if problem:
            yield Damage(name, 0, problem)
            return
        handle.seek(0)
        records = ArchiveIterator(handle, arc2warc=True)
        records.INC_RECORD = ""  # warcio prints this warning itself; err_count tells us, and we say where
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except _READ_ERRORS as exc:
                yield Damage(name, records.offset, f"cannot read a record here: {_describe(exc)}")
                return
            offset = records.offset  # where this record starts, until it has been read to its end
            try:
                item = _item(record, name, offset, max_bytes, arc=head.startswith(b"filedesc://"))
                while record.raw_stream.read(_CHUNK):  # the rest, so that a short record shows
                    pass
            except _READ_ERRORS as exc:
                yield Damage(name, offset, f"cannot read this record: {_describe(exc)}")
                return
            missing = record.raw_stream.limit
            if missing > 0:  # the file ended inside the record
                yield Damage(name, offset, f"truncated record: {missing:,} of its {record.length:,} bytes missing")
                return
            records.read_to_end()
            if records.err_count:
                yield Damage(name, offset, "the record does not end where its Content-Length says")
                return
            yield item
        if records.offset < size:
            yield Damage(
                name,
                records.offset,
                f"truncated or damaged: {size - records.offset:,} bytes after the last whole record",
            )


def _item(record: Any, name: str, offset: int, max_bytes: int, *, arc: bool) -> WarcItem:
    kind = record.rec_type
    if kind not in ("response", "conversion"):
        return PassedOver(name, offset, kind)
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.length > max_bytes:
        return Refused(name, offset, url, f"larger than the {max_bytes:,}-byte limit ({record.length:,} bytes)", False)
    charset, mime = None, ""
    if kind == "response":
        http = record.http_headers
        if http is None:
            return PassedOver(name, offset, "response without HTTP headers")
        if not http.protocol.upper().startswith("HTTP/") or not http.get_statuscode().isdigit():
            return Refused(name, offset, url, f"broken HTTP headers: {http.protocol} {http.statusline}"[:100], True)
        status = int(http.get_statuscode())
        if not 200 <= status < 300:
            return PassedOver(name, offset, f"response HTTP {status}")
        content_type = http.get_header("Content-Type") or ""
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime and mime not in HTML_TYPES:
            return PassedOver(name, offset, f"response {mime}")
        charset = charset_of(content_type)
    body = record.content_stream().read()
    page_kind: Kind = "text" if kind == "conversion" else "html"
    if kind == "response" and not mime and sniff_kind(body) != "html":
        return PassedOver(name, offset, "response without a content type, not HTML")
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if arc or not record_id:  # ARC records have no id (warcio makes up a random one): the place is the id
        record_id = f"{Path(name).name}@{offset}"
    date = record.rec_headers.get_header("WARC-Date")
    return WarcPage(name, offset, record_id, url, date, page_kind, body, charset)


def _inflated_head(head: bytes) -> bytes:
    if head[:2] != b"\x1f\x8b":
        return head
    try:
        return zlib.decompressobj(31).decompress(head, 64)
    except zlib.error:
        return b""


def _not_an_archive(head: bytes) -> str | None:
    if not head:
        return "empty or bad gzip data: not a WARC or ARC file"
    if head.startswith(_SIGNATURES):
        return None
    shown = head[:20].decode("ascii", errors="replace")
    return f"not a WARC or ARC file (it starts with {shown!r})"


def _size(handle: Any) -> int:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    return size


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ArchiveLoadFailed):  # its message quotes the bytes found, binary included
        return "no WARC record starts here (corrupt data, or a wrong Content-Length before it)"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
