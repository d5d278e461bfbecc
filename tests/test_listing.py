"""Feeds and sitemaps as URL sources, served by real local HTTP servers; parsed without entities or network."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.errors import FetchError
from cleaner.sources.fetch.listing import MAX_DEPTH, listing_urls
from tests.conftest import run_cli
from tests.test_fetch import FAST, robots
from tests.webserver import Site, page

XML = "application/xml"


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site("127.0.0.2")
    yield server
    server.close()


def urlset(*locs: str) -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def index(*locs: str) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def test_robots_sitemap_lines_an_index_and_a_gzipped_sitemap(site: Site) -> None:
    site.routes.update(
        {
            "/robots.txt": robots(f"User-agent: *\nDisallow: /private\nSitemap: {site.url}/index.xml\n"),
            "/index.xml": page(index(f"{site.url}/a.xml.gz", f"{site.url}/b.xml"), content_type=XML),
            "/a.xml.gz": page(gzip.compress(urlset(f"{site.url}/p1", f"{site.url}/p2").encode()), content_type=XML),
            "/b.xml": page(urlset(f"{site.url}/p2", f"{site.url}/p3"), content_type=XML),
        }
    )
    found = listing_urls("sitemap", f"{site.url}/robots.txt", FAST)
    assert found == [f"{site.url}/p1", f"{site.url}/p2", f"{site.url}/p3"]


def test_rss_and_atom_feeds_give_their_items_links(site: Site) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><link>https://home.example/</link>'
        "<item><title>A</title><link>https://news.example/a</link></item>"
        "<item><title>B</title><link> https://news.example/b </link></item></channel></rss>"
    )
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><link href="https://home.example/"/>'
        '<entry><link rel="edit" href="https://x/edit"/><link href="https://news.example/c"/></entry></feed>'
    )
    site.routes.update({"/rss": page(rss, content_type=XML), "/atom": page(atom, content_type=XML)})
    assert listing_urls("feed", f"{site.url}/rss", FAST) == ["https://news.example/a", "https://news.example/b"]
    assert listing_urls("feed", f"{site.url}/atom", FAST) == ["https://news.example/c"]


def test_entities_are_not_resolved_and_the_parser_touches_no_network(site: Site, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://leak.example/secret")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{site.url}/evil.dtd" ['
        f'<!ENTITY file SYSTEM "file://{secret}"><!ENTITY web SYSTEM "{site.url}/entity">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<rss><channel><item><link>&file;</link></item><item><link>&web;</link></item>"
        "<item><link>https://ok.example/&c;</link></item></channel></rss>"
    )
    site.routes.update({"/feed": page(hostile, content_type=XML)})
    found = listing_urls("feed", f"{site.url}/feed", FAST)
    assert not any("leak" in url for url in found)
    assert all(len(url) < 100 for url in found)  # &c; was not expanded to 100 a's
    assert site.paths() == ["/robots.txt", "/feed"]  # neither the DTD nor the entity was requested


def test_sitemap_indexes_are_followed_to_a_bounded_depth(site: Site) -> None:
    site.routes.update(
        {f"/i{n}.xml": page(index(f"{site.url}/i{n + 1}.xml"), content_type=XML) for n in range(MAX_DEPTH + 3)}
    )
    assert listing_urls("sitemap", f"{site.url}/i0.xml", FAST) == []
    assert site.paths() == ["/robots.txt", *(f"/i{n}.xml" for n in range(MAX_DEPTH + 1))]


def test_a_listing_robots_txt_forbids_or_that_is_not_xml_is_an_error(site: Site) -> None:
    site.routes.update(
        {"/robots.txt": robots("User-agent: *\nDisallow: /private\n"), "/private/map.xml": page(urlset("x"))}
    )
    site.routes["/page"] = page("<html><body>not a feed</body>")
    with pytest.raises(FetchError, match="robots"):
        listing_urls("sitemap", f"{site.url}/private/map.xml", FAST)
    with pytest.raises(FetchError, match="not a feed or sitemap"):
        listing_urls("feed", f"{site.url}/page", FAST)


def test_cli_fetch_with_a_feed_saves_the_pages_it_links_to(site: Site, tmp_path: Path) -> None:
    items = "".join(f"<item><link>{site.url}/{name}</link></item>" for name in "ab")
    rss = f"<rss><channel>{items}</channel></rss>"
    site.routes.update({"/feed": page(rss, content_type=XML), "/a": page(), "/b": page()})
    result = run_cli(
        "fetch", "--feed", f"{site.url}/feed", "--out", tmp_path / "raw", "--allow-private", "--delay", "0"
    )
    assert result.returncode == 0, result.stderr_text
    assert len(list((tmp_path / "raw").rglob("*.html"))) == 2
    broken = run_cli("fetch", "--feed", f"{site.url}/nothing", "--out", tmp_path / "raw", "--allow-private")
    assert broken.returncode == 1 and "error:" in broken.stderr_text and "Traceback" not in broken.stderr_text
    assert run_cli("fetch", "--out", tmp_path / "raw").returncode == 2  # neither a list nor a feed
