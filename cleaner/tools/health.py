"""Rule health over a batch: ``cleaner rules stale REPORT`` and the rule lines of ``clean``'s summary.

``cleaner clean --report FILE`` writes one JSON line per input (``batch.Outcome.manifest``) with the
rule sets applied to it, how many blocks each rule removed (``fired``) and whether the over-stripping
guard flagged it (``collapsed``: the text rules removed more than half of the extracted text). From
that, per rule set: how many documents it applied to, how often each of its rules fired, and which
never did; and the sites whose output collapsed, with the rules that removed most there.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError, translated
from cleaner.rules import Catalog, RuleSet, load_catalog

COUNTED = ("cleaned", "empty")  # the statuses whose rules and removals are known (see batch.Summary.add)
_EXAMPLES = 3
_TOP_RULES = 3


@dataclass(frozen=True)
class RuleSetHealth:
    name: str
    file: str
    documents: int  # documents it applied to
    fired: tuple[tuple[str, int], ...]  # (rule, blocks it removed) for each rule that fired, in file order
    never: tuple[str, ...]  # its rules that removed nothing in any of those documents

    def line(self) -> str:
        fired = ", ".join(f"{rule} {n}" for rule, n in self.fired) or "nothing"
        never = f"; never fired: {', '.join(self.never)}" if self.never else ""
        return f"{self.name} ({self.file}): applied to {counted(self.documents, 'document')}; fired: {fired}{never}"


@dataclass(frozen=True)
class CollapsedSite:
    site: str
    collapsed: int  # documents flagged by the over-stripping guard
    documents: int  # documents of the site in the batch
    rules: tuple[tuple[str, int], ...]  # the rules that removed most blocks in the flagged documents
    examples: tuple[str, ...]  # some flagged documents

    def line(self) -> str:
        rules = ", ".join(f"{rule} {n}" for rule, n in self.rules) or "no rule"
        return (
            f"{self.site}: {self.collapsed} of {counted(self.documents, 'document')}; most removed by {rules}; "
            f"e.g. {', '.join(self.examples)}"
        )


@dataclass(frozen=True)
class BatchHealth:
    documents: int  # documents cleaned or emptied by the batch: those the counts are about
    not_counted: int  # unchanged, skipped or failed inputs
    rulesets: tuple[RuleSetHealth, ...]  # the rule sets that applied to at least one document
    collapsed: tuple[CollapsedSite, ...]
    unknown: tuple[str, ...]  # rule sets in the report that the catalog no longer has
    # ftr files whose body or prune choice lost to the generic result: (file, documents, some of them)
    overridden: tuple[tuple[str, int, tuple[str, ...]], ...] = ()

    def text(self) -> str:
        """The report of ``cleaner rules stale``."""
        out = [f"{counted(self.documents, 'document')} cleaned in this batch"]
        if self.not_counted:
            out[0] += (
                f"; {self.not_counted} unchanged, skipped or failed are not counted (clean with --force to count all)"
            )
        out += ["", "rules that matched nothing (their rule set applied, the rule removed nothing):"]
        stale = [(r, rule) for r in self.rulesets for rule in r.never]
        out += [
            f"  {r.name}:{rule}  ({r.file}; applied to {counted(r.documents, 'document')})" for r, rule in stale
        ] or ["  none"]
        out += ["", "sites with collapsed output (the text rules removed more than half of the extracted text):"]
        out += [f"  {site.line()}" for site in self.collapsed] or ["  none"]
        out += ["", "site configs overridden (their body or prune choice gave a worse text than without them):"]
        out += [
            f"  {name}: {counted(n, 'document')}; e.g. {', '.join(examples)}" for name, n, examples in self.overridden
        ] or ["  none"]
        out += ["", "rule sets:"]
        out += [f"  {r.line()}" for r in self.rulesets]
        if self.unknown:
            out += ["", f"rule sets in the report that no rules folder has now: {', '.join(self.unknown)}"]
        return "\n".join(out) + "\n"


def counted(n: int, noun: str) -> str:
    """``1 document``, ``2 documents``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def rule_names(ruleset: RuleSet) -> list[str]:
    """The names its removals are recorded under, in file order."""
    body = ["body"] if ruleset.body else []
    return body + [rule.name for rule in ruleset.html_rules] + [rule.name for rule in ruleset.text_rules]


def rule_set_health(
    applied: Mapping[str, int], fired: Mapping[str, int], catalog: Catalog
) -> tuple[RuleSetHealth, ...]:
    """Per rule set that applied (catalog order): documents, rules that fired and how often, rules that never did."""
    health = []
    for ruleset in catalog.rulesets:
        if not applied.get(ruleset.name):
            continue
        counts = [(rule, fired.get(ruleset.qualified(rule), 0)) for rule in rule_names(ruleset)]
        health.append(
            RuleSetHealth(
                name=ruleset.name,
                file=ruleset.shown_path,
                documents=applied[ruleset.name],
                fired=tuple((rule, n) for rule, n in counts if n),
                never=tuple(rule for rule, n in counts if not n),
            )
        )
    return tuple(health)


def rule_health_lines(
    applied: Mapping[str, int], fired: Mapping[str, int], rules_dirs: Sequence[Path] = ()
) -> list[str]:
    """The rule lines of ``cleaner clean --report``'s summary."""
    return [h.line() for h in rule_set_health(applied, fired, load_catalog(tuple(rules_dirs)))]


def rules_stale(report: Path, rules_dirs: Sequence[Path] = ()) -> BatchHealth:
    """Read a ``--report`` manifest: rules that never fired where their rule set applied, collapsed sites."""
    catalog = load_catalog(tuple(rules_dirs))
    applied: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    documents = not_counted = 0
    per_site: Counter[str] = Counter()
    flagged: dict[str, list[dict]] = {}
    overridden: dict[str, list[str]] = {}
    for line in _manifest(report):
        if line["status"] not in COUNTED:
            not_counted += 1
            continue
        documents += 1
        if isinstance(line.get("rule_overridden"), str):
            overridden.setdefault(line["rule_overridden"], []).append(line["path"])
        applied.update(line["rules"])
        fired.update(line["fired"])
        site = line["site"] or "(unknown site)"
        per_site[site] += 1
        if line["collapsed"]:
            flagged.setdefault(site, []).append(line)
    collapsed = tuple(
        CollapsedSite(
            site=site,
            collapsed=len(lines),
            documents=per_site[site],
            rules=tuple(_most_removals(lines)),
            examples=tuple(line["path"] for line in lines[:_EXAMPLES]),
        )
        for site, lines in sorted(flagged.items(), key=lambda item: (-len(item[1]), item[0]))
    )
    return BatchHealth(
        documents=documents,
        not_counted=not_counted,
        rulesets=rule_set_health(applied, fired, catalog),
        collapsed=collapsed,
        unknown=tuple(sorted(set(applied) - set(catalog.by_name))),
        overridden=tuple(
            (name, len(paths), tuple(paths[:_EXAMPLES]))
            for name, paths in sorted(overridden.items(), key=lambda item: (-len(item[1]), item[0]))
        ),
    )


def _most_removals(lines: list[dict]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for line in lines:
        counts.update(line["fired"])
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:_TOP_RULES]


_FIELDS = {"path": str, "status": str, "site": (str, type(None)), "rules": list, "fired": dict, "collapsed": bool}


def _manifest(report: Path) -> list[dict]:
    """The lines of a manifest, checked; InputError naming the line that is not one."""
    with translated(str(report)):
        text = report.read_text(encoding="utf-8", errors="replace")
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{report}:{number}"
        with translated(where):
            line = json.loads(raw)
        if not isinstance(line, dict) or not all(isinstance(line.get(k), t) for k, t in _FIELDS.items()):
            raise InputError(where, "not a line of a cleaner --report manifest")
        lines.append(line)
    return lines
