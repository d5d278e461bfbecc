"""Imported once by the process that batch workers are forked from (``spawning.PRELOAD``): each worker then
starts with the extractor imported and the shipped rules loaded, instead of loading them itself."""

import contextlib
import gc
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

import bs4.dammit  # noqa: F401  (decode's encoding detection)
import chardetng_py  # noqa: F401
import pycld2  # noqa: F401  (language.py)
import trafilatura  # noqa: F401
from trafilatura.external import jt_stoplist_init

import cleaner.stages.pipeline  # noqa: F401
from cleaner.errors import CleanerError
from cleaner.rules import RULES_ENV, load_catalog


def _quiet_when_pool_gone(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """A worker forked while its pool was shutting down (its tasks all done) finds the pool's semaphore
    already removed: it had nothing to do, so it ends without a traceback that would read as a failure."""
    frames = traceback.extract_tb(trace)
    if issubclass(kind, FileNotFoundError) and any(
        f.name == "__setstate__" and f.filename.endswith("synchronize.py") for f in frames
    ):
        return
    sys.__excepthook__(kind, error, trace)


sys.excepthook = _quiet_when_pool_gone  # in the forkserver and the workers it forks, not in the parent

# A broken rule file is the parent's to report: it loads the same files before any worker starts.
with contextlib.suppress(CleanerError):
    load_catalog(())
    # the run's own folders (--rules, named by __main__): its workers then never read them again
    if folders := os.environ.get(RULES_ENV):
        load_catalog(tuple(Path(folder) for folder in folders.split(os.pathsep)))

# The stop words of every language, which trafilatura gathers when its fallback extraction first runs (0.13 s): once
# here rather than in each worker.
jt_stoplist_init()

# What is loaded now lives as long as the workers: out of the collector's reach, a full collection in a worker no longer
# walks it (0.16 ms a page, 1 %), nor writes to its pages, which stay shared with the other workers.
gc.freeze()
