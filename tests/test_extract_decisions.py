"""auto's test for trafilatura's last resort compares the words of fast's text with those of the page's paragraphs
by their starts, then paragraph by paragraph, instead of squeezing both whole: the same answer, whatever the text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.stages.extract import _same_words

NOT_WORD = re.compile(r"[\W_]+")
PIECES = st.text(alphabet="ab_ .\n-é", max_size=8)  # words, separators and marks, short enough to coincide often
# a paragraph is a piece said over and over: pages' texts run past the 500 characters compared first
PARAGRAPHS = st.lists(st.builds(lambda piece, times: piece * times, PIECES, st.integers(1, 150)), max_size=6)


def plainly_same_words(text: str, paragraphs: list[str]) -> bool:
    squeezed = NOT_WORD.sub("", text)
    return bool(squeezed) and squeezed == NOT_WORD.sub("", "".join(paragraphs))


@settings(max_examples=400, derandomize=True, deadline=None)
@given(paragraphs=PARAGRAPHS, joiner=PIECES, tail=PIECES, replaced=st.booleans())
def test_the_words_of_the_text_are_compared_as_if_squeezed_whole(
    paragraphs: list[str], joiner: str, tail: str, replaced: bool
) -> None:
    text = joiner.join(paragraphs) + tail  # the paragraphs' words, or those and more: both answers are reached
    if replaced and text:
        text = text[: len(text) // 2] + "b" + text[len(text) // 2 + 1 :]
    assert _same_words(text, paragraphs) == plainly_same_words(text, paragraphs)
