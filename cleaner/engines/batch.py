"""Cleaning many files: ``clean``, the function behind ``cleaner clean PATH...``.

The parent walks the folders and decides from the state store (``state.py``) which files are
unchanged; the others are cleaned in worker processes (``workers.py``), in input order. One bad file
never stops a batch; an output that cannot be written (full disk, read-only folder) does, cleanly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from cleaner.document import CleanResult
from cleaner.engines.context import start_worker, worker_run
from cleaner.engines.scan import shared_walk
from cleaner.engines.state import (
    MTIME_NS,
    OUT_MTIME_NS,
    OUT_SIZE,
    RECORD,
    RULES_NOW,
    SIZE,
    STATE_NAME,
    STATUS,
    Record,
    Row,
    StateStore,
    record_from_row,
    rules_key,
)
from cleaner.engines.workers import Mapper, Ready, default_jobs, inline_map, ordered_map
from cleaner.errors import CleanerError, InputError, OutputError, ReadError
from cleaner.options import Options
from cleaner.rules import Catalog, load_catalog
from cleaner.sinks.files import remove_leftovers, render, write_atomic
from cleaner.sinks.report import tell
from cleaner.sources.files import (
    OUTPUT_SUFFIXES,
    TEMP_MARK,
    Listing,
    Selection,
    Skipped,
    output_owner,
    owner_among,
    read_document,
    split_walk,
    stem_of,
    walk_folders,
)

_FS_ENCODING, _FS_ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
STATUSES = ("cleaned", "unchanged", "empty", "filtered", "skipped", "failed")
DEFAULT_TIMEOUT = 30.0
WORKER_GRACE = 5.0  # a worker is killed only this long after its document's budget ran out
COLLAPSE_SHARE = 0.5  # text rules removing more than this share of the extracted text is suspicious
_HELPER_TASKS = 1000  # files to clean in one subtree, at most, that the walk's helper sends (past them: left)


def display_path(path: Path | str) -> str:
    """A path as text that can be printed: undecodable bytes of a file name shown as U+FFFD."""
    text = os.fspath(path)
    return text if text.isascii() else os.fsencode(text).decode("utf-8", errors="replace")


@dataclass
class Outcome:
    """What happened to one input: a line of the ``--report`` manifest."""

    path: str
    status: str  # one of STATUSES
    output: str | None = None
    reason: str | None = None
    chars_in: int = 0
    chars_out: int = 0
    extracted_chars: int = 0
    site: str | None = None
    date: str | None = None  # the publication date the page states
    language: str | None = None  # of the cleaned text
    rules: tuple[str, ...] = ()
    fired: dict[str, int] = field(default_factory=dict)  # rule -> blocks it removed
    collapsed: bool = False  # over-stripping guard: the text rules removed most of the extracted text
    rule_overridden: str | None = None  # an ftr file whose body or prune choice lost to the generic result
    rule_errors: tuple[str, ...] = ()  # rules skipped because they failed on this page
    record: Record | None = None  # what the state store keeps of it
    fatal: bool = False  # the batch cannot go on (outputs cannot be written)

    def manifest(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: that deep-copies every value, a tenth of a millisecond a line.
        line = {name: getattr(self, name) for name in _MANIFEST_FIELDS}
        line["rules"], line["fired"], line["rule_errors"] = list(self.rules), dict(self.fired), list(self.rule_errors)
        return line

    def problem(self) -> str | None:
        """The line a user sees for an input that was not cleaned, None when all went well."""
        return f"{self.status} {self.path}: {self.reason}" if self.status in ("skipped", "failed", "empty") else None


_MANIFEST_FIELDS = tuple(f.name for f in dataclasses.fields(Outcome) if f.name not in ("record", "fatal"))


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    collapsed: int = 0  # documents flagged by the over-stripping guard
    applied: Counter[str] = field(default_factory=Counter)  # rule set -> documents it applied to
    fired: Counter[str] = field(default_factory=Counter)  # rule -> removals over the batch
    elapsed: float = 0.0
    unit: str = "files"
    with_text: int = 0  # inputs whose output holds text: cleaned now, or unchanged since they were

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.collapsed += outcome.collapsed
        self.with_text += outcome.status == "cleaned" or (outcome.status == "unchanged" and outcome.output is not None)
        if outcome.status in ("cleaned", "empty", "filtered"):
            self.applied.update(outcome.rules)
            self.fired.update(outcome.fired)

    def add_unchanged(self, count: int, with_text: int) -> None:
        """``add`` of ``count`` unchanged inputs at once, ``with_text`` of them with an output."""
        self.counts["unchanged"] += count
        self.with_text += with_text

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this run, the same for files, stdin and JSON lines: 1 some
        inputs failed, 3 no input gave text (nothing to write), else 0."""
        if self.failed:
            return 1
        return 0 if self.with_text else 3

    def line(self) -> str:
        done = sum(self.counts.values())
        rate = done / self.elapsed if self.elapsed else 0.0
        shown = (s for s in STATUSES if s != "filtered" or self.counts[s])  # filtered: only when a filter ran
        parts = ", ".join(f"{status} {self.counts[status]}" for status in shown)
        flagged = f"; {self.collapsed} over-stripped (see --report)" if self.collapsed else ""
        return f"{parts} ({done} {self.unit} in {self.elapsed:.1f} s, {rate:.1f} {self.unit}/s){flagged}"


@dataclass(frozen=True)
class _Task:
    path: Path
    output: Path  # where its output goes (next to it, or in the output folder)
    store_key: bytes
    root: Path
    previous: Record | None


def clean(
    paths: Iterable[str | Path] | str | Path,
    options: Options | None = None,
    *,
    url: str | None = None,
    jobs: int | None = None,
    force: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    report: IO[str] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_unchanged: Callable[[int], None] | None = None,
    state_root: str | Path | None = None,
    output_dir: str | Path | None = None,
    selection: Selection | None = None,
    mapper: Mapper = ordered_map,
) -> Summary:
    """Clean every input file under ``paths``, writing ``<stem>.clean.txt`` next to each.

    ``paths`` may be any iterable, consumed lazily (``cleaner run`` feeds pages as they download). Files
    unchanged since their output was written (same bytes, same rules, same cleaner) are skipped unless
    ``force``. ``report`` receives one JSON line per input; ``on_outcome`` is called for each input, in order;
    with ``on_unchanged``, inputs found unchanged are not passed to ``on_outcome`` but counted, a run of them at
    a time, and their count passed to it (a no-op re-run then makes no object per file unless ``report`` asks
    for its lines). What was done is remembered in each folder given (for a file, its own folder), or in
    ``state_root``, which must hold every file given. With ``output_dir``, outputs go there instead, in the same
    tree of folders as below each folder given, and so does what was done: the inputs can be read-only.
    ``selection`` says which files of a folder are inputs (hidden ones, glob patterns). ``mapper`` runs the
    files: the local process pool, or ``engines.ray.ray_map(address)``. Raises
    RuleError before starting if a rule file is bad, and OutputError if outputs cannot be written.
    """
    options = options or Options()
    paths = [paths] if isinstance(paths, str | os.PathLike) else paths
    one_file = isinstance(paths, list | tuple) and len(paths) == 1 and os.path.isfile(paths[0])
    if timeout:  # the document's own budget fires first, with a clear reason and no worker to replace
        options = dataclasses.replace(options, time_budget=timeout)
    catalog = load_catalog(options.rules_dirs)
    summary = Summary()
    started = time.monotonic()
    stores: dict[Path, StateStore] = {}
    output_root = None if output_dir is None else _make_folder(Path(output_dir))
    state = Path(state_root) if state_root is not None else output_root
    told_each = report is not None or on_unchanged is None  # an outcome for each unchanged file: full rows
    jobs = jobs or default_jobs()
    # Sharing the walk forks a helper: only from a process with no other thread (a fork copies the locks they
    # hold), before the local pool starts (Ray's connection has threads) and before any state is open.
    share = jobs > 1 and not (force or told_each) and mapper is ordered_map and threading.active_count() == 1
    tasks = _tasks(map(Path, paths), options, catalog, stores, force, state, output_root, selection, told_each, share)
    try:
        if one_file:  # cleaned in this process: a worker would cost more than the file
            mapped = inline_map(_clean_task, tasks, initializer=start_worker, initargs=(options, url))
        else:  # the pool (and the process its workers are forked from) starts with the first file to clean
            mapped = mapper(
                _clean_task,
                tasks,
                jobs=jobs,
                timeout=timeout and timeout + WORKER_GRACE,
                initializer=start_worker,
                initargs=(options, url),
            )
        with contextlib.closing(mapped) as results:
            for task, result in results:
                if type(result) in _UNCHANGED:
                    _tell_unchanged(summary, result, report, on_outcome, on_unchanged)
                    continue
                outcome = (
                    result
                    if isinstance(result, Outcome)
                    else Outcome(display_path(task.path), "failed", reason=result.reason)
                )
                if isinstance(task, _Task):
                    _remember(stores[task.root], task, outcome)
                tell(summary, outcome, report, on_outcome)
                if outcome.fatal:
                    raise OutputError(outcome.path, outcome.reason or "cannot write")
    finally:
        tasks.close()  # a walk given up (Ctrl-C, a full disk) stops its helper now, not when collected
        for store in stores.values():
            store.close()
        summary.elapsed = time.monotonic() - started
    return summary


def _make_folder(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(folder), f"cannot create folder: {exc.strerror or exc}") from exc
    return folder


def _tasks(
    paths: Iterable[Path],
    options: Options,
    catalog: Catalog,
    stores: dict[Path, StateStore],
    force: bool,
    state_root: Path | None,
    output_root: Path | None,
    selection: Selection | None,
    full_rows: bool,
    share: bool,
) -> Iterator[_Task | Ready]:
    """A task, or a ready outcome, for each input, a folder at a time: one listing of the folder, one stat
    of each file and of each output, and a few range queries of the state store per folder (the no-op path).
    With ``share``, the subtrees of the first folder given, if it has a state, are shared with a helper
    process (``engines/scan.py``)."""
    tidied: set[Path] = set()  # output folders rid of the temporary files of killed runs
    unchanged = _Unchanged(OUTPUT_SUFFIXES[options.output_format], full_rows)
    for top in paths:
        base = top if top.is_dir() else top.parent
        root = state_root or base
        tasks_of = functools.partial(
            _folder_tasks,
            base=base,
            root=root,
            output_root=output_root,
            unchanged=unchanged,
            force=force,
            tidied=tidied,
        )
        # The helper's connection is opened after its fork: none to this table may be open before it.
        if share and not stores and top.is_dir() and (root / STATE_NAME).is_file():
            yield from _shared_tasks(top, selection, root, stores, catalog, options, tasks_of)
            continue
        for listing in walk_folders([top], selection):
            yield from tasks_of(listing, _store(stores, root, catalog, options, force))


def _store(stores: dict[Path, StateStore], root: Path, catalog: Catalog, options: Options, force: bool) -> StateStore:
    if root not in stores:
        stores[root] = StateStore(root)
        if not force:
            stores[root].know_rules(catalog, options.key)
    return stores[root]


def _shared_tasks(
    top: Path,
    selection: Selection | None,
    root: Path,
    stores: dict[Path, StateStore],
    catalog: Catalog,
    options: Options,
    tasks_of: Callable[[Listing, StateStore], Iterator[_Task | Ready]],
) -> Iterator[_Task | Ready]:
    """``_tasks`` of one folder, its subtrees shared with a helper process, which reads the state on its own
    connection, counts unchanged files and sends its tasks, or leaves to this process a subtree with many files
    to clean (cleaning them is what takes time there). Only counts of unchanged files are asked for: each run
    of them comes, and is sent, as two numbers."""
    head, subtrees = split_walk(top, selection)

    def walk(listings: Iterable[Listing], store: StateStore) -> Iterator[_Task | Ready]:
        for listing in listings:
            yield from tasks_of(listing, store)

    def walk_here(part: int) -> Iterator[_Task | Ready]:
        return walk(head if part == 0 else subtrees[part - 1](), _store(stores, root, catalog, options, False))

    def start_helper() -> Callable[[int], list[_Task | Ready] | None]:
        store = StateStore(root, read_only=True)
        store.know_rules(catalog, options.key)

        def walk_there(part: int) -> list[_Task | Ready] | None:
            sent, tasks = [], 0
            for item in walk(subtrees[part - 1](), store):
                tasks += type(item) is _Task
                if tasks > _HELPER_TASKS:
                    return None
                sent.append(item)
            return sent

        return walk_there

    yield from shared_walk(len(subtrees) + 1, walk_here, start_helper)


class _Unchanged:
    """Which files of a folder are unchanged since their output was written, from their one stat and their
    row as read (plain tuples: a no-op re-run makes no object per file but its outcome)."""

    def __init__(self, suffix: str, full_rows: bool) -> None:
        self.suffix, self.full_rows = suffix, full_rows
        self.now = time.time_ns()

    def __call__(self, row: Row, status: os.stat_result, output: str, out_fd: int | None) -> bool:
        mtime_ns = row[MTIME_NS]
        if (
            row[SIZE] != status.st_size
            or mtime_ns != status.st_mtime_ns
            or mtime_ns > self.now  # a clock that jumped: let the worker compare the bytes
            or not row[RULES_NOW]
        ):
            return False
        return row[STATUS] != "cleaned" or _output_unchanged(output, row[OUT_SIZE], row[OUT_MTIME_NS], out_fd)


def _folder_tasks(
    listing: Listing,
    store: StateStore,
    base: Path,
    root: Path,
    output_root: Path | None,
    unchanged: _Unchanged,
    force: bool,
    tidied: set[Path],
) -> Iterator[_Task | Ready]:
    # Strings, not Paths, for what every file needs: on a no-op re-run this loop is the whole cost.
    out_folder = listing.folder if output_root is None else output_root / listing.folder.relative_to(base)
    out_names = listing.names if output_root is None else _names_in(out_folder)
    # Names hold no "/": TEMP_MARK is in their joined text only where it is in one of them.
    if out_folder not in tidied and (out_names is None or TEMP_MARK in "/".join(out_names)):
        remove_leftovers(out_folder)
        tidied.add(out_folder)
    relative = os.path.relpath(listing.folder, base if output_root is not None else root)
    prefix = b"" if relative == "." else os.fsencode(relative) + b"/"
    if force:
        rows = {}
    elif listing.names is None:  # a file named on its own
        rows = {
            name: store.row(prefix + name)
            for name in (os.fsencode(found[1]) for found in listing.found if not isinstance(found, Skipped))
        }
    else:
        rows = store.rows_in_folder(prefix, full=unchanged.full_rows)
    unchanged.now = time.time_ns()
    suffix, out_prefix = unchanged.suffix, f"{out_folder}/"
    out_fd = listing.fd if output_root is None else None  # outputs in the folder listed: stat-ed by name
    run = _UnchangedRun()
    for found in listing.found:
        if type(found) is Skipped:
            item: _Task | Ready = Ready(
                Outcome(display_path(found.path), "failed" if found.error else "skipped", reason=found.reason)
            )
        else:
            path, name, status = found
            if name.endswith(".html"):  # the common case: owner_among answers its own name, first of all
                stem, owner = name[:-5], name
            elif listing.names is None:  # a file named on its own
                stem, owner = stem_of(name), output_owner(Path(path)).name
            else:
                stem = stem_of(name)
                owner = owner_among(name, listing.names, stem)
            if owner != name:
                item = Ready(Outcome(display_path(path), "skipped", reason=f"its output name is taken by {owner}"))
            else:
                output_name = stem + suffix
                output = out_prefix + output_name
                encoded = name.encode(_FS_ENCODING, _FS_ERRORS)  # os.fsencode, without its Python call
                row = rows.get(encoded)
                if row is not None and unchanged(row, status, output if out_fd is None else output_name, out_fd):
                    run.append((path, output, row))
                    continue
                if row is not None and len(row) == RECORD:  # the test's fields only: the worker needs them all
                    row = store.row(prefix + encoded)
                item = _Task(Path(path), Path(output), prefix + encoded, root, record_from_row(row))
        if run:  # the unchanged files before this one go first, in one piece
            yield Ready(run if unchanged.full_rows else run.counted())
            run = _UnchangedRun()
        yield item
    if run:
        yield Ready(run if unchanged.full_rows else run.counted())


class _UnchangedRun(list[tuple[str, str, Row]]):
    """Files found unchanged one after the other in a folder, each as its path, its output and its row: one
    result for the run, told one by one only where a report or ``on_outcome`` asks for each."""

    def counted(self) -> _UnchangedCount:
        return _UnchangedCount(len(self), sum(row[STATUS] == "cleaned" for _, _, row in self))


class _UnchangedCount(NamedTuple):
    """An ``_UnchangedRun`` where only counts are asked for (``on_unchanged``, no report): two numbers, held and
    sent between processes as such."""

    files: int
    with_text: int


_UNCHANGED = (_UnchangedRun, _UnchangedCount)


def _tell_unchanged(
    summary: Summary,
    run: _UnchangedRun | _UnchangedCount,
    report: IO[str] | None,
    on_outcome: Callable[[Outcome], None] | None,
    on_unchanged: Callable[[int], None] | None,
) -> None:
    if type(run) is _UnchangedCount:  # made where only counts are asked for
        files = run.files
        summary.add_unchanged(files, run.with_text)
    else:
        files = len(run)
        told = on_outcome if on_unchanged is None else None
        for path, output, row in run:  # full rows: a Record's fields follow (the rule sets as JSON text, unused)
            tell(summary, _unchanged_outcome(path, output, Record._make(row[RECORD:])), report, told)
    if on_unchanged is not None:
        on_unchanged(files)


def _names_in(folder: Path) -> frozenset[str] | None:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def _output_intact(output: Path | str, previous: Record) -> bool:
    """True unless the output of a cleaned input is missing, or was edited or truncated since written."""
    return previous.status != "cleaned" or _output_unchanged(output, previous.out_size, previous.out_mtime_ns)


def _output_unchanged(output: Path | str, size: int | None, mtime_ns: int | None, dir_fd: int | None = None) -> bool:
    """True unless the output is missing, or its size or mtime differs from when it was written (None: a row of
    a version that did not keep them). With ``dir_fd``, ``output`` is a name in that open folder."""
    try:
        status = os.stat(output, dir_fd=dir_fd)
    except OSError:
        return False
    return size is None or (status.st_size == size and status.st_mtime_ns == mtime_ns)


def _unchanged_outcome(path: Path | str, output: Path | str, previous: Record, record: Record | None = None) -> Outcome:
    return Outcome(
        display_path(path),
        "unchanged",
        output=display_path(output) if previous.status == "cleaned" else None,
        reason=previous.reason,
        date=previous.date,
        language=previous.language,
        record=record,
    )


def _remember(store: StateStore, task: _Task, outcome: Outcome) -> None:
    if outcome.record is not None:
        store.put(task.store_key, outcome.record)
    elif outcome.status == "failed" and task.previous is not None:
        store.forget(task.store_key)


# Worker side ------------------------------------------------------------------------------------------


def _clean_task(task: _Task) -> Outcome:
    """Clean one file in a worker; every problem becomes an Outcome, never an exception."""
    from cleaner.stages.budget import time_budget
    from cleaner.stages.pipeline import finish, prepare  # in workers only: the parent never loads the extractor

    (options, url), shown, previous = worker_run(), display_path(task.path), task.previous
    catalog = load_catalog(options.rules_dirs)
    record = None
    try:
        stat = os.stat(task.path)
        doc = read_document(task.path, url=url, max_bytes=options.max_bytes)
        record = Record(
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            sha256=hashlib.sha256(doc.raw).hexdigest(),
            rules_key=rules_key((), catalog, options.key) or "",
            routing=catalog.routing,
            rulesets=(),
            status="skipped",
            reason=None,
        )
        same_bytes = previous is not None and previous.sha256 == record.sha256
        if same_bytes and previous.status == "skipped":
            return _unchanged_outcome(task.path, task.output, previous, record._replace(reason=previous.reason))
        with time_budget(options.time_budget, shown):
            prepare(doc, options)
            names = tuple(r.name for r in doc.rulesets)
            record = record._replace(rules_key=rules_key(names, catalog, options.key) or "", rulesets=names)
            if same_bytes and previous.rules_key == record.rules_key and _output_intact(task.output, previous):
                kept = record._replace(
                    status=previous.status,
                    reason=previous.reason,
                    out_size=previous.out_size,
                    out_mtime_ns=previous.out_mtime_ns,
                    date=previous.date,
                    language=previous.language,
                )
                return _unchanged_outcome(task.path, task.output, previous, kept)
            finish(doc, options)
    except ReadError as exc:
        return Outcome(shown, "failed", reason=exc.problem)
    except InputError as exc:
        return Outcome(shown, "skipped", reason=exc.problem, record=record and record._replace(reason=exc.problem))
    except CleanerError as exc:
        return Outcome(shown, "failed", reason=str(exc))
    result = doc.result()
    outcome = result_outcome(shown, result, display_path(task.output))
    record = record._replace(date=result.date, language=result.language)
    if not result.text:
        outcome.record = record._replace(status=outcome.status, reason=result.reason)
        return outcome
    try:
        if not task.output.parent.is_dir():
            _make_folder(task.output.parent)
        write_atomic(task.output, render(result, options.output_format))
    except OutputError as exc:
        failed = dataclasses.replace(outcome, status="failed", reason=exc.problem, fatal=exc.fatal)
        return dataclasses.replace(failed, output=None, chars_out=0, collapsed=False)
    written = os.stat(task.output)
    outcome.record = record._replace(status="cleaned", out_size=written.st_size, out_mtime_ns=written.st_mtime_ns)
    return outcome


def result_outcome(shown: str, result: CleanResult, output: str | None) -> Outcome:
    """The outcome of a document cleaned into ``result``: cleaned (its text goes to ``output``) or empty."""
    outcome = Outcome(
        shown,
        "empty",
        reason=result.reason,
        chars_in=result.chars_in,
        extracted_chars=result.extracted_chars,
        site=result.site,
        date=result.date,
        language=result.language,
        rules=result.rules,
        fired=dict(Counter(r.rule for r in result.removed)),
        rule_overridden=result.rule_overridden,
        rule_errors=result.rule_errors,
    )
    if result.filtered:
        outcome.status = "filtered"
        return outcome
    if not result.text:
        outcome.collapsed = result.extracted_chars > 0
        return outcome
    outcome.status, outcome.output, outcome.chars_out = "cleaned", output, len(result.text)
    outcome.collapsed = outcome.chars_out < (1 - COLLAPSE_SHARE) * result.extracted_chars
    return outcome
