"""One attempt at one URL: the guarded client, redirects, and a body read under limits.

Redirects are followed here, at most ``MAX_REDIRECTS``, each hop offered to the caller first (to check
robots.txt) and each connection checked by the network guard (``netguard.py``). The whole attempt must
end within a deadline: httpx's timeouts are per read, so a server dripping a byte at a time would
never time out. The body is read raw and inflated here in bounded steps, so a gzip bomb stops at the
size limit instead of filling memory. The bytes are kept as they came: cleaner's decode stage
decodes them. Which statuses deserve a retry is for the caller to decide.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

import httpcore
import httpx

from cleaner.errors import FetchError, translated_http
from cleaner.sources.fetch.netguard import GuardedBackend, IPNetwork
from cleaner.sources.files import BoundedInflater, is_binary, sniff_kind

MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_SNIFF_BYTES = 4096


@dataclass
class Page:
    """What one attempt brought back. ``body`` is kept for a 2xx answer of an accepted type only."""

    url: str
    final_url: str
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes | None = None
    refused: str | None = None  # why a 2xx body was not kept (not HTML)


def open_client(
    user_agent: str, *, connect_timeout: float, read_timeout: float, allowed: Sequence[IPNetwork] = ()
) -> httpx.AsyncClient:
    """An HTTP client that connects only to permitted addresses, verifies TLS, ignores proxy variables
    and follows no redirect by itself."""
    return httpx.AsyncClient(
        transport=_GuardedTransport(GuardedBackend(allowed)),
        headers={
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": ", ".join(_WBITS),
        },
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=None),
        follow_redirects=False,
        trust_env=False,
    )


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        super().__init__(trust_env=False)
        # httpx 0.28 takes no network backend, so its connection pool is replaced by one that connects
        # through the guard; the number of connections is bounded by the fetcher's own semaphores.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=None,
            max_keepalive_connections=64,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


async def download(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    deadline: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    html_only: bool = True,
    before_hop: Callable[[httpx.URL], Awaitable[None]] | None = None,
    truncate: bool = False,
) -> Page:
    """GET ``url`` once, following redirects; raises FetchError (TransientFetchError when a retry may
    help) for what is not an HTTP answer: no connection, TLS, too slow, too large, redirect trouble.
    With ``truncate``, a body over ``max_bytes`` is cut there instead of refused."""
    shown = str(url)
    try:
        async with asyncio.timeout(deadline):
            with translated_http(shown):
                return await _follow(client, url, headers or {}, _Limit(max_bytes, truncate), html_only, before_hop)
    except TimeoutError as exc:
        raise FetchError(shown, f"not finished within the {deadline:g} s deadline", "deadline") from exc


async def _follow(
    client: httpx.AsyncClient,
    url: httpx.URL,
    headers: Mapping[str, str],
    limit: _Limit,
    html_only: bool,
    before_hop: Callable[[httpx.URL], Awaitable[None]] | None,
) -> Page:
    target, seen = url, {str(url)}
    for _ in range(MAX_REDIRECTS + 1):
        response = await client.send(client.build_request("GET", target, headers=headers), stream=True)
        try:
            if response.next_request is None:
                return await _page(url, response, limit, html_only)
        finally:
            await response.aclose()
        target = response.next_request.url
        if target.scheme not in ("http", "https"):
            raise FetchError(str(url), f"redirected to {target}, not an http(s) URL", "bad redirect")
        if str(target) in seen:
            raise FetchError(str(url), f"redirect loop back to {target}", "redirect loop")
        seen.add(str(target))
        if before_hop is not None:
            await before_hop(target)
    raise FetchError(str(url), f"more than {MAX_REDIRECTS} redirects", "too many redirects")


async def _page(url: httpx.URL, response: httpx.Response, limit: _Limit, html_only: bool) -> Page:
    page = Page(str(url), str(response.url), response.status_code, response.reason_phrase, response.headers)
    if not 200 <= response.status_code < 300:
        return page
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower() or None
    if html_only and media_type is not None and media_type not in HTML_TYPES:
        page.refused = f"content type {media_type} is not HTML"
        return page
    body = await _read_body(response, limit)
    if html_only and media_type is None and not _looks_like_html(body):
        page.refused = "no content type, and the body does not look like HTML"
        return page
    if html_only and is_binary(body[:_SNIFF_BYTES]):  # a PDF or an image served as text/html
        page.refused = f"labelled {media_type} but the body is binary (a PDF, an image, an archive)"
        return page
    page.body = body
    return page


@dataclass(frozen=True)
class _Limit:
    max_bytes: int
    truncate: bool  # cut the body at max_bytes (robots.txt) instead of refusing it


async def _read_body(response: httpx.Response, limit: _Limit) -> bytes:
    where, max_bytes = str(response.request.url), limit.max_bytes
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes and not limit.truncate:
        raise FetchError(where, f"Content-Length {int(declared):,} is over the {max_bytes:,}-byte limit", "too large")
    inflater = _inflater(response.headers.get("content-encoding", ""), max_bytes, where)
    body, received = bytearray(), 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        body += inflater.feed(chunk) if inflater else chunk
        if limit.truncate and (received > max_bytes or len(body) >= max_bytes):
            return bytes(body[:max_bytes])
        if received > max_bytes or len(body) > max_bytes:
            grew = "inflates to" if inflater and len(body) > max_bytes else "is"
            raise FetchError(where, f"body {grew} more than the {max_bytes:,}-byte limit", "too large")
    if inflater and not inflater.complete:
        raise FetchError(where, "truncated compressed body", "bad encoding")
    return bytes(body)


def _inflater(content_encoding: str, max_bytes: int, where: str) -> BoundedInflater | None:
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip().lower() not in ("", "identity")]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in _WBITS:
        raise FetchError(where, f"unsupported Content-Encoding {content_encoding!r}", "bad encoding")
    return BoundedInflater(_WBITS[codings[0]], max_bytes)


def _looks_like_html(body: bytes) -> bool:
    head = body[:_SNIFF_BYTES]
    return b"\0" not in head and sniff_kind(head) == "html"
