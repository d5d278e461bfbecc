"""The elements of a page that state something about it, found in one walk that resolve and metadata share.

Resolve reads the canonical link, og:url and the generator; metadata the JSON-LD blocks, licence links, the meta
and time elements that state dates, and the first ``<h1>``. Each walk over a page costs a tenth of a millisecond or
more, and an XPath walks it once per branch, so one walk serves both; it is kept on the document with the tree it
was read from (resolve parses the page again when ftr find/replace pairs rewrite it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from cleaner.document import Document

_MARKED_TAGS = ("script", "a", "link", "meta", "time", "h1")
# The meta and time elements that state a date, as (tag, attribute, its value); the date is in the element's
# content (meta) or datetime (time) attribute.
_STATED_MARKS = frozenset(
    {("meta", "property", "article:published_time"), ("meta", "itemprop", "datePublished")}
    | {("meta", "name", name) for name in ("date", "dc.date", "DC.date")}
    | {("time", "itemprop", "datePublished")}
)
# Where a page states when it was last changed: htmldate takes such a tag as its date when no publication tag
# stands among the meta tags (even though a JSON-LD datePublished says otherwise).
_MODIFIED_MARKS = frozenset(
    {("meta", "property", name) for name in ("article:modified_time", "og:updated_time", "og:modified_time")}
    | {("meta", "name", name) for name in ("last-modified", "lastmod", "modified")}
    | {("meta", "http-equiv", "last-modified"), ("meta", "itemprop", "dateModified")}
    | {("time", "itemprop", "dateModified")}
)
_MARKING_ATTRIBUTES = ("property", "name", "itemprop", "http-equiv")
_DATE_ATTRIBUTE = {"meta": "content", "time": "datetime"}


@dataclass
class Marks:
    """The page's elements that state something about it, in page order."""

    tree: HtmlElement | None = None  # what they were read from
    canonical: list[str] = field(default_factory=list)  # href of each <link rel="canonical">
    og_url: list[str] = field(default_factory=list)  # content of each <meta property="og:url">
    generator: list[str] = field(default_factory=list)  # content of each <meta name="generator">
    json_ld: list[HtmlElement] = field(default_factory=list)  # <script type="application/ld+json">
    licenses: list[HtmlElement] = field(default_factory=list)  # <a> and <link> with "license" in rel, and a href
    published: list[str] = field(default_factory=list)  # dates of the meta and time elements _STATED_MARKS names
    modified: list[str] = field(default_factory=list)  # and of those _MODIFIED_MARKS names
    headline: HtmlElement | None = None  # the first <h1>


def page_marks(doc: Document) -> Marks:
    """The marks of ``doc.tree`` (none for a text dump), read once for each tree."""
    marks = doc.marks
    if marks is None or marks.tree is not doc.tree:
        marks = doc.marks = _read(doc.tree)
    return marks


def _read(tree: HtmlElement | None) -> Marks:
    found = Marks(tree)
    if tree is None:
        return found
    for element in tree.iter(*_MARKED_TAGS):
        tag = element.tag
        if tag == "h1":
            if found.headline is None:
                found.headline = element
        elif tag == "script":
            if element.get("type") == "application/ld+json":
                found.json_ld.append(element)
        elif tag == "a" or tag == "link":  # most of the elements read: a page has hundreds of links
            rel = element.get("rel", "")
            if "license" in rel and element.get("href") is not None:
                found.licenses.append(element)
            if rel == "canonical" and tag == "link" and (href := element.get("href")) is not None:
                found.canonical.append(href)
        else:
            attributes = dict(element.items())  # one call for the four attributes that mark a date, and the date
            value = attributes.get(_DATE_ATTRIBUTE[tag])
            if value is None:
                continue
            marked = {(tag, name, attributes.get(name)) for name in _MARKING_ATTRIBUTES}
            if tag == "meta":
                if ("meta", "property", "og:url") in marked:
                    found.og_url.append(value)
                if ("meta", "name", "generator") in marked:
                    found.generator.append(value)
            if not marked.isdisjoint(_STATED_MARKS):
                found.published.append(value)
            if not marked.isdisjoint(_MODIFIED_MARKS):
                found.modified.append(value)
    return found
