"""The stages in order, and the public functions that run them on one document.

source -> decode -> resolve -> metadata -> prune -> extract (HTML) or frame (text) -> textrules -> language
-> write
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from cleaner.document import CleanResult, Document, Kind, split_blocks
from cleaner.errors import InputError, NothingExtracted, translated
from cleaner.options import Options
from cleaner.rules import load_catalog
from cleaner.sinks.files import render, write_atomic
from cleaner.sources.files import document_from_bytes, is_url_list, output_path, read_document
from cleaner.stages.budget import time_budget
from cleaner.stages.decode import decode
from cleaner.stages.extract import extract
from cleaner.stages.fallback import with_fallback
from cleaner.stages.frame import frame_dump
from cleaner.stages.language import identify_language
from cleaner.stages.metadata import read_metadata
from cleaner.stages.prune import prune
from cleaner.stages.resolve import resolve
from cleaner.stages.score import apply_scorer
from cleaner.stages.textrules import apply_text_rules


def process(doc: Document, options: Options) -> Document:
    """Run every stage but writing on ``doc``; raises CleanerError for input that cannot be cleaned, or
    OverBudget when it takes longer than ``options.time_budget``."""
    load_catalog(options.rules_dirs)  # once, outside the budget: reading 2,000 ftr files is no document's time
    with time_budget(options.time_budget, doc.source):
        prepare(doc, options)
        finish(doc, options)
    return doc


def prepare(doc: Document, options: Options) -> None:
    """Decode, resolve the site and the rule sets (what decides which rules apply), read the metadata."""
    if max(len(doc.raw), len(doc.content)) > options.max_bytes:
        raise InputError(doc.source, f"larger than the {options.max_bytes:,}-byte limit")
    with translated(doc.source):  # lxml and codec errors become one plain message, picklable across processes
        decode(doc)
        if doc.kind == "text" and is_url_list(doc.content):
            raise InputError(doc.source, "a list of URLs, not an article")
        if options.site:
            doc.site, doc.site_source = options.site, "explicit"
        resolve(doc, load_catalog(options.rules_dirs), site_rules=options.site_rules)
        read_metadata(doc)


def finish(doc: Document, options: Options) -> None:
    """Prune and extract (HTML) or frame a whole-page dump (text), score the blocks, apply the text rules, then tell
    the language (and filter by it when the run asks)."""
    with translated(doc.source):  # lxml and codec errors become one plain message, picklable across processes
        if doc.kind == "html":
            markdown = options.output_format == "md"
            with_fallback(doc, lambda d: (prune(d), extract(d, markdown=markdown, mode=options.extraction)))
        else:
            doc.blocks = split_blocks(doc.content)
            doc.extracted_chars = len(doc.content)
            frame_dump(doc)
        lines = list(doc.blocks)  # a dump's scorer reads its lines as they were, and removes after the rules
        if options.scores and doc.kind == "html":
            apply_scorer(doc, options.keep_threshold, model=options.scorer_model)
        apply_text_rules(doc)
        if options.scores and doc.kind != "html":
            apply_scorer(doc, options.keep_threshold, model=options.scorer_model, lines=lines)
        identify_language(doc)
    if options.languages and doc.blocks and doc.language not in options.languages:
        doc.filtered = True
        doc.reason = f"language {doc.language or 'unknown'}, not {', '.join(options.languages)} (--language)"
        doc.blocks = []


def clean_html(
    html: str | bytes,
    *,
    url: str | None = None,
    options: Options | None = None,
    site_rules: bool | None = None,
    rules_dirs: Sequence[str | Path] | None = None,
) -> CleanResult:
    """Clean one HTML page: the article text without its headline, and what was removed.

    ``site_rules`` and ``rules_dirs``, when given, override those of ``options``.
    """
    return clean_content(html, "html", url, _with(options, site_rules, rules_dirs))


def clean_text(
    text: str | bytes,
    *,
    url: str | None = None,
    options: Options | None = None,
    site_rules: bool | None = None,
    rules_dirs: Sequence[str | Path] | None = None,
) -> CleanResult:
    """Clean a plain-text dump of an article with the text rules alone (``site_rules``, ``rules_dirs``:
    as for ``clean_html``)."""
    return clean_content(text, "text", url, _with(options, site_rules, rules_dirs))


def _with(options: Options | None, site_rules: bool | None, rules_dirs: Sequence[str | Path] | None) -> Options:
    options = options or Options()
    if site_rules is not None:
        options = dataclasses.replace(options, site_rules=site_rules)
    if rules_dirs is not None:
        options = dataclasses.replace(options, rules_dirs=tuple(map(Path, rules_dirs)))
    return options


def clean_bytes(
    data: bytes, *, source: str = "<stdin>", url: str | None = None, options: Options | None = None
) -> CleanResult:
    """Clean a document given as bytes whose kind is not known (standard input): HTML or text is sniffed."""
    return process(document_from_bytes(data, source, url=url), options or Options()).result()


def clean_file(path: str | Path, *, url: str | None = None, options: Options | None = None) -> Path:
    """Clean one file and write ``<stem>.clean.txt`` (or .json, .md) next to it; returns that path.

    Raises NothingExtracted, writing nothing, when no text is left.
    """
    options = options or Options()
    path = Path(path)
    doc = process(read_document(path, url=url, max_bytes=options.max_bytes), options)
    result = doc.result()
    if not result.text:
        raise NothingExtracted(str(path), result.reason or "no text")
    target = output_path(path, options.output_format)
    write_atomic(target, render(result, options.output_format))
    return target


def clean_content(content: str | bytes, kind: Kind, url: str | None, options: Options) -> CleanResult:
    """Clean one HTML page or text dump given as text or bytes (the kind is known)."""
    source = f"<{kind}>"
    if isinstance(content, bytes):
        doc = document_from_bytes(content, source, kind=kind, url=url)
    else:
        doc = Document(source=source, kind=kind, content=content, encoding="str", encoding_source="caller")
        if url:
            doc.url, doc.site_source = url, "explicit"
    return process(doc, options).result()
