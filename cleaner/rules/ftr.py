"""fivefilters ftr-site-config files (``example.com.txt``), read into the same ``RuleSet`` as TOML files.

One plain-text file per host, lines ``directive: value``, ``#`` comments (format: rules/README.md). The
file name says what it matches: ``example.com.txt`` that host (``www.`` ignored), ``.example.com.txt``
a host one label below it, ``global.txt`` every site, ``fingerprint.example.com.txt`` pages that carry
a fingerprint graby knows (``FINGERPRINTS``). They are applied with graby's order and semantics
(``stages/prune.py``; the differences kept on purpose are listed in rules/README.md):

- ``body``, ``title``, ``author``, ``date``: XPath 1.0 expressions (evaluated by lxml); for each, the
  first expression that matches wins. The nodes ``title``, ``author`` and ``date`` select are removed.
- ``strip`` (and its alias ``strip_attr``): the nodes an XPath selects are removed (elements, attributes,
  text). ``strip_id_or_class``: elements whose class or id holds the value as a whole whitespace-separated
  token (case-sensitive, quotes removed: what graby queries), found through the attribute index.
  ``strip_image_src``: images whose src contains the value. The author's expression is meant literally,
  so these rules have no share guard.
- ``prune: no``: a matched ``body`` is kept as it is instead of being filtered by trafilatura.
- ``find_string``/``replace_string`` pairs and ``replace_string(needle): replacement`` rewrite the raw
  HTML before it is parsed.
- ``autodetect_on_failure: no``: neither global.txt nor a fingerprint file applies to the site.
- ``http_header(user-agent|referer|cookie|accept)``: sent when fetching the site's pages.
- ``test_url`` and ``test_contains`` become offline test cases; the page must be saved first (``sample_path``).

Files in the wild hold typos, XPath 2.0 functions and directives no consumer implements: each becomes a
``Notice`` (never fatal) and the line is ignored. Only a file that cannot be read at all is a ``RuleError``.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.errors import RuleError, translated
from cleaner.rules import xpath as xpaths
from cleaner.rules.model import HtmlRule, Notice, RuleSet, RuleTest, SimpleSelector
from cleaner.sources.files import read_regular

GLOBAL = "global"
NOT_A_SITE_CONFIG = "not an ftr site config: named neither after a host (example.com.txt) nor global.txt"
_HOST_NAME = re.compile(r"\.?(?:[\w-]+\.)+[\w-]+")
# The directive takes what precedes "(" or ":" possessively and is stripped after: a lazy name followed by
# \s* made a line of spaces quadratic.
_LINE = re.compile(r"(?P<directive>[^:(]*+)(?:\((?P<argument>.*?)\))?\s*:(?P<value>.*)")

# graby's fingerprints: a page whose HTML matches is also given the file of that host (or of its parent
# wildcard: fingerprint.blogspot.com -> .blogspot.com.txt), after the site's and global.txt.
FINGERPRINTS = (  # (a string the page must hold, the pattern graby matches, the host whose file it gets)
    (
        "generator",
        re.compile(r"""<meta\s*content=(['"])blogger\1\s*name=(['"])generator\2""", re.I),
        "fingerprint.blogspot.com",
    ),
    (
        "generator",
        re.compile(r"""<meta\s*name=(['"])generator\1\s*content=(['"])Blogger\2""", re.I),
        "fingerprint.blogspot.com",
    ),
    (
        "generator",
        re.compile(r"""<meta\s*name=(['"])generator\1\s*content=(['"])WordPress""", re.I),
        "fingerprint.wordpress.com",
    ),
    (
        "al:ios:app_name",
        re.compile(
            r"""<meta\s*data-rh=(['"])true\1\s*property=(['"])al:ios:app_name\2\s*content=(['"])Medium\3""", re.I
        ),
        "fingerprint.medium.com",
    ),
    (
        "de.ippen-digital.story.onlineId",
        re.compile(r"""<script>[^\n]*\{(['"])de\.ippen-digital\.story\.onlineId\1""", re.I),
        "fingerprint.ippen.media",
    ),
    (
        "substackcdn.com",
        re.compile(
            r"""<link\s*rel=(['"])stylesheet\1\s*type=(['"])text/css\2\s*href=(['"])https://substackcdn\.com/"""
        ),
        "fingerprint.substack.com",
    ),
)
_FINGERPRINT_HOSTS = frozenset(host for _, _, host in FINGERPRINTS)

# graby's query for strip_id_or_class, for a value with whitespace in it (the index answers the others);
# the value is passed as a variable, never pasted into the expression.
_ID_OR_CLASS = xpaths.Expression(
    "//*[contains(concat(' ', normalize-space(@class), ' '), concat(' ', $token, ' '))"
    " or contains(concat(' ', normalize-space(@id), ' '), concat(' ', $token, ' '))]"
)
_IMAGE_SRC = xpaths.Expression("//img[contains(@src, $needle)]")
_HEADERS = ("user-agent", "referer", "cookie", "accept")  # the request headers graby lets a file set

_MULTI_PAGE = "multi-page articles are followed by single_page_link and next_page_link only"
_LOGIN = "logging in to sites is not supported"
_NO_EFFECT = {  # directives Full-Text RSS or graby know that do nothing here, and why
    "tidy": "pages are parsed by lxml, never tidied",
    "parser": "pages are always parsed by lxml",
    "single_page_link_in_feed": _MULTI_PAGE,
    "if_page_contains": _MULTI_PAGE,
    "autodetect_next_page": _MULTI_PAGE,
    "requires_login": _LOGIN,
    "login_uri": _LOGIN,
    "login_username_field": _LOGIN,
    "login_password_field": _LOGIN,
    "login_extra_fields": _LOGIN,
    "not_logged_in_xpath": _LOGIN,
    "native_ad_clue": "native ads are not detected",
    "skip_json_ld": "JSON-LD is not read",
    "src_lazy_load_attr": "images are not kept in the text",
    "insert_detected_image": "images are not kept in the text",
    "wrap_in": "wrapping elements does not change the text",
    "dissolve": "dissolving an element keeps its text, as here",
    "strip_comments": "HTML comments are never part of the text",
    "convert_double_br_tags": "line breaks are read by the extractor",
    "move_into": "moving elements is not done: their text stays where it is",
    "footnotes": "footnotes are kept where the page has them",
}
_WITH_ARGUMENT = frozenset({"replace_string", "http_header", "move_into", "wrap_in"})
_LINK_DIRECTIVES = ("single_page_link", "next_page_link")  # read by the fetcher (sources/fetch/pages.py)
_XPATH_DIRECTIVES = ("body", "title", "author", "date", *_LINK_DIRECTIVES, "strip", "strip_attr")
_SWITCHES = ("prune", "autodetect_on_failure")
_DIRECTIVES = (
    *_XPATH_DIRECTIVES,
    *("strip_id_or_class", "strip_image_src", *_SWITCHES, "find_string", "replace_string", "http_header"),
    *("test_url", "test_contains"),
    *_NO_EFFECT,
)


def site_config_key(path: Path) -> str | None:
    """What graby looks a file up by (``example.com``, ``.example.com`` or ``global``); None for a ``.txt``
    file whose name is neither a host nor ``global.txt``."""
    key = path.name.removesuffix(".txt").lower()
    return key if key == GLOBAL or _HOST_NAME.fullmatch(key) else None


def sample_path(config: Path, url: str) -> Path:
    """Where the saved page of an ftr ``test_url`` is looked for: ``samples/<sha256 of the URL, 16 hex
    digits>.html`` in the folder of the ftr file."""
    return config.parent.joinpath("samples", hashlib.sha256(url.encode()).hexdigest()[:16] + ".html")


def load_site_config(path: Path) -> RuleSet:
    """Read one ftr file into a rule set; RuleError only when the file cannot be read."""
    with translated(str(path), RuleError):
        data = read_regular(path)
    key = site_config_key(path)
    if key is None:
        raise RuleError(str(path), NOT_A_SITE_CONFIG)
    reading = _Reading(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        reading.notice(None, "not UTF-8: undecodable bytes replaced")
    for number, line in enumerate(text.splitlines(), start=1):
        reading.read_line(number, line.strip())
    if key.startswith("fingerprint.") and key not in _FINGERPRINT_HOSTS:
        known = ", ".join(sorted(_FINGERPRINT_HOSTS))
        reading.notice(None, f"no fingerprint is known for {key}, so this file never applies (known: {known})")
    return reading.ruleset(key, hashlib.sha256(data).hexdigest())


@dataclass
class _Reading:
    """What the lines of one ftr file said so far."""

    path: Path
    xpaths: dict[str, list[xpaths.Expression]] = field(
        default_factory=lambda: {d: [] for d in ("body", "title", "author", "date", *_LINK_DIRECTIVES)}
    )
    html_rules: list[HtmlRule] = field(default_factory=list)
    switches: dict[str, bool] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    finds: list[tuple[int, str]] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    tests: list[tuple[str, list[str]]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def notice(
        self, number: int | None, message: str, *, directive: str = "", shared: bool = False, actionable: bool = True
    ) -> None:
        self.notices.append(Notice(self.path, number, message, shared, directive, actionable))

    def read_line(self, number: int, line: str) -> None:
        if not line or line.startswith("#"):
            return
        parsed = _LINE.fullmatch(line)
        if parsed is None or not parsed["directive"].strip():
            self.notice(number, "not a 'directive: value' line; ignored")
            return
        directive, argument, value = parsed["directive"].strip(), parsed["argument"], parsed["value"].strip()
        if directive in _NO_EFFECT:
            message = f"ftr directive {directive!r} has no effect here: {_NO_EFFECT[directive]}"
            self.notice(number, message, directive=directive, shared=True, actionable=False)
        elif directive not in _DIRECTIVES or (argument is not None and directive not in _WITH_ARGUMENT):
            close = difflib.get_close_matches(directive, _DIRECTIVES, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close else ""
            shown = line.split(":", 1)[0].strip()
            self.notice(number, f"unknown ftr directive {shown!r}{hint}; ignored", directive=directive, shared=True)
        elif directive == "replace_string" and argument is not None:
            self.finds.append((number, argument))
            self.replaces.append(value)
        elif directive == "http_header":
            self.header(number, argument, value)
        elif directive == "replace_string":
            self.replaces.append(value)
        elif directive == "find_string":  # even empty: values pair up by their order
            self.finds.append((number, value))
        elif not value:
            self.notice(number, f"{directive}: no value; ignored", directive=directive)
        else:
            self.directive(number, directive, value)

    def header(self, number: int, name: str | None, value: str) -> None:
        name = (name or "").strip().lower()
        if name not in _HEADERS:
            self.notice(
                number, f"http_header({name}): graby sends only {', '.join(_HEADERS)}; ignored", directive="http_header"
            )
        elif value:
            self.headers[name] = value

    def directive(self, number: int, directive: str, value: str) -> None:
        name = f"{directive}-line{number}"
        if directive in _XPATH_DIRECTIVES:
            xpath = self.xpath(number, directive, value)
            if xpath is not None and directive in self.xpaths:
                self.xpaths[directive].append(xpath)
            elif xpath is not None:  # strip, strip_attr (graby's alias of strip)
                self.html_rules.append(_literal_rule(name, 1, xpath=xpath, needs=xpaths.required_strings(value)))
        elif directive == "strip_id_or_class":
            token = " ".join(_unquoted(value).split())
            if not token:
                self.notice(number, f"{directive}: no value; ignored", directive=directive)
            elif " " not in token:  # a whole token: the attribute index answers it
                selectors = (SimpleSelector(None, frozenset({token}), None), SimpleSelector(None, frozenset(), token))
                self.html_rules.append(_literal_rule(name, 2, simple=selectors, needs=(token,)))
            else:
                self.html_rules.append(_literal_rule(name, 2, xpath=_ID_OR_CLASS, needs=(token,), token=token))
        elif directive == "strip_image_src":
            needle = _unquoted(value)
            self.html_rules.append(_literal_rule(name, 3, xpath=_IMAGE_SRC, needs=(needle,), needle=needle))
        elif directive in _SWITCHES:
            if value.lower() in ("yes", "true", "no", "false"):
                self.switches[directive] = value.lower() in ("yes", "true")
            else:
                self.notice(number, f"{directive}: expected yes or no, not {value!r}; ignored", directive=directive)
        elif directive == "test_url":
            self.tests.append((value, []))
        elif self.tests:  # test_contains
            self.tests[-1][1].append(value)
        else:
            self.notice(number, "test_contains before any test_url; ignored", directive=directive)

    def xpath(self, number: int, directive: str, expression: str) -> xpaths.Expression | None:
        compiled = xpaths.compiled(expression)
        if isinstance(compiled, str):
            self.notice(number, f"{directive}: {compiled}; ignored", directive=directive)
            return None
        return compiled

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """find_string and replace_string values pair up by order, as in graby; if their numbers differ,
        none of them is used."""
        if len(self.finds) != len(self.replaces):
            self.notice(
                None,
                f"{len(self.finds)} find_string and {len(self.replaces)} replace_string values do not pair up; "
                "all ignored",
                directive="find_string",
            )
            return ()
        pairs = []
        for (number, find), replace in zip(self.finds, self.replaces, strict=True):
            if find:
                pairs.append((find, replace))
            else:
                self.notice(number, "find_string: nothing to find; ignored", directive="find_string")
        return tuple(pairs)

    def ruleset(self, key: str, digest: str) -> RuleSet:
        if key == GLOBAL:
            description = "ftr site config for every site"
        elif key.startswith("fingerprint."):
            description = f"ftr site config for pages with the {key.removeprefix('fingerprint.')} fingerprint"
        elif key.startswith("."):
            description = f"ftr site config for hosts one label below {key[1:]}"
        else:
            description = f"ftr site config for {key}"
        replacements = self.pairs()
        # graby: all strip, then all strip_id_or_class, then all strip_image_src, each in file order
        html_rules = sorted(self.html_rules, key=lambda rule: rule.phase)
        return RuleSet(
            name=self.path.name,
            path=self.path,
            description=description,
            always=False,
            domains=(),
            generators=(),
            html_markers=(),
            text_markers=(),
            html_rules=tuple(html_rules),
            text_rules=(),
            tests=tuple(
                RuleTest(sample_path(self.path, url), url, tuple(contains), (), optional=True)
                for url, contains in self.tests
            ),
            digest=digest,
            host=None if key == GLOBAL else key,
            everywhere=key == GLOBAL,
            body=tuple(self.xpaths["body"]),
            prune_body=self.switches.get("prune", True),
            title=tuple(self.xpaths["title"]),
            author=tuple(self.xpaths["author"]),
            date=tuple(self.xpaths["date"]),
            replacements=replacements,
            notices=tuple(self.notices),
            ftr=True,
            autodetect=self.switches.get("autodetect_on_failure", True),
            headers=tuple(self.headers.items()),
            single_page_link=tuple(self.xpaths["single_page_link"]),
            next_page_link=tuple(self.xpaths["next_page_link"]),
        )


def _literal_rule(
    name: str,
    phase: int,
    *,
    xpath: xpaths.Expression | None = None,
    simple: tuple[SimpleSelector, ...] = (),
    needs: tuple[str, ...] = (),
    **variables: str,
) -> HtmlRule:
    return HtmlRule(
        name=name,
        simple=simple,
        xpath=xpath,
        tokens=frozenset(),
        max_share=1.0,  # what an ftr author selected is removed, however much text it holds
        min_link_share=0.0,
        max_chars=None,
        variables=tuple(variables.items()),
        phase=phase,
        needs=needs,
    )


def _unquoted(value: str) -> str:
    return value.replace("'", "").replace('"', "")
