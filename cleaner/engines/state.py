"""What a batch run remembers, so that a re-run only cleans what changed.

One SQLite file per folder given to ``cleaner clean`` (``.cleaner-state.sqlite``), one row per input
(keyed by its path relative to that folder, as bytes, so that any file name can be stored):
the raw file's size, mtime and SHA-256, and the key of what produced its output (cleaner and
trafilatura versions, options, and the digest of each rule set applied). A row is written only after
its output is in place, so a run killed at any moment leaves rows that are true; what it did not
record is simply redone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import NamedTuple

from cleaner.errors import OutputError, translated
from cleaner.rules import Catalog
from cleaner.version import __version__

STATE_NAME = ".cleaner-state.sqlite"
log = logging.getLogger(__name__)
_COMMIT_EVERY = 2.0  # seconds: rows not yet committed are only redone after a crash
_NEARLY_FULL = 256 * 1024  # bytes free below which a database error is taken for a full disk
_SCHEMA = """
create table if not exists files (
    path blob primary key,
    size integer not null,
    mtime_ns integer not null,
    sha256 text not null,
    rules_key text not null,
    routing text not null,
    rulesets text not null,
    status text not null,
    reason text,
    out_size integer,
    out_mtime_ns integer,
    date text,
    language text
)
"""
_COLUMNS = (
    "size, mtime_ns, sha256, rules_key, routing, rulesets, status, reason, out_size, out_mtime_ns, date, language"
)
# Missing in tables of earlier versions: added on opening (their rows have none until cleaned again).
_ADDED_COLUMNS = {"out_size": "integer", "out_mtime_ns": "integer", "date": "text", "language": "text"}
_WRITE_EVERY = 1000  # rows written to the table at once


class Record(NamedTuple):  # a tuple: a re-run builds one per file
    """How one input was last handled."""

    size: int
    mtime_ns: int
    sha256: str
    rules_key: str
    routing: str  # the catalog's routing digest when the rule sets were chosen
    rulesets: tuple[str, ...]
    status: str  # cleaned, empty or skipped: failures are not recorded, so they are retried
    reason: str | None
    out_size: int | None = None  # the output's size and mtime when it was written: an edited or
    out_mtime_ns: int | None = None  # truncated output is noticed without reading it
    date: str | None = None  # what the manifest reports of the page, for an unchanged one too
    language: str | None = None


# A row as read: what the no-op test compares, in the places below, then, in a full row, a Record's fields in
# its order (rule sets as their JSON text). Whether a row's rules are those of now is answered by SQLite, from
# the keys of now of the rule sets the table holds (``know_rules``): the test reads a few numbers, no text.
Row = tuple
SIZE, MTIME_NS, STATUS, OUT_SIZE, OUT_MTIME_NS, RULES_NOW, PATH, RECORD = range(8)
_TESTED = "size, mtime_ns, status, out_size, out_mtime_ns, routing = ? and rules_key in temp.keys_now, path"
_SELECT, _SELECT_FULL = f"select {_TESTED} from files", f"select {_TESTED}, {_COLUMNS} from files"
_FROM, _IN_RANGE, _ONE = "where path >= ? order by path", "where path >= ? and path < ? order by path", "where path = ?"
_KEYS_NOW = "create temp table keys_now (key text primary key)"
_INSERT = f"insert or replace into files (path, {_COLUMNS}) values (?{', ?' * len(Record._fields)})"


@lru_cache(maxsize=4096)  # a batch asks for the same few combinations for every file
def rules_key(rulesets: tuple[str, ...], catalog: Catalog, options_key: str) -> str | None:
    """The key of cleaning with these rule sets now; None if one of them no longer exists."""
    digests = []
    for name in rulesets:
        ruleset = catalog.by_name.get(name)
        if ruleset is None:
            return None
        digests.append(f"{name}={ruleset.digest}")
    return _sha256("\n".join([_SOFTWARE, options_key, *digests]))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _installed_version(name: str) -> str:
    """The installed version of a package, from the name of the ``.dist-info`` folder beside it, as pip
    installs it: what ``importlib.metadata.version`` answers, without its imports (a tenth of a no-op
    re-run's start-up); ``importlib.metadata`` where there is no such folder."""
    spec = find_spec(name)
    if spec is not None and spec.origin:
        found = sorted(Path(spec.origin).parent.parent.glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix(f"{name}-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version(name)


_SOFTWARE = f"cleaner {__version__} trafilatura {_installed_version('trafilatura')}"


def rules_key_now(rulesets: object, catalog: Catalog, options_key: str) -> str | None:
    """``rules_key`` of the rule sets of a row as read (their JSON text); None if one of them no longer exists
    or the text was damaged."""
    try:
        return rules_key(_rulesets(rulesets), catalog, options_key)
    except (ValueError, TypeError):
        return None


@lru_cache(maxsize=256)  # a batch has a few combinations of rule sets
def _rulesets(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def record_from_row(row: Row | None) -> Record | None:
    """The record of a full row read from the table; None for no row or a row damaged by hand (its file is
    cleaned again and its row rewritten)."""
    if row is None:
        return None
    size, mtime_ns, sha256, key, routing, rulesets, *rest = row[RECORD:]
    if type(size) is not int or type(mtime_ns) is not int:
        return None
    try:
        return Record(size, mtime_ns, sha256, key, routing, _rulesets(rulesets), *rest)
    except (ValueError, TypeError):
        return None


class StateStore:
    """The state of one folder; rows are keyed by path relative to it.

    SQLite errors (a full disk, a read-only folder) become OutputError: the batch stops cleanly.
    """

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        """``read_only``: for reading the rows of an existing table beside a connection that writes (the walk's
        helper process, ``engines/scan.py``): no table made, none changed (one of an earlier version fails to be
        read, and the writer's connection migrates it)."""
        self.root = root
        with self._guarded():
            if read_only:
                uri = Path(os.path.abspath(root / STATE_NAME)).as_uri()
                self._db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
                self._db.execute(_KEYS_NOW)
            else:
                (root / STATE_NAME).touch()  # says "Permission denied" where SQLite says "unable to open"
                try:
                    self._db = self._open()
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError):  # locked, unreadable, full disk: not the file's fault
                        raise
                    self._db = self._rebuilt(str(exc))
        self._last_commit = time.monotonic()
        self._unwritten: list[tuple[object, ...]] = []
        self._routing = ""  # of the rules of now: none yet (``know_rules``)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.root / STATE_NAME, isolation_level=None)
        try:
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=normal")
            db.execute(_SCHEMA)
            db.execute(_KEYS_NOW)
            present = {row[1] for row in db.execute("pragma table_info(files)")}
            if not set(_COLUMNS.split(", ")) - set(_ADDED_COLUMNS) <= present:
                raise sqlite3.DatabaseError("its table has not the columns of any version of cleaner")
            for column, kind in _ADDED_COLUMNS.items():  # a table of an earlier version
                if column not in present:
                    db.execute(f"alter table files add column {column} {kind}")
            db.execute("begin")
        except BaseException:
            db.close()
            raise
        return db

    def _rebuilt(self, problem: str) -> sqlite3.Connection:
        """A new state file in place of one that cannot be read (kept aside as ``.broken``)."""
        path = self.root / STATE_NAME
        os.replace(path, path.with_name(STATE_NAME + ".broken"))
        for leftover in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path.with_name(STATE_NAME + leftover))
        log.warning(
            "%s: %s; started a new one (the old one is %s.broken): every file is looked at again",
            path,
            problem,
            STATE_NAME,
        )
        return self._open()

    def know_rules(self, catalog: Catalog, options_key: str) -> None:
        """Let rows tell whether their rules are those of now (their ``RULES_NOW``): the key of now of each
        combination of rule sets the table holds, in a table of this connection. Until then, none is."""
        with self._guarded():
            held = self._db.execute("select distinct rulesets from files").fetchall()
            keys = {key for (rulesets,) in held if (key := rules_key_now(rulesets, catalog, options_key))}
            self._db.execute("delete from temp.keys_now")
            self._db.executemany("insert into temp.keys_now values (?)", ((key,) for key in sorted(keys)))
        self._routing = catalog.routing

    def rows_in_folder(self, prefix: bytes, *, full: bool = False) -> dict[bytes, Row]:
        """The rows of the files directly in one folder, keyed by file name (as bytes): ``prefix`` is the
        folder's key (``b""`` for the root, else ending in ``/``); ``full``: with a Record's fields. A few range
        queries on the primary key, each jumping over a subfolder's rows: no list of keys, no per-file query."""
        found: dict[bytes, Row] = {}
        start, skip = len(prefix), prefix
        # Keys are blobs: ``path >= x''`` leaves out rows of any other type (they sort before blobs).
        select = f"{_SELECT_FULL if full else _SELECT} {_IN_RANGE if prefix else _FROM}"
        bounds = (prefix, prefix[:-1] + b"0") if prefix else (prefix,)  # "0" follows "/"
        with self._guarded():
            while skip is not None:
                rows, skip = self._db.execute(select, (self._routing, *bounds)), None
                for row in rows:
                    name = row[PATH][start:]
                    slash = name.find(b"/")
                    if slash >= 0:  # the first row of a subfolder: on after all of its rows
                        skip = prefix + name[:slash] + b"0"
                        bounds = (skip, *bounds[1:])
                        break
                    found[name] = row
        return found

    def row(self, key: bytes) -> Row | None:
        """The full row of one file."""
        with self._guarded():
            return self._db.execute(f"{_SELECT_FULL} {_ONE}", (self._routing, key)).fetchone()

    def put(self, key: bytes, record: Record) -> None:
        """Remember ``record``; rows are written a thousand at a time, and committed every few seconds."""
        self._unwritten.append((key, *record[:5], json.dumps(list(record.rulesets)), *record[6:]))
        if len(self._unwritten) >= _WRITE_EVERY or time.monotonic() - self._last_commit > _COMMIT_EVERY:
            self._write()

    def _write(self) -> None:
        with self._guarded():
            self._db.executemany(_INSERT, self._unwritten)
            self._unwritten.clear()
            if time.monotonic() - self._last_commit > _COMMIT_EVERY:
                self._db.execute("commit")
                self._db.execute("begin")
                self._last_commit = time.monotonic()

    def forget(self, key: bytes) -> None:
        self._write()  # a row of this key waiting to be written must not come back after it
        with self._guarded():
            self._db.execute("delete from files where path = ?", (key,))

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        try:
            with translated(str(self.root / STATE_NAME), OutputError):
                yield
        except OutputError as exc:
            # SQLite reports a full disk as a "disk I/O error"; say what the user can act on.
            stats = os.statvfs(self.root)
            if stats.f_bavail * stats.f_frsize < _NEARLY_FULL:
                raise OutputError(exc.where, f"{exc.problem} (No space left on device)") from exc
            raise

    def close(self) -> None:
        # Rows that cannot be committed (the disk just filled up) are only work the next run redoes.
        with contextlib.suppress(sqlite3.Error, OutputError):
            self._write()
            self._db.execute("commit")
        self._db.close()
