"""Fetching and cleaning in one pass: ``run``, the function behind ``cleaner run URLS --out DIR``.

Downloads run in a background thread (``fetch.fetch``); each page on disk is handed to
``batch.clean``, which reads its paths lazily from a queue, so pages are cleaned while others
download. ``clean`` keeps its state in ``out``: the files written are those of ``cleaner fetch``
followed by ``cleaner clean DIR``.
"""

from __future__ import annotations

import json
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.engines.batch import DEFAULT_TIMEOUT, Outcome, Summary, clean
from cleaner.options import FetchOptions, Options
from cleaner.sources.fetch.fetcher import FetchOutcome, FetchSummary, fetch


def run(
    urls: Iterable[str],
    out: str | Path,
    fetch_options: FetchOptions | None = None,
    clean_options: Options | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    report: IO[str] | None = None,
    on_fetched: Callable[[FetchOutcome], None] | None = None,
    on_cleaned: Callable[[Outcome], None] | None = None,
) -> tuple[FetchSummary, Summary]:
    """Download ``urls`` into ``out`` (as ``fetch``) and clean each page saved, new or already there.

    ``report`` receives one JSON line per URL: what ``fetch`` reports, and under ``clean`` what
    ``clean`` reports for its page. Raises what ``fetch`` and ``clean`` raise.
    """
    out = Path(out)
    arrivals: queue.Queue[FetchOutcome | BaseException | None] = queue.Queue()
    stop = threading.Event()
    fetched: list[FetchSummary] = []

    def download() -> None:
        try:
            fetched.append(fetch(urls, out, fetch_options, on_outcome=arrivals.put, stop=stop))
        except BaseException as exc:  # raised again in the caller's thread
            arrivals.put(exc)
        else:
            arrivals.put(None)

    in_cleaning: deque[FetchOutcome] = deque()  # pages handed to clean, whose outcomes come in this order

    def write(line: dict[str, Any]) -> None:
        if report is not None:
            report.write(json.dumps(line, ensure_ascii=False) + "\n")

    def saved_pages() -> Iterator[Path]:
        thread.start()  # only once clean has loaded the rules: a bad rule file stops the run before any request
        handed: set[str] = set()
        while (arrival := arrivals.get()) is not None:
            if isinstance(arrival, BaseException):
                raise arrival
            if on_fetched is not None:
                on_fetched(arrival)
            if arrival.path is None or arrival.path in handed:
                write(arrival.manifest())
                continue
            handed.add(arrival.path)
            in_cleaning.append(arrival)
            yield Path(arrival.path)

    def cleaned(outcome: Outcome) -> None:
        write({**in_cleaning.popleft().manifest(), "clean": outcome.manifest()})
        if on_cleaned is not None:
            on_cleaned(outcome)

    thread = threading.Thread(target=download, name="cleaner-fetch", daemon=True)
    try:
        summary = clean(
            saved_pages(), clean_options, jobs=jobs, force=force, timeout=timeout, on_outcome=cleaned, state_root=out
        )
    finally:
        stop.set()
    thread.join()
    return fetched[0], summary
