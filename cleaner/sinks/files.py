"""The files sink: rendering a result and writing it next to its raw file, atomically.

An output is written to a temporary file in the same folder (``os.replace`` is atomic only within one
file system) and renamed over the old one: a crash or Ctrl-C leaves the old output or the new one,
never half of one. Raw files are only ever opened for reading.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cleaner.document import CleanResult
from cleaner.errors import OutputError
from cleaner.sources.files import TEMP_MARK


def render(result: CleanResult, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if output_format == "md":
        return front_matter(result) + result.text
    return result.text


def front_matter(result: CleanResult) -> str:
    """A YAML front-matter block of the metadata the page states (each value written as JSON, which YAML
    reads as it is: no quoting rules to get wrong)."""
    lines = [
        f"{key}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in {**result.metadata(), "url": result.url}.items()
        if value not in (None, [])
    ]
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text as UTF-8) all at once; OutputError if the folder refuses."""
    with replacing(path) as handle:
        handle.write(data if isinstance(data, bytes) else data.encode("utf-8", errors="surrogateescape"))


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` when the block ends, and is deleted if it raises."""
    # Ctrl-C or a worker's SIGTERM right after the file is made, before its name is known here, would leave it
    # behind (seen: a stopped worker is often in that open() call); they are held until the handler below is in place.
    held = _hold_interrupts()
    try:
        fd, temp = _create_temporary(path.parent)
    except OSError as exc:
        _release(held)
        raise OutputError(str(path.parent), f"cannot write here: {exc.strerror}", fatal=_whole_disk(exc)) from exc
    try:
        with open(fd, "wb") as handle:
            _release(held)
            yield handle
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(str(path), f"cannot write: {exc.strerror}", fatal=_whole_disk(exc)) from exc
        raise


# A short name, the writer's process id and a count (one derived from the output's would pass the file-name limit
# before the output does); made with open()'s mode (mkstemp's 0600 would need a chmod) and no random name.
_CREATE = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)
_written = itertools.count()


def _create_temporary(folder: Path) -> tuple[int, str]:
    """A new empty file in ``folder``, named for this process (``remove_leftovers`` reads the name): its descriptor
    and its path."""
    while True:
        temp = os.path.join(folder, f".{os.getpid()}.{next(_written)}{TEMP_MARK}")
        try:
            return os.open(temp, _CREATE, 0o666), temp
        except FileExistsError:  # left by a killed process that had the same id
            continue


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _hold_interrupts() -> set[signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)


def _release(held: set[signal.Signals] | None) -> None:
    """Restore the signal mask; a signal held meanwhile is handled now."""
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


# Errors no other output in the run would escape; any other one (permissions, a folder in the way, a name
# too long) is the one document's.
_WHOLE_DISK = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


def _whole_disk(exc: OSError) -> bool:
    return exc.errno in _WHOLE_DISK


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files that killed runs left in ``folder``; returns how many.

    A temporary file's name carries the writer's process id: files of writers still running (another
    run on the same folder) are left alone.
    """
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            writer = _writer_pid(entry.name)
            if writer is not None and not _running(writer) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _writer_pid(name: str) -> int | None:
    if not (name.startswith(".") and name.endswith(TEMP_MARK)):
        return None
    parts = name.split(".")
    return int(parts[-3]) if len(parts) >= 4 and parts[-3].isdigit() else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed writer can linger as a zombie until it is reaped: it writes nothing more
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
