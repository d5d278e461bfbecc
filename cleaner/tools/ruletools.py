"""Maintaining rules: ``cleaner rules list``, ``rules check`` and ``rules test``.

A rule file's ``[[test]]`` cases clean a saved sample offline and check phrases that must stay and,
unlike other rule formats, phrases that must be gone: a share bar that comes back fails the test.
An ftr file's ``test_url`` cases run when the page was saved next to the file (``ftr.sample_path``);
otherwise they cannot run offline and are skipped, not failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import CleanerError
from cleaner.options import Options
from cleaner.rules import Catalog, RuleSet, RuleTest, catalog_dirs, load_catalog, load_phrases
from cleaner.sources.files import read_document
from cleaner.stages.pipeline import process


@dataclass(frozen=True)
class CaseResult:
    ruleset: str
    sample: Path
    problems: tuple[str, ...]  # empty when the case passes
    skipped: str | None = None  # why the case could not run

    @property
    def passed(self) -> bool:
        return not self.problems


def rules_check(rules_dirs: Sequence[Path] = ()) -> Catalog:
    """Load and validate every rule file, and every phrase (even of classes no rule uses); raises RuleError
    on the first broken one."""
    catalog = load_catalog(tuple(rules_dirs))
    load_phrases(catalog_dirs(tuple(rules_dirs))).check()
    return catalog


def rules_list(rules_dirs: Sequence[Path] = ()) -> list[dict[str, object]]:
    """One row per rule set: its name, file, kind, what it matches and how many rules it has."""
    return [
        {
            "name": r.name,
            "kind": r.kind,
            "file": str(r.path),
            "matches": _describe_match(r),
            "html_rules": len(r.html_rules) + bool(r.body),
            "text_rules": len(r.text_rules),
            "tests": len(r.tests),
        }
        for r in rules_check(rules_dirs).rulesets
    ]


def rules_test(rules_dirs: Sequence[Path] = ()) -> list[CaseResult]:
    """Run every rule file's self-tests; the rule sets of all folders take part, as in a real run."""
    catalog = rules_check(rules_dirs)
    return [_run_case(ruleset, case, tuple(rules_dirs)) for ruleset in catalog.rulesets for case in ruleset.tests]


def _run_case(ruleset: RuleSet, case: RuleTest, rules_dirs: tuple[Path, ...]) -> CaseResult:
    if case.optional and not case.sample.is_file():
        return CaseResult(ruleset.name, case.sample, (), skipped=f"{case.url}: not saved, so not runnable offline")
    # A generic rule set is tested alone: it must do its job where no site rules exist.
    options = Options(rules_dirs=rules_dirs, site_rules=not ruleset.always)
    try:
        doc = process(read_document(case.sample, url=case.url), options)
    except CleanerError as exc:
        return CaseResult(ruleset.name, case.sample, (str(exc),))
    text = doc.result().text
    problems = [f"missing: {phrase!r}" for phrase in case.contains if phrase not in text]
    problems += [f"still there: {phrase!r}" for phrase in case.not_contains if phrase in text]
    if ruleset.name not in (r.name for r in doc.rulesets):
        problems.append(f"the rule set {ruleset.name} did not apply to this sample")
    return CaseResult(ruleset.name, case.sample, tuple(problems))


def _describe_match(ruleset: RuleSet) -> str:
    if ruleset.always:
        return "every document"
    if ruleset.everywhere:
        return "every site"
    parts = []
    if ruleset.host:
        below = ruleset.host.startswith(".")
        parts.append(f"hosts one label below {ruleset.host[1:]}" if below else f"host {ruleset.host}")
    parts += [
        *(f"domain {d}" for d in ruleset.domains),
        *(f"generator ~{g}" for g in ruleset.generators),
        *(f"html ~{m}" for m in ruleset.html_markers),
        *(f"text ~{m}" for m in ruleset.text_markers),
    ]
    return ", ".join(parts)
