"""Feeds and sitemaps as URL sources: ``cleaner fetch --feed URL`` and ``--sitemap URL`` (``run`` too).

A feed (RSS 2.0, RSS 1.0 or Atom) gives its items' links; a sitemap gives its ``<loc>`` URLs, and a
sitemap index the sitemaps it lists, read in turn, to ``MAX_DEPTH`` levels and ``MAX_SITEMAPS`` files;
a robots.txt URL gives its ``Sitemap:`` lines. Listings are downloaded with the fetcher's client (the
same address guard, deadline and size cap), after the host's robots.txt allows it, one at a time, with
the fetch delay between requests. gzipped sitemaps are inflated in bounded steps. The XML parser
resolves no entity, loads no DTD and touches no network, so a listing cannot make it read a file or
a URL, or blow up in memory.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import deque
from typing import Literal

import httpx
from lxml import etree

from cleaner.errors import FetchError
from cleaner.options import FetchOptions
from cleaner.sources.fetch.download import download, open_client
from cleaner.sources.fetch.netguard import EVERYWHERE
from cleaner.sources.fetch.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from cleaner.sources.fetch.robots import Robots
from cleaner.sources.files import BoundedInflater

MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit for one file, uncompressed
MAX_DEPTH = 2  # a sitemap index, then the sitemaps it lists
MAX_SITEMAPS = 100
MAX_URLS = 50_000
_ATOM = "{http://www.w3.org/2005/Atom}"


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True, recover=False
    )


def feed_links(data: bytes, where: str) -> list[str]:
    """The links of a feed's items (RSS ``<item><link>``, Atom ``<entry><link rel=alternate href>``)."""
    root = _parse(data, where)
    links = [link.strip() for link in root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")]
    for entry in root.iter(f"{_ATOM}entry"):
        for link in entry.iter(f"{_ATOM}link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                links.append(link.get("href").strip())
                break
    return [link for link in links if link]


def sitemap_locations(data: bytes, where: str) -> tuple[list[str], list[str]]:
    """``(pages, sitemaps)``: the ``<url><loc>`` of a sitemap, the ``<sitemap><loc>`` of an index."""
    root = _parse(data, where)

    def locs(parent: str) -> list[str]:
        found = root.xpath(f"/*/*[local-name()='{parent}']/*[local-name()='loc']/text()")
        return [loc.strip() for loc in found if loc.strip()]

    return locs("url"), locs("sitemap")


def listing_urls(kind: Literal["feed", "sitemap"], url: str, options: FetchOptions | None = None) -> list[str]:
    """The page URLs a feed or a sitemap (index, or robots.txt) lists; FetchError when it cannot be read."""
    return asyncio.run(_gather(kind, url, options or FetchOptions()))


async def _gather(kind: str, url: str, options: FetchOptions) -> list[str]:
    allowed = EVERYWHERE if options.allow_private else tuple(map(ipaddress.ip_network, options.allow_networks))
    client = open_client(
        options.user_agent, connect_timeout=options.connect_timeout, read_timeout=options.read_timeout, allowed=allowed
    )
    robots: dict[str, Robots] = {}
    pages: dict[str, None] = {}
    queue, seen = deque([(url, 0)]), {url}
    async with client:
        while queue and len(pages) < MAX_URLS:
            where, depth = queue.popleft()
            target = httpx.URL(where)
            if target.path == "/robots.txt" and kind == "sitemap":
                found: list[str] = (await _robots(client, target, options, robots)).sitemaps()
                listed: list[str] = []
            else:
                data = await _get(client, target, options, robots)
                if kind == "feed":
                    listed, found = feed_links(data, where), []
                else:
                    listed, found = sitemap_locations(data, where)
            pages.update(dict.fromkeys(listed))
            for child in found if depth < MAX_DEPTH else ():
                if child not in seen and len(seen) < MAX_SITEMAPS:
                    seen.add(child)
                    queue.append((child, depth + 1))
            if queue:
                await asyncio.sleep(options.delay)
    return list(pages)[:MAX_URLS]


async def _robots(client: httpx.AsyncClient, url: httpx.URL, options: FetchOptions, cache: dict[str, Robots]) -> Robots:
    key = f"{url.scheme}://{url.netloc.decode()}"
    if key not in cache:
        try:
            page = await download(
                client,
                url.copy_with(path="/robots.txt", query=None, fragment=None),
                deadline=options.deadline,
                max_bytes=ROBOTS_MAX_BYTES,
                html_only=False,
            )
        except FetchError as exc:
            cache[key] = Robots.from_failure(exc)
        else:
            cache[key] = Robots.from_answer(page.status, page.body)
    return cache[key]


async def _get(client: httpx.AsyncClient, url: httpx.URL, options: FetchOptions, robots: dict[str, Robots]) -> bytes:
    refusal = (await _robots(client, url, options, robots)).refusal(str(url), options.user_agent)
    if refusal is not None:
        raise refusal
    page = await download(client, url, deadline=options.deadline, max_bytes=MAX_BYTES, html_only=False)
    if not 200 <= page.status < 300 or page.body is None:
        raise FetchError(str(url), f"HTTP {page.status} {page.reason}".strip(), f"HTTP {page.status}")
    body = page.body
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz: the file itself is gzipped, not the transfer
        inflater = BoundedInflater(16 + 15, MAX_BYTES)
        body = inflater.feed(body)
        if inflater.over_limit or not inflater.complete:
            raise FetchError(str(url), "gzipped listing is corrupt or over the size limit", "listing")
    return body


def _parse(data: bytes, where: str) -> etree._Element:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise FetchError(where, f"not a feed or sitemap: {exc}", "listing") from None
    if root is None:
        raise FetchError(where, "not a feed or sitemap: empty", "listing")
    return root
