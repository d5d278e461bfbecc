"""The Ray engine (extra ``ray``): the jobs of the process pool, run on a Ray cluster.

``ray_map(address)`` gives a twin of ``workers.ordered_map``: same tasks, same worker function, same
results in the same order, so folders, JSON lines and WARC files run unchanged and give the same
outputs, statuses and exit codes. Tasks go out in batches (a Ray task costs about a millisecond; a
page about ten), at most two batches per CPU in flight, so memory stays flat. A task that raises or
runs past ``timeout`` becomes a ``Failure`` for that document; a worker that dies is retried by Ray,
then its documents fail. The rules are loaded once per worker process, by the initializer.

No address: a local cluster is started on this machine, bound to 127.0.0.1, and stopped at the end.
An address that cannot be reached is one line (``EngineError``, exit 2), before anything is read.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cleaner.engines.inprocess import PastDeadline, deadline
from cleaner.engines.workers import Failure, Ready
from cleaner.errors import EngineError

BATCH = 8  # documents per Ray task
_IN_FLIGHT_PER_CPU = 2
_CONNECT_TIMEOUT = 5.0


def ray_map(address: str | None = None) -> Callable[..., Iterator[tuple[Any, Any]]]:
    """An ``ordered_map`` that runs on the Ray cluster at ``address`` (None: a local one, started here)."""
    if importlib.util.find_spec("ray") is None:
        raise EngineError("--engine ray", "Ray is not installed: pip install 'cleaner[ray]'")
    return functools.partial(_ordered_map, address=address)


def connect(address: str | None, cpus: int | None = None) -> bool:
    """Join the cluster at ``address``, or start a local one; True when this call started Ray."""
    import ray

    if ray.is_initialized():
        return False
    if address not in (None, "auto", "local"):
        _reachable(address)
    options: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False, "include_dashboard": False}
    if address in (None, "local"):
        options.update(num_cpus=cpus, _node_ip_address="127.0.0.1")
    else:
        options["address"] = address
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise EngineError(f"--address {address}", f"cannot connect to the Ray cluster: {exc}") from None
    return True


def _reachable(address: str) -> None:
    """Fail fast on an address nothing answers at: Ray itself retries for minutes."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise EngineError(f"--address {address}", "expected HOST:PORT (or ray://HOST:PORT, auto)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=_CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise EngineError(f"--address {address}", f"cannot reach the Ray cluster: {exc.strerror or exc}") from None


def _ordered_map(
    function: Callable[[Any], Any], tasks: Iterable[Any], *, address: str | None, jobs: int, **setup: Any
) -> Iterator[tuple[Any, Any]]:
    """``workers.ordered_map`` on Ray; ``setup``: its ``timeout``, ``initializer`` and ``initargs``."""
    import ray

    started = connect(address, cpus=jobs)
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", jobs)))
        remote = ray.remote(max_retries=2)(_run_batch)
        timeout = setup.get("timeout")
        init = (setup.get("initializer"), setup.get("initargs", ()))
        pending: deque[tuple[list[Any], Any]] = deque()  # (tasks, ObjectRef or None for Ready ones)
        batch: list[Any] = []

        def submit() -> None:
            if batch:
                pending.append((list(batch), remote.remote(function, init, list(batch), timeout)))
                batch.clear()

        for task in tasks:
            if isinstance(task, Ready):
                submit()  # keeps the order: the batch before it goes first
                pending.append(([task], None))
            else:
                batch.append(task)
                if len(batch) >= BATCH:
                    submit()
            while len(pending) > cpus * _IN_FLIGHT_PER_CPU:
                yield from _collect(*pending.popleft())
        submit()
        while pending:
            yield from _collect(*pending.popleft())
    finally:
        if started:
            ray.shutdown()


def _collect(tasks: list[Any], ref: Any) -> Iterator[tuple[Any, Any]]:
    import ray

    if ref is None:
        yield tasks[0], tasks[0].value
        return
    try:
        results = ray.get(ref)
    except ray.exceptions.RayError as exc:  # the worker died (after Ray's retries) or the task was lost
        reason = f"Ray worker failed: {type(exc).__name__}"
        results = [Failure(reason)] * len(tasks)
    yield from zip(tasks, results, strict=True)


# Worker side ------------------------------------------------------------------------------------------

_ready_setups: set[str] = set()


def _run_batch(
    function: Callable[[Any], Any], setup: tuple[Any, tuple], tasks: list[Any], timeout: float | None
) -> list[Any]:
    initializer, initargs = setup
    key = repr(setup)
    if initializer is not None and key not in _ready_setups:
        initializer(*initargs)  # once per worker process: the rules are loaded here
        _ready_setups.add(key)
    results = []
    for task in tasks:
        try:
            with deadline(timeout):
                results.append(function(task))
        except PastDeadline:
            results.append(Failure(f"timed out after {timeout:g} s"))
        except Exception as exc:  # a bug in cleaner: reported for this document, the run goes on
            results.append(Failure(f"internal error: {type(exc).__name__}: {exc}"))

    return results
