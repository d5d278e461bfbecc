"""The document that flows through the stages, and the result handed back to callers.

Pipeline: source -> decode -> resolve -> prune -> extract -> textrules -> write. Each stage reads and
fills in fields of one ``Document``; every stage that removes something appends a ``Removal`` naming
the rule that did it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from cleaner.rules import RuleSet

Kind = Literal["html", "text"]

# What a rule pattern is matched against: the line without list, quote or heading markers and without
# Markdown emphasis, so that one pattern serves text dumps, trafilatura's text and its Markdown.
_LEADING_MARKERS = re.compile(r"^(?:[-*+•·>#]+\s+|\d{1,3}[.)]\s+)+")
# Emphasis content never spans the next marker, so each search ends there: linear in the line's length
# (the former ``(\*\*|\*)(?=\S)(.+?)(?<=\S)\1`` rescanned the rest of the line from every star: a 20 KB
# line of "*a " took 4.2 s, a 200 KB one minutes).
_BOLD = re.compile(r"\*\*(?=[^\s*])((?:[^*]|\*(?!\*))*?[^\s*])\*\*")
_ITALIC = re.compile(r"\*(?=[^\s*])([^*]*?[^\s*])\*")


def plain_form(line: str) -> str:
    line = _LEADING_MARKERS.sub("", line.strip())
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", line)) if "*" in line else line


@dataclass(slots=True)
class Block:
    """One line of text: a paragraph, heading, list item or table row."""

    text: str
    gap: bool = False  # a blank line stood before it in the source
    plain: str = ""  # what rule patterns are matched against
    lower: str = ""  # the same, lower-cased, for case-insensitive patterns

    def __post_init__(self) -> None:
        if not self.plain:
            self.plain = plain_form(self.text)
        self.lower = self.plain.lower()


def split_blocks(text: str) -> list[Block]:
    """Blocks of a text: each non-blank line, remembering whether blank lines preceded it."""
    blocks: list[Block] = []
    gap = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            blocks.append(Block(stripped, gap=gap and bool(blocks)))
            gap = False
        else:
            gap = True
    return blocks


def join_blocks(blocks: list[Block]) -> str:
    if not blocks:
        return ""
    parts = [blocks[0].text]
    for block in blocks[1:]:
        parts.append("\n\n" if block.gap else "\n")
        parts.append(block.text)
    return "".join(parts) + "\n"


@dataclass(frozen=True, slots=True)
class Removal:
    """A block taken out of the document, and the rule that took it (``ruleset:rule``)."""

    rule: str
    stage: Literal["html", "text", "extractor", "scorer"]
    text: str
    reasons: tuple[str, ...] = ()  # the scorer's: the features that weighed most against the block


@dataclass
class Document:
    source: str  # a path, "<stdin>", or "file.jsonl:12": named in every message about this document
    kind: Kind
    raw: bytes = b""
    url: str | None = None
    site: str | None = None  # the host the rules were chosen for
    site_source: str | None = None  # how the site was found: explicit, sidecar, canonical, og:url...
    declared_charset: str | None = None  # from an HTTP header or a sidecar
    content: str = ""  # the decoded input
    content_utf8: bytes | None = None  # ``content`` in UTF-8 when decode had it (the raw bytes), for byte searches
    encoding: str | None = None
    encoding_source: str | None = None  # bom, http-header, meta, utf-8, detected
    tree: HtmlElement | None = None
    rewritten_html: str = ""  # what ``tree`` was parsed from when ftr find/replace rewrote ``content``
    marks: Any = None  # stages/marks.py: the tree's elements that state something about the page, read once
    title: str | None = None
    author: str | None = None  # several authors joined with ", "
    date: str | None = None  # the publication date, ISO 8601
    sitename: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: str | None = None
    license: str | None = None
    language: str | None = None  # of the cleaned text, ISO 639-1
    language_confidence: float | None = None  # share of the text in that language, 0 to 1
    filtered: bool = False  # left out by a filter of the run (--language); ``reason`` says why
    rulesets: tuple[RuleSet, ...] = ()
    keep_body_text: bool = False  # a body chosen by a rule (ftr prune: no) is kept as it is, not filtered
    blocks: list[Block] = field(default_factory=list)
    extracted_chars: int = 0  # length of the text before text rules
    removed: list[Removal] = field(default_factory=list)
    reason: str | None = None  # why there is no text, when there is none
    rule_errors: list[str] = field(default_factory=list)  # rules skipped because they failed on this page
    rule_overridden: str | None = None  # the ftr file whose body or prune choice lost to the generic result

    def result(self) -> CleanResult:
        return CleanResult(
            text=join_blocks(self.blocks),
            title=self.title,
            author=self.author,
            date=self.date,
            sitename=self.sitename,
            language=self.language,
            language_confidence=self.language_confidence,
            description=self.description,
            categories=self.categories,
            tags=self.tags,
            image=self.image,
            license=self.license,
            url=self.url,
            site=self.site,
            rules=tuple(ruleset.name for ruleset in self.rulesets),
            removed=tuple(self.removed),
            encoding=self.encoding,
            encoding_source=self.encoding_source,
            chars_in=len(self.content),
            extracted_chars=self.extracted_chars,
            reason=self.reason,
            filtered=self.filtered,
            rule_errors=tuple(self.rule_errors),
            rule_overridden=self.rule_overridden,
        )


@dataclass(frozen=True)
class CleanResult:
    """What cleaning one document gives: the article text and an account of what was removed."""

    text: str  # the article body; for HTML input without the headline. Empty when ``reason`` is set.
    title: str | None  # the headline as a reader sees it, without the site name <title> appends
    author: str | None  # several authors joined with ", "
    date: str | None  # the publication date, ISO 8601 (YYYY-MM-DD, or with time and offset as the page states)
    sitename: str | None
    language: str | None  # of the cleaned text, ISO 639-1; None when too short or mixed to tell
    language_confidence: float | None  # share of the text in that language, 0 to 1
    description: str | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    image: str | None  # the address of the page's lead image
    license: str | None
    url: str | None
    site: str | None
    rules: tuple[str, ...]  # names of the rule sets applied, in order
    removed: tuple[Removal, ...]
    encoding: str | None
    chars_in: int
    extracted_chars: int
    reason: str | None = None
    filtered: bool = False  # left out by a filter of the run (--language); ``reason`` says why
    encoding_source: str | None = None  # which step decided the encoding: bom, http-header, meta, utf-8, detected
    rule_errors: tuple[str, ...] = ()  # rules skipped because their XPath failed on this page
    rule_overridden: str | None = None  # an ftr file whose body or prune choice gave a worse text than without it

    @property
    def status(self) -> str:
        """cleaned, empty (no text left: ``reason`` says why) or filtered."""
        return "filtered" if self.filtered else "cleaned" if self.text else "empty"

    def metadata(self) -> dict[str, Any]:
        """What the page says about itself and the text's language: the one place every output takes them from
        (JSON, JSONL, Markdown front matter, the --report manifest, the sinks)."""
        return {
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "sitename": self.sitename,
            "language": self.language,
            "language_confidence": self.language_confidence,
            "description": self.description,
            "categories": list(self.categories),
            "tags": list(self.tags),
            "image": self.image,
            "license": self.license,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            **self.metadata(),
            "url": self.url,
            "site": self.site,
            "rules": list(self.rules),
            "removed": [
                {
                    "rule": r.rule,
                    "stage": r.stage,
                    "text": r.text,
                    **({"reasons": list(r.reasons)} if r.reasons else {}),
                }
                for r in self.removed
            ],
            "encoding": self.encoding,
            "encoding_source": self.encoding_source,
            "chars_in": self.chars_in,
            "chars_out": len(self.text),
            "status": self.status,
            "reason": self.reason,
            "rule_errors": list(self.rule_errors),
            "rule_overridden": self.rule_overridden,
        }
