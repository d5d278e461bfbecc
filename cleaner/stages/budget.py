"""A time budget per document, in every mode: the API (on any thread), standard input, explain and batch workers.

A hostile page or rule (a regex that backtracks catastrophically, a pathological tree) must not hang a
caller. Two bounds serve one deadline:

- On the main thread, an interval timer (SIGALRM): Python's regex engine checks for signals while it
  matches, so a runaway ``re.search`` is interrupted on time (1.00 s for a 1 s budget), and arming the
  timer costs microseconds per document, where handing each document to a worker process that can be
  killed costs a process round trip (measured in the README's Limits section).
- On every thread, the deadline itself (``remaining()``): the regexes of rule files the user brings run
  on the ``regex`` engine with ``timeout=`` set from it (rules/regexes.py), which works off the main
  thread too, where no signal can reach (a caller's thread pool, Ray actors, datatrove workers).

Batch runs keep their worker deadline as a third bound.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from cleaner.errors import CleanerError

DEFAULT_BUDGET = 30.0  # seconds; a page takes well under one


class OverBudget(CleanerError):
    """Cleaning one document took longer than its time budget."""


class _Expired(BaseException):  # not an Exception: the libraries' own ``except Exception`` cannot swallow it
    pass


_thread = threading.local()  # .deadline: time.monotonic() at which this thread's innermost limit ends


def remaining() -> float | None:
    """Seconds left before this thread's deadline (None: no deadline); never 0, which ``regex`` reads as none."""
    deadline = getattr(_thread, "deadline", None)
    return None if deadline is None else max(deadline - time.monotonic(), 1e-3)


@contextmanager
def time_limit(seconds: float | None, expired: Callable[[], BaseException]) -> Iterator[None]:
    """Raise ``expired()`` if the block runs longer than ``seconds`` (None or 0: no limit).

    The deadline holds on every thread (see ``remaining``); on the main thread a timer signal also stops
    any Python code, unless a timer is already running (an enclosing limit or the caller's own rules).
    """
    if not seconds:
        yield
        return
    enclosing = getattr(_thread, "deadline", None)
    _thread.deadline = min(time.monotonic() + seconds, enclosing or float("inf"))
    armed = threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    previous = None
    if armed:

        def expire(signum: int, frame: object) -> None:
            raise _Expired

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        if not armed:  # the timer of an enclosing limit fired: that limit reports it, with its own seconds
            raise
        raise expired() from None
    finally:
        _thread.deadline = enclosing
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def over_budget(where: str, seconds: float) -> OverBudget:
    return OverBudget(where, f"took longer than the {seconds:g}-second budget per document; left out")


def time_budget(seconds: float | None, where: str) -> AbstractContextManager[None]:
    """Raise OverBudget if the block runs longer than ``seconds`` (None or 0: no budget)."""
    return time_limit(seconds, lambda: over_budget(where, seconds or 0))
