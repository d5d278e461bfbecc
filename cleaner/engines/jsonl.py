"""Cleaning JSON lines: ``cleaner clean --jsonl IN -o OUT``, one step in someone else's pipeline.

Each input line is a JSON object holding a page (HTML or a text dump) and anything else; the output
line is the same object with a ``cleaner`` object added (text, title, url, site, rule sets, status…),
in the input order. Lines are parsed, cleaned and turned back into JSON in worker processes, like files:
the parent only splits the input into lines and writes the lines it gets back. ``.gz`` is read and written
transparently, ``-`` is stdin or stdout. Every input line gives one output line: a malformed line (not
JSON, nested too deeply, no page) gives ``{"line": N, "cleaner": {"status": "skipped", "reason": ...}}``
in its place, or stops the run with ``strict``; if a gzip input turns out corrupt, the lines read so far
are kept and one last line says where reading stopped. A file output is written to a temporary file and
renamed at the end, so a failed or interrupted run leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner.document import Document
from cleaner.engines.batch import DEFAULT_TIMEOUT, Outcome, Summary, result_outcome
from cleaner.engines.context import start_worker, worker_run
from cleaner.engines.workers import Failure, Mapper, Ready, default_jobs, ordered_map, prestart
from cleaner.errors import CleanerError, InputError
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sinks.jsonl import STDIO, json_line, open_jsonl
from cleaner.sinks.report import tell
from cleaner.sources.files import document_from_bytes


@dataclass(frozen=True)
class Fields:
    """Which fields of an input object hold what; ``output`` names the object cleaner adds."""

    html: str = "html"
    text: str = "text"
    url: str = "url"
    id: str = "id"
    output: str = "cleaner"


class MalformedLine(InputError):
    """A line that is not a JSON object, or has no page in it (``--strict`` makes it fatal)."""


@dataclass(frozen=True)
class _Line:
    number: int
    raw: bytes  # the line as read: parsed in the worker
    source: str  # the input's name, in messages


@dataclass(frozen=True)
class _Malformed:
    """A worker's answer for a line that is not a JSON object with a page in it."""

    problem: str


def clean_jsonl(
    source: Path,
    target: Path,
    options: Options | None = None,
    *,
    fields: Fields | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    strict: bool = False,
    report: IO[str] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    mapper: Mapper = ordered_map,
) -> Summary:
    """Clean every page of a JSON-lines file (``-``: stdin) into another (``-``: stdout), keeping order;
    ``report`` receives one manifest line per input line, as for files."""
    options = options or Options()
    fields = fields or Fields()
    prestart()
    load_catalog(options.rules_dirs)  # a bad rule file stops the run before anything is read
    summary = Summary(unit="lines")
    started = time.monotonic()
    with _reader(source) as lines, open_jsonl(target) as out:
        results = mapper(
            _clean_line,
            _lines(lines, str(source), fields),
            jobs=jobs or default_jobs(),
            timeout=timeout,
            initializer=start_worker,
            initargs=(options, fields),
        )
        with contextlib.closing(results):
            for line, result in results:
                if isinstance(result, _Malformed):
                    where = f"{line.source}:{line.number}"
                    if strict:
                        raise MalformedLine(where, result.problem)
                    result = _rejected(line.number, "skipped", f"malformed line: {result.problem}", where, fields)
                elif isinstance(result, Failure):
                    result = _failed(line, result.reason, fields)
                text, outcome = result
                out.write(text + "\n")
                tell(summary, outcome, report, on_outcome)
    summary.elapsed = time.monotonic() - started
    return summary


def _lines(lines: Iterator[bytes | _Unreadable], name: str, fields: Fields) -> Iterator[_Line | Ready]:
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, _Unreadable):
            problem = f"{raw.problem}: this line and the rest of the input cannot be read"
            yield Ready(_rejected(number, "failed", problem, f"{name}:{number}", fields))
            return
        if raw.strip():
            yield _Line(number, raw, name)


def _record(raw: bytes, fields: Fields) -> dict[str, Any]:
    try:
        record = json.loads(raw)
    except ValueError as exc:
        raise MalformedLine("", f"not JSON ({exc})") from None
    except RecursionError:
        raise MalformedLine("", "JSON nested too deeply to read") from None
    if not isinstance(record, dict):
        raise MalformedLine("", "not a JSON object")
    page = record.get(fields.html, record.get(fields.text))
    if not isinstance(page, str):
        raise MalformedLine("", f"no string field {fields.html!r} or {fields.text!r}")
    return record


def _label(line: _Line, record: dict[str, Any], fields: Fields) -> str:
    """The record's id, or "IN:number", in messages and the manifest."""
    return str(record.get(fields.id, f"{line.source}:{line.number}"))


def _rejected(number: int, status: str, reason: str, where: str, fields: Fields) -> tuple[str, Outcome]:
    """The output line standing for an input line that could not be read or written, and its outcome."""
    text = json_line({"line": number, fields.output: {"status": status, "reason": reason, "text": ""}})
    return text, Outcome(where, status, reason=reason)


def _failed(line: _Line, reason: str, fields: Fields) -> tuple[str, Outcome]:
    """The output line of a line whose worker died or ran late: the record with a failed ``cleaner`` object."""
    try:
        record = _record(line.raw, fields)
    except MalformedLine:
        return _rejected(line.number, "failed", reason, f"{line.source}:{line.number}", fields)
    return _not_cleaned(line, record, _label(line, record, fields), "failed", reason, fields)


def _not_cleaned(
    line: _Line, record: dict[str, Any], label: str, status: str, reason: str, fields: Fields
) -> tuple[str, Outcome]:
    added = {"status": status, "reason": reason, "text": ""}
    return _written(line, record, added, Outcome(label, status, reason=reason), fields)


def _written(
    line: _Line, record: dict[str, Any], added: dict[str, Any], outcome: Outcome, fields: Fields
) -> tuple[str, Outcome]:
    """The output line: the input's record with ``added`` as its ``cleaner`` object."""
    record[fields.output] = added
    try:
        return json_line(record), outcome
    except (RecursionError, ValueError) as exc:
        reason = f"cannot write this record: {exc}"
        text, _ = _rejected(line.number, "failed", reason, outcome.path, fields)
        return text, dataclasses.replace(outcome, status="failed", reason=reason)


# Worker side ------------------------------------------------------------------------------------------


def _clean_line(line: _Line) -> tuple[str, Outcome] | _Malformed:
    from cleaner.stages.pipeline import process  # in workers only: the parent never loads the extractor

    options, fields = worker_run()
    try:
        record = _record(line.raw, fields)
    except MalformedLine as exc:
        return _Malformed(exc.problem)
    label = _label(line, record, fields)
    url = record.get(fields.url) if isinstance(record.get(fields.url), str) else None
    if isinstance(record.get(fields.html), str):
        doc = Document(source=label, kind="html", content=record[fields.html], encoding="str")
    else:
        doc = document_from_bytes(b"", label, kind="text")
        doc.content = record[fields.text]
    if url:
        doc.url, doc.site_source = url, "explicit"
    try:
        result = process(doc, options).result()
    except InputError as exc:
        return _not_cleaned(line, record, label, "skipped", exc.problem, fields)
    except CleanerError as exc:
        return _not_cleaned(line, record, label, "failed", str(exc), fields)
    added = {
        "status": result.status,
        "reason": result.reason,
        "text": result.text,
        **result.metadata(),
        "url": result.url,
        "site": result.site,
        "rules": list(result.rules),
        "chars_in": result.chars_in,
        "fired": dict(Counter(r.rule for r in result.removed)),
    }
    if options.output_format == "json":
        added["removed"] = [{"rule": r.rule, "stage": r.stage, "text": r.text} for r in result.removed]
    return _written(line, record, added, result_outcome(label, result, None), fields)


# Streams ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _reader(source: Path) -> Iterator[Iterator[bytes | _Unreadable]]:
    if source == STDIO:
        yield iter(sys.stdin.buffer)
        return
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below, after sniffing gzip
    except OSError as exc:
        raise InputError(str(source), f"cannot read: {exc.strerror}") from exc
    with handle:
        magic = handle.peek(2)[:2] if hasattr(handle, "peek") else b""
        if source.name.endswith(".gz") or magic == b"\x1f\x8b":
            with gzip.open(handle, "rb") as inflated:
                yield _guarded(inflated, source)
        else:
            yield iter(handle)


@dataclass(frozen=True)
class _Unreadable:
    """Where a compressed input stopped making sense: read as one last line."""

    problem: str


def _guarded(lines: IO[bytes], source: Path) -> Iterator[bytes | _Unreadable]:
    try:
        yield from lines
    except (OSError, EOFError, zlib.error) as exc:
        yield _Unreadable(f"corrupt gzip data ({exc})")
