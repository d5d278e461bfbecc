"""The in-process engine: clean one document in this process, every problem a status, never an exception.

What a step inside someone else's engine needs (a Ray Data ``map_batches`` callable, a datatrove
pipeline step): their engine owns the processes, so the deadline is a timer signal in this one.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Literal

from cleaner.document import CleanResult, Kind
from cleaner.engines.context import start_worker, worker_run
from cleaner.errors import CleanerError, InputError
from cleaner.options import Options
from cleaner.stages.budget import time_limit

Status = Literal["cleaned", "empty", "skipped", "failed"]


class PastDeadline(Exception):
    """A document ran past its deadline."""

    pass


def clean_one(
    content: str | bytes, kind: Kind, url: str | None, options: Options, timeout: float | None = None
) -> tuple[Status, str | None, CleanResult | None]:
    """``(status, reason, result)`` for one page (HTML) or text dump; the result is None unless cleaned or empty."""
    from cleaner.stages.pipeline import clean_content  # the extractor loads with the first document

    try:
        with deadline(timeout):
            result = clean_content(content, kind, url, options)
    except PastDeadline:
        return "failed", f"timed out after {timeout:g} s", None
    except InputError as exc:
        return "skipped", exc.problem, None
    except CleanerError as exc:
        return "failed", str(exc), None
    except Exception as exc:  # a bug in cleaner: this document fails, the dataset goes on
        return "failed", f"internal error: {type(exc).__name__}: {exc}", None
    return ("cleaned" if result.text else "empty"), result.reason, result


def deadline(seconds: float | None) -> AbstractContextManager[None]:
    """Raise PastDeadline inside the block when it runs past ``seconds`` (stages/budget.py: a timer signal on
    the main thread; on other threads only the rule regexes that bound themselves)."""
    return time_limit(seconds, PastDeadline)


def clean_many(
    pages: list[tuple[str | bytes | None, str | None]], kind: Kind, options: Options, timeout: float | None
) -> list[tuple[Status, str | None, CleanResult | None]]:
    """``clean_one`` for each ``(page, url)``, in a worker process that is replaced when one runs late or dies.

    For steps whose engine runs them off the main thread (Ray Data actors), where no timer signal can
    stop a document: the process pool's deadline works anywhere.
    """
    from cleaner.engines.workers import Failure, Ready, ordered_map

    tasks = [(page, url) if isinstance(page, str | bytes) and page else Ready(_NO_PAGE) for page, url in pages]
    results = ordered_map(
        _clean_task, tasks, jobs=1, timeout=timeout, initializer=start_worker, initargs=(options, kind)
    )
    return [("failed", result.reason, None) if isinstance(result, Failure) else result for _, result in results]


_NO_PAGE: tuple[Status, str, None] = ("skipped", "no page in the row", None)


def _clean_task(task: tuple[str | bytes, str | None]) -> tuple[Status, str | None, CleanResult | None]:
    options, kind = worker_run()
    return clean_one(task[0], kind, task[1], options)
