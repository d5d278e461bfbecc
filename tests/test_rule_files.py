"""Rule files: the format's behaviour, and one clear line for every kind of broken file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import clean_html, clean_text
from cleaner.errors import RuleError
from cleaner.rules import load_catalog, load_ruleset
from tests.conftest import ROOT, SAMPLES, run_cli

BROKEN = {
    "syntax": ("[match\ndomains = ['a.com']\n", "TOML syntax error"),
    "unknown-key": (
        "[match]\ndomains = ['a.com']\n[[text.drop]]\nname = 'x'\npatern = 'a'\n",
        "text.drop[0].patern: unknown key",
    ),
    "bad-regex": (
        "[match]\ndomains = ['a.com']\n[[text.drop]]\nname = 'x'\npattern = '(unclosed'\n",
        "text.drop[0].pattern: invalid regex",
    ),
    "bad-selector": (
        "[match]\ndomains = ['a.com']\n[[html.remove]]\nname = 'x'\nselect = 'div[['\n",
        "html.remove[0].select: invalid CSS selector",
    ),
    "bad-type": ("[match]\ndomains = 'a.com'\n", "match.domains: must be a list"),
    "unknown-phrase": (
        "[match]\ndomains = ['a.com']\n[[text.drop]]\nname = 'x'\npattern = '{{nope}}'\n",
        "unknown phrase class {{nope}}",
    ),
    "bad-position": (
        "[match]\ndomains = ['a.com']\n[[text.drop]]\nname = 'x'\npattern = 'a'\nposition = 'middle'\n",
        "position: must be",
    ),
    "matches-nothing": ("[[text.drop]]\nname = 'x'\npattern = 'a'\n", "match: says nothing to match"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_rule_file_gives_one_line_naming_file_key_and_problem(tmp_path: Path, case: str) -> None:
    content, message = BROKEN[case]
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.toml").write_text(content)
    (tmp_path / "page.txt").write_text("Some text of an article.\n")
    result = run_cli("clean", tmp_path / "page.txt", "--rules", rules)
    assert result.returncode == 2
    lines = result.stderr_text.strip().splitlines()
    assert len(lines) == 1, result.stderr_text
    assert "broken.toml" in lines[0] and message in lines[0]
    assert "Traceback" not in result.stderr_text
    assert not (tmp_path / "page.clean.txt").exists()


def test_every_shipped_rule_file_loads() -> None:
    catalog = load_catalog()
    names = {r.name for r in catalog.rulesets}
    assert {"default", "blogger", "disqus", "wordpress", "arcamax.com", "euromaidanpress.com"} <= names
    assert catalog.rulesets[0].name == "default"


def write_rules(folder: Path, name: str, content: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(content)
    return folder


def test_site_rules_apply_to_the_domain_and_its_subdomains_only(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "r",
        "example.org.toml",
        """
[match]
domains = ["example.org"]
[[text.drop]]
name = "tagline"
pattern = '^Example Org tagline$'
""",
    )
    text = "First paragraph of the story.\nExample Org tagline\nLast paragraph.\n"
    assert "tagline" not in clean_text(text, url="https://news.example.org/a", rules_dirs=[rules]).text
    assert "tagline" in clean_text(text, url="https://notexample.org/a", rules_dirs=[rules]).text
    assert "tagline" in clean_text(text, url="https://example.org/a", rules_dirs=[rules], site_rules=False).text


def test_cut_tail_guard_keeps_a_marker_in_the_middle(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "r",
        "cut.toml",
        """
[match]
text_markers = ["MARK"]
[[text.cut]]
name = "footer"
pattern = '^Footer$'
position = "tail"
within = 2
""",
    )
    middle = "MARK\nFooter\nOne.\nTwo.\nThree.\n"
    end = "MARK\nOne.\nTwo.\nFooter\nJunk after footer.\n"
    assert clean_text(middle, rules_dirs=[rules]).text == middle
    assert clean_text(end, rules_dirs=[rules]).text == "MARK\nOne.\nTwo.\n"


def test_removals_name_their_rule_set_and_rule() -> None:
    result = clean_text((SAMPLES / "seeds" / "003_1decd490ba5d8f01.txt").read_text())
    assert result.rules[0] == "default"
    assert all(":" in r.rule for r in result.removed)
    assert any(r.rule.startswith("default:share-widget") and r.text == "- Get link" for r in result.removed)


def test_body_selector_keeps_only_the_article(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "r",
        "body.example.toml",
        """
[match]
domains = ["body.example"]
[html]
body = "div.story"
""",
    )
    html = (
        "<html><body><div class='promo'><p>" + "Promo text that should go away entirely. " * 5 + "</p></div>"
        "<div class='story'><p>" + "The story itself is here and it is long enough. " * 6 + "</p></div></body></html>"
    )
    result = clean_html(html, url="https://body.example/x", rules_dirs=[rules])
    assert "Promo text" not in result.text and "The story itself" in result.text
    assert any(r.rule == "body.example:body" for r in result.removed)


def test_a_descendant_selector_removes_only_what_stands_inside_its_ancestor(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "r",
        "nested.example.toml",
        """
[match]
domains = ["nested.example"]
[[html.remove]]
name = "meta-counts"
select = ".blurb, .meta .count"
""",
    )
    story = "<p>" + "The story itself is here and it is long enough to be the article. " * 6 + "</p>"
    html = (
        f"<html><body><div class='meta'><span><span class='count'>Seven replies</span></span></div>{story}"
        "<p class='count'>Four sources were asked for this story.</p><div class='blurb'>Edited by the night desk</div>"
        "</body></html>"
    )
    result = clean_html(html, url="https://nested.example/x", rules_dirs=[rules])
    assert "The story itself" in result.text and "Four sources were asked" in result.text
    # the plain selector's elements first, then the nested one's: the order the rule's XPath gave before
    assert [r.text for r in result.removed if r.rule == "nested.example:meta-counts"] == [
        "Edited by the night desk",
        "Seven replies",
    ]


def test_html_rule_never_removes_an_element_holding_most_of_the_page() -> None:
    story = "<p>" + "A sentence of the article that goes on for a while. " * 8 + "</p>"
    html = (
        f"<html><body><div class='post share-enabled'>{story}{story}</div><div class='share'>Share</div></body></html>"
    )
    result = clean_html(html)
    assert "A sentence of the article" in result.text
    assert [r.text for r in result.removed if r.rule == "default:share-widgets"] == ["Share"]


def test_a_later_rule_folder_replaces_a_rule_set_of_the_same_name(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "r", "disqus.toml", "[match]\ntext_markers = ['never-present-marker']\n")
    catalog = load_catalog((rules,))
    assert catalog.by_name["disqus"].path == rules / "disqus.toml"


def test_load_ruleset_reports_missing_rules_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rules folder not found"):
        load_catalog((tmp_path / "missing",))
    with pytest.raises(RuleError):
        load_ruleset(tmp_path / "absent.toml")


def test_a_broken_phrase_is_named_by_its_file_class_and_index(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "lang").mkdir(parents=True)
    (rules / "lang" / "xx.toml").write_text("[phrases]\nappeal = ['become a (patron']\nunused = ['ok', 'bad(']\n")
    (tmp_path / "page.txt").write_text("Some text of an article.\n")
    used = run_cli("clean", tmp_path / "page.txt", "--rules", rules)
    assert used.returncode == 2 and "xx.toml: phrases.appeal[0]: invalid regex" in used.stderr_text
    (rules / "lang" / "xx.toml").write_text("[phrases]\nunused = ['ok', 'bad(']\n")
    assert run_cli("clean", tmp_path / "page.txt", "--rules", rules).returncode == 0  # no rule uses it
    checked = run_cli("rules", "check", "--rules", rules)
    assert checked.returncode == 2 and "xx.toml: phrases.unused[1]: invalid regex" in checked.stderr_text


def test_parsed_rule_files_are_kept_for_the_next_run_and_a_damaged_cache_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_batch import SITE_RULE, page

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = tmp_path / "cache" / "cleaner" / "toml-1.json"
    rules = tmp_path / "rules"
    rules.mkdir()
    html = page(1, "alpha.example", "Alpha motto: first").encode()

    def cleaned(motto: str) -> str:
        (rules / "alpha.example.toml").write_text(SITE_RULE.replace("{motto}", motto))
        done = run_cli("clean", "-", "--rules", rules, stdin=html)
        assert done.returncode == 0 and "Traceback" not in done.stderr_text, done.stderr_text
        return done.stdout_text

    assert "Alpha motto" not in cleaned("first")
    shipped = len(list((ROOT / "rules").rglob("*.toml")))
    assert len(json.loads(cache.read_text())) == shipped + 1  # the shipped files and alpha's
    assert "Alpha motto: first" in cleaned("second")  # an edited file is a new entry, never an old answer
    cache.write_text('{"not": "what was parsed"')
    assert "Alpha motto: first" in cleaned("second")
    assert len(json.loads(cache.read_text())) == shipped + 1  # rewritten whole
