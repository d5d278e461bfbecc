"""The block scorer in text mode: the dump's own features, its shipped model (on at 0.25: cross-validated by site,
it raised precision on both sets within the recall bound), a keep threshold on a dump (only the dump's tail), and
bad input with the scorer on."""

from __future__ import annotations

import time

import pytest

from cleaner import Options, clean_text
from cleaner.document import split_blocks
from cleaner.stages.score import generic_phrase_rules, load_scorer
from cleaner.stages.textscore import MODEL_PATH, doubted_tail, dump_features, score_dump_blocks, tail_removals
from tests.test_dumps import ARTICLE, whole_page

THREAD = [
    "3 comments",
    "Hi Anna,",
    "@harbourwatch March 3, 2025 at 12:45 pm",
    "Lovely to see the old breakwater fixed at last, my grandfather worked on it.",
    "Reply",
]
ON = Options(site_rules=False, keep_threshold=0.25)  # bench/train_dumps_report.txt's chosen threshold
TEASERS = ["Ferry Fares To Rise In Spring", "Lighthouse Keeper Named For Island", "New Fish Market Plans Revealed"]


def features(lines: list[str]) -> list[dict[str, float]]:
    return dump_features(split_blocks("\n".join(lines)), generic_phrase_rules())


@pytest.mark.parametrize(
    ("feature", "fires", "near_miss"),
    [
        ("handle", "@harbourwatch replied", "write to press@harbour.example"),
        ("clock", "March 3, 2025 at 12:45 pm", "Chapter 12 of the report"),
        ("digit_date", "Posted 03/03/2025", "Gates 3 to 5 are closed"),
        ("domain", "More at harbourtimes.com", "The board met in the harbour hall"),
        ("salutation", "Hi Anna,", "The board, meeting on Monday, agreed the plan in full."),
        ("year", "Updated 2025", "Room 2501 is closed"),
        ("question", "What do you think?", "The board asked what residents think."),
        ("lowercase_start", "and more from the coast", "And the board agreed."),
        ("headline", "Ferry Fares To Rise In Spring", "Ferry fares will rise in the spring"),
    ],
)
def test_each_dump_feature_fires_on_its_shape_and_not_on_a_near_miss(feature: str, fires: str, near_miss: str) -> None:
    assert features([fires])[0][feature] == 1.0
    assert features([near_miss])[0][feature] == 0.0


def test_position_features_count_lines_to_the_nearest_prose_and_what_came_before() -> None:
    rows = features([*ARTICLE[:3], "Related:", *TEASERS, *THREAD])
    related = 3
    assert rows[2]["prose_back"] == 0 and rows[related]["prose_back"] > 0  # prose line / first line after the prose
    assert rows[related + 1]["previous_colon"] == 1.0 and rows[related + 2]["previous_colon"] == 0.0
    assert rows[related + 1]["headline_run"] == 1.0 and rows[0]["headline_run"] == 0.0
    assert rows[related + 1]["after_phrase"] == 1.0 and rows[related]["after_phrase"] == 0.0  # "Related:" matched
    stamp = len(ARTICLE[:3]) + 1 + len(TEASERS) + 2
    assert rows[stamp]["after_salutation"] == 1.0 and rows[stamp - 1]["after_salutation"] == 0.0
    assert rows[stamp + 1]["after_stamp"] == 1.0 and rows[stamp]["after_stamp"] == 0.0


def test_terms_shared_with_the_rest_of_the_dump_and_with_its_lead() -> None:
    """A paragraph of the article shares its vocabulary; a teaser or a bio after it mostly does not."""
    rows = features([*ARTICLE[:3], "Breakwater repair will close the western berths for the winter.", *TEASERS])
    assert rows[0]["lead_terms"] == 1.0 and rows[3]["lead_terms"] > 0.3 and rows[3]["shared_terms"] > 0.3
    assert rows[4]["lead_terms"] == 0.0 and rows[4]["shared_terms"] == 0.0  # "Ferry Fares To Rise In Spring"
    unspaced = features(["港の防波堤の修復工事が来月から始まる。", "防波堤の工事は冬の前に終わる予定です。"])
    assert unspaced[1]["shared_terms"] > 0


def test_phrase_rules_are_features_of_short_lines_only() -> None:
    """Searching every paragraph with every generic rule was most of the dump scorer's time."""
    short = "Follow the Harbour Times on Facebook, Twitter and Instagram."
    long = short[:-1] + " for the latest news from the coast and the islands."
    assert features([short])[0]["rule:follow-us"] == 1.0
    assert len(long) > 80 and features([long])[0]["rule:follow-us"] == 0.0


def test_the_scorer_removes_only_after_the_last_line_it_takes_for_the_article() -> None:
    lines = split_blocks("\n".join([ARTICLE[0], "Harbour Works", ARTICLE[1], "Reply"]))
    removed = tail_removals(lines, [0.9, 0.1, 0.9, 0.1], 0.3)
    assert removed == [False, False, False, True]  # the doubted subheading inside the article stays
    assert tail_removals(lines, [0.4, 0.1, 0.4, 0.1], 0.3) == [False] * 4  # no line sure enough: nothing goes


def test_sentences_right_after_the_articles_last_sure_line_stay() -> None:
    """The article's own last sentences, doubted (a short one mentioning comments); near miss: the same sentence
    after a name line, as a comment comes, goes."""
    last = "Die Kommentare der Bürger werden bis Freitag gesammelt."
    lines = split_blocks("\n".join([ARTICLE[0], ARTICLE[1], last]))
    assert tail_removals(lines, [0.9, 0.1, 0.1], 0.3) == [False, False, False]
    lines = split_blocks("\n".join([ARTICLE[0], "Anna Berger", last]))
    assert tail_removals(lines, [0.9, 0.1, 0.1], 0.3) == [False, True, True]


def test_scoring_only_the_tail_removes_what_scoring_every_line_would() -> None:
    """Cleaning scores a dump's lines from its end back to the last anchor only (about a tenth of them)."""
    scorer = load_scorer("text", MODEL_PATH)
    for lines in ([*ARTICLE, "Related:", *TEASERS, *THREAD], [*ARTICLE, *THREAD[1:]], TEASERS, [*THREAD, *ARTICLE]):
        blocks = split_blocks("\n".join(lines))
        every = [scorer.probability(row) for row in features(lines)]
        for threshold in (0.2, 0.5, 0.9):
            lazy = doubted_tail(blocks, scorer, threshold)
            assert sorted(lazy) == [i for i, out in enumerate(tail_removals(blocks, every, threshold)) if out]
            assert all(lazy[i] == features(lines)[i] for i in lazy)


def test_the_shipped_dump_model_is_on_and_removes_a_comment_under_no_heading() -> None:
    scorer = load_scorer("text", MODEL_PATH)
    assert scorer.threshold == 0.25  # bench/train_dumps_report.txt's chosen threshold
    blocks = split_blocks("\n".join([*ARTICLE, *TEASERS, *THREAD]))
    scores = score_dump_blocks(blocks)
    assert min(scores[: len(ARTICLE)]) > max(scores[len(ARTICLE) + len(TEASERS) :][:3])
    dump = "\n".join([*ARTICLE, *THREAD[1:]])
    result = clean_text(dump, site_rules=False)
    assert THREAD[3] in [r.text for r in result.removed if r.rule == "scorer"]  # the comment itself
    assert result.text.splitlines() == ARTICLE
    assert clean_text(dump, options=Options(site_rules=False, keep_threshold=0)).text.strip() == dump  # 0: off


def test_a_whole_page_dump_the_frame_cut_is_not_scored() -> None:
    """The dump model learnt the tails of extracts; on whole pages (bench/dumps.py's style B) it cost recall and
    half the cleaning time. Near miss: the same lines as an extract lose the comment (the test above)."""
    page = whole_page([*ARTICLE, *THREAD[1:]])
    result = clean_text(page, site_rules=False)
    assert any(r.rule == "dump-frame:before-article" for r in result.removed)
    assert not any(r.rule == "scorer" for r in result.removed)
    assert THREAD[3] in result.text.splitlines()


def test_the_same_comment_inside_the_article_stays() -> None:
    """Near miss: the scorer doubts the line, but article lines stand after it."""
    text = "\n".join([*ARTICLE[:4], THREAD[3], *ARTICLE[4:]])
    assert clean_text(text, options=ON).text.strip() == text


def test_a_line_a_text_rule_matches_keeps_the_rules_name_with_the_scorer_on() -> None:
    result = clean_text("\n".join([*ARTICLE, "Related:", *TEASERS]), options=ON)
    assert {r.rule for r in result.removed} == {"default:related-list"}


def test_a_keep_threshold_on_a_dump_removes_lines_with_reasons_and_keeps_the_article() -> None:
    dump = "\n".join([*ARTICLE, "Related:", *TEASERS, *THREAD])
    result = clean_text(dump, options=Options(site_rules=False, keep_threshold=0.5))
    scored = [r for r in result.removed if r.rule == "scorer"]
    assert scored and all(r.stage == "scorer" and r.reasons for r in scored)
    assert all(line in result.text.splitlines() for line in ARTICLE)
    assert clean_text(dump, options=Options(site_rules=False, keep_threshold=0.5)) == result  # deterministic


@pytest.mark.parametrize(
    "dump",
    [
        " ".join([*ARTICLE, *TEASERS, *THREAD]) * 200,  # one line of 200 KB
        ARTICLE[0] + "x" * 200_000,  # ... without a space: a pattern that backtracks would take minutes
        ARTICLE[0] + "a@" * 100_000,
        "\r\n".join([*ARTICLE, *THREAD]),
        "\n".join([ARTICLE[0], *(f"- item {n}" for n in range(3000))]),  # mostly a list
        "\n".join([*ARTICLE, "Reply\x07\x1b", "\x00\x0b@x", *THREAD]),
        "\n".join(["港の防波堤の修復工事が来月から始まる。", "Работы начнутся в апреле.", *ARTICLE, *THREAD]),
    ],
    ids=["one-200kb-line", "no-space", "at-signs", "crlf", "mostly-a-list", "control-characters", "mixed-scripts"],
)
def test_bad_input_goes_through_the_dump_scorer_without_a_crash_in_linear_time(dump: str) -> None:
    """Every feature pattern is tried at every place of a line: one that backtracks takes minutes on 200 KB (the
    bound is far above the second these take, as in test_dumps' own 200 KB case)."""
    start = time.perf_counter()
    result = clean_text(dump, options=Options(site_rules=False, keep_threshold=0.3))
    assert time.perf_counter() - start < 10
    assert result.text or result.reason
    assert ARTICLE[0].split()[0] in result.text or "item" in result.text or "港" in result.text
