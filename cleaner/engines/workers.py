"""Worker processes for batch runs: results in input order, bounded memory, no task can stop a batch.

pebble runs tasks in worker processes with a deadline, and replaces a worker that crashes or is
killed for running late. Tasks go to the workers in chunks of up to ``CHUNK`` and their results come back
in one message, since the pool's cost is per message, not per page; a chunk goes out early, smaller, when
a worker would otherwise wait. A chunk whose worker died or ran late is run again one task at a time, so
that only the task at fault yields a ``Failure`` instead of a result; a worker whose task is stuck past its
deadline ends itself (a watchdog thread that needs no signal), so that the chunk is not waited for as long
as all its tasks' deadlines together. At most ``2 * jobs`` chunks are in
flight, so memory does not grow with the number of tasks, and results are yielded in the order the tasks
came in, so a run's report does not depend on worker timing.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import IO, TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from concurrent.futures import Future

    from pebble import ProcessPool

CHUNK = 8  # tasks per message to a worker: a message costs the parent about what a page costs it
_WINDOW_PER_JOB = 2  # chunks in flight per worker
_WATCHDOG_SLACK = 1.0  # seconds a worker's own watchdog waits past a task's deadline
# Seconds a watchdog set for one task serves the next ones: setting it starts a thread and stops the previous
# one: 0.1 ms a task in a worker, where the rest of what a chunk adds to its tasks is 0.03
_WATCHDOG_REUSED = 1.0
# What runs a job's tasks: ``ordered_map`` below, or ``engines.ray.ray_map(address)``, its twin on Ray.
Mapper = Callable[..., Iterator[tuple[Any, Any]]]


class Ready(NamedTuple):  # a tuple: a no-op re-run makes one per file
    """A result known without a worker (for example a file found unchanged); keeps its place in line."""

    value: Any


@dataclass(frozen=True)
class Failure:
    """A task that gave no result: its worker crashed, was killed, or ran past the deadline."""

    reason: str


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def ordered_map(
    function: Callable[[Any], Any],
    tasks: Iterable[Any],
    *,
    jobs: int,
    timeout: float | None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[tuple[Any, Any]]:
    """Yield ``(task, function(task) or Failure)`` for each task, in order; ``Ready`` tasks pass through.

    ``timeout`` bounds each task. Worker processes start with the first task that needs one: a run where
    every file is unchanged starts none.
    """
    pool = _Pool(jobs, timeout, initializer, initargs)
    pending: deque[_Chunk] = deque()
    chunk: list[Any] = []
    try:
        for task in tasks:
            if not pending and not chunk and type(task) is Ready:  # nothing ahead of it: no queue (a no-op re-run)
                yield task, task.value
                continue
            chunk.append(task)
            if len(chunk) >= CHUNK or pool.idle():
                pending.append(pool.submit(function, chunk))
                chunk = []
            while pending and (len(pending) >= jobs * _WINDOW_PER_JOB or pending[0].done()):
                yield from pending.popleft().results(pool)
        if chunk:
            pending.append(pool.submit(function, chunk))
        while pending:
            yield from pending.popleft().results(pool)
    except BaseException:
        pool.stop()
        raise
    pool.close()


class _Pool:
    """The pebble pool, started with the first chunk that has a task to run."""

    def __init__(
        self, jobs: int, timeout: float | None, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
    ) -> None:
        self.jobs, self.timeout, self._setup = jobs, timeout, (initializer, initargs)
        self._pool: ProcessPool | None = None
        self._running: deque[Future] = deque()  # chunks sent, oldest first; the done ones are dropped lazily

    def submit(self, function: Callable[[Any], Any], tasks: list[Any]) -> _Chunk:
        work = [task for task in tasks if type(task) is not Ready]
        if not work:
            return _Chunk(tasks, None, function)
        future = self.schedule(_run_chunk, function, work, self.timeout and self.timeout * len(work))
        self._running.append(future)
        return _Chunk(tasks, future, function)

    def schedule(
        self, run: Callable[..., Any], function: Callable[[Any], Any], work: Any, timeout: float | None
    ) -> Future:
        if self._pool is None:  # only a run with files to clean needs pebble and multiprocessing
            from pebble import ProcessPool

            from cleaner.engines.spawning import worker_context

            self._pool = ProcessPool(
                max_workers=self.jobs, initializer=_worker_setup, initargs=self._setup, context=worker_context()
            )
        return self._pool.schedule(run, args=(function, work, self.timeout), timeout=timeout)

    def idle(self) -> bool:
        """True when fewer chunks are out than there are workers: a chunk sent now starts at once."""
        while self._running and self._running[0].done():
            self._running.popleft()
        return sum(not future.done() for future in self._running) < self.jobs

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()


@dataclass
class _Chunk:
    tasks: list[Any]  # in input order, Ready ones included
    future: Future | None  # of the results of its other tasks; None when all are Ready
    function: Callable[[Any], Any]

    def done(self) -> bool:
        return self.future is None or self.future.done()

    def results(self, pool: _Pool) -> Iterator[tuple[Any, Any]]:
        work = [task for task in self.tasks if type(task) is not Ready]
        values = iter(self._values(pool, work) if work else ())
        for task in self.tasks:
            yield task, task.value if type(task) is Ready else next(values)

    def _values(self, pool: _Pool, work: list[Any]) -> list[Any]:
        assert self.future is not None
        values = _outcome(self.future, pool.timeout and pool.timeout * len(work))
        if not isinstance(values, Failure):
            return values
        if len(work) == 1:
            return [values]
        # Which task killed its worker or ran late is not known: each runs again alone, and only it fails.
        alone = [pool.schedule(_run_one, self.function, task, pool.timeout) for task in work]
        return [_outcome(future, pool.timeout) for future in alone]


def inline_map(
    function: Callable[[Any], Any],
    tasks: Iterable[Any],
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[tuple[Any, Any]]:
    """``ordered_map`` in this process, for a single document: starting a worker would cost more than
    cleaning it. There is no deadline here; ``initializer`` runs before the first task that needs it."""
    ready = False
    for task in tasks:
        if isinstance(task, Ready):
            yield task, task.value
            continue
        if not ready and initializer is not None:
            initializer(*initargs)
        ready = True
        try:
            yield task, function(task)
        except Exception as exc:  # a bug in cleaner: reported for this task, as from a worker
            yield task, Failure(f"internal error: {type(exc).__name__}: {exc}")


def prestart() -> None:
    """Start the process workers are forked from now, so that its imports overlap the caller's own start."""
    from cleaner.engines.spawning import worker_context

    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _outcome(future: Future, timeout: float | None) -> Any:
    try:
        return future.result()
    except TimeoutError:  # concurrent.futures' own, since Python 3.11
        return Failure(f"timed out after {timeout:g} s; its worker was replaced")
    except _process_expired() as exc:
        how = f"killed by signal {-exc.exitcode}" if exc.exitcode and exc.exitcode < 0 else f"exit code {exc.exitcode}"
        return Failure(f"worker process died ({how}); it was replaced")
    except Exception as exc:  # a bug in cleaner: reported for this task, the batch goes on
        return Failure(f"internal error: {type(exc).__name__}: {exc}")


def _process_expired() -> type[Exception]:
    from pebble import ProcessExpired

    return ProcessExpired


def _worker_setup(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _run_chunk(function: Callable[[Any], Any], tasks: list[Any], deadline: float | None) -> list[Any]:
    # While tasks run, SIGTERM (sent when the pool stops) unwinds them, so that a half-written temporary
    # file is removed; between chunks it ends the worker at once, as by default.
    signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        results, armed = [], None
        for task in tasks:
            if deadline and (armed is None or time.monotonic() - armed > _WATCHDOG_REUSED):
                # A task stuck past its deadline where no signal reaches (in C code) ends this worker: its
                # chunk then runs again one task at a time, under the pool's deadline of one task, which
                # fires first. The chunk's own deadline (all its tasks') would come much later. Set at most
                # _WATCHDOG_REUSED before the task starts, it fires that much later at most.
                armed = time.monotonic()
                faulthandler.dump_traceback_later(
                    deadline + _WATCHDOG_SLACK + _WATCHDOG_REUSED, exit=True, file=_devnull()
                )
            results.append(_run(function, task))
        return results
    finally:
        if deadline:
            faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_one(function: Callable[[Any], Any], task: Any, deadline: float | None) -> Any:
    return _run_chunk(function, [task], deadline)[0]


@cache
def _devnull() -> IO[str]:
    return open(os.devnull, "w")  # the watchdog's output, open as long as the worker


def _run(function: Callable[[Any], Any], task: Any) -> Any:
    try:
        return function(task)
    except Exception as exc:  # a bug in cleaner; as a message, since not every exception survives pickling
        return Failure(f"internal error: {type(exc).__name__}: {exc}")


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
