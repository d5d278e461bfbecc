"""How batch workers (workers.py) are started: the multiprocessing context of their pool.

Imported with the first worker: a run with nothing to clean loads no multiprocessing.
"""

from __future__ import annotations

import multiprocessing
import threading
from functools import cache
from multiprocessing import context, spawn
from typing import Any

# Imported once by the forkserver, so that every worker forked from it starts with the extractor and the
# shipped rules loaded; the library imports the extractor only where it is used, so the parent process
# starts without it.
PRELOAD = ["cleaner.engines.warm"]


@cache
def worker_context() -> context.BaseContext:
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


# At module level: the process object, its class included, is pickled to the forkserver.
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
