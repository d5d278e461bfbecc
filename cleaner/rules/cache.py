"""What loading rules leaves for the next run, in ``$XDG_CACHE_HOME/cleaner`` (``~/.cache/cleaner``).

A cache is only ever a shortcut: one that is missing, damaged or unwritable (a read-only home) costs the
time it saves, never a different result.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any

_MOST = 1000  # entries in the cache of parsed TOML files


def rules_cache_dir() -> Path:
    """Where loaded rules are cached: ``$XDG_CACHE_HOME/cleaner`` (``~/.cache/cleaner``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cleaner"


class ParsedToml:
    """TOML files as parsed before, by the SHA-256 of their bytes (so an edited file is simply a new entry):
    Python's TOML parser took 25 ms of every start over the 32 shipped files, reading them back as JSON 2 ms.
    What a process parsed is added when it exits, if it was not there; past ``_MOST`` entries (rule files
    edited again and again), only those of that process are kept."""

    def __init__(self) -> None:
        self._found: dict[str, Any] | None = None  # read on first use
        self._used: dict[str, Any] = {}

    def loads(self, data: bytes) -> Any:
        """``tomllib.loads`` of ``data`` (UTF-8; its errors are tomllib's and the codec's)."""
        digest = hashlib.sha256(data).hexdigest()
        if self._found is None:
            self._found = self._read()
            atexit.register(self._write)
        parsed = self._found.get(digest)
        if parsed is None:
            parsed = tomllib.loads(data.decode("utf-8"))
        self._used[digest] = parsed
        return parsed

    @staticmethod
    def _path() -> Path:
        return rules_cache_dir() / "toml-1.json"

    def _read(self) -> dict[str, Any]:
        with contextlib.suppress(OSError, ValueError):
            found = json.loads(self._path().read_bytes())
            if isinstance(found, dict):
                return found
        return {}

    def _write(self) -> None:
        found = self._found or {}
        if self._used.keys() <= found.keys():
            return
        kept = {**found, **self._used} if len(found) + len(self._used) <= _MOST else self._used
        path = self._path()
        with contextlib.suppress(OSError):
            text = json.dumps({digest: data for digest, data in kept.items() if _json_holds(data)})
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)


parsed_toml = ParsedToml()


def _json_holds(data: Any) -> bool:
    """False for a table holding a TOML date or time, which JSON has not: that file is parsed every time."""
    try:
        json.dumps(data)
    except (TypeError, ValueError):
        return False
    return True
