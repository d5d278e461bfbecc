"""How to clean and how to download: the options shared by every document or URL of a run.

Kept apart from the pipeline and the fetcher so that the command line, and the parent process of a
batch, which only walks folders and hands out work, can hold them without importing the extractor or
the HTTP client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from cleaner.errors import UsageError
from cleaner.sources.files import DEFAULT_MAX_BYTES
from cleaner.version import __version__

DEFAULT_EXTRACTION = "auto"  # trafilatura's mode, chosen by measurement (extract.py)
# rules suggest: what recurs on this share of a site's pages, read from at most this many
DEFAULT_MIN_SHARE = 0.5
DEFAULT_MAX_PAGES = 300
MIN_PAGES = 3  # fewer pages cannot tell a template from an article

OutputFormat = Literal["txt", "json", "md"]
ExtractionMode = Literal["auto", "fast", "full", "precision", "recall"]
OUTPUT_FORMATS: tuple[str, ...] = get_args(OutputFormat)
EXTRACTION_MODES: tuple[str, ...] = get_args(ExtractionMode)


def user_agent_for(contact: str | None) -> str:
    """The User-Agent of downloads: the tool and its version, and the crawl's contact when given
    (a URL or an e-mail address site owners can reach the person running the crawl at)."""
    return f"cleaner/{__version__} (+{contact})" if contact else f"cleaner/{__version__}"


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UsageError("", f"{name} must be one of {', '.join(allowed)}, not {value!r}")


@dataclass(frozen=True)
class Options:
    """How to clean: shared by every document of a run."""

    site_rules: bool = True  # False: only the generic rule sets
    rules_dirs: tuple[Path, ...] = ()  # rule folders read after the shipped rules/
    output_format: OutputFormat = "txt"
    max_bytes: int = DEFAULT_MAX_BYTES
    site: str | None = None  # force the site (a host) whatever the document says
    extraction: ExtractionMode = DEFAULT_EXTRACTION  # trafilatura's mode: auto, fast, full, precision or recall
    time_budget: float | None = 30.0  # seconds per document before it is left out (stages/budget.py)
    # the block scorer: a block less likely than this to be article text is removed; None: the shipped
    # model's own threshold (0 today: off, it did not beat the rules alone cross-validated); 0: off
    keep_threshold: float | None = None
    scorer_model: Path | None = None  # another model file than the shipped one
    languages: tuple[str, ...] = ()  # keep only documents in these languages (ISO 639-1); () keeps all

    def __post_init__(self) -> None:
        _one_of("output_format", self.output_format, OUTPUT_FORMATS)
        _one_of("extraction", self.extraction, EXTRACTION_MODES)
        if isinstance(self.rules_dirs, str | os.PathLike):
            raise UsageError("", f"rules_dirs must be a sequence of folders, not one: ({str(self.rules_dirs)!r},)")
        # Folders may be given as str or Path, in any sequence; kept as a tuple of Paths (hashable).
        object.__setattr__(self, "rules_dirs", tuple(Path(folder) for folder in self.rules_dirs))
        if not isinstance(self.max_bytes, int) or self.max_bytes < 1:
            raise UsageError("", f"max_bytes must be a positive whole number of bytes, not {self.max_bytes!r}")

    @property
    def key(self) -> str:
        """What in these options changes outputs (rule folders count through their rule sets)."""
        return (
            f"{self.output_format} site_rules={self.site_rules} site={self.site} max={self.max_bytes}"
            f" extraction={self.extraction}"
            + (
                f" keep={self.keep_threshold} model={self.scorer_model}"
                if self.keep_threshold or self.scorer_model
                else ""
            )
            + (f" languages={','.join(self.languages)}" if self.languages else "")
        )

    @property
    def scores(self) -> bool:
        """Whether the block scorer may act (with its own threshold, or the one given)."""
        return self.keep_threshold != 0


@dataclass(frozen=True)
class FetchOptions:
    """How to download: shared by every URL of a run (defaults and their reasons: README)."""

    delay: float = 1.0  # seconds between two requests to one host, at least (jittered up to 1.5 times)
    concurrency: int = 16  # hosts downloaded from at the same time (robots.txt requests have as many again)
    user_agent: str = ""  # empty: cleaner/VERSION, with (+contact) when a contact is given
    contact: str | None = None  # a URL or e-mail address for site owners, put in the User-Agent
    connect_timeout: float = 10.0
    read_timeout: float = 10.0  # longest wait for the next bytes
    deadline: float = 60.0  # one attempt at one page, redirects included, from first to last byte
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubles with each further one
    max_bytes: int = 10_000_000
    allow_private: bool = False  # connect to private, loopback and link-local addresses too
    allow_networks: tuple[str, ...] = ()  # or only to these networks ("10.1.0.0/16") besides public ones
    refresh: bool = False  # ask again for pages already saved (conditional request; kept on 304)
    rules_dirs: tuple[Path, ...] = ()  # rule folders whose ftr http_header lines are sent to their sites

    def __post_init__(self) -> None:
        if not self.user_agent:
            object.__setattr__(self, "user_agent", user_agent_for(self.contact))
