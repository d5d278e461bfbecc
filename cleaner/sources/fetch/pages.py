"""Multi-page articles, as graby follows them: an ftr file's ``single_page_link`` points to the whole article
on one page, which replaces the page fetched; its ``next_page_link`` points to the article's next page, whose
body is joined after the first's, page after page. The fetcher does the requests (same origin, robots.txt
and the host's delay apply); this module reads the links and joins the pages.
"""

from __future__ import annotations

from collections.abc import Sequence

import lxml.html
from lxml import etree

from cleaner.rules.xpath import Expression, evaluate

MAX_PAGES = 10  # an article's pages joined at the most, the first included


def parsed(body: bytes, charset: str | None) -> lxml.html.HtmlElement | None:
    """The page as lxml reads it (in ``charset``, the HTTP header's, when given); None if it holds nothing."""
    parser = lxml.html.HTMLParser(encoding=charset) if charset else None
    try:
        return lxml.html.document_fromstring(body, parser=parser)
    except (etree.ParserError, LookupError, ValueError):
        return None


def link(page: lxml.html.HtmlElement, expressions: Sequence[Expression]) -> str | None:
    """The first link the expressions find, as graby reads it: a string result, or the ``href`` of the first
    element carrying one, or the first non-empty attribute. An expression failing on the page is passed by."""
    for expression in expressions:
        result, _ = evaluate(expression, page)
        if isinstance(result, str) and result.strip():
            return result.strip()
        for item in result if isinstance(result, list) else ():
            if isinstance(item, etree._Element) and item.get("href", "").strip():
                return item.get("href").strip()
            if isinstance(item, str) and getattr(item, "is_attribute", False) and item.strip():
                return item.strip()
    return None


def joined(pages: Sequence[lxml.html.HtmlElement], body: Sequence[Expression]) -> bytes:
    """The first page with what each following page adds, in order, as graby joins them: the article of
    each (the first element the site's ``body`` expressions select) appended to the first page's, or the
    whole body when ``body`` selects nothing; as UTF-8 HTML that says so (the pages' charsets no longer apply)."""
    first = pages[0]
    for meta in first.xpath("//meta[@charset or translate(@http-equiv, 'CONTENT-YP', 'content-yp')='content-type']"):
        meta.drop_tree()
    head = first.find("head")
    if head is None:
        head = etree.Element("head")
        first.insert(0, head)
    head.insert(0, etree.Element("meta", charset="utf-8"))
    into = _article(first, body)
    for page in pages[1:]:
        part = etree.SubElement(into, "div")  # no class: an extractor reads "next-page" as navigation
        article = _article(page, body) if into is not first.body else page.body
        part.text = article.text
        part.extend(list(article))
    return lxml.html.tostring(first, encoding="utf-8", doctype="<!DOCTYPE html>")


def _article(page: lxml.html.HtmlElement, body: Sequence[Expression]) -> lxml.html.HtmlElement:
    """The first element the first matching ``body`` expression selects, else the page's <body>."""
    for expression in body:
        result, _ = evaluate(expression, page)
        elements = [item for item in result if isinstance(item, etree._Element)] if isinstance(result, list) else []
        if elements:
            return elements[0]
    return page.body
