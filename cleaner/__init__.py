"""cleaner: scrape article pages and strip the boilerplate that main-text extractors leave behind.

Library first: ``clean_html``, ``clean_text``, ``clean_bytes`` and ``clean_file`` clean one document;
``clean`` cleans files and folders in parallel, incrementally; ``fetch`` downloads a list of URLs
politely and ``run`` fetches and cleans in one pass. The CLI (``cleaner``) is a thin layer over these
functions.
"""

from cleaner.batch import Outcome, Summary, clean
from cleaner.document import CleanResult, Removal
from cleaner.errors import (
    CleanerError,
    FetchError,
    InputError,
    NothingExtracted,
    OutputError,
    ReadError,
    RuleError,
)
from cleaner.fetcher import FetchOptions, FetchOutcome, FetchSummary, fetch
from cleaner.pipeline import Options, clean_bytes, clean_file, clean_html, clean_text
from cleaner.scrape import run
from cleaner.version import __version__

__all__ = [
    "CleanResult",
    "CleanerError",
    "FetchError",
    "FetchOptions",
    "FetchOutcome",
    "FetchSummary",
    "InputError",
    "NothingExtracted",
    "Options",
    "Outcome",
    "OutputError",
    "ReadError",
    "Removal",
    "RuleError",
    "Summary",
    "__version__",
    "clean",
    "clean_bytes",
    "clean_file",
    "clean_html",
    "clean_text",
    "fetch",
    "run",
]
