"""fivefilters ftr-site-config files in a --rules folder: they change the output as they say, match hosts
as graby does, and what cannot be used in them is a warning, listed once, never fatal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cleaner import clean_html
from cleaner.errors import RuleError
from cleaner.rules import load_catalog, load_ruleset
from cleaner.rules.ftr import sample_path
from tests.conftest import run_cli

DATA = Path(__file__).parent / "data"
TRIBUNE_URL = "https://www.quaytribune.example/2025/04/ferry-fares"
TRIBUNE_CONFIG = """\
# The Quay Tribune (quaytribune.example)
title: //h1[@class='story-headline']
author: //span[@class='byline-name']
date: //time/@datetime
body: //div[contains(concat(' ',normalize-space(@class),' '),' story-text ')]
strip_id_or_class: kofi-box

prune: yes
tidy: no
test_url: https://quaytribune.example/2025/04/ferry-fares
test_contains: The operator carried 1.4 million passengers
test_url: https://quaytribune.example/2025/05/not-saved
test_contains: Anything
"""


def write(folder: Path, name: str, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")
    return folder


def test_an_ftr_file_changes_the_output_of_cleaner_clean_as_it_says(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "ferry.html"
    page.parent.mkdir()
    shutil.copy(DATA / "quaytribune.html", page)
    rules = write(tmp_path / "ftr", "quaytribune.example.txt", TRIBUNE_CONFIG)

    plain = run_cli("clean", page, "--url", TRIBUNE_URL)
    assert plain.returncode == 0, plain.stderr_text
    before = page.with_name("ferry.clean.txt").read_text(encoding="utf-8")
    assert "The Tribune is free to read." in before  # the donation box
    assert "Harbour festival returns" in before  # outside the body the file names

    ruled = run_cli("clean", page, "--url", TRIBUNE_URL, "--rules", rules, "--format", "json", "--force")
    assert ruled.returncode == 0, ruled.stderr_text
    result = json.loads(page.with_name("ferry.clean.json").read_text(encoding="utf-8"))
    text = result["text"]
    assert "The Tribune is free to read." not in text and "Chip in" not in text
    assert "Harbour festival returns" not in text and "4 Harbour Street" not in text
    assert text.startswith("Ferry fares between the mainland and the islands will rise")
    assert "Fares for bicycles and foot passengers do not change." in text  # class kofi-box-note: another token
    assert text.rstrip().endswith("publish the costs behind the increase.")
    assert result["rules"] == ["default", "quaytribune.example.txt"]
    assert (result["title"], result["author"], result["date"]) == (
        "Ferry fares to rise in June",
        "Ana Duarte, Piet Claes",
        "2025-04-02T08:00:00+02:00",
    )
    rules_fired = {r["rule"] for r in result["removed"]}
    assert {"quaytribune.example.txt:body", "quaytribune.example.txt:strip_id_or_class-line6"} <= rules_fired
    assert "warning" not in ruled.stderr_text  # tidy has no effect here, and nothing to act on: quiet


def test_ftr_test_urls_run_offline_from_saved_pages_and_are_skipped_without_one(tmp_path: Path) -> None:
    rules = write(tmp_path / "ftr", "quaytribune.example.txt", TRIBUNE_CONFIG)
    saved = sample_path(rules / "quaytribune.example.txt", "https://quaytribune.example/2025/04/ferry-fares")
    saved.parent.mkdir()
    shutil.copy(DATA / "quaytribune.html", saved)
    tested = run_cli("rules", "test", "--rules", rules)
    assert tested.returncode == 0, tested.stdout_text + tested.stderr_text
    assert f"ok   quaytribune.example.txt: {saved}" in tested.stdout_text
    assert "failed, 1 skipped\n" in tested.stdout_text and " 0 failed" in tested.stdout_text
    not_saved = sample_path(rules / "quaytribune.example.txt", "https://quaytribune.example/2025/05/not-saved")
    assert tested.stdout_text.rstrip().endswith(
        f"(e.g. save https://quaytribune.example/2025/05/not-saved as {not_saved} to run it)"
    )

    (rules / "quaytribune.example.txt").write_text(TRIBUNE_CONFIG.replace("1.4 million", "2.8 million"))
    failing = run_cli("rules", "test", "--rules", rules)
    assert failing.returncode == 1
    assert "missing: 'The operator carried 2.8 million passengers'" in failing.stdout_text


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.net", "example.net.txt"),
        ("www.example.net", "example.net.txt"),
        ("WWW.Example.NET", "example.net.txt"),
        ("news.example.net", ".example.net.txt"),
        ("sport.example.net", "sport.example.net.txt"),  # the exact host wins over the wildcard
        ("a.news.example.net", None),  # one parent only: .news.example.net.txt, which does not exist
        ("notexample.net", None),
        ("example.net.evil", None),
    ],
)
def test_ftr_files_match_hosts_as_graby_picks_them(tmp_path: Path, host: str, expected: str | None) -> None:
    rules = tmp_path / "ftr"
    for name in ("example.net.txt", ".example.net.txt", "sport.example.net.txt"):
        write(rules, name, "strip: //div[@class='x']\n")
    page = "<html><body><article>" + "<p>Words of a story that goes on and on. </p>" * 5 + "</article></body></html>"
    applied = clean_html(page, url=f"https://{host}/story", rules_dirs=[rules]).rules
    assert applied == ("default", expected) if expected else applied == ("default",)


def test_find_and_replace_rewrite_the_raw_html_before_it_is_parsed(tmp_path: Path) -> None:
    story = "The full story is inside a noscript element on this site, and only a rewrite makes it visible."
    page = f"<html><body><article><noscript><p>{story}</p><p>{story}</p></noscript></article></body></html>"
    rules = write(
        tmp_path / "ftr",
        "noscript.example.txt",
        "replace_string(<noscript>): <div class='ftr-noscript'>\nfind_string: </noscript>\nreplace_string: </div>\n",
    )
    assert story not in clean_html(page, url="https://noscript.example/a").text
    assert story in clean_html(page, url="https://noscript.example/a", rules_dirs=[rules]).text

    unpaired = write(tmp_path / "unpaired", "noscript.example.txt", "find_string: <noscript>\nfind_string: x\n")
    ruleset = load_catalog((unpaired,)).by_name["noscript.example.txt"]
    assert ruleset.replacements == ()
    assert any("do not pair up" in n.message for n in ruleset.notices)


def test_prune_no_keeps_the_chosen_body_as_it_is(tmp_path: Path) -> None:
    page = (
        "<html><body><nav><a href='/'>Home</a></nav><div class='story'>"
        + "".join(f"<p>Paragraph {n} of the story, long enough for any extractor to keep it.</p>" for n in (1, 2))
        + "<aside class='factbox'><p>The ferry line opened in 1962.</p></aside>"
        + "<p>Paragraph 3 of the story, long enough for any extractor to keep it.</p></div></body></html>"
    )
    pruned = write(tmp_path / "yes", "keep.example.txt", "body: //div[@class='story']\n")
    literal = write(tmp_path / "no", "keep.example.txt", "body: //div[@class='story']\nprune: no\n")
    url = "https://keep.example/a"
    assert "The ferry line opened in 1962." not in clean_html(page, url=url, rules_dirs=[pruned]).text
    text = clean_html(page, url=url, rules_dirs=[literal]).text
    assert "keep it.\nThe ferry line opened in 1962.\nParagraph 3 of the story" in text and "Home" not in text


ODD_CONFIG = """\ufeff# odd but real-world lines
Body: //div[@id='story']\r
strip_id_or_clas: promo\r
body: //div[lower-case(@class)='story']
body: //div[@id='story'
body: //div[@class="story"]
strip: //aside[@class='ad']   \t
strip:
prune: maybe
test_contains: before any test_url
just some words without a colon
http_header(user-agent): Mozilla/5.0 (compatible: Bot)
replace_string(<b class="x">): <strong>
if_page_contains: //div[@class='print']
"""


def test_odd_lines_become_notices_and_the_rest_of_the_file_still_counts(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.example.txt", ODD_CONFIG) / "odd.example.txt"
    ruleset = load_ruleset(path)
    assert len(ruleset.body) == 1 and [r.name for r in ruleset.html_rules] == ["strip-line7"]
    assert ruleset.replacements == (('<b class="x">', "<strong>"),)
    assert ruleset.prune_body
    messages = {(n.line, n.message) for n in ruleset.notices}
    assert (2, "unknown ftr directive 'Body' (did you mean body?); ignored") in messages
    assert (3, "unknown ftr directive 'strip_id_or_clas' (did you mean strip_id_or_class?); ignored") in messages
    assert (4, "body: lower-case() is not an XPath 1.0 function; ignored") in messages
    assert any(line == 5 and "invalid XPath" in message for line, message in messages)
    assert (8, "strip: no value; ignored") in messages
    assert (9, "prune: expected yes or no, not 'maybe'; ignored") in messages
    assert (10, "test_contains before any test_url; ignored") in messages
    assert (11, "not a 'directive: value' line; ignored") in messages
    assert ruleset.headers == (("user-agent", "Mozilla/5.0 (compatible: Bot)"),)  # sent by cleaner fetch
    assert len(messages) == 9


def test_warnings_are_listed_once_per_run_and_are_not_fatal(tmp_path: Path) -> None:
    rules = tmp_path / "ftr"
    for host in ("one.example", "two.example", "three.example"):
        write(rules, f"{host}.txt", "body: //article\nautodetect_next_page: yes\nstrp: //aside\n")
    write(rules, "notes.txt", "personal notes, not a site config\n")
    pages = tmp_path / "pages"
    for n in range(3):
        write(pages, f"p{n}.html", "<html><body><article>" + "<p>Some words of a story here. </p>" * 8 + "</article>")
    result = run_cli("clean", pages, "--rules", rules, "--site", "one.example")
    assert result.returncode == 0, result.stderr_text
    assert result.stderr_text.splitlines() == [  # one line before the batch's summary; rules check has the rest
        f"warning: 3 ftr files: 3 problems; run `cleaner rules check --rules {rules}` for details",
        result.stderr_text.splitlines()[-1],
    ]
    assert result.stderr_text.splitlines()[-1].startswith("cleaned 3,")
    checked = run_cli("rules", "check", "--rules", rules)
    assert checked.returncode == 0 and "(3 warnings: those lines are ignored)" in checked.stdout_text
    assert checked.stderr_text.splitlines() == [  # what can be acted on first, then what merely has no effect
        "warning: unknown ftr directive 'strp' (did you mean strip?); ignored "
        f"(3 files, first {rules / 'one.example.txt'}:3)",
        f"warning: {rules / 'notes.txt'}: not an ftr site config: named neither after a host (example.com.txt) "
        "nor global.txt; ignored",
        "warning: ftr directive 'autodetect_next_page' has no effect here: multi-page articles are followed by "
        f"single_page_link and next_page_link only (3 files, first {rules / 'one.example.txt'}:2)",
    ]


def test_an_ftr_file_that_cannot_be_read_is_a_rule_error(tmp_path: Path) -> None:
    rules = tmp_path / "ftr"
    rules.mkdir()
    (rules / "gone.example.txt").symlink_to(tmp_path / "missing.txt")
    with pytest.raises(RuleError, match=r"gone\.example\.txt"):
        load_catalog((rules,))
    write(tmp_path, "page.txt", "Some text of an article.\n")
    result = run_cli("clean", tmp_path / "page.txt", "--rules", rules)
    assert result.returncode == 2
    assert result.stderr_text.strip().splitlines() == [
        f"error: {rules / 'gone.example.txt'}: No such file or directory"
    ]


def test_global_txt_applies_to_every_site_but_only_with_site_rules(tmp_path: Path) -> None:
    rules = write(tmp_path / "ftr", "global.txt", "strip_id_or_class: print-only\n")
    write(rules, "harbour.example.txt", "title: //h2\n")
    page = (
        "<html><body><article><h2>Harbour news</h2>"
        + "".join(f"<p>Sentence {n} of an article that is long enough to be kept by the extractor.</p>" for n in (1, 2))
        + "<div class='print-only'>Printed from the Harbour Gazette website on a paper printer.</div>"
        + "<p>Sentence 3 of an article that is long enough to be kept by the extractor.</p></article></body></html>"
    )
    for url in ("https://harbour.example/a", "https://elsewhere.example/b"):
        result = clean_html(page, url=url, rules_dirs=[rules])
        assert "Printed from" not in result.text and "global.txt" in result.rules
    assert clean_html(page, url="https://harbour.example/a", rules_dirs=[rules]).title == "Harbour news"
    assert (
        "Printed from" in clean_html(page, url="https://harbour.example/a", rules_dirs=[rules], site_rules=False).text
    )


def test_a_folder_of_toml_rules_after_a_folder_of_ftr_files_loads_both(tmp_path: Path) -> None:
    ftr = write(tmp_path / "ftr", "noscript.example.txt", "strip: //div[@class='promo']\n")
    toml = write(tmp_path / "toml", "example.org.toml", '[match]\ndomains = ["example.org"]\n')
    names = load_catalog((ftr, toml)).by_name
    assert "noscript.example.txt" in names and "example.org" in names
