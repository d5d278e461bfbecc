"""``cleaner rules suggest``: a draft rule file learned from pages of one fictional site.

The pages share a header, a reader-offer box and a sign-off line, and differ in their article text.
"""

from __future__ import annotations

from pathlib import Path

from cleaner import Options, clean_file
from cleaner.tools.suggest import rules_suggest
from tests.conftest import run_cli

SITE = "valleygazette.example"
TOPICS = (
    ("bridge", "Old mill bridge to close for repairs", "engineers", "the river crossing"),
    ("library", "Library extends its opening hours", "librarians", "the reading room"),
    ("market", "Farmers' market moves to the square", "stallholders", "the town square"),
    ("school", "Primary school wins science prize", "pupils", "the school hall"),
    ("railway", "Branch line trains return in June", "railway staff", "the old station"),
    ("orchard", "Community orchard plants forty trees", "volunteers", "the hillside orchard"),
)
OFFER = "Valley Gazette readers get a free coffee at the Mill Café this week: show this page at the counter."
SIGN_OFF = "The Valley Gazette is printed on recycled paper at the Mill Road works."


def site_page(slug: str, title: str, people: str, place: str, host: str | None = SITE) -> str:
    paragraphs = [
        f"The council confirmed on Tuesday that work at {place} will begin next month, after {people} raised "
        "concerns about safety over the winter.",
        f"According to the plans published this week, {people} will be consulted at every stage, and a public "
        f"meeting about {place} is set for the first Thursday of the month.",
        f"Residents who live near {place} said they welcomed the news but asked for clear information about noise, "
        f"parking and access during the {slug} project.",
        f"A spokesperson said the {slug} budget had been approved in full and that the council expected the work "
        "to be finished before the end of the year.",
    ]
    story = "".join(f"<p>{p}</p>" for p in paragraphs[:2])
    story += f'<div class="reader-offer"><p>{OFFER}</p></div>'
    story += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    canonical = f'<link rel="canonical" href="https://www.{host}/news/{slug}/">' if host else ""
    number = 4000 + len(slug) * 7
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Valley Gazette</title>{canonical}</head>
<body class="page postid-{number}">
<header class="masthead"><div class="brand"><a href="/">The Valley Gazette</a></div>
<nav class="main-nav"><a href="/">Home</a> <a href="/local/">Local</a> <a href="/sport/">Sport</a></nav></header>
<main><article class="story post-{number}"><h1>{title}</h1>
{story}
<p>{SIGN_OFF}</p>
</article>
<div class="more-news"><h3>More news</h3><ul><li><a href="/n/{slug}-1/">Parish notes: {slug}</a></li>
<li><a href="/n/{slug}-2/">Letters about {place}</a></li></ul></div></main>
<footer class="site-footer"><p>© 2025 The Valley Gazette, 12 Mill Road, Valleytown</p></footer>
</body></html>
"""


def write_site(folder: Path, order: tuple[int, ...] = tuple(range(len(TOPICS)))) -> Path:
    """The site's pages (one without a URL), and two pages of another site; written in ``order``."""
    folder.mkdir()
    for index in order:
        slug, *rest = TOPICS[index]
        host = None if slug == "orchard" else SITE
        (folder / f"{slug}.html").write_text(site_page(slug, *rest, host=host), encoding="utf-8")
    for slug, *rest in TOPICS[:2]:
        (folder / f"other-{slug}.html").write_text(site_page(slug, *rest, host="othertown.example"), encoding="utf-8")
    return folder


def test_suggest_drafts_rules_for_the_recurring_blocks_with_evidence(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    result = run_cli("rules", "suggest", site, "--site", SITE)
    assert result.returncode == 0, result.stderr_text
    draft = result.stdout_text
    assert "from 6 pages in" in draft
    assert "(1 without a URL of their own taken as the site's; 2 of other sites and 0 unreadable left out)" in draft
    # the offer box reaches the cleaned text: an active HTML rule, with its evidence
    assert "# div.reader-offer: on 6 of 6 pages (100%), the same text on 6; in the cleaned text today on 6" in draft
    assert f"#   text: {OFFER}\n" in draft
    assert "[[html.remove]]\nname = 'reader-offer'\nselect = 'div.reader-offer'\n" in draft
    # the sign-off is a plain paragraph: a text rule for the line, at the tail
    assert "# line on 6 of 6 pages (100%), within 3 blocks of the tail; e.g. bridge.html, library.html" in draft
    assert "pattern = '^The Valley Gazette is printed on recycled paper at the Mill Road works\\.$'" in draft
    # the header recurs too, but trafilatura leaves it out already: a commented-out rule
    assert "# header.masthead: on 6 of 6 pages (100%), the same text on 6; in the cleaned text today on 0" in draft
    assert "# select = 'header.masthead'" in draft
    assert "council" not in draft  # article text: never a rule
    # links that differ from page to page but always fill the same box: a list of links, guarded as one
    assert "# div.more-news: on 6 of 6 pages (100%), list of links; in the cleaned text today on 0" in draft
    assert "# min_link_share = 0.8" in draft

    rules = tmp_path / "rules"
    (rules / "sites").mkdir(parents=True)
    (rules / "sites" / f"{SITE}-suggested.toml").write_text(draft, encoding="utf-8")
    assert run_cli("rules", "check", "--rules", rules).returncode == 0
    assert run_cli("clean", site, "--rules", rules, "-q").returncode == 0
    # the page without a URL gets the site's rules when cleaned with --site, as suggest assumed
    clean_file(site / "orchard.html", options=Options(site=SITE, rules_dirs=(rules,)))
    for slug, *_ in TOPICS:
        text = (site / f"{slug}.clean.txt").read_text(encoding="utf-8")
        assert "The council confirmed on Tuesday" in text and f"the {slug} budget" in text
        assert OFFER not in text and SIGN_OFF not in text
    assert OFFER in (site / "other-bridge.clean.txt").read_text(encoding="utf-8")  # another site: untouched


def test_suggest_is_deterministic_whatever_the_order_files_were_written(tmp_path: Path) -> None:
    first = rules_suggest(write_site(tmp_path / "a"), SITE).toml()
    second = rules_suggest(write_site(tmp_path / "b", order=(5, 3, 1, 0, 2, 4)), SITE).toml()
    assert first.replace(str(tmp_path / "a"), "DIR") == second.replace(str(tmp_path / "b"), "DIR")


def test_suggest_needs_pages_of_the_site(tmp_path: Path) -> None:
    result = run_cli("rules", "suggest", write_site(tmp_path / "site"), "--site", "elsewhere.example")
    assert result.returncode == 1
    assert result.stderr_text.strip().endswith(
        "1 pages of elsewhere.example found (7 of other sites left out); 3 are needed to tell template from article"
    )
