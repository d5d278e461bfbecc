"""The ``--report`` sink, the same for every command: each outcome counted, written as a JSON line, passed on.

An engine (``clean``, the JSON-lines and dataset engines, ``fetch``) calls ``tell`` once per input, as its
outcome comes; the outcome gives its own line (``manifest``) and the summary its own counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any, Protocol


class Reported(Protocol):
    def manifest(self) -> dict[str, Any]: ...


class Tally(Protocol):
    def add(self, outcome: Any, /) -> None: ...


def tell(summary: Tally, outcome: Reported, report: IO[str] | None, on_outcome: Callable[[Any], None] | None) -> None:
    """Count ``outcome`` in ``summary``, write its manifest line to ``report``, pass it to ``on_outcome``."""
    summary.add(outcome)
    if report is not None:
        report.write(json.dumps(outcome.manifest(), ensure_ascii=False) + "\n")
    if on_outcome is not None:
        on_outcome(outcome)
