"""A datatrove pipeline step (extra ``datatrove``): ``CleanerExtractor``, in place of its Trafilatura step.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove import CleanerExtractor

    LocalPipelineExecutor(
        pipeline=[WarcReader("crawl/"), CleanerExtractor(), JsonlWriter("clean/")], tasks=4, workers=2
    ).run()

It takes datatrove ``Document``s with HTML in ``text`` and the URL in ``metadata["url"]`` (as
WarcReader gives them) and yields them cleaned: ``text`` is the article, ``metadata["title"]`` its
title and ``metadata["cleaner"]`` the fields of ``sinks/record.py``. Documents with no text left are
dropped, as datatrove's extractors drop them. datatrove's stats count each status (``cleaned``,
``empty``, ``skipped``, ``failed``) and how many blocks each rule removed (``rule:<ruleset:rule>``).
Depends on core datatrove only: its ``processing`` extra pins an old trafilatura.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from cleaner.engines.inprocess import clean_one
from cleaner.options import Options
from cleaner.sinks.record import metadata_of


class CleanerExtractor(PipelineStep):
    """Clean HTML documents with cleaner's rules; ``kind="text"`` for text dumps (WET, plain text)."""

    name = "🧹 cleaner"
    type = "🛢 - EXTRAC"

    def __init__(
        self,
        *,
        kind: str = "html",
        site_rules: bool = True,
        rules_dirs: Sequence[str | Path] = (),
        timeout: float | None = 30.0,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.timeout = timeout
        self.options = Options(site_rules=site_rules, rules_dirs=tuple(Path(d) for d in rules_dirs))

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                status, _reason, result = clean_one(
                    doc.text, self.kind, doc.metadata.get("url"), self.options, self.timeout
                )
            self.stat_update(status)
            if result is None or not result.text:
                continue
            for rule, count in Counter(removal.rule for removal in result.removed).items():
                self.stat_update(f"rule:{rule}", value=count)
            doc.text = result.text
            doc.metadata["title"] = result.title
            doc.metadata["cleaner"] = metadata_of(result)
            self.stat_update("forwarded")
            self.update_doc_stats(doc)
            yield doc
