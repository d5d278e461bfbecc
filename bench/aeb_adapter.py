"""Adapters for ../shared/eval/score_aeb.py (``--extractor bench.aeb_adapter:NAME``, run from the repo root).

Each takes a page's HTML and returns text. Site rules are off: the development set measures the
generic rules, which are all that most pages get.
"""

from __future__ import annotations

import trafilatura

from cleaner import Options, clean_html, clean_text


def _generic(extraction: str):
    options = Options(site_rules=False, extraction=extraction)

    def clean(html: str) -> str:
        return clean_html(html, options=options).text  # decoded text, as trafilatura gets it

    clean.__doc__ = f"cleaner on HTML, generic rules only, trafilatura in its {extraction} mode."
    return clean


generic = _generic("auto")  # the default mode
generic_fast = _generic("fast")
generic_full = _generic("full")
generic_precision = _generic("precision")
generic_recall = _generic("recall")


def dump(html: str) -> str:
    """A text dump as users hold them: trafilatura favouring recall, comments included."""
    return trafilatura.extract(html, favor_recall=True, include_comments=True) or ""


def dump_cleaned(html: str) -> str:
    """That dump cleaned by ``clean_text`` with the generic rules (the text mode of cleaner)."""
    text = dump(html)
    return clean_text(text, site_rules=False).text if text.strip() else ""
