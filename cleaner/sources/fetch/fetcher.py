"""Downloading a list of URLs politely: ``fetch``, the function behind ``cleaner fetch URLS --out DIR``.

Each host (scheme, name and port) gets one request at a time, spaced by a jittered delay, or by its
robots.txt's Crawl-delay when that is longer; many hosts are fetched in parallel. robots.txt is read
once per host through the same client, and pages it disallows are never requested (redirect targets
included). Failures that may pass are retried with exponential backoff and jitter, honouring
Retry-After. Each page is saved as ``DIR/<host>/<slug>-<hash>.html`` with a sidecar
``<slug>-<hash>.meta.json`` that ``cleaner clean`` reads (URL, charset); a page already saved is not
requested again unless ``refresh``, which asks the server whether it changed. Given rule folders, the
site's ftr ``http_header`` lines are sent, and its ``single_page_link`` and ``next_page_link`` followed
(``pages.py``): the pages of an article are saved as one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import ipaddress
import itertools
import json
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote

import httpx

from cleaner.errors import FetchError, OutputError, TransientFetchError
from cleaner.options import FetchOptions
from cleaner.sinks.files import write_atomic
from cleaner.sinks.report import tell
from cleaner.sources.fetch.download import Page, download, open_client
from cleaner.sources.fetch.netguard import EVERYWHERE
from cleaner.sources.fetch.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from cleaner.sources.fetch.robots import MAX_POLITENESS_WAIT, Robots
from cleaner.sources.files import charset_of, read_sidecar, sidecar_path

if TYPE_CHECKING:  # the rules and lxml are imported only by a run given rule folders
    import lxml.html

    from cleaner.rules import RuleSet

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for a longer wait is given up on for this run
MAX_BACKOFF = 60.0  # seconds; the longest wait between two attempts unless Retry-After asks for more
FETCH_STATUSES = ("fetched", "not-modified", "present", "robots", "not-html", "failed")
_LABELS = {
    "not-modified": "not modified",
    "present": "already present",
    "robots": "disallowed by robots.txt",
    "not-html": "not HTML",
}
_READ_AHEAD = 10_000  # URLs read from the list ahead of the downloads: bounds memory for huge lists
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")
_CREDENTIALS = re.compile(r"([A-Za-z][\w+.-]*://)[^/?#]*@")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_FOLDER = re.compile(r"[^a-z0-9._-]+")
_SLUG_LENGTH = 60


@dataclass
class FetchOutcome:
    """What happened to one URL of the list: a line of the ``--report`` manifest."""

    url: str
    status: str  # one of FETCH_STATUSES
    line: int | None = None  # in the URL list
    path: str | None = None  # the saved page, when there is one
    reason: str | None = None
    kind: str | None = None  # groups failures in the summary: "HTTP 404", "timeout", "too large"...
    http_status: int | None = None
    final_url: str | None = None

    def manifest(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def problem(self) -> str | None:
        """The line a user sees for a URL that was not fetched, None when all went well."""
        if self.status not in ("failed", "robots", "not-html"):
            return None
        where = f"line {self.line}: " if self.line is not None and self.kind == "invalid URL" else ""
        return f"{self.status} {where}{self.url}: {self.reason}"


@dataclass
class FetchSummary:
    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # kind -> URLs that failed so
    elapsed: float = 0.0

    def add(self, outcome: FetchOutcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "failed":
            self.failures[outcome.kind or "error"] += 1

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        parts = ", ".join(f"{_LABELS.get(status, status)} {self.counts[status]}" for status in FETCH_STATUSES)
        reasons = "; ".join(f"{kind}: {count}" for kind, count in sorted(self.failures.items()))
        done = sum(self.counts.values())
        return f"{parts}{f' ({reasons})' if reasons else ''} ({done} URLs in {self.elapsed:.1f} s)"


def fetch(
    urls: Iterable[str],
    out: str | Path,
    options: FetchOptions | None = None,
    *,
    report: IO[str] | None = None,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
    stop: threading.Event | None = None,
) -> FetchSummary:
    """Download every URL of ``urls`` (lines of a list: blank lines and ``#`` comments are skipped) into
    ``out``. ``report`` receives one JSON line per URL, ``on_outcome`` is called for each, both as URLs
    finish (each line carries its line number). Setting ``stop`` ends the run after the downloads in
    flight. Raises OutputError if ``out`` cannot be written; every other problem is an outcome.
    """
    out = Path(out)
    options = options or FetchOptions()
    summary = FetchSummary()
    started = time.monotonic()

    def emit(outcome: FetchOutcome) -> None:
        tell(summary, outcome, report, on_outcome)

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(out), f"cannot create folder: {exc.strerror}") from exc
    try:
        asyncio.run(_crawl(urls, out, options, emit, stop or threading.Event()))
    finally:
        summary.elapsed = time.monotonic() - started
    return summary


def parse_url(text: str) -> httpx.URL:
    """A URL of the list, normalised (no fragment, no default port); FetchError if it cannot be fetched."""
    if any(char.isspace() for char in text):
        raise FetchError(text, "not a URL (contains spaces)", "invalid URL")
    if _CREDENTIALS.match(text):  # refused, and named without them: never sent to robots.txt, never stored
        problem = "holds a user name or password (user:secret@host); credentials in URLs are refused"
        raise FetchError(_CREDENTIALS.sub(r"\1", text, count=1), problem, "credentials in URL")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise FetchError(text, f"not a URL ({exc})", "invalid URL") from exc
    if url.scheme not in ("http", "https"):
        raise FetchError(text, "not an http or https URL", "invalid URL")
    host = url.raw_host.decode("ascii")
    if not (_HOST_NAME.fullmatch(host) or _is_ipv6(host)):
        raise FetchError(text, "no valid host name", "invalid URL")
    if url.port is not None and not 0 < url.port < 65536:
        raise FetchError(text, f"port {url.port} out of range", "invalid URL")
    return url.copy_with(fragment=None, port=None if url.port == {"http": 80, "https": 443}[url.scheme] else url.port)


def page_path(out: Path, url: httpx.URL) -> Path:
    """``out/<host>/<slug>-<hash>.html``. The host folder and the slug keep only safe characters and the
    hash of the whole URL keeps two URLs apart: nothing in a URL can lead out of ``out``."""
    folder = _NOT_FOLDER.sub("_", url.raw_host.decode("ascii").lower()).lstrip(".") or "_"
    if url.port is not None:
        folder += f"_{url.port}"
    slug = _NOT_SLUG.sub("-", unquote(url.raw_path.decode("ascii")).lower()).strip("-")
    slug = slug[-_SLUG_LENGTH:].strip("-") or "index"
    digest = hashlib.sha256(str(url).encode()).hexdigest()[:16]
    path = out / folder / f"{slug}-{digest}.html"
    if not path.resolve().is_relative_to(out.resolve()):
        raise FetchError(str(url), f"its file {path} would be outside {out}", "unsafe file name")
    return path


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _is_ipv6(host: str) -> bool:
    try:
        return ":" in host and ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else "\ufffd" for char in text[:300])


@dataclass
class _Host:
    """One origin: its queue of URLs, its robots.txt and when the next request to it may start."""

    robots_url: httpx.URL
    delay: float
    queue: deque[tuple[int, httpx.URL]] = field(default_factory=deque)
    worker: asyncio.Task | None = None
    robots: asyncio.Future[Robots] | None = None
    ready_at: float = 0.0  # monotonic clock

    async def turn(self) -> None:
        wait = self.ready_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def rest(self, at_least: float = 0.0) -> None:
        """Called after each request: the next waits the host's delay (jittered), or ``at_least``."""
        pause = max(at_least, self.delay * random.uniform(1.0, 1.5))
        self.ready_at = max(self.ready_at, time.monotonic() + pause)


async def _crawl(
    urls: Iterable[str], out: Path, options: FetchOptions, emit: Callable[[FetchOutcome], None], stop: threading.Event
) -> None:
    allowed = EVERYWHERE if options.allow_private else tuple(map(ipaddress.ip_network, options.allow_networks))
    client = open_client(
        options.user_agent,
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        allowed=allowed,
    )
    async with client:
        await _Crawler(client, out, options, emit, stop).crawl(urls)


class _Crawler:
    def __init__(
        self,
        client: httpx.AsyncClient,
        out: Path,
        options: FetchOptions,
        emit: Callable[[FetchOutcome], None],
        stop: threading.Event,
    ) -> None:
        self._client, self._out, self._options, self._emit, self._stop = client, out, options, emit, stop
        self._hosts: dict[str, _Host] = {}
        self._page_slots = asyncio.Semaphore(options.concurrency)
        # robots.txt requests have slots of their own: a page waiting on a redirect target's robots.txt
        # holds a page slot, and must not wait for one more.
        self._robots_slots = asyncio.Semaphore(options.concurrency)
        self._read_ahead = asyncio.Semaphore(_READ_AHEAD)
        self._workers: set[asyncio.Task] = set()

    async def crawl(self, urls: Iterable[str]) -> None:
        async for number, text in _list_lines(urls):
            if self._stop.is_set():
                break
            try:
                url = parse_url(text)
            except FetchError as exc:
                self._emit(FetchOutcome(_printable(exc.where), "failed", number, reason=exc.problem, kind=exc.kind))
                continue
            await self._read_ahead.acquire()
            host = self._host(url)
            host.queue.append((number, url))
            if host.worker is None:
                host.worker = asyncio.create_task(self._drain(host))
                self._workers.add(host.worker)
                host.worker.add_done_callback(self._workers.discard)
        if self._workers:
            await asyncio.gather(*self._workers)

    def _host(self, url: httpx.URL) -> _Host:
        origin = _origin(url)
        if origin not in self._hosts:
            self._hosts[origin] = _Host(url.join("/robots.txt"), self._options.delay)
        return self._hosts[origin]

    async def _drain(self, host: _Host) -> None:
        while host.queue:
            number, url = host.queue.popleft()
            try:
                if not self._stop.is_set():
                    self._emit(await self._visit(host, number, url))
            except OutputError:
                raise
            except Exception as exc:  # a bug in cleaner: reported for this URL, the run goes on
                problem = f"internal error: {type(exc).__name__}: {exc}"
                self._emit(FetchOutcome(str(url), "failed", number, reason=problem, kind="internal error"))
            finally:
                self._read_ahead.release()
        host.worker = None  # no await since the queue was found empty: no URL can be left behind

    async def _visit(self, host: _Host, number: int, url: httpx.URL) -> FetchOutcome:
        shown = str(url)
        try:
            path = page_path(self._out, url)
        except FetchError as exc:
            return FetchOutcome(shown, "failed", number, reason=exc.problem, kind=exc.kind)
        previous = read_sidecar(path) or {}
        if previous.get("url", shown) != shown:
            reason = f"its file name {path.name} is taken by {previous.get('url')}"
            return FetchOutcome(shown, "failed", number, reason=reason, kind="name collision")
        saved = bool(previous) and "error" not in previous
        have_copy = saved and path.is_file()
        if saved and not self._options.refresh and (have_copy or "skipped" in previous):
            return FetchOutcome(shown, "present", number, path=str(path) if have_copy else None)
        try:
            await self._check_robots(url)
            headers = {**self._site_headers(url), **(_conditional(previous) if have_copy else {})}
            page = await self._get(host, url, headers)
        except FetchError as exc:
            if exc.kind == "robots":
                return FetchOutcome(shown, "robots", number, reason=exc.problem)
            return self._failed(path, shown, number, exc.problem, exc.kind, None, have_copy)
        outcome = FetchOutcome(shown, "fetched", number, http_status=page.status, final_url=page.final_url)
        if page.status == 304 and have_copy:
            _write_json(sidecar_path(path), {**previous, **_validators(page), "checked_at": _now()})
            return dataclasses.replace(outcome, status="not-modified", path=str(path))
        if not 200 <= page.status < 300:
            problem = f"HTTP {page.status} {page.reason}".strip()
            return self._failed(path, shown, number, problem, f"HTTP {page.status}", page, have_copy)
        if page.body is None:
            if not have_copy:
                _write_json(sidecar_path(path), {**_meta(shown, page), "skipped": page.refused})
            return dataclasses.replace(outcome, status="not-html", reason=page.refused)
        body, pages = await self._whole_article(host, page)
        meta = {**_meta(shown, page), "sha256": hashlib.sha256(body).hexdigest()}
        if pages:  # the article's pages, joined in this order, in UTF-8
            meta.update(content_type="text/html; charset=utf-8", pages=pages)
        _save(path, body)
        _write_json(sidecar_path(path), meta)
        return dataclasses.replace(outcome, path=str(path))

    async def _whole_article(self, host: _Host, page: Page) -> tuple[bytes, list[str]]:
        """The page's body, or the article its ftr file's ``single_page_link`` and ``next_page_link`` lead to,
        joined in order, with the URLs of its pages (``pages.py``); [] when no link was followed."""
        assert page.body is not None
        configs = self._site_configs(page.final_url)
        if not any(r.single_page_link or r.next_page_link for r in configs):
            return page.body, []
        from cleaner.sources.fetch.pages import MAX_PAGES, joined, link, parsed

        first = parsed(page.body, charset_of(page.headers.get("content-type")))
        if first is None:
            return page.body, []
        single, following = (
            [x for r in configs for x in r.single_page_link],
            [x for r in configs for x in r.next_page_link],
        )
        seen, parts, urls = {page.url, page.final_url}, [first], [page.final_url]
        if single and (whole := await self._linked_page(host, page.final_url, link(first, single), seen)):
            parts, urls = [whole[0]], [whole[1]]
        while following and len(parts) < MAX_PAGES and not self._stop.is_set():
            following_page = await self._linked_page(host, urls[-1], link(parts[-1], following), seen)
            if following_page is None:
                break
            parts.append(following_page[0])
            urls.append(following_page[1])
        body = [x for r in configs for x in r.body]
        return (joined(parts, body), urls) if len(urls) > 1 or urls[0] != page.final_url else (page.body, [])

    async def _linked_page(
        self, host: _Host, base: str, href: str | None, seen: set[str]
    ) -> tuple[lxml.html.HtmlElement, str] | None:
        """The page ``href`` leads to from ``base`` and its final URL; None for no link, a page already seen,
        another origin than ``host``'s, one robots.txt disallows, or one that failed."""
        if href is None:
            return None
        try:
            url = httpx.URL(base).join(href).copy_with(fragment=None)
        except (httpx.InvalidURL, ValueError):
            return None
        if str(url) in seen or _origin(url) != _origin(host.robots_url):
            return None
        seen.add(str(url))
        try:
            await self._check_robots(url)
            page = await self._get(host, url, self._site_headers(url))
        except FetchError:
            return None
        if page.body is None or not 200 <= page.status < 300 or _origin(httpx.URL(page.final_url)) != _origin(url):
            return None
        seen.add(page.final_url)
        from cleaner.sources.fetch.pages import parsed  # imported by _whole_article already

        tree = parsed(page.body, charset_of(page.headers.get("content-type")))
        return (tree, page.final_url) if tree is not None else None

    def _failed(
        self, path: Path, url: str, number: int, problem: str, kind: str, page: Page | None, have_copy: bool
    ) -> FetchOutcome:
        """A failure is written to the sidecar unless a good copy is there: that copy is kept as it is."""
        if not have_copy:
            _write_json(sidecar_path(path), {**_meta(url, page), "error": problem})
        status = page.status if page else None
        return FetchOutcome(url, "failed", number, reason=problem, kind=kind, http_status=status)

    async def _check_robots(self, url: httpx.URL) -> None:
        """Raise FetchError when robots.txt forbids ``url`` (kind "robots") or could not be read."""
        host = self._host(url)
        if host.robots is None:
            host.robots = asyncio.ensure_future(self._load_robots(host))
        # shielded: a caller cancelled by its deadline must not cancel the load others wait for
        robots = await asyncio.shield(host.robots)
        refusal = robots.refusal(str(url), self._options.user_agent)
        if refusal is not None:
            raise refusal

    async def _load_robots(self, host: _Host) -> Robots:
        async with self._robots_slots:
            try:
                page = await download(
                    self._client,
                    host.robots_url,
                    deadline=self._options.deadline,
                    max_bytes=ROBOTS_MAX_BYTES,
                    html_only=False,
                    truncate=True,  # RFC 9309: a crawler reads at least the first 500 KiB; the rest is ignored
                )
            except FetchError as exc:
                robots = Robots.from_failure(exc)
            else:
                robots = Robots.from_answer(page.status, page.body)
        host.delay = max(self._options.delay, min(robots.delay(self._options.user_agent), MAX_POLITENESS_WAIT))
        host.rest()
        return robots

    def _site_headers(self, url: httpx.URL) -> dict[str, str]:
        """The headers the rule folders' ftr files ask to send to this site (User-Agent, Referer, Cookie)."""
        if not self._options.rules_dirs:
            return {}
        from cleaner.rules import load_catalog  # only a run given rule folders reads them

        return load_catalog(self._options.rules_dirs).headers_for(url.host)

    def _site_configs(self, url: str) -> list[RuleSet]:
        if not self._options.rules_dirs:
            return []
        from cleaner.rules import load_catalog

        return load_catalog(self._options.rules_dirs).site_configs(httpx.URL(url).host)

    async def _get(self, host: _Host, url: httpx.URL, headers: dict[str, str]) -> Page:
        """The page's answer, retrying what may pass; FetchError when no answer came."""
        for attempt in itertools.count():
            await host.turn()
            wait = 0.0
            try:
                async with self._page_slots:
                    page = await download(
                        self._client,
                        url,
                        deadline=self._options.deadline,
                        max_bytes=self._options.max_bytes,
                        headers=headers,
                        before_hop=self._check_robots,
                    )
                if page.status in RETRY_STATUSES:
                    problem = f"HTTP {page.status} {page.reason}".strip()
                    raise TransientFetchError(str(url), problem, f"HTTP {page.status}", _retry_after(page.headers))
                return page
            except TransientFetchError as exc:
                if attempt >= self._options.retries:
                    tries = f" ({attempt + 1} attempts)" if attempt else ""
                    raise FetchError(exc.where, exc.problem + tries, exc.kind) from exc
                wait = self._backoff(attempt, exc)
            finally:
                host.rest(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, exc: TransientFetchError) -> float:
        wait = min(MAX_BACKOFF, self._options.backoff * 2**attempt) * random.uniform(0.5, 1.0)
        if exc.retry_after is None:
            return wait
        if exc.retry_after > MAX_RETRY_AFTER:
            problem = f"{exc.problem}, Retry-After {exc.retry_after:g} s (longer than the {MAX_RETRY_AFTER:g} s cap)"
            raise FetchError(exc.where, problem, exc.kind)
        return max(wait, exc.retry_after)


async def _list_lines(urls: Iterable[str]) -> AsyncIterator[tuple[int, str]]:
    """(line number, text) of each line that is not blank or a comment; read in a thread, so that a slow
    pipe on stdin does not hold up the downloads."""
    lines, number = iter(urls), 0
    while batch := await asyncio.to_thread(list, itertools.islice(lines, 256)):
        for raw in batch:
            number += 1
            text = raw.strip().removeprefix("\ufeff")  # a byte-order mark must not cost the first URL
            if text and not text.startswith("#"):
                yield number, text


def _conditional(previous: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if isinstance(previous.get("etag"), str):
        headers["If-None-Match"] = previous["etag"]
    if isinstance(previous.get("last_modified"), str):
        headers["If-Modified-Since"] = previous["last_modified"]
    return headers


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None if absent or unreadable."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _validators(page: Page) -> dict[str, str]:
    return {
        key: page.headers[header]
        for key, header in (("etag", "etag"), ("last_modified", "last-modified"))
        if header in page.headers
    }


def _meta(url: str, page: Page | None) -> dict[str, Any]:
    """The sidecar of a page (``cleaner clean`` reads ``final_url`` and the charset of ``content_type``)."""
    headers = page.headers if page else httpx.Headers()
    return {
        "url": url,
        "final_url": page.final_url if page else None,
        "status": page.status if page else None,
        "content_type": headers.get("content-type"),
        "fetched_at": _now(),
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "sha256": None,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    _save(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _save(path: Path, data: str | bytes) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(str(path.parent), f"cannot create folder: {exc.strerror}") from exc
    write_atomic(path, data)
