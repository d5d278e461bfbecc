"""The Parquet sink (extra ``parquet``): one fixed schema, every column in every row, written atomically.

The schema is derived from ``record.metadata_types()``, that is from ``CleanResult``'s own type hints,
so a new result field becomes a new column without touching this module. Rows are written in row
groups as they come (memory stays flat); the file is written under a temporary name in its folder
and renamed when complete.
"""

from __future__ import annotations

import contextlib
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cleaner.errors import OutputError
from cleaner.sinks.files import replacing
from cleaner.sinks.record import metadata_types

ROW_GROUP = 1000  # rows buffered before a row group is written

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # the extra is not installed: said when a Parquet output is asked for
    pa = pq = None


def record_schema() -> Any:
    """The Arrow schema of a record (``sinks/record.py``): the same columns, of the same types, always."""
    _require()
    metadata = pa.struct([(name, arrow_type(hint)) for name, hint in metadata_types().items()])
    warc = pa.struct([("file", pa.string()), ("offset", pa.int64())])
    columns = [("id", pa.string()), ("url", pa.string()), ("date", pa.string()), ("warc", warc)]
    return pa.schema([*columns, ("text", pa.string()), ("title", pa.string()), ("metadata", metadata)])


def arrow_type(hint: Any) -> Any:
    """The Arrow type of a Python type hint of ``CleanResult`` (``str | None`` is a nullable string)."""
    _require()
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in args if arg is not type(None)]
        return arrow_type(inner)
    if origin in (tuple, list):
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    scalars = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    if hint in scalars:
        return scalars[hint]
    raise TypeError(f"no Arrow type for {hint!r}: add one in cleaner/sinks/parquet.py")


@contextlib.contextmanager
def parquet_sink(target: Path) -> Iterator[Callable[[dict[str, Any]], None]]:
    """A function writing one record a row to the Parquet file ``target``."""
    schema = record_schema()
    rows: list[dict[str, Any]] = []
    with replacing(target) as raw, pq.ParquetWriter(raw, schema, compression="zstd") as writer:

        def flush() -> None:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            rows.clear()

        def write(record: dict[str, Any]) -> None:
            rows.append(record)
            if len(rows) >= ROW_GROUP:
                flush()

        yield write
        if rows:
            flush()


def _require() -> None:
    if pa is None:
        raise OutputError("", "Parquet output needs pyarrow: pip install 'cleaner[parquet]'")
