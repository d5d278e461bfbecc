"""cleaner: scrape article pages and strip the boilerplate that main-text extractors leave behind.

Library first: ``clean_html``, ``clean_text``, ``clean_bytes`` and ``clean_file`` clean one document;
``clean`` cleans files and folders in parallel, incrementally; ``fetch`` downloads a list of URLs
politely and ``run`` fetches and cleans in one pass. The CLI (``cleaner``) is a thin layer over these
functions.

Names are imported on first use (PEP 562): ``cleaner clean`` starts without loading the HTTP client,
and the parent of a batch without loading the extractor.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cleaner.version import __version__

_WHERE = {
    "clean": "cleaner.engines.batch",
    "Outcome": "cleaner.engines.batch",
    "Summary": "cleaner.engines.batch",
    "CleanResult": "cleaner.document",
    "Removal": "cleaner.document",
    "CleanerError": "cleaner.errors",
    "FetchError": "cleaner.errors",
    "InputError": "cleaner.errors",
    "NothingExtracted": "cleaner.errors",
    "OutputError": "cleaner.errors",
    "ReadError": "cleaner.errors",
    "RuleError": "cleaner.errors",
    "UsageError": "cleaner.errors",
    "FetchOutcome": "cleaner.sources.fetch.fetcher",
    "FetchSummary": "cleaner.sources.fetch.fetcher",
    "fetch": "cleaner.sources.fetch.fetcher",
    "FetchOptions": "cleaner.options",
    "Options": "cleaner.options",
    "clean_bytes": "cleaner.stages.pipeline",
    "clean_file": "cleaner.stages.pipeline",
    "clean_html": "cleaner.stages.pipeline",
    "clean_text": "cleaner.stages.pipeline",
    "run": "cleaner.engines.scrape",
    "Selection": "cleaner.sources.files",
}
__all__ = [  # noqa: RUF022 - grouped as _WHERE is
    "__version__",
    "clean",
    "Outcome",
    "Summary",
    "CleanResult",
    "Removal",
    "CleanerError",
    "FetchError",
    "InputError",
    "NothingExtracted",
    "OutputError",
    "ReadError",
    "RuleError",
    "UsageError",
    "FetchOutcome",
    "FetchSummary",
    "fetch",
    "FetchOptions",
    "Options",
    "clean_bytes",
    "clean_file",
    "clean_html",
    "clean_text",
    "run",
    "Selection",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:
    from cleaner.document import CleanResult, Removal
    from cleaner.engines.batch import Outcome, Summary, clean
    from cleaner.engines.scrape import run
    from cleaner.errors import (
        CleanerError,
        FetchError,
        InputError,
        NothingExtracted,
        OutputError,
        ReadError,
        RuleError,
        UsageError,
    )
    from cleaner.options import FetchOptions, Options
    from cleaner.sources.fetch.fetcher import FetchOutcome, FetchSummary, fetch
    from cleaner.sources.files import Selection
    from cleaner.stages.pipeline import clean_bytes, clean_file, clean_html, clean_text
