"""Real HTTP servers for the fetcher's tests: one per host on 127.0.0.x, each logging what it received.

A server maps paths to routes; a route is a function that writes the whole answer through the
request handler, so it can misbehave as real servers do (drip bytes, reset the connection, lie
about its length). ``Site.log`` lists every request with the server's own arrival and end times.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]

ARTICLE = (
    "<html><head><title>A story</title></head><body><article>"
    + "<p>A paragraph of the article with enough words to count as text, about the harbour. </p>" * 6
    + "</article></body></html>"
)


@dataclass
class Logged:
    path: str
    headers: dict[str, str]
    started: float  # time.monotonic(), the same clock in every process of this machine
    ended: float = 0.0


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: str,
        routes: dict[str, Route] | None = None,
        default: Route | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__((address, 0), _Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.routes = dict(routes or {})
        self.default = default
        self.log: list[Logged] = []
        self.connections = 0  # accepted, whether or not a request followed (a failed TLS handshake)
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    def get_request(self):
        self.connections += 1
        return super().get_request()

    def handle_error(self, request, client_address) -> None:  # clients that go away are what tests do
        pass

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        scheme = "https" if isinstance(self.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{host}:{port}"

    def paths(self) -> list[str]:
        return [entry.path for entry in self.log]

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Site

    def do_GET(self) -> None:
        entry = Logged(self.path, dict(self.headers), time.monotonic())
        self.server.log.append(entry)
        route = self.server.routes.get(self.path, self.server.default) or page("not here", status=404)
        try:
            route(self)
        finally:
            entry.ended = time.monotonic()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def page(
    body: str | bytes = ARTICLE, *, status: int = 200, content_type: str | None = "text/html; charset=utf-8", **headers
) -> Route:
    """A complete answer with a Content-Length; extra headers as keyword arguments (``retry_after=1``)."""
    data = body.encode() if isinstance(body, str) else body

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-").title(), str(value))
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return page(b"", status=status, content_type=None, location=location)


def in_turn(*routes: Route) -> Route:
    """Each request gets the next route; the last one answers every request after."""
    remaining = list(routes)

    def route(handler: BaseHTTPRequestHandler) -> None:
        (remaining.pop(0) if len(remaining) > 1 else remaining[0])(handler)

    return route


def slow(seconds: float, then: Route) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        then(handler)

    return route


def unframed(chunks: Iterator[bytes], *, headers: dict[str, str] | None = None, every: float = 0.0) -> Route:
    """An answer without Content-Length, ended by closing the connection; optionally dripped."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        try:
            for chunk in chunks:
                handler.wfile.write(chunk)
                handler.wfile.flush()
                time.sleep(every)
        except OSError:  # the client went away: what the test wants
            pass

    return route


def reset_after(sent: bytes, declared: int) -> Route:
    """Promise ``declared`` bytes, send ``sent``, then reset the connection (RST, not a clean close)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(sent)
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True

    return route


def gzip_bomb(inflated_mib: int) -> bytes:
    """A valid gzip stream of ``inflated_mib`` MiB of zeros, about 1 KB per MiB, built without
    compressing them all: full flushes make the compressed block for each MiB the same bytes."""
    mib = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated_mib):
        crc = zlib.crc32(mib, crc)
    header = gzip.compress(b"", mtime=0)[:10]
    trailer = struct.pack("<II", crc, (inflated_mib << 20) & 0xFFFFFFFF)
    return header + block * inflated_mib + deflate.flush() + trailer
