"""Metadata: what a page says about itself (title, date, author, site name...) and the language of its
cleaned text, in every output; bad metadata never costs the document or its text."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from cleaner import clean_html, clean_text
from tests.conftest import run_cli

STORY = [
    "The harbour authority approved on Tuesday a plan to dredge the northern channel before the winter storms.",
    "Fishing crews had asked for the work for three years, after two boats ran aground at low tide last March.",
    "The council will pay a third of the cost; the rest comes from the regional transport fund, the mayor said.",
    "Work starts in September and should end in November, when the ferry timetable changes for the season.",
]
GERMAN = [
    "Die Hafenbehörde hat am Dienstag beschlossen, die nördliche Fahrrinne vor den Winterstürmen auszubaggern.",
    "Die Fischer hatten die Arbeiten seit drei Jahren gefordert, nachdem zwei Boote bei Ebbe aufgelaufen waren.",
    "Die Gemeinde trägt ein Drittel der Kosten, den Rest zahlt der regionale Verkehrsfonds, sagte die Bürgermeisterin.",
    "Die Arbeiten beginnen im September und sollen im November enden, wenn sich der Fahrplan der Fähre ändert.",
]


def page(head: str = "", *, paragraphs: list[str] = STORY, lang: str = "en", byline: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head><body>"
        "<header><a href='/'>The Harbour Post</a></header><main><article>"
        f"<h1>Harbour channel to be dredged before winter</h1>{byline}{body}</article></main>"
        "<footer>© The Harbour Post</footer></body></html>"
    )


def json_ld(data: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Harbour channel to be dredged before winter",
    "datePublished": "2024-03-05T09:30:00+01:00",
    "dateModified": "2024-06-01T10:00:00+01:00",
    "author": [{"@type": "Person", "name": "Ana Duarte"}, {"@type": "Person", "name": "Piet Claes"}],
    "publisher": {"@type": "Organization", "name": "The Harbour Post"},
    "image": {"@type": "ImageObject", "url": "https://harbourpost.example/img/channel.jpg"},
    "keywords": "harbour, dredging, ferries",
    "articleSection": "Local",
    "description": "The northern channel will be dredged in the autumn.",
}
URL = "https://harbourpost.example/2024/03/channel"


def test_a_page_gives_its_metadata_from_json_ld_and_meta_tags_with_the_headline_as_a_reader_sees_it() -> None:
    head = (
        "<title>Harbour channel to be dredged before winter | The Harbour Post</title>"
        "<meta property='og:title' content='Harbour channel to be dredged before winter - The Harbour Post'>"
        "<meta property='og:site_name' content='The Harbour Post'>"
        "<link rel='license' href='https://creativecommons.org/licenses/by/4.0/'>" + json_ld(ARTICLE)
    )
    result = clean_html(page(head), url=URL)
    assert result.title == "Harbour channel to be dredged before winter"
    assert result.author == "Ana Duarte, Piet Claes"
    assert result.date == "2024-03-05"  # published, not modified
    assert result.sitename == "The Harbour Post"
    assert result.description == "The northern channel will be dredged in the autumn."
    assert result.image == "https://harbourpost.example/img/channel.jpg"
    assert "dredging" in result.tags and result.categories == ("Local",)
    assert result.license == "CC BY 4.0"
    assert result.language == "en" and result.language_confidence is not None and result.language_confidence > 0.9
    assert result.text.startswith(STORY[0]) and "Harbour channel to be dredged" not in result.text


def test_conflicting_dates_give_the_publication_date() -> None:
    head = (
        "<meta property='article:modified_time' content='2024-07-20T08:00:00Z'>"
        "<meta property='article:published_time' content='2024-03-05T08:00:00Z'>"
    )
    text = [*STORY, "Updated on 20 July 2024. First planned on 1 February 2019, the work was postponed twice."]
    assert clean_html(page(head, paragraphs=text), url="https://harbourpost.example/channel").date == "2024-03-05"


def test_the_publication_date_wins_over_a_modification_date_in_the_meta_tags() -> None:
    # As a CMS with an SEO plugin writes it: the meta tags state only the update (htmldate takes it, for want of
    # a publication tag there), the JSON-LD graph states both.
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The Harbour Post", "url": "https://harbourpost.example/"},
            {"@type": "WebPage", "url": URL, "datePublished": "2024-03-05T09:30:00+00:00"},
            {**ARTICLE, "datePublished": "2024-03-05T09:30:00+00:00", "dateModified": "2024-06-01T10:00:00+00:00"},
        ],
    }
    head = (
        "<meta property='og:type' content='article'>"
        "<meta property='og:updated_time' content='2024-06-01T10:00:00+00:00'>"
        "<meta property='article:modified_time' content='2024-06-01T10:00:00+00:00'>" + json_ld(graph)
    )
    byline = "<p class='post-meta'>Updated <time class='updated' datetime='2024-06-01'>1 June 2024</time></p>"
    result = clean_html(page(head, byline=byline), url=URL)
    assert result.date == "2024-03-05T09:30:00+00:00"

    only_updated = head.replace(json_ld(graph), "")  # no publication date anywhere: the update is all there is
    assert clean_html(page(only_updated), url=URL).date == "2024-06-01"


def test_implausible_dates_are_null_and_an_old_date_the_page_states_is_kept() -> None:
    future = (date.today() + timedelta(days=30)).isoformat()
    cases = {
        future: None,  # more than a day ahead
        "1403-01-15": None,  # a Solar Hijri date written like an ISO one
        "2567-03-05T09:30:00+07:00": None,  # a Thai (Buddhist era) year: centuries ahead
        "not a date at all": None,
        "1985-06-01T12:00:00Z": "1985-06-01T12:00:00+00:00",  # an archive page: before 1990, but the page states it
    }
    plain = clean_html(page(), url="https://harbourpost.example/channel").text
    unmodified = {key: value for key, value in ARTICLE.items() if key != "dateModified"}
    for stated, expected in cases.items():
        result = clean_html(page(json_ld({**unmodified, "datePublished": stated})), url="https://harbourpost.example/c")
        assert result.date == expected, stated
        assert result.text == plain


def test_a_byline_of_fifty_names_urls_and_e_mail_addresses_are_cleaned() -> None:
    crowd = [{"@type": "Person", "name": f"Reporter Number{n}"} for n in range(50)]
    assert clean_html(page(json_ld({**ARTICLE, "author": crowd})), url=URL).author.count(",") == 9  # ten names

    odd = [
        {"@type": "Person", "name": "https://harbourpost.example/staff/ana"},
        {"@type": "Person", "name": "desk@harbourpost.example"},
        {"@type": "Person", "name": "Piet Claes (piet@harbourpost.example)"},
    ]
    assert clean_html(page(json_ld({**ARTICLE, "author": odd})), url=URL).author == "Piet Claes"
    names = ", ".join(f"Reporter Number{n}" for n in range(50))
    byline = f"<p class='byline'>By {names}</p>"
    plain = clean_html(page(byline=byline), url=URL)  # too long to be a byline: no author rather than a list
    in_meta = clean_html(page(f"<meta name='author' content='{names}'>", byline=byline), url=URL)
    assert plain.author is None and in_meta.author.count(",") == 9 and in_meta.text == plain.text

    only_a_url = {**ARTICLE, "author": "https://harbourpost.example/staff/ana"}
    assert clean_html(page(json_ld(only_a_url)), url=URL).author is None


def test_invalid_or_deeply_nested_json_ld_costs_nothing_but_its_fields() -> None:
    plain = clean_html(page(), url=URL)
    deep = "[" * 100_000 + "]" * 100_000
    nested: object = {"@type": "NewsArticle", "headline": "Deep"}
    for _ in range(500):
        nested = {"@type": "Thing", "about": nested}
    for head in (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "headline": </script>',
        f"<script type='application/ld+json'>{deep}</script>",
        json_ld(nested),
        json_ld({"@graph": "not a list", "author": {"name": ["a", {"b": None}]}, "datePublished": 20240305}),
    ):
        result = clean_html(page(head), url=URL)
        assert result.text == plain.text
        assert result.date is None or date.fromisoformat(result.date[:10])  # 20240305 reads as a date: fine


def test_the_language_of_text_dumps_and_html_alike_and_none_for_too_little_text() -> None:
    assert clean_text("\n\n".join(GERMAN)).language == "de"
    assert clean_html(page(paragraphs=GERMAN, lang="en"), url=URL).language == "de"  # the text, not <html lang>
    assert clean_text("OK\n").language is None


def test_every_output_carries_the_metadata_and_language_filters_with_a_status(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "en.html").write_text(page(json_ld(ARTICLE)), encoding="utf-8")
    (pages / "de.html").write_text(page(json_ld(ARTICLE), paragraphs=GERMAN, lang="de"), encoding="utf-8")
    report = tmp_path / "report.jsonl"

    done = run_cli("clean", pages, "--language", "de", "--format", "md", "--report", report)
    assert done.returncode == 0, done.stderr_text
    lines = {Path(line["path"]).name: line for line in map(json.loads, report.read_text().splitlines())}
    assert lines["en.html"]["status"] == "filtered" and "language en" in lines["en.html"]["reason"]
    assert lines["de.html"]["status"] == "cleaned"
    assert (lines["de.html"]["date"], lines["de.html"]["language"]) == ("2024-03-05", "de")
    assert not (pages / "en.clean.md").exists()
    markdown = (pages / "de.clean.md").read_text(encoding="utf-8")
    front, body = markdown.split("\n---\n\n", 1)
    assert front.startswith("---\n") and 'date: "2024-03-05"' in front and 'language: "de"' in front
    assert 'author: "Ana Duarte, Piet Claes"' in front and body.startswith(GERMAN[0])

    as_json = run_cli("clean", pages / "en.html", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr_text
    result = json.loads((pages / "en.clean.json").read_text(encoding="utf-8"))
    assert (result["date"], result["language"], result["sitename"]) == ("2024-03-05", "en", "The Harbour Post")

    stream = tmp_path / "in.jsonl"
    stream.write_text(json.dumps({"id": "1", "url": URL, "html": page(json_ld(ARTICLE))}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_cli("clean", "--jsonl", stream, "-o", out, "--language", "en,fr").returncode == 0
    added = json.loads(out.read_text(encoding="utf-8"))["cleaner"]
    assert (added["status"], added["date"], added["author"], added["language"]) == (
        "cleaned",
        "2024-03-05",
        "Ana Duarte, Piet Claes",
        "en",
    )

    bad = run_cli("clean", pages, "--language", "english")
    assert bad.returncode != 0 and "ISO 639-1" in bad.stderr_text


def test_the_url_comes_from_the_canonical_link_then_og_url_then_nothing() -> None:
    canonical = "<link rel='canonical' href='https://news.example.org/harbour'>"
    og_url = "<meta property='og:url' content=' https://www.example.com/story '>"
    relative = "<link rel='canonical' href='/harbour'>"
    assert clean_html(page(og_url + canonical)).url == "https://news.example.org/harbour"
    assert (clean_html(page(relative + og_url)).url, clean_html(page(og_url)).site) == (
        "https://www.example.com/story",
        "example.com",
    )
    assert clean_html(page(relative)).url is None
    assert clean_html(page(og_url), url="https://given.example.net/a").site == "given.example.net"
