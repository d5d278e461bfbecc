"""Cleaning WARC and ARC files into a dataset: ``clean_warc``, behind ``cleaner clean --warc FILE -o OUT``.

The parent reads the records (``sources/warc.py``) and hands the pages to the worker processes one by
one, so that even a single file keeps every core busy; results come back in record order and go to
one sink (JSON lines or Parquet, ``sinks/record.py``), as one row per cleaned page. Pages with no text
left, passed-over records and damage are counted and reported, not written. Damage (a truncated or
corrupt file, broken HTTP headers) fails what it hit: the run goes on with the next file and exits 1.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.engines.batch import DEFAULT_TIMEOUT, Outcome, Summary
from cleaner.engines.workers import Failure, Ready, default_jobs, ordered_map, prestart
from cleaner.errors import CleanerError, InputError
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sinks.record import open_sink, record_of
from cleaner.sources.files import document_from_bytes
from cleaner.sources.warc import Damage, PassedOver, Refused, WarcPage, read_warc

Mapper = Callable[..., Iterator[tuple[Any, Any]]]


@dataclass
class WarcSummary(Summary):
    passed_over: Counter[str] = field(default_factory=Counter)  # record kind -> records not cleaned

    def line(self) -> str:
        if not self.passed_over:
            return super().line()
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in self.passed_over.most_common())
        return f"{super().line()}; passed over {sum(self.passed_over.values()):,} records ({kinds})"


def clean_warc(
    paths: Iterable[Path],
    target: Path,
    options: Options | None = None,
    *,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    report: IO[str] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    mapper: Mapper = ordered_map,
) -> WarcSummary:
    """Clean the HTML and WET pages of WARC/ARC files into ``target`` (.jsonl, .jsonl.gz, .parquet, ``-``).

    Each row: ``id`` (WARC-Record-ID), ``url``, ``date`` (WARC-Date), ``text``, ``title``, ``metadata``
    and ``warc`` (file, offset). ``mapper`` runs the pages (``engines.ray.ray_map`` for a Ray cluster).
    """
    options = options or Options()
    prestart()
    load_catalog(options.rules_dirs)  # a bad rule file stops the run before anything is read
    summary = WarcSummary(unit="pages")
    started = time.monotonic()
    with open_sink(target) as write:
        results = mapper(
            _clean_page,
            _tasks(paths, options, summary),
            jobs=jobs or default_jobs(),
            timeout=timeout,
            initializer=_start_worker,
            initargs=(options,),
        )
        with contextlib.closing(results):
            for task, result in results:
                outcome, record = (result, None) if isinstance(result, Outcome) else _done(task, result)
                if record is not None:
                    write(record)
                summary.add(outcome)
                if report is not None:
                    report.write(json.dumps(outcome.manifest(), ensure_ascii=False) + "\n")
                if on_outcome is not None:
                    on_outcome(outcome)
    summary.elapsed = time.monotonic() - started
    return summary


def _tasks(paths: Iterable[Path], options: Options, summary: WarcSummary) -> Iterator[WarcPage | Ready]:
    for path in paths:
        for item in read_warc(path, max_bytes=options.max_bytes):
            if isinstance(item, WarcPage):
                yield item
            elif isinstance(item, PassedOver):
                summary.passed_over[item.what] += 1
            elif isinstance(item, Refused):
                yield Ready(Outcome(item.where, "failed" if item.failed else "skipped", reason=item.reason))
            elif isinstance(item, Damage):
                yield Ready(Outcome(item.where, "failed", reason=item.problem))


def _done(page: WarcPage, result: tuple[Outcome, dict[str, Any] | None] | Failure) -> tuple[Outcome, Any]:
    if isinstance(result, Failure):
        return Outcome(page.where, "failed", reason=result.reason), None
    return result


# Worker side ------------------------------------------------------------------------------------------

_worker_options = Options()


def _start_worker(options: Options) -> None:
    global _worker_options
    _worker_options = options
    load_catalog(options.rules_dirs)


def _clean_page(page: WarcPage) -> tuple[Outcome, dict[str, Any] | None]:
    """Clean one page in a worker: its outcome, and its row when text is left."""
    from cleaner.stages.pipeline import process  # in workers only: the parent never loads the extractor

    doc = document_from_bytes(page.body, page.where, kind=page.kind, url=page.url)
    doc.declared_charset = page.charset
    try:
        result = process(doc, _worker_options).result()
    except InputError as exc:
        return Outcome(page.where, "skipped", reason=exc.problem), None
    except CleanerError as exc:
        return Outcome(page.where, "failed", reason=str(exc)), None
    outcome = Outcome(
        page.where,
        "cleaned" if result.text else "empty",
        reason=result.reason,
        chars_in=result.chars_in,
        chars_out=len(result.text),
        extracted_chars=result.extracted_chars,
        site=result.site,
        rules=result.rules,
        fired=dict(Counter(r.rule for r in result.removed)),
    )
    if not result.text:
        return outcome, None
    warc = {"file": page.file, "offset": page.offset}
    return outcome, record_of(result, id=page.id, url=page.url, date=page.date, warc=warc)
