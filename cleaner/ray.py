"""Cleaning a Ray Dataset: ``CleanBatch``, a callable class for ``Dataset.map_batches`` (extra ``ray``).

    import ray
    from cleaner.ray import CleanBatch

    ds = ray.data.read_parquet("pages.parquet")  # a column "html", and "url"
    ds = ds.map_batches(CleanBatch, fn_constructor_kwargs={"html_column": "html"}, concurrency=4,
                        batch_format="pyarrow")

Every input column is kept; ``text``, ``title``, ``metadata`` (the fields of ``sinks/record.py``, one
struct column of fixed type), ``cleaner_status`` (cleaned, empty, skipped, failed) and
``cleaner_reason`` are added (an input column of the same name is replaced). A document that fails or
runs past ``timeout`` gives a status row, never an exception that fails the dataset: each batch is
cleaned in a worker process that is replaced when a page runs late or crashes it. The rules are
loaded when the actor starts (a bad rule file fails there) and the workers are forked with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from cleaner.engines.inprocess import clean_many
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sinks.parquet import record_schema
from cleaner.sinks.record import metadata_of

ADDED = ("text", "title", "metadata", "cleaner_status", "cleaner_reason")


class CleanBatch:
    """Clean the pages of a batch; ``text_column`` instead of ``html_column`` for text dumps."""

    def __init__(
        self,
        html_column: str | None = "html",
        url_column: str | None = "url",
        *,
        text_column: str | None = None,
        site_rules: bool = True,
        rules_dirs: Sequence[str | Path] = (),
        timeout: float | None = 30.0,
    ) -> None:
        self.column, self.kind = (text_column, "text") if text_column else (html_column, "html")
        self.url_column = url_column
        self.timeout = timeout
        self.options = Options(site_rules=site_rules, rules_dirs=tuple(Path(d) for d in rules_dirs))
        load_catalog(self.options.rules_dirs)  # once per actor; a bad rule file fails here, loudly
        schema = record_schema()
        self.types = {name: schema.field(name).type for name in ("text", "title", "metadata")}

    def __call__(self, batch: Any) -> pa.Table:
        table = _as_table(batch)
        pages = table.column(self.column).to_pylist()
        urls = (
            table.column(self.url_column).to_pylist() if self.url_column in table.column_names else [None] * len(pages)
        )
        added: dict[str, list[Any]] = {name: [] for name in ADDED}
        for status, reason, result in clean_many(
            list(zip(pages, urls, strict=True)), self.kind, self.options, self.timeout
        ):
            added["text"].append(result.text if result else "")
            added["title"].append(result.title if result else None)
            added["metadata"].append(metadata_of(result) if result else None)
            added["cleaner_status"].append(status)
            added["cleaner_reason"].append(reason)
        for name, values in added.items():
            column = pa.array(values, type=self.types.get(name, pa.string()))
            if name in table.column_names:
                table = table.set_column(table.column_names.index(name), name, column)
            else:
                table = table.append_column(name, column)
        return table


def _as_table(batch: Any) -> pa.Table:
    """A batch in any of Ray's formats (pyarrow, pandas, dict of numpy arrays) as an Arrow table."""
    if isinstance(batch, pa.Table):
        return batch
    if isinstance(batch, dict):
        return pa.table({name: pa.array(list(values)) for name, values in batch.items()})
    return pa.Table.from_pandas(batch, preserve_index=False)
