"""Property tests (issue 12, class 7): whatever the input, cleaning raises nothing but CleanerError, stays
within its time budget, and writes no text the input did not hold.

Bounded for ``make test`` (about a minute, examples derived from a fixed seed); ``make fuzz`` runs the
same properties with many more examples (HYPOTHESIS_PROFILE=fuzz).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import CleanerError, Options, clean_bytes, clean_html, clean_text
from cleaner.engines.jsonl import clean_jsonl
from cleaner.engines.workers import Ready
from cleaner.rules import load_ruleset
from cleaner.stages.decode import xml_safe

settings.register_profile(
    "ci", max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
# FUZZ_EXAMPLES sets how long a fuzz session runs (README, Limits: the figures of one 10-minute session per entry point)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

BUDGET = 10.0
WORDS = st.sampled_from(["council", "library", "Share", "Related", "©", "naïve", "très", "&amp;", "**x**", "\u00a0"])
# Text a hostile page may hold: any character (controls, U+FFFE, non-BMP), or words rules look for.
TEXT = st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=12).map(" ".join))
TAGS = st.sampled_from(["p", "div", "article", "script", "b", "table", "td", "li", "h1", "title", "span", "br"])


@st.composite
def html_pages(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(TAGS)
            attributes = draw(st.sampled_from(["", ' class="share"', ' id="comments"', ' class="related-posts"']))
            parts.append(f"<{tag}{attributes}>{draw(html_pages(depth + 1))}</{tag}>")
        else:
            parts.append(draw(TEXT))
    return "".join(parts)


PAGES = st.one_of(
    html_pages(), st.text(max_size=300), html_pages().map(lambda body: f"<html><body>{body}</body></html>")
)


def _squeezed(text: str) -> str:
    """Without whitespace, and without what the extractor drops (unassigned and other unprintable characters),
    in NFKC form (the extractor normalises: U+F900 comes out as its canonical U+8C48)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if char.isprintable() and not char.isspace())


_FORMATTING = {"|", "-"}  # table cell separators and list markers the extractor writes


def assert_from_input(output: str, source_text: str) -> None:
    """The characters of every word of ``output`` stand in ``source_text`` in that order (whitespace aside):
    nothing invented or garbled, no markup written out as text."""
    haystack = _squeezed(source_text)
    for word in output.split():
        # "?|": a cell separator written against a cell's text; "a\\|b": a | inside a cell, escaped (make fuzz)
        word = word.replace("\\|", "|").strip("".join(_FORMATTING))
        if not word:
            continue
        rest = iter(haystack)  # in order, though not always adjacent: a removed <script> can join two words
        assert all(char in rest for char in _squeezed(word)), (word, source_text[:200])


def page_text(html: str) -> str:
    try:
        return lxml.html.document_fromstring(xml_safe(html)).text_content()
    except (ValueError, lxml.etree.ParserError):
        return ""


_HTML5_BLOCK_IN_PARAGRAPH = "//p[*[self::article or self::section or self::aside or self::header or self::footer]]"


def trafilatura_repeats(html: str) -> bool:
    """A paragraph holding an HTML5 block element (``<p><article><div>a;</div>b</article></p>``, kept so by libxml2,
    which closes a <p> before the blocks it knows only): trafilatura 2.3 writes part of its text twice ("a;\nba;").
    Found by make fuzz; not worked around, since reading such paragraphs as <div>s lost article paragraphs on 3 of
    the 296 development pages (README, Limits)."""
    try:
        return bool(lxml.html.document_fromstring(xml_safe(html)).xpath(_HTML5_BLOCK_IN_PARAGRAPH))
    except (ValueError, lxml.etree.ParserError):
        return False


@given(PAGES)
def test_clean_html_raises_only_cleaner_errors_and_invents_nothing(html: str) -> None:
    started = time.monotonic()
    try:
        result = clean_html(html)
    except CleanerError:
        return
    finally:
        assert time.monotonic() - started < BUDGET
    if not trafilatura_repeats(html):
        assert_from_input(result.text, page_text(html))


@given(st.lists(TEXT, max_size=12).map("\n".join))
def test_clean_text_keeps_only_whole_input_lines(text: str) -> None:
    try:
        result = clean_text(text)
    except CleanerError:
        return
    lines = {line.strip() for line in xml_safe(text).splitlines()}
    assert all(line in lines for line in result.text.splitlines())


@given(st.one_of(st.binary(max_size=400), PAGES.map(lambda page: page.encode("utf-8", "surrogatepass"))))
def test_clean_bytes_raises_only_cleaner_errors_within_the_budget(data: bytes) -> None:
    started = time.monotonic()
    with contextlib.suppress(CleanerError):
        clean_bytes(data, options=Options(time_budget=BUDGET))
    assert time.monotonic() - started < BUDGET + 1


RULE_VALUES = st.one_of(st.text(max_size=30), st.sampled_from(["(a+)+$", "//div[$x]", "//p[f()]", "[", "(?i)^share"]))


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=200))
    lines = ['name = "fuzz"', "[match]", f"html_markers = [{json.dumps(draw(st.text(max_size=10)))}]"]
    for table, key in draw(
        st.lists(
            st.sampled_from(
                [("html.remove", "xpath"), ("html.remove", "select"), ("text.drop", "pattern"), ("text.cut", "pattern")]
            ),
            max_size=3,
        )
    ):
        lines += [f"[[{table}]]", f'name = "{table.replace(".", "-")}"', f"{key} = {json.dumps(draw(RULE_VALUES))}"]
    return "\n".join(lines)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule_files())
def test_the_rule_loader_raises_only_rule_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(CleanerError):
        load_ruleset(path)


JSON_LINES = st.one_of(
    st.binary(max_size=80),
    st.builds(lambda page, url: json.dumps({"html": page, "url": url}).encode(), PAGES, st.text(max_size=20)),
    st.builds(lambda text: json.dumps({"text": text}).encode(), TEXT),
)


def _jsonl_input(lines: list[bytes]) -> bytes:
    return b"\n".join(line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines) + b"\n"


def _assert_one_line_each(data: bytes, written: list[str]) -> None:
    """One output object per non-blank input line, in order; a cleaned text comes from its own line's page."""
    lines = [line for line in data.split(b"\n") if line.strip()]
    assert len(written) == len(lines)
    for line, output in zip(lines, written, strict=True):
        record = json.loads(output)
        assert isinstance(record, dict)
        text = record["cleaner"].get("text", "")
        if text:
            page = json.loads(line)
            assert_from_input(text, page_text(page["html"]) if "html" in page else page["text"])


@pytest.mark.parametrize("seed", [0])
@settings(
    max_examples=15 if settings.default.max_examples < 1000 else 500,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=st.lists(JSON_LINES, min_size=1, max_size=6))
def test_every_jsonl_line_gives_one_output_line(tmp_path: Path, seed: int, lines: list[bytes]) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(_jsonl_input(lines))
    clean_jsonl(source, target, Options(time_budget=BUDGET), jobs=1)
    _assert_one_line_each(source.read_bytes(), target.read_bytes().decode("utf-8").split("\n")[:-1])


def in_this_process(function: Any, tasks: Any, *, initializer: Any, initargs: Any, **_: Any) -> Iterator[Any]:
    """The engine part of clean_jsonl without worker processes (a pool per example would cost a second):
    fuzzing many examples of the reader and the writer around it."""
    initializer(*initargs)
    for task in tasks:
        yield task, task.value if isinstance(task, Ready) else function(task)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(JSON_LINES, min_size=1, max_size=6), compressed=st.booleans(), cut=st.integers(0, 40))
def test_the_jsonl_reader_gives_one_line_per_input_line(
    tmp_path: Path, lines: list[bytes], compressed: bool, cut: int
) -> None:
    data = _jsonl_input(lines)
    source, target = tmp_path / "in.jsonl.gz", tmp_path / "out.jsonl"
    packed = gzip.compress(data, mtime=0)
    if compressed:  # with ``cut`` bytes of the gzip member lost: the lines before the damage, then one error line
        source.write_bytes(packed[: max(len(packed) - cut, 0)])
    else:
        source = source.with_suffix("")
        source.write_bytes(data)
    clean_jsonl(source, target, Options(time_budget=BUDGET), jobs=1, mapper=in_this_process)
    written = target.read_bytes().decode("utf-8").split("\n")[:-1]
    if compressed and cut >= len(packed):  # nothing left of the file: no line in, none out
        assert written == []
    elif (compressed and cut) or data.startswith(b"\x1f\x8b"):  # damaged, or plain bytes that start as gzip does:
        # whatever was read, then one line saying where reading stopped
        *written, last = written
        assert "corrupt gzip" in json.loads(last)["cleaner"]["reason"]
        assert len(written) <= data.count(b"\n") and all(isinstance(json.loads(line), dict) for line in written)
    else:
        _assert_one_line_each(data, written)
