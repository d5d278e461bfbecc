"""The ``cleaner`` command: a thin layer over the library's public functions.

Errors a user can cause are printed as one line (``error: <file>: <problem>``), never as a traceback.
Exit codes: 0 all good, 1 some inputs failed, 2 usage or rule errors.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cleaner.batch import DEFAULT_TIMEOUT, Outcome, Summary
from cleaner.batch import clean as clean_paths
from cleaner.errors import CleanerError, RuleError
from cleaner.pipeline import Options, clean_bytes
from cleaner.ruletools import rules_check, rules_list, rules_test
from cleaner.source import walk
from cleaner.write import render

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Scrape article pages and strip the boilerplate that main-text extractors leave behind.",
)
_stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    txt = "txt"
    json = "json"
    md = "md"


@app.callback()
def _commands() -> None:
    """Scrape article pages and strip the boilerplate that main-text extractors leave behind."""


def main() -> None:
    try:
        app()
    except RuleError as exc:
        _stderr.print(f"error: {exc}", markup=False)
        sys.exit(2)
    except CleanerError as exc:
        _stderr.print(f"error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        _stderr.print("interrupted: outputs already written are complete; run again to finish", markup=False)
        sys.exit(130)


@app.command()
def clean(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (searched recursively); - reads stdin.")],
    url: Annotated[str | None, typer.Option(help="The page's URL: chooses the site rules.")] = None,
    site: Annotated[str | None, typer.Option(help="The site (a host name) whose rules apply.")] = None,
    site_rules: Annotated[
        bool, typer.Option("--site-rules/--no-site-rules", help="Use site and platform rules; off: generic rules only.")
    ] = True,
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", help="Extra rule folder (repeatable), read after the shipped rules.")
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="txt, md, or json (text, metadata and what was removed).")
    ] = Format.txt,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes [default: number of cores].")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Clean again files that are unchanged since their output was written.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds one page may take before its worker is replaced.")
    ] = DEFAULT_TIMEOUT,
    report: Annotated[Path | None, typer.Option(help="Write a JSON-lines manifest, one line per input.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Clean files and folders, writing <name>.clean.txt next to each raw file."""
    options = Options(
        site_rules=site_rules, rules_dirs=tuple(rules or ()), output_format=output_format.value, site=site
    )
    if not quiet:
        _print_warnings(rules_check(options.rules_dirs).warnings)
    if paths == [Path("-")]:
        result = clean_bytes(sys.stdin.buffer.read(), url=url, options=options)
        if not result.text:
            _stderr.print(f"empty <stdin>: {result.reason}", markup=False)
            raise typer.Exit(1)
        sys.stdout.write(render(result, options.output_format))
        return
    with contextlib.ExitStack() as stack:
        manifest = stack.enter_context(report.open("w", encoding="utf-8")) if report else None
        summary = _run_with_progress(
            paths,
            quiet,
            lambda on_outcome: clean_paths(
                paths,
                options,
                url=url,
                jobs=jobs,
                force=force,
                timeout=timeout,
                report=manifest,
                on_outcome=on_outcome,
            ),
        )
    raise typer.Exit(1 if summary.failed else 0)


rules_app = typer.Typer(no_args_is_help=True, help="List, check and test rule files.")
app.add_typer(rules_app, name="rules")
RulesOption = Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule folder (repeatable).")]


@rules_app.command("list")
def rules_list_command(rules: RulesOption = None) -> None:
    """Each rule set: name, kind, what it matches, how many HTML and text rules and tests."""
    for row in rules_list(rules or ()):
        print(
            f"{row['name']:28} {row['kind']:8} html {row['html_rules']:>2}  text {row['text_rules']:>2}  "
            f"tests {row['tests']:>2}  {row['matches']}  ({row['file']})"
        )


@rules_app.command("check")
def rules_check_command(rules: RulesOption = None) -> None:
    """Load and validate every rule file (syntax, keys, selectors, regexes); exit 2 on any error."""
    catalog = rules_check(rules or ())
    _print_warnings(catalog.warnings)
    ignored = f" ({len(catalog.warnings)} warnings: those lines are ignored)" if catalog.warnings else ""
    print(f"{len(catalog.rulesets)} rule sets OK{ignored}")


@rules_app.command("test")
def rules_test_command(rules: RulesOption = None) -> None:
    """Run the self-tests of every rule file offline; exit 1 if one fails."""
    results = rules_test(rules or ())
    for case in results:
        if case.skipped:
            print(f"skip {case.ruleset}: {case.skipped}\n     save the page as {case.sample} to run it")
            continue
        status = "ok  " if case.passed else "FAIL"
        print(f"{status} {case.ruleset}: {case.sample}", *(f"\n     {p}" for p in case.problems), sep="")
    failed = sum(not case.passed for case in results)
    skipped = sum(bool(case.skipped) for case in results)
    print(f"{len(results) - failed - skipped} passed, {failed} failed, {skipped} skipped")
    raise typer.Exit(1 if failed else 0)


def _print_warnings(warnings: tuple[str, ...]) -> None:
    for line in warnings:
        _stderr.print(f"warning: {line}", markup=False)


def _run_with_progress(paths: list[Path], quiet: bool, run) -> Summary:
    """Run a batch, showing a progress bar on a terminal and one line per problem, then a summary."""
    show_bar = not quiet and _stderr.is_terminal
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        TextColumn("failed {task.fields[failed]}"),
        console=_stderr,
        disable=not show_bar,
        transient=True,
    )
    task = progress.add_task("cleaning", total=None, failed=0, rate="")
    failures = 0

    def count_inputs() -> None:
        progress.update(task, total=sum(1 for found in walk(paths) if isinstance(found, Path)))

    def on_outcome(outcome: Outcome) -> None:
        nonlocal failures
        if outcome.status in ("skipped", "failed", "empty"):
            failures += outcome.status == "failed"
            progress.console.print(f"{outcome.status} {outcome.path}: {outcome.reason}", markup=False)
        speed = progress.tasks[0].speed
        progress.update(task, advance=1, failed=failures, rate=f"{speed:.1f} files/s" if speed else "")

    with progress:
        if show_bar:
            threading.Thread(target=count_inputs, daemon=True).start()
        summary = run(on_outcome)
    if not quiet:
        _stderr.print(summary.line(), markup=False)
    return summary
