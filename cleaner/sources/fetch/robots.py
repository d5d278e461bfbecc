"""What a host's robots.txt allows, decided from the answer to one request (RFC 9309).

robots.txt is fetched by the fetcher's own client (the standard library's ``RobotFileParser.read``
has no timeout and bypasses the address guard) and only parsed here. A 2xx answer is parsed; 4xx
(no robots.txt) allows everything; a 5xx answer or no answer at all disallows the whole host for
the run, since the server may be unable to say what it forbids.
"""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

from cleaner.errors import FetchError

MAX_BYTES = 512 * 1024  # robots.txt files are a few KB; Google reads the first 500 KiB, and so do we
# A host asking for more than this between two requests (Crawl-delay: 3600, Request-rate: 1/100000) would
# hold a run for hours: it is reported and skipped instead of obeyed.
MAX_POLITENESS_WAIT = 60.0


_HOST_FAILURES = ("private address", "TLS error")  # a robots.txt failure that is the host's, not its robots.txt's


class Robots:
    """The rules of one host, or why none could be read (then no page of the host is fetched)."""

    def __init__(self, parser: RobotFileParser | None = None, host_refused: tuple[str, str] | None = None) -> None:
        self._parser = parser
        self._host_refused = host_refused  # (problem, kind) for every URL of the host

    @classmethod
    def from_answer(cls, status: int, body: bytes | None) -> Robots:
        if 200 <= status < 300:
            parser = RobotFileParser()
            parser.parse((body or b"").decode("utf-8-sig", errors="replace").splitlines())
            return cls(parser)
        if 400 <= status < 500:
            return cls()
        return cls(host_refused=(f"robots.txt answered HTTP {status}: {_SKIPPED}", "robots.txt unreachable"))

    @classmethod
    def from_failure(cls, error: FetchError) -> Robots:
        if error.kind in ("too many redirects", "redirect loop"):
            return cls()  # RFC 9309: after five redirects robots.txt counts as unavailable, like a 4xx
        if error.kind in _HOST_FAILURES:
            return cls(host_refused=(error.problem, error.kind))
        return cls(host_refused=(f"robots.txt unreachable ({error.problem}): {_SKIPPED}", "robots.txt unreachable"))

    def sitemaps(self) -> list[str]:
        """The ``Sitemap:`` lines, in order."""
        return list(self._parser.site_maps() or []) if self._parser is not None else []

    def refusal(self, url: str, user_agent: str) -> FetchError | None:
        """Why ``url`` may not be fetched, or None when it may."""
        if self._host_refused is not None:
            return FetchError(url, *self._host_refused)
        if self._parser is not None and not self._parser.can_fetch(user_agent, url):
            return FetchError(url, "disallowed by robots.txt", "robots")
        wait = self.delay(user_agent)
        if wait > MAX_POLITENESS_WAIT:
            problem = f"robots.txt asks {wait:g} s between requests, over the {MAX_POLITENESS_WAIT:g} s cap: {_SKIPPED}"
            return FetchError(url, problem, "crawl delay over the cap")
        return None

    def delay(self, user_agent: str) -> float:
        """Seconds the host asks between requests (``Crawl-delay``, ``Request-rate``); 0 if it does not."""
        if self._parser is None:
            return 0.0
        delay = float(self._parser.crawl_delay(user_agent) or 0)
        rate = self._parser.request_rate(user_agent)
        if rate and rate.requests > 0:
            delay = max(delay, rate.seconds / rate.requests)
        return delay


_SKIPPED = "the host is skipped this run"
