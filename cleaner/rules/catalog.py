"""The catalog the stages consult: every rule set of the shipped rules/ and the user's folders, in order.

A rule set is one TOML file (``cleaner.rules.toml``) or one fivefilters ftr-site-config file
(``example.com.txt``, ``cleaner.rules.ftr``). TOML files are validated completely when loaded; ftr files
come from the community by the thousand, so what cannot be used in them is a ``Notice`` instead: listed
once per run, never fatal.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from cleaner.errors import RuleError, translated
from cleaner.rules import ftr as ftr_module
from cleaner.rules import model as model_module
from cleaner.rules import xpath as xpath_module
from cleaner.rules.cache import rules_cache_dir
from cleaner.rules.ftr import FINGERPRINTS, NOT_A_SITE_CONFIG, load_site_config, site_config_key
from cleaner.rules.model import Notice, RuleSet
from cleaner.rules.toml import Phrases, load_phrases, load_toml_ruleset

# the code that turns an ftr file into a rule set: a cache written by another version of it is not used
_CODE_DIGEST = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (ftr_module, model_module, xpath_module))
).hexdigest()
# the rule folders of a command-line run, for the process its workers are forked from (engines/warm.py)
RULES_ENV = "CLEANER_PRELOAD_RULES"
_KIND_ORDER = {"generic": 0, "global": 1, "platform": 2, "site": 3}  # from the least specific to the most


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one catalog per set of rule folders
class Catalog:
    """Every loaded rule set, in a fixed order: generic, global, platforms, sites; each group by name."""

    rulesets: tuple[RuleSet, ...]
    notices: tuple[Notice, ...] = ()  # of files that were not loaded; each rule set carries its own

    @cached_property
    def generic(self) -> tuple[RuleSet, ...]:
        return tuple(r for r in self.rulesets if r.always)

    @cached_property
    def specific(self) -> tuple[RuleSet, ...]:
        return tuple(r for r in self.rulesets if not r.always)

    @cached_property
    def by_name(self) -> dict[str, RuleSet]:
        return {r.name: r for r in self.rulesets}

    @cached_property
    def fingerprinted(self) -> tuple[RuleSet, ...]:
        """The rule sets a document may match other than by its host: every one resolve must look at."""
        return tuple(r for r in self.specific if r.everywhere or r.generators or r.html_markers or r.text_markers)

    @cached_property
    def position(self) -> dict[str, int]:
        return {r.name: i for i, r in enumerate(self.rulesets)}

    def for_host(self, host: str | None) -> list[RuleSet]:
        """The site rule sets of a host, found in an index rather than by trying every rule set: those whose
        domains hold the host or a parent of it, and the one ftr file graby would pick (the exact host, else
        the wildcard file of its parent: ``.example.com.txt`` for ``news.example.com``)."""
        if not host:
            return []
        host = host.lower().removeprefix("www.")
        labels = host.split(".")
        found = [r for i in range(len(labels)) for r in self._by_domain.get(".".join(labels[i:]), ())]
        parent = "." + host.split(".", 1)[1] if "." in host else None
        ftr = self._by_host.get(host) or (self._by_host.get(parent) if parent else None)
        return found + ([ftr] if ftr else [])

    @cached_property
    def _by_domain(self) -> dict[str, list[RuleSet]]:
        index: dict[str, list[RuleSet]] = {}
        for ruleset in self.specific:
            for domain in ruleset.domains:
                index.setdefault(domain, []).append(ruleset)
        return index

    @cached_property
    def _by_host(self) -> dict[str, RuleSet]:
        return {r.host: r for r in self.specific if r.host}

    @cached_property
    def routing(self) -> str:
        """Digest of what decides which rule sets apply to a document: their names and match sections."""
        lines = [
            repr((r.name, r.always, r.domains, r.host, r.everywhere, r.generators, r.html_markers, r.text_markers))
            for r in self.rulesets
        ]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def for_fingerprint(self, html: str, present: frozenset[str]) -> RuleSet | None:
        """The ftr file graby adds for a page carrying one of its fingerprints (a Blogger or WordPress
        generator, Medium, ippen.media, Substack): ``fingerprint.<host>.txt``, else its parent's wildcard file.
        ``present``: the fingerprints' literals that occur in ``html`` (rules/needles.py), most often none."""
        head_ends = None
        for literal, pattern, host in FINGERPRINTS:
            if literal not in present:
                continue
            if head_ends is None:
                head_ends = html.find("</head>")
                head_ends = head_ends if head_ends > 0 else len(html)
            ends = len(html) if host == "fingerprint.ippen.media" else head_ends  # a script; the others are <head> tags
            if html.find(literal, 0, ends) >= 0 and pattern.search(html, 0, ends):
                return self._by_host.get(host) or self._by_host.get("." + host.split(".", 1)[1])
        return None

    def headers_for(self, host: str | None) -> dict[str, str]:
        """What the ftr files of ``host`` ask to send with its requests (``http_header(user-agent): ...``):
        global.txt's, then the site's over them, as graby merges them."""
        site = self.site_configs(host)
        everywhere = [r for r in self.specific if r.ftr and r.everywhere] if all(r.autodetect for r in site) else []
        return {name: value for r in [*everywhere, *site] for name, value in r.headers}

    def site_configs(self, host: str | None) -> list[RuleSet]:
        """The ftr file graby would pick for ``host`` (``for_host``), as a list of none or one."""
        return [r for r in self.for_host(host) if r.ftr]

    @cached_property
    def _all_notices(self) -> tuple[Notice, ...]:
        return (*self.notices, *(n for r in self.rulesets for n in r.notices))

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """One line per thing ignored in the rule files, what a user can act on first, grouped by directive;
        a message many files share is listed once, with a count."""
        lines = []
        for actionable in (True, False):
            notices = sorted(
                (n for n in self._all_notices if n.actionable == actionable), key=lambda n: (n.directive, str(n.path))
            )
            lines += [f"{n.where}: {n.message}" for n in notices if not n.shared]
            shared: dict[str, list[Notice]] = {}
            for notice in notices:
                if notice.shared:
                    shared.setdefault(notice.message, []).append(notice)
            for message, group in shared.items():
                files = len({n.path for n in group})
                lines.append(f"{message} ({files} file{'s' if files > 1 else ''}, first {group[0].where})")
        return tuple(lines)

    def summary(self, dirs: tuple[Path, ...]) -> str | None:
        """The one line a run prints about its rule files' notices (``rules check`` lists them), or None."""
        problems = sum(n.actionable for n in self._all_notices)
        if not problems:
            return None
        ftr = sum(r.ftr for r in self.rulesets)
        folders = "".join(f" --rules {d}" for d in dirs)
        what = f"{ftr:,} ftr files" if ftr else "rule files"
        return (
            f"{what}: {problems} problem{'s' if problems > 1 else ''}; run `cleaner rules check{folders}` for details"
        )


def shipped_rules_dir() -> Path:
    """The rules/ folder: packaged as cleaner/data/rules in a wheel, at the repository root in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "data" / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def catalog_dirs(extra_dirs: tuple[Path, ...] = (), *, shipped: bool = True) -> tuple[Path, ...]:
    """The rule folders a catalog is read from, in order; RuleError for one that does not exist."""
    dirs = ((shipped_rules_dir(),) if shipped else ()) + tuple(extra_dirs)
    for folder in dirs:
        if not folder.is_dir():
            raise RuleError(str(folder), "rules folder not found")
    return dirs


@cache
def load_catalog(extra_dirs: tuple[Path, ...] = (), *, shipped: bool = True) -> Catalog:
    """Load the shipped rules, then each extra folder; a later rule set replaces one of the same name."""
    dirs = catalog_dirs(tuple(extra_dirs), shipped=shipped)
    phrases = load_phrases(dirs)
    already_loaded = _shipped_rulesets(phrases) if shipped and extra_dirs else {}
    by_name: dict[str, RuleSet] = {}
    notices: list[Notice] = []
    for folder in dirs:
        files = rule_files(folder)
        for path in files:
            if path.suffix == ".toml":
                ruleset = already_loaded.get(path) or load_ruleset(path, phrases, vetted=shipped_rules_dir())
                by_name[ruleset.name] = ruleset
        for config in _site_configs(folder, [path for path in files if path.suffix == ".txt"]):
            if isinstance(config, Notice):
                notices.append(config)
            else:
                by_name[config.name] = config
    ordered = sorted(by_name.values(), key=lambda r: (_KIND_ORDER[r.kind], r.name))
    return Catalog(tuple(ordered), tuple(notices))


# Freed while the interpreter is whole: left to its shutdown, a folder's catalog took 0.3 s more to free (measured
# in the process batch workers are forked from, and in the command), as much as loading it from the cache.
atexit.register(load_catalog.cache_clear)


def _shipped_rulesets(phrases: Phrases) -> dict[Path, RuleSet]:
    """The shipped TOML rule sets as the catalog without extra folders loaded them, by file, when the extra
    folders bring no phrases of their own (the rule sets are then the same): the process batch workers are
    forked from loads both catalogs, and compiling the shipped rules a second time cost it 0.15 s."""
    alone = load_phrases(catalog_dirs())
    if (phrases.digest, phrases.sources) != (alone.digest, alone.sources):
        return {}
    return {r.path: r for r in load_catalog(()).rulesets if r.path.suffix == ".toml"}


def _site_configs(folder: Path, paths: list[Path]) -> list[RuleSet | Notice]:
    """The ftr files of a folder, read and checked once: the result is cached (``rules_cache_dir``) under a
    key made of their names, sizes and modification times, so that a run's workers, and the next runs,
    load it instead of reading and checking 2,000 files again."""
    if not paths:
        return []
    stats = [(str(path.relative_to(folder)), *_size_and_mtime(path)) for path in paths]
    key = hashlib.sha256(repr((_CODE_DIGEST, str(folder.resolve()), stats)).encode()).hexdigest()
    cache = rules_cache_dir() / f"ftr-{key[:32]}.pickle"
    with contextlib.suppress(Exception):  # no cache, or one from elsewhere: read the files
        return pickle.loads(cache.read_bytes())
    loaded: list[RuleSet | Notice] = []
    for path in paths:
        if site_config_key(path) is None:
            loaded.append(Notice(path, None, f"{NOT_A_SITE_CONFIG}; ignored", actionable=False))
        else:
            loaded.append(load_site_config(path))
    with contextlib.suppress(OSError):  # a read-only home: every run reads the files
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, cache)
    return loaded


def _size_and_mtime(path: Path) -> tuple[int, int]:
    with translated(str(path), RuleError):
        stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def rule_files(folder: Path) -> list[Path]:
    """TOML rule files and ftr files (``*.txt``) under ``folder``; not in ``lang/`` (phrase lists), ``samples/``
    (saved pages of ftr tests) or hidden folders (``.git``). Hidden files are rule files: ``.example.com.txt``."""
    found = []
    for top, subfolders, names in os.walk(folder):
        subfolders[:] = [d for d in subfolders if d not in ("lang", "samples") and not d.startswith(".")]
        found += [Path(top, name) for name in names if name.endswith((".toml", ".txt"))]
    return sorted(found)


def load_ruleset(path: Path, phrases: Phrases | None = None, *, vetted: Path | None = None) -> RuleSet:
    """Load and validate one rule file, TOML or ftr; ``RuleError`` names the file, the key and the problem
    (``vetted``: the shipped rules folder, see ``load_toml_ruleset``)."""
    return load_site_config(path) if path.suffix == ".txt" else load_toml_ruleset(path, phrases, vetted=vetted)
