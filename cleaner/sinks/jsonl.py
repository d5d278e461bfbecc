"""The JSON-lines sink: one JSON object a line, gzipped when the name ends in ``.gz``, ``-`` for stdout.

A file is written under a temporary name in its folder and renamed when complete, so a failed or
interrupted run leaves the previous output as it was.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.sinks.files import replacing

STDIO = Path("-")


@contextlib.contextmanager
def open_jsonl(target: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``target`` (gzipped for ``.gz``) when the block ends; ``-`` is stdout."""
    if target == STDIO:
        yield sys.stdout
        sys.stdout.flush()
        return
    with replacing(target) as raw:
        binary: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if target.name.endswith(".gz") else raw
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        yield text
        text.flush()
        text.detach()  # the bytes underneath are closed here, in order, not by the wrapper
        if binary is not raw:
            binary.close()


@contextlib.contextmanager
def jsonl_sink(target: Path) -> Iterator[Callable[[dict[str, Any]], None]]:
    """A function writing one record a line to ``target``."""
    with open_jsonl(target) as out:
        yield lambda record: out.write(json.dumps(record, ensure_ascii=False) + "\n")
