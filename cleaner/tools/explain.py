"""``cleaner explain``: what cleaning kept of one document, and which rule removed each other block.

The pipeline records the text of every removal, not where it stood, and not what trafilatura left out.
explain runs the same stages on one document and looks in between them: it lists the page's visible
text blocks before the HTML rules and sees which of them the rules detached; it aligns the others,
word by word, with trafilatura's text (a block it left out is labelled ``trafilatura``); and it follows
each extracted line through the headline and the text rules. The alignment costs time, which is why
``clean`` never does it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from pathlib import Path

from lxml.html import HtmlElement

from cleaner.document import Block, CleanResult, Removal, split_blocks
from cleaner.errors import translated
from cleaner.options import Options
from cleaner.rules import Catalog, load_catalog
from cleaner.sources.files import read_document
from cleaner.stages.budget import time_budget
from cleaner.stages.extract import drop_headline, extract_text
from cleaner.stages.frame import frame_dump
from cleaner.stages.pipeline import prepare
from cleaner.stages.prune import prune, unextracted_tags, visible_text
from cleaner.stages.score import apply_scorer
from cleaner.stages.textrules import apply_text_rules
from cleaner.tools.health import counted

TRAFILATURA = "trafilatura"  # the label of blocks trafilatura left out of the main text
_BLOCK_TAGS = frozenset(  # tags that start a new block of text, as a browser lays them out
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption figure footer "  # noqa: SIM905
    "form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td tfoot th thead tr "
    "ul".split()
)
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript"})  # code, never text a reader sees
_WORD = re.compile(r"\w+")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Part:
    """One block of the document, kept (``rule`` is None) or removed by ``rule``."""

    text: str
    rule: str | None = None  # "ruleset:rule", "extract:headline" or "trafilatura"
    stage: str = "kept"  # kept, html (an HTML rule), extractor (trafilatura, headline) or text (a text rule)
    rule_file: str | None = None

    @property
    def kept(self) -> bool:
        return self.rule is None


@dataclass(frozen=True)
class Explanation:
    source: str
    result: CleanResult
    site_source: str | None  # how the site was found: explicit, sidecar, canonical, og:url, fingerprint
    rulesets: tuple[tuple[str, str], ...]  # (name, rule file) of each rule set applied
    parts: tuple[Part, ...]  # the document's blocks in reading order

    def groups(self) -> list[list[Part]]:
        """Runs of consecutive parts kept, or removed by the same rule."""
        runs: list[list[Part]] = []
        for part in self.parts:
            if runs and runs[-1][0].rule == part.rule:
                runs[-1].append(part)
            else:
                runs.append([part])
        return runs

    def removed_by_rule(self) -> list[tuple[str, str | None, int]]:
        """(rule, rule file, blocks removed), most blocks first."""
        counts = Counter((p.rule, p.rule_file) for p in self.parts if p.rule is not None)
        return [(rule, path, n) for (rule, path), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def explain(path: str | Path, *, url: str | None = None, options: Options | None = None) -> Explanation:
    """Clean one file as ``clean`` does, recording where each removed block stood and what removed it."""
    options = dataclasses.replace(options or Options(), output_format="txt")
    doc = read_document(Path(path), url=url, max_bytes=options.max_bytes)
    catalog = load_catalog(options.rules_dirs)  # outside the budget, as in clean
    with time_budget(options.time_budget, doc.source), translated(doc.source):
        prepare(doc, options)
        segments: list[_Segment] = []
        if doc.tree is not None:
            pieces = _pieces(doc.tree)
            prune(doc)
            segments = _segments(pieces, doc.tree)
            extract_text(doc, mode=options.extraction)
        else:
            doc.blocks = split_blocks(doc.content)
        extracted = list(doc.blocks)
        texts = [block.text for block in extracted]  # as extracted: a trim rule shortens a block in place
        if doc.tree is None:
            frame_dump(doc)
        drop_headline(doc)
        lines = list(doc.blocks)
        if options.scores and doc.tree is not None:
            apply_scorer(doc, options.keep_threshold, model=options.scorer_model)
        apply_text_rules(doc)
        if options.scores and doc.tree is None:  # a dump's scorer removes after its rules, as cleaning does
            apply_scorer(doc, options.keep_threshold, model=options.scorer_model, lines=lines)
    removals = _Removals(doc.removed, catalog)
    lines = _line_parts(extracted, texts, {id(block) for block in doc.blocks}, removals)
    if doc.tree is not None:
        parts = _in_reading_order(segments, extracted, lines, removals)
    else:
        parts = [part for line in lines for part in line]
    return Explanation(
        source=doc.source,
        result=doc.result(),
        site_source=doc.site_source,
        rulesets=tuple((r.name, r.shown_path) for r in doc.rulesets),
        parts=tuple(parts),
    )


# The page before and after the HTML rules ------------------------------------------------------------


@dataclass
class _Piece:
    text: str
    holder: HtmlElement  # the element whose text or tail it is: removing that element removes it
    block: int  # pieces between the same block-level boundaries share a number


@dataclass
class _Segment:
    """Consecutive pieces of one block with the same fate under the HTML rules."""

    text: str
    removed_with: HtmlElement | None  # the element an HTML rule removed, None while still in the page


def _pieces(tree: HtmlElement) -> list[_Piece]:
    """The visible text of the page body in reading order (iterative: pages may nest 2,000 levels deep)."""
    top = tree.find("body")
    top = tree if top is None else top
    pieces: list[_Piece] = []
    block = 0
    stack: list[tuple[HtmlElement, bool]] = [(top, False)]
    while stack:
        element, closing = stack.pop()
        is_block = element.tag in _BLOCK_TAGS
        if closing:
            block += is_block
            if element is not top and element.tail and element.tail.strip():
                pieces.append(_Piece(element.tail, element.getparent(), block))
            continue
        stack.append((element, True))
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE_TAGS:
            continue
        block += is_block
        if element.text and element.text.strip():
            pieces.append(_Piece(element.text, element, block))
        stack.extend((child, False) for child in reversed(element))
    return pieces


def _removed_with(element: HtmlElement, root: HtmlElement) -> HtmlElement | None:
    """The top of the detached subtree ``element`` is in, or None when it is still part of the page."""
    ancestors = list(element.iterancestors())
    top = ancestors[-1] if ancestors else element
    return None if top is root else top


def _segments(pieces: list[_Piece], root: HtmlElement) -> list[_Segment]:
    segments: list[_Segment] = []
    previous_block = -1
    for piece in pieces:
        removed_with = _removed_with(piece.holder, root)
        if piece.block == previous_block and segments[-1].removed_with is removed_with:
            segments[-1].text += " " + piece.text
        else:
            segments.append(_Segment(piece.text, removed_with))
        previous_block = piece.block
    for segment in segments:
        segment.text = _WHITESPACE.sub(" ", segment.text).strip()
    return segments


# Which rule removed what ------------------------------------------------------------------------------


class _Removals:
    """The document's removals, each handed out once: matched by text, in the order they were made."""

    def __init__(self, removals: Iterable[Removal], catalog: Catalog) -> None:
        self.left = list(removals)
        self.catalog = catalog

    def take(self, text: str, stages: tuple[str, ...]) -> Part | None:
        for index, removal in enumerate(self.left):
            if removal.stage in stages and removal.text == text:
                del self.left[index]
                rule = f"scorer ({', '.join(removal.reasons)})" if removal.reasons else removal.rule
                return self.part(text, rule, removal.stage)
        return None

    def part(self, text: str, rule: str, stage: str) -> Part:
        ruleset = self.catalog.by_name.get(rule.rpartition(":")[0])
        return Part(text, rule, stage, ruleset.shown_path if ruleset else None)

    def html_labels(self, removed: list[HtmlElement]) -> dict[int, Part]:
        """The rule that removed each element (a label ``Part`` whose text is unused), by ``id``."""
        labels: dict[int, Part] = {}
        for element in removed:
            text = visible_text(element)
            label = self.take(text, ("html",))
            if label is None and element.tag in unextracted_tags():  # dropped first, for trafilatura
                label = self.part(text, TRAFILATURA, "extractor")
            if label is None:  # a child of the page outside ``html.body``: that rule's removal holds all of them
                rule = next((r.rule for r in self.left if r.stage == "html" and text in r.text), "html rules")
                label = self.part(text, rule, "html")
            labels[id(element)] = label
        return labels


def _line_parts(extracted: list[Block], texts: list[str], kept: set[int], removals: _Removals) -> list[list[Part]]:
    """Each line of trafilatura's text: kept, or taken off as the headline or by a text rule; a line a
    trim rule shortened is its kept start and its removed end."""
    lines = []
    for block, text in zip(extracted, texts, strict=True):
        if id(block) not in kept:
            lines.append([removals.take(text, ("extractor", "scorer", "text")) or Part(text)])
        elif block.text != text:
            tail = text[len(block.text) :].strip()
            lines.append([Part(block.text), removals.take(tail, ("text",)) or Part(tail)])
        else:
            lines.append([Part(text)])
    return lines


def words(text: str) -> list[str]:
    """The words of a text, case and Unicode forms folded: what alignments and comparisons look at."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _owned_words(texts: Iterable[tuple[int, str]]) -> tuple[list[str], list[int]]:
    """The words of numbered texts in a row, and the number of the text each word comes from."""
    all_words: list[str] = []
    owners: list[int] = []
    for number, text in texts:
        found = words(text)
        all_words += found
        owners += [number] * len(found)
    return all_words, owners


def _in_reading_order(
    segments: list[_Segment], extracted: list[Block], lines: list[list[Part]], removals: _Removals
) -> list[Part]:
    """Removed page blocks and trafilatura's lines, merged in the page's order.

    The words of the blocks left in the page are aligned with the words of trafilatura's lines. A block
    with most of its words in no line is one trafilatura left out; each line stands where the block
    holding most of its words stood.
    """
    page_words, owner = _owned_words((i, s.text) for i, s in enumerate(segments) if s.removed_with is None)
    line_words, line_of = _owned_words(enumerate(block.text for block in extracted))
    matched: Counter[int] = Counter()  # segment -> its words found in a line
    votes: list[Counter[int]] = [Counter() for _ in extracted]  # line -> segments holding its words
    for start, line_start, size in SequenceMatcher(None, page_words, line_words, autojunk=False).get_matching_blocks():
        for offset in range(size):
            segment = owner[start + offset]
            matched[segment] += 1
            votes[line_of[line_start + offset]][segment] += 1
    text = " ".join(block.text for block in extracted)
    removed = {id(s.removed_with): s.removed_with for s in segments if s.removed_with is not None}
    labels = removals.html_labels(list(removed.values()))
    entries: list[tuple[tuple[int, int, int], Part]] = []
    for index, segment in enumerate(segments):
        if segment.removed_with is not None:
            entries.append(((index, 0, 0), dataclasses.replace(labels[id(segment.removed_with)], text=segment.text)))
            continue
        size = len(words(segment.text))
        in_text = 2 * matched[index] >= size if size else segment.text in text
        if not in_text:
            entries.append(((index, 0, 0), Part(segment.text, TRAFILATURA, "extractor")))
    anchor = -1
    for index, line in enumerate(lines):
        if votes[index]:
            anchor = max(anchor, min(votes[index].most_common(), key=lambda vote: (-vote[1], vote[0]))[0])
        entries.extend(((anchor, 1, index), part) for part in line)
    entries.sort(key=lambda entry: entry[0])
    return [part for _, part in entries]


# Rendering --------------------------------------------------------------------------------------------


def _label(part: Part) -> str:
    return f"{part.rule} ({part.rule_file})" if part.rule_file else str(part.rule)


def _summary(explanation: Explanation) -> str:
    kept = [p for p in explanation.parts if p.kept]
    by_stage = Counter(p.stage for p in explanation.parts if not p.kept)
    stages = (
        ("html", "HTML rules"),
        ("extractor", "trafilatura and the headline"),
        ("scorer", "the block scorer"),
        ("text", "text rules"),
    )
    detail = ", ".join(f"{by_stage[stage]} by {name}" for stage, name in stages if by_stage[stage])
    removed = sum(by_stage.values())
    line = f"kept {counted(len(kept), 'block')} ({len(explanation.result.text):,} characters); "
    line += f"removed {counted(removed, 'block')}"
    return line + (f": {detail}" if detail else "")


def _about(explanation: Explanation) -> list[tuple[str, str]]:
    result = explanation.result
    url = f"{result.url} (from {explanation.site_source})" if result.url else "unknown"
    rows = [("file", explanation.source), ("url", url), ("site", result.site or "unknown")]
    rows.append(("rule sets", ", ".join(f"{name} ({path})" for name, path in explanation.rulesets) or "none"))
    if result.reason:
        rows.append(("note", result.reason))
    return rows


def explain_text(explanation: Explanation) -> str:
    """The explanation for a terminal: each run of blocks under ``= kept`` or ``- <rule> (<file>)``."""
    lines = [f"{key:>10}: {value}" for key, value in _about(explanation)]
    lines += ["", _summary(explanation), ""]
    for run in explanation.groups():
        lines.append("= kept" if run[0].kept else f"- {_label(run[0])}")
        lines += [f"    {part.text}" for part in run]
    lines += ["", "removed blocks by rule:"]
    lines += [f"  {n:>5}  {rule}" + (f"  ({path})" if path else "") for rule, path, n in explanation.removed_by_rule()]
    return "\n".join(lines) + "\n"


_STYLE = """
body { font: 16px/1.55 system-ui, sans-serif; color: #1d1d1d; background: #fff; max-width: 50rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { text-align: left; padding: .15rem .8rem .15rem 0; border-bottom: 1px solid #e3e3e3; }
td.n { text-align: right; }
.run { margin: .5rem 0; padding: .35rem .7rem; border-left: 5px solid; }
.run p { margin: .2rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.kept { border-color: #2e7d32; }
.removed del { color: #555; text-decoration-thickness: 2px; }
.html { border-color: #c62828; background: #fdf0f0; }
.extractor { border-color: #7a7a7a; background: #f3f3f3; }
.text { border-color: #e65100; background: #fff3e6; }
.label { display: inline-block; font: 600 .8rem/1.6 ui-monospace, monospace; color: #fff; background: #444;
         padding: 0 .45rem; border-radius: 3px; }
.html .label { background: #b71c1c; } .text .label { background: #bf360c; }
.legend { font-size: .9rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 .8rem; border-left-style: solid;
          border-left-width: 5px; vertical-align: -.1rem; }
.legend .swatch:first-child { margin-left: 0; }
.file { font: .8rem ui-monospace, monospace; color: #555; margin-left: .5rem; }
"""


def explain_html(explanation: Explanation) -> str:
    """The explanation as one self-contained page (inline style, no scripts, nothing fetched)."""
    title = f"cleaner explain: {explanation.source}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<header><h1>What cleaner kept of {escape(explanation.source)}</h1><dl>",
        *(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>" for key, value in _about(explanation)),
        f"</dl><p>{escape(_summary(explanation))}</p>",
        '<p class="legend"><span class="swatch kept"></span>kept <span class="swatch html"></span>removed by an '
        'HTML rule <span class="swatch extractor"></span>left out by trafilatura, or the headline '
        '<span class="swatch text"></span>removed by a text rule</p>',
        "<table><tr><th>removed by</th><th>blocks</th><th>rule file</th></tr>",
        *(
            f'<tr><td>{escape(rule)}</td><td class="n">{n}</td><td>{escape(path or "")}</td></tr>'
            for rule, path, n in explanation.removed_by_rule()
        ),
        "</table></header><main>",
    ]
    for run in explanation.groups():
        first = run[0]
        if first.kept:
            out.append('<section class="run kept">')
            out += [f"<p>{escape(part.text)}</p>" for part in run]
        else:
            out.append(f'<section class="run removed {first.stage}">')
            out.append(f'<span class="label">removed by {escape(first.rule or "")}</span>')
            if first.rule_file:
                out.append(f'<span class="file">{escape(first.rule_file)}</span>')
            out += [f"<p><del>{escape(part.text)}</del></p>" for part in run]
        out.append("</section>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
