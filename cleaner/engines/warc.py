"""Cleaning WARC and ARC files into a dataset: ``clean_warc``, behind ``cleaner clean --warc FILE -o OUT``.

The parent reads the records (``sources/warc.py``) and hands the pages to the worker processes one by
one, as places in the file (offset, length) that the worker reads itself: a page's bytes never pass
through the parent's pipes, whose latency on a loaded machine left workers idle. Even a single file
keeps every core busy; results come back in record order and go to
one sink (JSON lines or Parquet, ``sinks/record.py``), as one row per cleaned page. Pages with no text
left, passed-over records and damage are counted and reported, not written. Damage (a truncated or
corrupt file, broken HTTP headers) fails what it hit: the run goes on with the next file and exits 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from cleaner.document import Document
from cleaner.engines.batch import DEFAULT_TIMEOUT, Outcome, Summary
from cleaner.engines.records import Done, clean_row, write_rows
from cleaner.engines.workers import Mapper, Ready, ordered_map, prestart
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sources.files import document_from_bytes
from cleaner.sources.warc import Damage, PassedOver, Refused, WarcPage, page_body, read_warc


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
    tasks = _tasks(paths, options, summary)
    return write_rows(
        tasks,
        target,
        _clean_page,
        (options, None),
        summary,
        jobs=jobs,
        timeout=timeout,
        report=report,
        on_outcome=on_outcome,
        mapper=mapper,
    )


def _tasks(paths: Iterable[Path], options: Options, summary: WarcSummary) -> Iterator[WarcPage | Ready]:
    for path in paths:
        for item in read_warc(path, max_bytes=options.max_bytes, bodies=False):
            if isinstance(item, WarcPage):
                yield item
            elif isinstance(item, PassedOver):
                summary.passed_over[item.what] += 1
            elif isinstance(item, Refused):
                yield Ready(Outcome(item.where, "failed" if item.failed else "skipped", reason=item.reason))
            elif isinstance(item, Damage):
                yield Ready(Outcome(item.where, "failed", reason=item.problem))


# Worker side ------------------------------------------------------------------------------------------


def _clean_page(page: WarcPage) -> Done:
    """Clean one page in a worker: its outcome, and its row when text is left."""

    def read(options: Options) -> Document:
        doc = document_from_bytes(page_body(page), page.where, kind=page.kind, url=page.url)
        doc.declared_charset = page.charset
        return doc

    warc = {"file": page.file, "offset": page.offset}
    return clean_row(page.where, read, id=page.id, url=page.url, date=page.date, warc=warc)
