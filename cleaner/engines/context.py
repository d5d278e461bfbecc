"""What a worker process knows of its run, set once when the process starts (a Ray worker too).

Every engine's workers start the same way: the run's options and one thing of the engine's own (a batch's
URL, the JSON-lines fields, the kind of a datatrove or Ray document), the extractor imported and the rules
loaded before the first document's deadline starts.
"""

from __future__ import annotations

from typing import Any

from cleaner.options import Options

_run: tuple[Options, Any] = (Options(), None)


def start_worker(options: Options, given: Any = None) -> None:
    """The initializer of every engine's workers: remember ``options`` and ``given``, load what cleaning needs."""
    import cleaner.stages.pipeline  # noqa: F401  (imported here, not within the first document's deadline)
    from cleaner.rules import load_catalog

    global _run
    _run = (options, given)
    load_catalog(options.rules_dirs)


def worker_run() -> tuple[Options, Any]:
    """The options and the engine's own value this worker was started with."""
    return _run
