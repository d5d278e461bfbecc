"""Class and id names in many languages (rules/lang/classes/*.toml) join the generic HTML rules: a German
"mehr zum Thema" box, an Italian "articoli correlati" list, however the page spells the name, go; an
article whose container merely shares a word stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean_html
from cleaner.errors import RuleError
from cleaner.rules import load_catalog

STORY = [
    "Der Stadtrat hat am Dienstag nach einer langen Nachtsitzung den Haushalt für den Hafen beschlossen.",
    "Drei Fraktionen stimmten für den Plan, der Geld für neue Kaimauern und eine zweite Fähre vorsieht.",
    "Ingenieure hatten im Frühjahr gewarnt, dass die nördliche Mauer in fünf Jahren versagen könnte.",
    "Die Opposition hält die Kosten für zu niedrig angesetzt und verlangt ein unabhängiges Gutachten.",
    "Die Arbeiten am ersten Abschnitt sollen im Herbst beginnen und in zwei Jahren abgeschlossen sein.",
]


def page(inside: str, *, after: str = "", article_class: str = "artikel") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html lang='de'><head><title>Hafenhaushalt beschlossen</title></head><body>"
        f"<article class='{article_class}'><h1>Hafenhaushalt beschlossen</h1>{paragraphs}{inside}</article>{after}"
        "</body></html>"
    )


@pytest.mark.parametrize(
    ("box", "rule"),
    [
        (
            "<div class='mehr-zum-thema'><h3>Mehr zum Thema</h3><a href='/a'>Fähre fährt ab Mai</a></div>",
            "related-stories",
        ),
        ("<div class='mehrZumThema'><a href='/a'>Fähre fährt ab Mai</a></div>", "related-stories"),
        ("<section id='articoli_correlati'><a href='/a'>Fähre fährt ab Mai</a></section>", "related-stories"),
        ("<div class='box werbung'>Fähre fährt ab Mai: jetzt buchen</div>", "advertising"),
        ("<div class='leserkommentare'><p>Fähre fährt ab Mai, endlich!</p></div>", "comment-box"),
    ],
    ids=["german", "camel-case", "italian-id", "advertising", "comments"],
)
def test_a_box_named_in_another_language_is_removed(box: str, rule: str) -> None:
    result = clean_html(page(box), site_rules=False)
    assert "Fähre fährt ab Mai" not in result.text
    assert any(r.rule == f"default:{rule}" and "Fähre fährt ab Mai" in r.text for r in result.removed)
    assert all(sentence in result.text for sentence in STORY)


def test_an_article_whose_container_shares_a_word_is_kept() -> None:
    result = clean_html(page("", article_class="artikel anzeige-text kommentar"), site_rules=False)
    assert all(sentence in result.text for sentence in STORY)


def test_an_unknown_class_in_a_tokens_list_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\n[match]\nalways = true\n[[html.remove]]\nname = "boxes"\ntokens = ["{{boxes}}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"mine\.toml.*unknown class-token class \{\{boxes\}\}"):
        load_catalog((tmp_path,))


def test_a_language_is_added_as_a_data_file(tmp_path: Path) -> None:
    (tmp_path / "lang" / "classes").mkdir(parents=True)
    (tmp_path / "lang" / "classes" / "eo.toml").write_text(
        'language = "eo"\nname = "Esperanto"\n[tokens]\nrelated = ["rilataj-artikoloj"]\n', encoding="utf-8"
    )
    default = load_catalog((tmp_path,)).by_name["default"]
    related = next(rule for rule in default.html_rules if rule.name == "related-stories")
    assert {"rilataj-artikoloj", "rilatajartikoloj", "related"} <= related.tokens
