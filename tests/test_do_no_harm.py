"""Do no harm: what a reader counts as the article survives the generic rules, on pages written like real
news pages (a summary under the headline, subheadings, a dateline, quotes, a section named like a comment
thread, teaser lists beside the article)."""

from __future__ import annotations

import pytest

from cleaner import clean_html

PARAGRAPHS = [
    "The city council approved the harbour budget on Tuesday night after a debate that lasted until dawn.",
    "Councillors from three parties voted for the plan, which sets aside money for new quay walls and a ferry.",
    "Engineers had warned in spring that the northern wall could fail within five years without repairs.",
    "The opposition said the costs were understated and asked for an independent review of the figures.",
    "Work on the first section is due to begin in the autumn and should be finished within two years.",
]


def news_page(article: str, *, title: str = "Harbour budget approved", aside: str = "") -> str:
    return (
        "<!doctype html><html lang='en'><head>"
        f"<title>{title} | The Harbour Times</title><meta property='og:title' content='{title}'>"
        "<meta name='description' content='An all-night debate ends with a narrow vote for new quay walls.'>"
        "</head><body><header><nav><a href='/'>Home</a><a href='/news'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1>{article}</article>{aside}</main>"
        "<footer><p>© 2026 The Harbour Times</p></footer></body></html>"
    )


def body(*extra: str) -> str:
    return (
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + "".join(extra) + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    )


def assert_article_kept(text: str) -> None:
    for paragraph in PARAGRAPHS:
        assert paragraph in text


def test_the_summary_under_the_headline_is_kept() -> None:
    summary = "An all-night debate ends with a narrow vote for new quay walls."
    html = news_page(f"<p class='article-standfirst'>{summary}</p>{body()}")
    result = clean_html(html, site_rules=False)
    assert summary in result.text
    assert_article_kept(result.text)


def test_subheadings_are_kept_whatever_their_classes() -> None:
    html = news_page(
        body(
            "<h2 class='subtitle'>Money for the northern wall</h2>",
            "<h3 class='sub-headline'>What the opposition wants</h3>",
        )
    )
    result = clean_html(html, site_rules=False)
    assert "Money for the northern wall" in result.text
    assert "What the opposition wants" in result.text
    assert_article_kept(result.text)


def test_teaser_summaries_beside_the_article_are_removed_but_its_own_summary_is_not() -> None:
    summary = "An all-night debate ends with a narrow vote for new quay walls."
    teasers = "".join(
        f"<li><h3><a href='/news/{n}'>{headline}</a></h3><p class='dek'>{deck}</p></li>"
        for n, (headline, deck) in enumerate(
            [
                ("Ferry fares to rise in spring", "The operator blames fuel prices for the increase"),
                ("New lighthouse keeper named", "A retired captain takes over the old tower"),
            ]
        )
    )
    html = news_page(f"<p class='dek'>{summary}</p>{body()}", aside=f"<section><ul>{teasers}</ul></section>")
    result = clean_html(html, site_rules=False)
    assert summary in result.text
    assert "The operator blames fuel prices" not in result.text
    assert_article_kept(result.text)


def test_a_dateline_opening_the_first_paragraph_is_kept() -> None:
    dateline = "HAMBURG, March 4 (Harbour Times) - " + PARAGRAPHS[0]
    html = news_page("".join(f"<p>{p}</p>" for p in [dateline, *PARAGRAPHS[1:]]))
    result = clean_html(html, site_rules=False)
    assert dateline in result.text


@pytest.mark.parametrize(
    ("inserted", "kept"),
    [
        (
            "<blockquote><p>“We cannot wait another winter,” the harbour master told councillors.</p></blockquote>",
            "“We cannot wait another winter,” the harbour master told councillors.",
        ),
        (  # a section named like a comment thread, inside the article
            "<h2>Commentary</h2><p>The vote shows how far the council has moved since the 2019 plan failed.</p>",
            "The vote shows how far the council has moved since the 2019 plan failed.",
        ),
    ],
    ids=["quote", "commentary-section"],
)
def test_quotes_and_sections_inside_the_article_are_kept(inserted: str, kept: str) -> None:
    result = clean_html(news_page(body(inserted)), site_rules=False)
    assert kept in result.text
    assert_article_kept(result.text)


def test_a_first_paragraph_that_repeats_the_title_is_kept() -> None:
    sentence = "Harbour budget approved after an all-night debate in the city council."
    html = news_page("".join(f"<p>{p}</p>" for p in [sentence, *PARAGRAPHS]), title=sentence)
    result = clean_html(html, site_rules=False)
    assert result.text.count(sentence) == 1
    assert_article_kept(result.text)


def test_an_intro_that_mentions_following_us_is_kept() -> None:
    intro = (
        "Follow us through the night as the council debates the harbour budget: our reporters are in the "
        "chamber and will explain every amendment, every vote and what it means for the quay walls."
    )
    html = news_page("".join(f"<p>{p}</p>" for p in [intro, *PARAGRAPHS]))
    result = clean_html(html, site_rules=False)
    assert intro in result.text


def test_a_review_sentence_that_mentions_an_ad_blocker_is_kept() -> None:
    review = (
        "The browser ships with an ad blocker switched on, which speeds up news sites noticeably, and its "
        "battery use was the lowest of the five browsers we tested over two weeks of daily use."
    )
    html = news_page(body(f"<p>{review}</p>"))
    result = clean_html(html, site_rules=False)
    assert review in result.text


def test_an_article_whose_container_is_marked_paywall_is_kept() -> None:
    html = news_page(f"<div class='article-body paywall-article'>{body()}</div>")
    result = clean_html(html, site_rules=False)
    assert_article_kept(result.text)


def test_a_subheading_that_repeats_the_end_of_the_title_is_kept() -> None:
    title = "Harbour budget approved: new quay walls, a ferry and more – what happens next"
    html = news_page(body("<h2>What happens next</h2>"), title=title).replace(f"<h1>{title}</h1>", "")
    result = clean_html(html, site_rules=False)
    assert "What happens next" in result.text
    assert_article_kept(result.text)


def test_the_times_heading_the_updates_of_a_live_report_are_kept() -> None:
    updates = "".join(
        f"<p><strong>{time}</strong></p><p>{p}</p>"
        for time, p in zip(("10 p.m.", "9:30 p.m."), PARAGRAPHS, strict=False)
    )
    html = news_page(f"<p>The latest on the harbour budget vote (all times local):</p>{updates}")
    result = clean_html(html, site_rules=False)
    assert "\n10 p.m.\n" in result.text
    assert "\n9:30 p.m.\n" in result.text
