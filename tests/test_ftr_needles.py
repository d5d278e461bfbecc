"""The one-pass string search resolve and graby share (rules/needles.py) answers exactly as ``s in text``
would for each string, also where the strings overlap, repeat, hold each other, or are not ASCII."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.rules.needles import strings_in

# a small alphabet makes strings that overlap and hold each other common; the rest covers what UTF-8 must keep apart
LETTERS = st.sampled_from(["a", "b", "c", "é", "\u00a0", "\U0001f600", "\ud800", "<"])
STRINGS = st.text(LETTERS, max_size=5)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=st.text(LETTERS, max_size=40), strings=st.lists(STRINGS, max_size=8))
def test_same_answer_as_one_scan_per_string(text: str, strings: list[str]) -> None:
    assert strings_in(text, strings) == {s for s in strings if s in text}


def test_strings_hidden_inside_a_reported_match_are_found() -> None:
    # a leftmost-first automaton reports "abcd" and does not look inside it for "bc" or "cde"
    assert strings_in("xabcdex", ["abcd", "bc", "cde", "zz"]) == {"abcd", "bc", "cde"}


def test_a_later_question_about_the_same_page_gets_the_same_answer() -> None:
    page = "<meta name=generator content=WordPress><div class=sharedaddy>"
    assert strings_in(page, ["generator", "sharedaddy", "srcdoc"]) == {"generator", "sharedaddy"}
    assert strings_in(page, ["sharedaddy", "srcdoc"]) == {"sharedaddy"}  # answered from the first search
    assert strings_in(page + " ", ["srcdoc", "<div"]) == {"<div"}  # another page: searched again
