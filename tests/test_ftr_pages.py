"""Multi-page articles: an ftr file's ``single_page_link`` and ``next_page_link`` followed by ``cleaner run`` and
``cleaner fetch``, against real HTTP servers on 127.0.0.x: at most ten pages, one origin, robots.txt and the
host's delay obeyed, the pages joined in order."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.options import FetchOptions
from cleaner.sources.fetch.fetcher import FetchOutcome, fetch
from tests.conftest import run_cli
from tests.webserver import Site, page

FAST = FetchOptions(delay=0, allow_private=True, deadline=5, connect_timeout=2, read_timeout=2)
PAGES = "body: //article\nnext_page_link: //a[@rel='next']\nsingle_page_link: //link[@rel='amphtml']\n"


def part(number: int, next_href: str | None = None, *, head: str = "") -> str:
    """Page ``number`` of a story: its own sentences, and a link to the next page when there is one."""
    sentences = "".join(
        f"<p>Part {number} of the harbour story, sentence {n}, with words enough for any extractor to keep.</p>"
        for n in range(1, 4)
    )
    follow = f"<a rel='next' href='{next_href}'>Next page</a>" if next_href else ""
    return f"<html><head><title>Story</title>{head}</head><body><article>{sentences}</article>{follow}</body></html>"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "ftr"
    folder.mkdir()
    (folder / "127.0.0.2.txt").write_text(PAGES, encoding="utf-8")
    return folder


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site("127.0.0.2")
    yield served
    served.close()


def fetched(tmp_path: Path, rules: Path, *urls: str) -> list[tuple[FetchOutcome, dict, str]]:
    """What one ``fetch`` of ``urls`` reports for each, in their order, with its sidecar and the page saved."""
    outcomes: dict[str, FetchOutcome] = {}
    options = dataclasses.replace(FAST, rules_dirs=(rules,))
    fetch(urls, tmp_path / "out", options, on_outcome=lambda outcome: outcomes.update({outcome.url: outcome}))
    saved = [(outcomes[url], Path(outcomes[url].path)) for url in urls]
    return [
        (outcome, json.loads(path.with_suffix(".meta.json").read_text()), path.read_text()) for outcome, path in saved
    ]


def test_next_pages_are_followed_and_joined_in_order_by_cleaner_run(tmp_path: Path, site: Site, rules: Path) -> None:
    site.routes.update(
        {"/a": page(part(1, "/a?p=2")), "/a?p=2": page(part(2, "/a?p=3#top")), "/a?p=3": page(part(3, "/a"))}
    )
    out = tmp_path / "out"
    command = ("run", "-", "--out", out, "--rules", rules, "--allow-private", "--delay", "0.3")
    result = run_cli(*command, stdin=f"{site.url}/a\n".encode())
    assert result.returncode == 0, result.stderr_text
    assert site.paths() == ["/robots.txt", "/a", "/a?p=2", "/a?p=3"]  # the link back to the first is a loop
    starts = [entry.started for entry in site.log]
    assert all(later - earlier >= 0.3 for earlier, later in itertools.pairwise(starts))  # the host's delay
    [text] = [p.read_text("utf-8") for p in out.rglob("*.txt")]
    positions = [text.index(f"Part {n} of the harbour story, sentence 1") for n in (1, 2, 3)]
    assert positions == sorted(positions) and "Next page" not in text


def test_a_single_page_link_replaces_the_page(tmp_path: Path, site: Site, rules: Path) -> None:
    site.routes.update({"/a": page(part(1, head="<link rel='amphtml' href='/a/all'>")), "/a/all": page(part(9))})
    [(outcome, meta, saved)] = fetched(tmp_path, rules, f"{site.url}/a")
    assert outcome.status == "fetched" and meta["pages"] == [f"{site.url}/a/all"]
    assert "Part 9 of the harbour story" in saved and "Part 1 of" not in saved


def test_at_most_ten_pages_are_joined(tmp_path: Path, site: Site, rules: Path) -> None:
    site.routes.update({f"/p{n}": page(part(n, f"/p{n + 1}")) for n in range(1, 16)})
    [(_, meta, saved)] = fetched(tmp_path, rules, f"{site.url}/p1")
    assert site.paths() == ["/robots.txt", *(f"/p{n}" for n in range(1, 11))]
    assert meta["pages"] == [f"{site.url}/p{n}" for n in range(1, 11)]
    assert "Part 10 of the harbour story" in saved and "Part 11 of" not in saved


def test_links_to_another_host_or_disallowed_by_robots_are_not_followed(
    tmp_path: Path, site: Site, rules: Path
) -> None:
    other = Site("127.0.0.3", default=page(part(7)))
    try:
        site.routes.update(
            {
                "/robots.txt": page("User-agent: *\nDisallow: /private\n", content_type="text/plain"),
                "/a": page(part(1, f"{other.url}/b")),
                "/c": page(part(1, "/private/2")),
            }
        )
        for outcome, meta, saved in fetched(tmp_path, rules, f"{site.url}/a", f"{site.url}/c"):
            assert outcome.status == "fetched" and "pages" not in meta and "Part 1 of" in saved
        assert other.log == [] and site.paths() == ["/robots.txt", "/a", "/c"]
    finally:
        other.close()
