"""Stage 7: rendering a result and writing it next to its raw file, atomically.

An output is written to a temporary file in the same folder (``os.replace`` is atomic only within one
file system) and renamed over the old one: a crash or Ctrl-C leaves the old output or the new one,
never half of one. Raw files are only ever opened for reading.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from cleaner.document import CleanResult
from cleaner.errors import OutputError
from cleaner.source import TEMP_MARK


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()  # what open() would give; mkstemp alone gives 0600


def render(result: CleanResult, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return result.text


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text as UTF-8) all at once; OutputError if the folder refuses."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_MARK)
    except OSError as exc:
        raise OutputError(str(path.parent), f"cannot write here: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8", errors="surrogateescape"))
            os.fchmod(handle.fileno(), _FILE_MODE)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(str(path), f"cannot write: {exc.strerror}") from exc
        raise
