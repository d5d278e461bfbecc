"""Cleaning into one dataset: files, standard input or WARC pages as rows of a JSON-lines or Parquet output.

``cleaner clean PATH... -o OUT``, ``cleaner clean - -o OUT`` and ``cleaner clean --warc FILE -o OUT``
write one row per document with text left (``sinks/record.py``), in input order, to one sink chosen
by the output's name. Documents are cleaned in worker processes (or on Ray, through ``mapper``), as a
batch cleans files; the parent lists or reads the inputs and writes the rows. Unlike a batch writing
next to each file, nothing is remembered between runs: the output is written anew (atomically) each
time, so every input is cleaned. Every document gives a ``--report`` line; those with no text left,
skipped or failed ones give no row.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from cleaner.document import CleanResult, Document
from cleaner.engines.batch import DEFAULT_TIMEOUT, WORKER_GRACE, Outcome, Summary, display_path, result_outcome
from cleaner.engines.context import start_worker, worker_run
from cleaner.engines.workers import Failure, Mapper, Ready, default_jobs, ordered_map, prestart
from cleaner.errors import CleanerError, InputError, ReadError
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sinks.record import open_sink, record_of
from cleaner.sinks.report import tell
from cleaner.sources.files import Selection, Skipped, read_document, walk

Row = dict[str, Any]
Done = tuple[Outcome, Row | None]  # what a worker gives for one document: its outcome, and its row if any
S = TypeVar("S", bound=Summary)


@dataclass(frozen=True)
class _File:
    path: Path
    where: str  # the path as messages and the manifest show it


def clean_into(
    paths: Iterable[str | Path],
    target: Path,
    options: Options | None = None,
    *,
    url: str | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    report: IO[str] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    mapper: Mapper = ordered_map,
    selection: Selection | None = None,
) -> Summary:
    """Clean every input file under ``paths`` into ``target`` (.jsonl, .jsonl.gz, .parquet, ``-``): one row each.

    A row's ``id`` is the file's path, its ``url`` the page's (``url``, a sidecar or the page's own
    canonical link). ``timeout`` is each file's time budget, as in ``engines.batch.clean``.
    """
    options = options or Options()
    if timeout:  # the document's own budget fires first, with a clear reason and no worker to replace
        options = dataclasses.replace(options, time_budget=timeout)
    prestart()
    load_catalog(options.rules_dirs)  # a bad rule file stops the run before anything is read
    return write_rows(
        _file_tasks(paths, selection),
        target,
        _clean_file,
        (options, url),
        Summary(),
        jobs=jobs,
        timeout=timeout and timeout + WORKER_GRACE,
        report=report,
        on_outcome=on_outcome,
        mapper=mapper,
    )


def write_rows(
    tasks: Iterator[Any],
    target: Path,
    clean_one: Callable[[Any], Done],
    worker_setup: tuple[Options, str | None],
    summary: S,
    *,
    jobs: int | None,
    timeout: float | None,
    report: IO[str] | None,
    on_outcome: Callable[[Outcome], None] | None,
    mapper: Mapper,
) -> S:
    """Run ``clean_one`` over ``tasks`` (each with a ``where``, or ``Ready`` outcomes) and write their rows to
    ``target``, in order; ``worker_setup`` (options, url) is given to every worker once."""
    started = time.monotonic()
    with open_sink(target) as write:
        results = mapper(
            clean_one,
            tasks,
            jobs=jobs or default_jobs(),
            timeout=timeout,
            initializer=start_worker,
            initargs=worker_setup,
        )
        with contextlib.closing(results):
            for task, result in results:
                if isinstance(result, Outcome):  # a Ready one: known without cleaning
                    outcome, row = result, None
                elif isinstance(result, Failure):
                    outcome, row = Outcome(task.where, "failed", reason=result.reason), None
                else:
                    outcome, row = result
                if row is not None:
                    write(row)
                tell(summary, outcome, report, on_outcome)
    summary.elapsed = time.monotonic() - started
    return summary


def outcome_and_row(where: str, result: CleanResult, **source: Any) -> Done:
    """A cleaned document's outcome, and its row when text is left (``source``: see ``record_of``)."""
    return result_outcome(where, result, None), record_of(result, **source) if result.text else None


def _file_tasks(paths: Iterable[str | Path], selection: Selection | None) -> Iterator[_File | Ready]:
    for found in walk([Path(path) for path in paths], selection):
        if isinstance(found, Skipped):
            status = "failed" if found.error else "skipped"
            yield Ready(Outcome(display_path(found.path), status, reason=found.reason))
        else:
            yield _File(found, display_path(found))


# Worker side ------------------------------------------------------------------------------------------


def clean_row(where: str, read: Callable[[Options], Document], **source: Any) -> Done:
    """Read a document with ``read`` and clean it in a worker; every problem becomes an outcome, never an exception."""
    from cleaner.stages.pipeline import process  # in workers only: the parent never loads the extractor

    options = worker_run()[0]
    try:
        result = process(read(options), options).result()
    except ReadError as exc:
        return Outcome(where, "failed", reason=exc.problem), None
    except InputError as exc:
        return Outcome(where, "skipped", reason=exc.problem), None
    except CleanerError as exc:
        return Outcome(where, "failed", reason=str(exc)), None
    return outcome_and_row(where, result, **source)


def _clean_file(task: _File) -> Done:
    def read(options: Options) -> Document:
        return read_document(task.path, url=worker_run()[1], max_bytes=options.max_bytes)

    return clean_row(task.where, read, id=task.where)
