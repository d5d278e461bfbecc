"""Which regex engine runs the rule patterns (README, "Limits on hostile input"): what each costs per page,
whether they agree, and what each does with a pattern that backtracks catastrophically.

    python bench/rule_regexes.py [--pages DIR ...]

1. Every search the text rules make while cleaning the pages (by default the development pages of
   ../shared/eval or $CLEANER_EVAL, aeb and fundus) is recorded, then replayed on ``re`` (what shipped rules run on),
   on the ``regex`` engine, with ``timeout=`` and as a ``BoundedPattern`` (what a user's rules run on):
   time per page, and searches whose results differ.
2. The load-time probe (rules/regexes.py) over every shipped pattern, on both engines: lines, time, slow ones.
3. Classic catastrophic patterns on both engines, each stopped after 2 s.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import time
from pathlib import Path

import regex

from cleaner import Options, clean_html
from cleaner.rules import load_catalog
from cleaner.rules.literals import ScreenedPattern
from cleaner.rules.regexes import BoundedPattern, probe_lines, slow_line
from cleaner.stages.budget import time_budget, time_limit

EVAL = Path(os.environ.get("CLEANER_EVAL", Path(__file__).resolve().parent.parent.parent / "shared" / "eval"))
CATASTROPHIC = [
    (r"(a+)+$", "a" * 30 + "!"),
    (r"^(\w+\s?)+$", "word " * 8 + "w" * 20 + "!"),
    (r"(x|x)*y", "x" * 30),
    (r"(a|aa)+$", "a" * 40 + "!"),
    (r"\d+\s*$", "1" * 50_000 + "x"),
]


def recorded_searches(pages: list[Path]) -> list[tuple[re.Pattern[str], str]]:
    searches: list[tuple[re.Pattern[str], str]] = []

    class Recording:
        def __init__(self, compiled: re.Pattern[str]) -> None:
            self.compiled = compiled

        def search(self, text: str) -> re.Match[str] | None:
            searches.append((self.compiled, text))
            return self.compiled.search(text)

    for ruleset in load_catalog(Options().rules_dirs).rulesets:
        for rule in ruleset.text_rules:
            if isinstance(rule.regex, ScreenedPattern):  # recorded unscreened: every line a pattern is asked about
                object.__setattr__(rule, "regex", Recording(rule.regex.compiled))
    try:
        for page in pages:
            clean_html(gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes())
    finally:
        for ruleset in load_catalog(Options().rules_dirs).rulesets:
            for rule in ruleset.text_rules:
                if isinstance(rule.regex, Recording):
                    compiled = rule.regex.compiled
                    object.__setattr__(rule, "regex", ScreenedPattern(compiled.pattern, compiled.flags))
    return searches


def best_of(count: int, run) -> float:
    best = float("inf")
    for _ in range(count):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def engines(pages: list[Path]) -> None:
    searches = recorded_searches(pages)
    patterns = {compiled for compiled, _ in searches}
    on_regex = {p: regex.compile(p.pattern, p.flags | regex.VERSION0) for p in patterns}
    bounded = {p: BoundedPattern(on_regex[p], "bench") for p in patterns}
    differ = sum(
        (a.span() if a else None) != (b.span() if b else None)
        for a, b in ((p.search(text), on_regex[p].search(text)) for p, text in searches)
    )
    times = {
        "re": best_of(3, lambda: [p.search(text) for p, text in searches]),
        "regex": best_of(3, lambda: [on_regex[p].search(text) for p, text in searches]),
        "regex, timeout=": best_of(3, lambda: [on_regex[p].search(text, timeout=30.0) for p, text in searches]),
    }
    with time_budget(60, "bench"):
        times["BoundedPattern"] = best_of(3, lambda: [bounded[p].search(text) for p, text in searches])
    print(f"{len(pages)} pages, {len(searches):,} searches by {len(patterns)} patterns; differing results: {differ}")
    for name, seconds in times.items():
        print(f"  {name:16} {seconds / len(pages) * 1e3:6.2f} ms a page  ({seconds / times['re']:.1f}x re)")
    raw = [gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes() for page in pages]
    cleaning = best_of(1, lambda: [clean_html(html) for html in raw]) / len(pages)
    extra = (times["BoundedPattern"] - times["re"]) / len(pages) / len(patterns)
    print(
        f"  a page takes {cleaning * 1e3:.1f} ms to clean; a pattern bounded instead of on re adds"
        f" {extra * 1e6:.0f} us ({extra / cleaning:.1%} of it)"
    )


def probes() -> None:
    shipped = [
        r.regex
        for rs in load_catalog(Options().rules_dirs).rulesets
        for r in rs.text_rules
        if isinstance(r.regex, ScreenedPattern)
    ]
    lines = sum(len(probe_lines(p.pattern, p.flags)) for p in shipped)
    for name, search_of in [
        ("re", lambda p: p.search),
        ("regex", lambda p: (lambda c: lambda line: c.search(line, timeout=1))(regex.compile(p.pattern, p.flags))),
    ]:
        started = time.perf_counter()
        slow = [p.pattern[:40] for p in shipped if slow_line(p.pattern, p.flags, search_of(p)) is not None]
        print(
            f"probe of {len(shipped)} shipped patterns ({lines} lines) on {name}:"
            f" {time.perf_counter() - started:.2f} s, slow: {slow or 'none'}"
        )


def catastrophic() -> None:
    for pattern, line in CATASTROPHIC:
        shown = []
        for name, search in [
            ("re", re.compile(pattern).search),
            ("regex", regex.compile(pattern).search),
        ]:
            started = time.perf_counter()
            try:
                with time_limit(2, TimeoutError):
                    search(line, **({"timeout": 2} if name == "regex" else {}))
            except TimeoutError:
                shown.append(f"{name} over 2 s")
            else:
                shown.append(f"{name} {time.perf_counter() - started:.3f} s")
        print(f"{pattern!r:18} on {len(line):,} characters: {', '.join(shown)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, nargs="*", default=[EVAL / "aeb" / "html", EVAL / "fundus" / "html"])
    args = parser.parse_args()
    pages = sorted(p for folder in args.pages for p in folder.iterdir() if p.name.endswith((".html", ".html.gz")))
    engines(pages)
    probes()
    catastrophic()


if __name__ == "__main__":
    main()
