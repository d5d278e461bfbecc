"""Worker processes for batch runs: results in input order, bounded memory, no task can stop a batch.

pebble runs each task in a worker process with a deadline, and replaces a worker that crashes or is
killed for running late; the task then yields a ``Failure`` instead of a result. At most ``4 * jobs``
tasks are in flight, so memory does not grow with the number of tasks, and results are yielded in the
order the tasks came in, so a run's report does not depend on worker timing.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import cache
from multiprocessing import context, forkserver, spawn
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pebble import ProcessPool

_WINDOW_PER_JOB = 4
# Imported once by the forkserver, so that every worker forked from it starts with the extractor and the
# shipped rules loaded; the library imports the extractor only where it is used, so the parent process
# starts without it.
PRELOAD = ["cleaner.engines.warm"]
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

    Worker processes start with the first task that needs one: a run where every file is unchanged
    starts none.
    """
    pool: ProcessPool | None = None
    pending: deque[tuple[Any, Future | None]] = deque()
    try:
        for task in tasks:
            future = None
            if not pending and type(task) is Ready:  # nothing ahead of it: no queue (a no-op re-run)
                yield task, task.value
                continue
            if not isinstance(task, Ready):
                if pool is None:
                    from pebble import ProcessPool  # only a run with files to clean needs it

                    pool = ProcessPool(
                        max_workers=jobs,
                        initializer=_worker_setup,
                        initargs=(initializer, initargs),
                        context=_context(),
                    )
                future = pool.schedule(_run_task, args=(function, task), timeout=timeout)
            pending.append((task, future))
            while pending and (len(pending) >= jobs * _WINDOW_PER_JOB or _done(pending[0][1])):
                yield _result(*pending.popleft(), timeout)
        while pending:
            yield _result(*pending.popleft(), timeout)
    except BaseException:
        if pool is not None:
            pool.stop()
            pool.join()
        raise
    if pool is not None:
        pool.close()
        pool.join()


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
    if _context().get_start_method() == "forkserver":
        forkserver.ensure_running()


@cache
def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers are forked from a clean single-threaded process that has already imported
    # the pipeline (fork from the threaded parent could deadlock; spawn would re-import per worker).
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    spawn.get_preparation_data = _preparation_data
    workers = _WorkerContext()
    workers.set_forkserver_preload(PRELOAD)
    return workers


# Spawn safety. multiprocessing has each new process import the parent's main script again (as
# __mp_main__), so a plain script that calls clean() at its top level, without an
# ``if __name__ == "__main__":`` guard, would run again in every worker and fail it. cleaner's workers
# need nothing from the caller's script, so they are started without it: the preparation data of the
# processes this context starts leaves the main module out. Other processes are not affected.
_spawn_preparation_data = spawn.get_preparation_data
_starting = threading.local()


def _preparation_data(name: str) -> dict[str, Any]:
    data = _spawn_preparation_data(name)
    if getattr(_starting, "worker", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


class _WorkerProcess(context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        _starting.worker = True
        try:
            return context.ForkServerProcess._Popen(process_obj)
        finally:
            _starting.worker = False


class _WorkerContext(context.ForkServerContext):
    Process = _WorkerProcess


def _done(future: Future | None) -> bool:
    return future is None or future.done()


def _result(task: Any, future: Future | None, timeout: float | None) -> tuple[Any, Any]:
    if future is None:
        return task, task.value
    try:
        return task, future.result()
    except FutureTimeout:
        return task, Failure(f"timed out after {timeout:g} s; its worker was replaced")
    except _process_expired() as exc:
        how = f"killed by signal {-exc.exitcode}" if exc.exitcode and exc.exitcode < 0 else f"exit code {exc.exitcode}"
        return task, Failure(f"worker process died ({how}); it was replaced")
    except Exception as exc:  # a bug in cleaner: reported for this task, the batch goes on
        return task, Failure(f"internal error: {type(exc).__name__}: {exc}")


def _process_expired() -> type[Exception]:
    from pebble import ProcessExpired

    return ProcessExpired


def _worker_setup(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _run_task(function: Callable[[Any], Any], task: Any) -> Any:
    # While a task runs, SIGTERM (sent when the pool stops) unwinds it, so that a half-written temporary
    # file is removed; between tasks it ends the worker at once, as by default.
    signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        return function(task)
    except Exception as exc:  # a bug in cleaner; as a message, since not every exception survives pickling
        return Failure(f"internal error: {type(exc).__name__}: {exc}")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
