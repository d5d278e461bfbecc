"""Writing WARC and ARC files in tests: real files, gzipped one member per record as crawlers write them."""

from __future__ import annotations

import gzip
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Record:
    type: str
    url: str
    block: bytes  # what follows the WARC headers: HTTP headers and body, or a text
    content_type: str = "application/http; msgtype=response"

    @property
    def id(self) -> str:
        return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.type + self.url)}>"

    def encode(self) -> bytes:
        headers = (
            f"WARC/1.0\r\nWARC-Type: {self.type}\r\nWARC-Record-ID: {self.id}\r\n"
            f"WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Target-URI: {self.url}\r\n"
            f"Content-Type: {self.content_type}\r\nContent-Length: {len(self.block)}\r\n\r\n"
        )
        return headers.encode() + self.block + b"\r\n\r\n"


def response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK") -> Record:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    return Record("response", url, http + body)


def request(url: str) -> Record:
    return Record("request", url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "application/http; msgtype=request")


def metadata(url: str) -> Record:
    return Record("metadata", url, b"fetchTimeMs: 12\r\n", "application/warc-fields")


def conversion(url: str, text: str) -> Record:
    return Record("conversion", url, text.encode(), "text/plain")


def revisit(url: str) -> Record:
    return Record("revisit", url, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", "message/http")


def crawl(pages: list[tuple[str, bytes]]) -> list[Record]:
    """Records as Common Crawl writes them: request, response and metadata for each page."""
    return [record for url, body in pages for record in (request(url), response(url, body), metadata(url))]


def write_warc(path: Path, records: list[Record]) -> list[int]:
    """Write the records (gzip member per record for .gz); returns the offset of each record."""
    offsets, data = [], bytearray()
    for record in records:
        offsets.append(len(data))
        encoded = record.encode()
        data += gzip.compress(encoded, mtime=0) if path.name.endswith(".gz") else encoded
    path.write_bytes(bytes(data))
    return offsets


def write_arc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    """An ARC (version 1) file: a filedesc record, then one record per page, HTTP headers included."""
    version = b"1 0 cleaner-test\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://%s 0.0.0.0 20240501100000 text/plain %d\n" % (path.name.encode(), len(version))
    data = head + version + b"\n"
    for url, body in pages:
        block = b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
        data += b"%s 1.2.3.4 20240501100000 text/html %d\n" % (url.encode(), len(block)) + block + b"\n"
    path.write_bytes(data)
