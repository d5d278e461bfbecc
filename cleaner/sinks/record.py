"""The one shape a cleaned document takes in a dataset: what the JSONL, Parquet, Ray and datatrove sinks write.

``{"id", "url", "date", "text", "title", "metadata": {...}, "warc": {"file", "offset"}}``: the field
names datatrove and Dolma use (``id``, ``text``, ``metadata``), so the output reads straight into their
pipelines and into Hugging Face ``datasets``. ``id``, ``url`` and ``date`` come from the source (a WARC
record's id, target URI and date; a file's path); with no URL from the source, ``url`` is the page's own
(given, from a sidecar or its canonical link); ``metadata`` is every field of ``CleanResult.to_dict()`` but the
text, the title and the removed blocks, plus ``fired`` (rule -> blocks it removed).

Every sink goes through ``record_of``, and the Parquet schema is derived from ``metadata_types``, which
reads ``CleanResult``'s own type hints: a field added to ``CleanResult`` (and its ``to_dict``) reaches
every sink without touching any of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import typing
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from cleaner.document import CleanResult
from cleaner.errors import OutputError

# Top-level fields besides text and title; None where the source has none (a folder has no WARC).
SOURCE_FIELDS = ("id", "url", "date", "warc")
_NOT_METADATA = ("text", "title", "removed")
# Fields of to_dict() that are not dataclass fields of CleanResult, with their types.
_DERIVED: dict[str, Any] = {"chars_out": int, "fired": dict[str, int]}
_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


def record_of(result: CleanResult, **source: Any) -> dict[str, Any]:
    """A cleaned document as one dataset row; ``source`` gives ``id``, ``url``, ``date``, ``warc``."""
    record: dict[str, Any] = {name: source.get(name) for name in SOURCE_FIELDS}
    record["url"] = record["url"] or result.url
    record["text"] = result.text
    record["title"] = result.title
    record["metadata"] = metadata_of(result)
    return record


def metadata_of(result: CleanResult) -> dict[str, Any]:
    """Everything known about a cleaned document but its text and title, in ``metadata_types()`` order."""
    values = result.to_dict()
    values["fired"] = dict(Counter(removal.rule for removal in result.removed))
    return {name: values.get(name, getattr(result, name, None)) for name in metadata_types()}


@cache
def metadata_types() -> dict[str, Any]:
    """The type of each metadata field, read from ``CleanResult``'s annotations (the Parquet schema's source)."""
    hints = typing.get_type_hints(CleanResult)
    types = {f.name: hints[f.name] for f in dataclasses.fields(CleanResult) if f.name not in _NOT_METADATA}
    types.update(_DERIVED)
    return types


def open_sink(target: Path) -> contextlib.AbstractContextManager[Callable[[dict[str, Any]], None]]:
    """Where records go, chosen by the name: ``.parquet``, or JSON lines (``.jsonl``, ``.jsonl.gz``, ``-``)."""
    if check_sink(target) == "parquet":
        from cleaner.sinks.parquet import parquet_sink  # pyarrow loads only for Parquet

        return parquet_sink(target)
    from cleaner.sinks.jsonl import jsonl_sink

    return jsonl_sink(target)


def check_sink(target: Path) -> str:
    """``"parquet"`` or ``"jsonl"`` for a usable output name; OutputError says what is wrong with another."""
    name = target.name.lower()
    if name.endswith(".parquet"):
        from cleaner.sinks.parquet import record_schema

        record_schema()  # says how to install pyarrow when it is missing
        return "parquet"
    if target == Path("-") or name.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    raise OutputError(str(target), "unknown output type: name it .jsonl, .jsonl.gz or .parquet (- for stdout)")
