"""A time budget per document, in every mode: the API, standard input, explain and batch workers.

A hostile page or rule (a regex that backtracks catastrophically, a pathological tree) must not hang a
caller. The budget is an interval timer (SIGALRM) in the calling process: Python's regex engine checks
for signals while it matches, so a runaway ``re.search`` is interrupted on time (1.00 s for a 1 s
budget), and arming the timer costs microseconds per document, where handing each document to a
worker process that can be killed costs a process round trip (measured in the README's Limits
section). Signals reach only the main thread: called from another thread, the budget is not enforced,
and batch runs keep their worker deadline as a second bound.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cleaner.errors import CleanerError

DEFAULT_BUDGET = 30.0  # seconds; a page takes well under one


class OverBudget(CleanerError):
    """Cleaning one document took longer than its time budget."""


class _Expired(BaseException):  # not an Exception: the libraries' own ``except Exception`` cannot swallow it
    pass


@contextmanager
def time_budget(seconds: float | None, where: str) -> Iterator[None]:
    """Raise OverBudget if the block runs longer than ``seconds`` (None or 0: no budget)."""
    if (
        not seconds
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0  # an enclosing budget (or the caller's own timer) rules
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise OverBudget(where, f"took longer than the {seconds:g}-second budget per document; left out") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
