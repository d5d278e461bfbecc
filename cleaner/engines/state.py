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
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from cleaner.errors import OutputError, translated
from cleaner.rules import Catalog
from cleaner.version import __version__

STATE_NAME = ".cleaner-state.sqlite"
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
    output text
)
"""
_ADD_OUTPUT = "alter table files add column output text"  # databases written before the column existed


@dataclass(frozen=True)
class Record:
    """How one input was last handled."""

    size: int
    mtime_ns: int
    sha256: str
    rules_key: str
    routing: str  # the catalog's routing digest when the rule sets were chosen
    rulesets: tuple[str, ...]
    status: str  # cleaned, empty or skipped: failures are not recorded, so they are retried
    reason: str | None
    output: str | None = None  # "size:mtime_ns" of the output as written: one changed by hand is redone


def output_stamp(path: Path) -> str | None:
    """What ``Record.output`` compares: the output's size and modification time, None if it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"


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


_SOFTWARE = f"cleaner {__version__} trafilatura {version('trafilatura')}"


class StateStore:
    """The state of one folder; rows are keyed by path relative to it.

    SQLite errors (a full disk, a read-only folder) become OutputError: the batch stops cleanly.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rebuilt: str | None = None  # why a database that could not be read was started afresh
        with self._guarded():
            try:
                self._open()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, I/O: not the file's content
                    raise
                # garbage bytes or a damaged page: the state is only a cache of work done, so start afresh
                self.rebuilt = f"state database unreadable ({exc}); started afresh, every file is cleaned again"
                with contextlib.suppress(AttributeError, sqlite3.Error):
                    self._db.close()
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(FileNotFoundError):
                        (root / (STATE_NAME + suffix)).unlink()
                self._open()
        self._last_commit = time.monotonic()

    def _open(self) -> None:
        (self.root / STATE_NAME).touch()  # says "Permission denied" where SQLite says "unable to open"
        self._db = sqlite3.connect(self.root / STATE_NAME, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=normal")
        self._db.execute(_SCHEMA)
        if "output" not in {row[1] for row in self._db.execute("pragma table_info(files)")}:
            self._db.execute(_ADD_OUTPUT)
        self._db.execute("select count(*) from files").fetchone()  # reads every page: finds damage now
        self._db.execute("begin")

    def get(self, key: bytes) -> Record | None:
        with self._guarded():
            row = self._db.execute(
                "select size, mtime_ns, sha256, rules_key, routing, rulesets, status, reason, output"
                " from files where path = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        try:
            record = Record(*row[:5], tuple(json.loads(row[5])), *row[6:])
        except (ValueError, TypeError):
            return None  # a row damaged by hand: the file is cleaned again and its row rewritten
        return record if all(isinstance(value, int) for value in (record.size, record.mtime_ns)) else None

    def put(self, key: bytes, record: Record) -> None:
        values = asdict(record)
        values["rulesets"] = json.dumps(list(record.rulesets))
        with self._guarded():
            self._db.execute(
                "insert or replace into files values"
                " (:path, :size, :mtime_ns, :sha256, :rules_key, :routing, :rulesets, :status, :reason, :output)",
                {"path": key, **values},
            )
            if time.monotonic() - self._last_commit > _COMMIT_EVERY:
                self._db.execute("commit")
                self._db.execute("begin")
                self._last_commit = time.monotonic()

    def forget(self, key: bytes) -> None:
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
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("commit")
        self._db.close()
