"""Stage 3b: what the page says about itself — title, date, author, site name, description, categories,
tags, image, license — read from the tree before pruning takes anything out of it.

Each field comes from the first source that has it: a rule set's XPath (the most specific rule set
first), then trafilatura's readers of the page's meta tags and JSON-LD, then htmldate for the date,
then OpenGraph and JSON-LD fields trafilatura does not keep. ``trafilatura.metadata.extract_metadata``
itself is not called: on the Fundus pages it took 90 % of the cleaning time (a deep copy of the tree
for the byline, link scans for categories, a regex over JSON-LD that took 2.3 s on one page), so its
cheap parts are called on the tree cleaner already parsed, and JSON-LD is parsed once, here, with a
size limit; JSON-LD too deep to read is skipped (README, "Metadata").

htmldate falls back on a modification date (og:updated_time...) when the meta tags state no publication
date, even when the JSON-LD does: a date that is a day the page says it was modified gives way to a
publication date the page states.

The title is the headline as a reader sees it: the page's own title without the site name that
``<title>`` and og:title append. A date is kept only when it is plausible: not more than a day in
the future, not before 1990 unless a publication-date field of the page states it; anything else is
``None``, never a guess.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from cleaner.document import Document
from cleaner.rules.xpath import evaluate
from cleaner.stages.marks import Marks, page_marks

MIN_HEURISTIC_DATE = date(1990, 1, 1)  # what htmldate finds in the page's text and markup
MIN_STATED_DATE = date(1800, 1, 1)  # what a publication-date field states (an old article, an archive)
MAX_JSON_LD_CHARS = 1_000_000  # one script block; larger ones are skipped (a site's whole state, not metadata)
MAX_JSON_LD_NODES = 12  # objects of a page's JSON-LD read, article-like ones first (breadcrumbs, images... last)
MAX_AUTHORS = 10  # a byline with more names is a list of contributors or a scraping accident: kept short
MAX_FIELD_CHARS = 1000  # description and the like
MAX_TAGS = 50

# The elements that may hold the byline, besides <author> (read by _byline_candidates)
_BYLINE_TAGS = ("a", "address", "div", "p", "span", "strong", "h3", "h4", "li")
_NOT_BYLINE = ("comment", "sidebar", "related", "teaser", "recommend", "share", "social", "newsletter", "popup")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—»·:-]\s+|\s*[｜|：]\s*|\s+::\s+")
_WORDS = re.compile(r"\w+")
_URL_OR_MAIL = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.IGNORECASE)
_MAIL = re.compile(r"\s*[(<\[]?\b\S+@\S+\.\w+\b[)>\]]?\s*")
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "Report", "WebPage", "LiveBlogPosting")
_LOG = logging.getLogger(__name__)


def read_metadata(doc: Document) -> None:
    """Fill the document's metadata fields from ``doc.tree`` (nothing for a text dump)."""
    if doc.tree is None:
        return
    tree = doc.tree
    marks = page_marks(doc)
    stated = _json_ld(marks.json_ld)
    found = _trafilatura_metadata(tree, stated)

    def from_rules(field: str) -> list[etree.XPath]:
        return [xpath for ruleset in reversed(doc.rulesets) for xpath in getattr(ruleset, field)]

    doc.sitename = _clip(found.sitename) or _clip(_node_name(_first_of(stated, "publisher")))
    page_title = found.title or _first_value(tree, [etree.XPath("//h1")])
    doc.title = _first_value(tree, from_rules("title")) or headline(page_title, doc.sitename, doc.url)

    rule_authors = next(filter(None, (_values(tree, xpath) for xpath in from_rules("author"))), [])
    doc.author = (
        clean_authors(rule_authors)
        or clean_authors((found.author or "").split(";"))
        or clean_authors(_byline(_around_headline(tree, marks.headline)).split(";"))
    )

    rule_date = _first_value(tree, from_rules("date"))
    doc.date = (rule_date and normalise_date(rule_date, MIN_STATED_DATE)) or _page_date(tree, doc.url, stated, marks)

    doc.description = _clip(found.description) or _clip(_text_of(_first_of(stated, "description")))
    doc.categories = _terms(found.categories or _as_list(_first_of(stated, "articleSection")))
    doc.tags = _terms(found.tags or _keywords(_first_of(stated, "keywords")))
    doc.image = _clip(found.image) or _clip(_image_url(_first_of(stated, "image")))
    doc.license = _page_license(marks.licenses, stated)


def headline(title: str | None, sitename: str | None, url: str | None) -> str | None:
    """``title`` without the site's name before or after it ("Storm hits coast - The Daily | News")."""
    if not title:
        return None
    title = " ".join(title.split())
    names = {_key(sitename or "")} | {_key(label) for label in _host_labels(url)}
    names.discard("")
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not names:
        return title

    def is_site(part: str) -> bool:  # names the site: "Golem.de", "WELT", "The Daily" for thedaily.example
        key = _key(part)
        return bool(key) and any(name in key or (key in name and 2 * len(key) >= len(name)) for name in names)

    spans = _segments(title)
    start, end = 0, len(spans)
    while end - start > 1 and is_site(spans[end - 1][2]):
        end -= 1
    while end - start > 1 and is_site(spans[start][2]):
        start += 1
    return title[spans[start][0] : spans[end - 1][1]].strip() or title


def clean_authors(names: list[str]) -> str | None:
    """Distinct names, in order, joined with ", ": no URLs or e-mail addresses, at most ``MAX_AUTHORS``. A
    publisher named as the author stays: that is what the page says."""
    kept: dict[str, str] = {}
    for raw in names:
        name = _once(" ".join(_MAIL.sub(" ", raw).split()).strip(" ,;|-"))
        if not name or _URL_OR_MAIL.match(name) or "://" in name or len(name) > 100:
            continue
        if key := _key(name):
            kept.setdefault(key, name)
    return ", ".join(list(kept.values())[:MAX_AUTHORS]) or None


def _once(name: str) -> str:
    """A name written twice in a row ("Ana Duarte Ana Duarte", a byline's visible and hidden copy) once."""
    words = name.split()
    half = len(words) // 2
    return " ".join(words[:half]) if half and len(words) % 2 == 0 and words[:half] == words[half:] else name


def normalise_date(value: str, earliest: date = MIN_HEURISTIC_DATE) -> str | None:
    """An ISO 8601 date (with the time and offset when the value gives them in ISO form), or None when the
    value is no date, before ``earliest`` or more than a day in the future."""
    value = value.strip()
    parsed: date | None = None
    iso: str | None = None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        parsed, iso = moment.date(), moment.isoformat() if "T" in value else moment.date().isoformat()
    except ValueError:
        from htmldate.extractors import try_date_expr

        try:  # htmldate's own range check takes timestamps: its bounds stay within what those allow
            found = try_date_expr(value, "%Y-%m-%d", False, datetime(1800, 1, 1), datetime(2200, 1, 1))
        except (ValueError, OverflowError):
            found = None
        if found:
            parsed = date.fromisoformat(found)
            iso = found
    if parsed is None or not earliest <= parsed <= date.today() + timedelta(days=1):
        return None
    return iso


# Sources ---------------------------------------------------------------------------------------------


def _trafilatura_metadata(tree: HtmlElement, stated: list[dict[str, Any]]) -> Any:
    """trafilatura's reading of the meta tags and of the JSON-LD blocks (already parsed, here)."""
    from trafilatura import metadata as trafilatura_metadata

    found = trafilatura_metadata.examine_meta(tree)
    if found.author and " " not in found.author:  # as extract_metadata does: a single word is a handle
        found.author = None
    for block in stated:
        try:
            found = trafilatura_metadata.extract_json(block, found)
        except Exception as exc:  # trafilatura's JSON-LD reader on odd shapes: that block is skipped
            _LOG.debug("JSON-LD block not read: %s", exc)
    if not found.title:
        found.title = trafilatura_metadata.extract_title(tree)
    if not found.sitename:
        found.sitename = trafilatura_metadata.extract_sitename(tree)
    if found.sitename:  # a Twitter handle stands for the site's name
        found.sitename = found.sitename.lstrip("@")
    return found


def _byline(region: HtmlElement) -> str:
    """The byline: the first short text of an element marked as the author's, outside comments, sidebars,
    figures and dates, with trafilatura's name normalisation. One walk without regular expressions: the
    regex XPaths of trafilatura's ``extract_author`` and its deep copy of the tree cost 30 ms a page."""
    from trafilatura.metadata import normalize_authors

    found = _byline_candidates(region)
    for element in sorted(found, key=_byline_rank):  # sorted() is stable: page order within a rank
        if any(_outside_byline(node) for node in (element, *element.iterancestors())):
            continue
        skipped = set(element.iterdescendants("time", "figure", "script", "style", "img"))
        text = " ".join(_text_outside(element, skipped).split())
        if 2 < len(text) < 120:
            return normalize_authors(None, text) or ""
    return ""


def _byline_candidates(region: HtmlElement) -> list[HtmlElement]:
    """What ``.//author | .//*[self::a or ... self::li][@rel='author' or contains(@itemprop, 'author') or
    contains(@class, 'author') or contains(@class, 'Author') or contains(@class, 'byline') or contains(@id,
    'author')]`` selects, in page order, tested in one walk: libxml2 evaluated that XPath at 2.4 times the cost
    (it sorts and merges node sets at each step), 0.14 ms a page."""
    found = []
    for element in region.iterdescendants("author", *_BYLINE_TAGS):
        classes = element.get("class", "")
        if (
            element.tag == "author"
            or element.get("rel") == "author"
            or "author" in element.get("itemprop", "")
            or "author" in classes
            or "Author" in classes
            or "byline" in classes
            or "author" in element.get("id", "")
        ):
            found.append(element)
    return found


def _around_headline(tree: HtmlElement, headline: HtmlElement | None) -> HtmlElement:
    """Where a byline stands: the article or main element around the first <h1> (``headline``), or its fourth
    ancestor (searching there, not the whole page, makes the search several times cheaper); the page without one."""
    if headline is None:
        return tree
    region = headline
    for level, parent in enumerate(headline.iterancestors(), 1):
        region = parent
        if parent.tag in ("article", "main") or level == 4:
            break
    return region


def _byline_rank(element: HtmlElement) -> int:
    """0 for an unambiguous mark (rel, itemprop, class "author"), 1 for a class or id that mentions it."""
    exact = element.get("rel") == "author" or element.get("itemprop", "").startswith("author")
    return 0 if exact or element.get("class") in ("author", "byline") or element.tag == "author" else 1


def _outside_byline(node: HtmlElement) -> bool:
    if node.tag in ("figure", "time", "aside", "footer", "nav"):
        return True
    marks = f"{node.get('class', '')} {node.get('id', '')}".lower().split()
    return any(mark.startswith(_NOT_BYLINE) for mark in marks)  # "sidebar-left", not "post-share-style2"


def _text_outside(element: HtmlElement, discarded: set[HtmlElement]) -> str:
    """The text of ``element`` without that of its ``discarded`` descendants (their tails are kept)."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node in discarded:
                skipping += 1
            elif not skipping and isinstance(node.tag, str):
                parts.append(node.text or "")
            continue
        if node in discarded:
            skipping -= 1
        if not skipping and node is not element:
            parts.append(node.tail or "")
    return " ".join(parts)


def _json_ld(scripts: list[HtmlElement]) -> list[dict[str, Any]]:
    """The objects of the page's JSON-LD blocks that parse and are not too large; article-like ones first."""
    objects: list[dict[str, Any]] = []
    for script in scripts:
        text = script.text or ""
        if not text.strip() or len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):  # invalid, or nested deeper than Python's recursion limit
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                objects += [node for node in graph if isinstance(node, dict)] if isinstance(graph, list) else [item]
    return sorted(objects, key=lambda node: not _is_article(node))[:MAX_JSON_LD_NODES]


def _page_date(tree: HtmlElement, url: str | None, stated: list[dict[str, Any]], marks: Marks) -> str | None:
    """htmldate's publication date, unless it is the day the page says it was modified and a publication-date
    field states another; else a date a publication-date field states, even an old one."""
    from htmldate import find_date

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            url=url,
            min_date=MIN_HEURISTIC_DATE.isoformat(),
            max_date=tomorrow,
        )
    except Exception as exc:  # htmldate on a page it cannot read: no date rather than no document
        _LOG.debug("htmldate failed: %s", exc)
        found = None
    checked = found and normalise_date(found)
    if checked and checked[:10] not in _modified_days(stated, marks):
        return checked
    candidates = [str(node.get("datePublished")) for node in stated if node.get("datePublished")]
    candidates += marks.published
    published = next(filter(None, (normalise_date(value, MIN_STATED_DATE) for value in candidates)), None)
    return published if not checked or (published and published[:10] != checked[:10]) else checked


def _modified_days(stated: list[dict[str, Any]], marks: Marks) -> set[str]:
    """The days the page says it was modified on (YYYY-MM-DD)."""
    values = [str(node.get("dateModified")) for node in stated if node.get("dateModified")]
    values += marks.modified
    return {day[:10] for value in values if (day := normalise_date(value, MIN_STATED_DATE))}


def _page_license(links: list[HtmlElement], stated: list[dict[str, Any]]) -> str | None:
    from trafilatura.metadata import parse_license_element

    for link in links:
        if "license" not in link.get("rel", "").lower().split():
            continue
        if found := parse_license_element(link, strict=False) or (link.tag == "link" and link.get("href")):
            return _clip(found)
    return _clip(_text_of(_first_of(stated, "license")))


# Helpers ----------------------------------------------------------------------------------------------


def _is_article(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.endswith(_ARTICLE_TYPES) for kind in kinds)


def _first_of(stated: list[dict[str, Any]], key: str) -> Any:
    return next((node[key] for node in stated if node.get(key)), None)


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text_of(value.get("name") or value.get("url") or value.get("@id"))
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return None


def _node_name(value: Any) -> str | None:
    return _text_of(value.get("name")) if isinstance(value, dict) else _text_of(value)


def _image_url(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text_of(value.get("url") or value.get("contentUrl"))
    return _text_of(value)


def _as_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split(",")
    return _as_list(value)


def _terms(values: list[str]) -> tuple[str, ...]:
    kept = dict.fromkeys(clipped for value in values if (clipped := _clip(value, 200)))
    return tuple(list(kept)[:MAX_TAGS])


def _clip(value: str | None, limit: int = MAX_FIELD_CHARS) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:limit] or None


def _key(text: str) -> str:
    return "".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


def _host_labels(url: str | None) -> list[str]:
    host = urlsplit(url).hostname or "" if url else ""
    labels = host.split(".")
    return [label for label in labels[:-1] if len(label) > 3 and label != "www"] + ([host] if host else [])


def _segments(title: str) -> list[tuple[int, int, str]]:
    """The parts of a title between separators, with their positions."""
    spans, start = [], 0
    for match in _TITLE_SEPARATORS.finditer(title):
        spans.append((start, match.start(), title[start : match.start()]))
        start = match.end()
    spans.append((start, len(title), title[start:]))
    return spans


def _first_value(tree: HtmlElement, xpaths: list[etree.XPath]) -> str | None:
    return next((values[0] for xpath in xpaths if (values := _values(tree, xpath))), None)


def _values(tree: HtmlElement, xpath: etree.XPath) -> list[str]:
    """The non-empty string values of what ``xpath`` selects, whitespace collapsed; none when it fails on this
    page (prune reports the failure: ``graby.drop_metadata_nodes`` evaluates the same expressions)."""
    found, _ = evaluate(xpath, tree)
    items = found if isinstance(found, list) else [found]
    texts = (item.text_content() if isinstance(item, HtmlElement) else str(item) for item in items)
    return [text for text in (" ".join(t.split()) for t in texts) if text]
