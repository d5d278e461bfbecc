"""Cleaning JSON lines: ``cleaner clean --jsonl IN -o OUT``, one step in someone else's pipeline.

Each input line is a JSON object holding a page (HTML or a text dump) and anything else; the output
line is the same object with a ``cleaner`` object added (text, title, url, site, rule sets, status…),
in the input order. Lines are cleaned in worker processes like files; ``.gz`` is read and written
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
from cleaner.engines.batch import DEFAULT_TIMEOUT, Outcome, Summary, result_outcome, tell
from cleaner.engines.context import start_worker, worker_run
from cleaner.engines.workers import Failure, Mapper, Ready, default_jobs, ordered_map, prestart
from cleaner.errors import CleanerError, InputError
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sinks.jsonl import STDIO, json_line, open_jsonl
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
    record: dict[str, Any]
    label: str  # the record's id, or "IN:number", in messages


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
        tasks = _parse(lines, str(source), fields, strict)
        results = mapper(
            _clean_line,
            tasks,
            jobs=jobs or default_jobs(),
            timeout=timeout,
            initializer=start_worker,
            initargs=(options, fields),
        )
        with contextlib.closing(results):
            for line, result in results:
                if isinstance(line, Ready):  # a line the reader rejected: its place holder and outcome
                    rejected, outcome = result
                    out.write(json_line(rejected) + "\n")
                else:
                    added, outcome = _merge(line, result)
                    line.record[fields.output] = added
                    try:
                        out.write(json_line(line.record) + "\n")
                    except (RecursionError, ValueError) as exc:
                        reason = f"cannot write this record: {exc}"
                        outcome = dataclasses.replace(outcome, status="failed", reason=reason)
                        out.write(json_line(_rejected(line.number, outcome.status, reason, fields)) + "\n")
                tell(summary, outcome, report, on_outcome)
    summary.elapsed = time.monotonic() - started
    return summary


def _parse(
    lines: Iterator[bytes | _Unreadable],
    name: str,
    fields: Fields,
    strict: bool,
) -> Iterator[_Line | Ready]:
    def rejected(number: int, status: str, reason: str) -> Ready:
        return Ready((_rejected(number, status, reason, fields), Outcome(f"{name}:{number}", status, reason=reason)))

    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, _Unreadable):
            yield rejected(number, "failed", f"{raw.problem}: this line and the rest of the input cannot be read")
            return
        if not raw.strip():
            continue
        try:
            record = _record(raw, fields)
        except MalformedLine as exc:
            if strict:
                raise MalformedLine(f"{name}:{number}", exc.problem) from None
            yield rejected(number, "skipped", f"malformed line: {exc.problem}")
            continue
        label = str(record.get(fields.id, f"{name}:{number}"))
        yield _Line(number, record, label)


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


def _rejected(number: int, status: str, reason: str, fields: Fields) -> dict[str, Any]:
    """The output line standing for an input line that could not be read."""
    return {"line": number, fields.output: {"status": status, "reason": reason, "text": ""}}


def _merge(line: _Line, result: tuple[dict[str, Any], Outcome] | dict[str, Any] | Failure) -> tuple[dict, Outcome]:
    """The object added to the line, and the line's outcome (``result_outcome``'s for a cleaned page)."""
    if isinstance(result, tuple):
        return result
    if isinstance(result, Failure):
        result = {"status": "failed", "reason": result.reason, "text": ""}
    return result, Outcome(line.label, result["status"], reason=result["reason"])


# Worker side ------------------------------------------------------------------------------------------


def _clean_line(line: _Line) -> tuple[dict[str, Any], Outcome] | dict[str, Any]:
    from cleaner.stages.pipeline import process  # in workers only: the parent never loads the extractor

    options, fields = worker_run()
    record = line.record
    url = record.get(fields.url) if isinstance(record.get(fields.url), str) else None
    if isinstance(record.get(fields.html), str):
        doc = Document(source=line.label, kind="html", content=record[fields.html], encoding="str")
    else:
        doc = document_from_bytes(b"", line.label, kind="text")
        doc.content = record[fields.text]
    if url:
        doc.url, doc.site_source = url, "explicit"
    try:
        result = process(doc, options).result()
    except InputError as exc:
        return {"status": "skipped", "reason": exc.problem, "text": ""}
    except CleanerError as exc:
        return {"status": "failed", "reason": str(exc), "text": ""}
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
    return added, result_outcome(line.label, result, None)


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
