"""The ``cleaner`` command: a thin layer over the library's public functions.

Errors a user can cause are printed as one line (``error: <file>: <problem>``), never as a traceback.
Exit codes: 0 all good, 1 some inputs failed, 2 usage or rule errors.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cleaner.batch import DEFAULT_TIMEOUT, Outcome, Summary
from cleaner.batch import clean as clean_paths
from cleaner.errors import CleanerError, RuleError
from cleaner.explain import explain, explain_html, explain_text
from cleaner.health import rule_health_lines, rules_stale
from cleaner.jsonl import STDIO, Fields, clean_jsonl
from cleaner.pipeline import Options, clean_bytes
from cleaner.ruletools import rules_check, rules_list, rules_test
from cleaner.source import walk
from cleaner.suggest import DEFAULT_MAX_PAGES, DEFAULT_MIN_SHARE, MIN_PAGES, rules_suggest
from cleaner.write import render, write_atomic

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


RulesOption = Annotated[
    list[Path] | None, typer.Option("--rules", help="Extra rule folder (repeatable), read after the shipped rules.")
]
UrlOption = Annotated[str | None, typer.Option(help="The page's URL: chooses the site rules.")]
SiteOption = Annotated[str | None, typer.Option(help="The site (a host name) whose rules apply.")]
SiteRulesOption = Annotated[
    bool, typer.Option("--site-rules/--no-site-rules", help="Use site and platform rules; off: generic rules only.")
]


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


@app.command()
def clean(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files and folders (searched recursively); - reads stdin.")
    ] = None,
    url: UrlOption = None,
    site: SiteOption = None,
    site_rules: SiteRulesOption = True,
    rules: RulesOption = None,
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
    jsonl: Annotated[
        Path | None, typer.Option(help="Clean the pages of a JSON-lines file (.gz too; - for stdin) instead of files.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="With --jsonl: where to write (- for stdout).")
    ] = None,
    html_field: Annotated[str, typer.Option(help="With --jsonl: the field holding HTML.")] = "html",
    text_field: Annotated[str, typer.Option(help="With --jsonl: the field holding a text dump.")] = "text",
    url_field: Annotated[str, typer.Option(help="With --jsonl: the field holding the page URL.")] = "url",
    id_field: Annotated[str, typer.Option(help="With --jsonl: the field naming a record in messages.")] = "id",
    strict: Annotated[bool, typer.Option(help="With --jsonl: a malformed line stops the run.")] = False,
) -> None:
    """Clean files and folders, writing <name>.clean.txt next to each raw file; or a JSON-lines stream."""
    options = Options(
        site_rules=site_rules, rules_dirs=tuple(rules or ()), output_format=output_format.value, site=site
    )
    if jsonl is not None:
        if output is None or paths:
            raise typer.BadParameter("--jsonl IN needs -o OUT (- for stdout) and no PATH arguments")
        fields = Fields(html=html_field, text=text_field, url=url_field, id=id_field)
        summary = _run_with_progress(
            quiet or output == STDIO,
            lambda on_outcome: clean_jsonl(
                jsonl, output, options, fields=fields, jobs=jobs, timeout=timeout, strict=strict, on_outcome=on_outcome
            ),
        )
        raise typer.Exit(1 if summary.failed else 0)
    if not paths:
        raise typer.BadParameter("give files or folders to clean, - for stdin, or --jsonl IN -o OUT")
    if paths == [STDIO]:
        result = clean_bytes(sys.stdin.buffer.read(), url=url, options=options)
        if not result.text:
            _stderr.print(f"empty <stdin>: {result.reason}", markup=False)
            raise typer.Exit(1)
        sys.stdout.write(render(result, options.output_format))
        return
    with contextlib.ExitStack() as stack:
        manifest = stack.enter_context(report.open("w", encoding="utf-8")) if report else None
        summary = _run_with_progress(
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
            count=lambda: sum(1 for found in walk(paths) if isinstance(found, Path)),
        )
    if report is not None and not quiet:
        for line in rule_health_lines(summary.applied, summary.fired, options.rules_dirs):
            _stderr.print(f"rule set {line}", markup=False)
    raise typer.Exit(1 if summary.failed else 0)


@app.command("explain")
def explain_command(
    file: Annotated[Path, typer.Argument(help="An HTML page or a text dump.")],
    url: UrlOption = None,
    site: SiteOption = None,
    site_rules: SiteRulesOption = True,
    rules: RulesOption = None,
    html: Annotated[Path | None, typer.Option(help="Write a page to open in a browser here instead.")] = None,
) -> None:
    """Show what cleaning keeps of FILE, and the rule (or trafilatura) that removed each other block."""
    options = Options(site_rules=site_rules, rules_dirs=tuple(rules or ()), site=site)
    explanation = explain(file, url=url, options=options)
    if html is None:
        sys.stdout.write(explain_text(explanation))
        return
    write_atomic(html, explain_html(explanation))
    _stderr.print(f"wrote {html}", markup=False)


rules_app = typer.Typer(no_args_is_help=True, help="List, check and test rule files.")
app.add_typer(rules_app, name="rules")


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
    print(f"{len(catalog.rulesets)} rule sets OK")


@rules_app.command("test")
def rules_test_command(rules: RulesOption = None) -> None:
    """Run the self-tests of every rule file offline; exit 1 if one fails."""
    results = rules_test(rules or ())
    for case in results:
        status = "ok  " if case.passed else "FAIL"
        print(f"{status} {case.ruleset}: {case.sample}", *(f"\n     {p}" for p in case.problems), sep="")
    failed = sum(not case.passed for case in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    raise typer.Exit(1 if failed else 0)


@rules_app.command("stale")
def rules_stale_command(
    report: Annotated[Path, typer.Argument(help="A manifest written by cleaner clean --report.")],
    rules: RulesOption = None,
) -> None:
    """Rules that matched nothing over a batch, and sites whose output collapsed."""
    sys.stdout.write(rules_stale(report, rules or ()).text())


@rules_app.command("suggest")
def rules_suggest_command(
    folder: Annotated[Path, typer.Argument(help="A folder of pages (HTML or text) of the site.")],
    site: Annotated[str, typer.Option(help="The site (a host name): pages with a URL of another site are left out.")],
    min_share: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Suggest what recurs on at least this share of the pages.")
    ] = DEFAULT_MIN_SHARE,
    max_pages: Annotated[
        int, typer.Option(min=MIN_PAGES, help="Read at most this many pages, spread over the folder.")
    ] = DEFAULT_MAX_PAGES,
    rules: RulesOption = None,
) -> None:
    """Print a draft rule file for SITE from what recurs across its pages in FOLDER, with the evidence."""
    options = Options(rules_dirs=tuple(rules or ()))
    sys.stdout.write(rules_suggest(folder, site, min_share=min_share, max_pages=max_pages, options=options).toml())


def _run_with_progress(
    quiet: bool, run: Callable[[Callable[[Outcome], None]], Summary], count: Callable[[], int] | None = None
) -> Summary:
    """Run a batch, showing a progress bar on a terminal and one line per problem, then a summary.

    ``count`` (run in a thread, so that cleaning starts at once) gives the bar its total.
    """
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

    def on_outcome(outcome: Outcome) -> None:
        nonlocal failures
        if outcome.status in ("skipped", "failed", "empty"):
            failures += outcome.status == "failed"
            progress.console.print(f"{outcome.status} {outcome.path}: {outcome.reason}", markup=False)
        speed = progress.tasks[0].speed
        progress.update(task, advance=1, failed=failures, rate=f"{speed:.1f} files/s" if speed else "")

    with progress:
        if show_bar and count is not None:
            threading.Thread(target=lambda: progress.update(task, total=count()), daemon=True).start()
        try:
            summary = run(on_outcome)
        except KeyboardInterrupt:
            progress.stop()
            _stderr.print("interrupted: every output written is complete; run again to finish", markup=False)
            raise typer.Exit(130) from None
    if not quiet:
        _stderr.print(summary.line(), markup=False)
    return summary
