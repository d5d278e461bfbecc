"""Text dumps: a whole page's text framed to its article, platform packs found from a dump's text, bad input.

Dumps are built as users hold them: the text of a whole page (menus, the article, related headlines and a
footer, one item a line, as ``inscriptis`` or a crawl's WET text gives it), or an extractor's output.
"""

from __future__ import annotations

import time
from pathlib import Path

from cleaner import clean_bytes, clean_text
from tests.conftest import SAMPLES, run_cli

ARTICLE = [
    "The harbour board agreed on Monday to rebuild the western breakwater before the winter storms arrive.",
    "Engineers found that the mortar between the granite blocks had washed out along a stretch of forty metres.",
    "The work will cost about two million euros, most of it paid from the port's own reserves, the board said.",
    "Fishing boats will move to the east pontoons while the western berths are closed to all traffic.",
    "Owners of small boats have been offered free places in the marina until the end of the year.",
    "Some residents worry about the noise, and asked that piling be limited to weekday mornings only.",
    "A public meeting in the harbour hall is planned for the first week of next month, the chair added.",
    "The board will publish the contractor's timetable on its website once the tender has closed.",
]
MENU = ["Home", "News", "Local", "Sport", "Business", "Culture", "Opinion", "Weather", "Jobs", "Contact"]
SECTIONS = ["* Harbour", "* Council", "* Schools", "* Roads", "* Courts", "* Health", "* Police", "* Letters"]
RELATED = [
    "Related stories",
    "* Ferry timetable changes from Monday",
    "* Lighthouse open to visitors again",
    "* New fish market plans go on show",
    "* Council to review parking charges",
    "* Storm damage along the coast in pictures",
]
FOOTER = ["About us", "Advertise", "Privacy", "Cookies", "Terms of use", "Newsletter", "© 2025 Harbour Times"]


def whole_page(article: list[str]) -> str:
    return "\n".join([*MENU, *SECTIONS, "Harbour board agrees breakwater repair", *article, *RELATED, *FOOTER]) + "\n"


def test_a_whole_page_dump_keeps_its_article_and_loses_menus_related_headlines_and_footer() -> None:
    result = clean_text(whole_page(ARTICLE), site_rules=False)
    assert result.text.splitlines() == ARTICLE
    rules = {r.rule for r in result.removed}
    assert {"dump-frame:before-article", "dump-frame:after-article"} <= rules
    assert any(r.rule == "dump-frame:before-article" and r.text == "* Council" for r in result.removed)
    assert any(r.rule == "dump-frame:after-article" and r.text == "Privacy" for r in result.removed)


def test_subheadings_a_short_list_and_an_inline_widget_inside_the_article_stay() -> None:
    inside = [
        *ARTICLE[:3],
        "What changes for boat owners",
        "* Berths 1 to 12 close in April",
        "* The slipway stays open",
        *ARTICLE[3:6],
        "Advertisement",
        "Sponsored",
        *ARTICLE[6:],
    ]
    result = clean_text(whole_page(inside), site_rules=False)
    kept = result.text.splitlines()
    for line in [*ARTICLE, "What changes for boat owners", "* Berths 1 to 12 close in April"]:
        assert line in kept
    assert not any(r.rule.startswith("dump-frame:") and r.text in inside for r in result.removed)


def test_an_extractors_dump_is_not_framed() -> None:
    """Near miss: the seeds are extracts (mostly paragraphs): no line of them is taken as page furniture."""
    for seed in sorted((SAMPLES / "seeds").glob("*.txt")):
        if seed.name.endswith(".expected.txt"):
            continue
        result = clean_text(seed.read_text(encoding="utf-8"), site_rules=False)
        assert not [r for r in result.removed if r.rule.startswith("dump-frame:")], seed.name


def test_a_short_page_dump_is_not_framed() -> None:
    """Near miss: under thirty lines a dump is an extract with a few labels, not a page."""
    result = clean_text("\n".join([*MENU[:4], *ARTICLE, *FOOTER[:3]]) + "\n", site_rules=False)
    assert not [r for r in result.removed if r.rule.startswith("dump-frame:")]


def test_a_dump_that_is_mostly_a_list_keeps_its_list() -> None:
    """Bad input: a page of short lines and no sentence is kept as it is: nothing to tell the article by."""
    items = [f"* Tide table for day {day}" for day in range(1, 200)]
    result = clean_text("\n".join(items) + "\n", site_rules=False)
    assert result.text.splitlines() == items


def test_a_wordpress_dump_gets_the_wordpress_pack_from_its_text() -> None:
    result = clean_text((SAMPLES / "text" / "wordpress-page.txt").read_text(encoding="utf-8"))
    assert "wordpress" in result.rules
    assert any(r.rule == "wordpress:jetpack-labels" and r.text == "Like Loading..." for r in result.removed)
    for junk in ("Share this:", "Like this:", "Like Loading", "Harbour Times\n", "Powered by WordPress"):
        assert junk not in result.text
    assert "The council will vote on the plan in May." in result.text


def test_a_dump_that_only_mentions_wordpress_phrases_gets_no_platform_pack() -> None:
    """Near miss: 'Like this:' and 'Share this:' inside sentences are no fingerprint, and stay."""
    text = "\n".join(
        [
            *ARTICLE[:4],
            "The chair put it like this: the wall has to be rebuilt before the storms, whatever it costs.",
            "Share this: that was the message the board gave residents, who will pay for part of it.",
            *ARTICLE[4:],
        ]
    )
    result = clean_text(text)
    assert result.rules == ("default",)
    assert result.text.strip() == text


def test_a_blogger_dump_is_recognised_by_its_feed_link_and_loses_its_labels() -> None:
    text = "\n".join(
        [*ARTICLE, "Labels: harbour, storms", "Newer Post", "Older Post", "Home", "Subscribe to: Post Comments (Atom)"]
    )
    result = clean_text(text)
    assert "blogger" in result.rules
    assert any(r.rule == "default:tag-line" and r.text == "Labels: harbour, storms" for r in result.removed)


def test_a_labels_sentence_in_a_blogger_dump_stays() -> None:
    """Near miss: a line that starts with 'Labels:' but is a sentence stays, whatever the platform."""
    line = "Labels: none were put on the boxes of old photographs, the archivist said."
    result = clean_text("\n".join([*ARTICLE, line, "Subscribe to: Post Comments (Atom)"]))
    assert "blogger" in result.rules
    assert line in result.text.splitlines()


def test_one_line_of_200_kb_is_cleaned_in_linear_time() -> None:
    """Bad input: no line breaks at all. Every pattern is tried at every place of the line, so a rule that
    backtracks would take minutes here; the frame reads the line once."""
    line = " ".join([*ARTICLE, "Read more: Ferry timetable changes."]) * 250
    assert len(line) > 200_000
    start = time.perf_counter()
    result = clean_text(line, site_rules=False)
    assert time.perf_counter() - start < 10
    assert result.text.startswith(ARTICLE[0])


def test_windows_line_endings_clean_as_unix_ones() -> None:
    page = whole_page(ARTICLE)
    assert clean_text(page.replace("\n", "\r\n"), site_rules=False).text == clean_text(page, site_rules=False).text
    assert clean_bytes(page.replace("\n", "\r\n").encode(), source="<crlf>").text.splitlines() == ARTICLE


def test_control_characters_and_mixed_scripts_do_not_break_a_dump() -> None:
    article = [
        "港の防波堤の修復工事が来月から始まると港湾局が月曜日に発表した。費用は約二百万ユーロとなる見込みだ。",
        "Работы начнутся в апреле, сообщил в понедельник представитель портового управления города.",
        "وقال المجلس إن أعمال الترميم ستبدأ في أبريل وتستمر حتى نهاية العام المقبل في الميناء القديم.",
        "The board said the work\x07 would start in April\x1b and last until the end of next year, weather permitting.",
    ]
    result = clean_text(whole_page(article * 2), site_rules=False)
    for line in article:
        assert line.replace("\x07", "").replace("\x1b", "") in result.text  # control characters are taken out
    assert "* Council" not in result.text


def test_trim_rules_in_another_language() -> None:
    """The trim rules take their lead-ins from the phrase files: German here."""
    line = "Der Hafen bleibt bis April gesperrt, sagte der Sprecher. Lesen Sie auch: Neue Fähre ab Montag"
    result = clean_text("\n".join([*ARTICLE, line, *ARTICLE]), site_rules=False)
    assert "Der Hafen bleibt bis April gesperrt, sagte der Sprecher." in result.text.splitlines()
    assert [r.text for r in result.removed if r.rule == "default:read-more-tail"] == [
        "Lesen Sie auch: Neue Fähre ab Montag"
    ]


def test_explain_shows_the_frame_and_a_trimmed_line_end(tmp_path: Path) -> None:
    line = "The board met on Monday, the chair said. Read more: Ferry timetable changes from Monday"
    dump = tmp_path / "page.txt"
    dump.write_text(whole_page([*ARTICLE[:4], line, *ARTICLE[4:]]), encoding="utf-8")
    result = run_cli("explain", dump, "--no-site-rules")
    assert result.returncode == 0, result.stderr_text
    out = result.stdout_text
    assert "- dump-frame:before-article\n    Home\n" in out
    assert "    The board met on Monday, the chair said.\n- default:read-more-tail" in out
    assert "    Read more: Ferry timetable changes from Monday\n" in out
