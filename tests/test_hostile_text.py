"""Hostile text (issue 12, class 1): no character, encoding or opening tag silently loses or garbles a page."""

from __future__ import annotations

import pytest

from cleaner import clean_bytes, clean_html, clean_text
from tests.conftest import run_cli

SENTENCE = "The town council met on Tuesday to discuss the new budget for the public library. "
ARTICLE = "<p>" + SENTENCE * 5 + "</p>"
LAST = "Librarians said the reading room would stay open late on Thursdays through the winter."
FRENCH = "<p>Une idée naïve, très étrange, déjà vue à côté du château où l'été dure. </p>" * 5


def page(inside: str = "", head: str = "") -> str:
    body = f"<article>{ARTICLE}{inside}<p>{LAST}</p></article>"
    return f"<html><head>{head}<title>T</title></head><body>{body}</body></html>"


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x01", "\x1f", "\ufffe", "\uffff", "\ud800"])
def test_a_character_xml_cannot_hold_costs_nothing_but_itself(char: str) -> None:
    result = clean_html(page(f"<p>Residents{char} asked about opening hours.</p><script>x{char}</script>"))
    assert SENTENCE.strip() in result.text and LAST in result.text
    assert "asked about opening hours." in result.text
    assert char not in result.text


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x01", "\x1f", "\ufffe", "\uffff"])
def test_a_character_xml_cannot_hold_is_taken_out_of_utf8_bytes_as_out_of_text(char: str) -> None:
    html = page(f"<p>Residents{char} asked about opening hours.</p><script>x{char}</script>")
    from_bytes = clean_html(html.encode())  # tested on the bytes (stages/decode.py), not on the text
    assert (from_bytes.text, from_bytes.encoding) == (clean_html(html).text, "utf-8")


def test_control_characters_in_a_text_dump_and_in_bytes() -> None:
    assert "\x01" not in clean_text(SENTENCE * 3 + "\x01\n" + SENTENCE).text
    data = page("<p>Residents\x0b asked.</p>").encode()
    assert LAST in clean_bytes(data).text


def test_cp1252_french_without_a_declared_charset_is_not_read_as_baltic() -> None:
    raw = f"<html><body><article>{FRENCH}</article></body></html>".encode("cp1252")
    result = clean_html(raw)
    assert "naïve, très étrange, déjà vue à côté du château" in result.text
    assert (result.encoding, result.encoding_source) == ("cp1252", "detected")


def test_meta_utf16_over_a_utf8_body_is_read_as_utf8() -> None:
    html = f"<html><head><meta charset=utf-16></head><body><article>{FRENCH}</article></body></html>"
    raw = html.encode()
    raw += b" " * (len(raw) % 2)  # an even length decodes "successfully" as UTF-16: CJK garbage
    result = clean_html(raw)
    assert "naïve, très étrange" in result.text
    assert result.encoding == "utf-8"


def test_a_stale_latin1_label_over_utf8_bytes_is_noticed() -> None:
    html = f"<html><head><meta charset=iso-8859-1></head><body><article>{FRENCH}</article></body></html>"
    result = clean_html(html.encode())
    assert "naïve, très étrange" in result.text
    assert result.encoding == "utf-8" and "meta" in result.encoding_source


@pytest.mark.parametrize(
    "opening",
    ["<table><tr><td>", "<script>var a = 1;</script><div>", "<!-- saved page --><div>", "<section>", "<main>"],
)
def test_stdin_sniffs_html_whatever_tag_it_starts_with(opening: str) -> None:
    data = f"{opening}<article>{ARTICLE}</article>".encode()
    result = run_cli("clean", "-", stdin=data)
    assert result.returncode == 0, result.stderr_text
    assert SENTENCE.strip() in result.stdout_text
    assert "<" not in result.stdout_text


def test_a_text_dump_stays_text() -> None:
    assert clean_bytes(b"Less than < greater than > in a dump.\n" + SENTENCE.encode() * 3).text.startswith(
        "Less than <"
    )
