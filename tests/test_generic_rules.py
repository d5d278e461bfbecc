"""Every generic rule: a real-world-like case it removes, and a near miss it keeps.

Cases are text dumps (or HTML for the HTML rules) built around a neutral article, with the boilerplate
where it really stands. A rule in default.toml without a case here fails ``test_every_rule_has_a_case``.
"""

from __future__ import annotations

import time

import pytest

from cleaner import clean_html, clean_text
from cleaner.rules import load_catalog

BODY = [
    "The city council approved the new budget on Tuesday after a debate that lasted most of the night.",
    "Spending on roads rises by a tenth, while the library service keeps the money it had last year.",
    "The mayor said the plan would be reviewed in the spring, once the tax receipts for the winter are known.",
    "Opposition members voted against it, arguing that the savings promised for next year were not credible.",
    "A final reading is scheduled for next month, when the budget must also be approved by the region.",
    "Teachers' unions welcomed the decision to freeze fees for school meals until the following autumn.",
    "The transport committee will publish a list of the roads to be resurfaced before the summer holidays.",
    "Business groups asked for the parking charges in the centre to be reviewed before the end of the year.",
    "Two councillors abstained, saying they had not been given enough time to read the final documents.",
    "The budget runs to four hundred pages and was published on the council's website on Wednesday evening.",
]


BODY += [
    f"The report lists district {n}, where spending on parks changes by {n} percent next year." for n in range(2, 16)
]


def article(head: list[str] = (), tail: list[str] = (), middle: list[str] = ()) -> str:
    """The body with boilerplate at its head, its tail, or in the middle (twelve blocks from either end)."""
    return "\n\n".join([*head, *BODY[:12], *middle, *BODY[12:], *tail]) + "\n"


# rule name -> (document with boilerplate, the boilerplate block, near miss that must be kept whole)
TEXT_CASES: dict[str, tuple[str, str, str]] = {
    "separator-line": (article(tail=["* * *"]), "* * *", article(middle=["Section two: the * * * rating"])),
    "share-counter": (article(head=["Budget approved", "0", "37"]), "37", article(middle=["37"])),
    "share-widget": (
        article(tail=["Share", "Facebook", "WhatsApp"]),
        "WhatsApp",
        article(middle=["Facebook"]),
    ),
    "photo-credit": (
        article(middle=["Councillors during the vote on Tuesday. Photo: Jane Doe/City Press"]),
        "Councillors during the vote on Tuesday. Photo: Jane Doe/City Press",
        article(
            middle=["A photo by the council's press office shows the chamber packed with residents late at night."]
        ),
    ),
    "media-label": (
        article(middle=["Screenshot"]),
        "Screenshot",
        article(middle=["The screenshot was shared widely."]),
    ),
    "read-more-lead-in": (
        article(middle=["READ MORE: Council tax to rise for third year"]),
        "READ MORE: Council tax to rise for third year",
        article(middle=["Read more about the plan in the documents the council published, he told reporters."]),
    ),
    "appeal": (
        article(
            tail=["Independent journalism costs money. Support us with a monthly donation: become a member today."]
        ),
        "Independent journalism costs money. Support us with a monthly donation: become a member today.",
        article(middle=["Residents were asked to support our neighbourhood clean-up, the organisers said."]),
    ),
    "newsletter": (
        article(tail=["Get the day's top headlines delivered to your inbox every morning."]),
        "Get the day's top headlines delivered to your inbox every morning.",
        article(middle=["The council sends a newsletter to residents twice a year."]),
    ),
    "follow-us": (
        article(tail=["Follow us on Twitter and Facebook for the latest news."]),
        "Follow us on Twitter and Facebook for the latest news.",
        article(middle=["Protesters were told to follow us to the town hall, one organiser said."]),
    ),
    "comment-prompt": (
        article(tail=["What do you think? Let us know in the comments below."]),
        "What do you think? Let us know in the comments below.",
        article(middle=["What do you think? the mayor asked the room before the vote."]),
    ),
    "credit-line": (
        article(tail=["(Reporting by Jane Doe; Editing by John Smith)"]),
        "(Reporting by Jane Doe; Editing by John Smith)",
        article(middle=["Reporting by local newspapers first revealed the shortfall in the road budget."]),
    ),
    "copyright-footer": (
        article(tail=["© 2025 City Press. All rights reserved."]),
        "© 2025 City Press. All rights reserved.",
        article(middle=["Copyright law was not part of the debate, the clerk noted."]),
    ),
    "advertising-label": (
        article(middle=["Advertisement"]),
        "Advertisement",
        article(middle=["The advertisement ran for a week."]),
    ),
    "affiliate-disclosure": (
        article(tail=["We may earn a commission if you buy something through links on this page."]),
        "We may earn a commission if you buy something through links on this page.",
        article(middle=["The agency may earn a commission on the sale of the land, the report said."]),
    ),
    "app-prompt": (
        article(middle=["Download the City Press app for breaking news"]),
        "Download the City Press app for breaking news",
        article(middle=["Residents can report potholes with an app the council launched last year, a spokesman said."]),
    ),
    "ad-blocker-notice": (
        article(tail=["We rely on advertising. Please consider disabling your ad blocker on our site."]),
        "We rely on advertising. Please consider disabling your ad blocker on our site.",
        article(middle=["The council's website uses no advertising at all, the clerk said."]),
    ),
    "correction-prompt": (
        article(tail=["Spotted a mistake? Highlight the text and press Ctrl + Enter."]),
        "Spotted a mistake? Highlight the text and press Ctrl + Enter.",
        article(middle=["The mayor admitted a mistake in last year's forecast."]),
    ),
    "click-here": (
        article(middle=["Click here to sign up for alerts"]),
        "Click here to sign up for alerts",
        article(middle=["Residents who click here and there on the council site find little, critics say."]),
    ),
    "related-block": (
        article(middle=["Don't miss", "Council tax to rise for third year", "New bridge opens in March"]),
        "New bridge opens in March",
        article(middle=["Don't miss the final vote on Friday, the mayor told residents at the meeting."]),
    ),
    "related-list": (
        article(tail=["Tags", "budget, council, roads, libraries, parks"]),
        "budget, council, roads, libraries, parks",
        article(middle=["Tags", "Labels on the boxes showed the cost of each item"]),
    ),
    "byline": (
        article(head=["Budget approved after all-night debate", "By Jane Doe and John Smith, City Press"]),
        "By Jane Doe and John Smith, City Press",
        article(head=["Budget approved after all-night debate", "By Tuesday the council had agreed on every line."]),
    ),
    "date-line": (
        article(head=["Published 18 November 2019, 10:42 GMT"]),
        "Published 18 November 2019, 10:42 GMT",
        article(tail=["The vote is on 4 March 2026 at the town hall"]),
    ),
    "reading-time": (article(head=["4 min read"]), "4 min read", article(middle=["4 min read"])),
    "contact-line": (
        article(tail=["Write to Jane Doe at jane.doe@citypress.example"]),
        "Write to Jane Doe at jane.doe@citypress.example",
        article(tail=["Residents can write to the council with their objections before the end of March."]),
    ),
    "ui-message": (
        article(tail=["An error has occurred, please try again later."]),
        "An error has occurred, please try again later.",
        article(middle=["An error has occurred in the accounts, the auditor said, and it will be corrected."]),
    ),
    "bare-url": (
        article(tail=["Download: https://citypress.example/budget.pdf"]),
        "Download: https://citypress.example/budget.pdf",
        article(tail=["The full budget is at https://citypress.example/budget.pdf for anyone to read."]),
    ),
    "shortcode": (
        article(middle=['[button link="https://citypress.example/tips"]Send us your tips[/button]']),
        '[button link="https://citypress.example/tips"]Send us your tips[/button]',
        article(middle=["The [budget] line for parks was cut, with brackets marking the changes."]),
    ),
    "share-prompt": (
        article(tail=["Like this story? Share it with a friend!"]),
        "Like this story? Share it with a friend!",
        article(middle=["Residents share it with a friend or a neighbour, the scheme's organisers said."]),
    ),
    "tag-line": (
        article(tail=["Tags: city council, budget, roads"]),
        "Tags: city council, budget, roads",
        article(tail=["Topics: roads and schools took most of the night, the chair said."]),
    ),
    "breadcrumb-line": (
        article(head=["Home » News » City council"]),
        "Home » News » City council",
        article(head=["The route runs from the harbour » to the station, the map shows"]),
    ),
    "read-more-tail": (
        article(
            middle=["Councillors argued until dawn, the chair said. Read more: Parking charges to rise in the centre"]
        ),
        "Read more: Parking charges to rise in the centre",
        article(
            middle=["Councillors argued until dawn. Read more about the plan on page four, where it is explained."]
        ),
    ),
    "share-label-tail": (
        article(middle=["The vote was the closest in a decade, the chair said. Share this: Facebook WhatsApp"]),
        "Share this: Facebook WhatsApp",
        article(middle=["Residents were asked one question. Share your view with the council before Friday."]),
    ),
    "editor-note": (
        article(tail=["Editor's note: This story was updated to include the mayor's comments."]),
        "Editor's note: This story was updated to include the mayor's comments.",
        article(tail=["An update of the road plan is due next year, officials said."]),
    ),
    "author-bio": (
        article(tail=["About the author", "Jane Doe covers the city council for City Press."]),
        "Jane Doe covers the city council for City Press.",
        article(middle=["About the author of the plan, little is known beyond her long service in the treasury."]),
    ),
    "comment-thread": (
        article(tail=["12 comments", *[f"Reader {n}: I think the library should get more money." for n in range(30)]]),
        "Reader 29: I think the library should get more money.",
        article(tail=["The clerk said 12 comments arrived after the deadline and were not counted."]),
    ),
    "comment-section": (
        article(tail=["Comments", "Anna: I think this is a disgrace and the library should get more."]),
        "Anna: I think this is a disgrace and the library should get more.",
        article(middle=["Comments", "The council received two hundred comments during the consultation period."]),
    ),
    "comment-label-thread": (
        article(tail=["Comments", *[f"Reader {n}: the library should get more, not less." for n in range(8)]]),
        "Comments",
        article(middle=["Comments", "The council received two hundred comments during the consultation period."]),
    ),
    "repeated-block": (
        article(head=["Budget approved after all-night debate", "Budget approved after all-night debate"]),
        None,
        article(tail=[BODY[1]]),
    ),
}


@pytest.mark.parametrize("rule", sorted(TEXT_CASES))
def test_generic_text_rule_removes_its_case_and_keeps_its_near_miss(rule: str) -> None:
    document, junk, near_miss = TEXT_CASES[rule]
    result = clean_text(document, site_rules=False)
    removed_by_rule = [r.text for r in result.removed if r.rule == f"default:{rule}"]
    assert removed_by_rule, f"{rule} removed nothing"
    if junk is not None:
        assert junk in removed_by_rule
        assert junk not in result.text.splitlines()
    for sentence in BODY:
        assert sentence in result.text
    kept = clean_text(near_miss, site_rules=False)
    assert kept.text == near_miss, [r for r in kept.removed]


STORY = "".join(f"<p>{sentence}</p>" for sentence in BODY)

# rule name -> (HTML with the boilerplate widget, a phrase of the widget, HTML near miss keeping its phrase)
HTML_CASES: dict[str, tuple[str, str, str, str]] = {
    "share-widgets": (
        f"<article>{STORY}<div class='entry-share-buttons'><a>Share on Facebook</a><a>Tweet</a></div></article>",
        "Share on Facebook",
        f"<article>{STORY}<p class='market-shareholders'>The budget is a scandal, "
        "says the opposition leader, whose party holds shares in the port company.</p></article>",
        "The budget is a scandal",
    ),
    "related-stories": (
        f"<article>{STORY}<section class='related-articles'><h3>More</h3><a>Tax rises again</a></section></article>",
        "Tax rises again",
        f"<article class='post related-to-budget'>{STORY}</article>",
        BODY[0],
    ),
    "appeals-and-newsletters": (
        f"<article>{STORY}<div class='newsletter-signup'>Get our morning briefing by email</div></article>",
        "morning briefing",
        f"<article><div class='content'>{STORY}<p>The council newsletter is printed quarterly.</p></div></article>",
        "newsletter is printed",
    ),
    "author-box": (
        f"<article>{STORY}<div class='author-bio'>Jane Doe covers the council.</div></article>",
        "Jane Doe covers",
        f"<article>{STORY}<p class='biography-note'>The mayor's biography was published last year.</p></article>",
        "biography was published",
    ),
    "comment-box": (
        f"<article>{STORY}</article><div id='comments'><p>Anna: a disgrace, the library deserves more.</p></div>",
        "a disgrace",
        f"<article>{STORY}<p class='comment-intro'>The clerk's comment closed the session at dawn.</p></article>",
        "closed the session",
    ),
    "breadcrumbs": (
        f"<div class='breadcrumbs'><a>Home</a> › <a>Politics</a></div><article>{STORY}</article>",
        "Politics",
        f"<article>{STORY}<p>The path through the old town is marked with bread crumbs of paint.</p></article>",
        "bread crumbs",
    ),
    "advertising": (
        f"<article>{STORY}<div class='ad-container'>Sponsored: cheap flights to the sun</div></article>",
        "cheap flights",
        f"<article>{STORY}<p class='adjacent-note'>The adjacent hall hosted the vote count.</p></article>",
        "adjacent hall",
    ),
    "teaser-deck": (
        f"<article>{STORY}</article><ul>"
        "<li><h3><a href='/a'>Harbour plan delayed again</a></h3>"
        "<p class='dek'>Engineers ask for a further year</p></li>"
        "<li><h3><a href='/b'>Tram line opens in May</a></h3>"
        "<p class='dek'>The first trams run on the east side</p></li>"
        "</ul>",
        "Engineers ask for a further year",
        f"<article><h1>Budget approved</h1><h2 class='sub-head'>An all-night debate ends in a narrow vote</h2>{STORY}"
        "</article>",
        "all-night debate",
    ),
    "hover-cards": (
        f"<article><p>The vote was called by councillor <span class='person'><a href='/p/ann-lee'>Ann Lee</a>"
        "<span class='hovercard'><a href='/p/ann-lee'>Ann Lee</a><a href='/n/1'>Lee wins the harbour vote"
        f"</a></span></span> at midnight.</p>{STORY}</article>",
        "Lee wins the harbour vote",
        "<article><p>The vote was called by councillor <a class='tooltip' href='/p/ann-lee'>Ann Lee</a>"
        f" at midnight.</p>{STORY}</article>",
        "councillor Ann Lee at midnight",
    ),
    "landmarks": (
        f"<article>{STORY}</article><div role='complementary'><p>Most read: tax rises again this year</p></div>",
        "Most read",
        f"<article role='main'>{STORY}</article>",
        BODY[0],
    ),
    "publisher-opt-out": (
        f"<article>{STORY}<div class='instapaper_ignore'>Print this page for your records today</div></article>",
        "Print this page",
        f"<article>{STORY}<p class='instapaper'>Saved copies are kept in the archive.</p></article>",
        "Saved copies",
    ),
}


def page(body: str) -> str:
    description = "<meta name='description' content='An all-night debate ends in a narrow vote.'>"
    return f"<html><head><title>Budget approved</title>{description}</head><body>{body}</body></html>"


@pytest.mark.parametrize("rule", sorted(HTML_CASES))
def test_generic_html_rule_removes_its_case_and_keeps_its_near_miss(rule: str) -> None:
    with_widget, widget_phrase, near_miss, kept_phrase = HTML_CASES[rule]
    result = clean_html(page(with_widget), site_rules=False)
    assert any(r.rule == f"default:{rule}" and widget_phrase in r.text for r in result.removed)
    assert widget_phrase not in result.text
    assert all(sentence in result.text for sentence in BODY)
    kept = clean_html(page(near_miss), site_rules=False)
    assert kept_phrase in kept.text
    assert not any(r.rule == f"default:{rule}" for r in kept.removed)


def test_a_line_almost_a_date_is_kept_at_once() -> None:
    """Digits, separators and date words of several languages, then a word that is none: date-line must give up fast.

    A backtracking loop would try every way to split the separators and every language spelling the same
    word: hours for this line.
    """
    line = "12 - - - - - - - - mar mar mar - - - - - - - - do do do - - - - - - - - x"
    start = time.perf_counter()
    result = clean_text(article(tail=[line]), site_rules=False)
    assert time.perf_counter() - start < 5
    assert line in result.text.splitlines()


def test_every_rule_has_a_case() -> None:
    default = load_catalog().by_name["default"]
    assert {r.name for r in default.text_rules} == set(TEXT_CASES)
    assert {r.name for r in default.html_rules} == set(HTML_CASES)
