"""Stage 3: which site a document comes from, and which rule sets apply to it.

The URL comes from, in order: the caller (``--url``), a sidecar ``<name>.meta.json`` (read by the
source stage), ``<link rel="canonical">``, then ``og:url``. A rule set applies when it is generic, when
it is the site's (found through the catalog's host index: TOML domains hold the host or a parent of it,
ftr files are picked as graby picks them), when it applies everywhere (ftr ``global.txt``), or when the
document carries its fingerprint: a ``<meta name="generator">`` value, a marker in the HTML, or a phrase
in a text dump. Rule sets that rewrite the raw HTML (ftr ``find_string``) then have the page parsed again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cleaner.document import Document
from cleaner.rules import Catalog, RuleSet
from cleaner.rules.ftr import FINGERPRINTS
from cleaner.rules.needles import strings_in
from cleaner.stages.decode import parse_html
from cleaner.stages.graby import ftr_sets, strings_needed
from cleaner.stages.marks import page_marks


def resolve(doc: Document, catalog: Catalog, *, site_rules: bool = True) -> None:
    """Fill ``doc.url``, ``doc.site`` and ``doc.rulesets``."""
    marks = page_marks(doc)  # canonical, og:url and generator, read in the walk metadata reads its marks in
    if doc.url is None:
        for source, values in (("canonical", marks.canonical), ("og:url", marks.og_url)):
            found = [v.strip() for v in values if v.strip().startswith(("http://", "https://"))]
            if found:
                doc.url, doc.site_source = found[0], source
                break
    if doc.site is None and doc.url:
        doc.site = host_of(doc.url)
    if not site_rules:
        doc.rulesets = catalog.generic
        return
    generator = " ".join(marks.generator).lower()
    matched = {r.name: r for r in catalog.for_host(doc.site)}
    # ftr autodetect_on_failure: no keeps global.txt and graby's fingerprint files off the site
    autodetect = all(r.autodetect for r in matched.values())
    candidates = [r for r in catalog.fingerprinted if autodetect or not r.ftr]
    # every string looked for in the raw HTML, here and by graby's rules, found in one pass (rules/needles.py)
    wanted = _strings_wanted(doc, [*matched.values(), *candidates], autodetect)
    present = strings_in(doc.content, wanted, doc.content_utf8)
    matched.update((r.name, r) for r in candidates if _fingerprint_matches(r, doc, generator, present))
    fingerprint = catalog.for_fingerprint(doc.content, present) if autodetect and doc.kind == "html" else None
    if fingerprint is not None:
        matched.setdefault(fingerprint.name, fingerprint)
    ordered = sorted(matched.values(), key=lambda r: catalog.position[r.name])
    if doc.site is None:
        fingerprinted_site = next((r for r in ordered if r.domains), None)
        if fingerprinted_site is not None:
            doc.site, doc.site_source = fingerprinted_site.domains[0], "fingerprint"
    doc.rulesets = catalog.generic + tuple(ordered)
    _rewrite_html(doc)


def host_of(url: str) -> str | None:
    """Lower-case host without ``www.``; None for a URL without one."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def domain_matches(host: str | None, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or one of its subdomains (how TOML ``domains`` match)."""
    return host is not None and (host == domain or host.endswith("." + domain))


def _strings_wanted(doc: Document, rulesets: list[RuleSet], autodetect: bool) -> set[str]:
    """What resolve and graby will look for in ``doc.content``: markers, fingerprints, find strings, needs."""
    if doc.kind == "text":
        return {marker for r in rulesets for marker in r.text_markers}
    wanted = {marker for r in rulesets for marker in r.html_markers}
    if autodetect:
        wanted.update(literal for literal, _, _ in FINGERPRINTS)
    for ruleset in rulesets:
        if ruleset.ftr:
            wanted.update(find for find, _ in ruleset.replacements)
            wanted.update(strings_needed(ruleset))
    return wanted


def _fingerprint_matches(ruleset: RuleSet, doc: Document, generator: str, present: frozenset[str]) -> bool:
    if ruleset.everywhere:
        return True
    if doc.kind == "text":
        return any(marker in present for marker in ruleset.text_markers)
    return any(marker in present for marker in ruleset.html_markers) or any(g in generator for g in ruleset.generators)


def _rewrite_html(doc: Document) -> None:
    """Apply the ftr files' find/replace pairs to the raw HTML, and parse the result again when it changed
    (the original ``doc.content`` is kept: it is what came in). As graby merges them: the site's pairs, then
    a fingerprint file's, then global.txt's, one pair per find string (a later replacement for the same
    string wins), each applied to the result of the ones before."""
    if doc.tree is None:
        return
    pairs: dict[str, str] = {}
    for ruleset in ftr_sets(doc):
        for find, replace in ruleset.replacements:
            pairs[find] = replace
    html = doc.content
    present = strings_in(html, pairs)
    for find, replace in pairs.items():
        if html is doc.content and find not in present:
            continue  # absent from the page (once a pair has changed the page, the later ones are simply applied)
        html = html.replace(find, replace)
    if html != doc.content:
        doc.tree, doc.rewritten_html = parse_html(html, doc.source), html
