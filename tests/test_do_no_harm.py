"""Do no harm: what a reader counts as the article survives the generic rules, on pages written like real
news pages (a summary under the headline, subheadings, a dateline, quotes, a section named like a comment
thread, teaser lists beside the article)."""

from __future__ import annotations

import pytest

from cleaner import Options, clean_html

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


# trafilatura's mode, chosen per page ("auto"): fast, then its fallback extractors where fast's text looks wrong

TOWN_MENU = ["The town", "Councils", "Departments", "Services", "Citizens", "Companies", "Tourism", "Health"]
BREAK_IN = [
    "Two ambulances of the home care service were broken into on Tuesday night in the yard of the health centre.",
    "The thieves smashed the side windows and took a defibrillator, two oxygen bottles and a bag of medicines.",
    "The town's health department said the service would run with one vehicle until the windows are repaired.",
    "Police are looking at the footage of a camera at the entrance and ask witnesses to call the station.",
]


def town_hall_page() -> str:
    """A town hall's news page (class names in Portuguese, as on the Brazilian page this case comes from): a
    menu of a hundred links in plain <div>s (no <nav>), then the news item, its sentences set apart by <br>
    rather than in paragraphs."""
    menu = "".join(
        f"<li><a href='/s/{i}'>{section}</a><ul>"
        + "".join(f"<li><a href='/s/{i}/{j}'>{section} office {j}</a></li>" for j in range(14))
        + "</ul></li>"
        for i, section in enumerate(TOWN_MENU)
    )
    return (
        "<!doctype html><html lang='en'><head><title>Ambulances broken into | Town Hall</title></head><body>"
        f"<div class='topo'><div id='menu-principal'><ul class='menu'>{menu}</ul></div></div>"
        "<div class='conteudo'><div class='noticia'><h1>Ambulances broken into</h1>"
        f"<div class='texto'>{'<br>'.join(BREAK_IN)}</div></div></div>"
        "<div class='rodape'>Town Hall, Main Square 1</div></body></html>"
    )


def test_a_menu_that_fast_takes_for_the_article_is_left_out() -> None:
    html = town_hall_page()
    fast_alone = clean_html(html, options=Options(site_rules=False, extraction="fast"))
    assert fast_alone.text.count("office") > 100
    result = clean_html(html, site_rules=False)
    assert "office" not in result.text
    for sentence in BREAK_IN:
        assert sentence in result.text


def test_an_article_made_mostly_of_a_list_keeps_the_list() -> None:
    """Near miss: most of the text is short lines, as in a menu, but they are the article's."""
    bands = [f"{name} ({day})" for day in ("Friday", "Saturday") for name in ("Low Tide", "Gull Song", "Fog Horn")]
    bands += [f"The {name} Band (Sunday)" for name in ("Harbour", "Ferry", "Quay", "Pier", "Anchor", "Deckhand")]
    intro = "The festival published its line-up on Friday: twelve bands will play on two stages in June."
    outro = "Tickets go on sale on Monday at the tourist office and online; children under twelve get in for free."
    items = "".join(f"<li>{band}</li>" for band in bands)
    html = news_page(f"<p>{intro}</p><ul>{items}</ul><p>{outro}</p>", title="Festival line-up")
    result = clean_html(html, site_rules=False)
    for line in (intro, *bands, outro):
        assert line in result.text


FERRY = [
    "The ferry between the two islands will run every hour from May, the operator said on Monday morning.",
    "Until now boats left every two hours, and passengers often waited on the quay in the rain and the wind.",
    "A second vessel, bought second-hand from a Norwegian company, makes the new timetable possible this year.",
]


def blog_post_with_cards() -> str:
    """A short post, then a 'you may also like' list whose cards are <article>s inside another <article>
    (a common blog theme), each with a long excerpt: together far more text than the post."""
    cards = "".join(
        f"<article class='post type-post'><h2><a href='/p/{n}'>The harbour master retires after {n + 20} years</a>"
        f"</h2><p>Excerpt {n}: "
        + "A long report about the coastal towns, their markets, their schools and the keepers of the lighthouses. " * 3
        + "</p></article>"
        for n in range(6)
    )
    return (
        "<!doctype html><html lang='en'><head><title>Hourly ferry from May | Island Post</title></head><body>"
        "<header><nav><a href='/'>Home</a></nav></header><div class='content'>"
        "<article class='post type-post'><h1>Hourly ferry from May</h1>"
        + "".join(f"<p>{p}</p>" for p in FERRY)
        + f"</article><article class='post type-post'>{cards}</article></div>"
        "<footer><p>© 2026 Island Post</p></footer></body></html>"
    )


def test_a_short_post_before_nested_article_cards_is_kept_whole() -> None:
    result = clean_html(blog_post_with_cards(), site_rules=False)
    for paragraph in FERRY:
        assert paragraph in result.text


def test_nested_article_cards_do_not_make_the_fallbacks_add_other_posts() -> None:
    """Near miss: the cards' text dwarfs the post's, which would look like fast having found only a fragment;
    the fallbacks would then take the cards in. Paragraphs of an <article> inside another do not count."""
    html = blog_post_with_cards()
    fallbacks = clean_html(html, options=Options(site_rules=False, extraction="full"))
    assert "Excerpt 0" in fallbacks.text
    result = clean_html(html, site_rules=False)
    assert not any(f"Excerpt {n}" in result.text for n in range(6))


def test_two_posts_quoted_from_one_account_keep_their_attribution_lines() -> None:
    tweets = [
        "The harbour committee meets at 9 a.m. to vote on the quay walls. #HarbourBudget",
        "The council adjourns until next week after the vote on the harbour budget. #HarbourBudget",
    ]
    attribution = "— City Council (@CityCouncil) March 4, 2026"
    quoted = "".join(
        f"<p>{paragraph}</p><blockquote class='twitter-tweet'><p lang='en'>{tweet}</p>"
        f"&mdash; City Council (@CityCouncil) <a href='https://twitter.com/x/status/{n}'>March 4, 2026</a></blockquote>"
        for n, (paragraph, tweet) in enumerate(zip(PARAGRAPHS, tweets, strict=False))
    )
    html = news_page(quoted + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:]))
    result = clean_html(html, site_rules=False)
    assert result.text.count(attribution) == 2
    assert_article_kept(result.text)


def test_a_list_with_a_link_under_each_item_keeps_its_last_links() -> None:
    """A link alone on a line at the end is a trailer ('Source: https://...'), but not when every item of a
    list has one: the last items' links are the article's as much as the first ones'."""
    games = ["Harbour Pilot board game", "Lighthouse puzzle, 1000 pieces", "Ferry Race card game", "Knot Tying kit"]
    games += ["Tide Tables quiz", "Seagull memory game", "Quay Walls building blocks", "Fishing Fleet dice game"]
    items = "".join(f"<p>{n}) {game}<br>https://shop.example/p/{n}</p>" for n, game in enumerate(games, start=1))
    html = news_page(f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>{items}", title="Games for a rainy harbour day")
    result = clean_html(html, site_rules=False)
    for n in range(1, len(games) + 1):
        assert f"https://shop.example/p/{n}" in result.text
    trailer = news_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>Source: https://council.example/budget</p>")
    assert "https://council.example/budget" not in clean_html(trailer, site_rules=False).text


PROXY = [
    "The head of the agency announced the prices at a meeting in the capital on Monday, before the holiday season.",
    "He said the money would reach families in need in every province and in eighty-four countries abroad.",
    "Donations can be made at post offices, at the agency's branches and through the banks it works with.",
    "Last year more than four hundred thousand people gave through the scheme, a record since it began.",
]
PROXY_SUBHEADINGS = ["Prices for home and abroad", "How to give"]
LIVE_BAR = ["Live: parliament's children's session", "Shipping in the strait followed live by tracking system"]


def utility_class_page() -> str:
    """A news agency's page styled with utility classes only (no 'article' or 'content' in a class name): a
    live bar whose popover lists headlines in <p>s, then the headline, the summary and the body."""
    popover = "".join(
        f"<a class='block p-3 bg-white' href='/live/{n}'><p class='font-semibold text-sm'>{headline}</p></a>"
        for n, headline in enumerate(LIVE_BAR)
    )
    body = (
        f"<p>{PROXY[0]}</p><p>{PROXY[1]}</p><h2>{PROXY_SUBHEADINGS[0]}</h2><p>{PROXY[2]}</p>"
        f"<h2>{PROXY_SUBHEADINGS[1]}</h2><p>{PROXY[3]}</p>"
    )
    return (
        "<!doctype html><html lang='en'><head><title>Proxy donation prices set</title></head><body>"
        "<div class='container flex items-center py-2'><div class='relative inline-block'>"
        f"<div class='anchor-popover rounded-lg shadow-xl'>{popover}</div></div></div>"
        "<section><h1 class='text-[32px]'>Proxy donation prices set</h1><div class='flex flex-col'>"
        "<span class='lora text-[18px] text-descriptionColor'>Prices are 18,000 lira at home, 7,000 abroad.</span>"
        "</div><div class='items-start p-5'>"
        f"<div class='embed-responsive prose max-w-none space-y-4'>{body}</div></div></section></body></html>"
    )


def test_subheadings_are_kept_where_fast_falls_back_to_every_paragraph_of_the_page() -> None:
    """fast's main extractor finds almost nothing here, and trafilatura's last resort is every <p> of the page:
    the live bar's headlines in, the subheadings out. auto recognises that text and runs the fallbacks."""
    html = utility_class_page()
    fast_alone = clean_html(html, options=Options(site_rules=False, extraction="fast")).text
    assert LIVE_BAR[0] in fast_alone
    assert PROXY_SUBHEADINGS[0] not in fast_alone
    result = clean_html(html, site_rules=False)
    for line in (*PROXY, *PROXY_SUBHEADINGS):
        assert line in result.text
    assert not any(headline in result.text for headline in LIVE_BAR)
