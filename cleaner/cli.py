"""The ``cleaner`` command: a thin layer over the library's public functions.

Errors a user can cause are printed as one line (``error: <file>: <problem>``), never as a traceback
(``--debug`` shows it). Exit codes, the same in every mode (``EXIT_CODES``, README): 0 done, 1 some
inputs failed, 2 usage, config or rule-file error, 3 nothing to write (no input gave text),
130 interrupted. Option defaults come from a config file and ``CLEANER_*`` variables (``config.py``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import io
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from cleaner.config import apply, find_config
from cleaner.engines.batch import DEFAULT_TIMEOUT, Summary
from cleaner.engines.batch import clean as clean_paths
from cleaner.errors import (
    CleanerError,
    EngineError,
    InputError,
    OutputError,
    ReadError,
    RuleError,
    UsageError,
    translated,
)
from cleaner.options import DEFAULT_MAX_PAGES, DEFAULT_MIN_SHARE, MIN_PAGES, FetchOptions, Options
from cleaner.rules import load_catalog
from cleaner.sinks.files import render, write_atomic
from cleaner.sinks.jsonl import STDIO
from cleaner.sources.files import Selection, walk_folders
from cleaner.version import __version__

if TYPE_CHECKING:  # rich loads when something is printed or a bar drawn: a quiet no-op re-run does without
    from rich.console import Console
    from rich.progress import Progress

app = typer.Typer(
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Scrape article pages and strip the boilerplate that main-text extractors leave behind.",
)


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as escapes: a file named with terminal escape sequences
    is printed, never obeyed."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\n" else c.encode("unicode_escape").decode("ascii") for c in text)


class _Stderr:
    """Where messages go: plain lines where stderr is no terminal; on a terminal, a rich console (made when the
    first message is printed), which keeps them clear of the progress bar."""

    @functools.cached_property
    def console(self) -> Console:
        from rich.console import Console

        class SafeConsole(Console):
            def print(self, *objects: Any, **options: Any) -> None:
                super().print(*(terminal_safe(o) if isinstance(o, str) else o for o in objects), **options)

        return SafeConsole(stderr=True, highlight=False, soft_wrap=True)

    def print(self, text: str) -> None:
        if self.is_terminal:
            self.console.print(text, markup=False)
        else:  # as rich writes it there, without loading rich: a fifth of a quiet run's start-up
            sys.stderr.write(terminal_safe(text) + "\n")

    @property
    def is_terminal(self) -> bool:
        if not _isatty(sys.stderr) and "FORCE_COLOR" not in os.environ and "TTY_COMPATIBLE" not in os.environ:
            return False  # rich would say so too
        return self.console.is_terminal


_stderr = _Stderr()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


class Format(StrEnum):
    txt = "txt"
    json = "json"
    md = "md"


class Engine(StrEnum):
    local = "local"
    ray = "ray"


class Extraction(StrEnum):
    auto = "auto"
    fast = "fast"
    full = "full"
    precision = "precision"
    recall = "recall"


EXIT_CODES = {
    0: "done: every input cleaned, unchanged, or not an article (each of those named on stderr)",
    1: "some inputs failed (unreadable, or their worker crashed or timed out); the others are done",
    2: "usage, config-file or rule-file error: nothing was done",
    3: "nothing to write: no input gave text (all empty or skipped, or none found)",
    130: "interrupted: every output written is complete",
}
# Shown in place of Python types in --help.
_METAVARS = {"jobs": "N", "timeout": "SECONDS", "delay": "SECONDS", "backoff": "SECONDS", "deadline": "SECONDS"}
_settings = {"verbose": False, "debug": False}
STDIN_NAME = "<stdin>"


def _show_version(value: bool) -> None:
    if value:
        print(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback(epilog="Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items()))
def _commands(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say what happens to every input.")] = False,
    debug: Annotated[bool, typer.Option(envvar="CLEANER_DEBUG", help="Show the full traceback of an error.")] = False,
) -> None:
    """Scrape article pages and strip the boilerplate that main-text extractors leave behind."""
    _settings.update(verbose=verbose, debug=debug)


def main(args: list[str] | None = None) -> None:
    _show_library_warnings()
    # SIGTERM unwinds like Ctrl-C: workers stop, the --report file is flushed and closed, then exit.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        command = typer.main.get_command(app)
        with contextlib.suppress(AttributeError):  # a typer past the pinned range: --help shows its own types
            _readable_help(command)
        config = find_config()
        default_map = apply(command, config)
        if config.path is not None and ("-v" in sys.argv or "--verbose" in sys.argv):
            _stderr.print(f"config: {config.path}")
        command.main(args, prog_name="cleaner", default_map=default_map)
    except (RuleError, UsageError, EngineError) as exc:
        _fail(exc, 2)
    except CleanerError as exc:
        _fail(exc, 1)
    except Exception as exc:  # a bug in cleaner: one line, the traceback with --debug
        _fail(exc, 1, f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")


def _show_library_warnings() -> None:
    """What the library logs as a warning (a state file rebuilt…) is printed as one line on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    library = logging.getLogger("cleaner")
    library.addHandler(handler)
    library.propagate = False


def _fail(exc: Exception, code: int, message: str | None = None) -> None:
    if _settings["debug"] or "--debug" in sys.argv:
        traceback.print_exception(exc)
    _stderr.print(f"error: {message or exc}")
    sys.exit(code)


def _readable_help(command: Any) -> None:
    """Name each option's value in --help (N, SECONDS, FORMAT) instead of showing its Python type.
    ``command`` is the click command typer builds (duck-typed: later typers vendor click)."""
    for param in command.params:
        if param.metavar is None and param.param_type_name == "option":
            if param.is_flag or param.count:
                param.metavar = ""
            elif getattr(param.type, "choices", None):
                param.metavar = "|".join(str(getattr(c, "value", c)) for c in param.type.choices)
            else:
                param.metavar = _METAVARS.get(str(param.name), str(param.name).upper())
        elif param.metavar is None:
            param.metavar = str(param.name).upper()
            param.type = copy.copy(param.type)  # click shares one instance of a type between parameters
            param.type.get_metavar = lambda **kwargs: ""  # its help says what it takes
    get_help_option = command.get_help_option

    def help_option_without_type(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option_without_type
    for sub in getattr(command, "commands", {}).values():
        _readable_help(sub)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _open_report(path: Path) -> IO[str]:
    with translated(str(path), OutputError):
        return path.open("w", encoding="utf-8")


UrlOption = Annotated[str | None, typer.Option(help="The page's URL: chooses the site rules.")]
SiteOption = Annotated[str | None, typer.Option(help="The site (a host name) whose rules apply.")]
SiteRulesOption = Annotated[
    bool, typer.Option("--site-rules/--no-site-rules", help="Use site and platform rules; off: generic rules only.")
]
RulesOption = Annotated[
    list[Path] | None, typer.Option("--rules", help="Extra rule folder (repeatable), read after the shipped rules.")
]
FormatOption = Annotated[
    Format, typer.Option("--format", help="txt, md, or json (text, metadata and what was removed).")
]
ExtractionOption = Annotated[
    Extraction,
    typer.Option(
        help="trafilatura's mode: auto (fast, its fallbacks when that finds little; measured best), fast,"
        " full (always with fallbacks), precision or recall."
    ),
]
KeepThresholdOption = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        max=1.0,
        help="Block scorer: remove blocks less likely than this to be article text (0 = off)"
        " [default: the shipped model's threshold, 0 today].",
    ),
]
ScorerModelOption = Annotated[Path | None, typer.Option(help="A block scorer model file (bench/train.py writes one).")]
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: the number of cores).")
]
ForceOption = Annotated[bool, typer.Option(help="Clean again files that are unchanged since their output was written.")]
TimeoutOption = Annotated[float, typer.Option(min=0.1, help="Seconds one page may take before it is left out.")]
ReportOption = Annotated[Path | None, typer.Option(help="Write a JSON-lines manifest, one line per input.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")]
LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--language", help="Keep only documents in these languages (ISO 639-1, e.g. en,de); others are 'filtered'."
    ),
]


@app.command()
def clean(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files and folders (searched recursively); - reads stdin.")
    ] = None,
    url: UrlOption = None,
    site: SiteOption = None,
    site_rules: SiteRulesOption = True,
    rules: RulesOption = None,
    output_format: FormatOption = Format.txt,
    extraction: ExtractionOption = Extraction.auto,
    keep_threshold: KeepThresholdOption = None,
    scorer_model: ScorerModelOption = None,
    jobs: JobsOption = None,
    force: ForceOption = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    report: ReportOption = None,
    quiet: QuietOption = False,
    language: LanguageOption = None,
    jsonl: Annotated[
        Path | None, typer.Option(help="Clean the pages of a JSON-lines file (.gz too; - for stdin) instead of files.")
    ] = None,
    warc: Annotated[
        list[Path] | None,
        typer.Option("--warc", help="Clean the pages of a WARC or ARC file (.gz too; repeatable) into -o OUT."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="One dataset of all pages: .jsonl, .jsonl.gz, .parquet; - for stdout (needed with --jsonl, --warc).",
        ),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Where pages are cleaned: local processes, or a Ray cluster.")] = (
        Engine.local
    ),
    address: Annotated[
        str | None, typer.Option(help="With --engine ray: the cluster's address [default: start a local one].")
    ] = None,
    html_field: Annotated[str, typer.Option(help="With --jsonl: the field holding HTML.")] = "html",
    text_field: Annotated[str, typer.Option(help="With --jsonl: the field holding a text dump.")] = "text",
    url_field: Annotated[str, typer.Option(help="With --jsonl: the field holding the page URL.")] = "url",
    id_field: Annotated[str, typer.Option(help="With --jsonl: the field naming a record in messages.")] = "id",
    strict: Annotated[bool, typer.Option(help="With --jsonl: a malformed line stops the run.")] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Write outputs (and what was done) here, in the same tree as the input folder."
        ),
    ] = None,
    hidden: Annotated[bool, typer.Option(help="Also search hidden files and folders (.git, .cache…).")] = False,
    include: Annotated[
        list[str] | None,
        typer.Option(metavar="GLOB", help="Only files whose name or relative path matches (repeatable)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(metavar="GLOB", help="Leave out files and folders whose name or path matches (repeatable)."),
    ] = None,
) -> None:
    """Clean files and folders, writing <name>.clean.txt next to each raw file or rows of one dataset (-o OUT)."""
    options = _clean_options(site_rules, rules, output_format, site, extraction, keep_threshold, scorer_model, language)
    summary_line = load_catalog(options.rules_dirs).summary(options.rules_dirs)
    if not quiet and summary_line:
        _print_warnings((summary_line,))
    if jsonl is not None:
        from cleaner.engines.jsonl import Fields, clean_jsonl

        if output is None or paths:
            raise typer.BadParameter("--jsonl IN needs -o OUT (- for stdout) and no PATH arguments")
        fields = Fields(html=html_field, text=text_field, url=url_field, id=id_field)
        quiet = quiet or output == STDIO
        with contextlib.ExitStack() as stack:
            manifest = stack.enter_context(_open_report(report)) if report else None
            progress = stack.enter_context(_progress(quiet))
            summary = clean_jsonl(
                jsonl,
                output,
                options,
                fields=fields,
                jobs=jobs,
                timeout=timeout,
                strict=strict,
                report=manifest,
                on_outcome=_Tracker(progress, "cleaning", "lines"),
                mapper=_mapper(engine, address),
            )
        _summarise(quiet, summary.line())
        raise typer.Exit(summary.exit_code)
    if warc:
        _clean_warc(warc, output, options, paths, jobs, timeout, report, quiet, _mapper(engine, address))
    if not paths:
        raise typer.BadParameter("give files or folders to clean, - for stdin, or --jsonl IN -o OUT")
    run = _files_engine(output, force, output_dir)
    quiet = quiet or output == STDIO
    if paths == [STDIO]:
        options = dataclasses.replace(options, time_budget=timeout)
        raise typer.Exit(_clean_stdin(url, options, report, output))
    if output_dir is not None and len(paths) > 1:
        raise typer.BadParameter("give one folder (or file) with --output-dir", param_hint="--output-dir")
    selection = Selection(hidden=hidden, include=tuple(include or ()), exclude=tuple(exclude or ()))
    with contextlib.ExitStack() as stack:
        manifest = stack.enter_context(_open_report(report)) if report else None
        progress = stack.enter_context(_progress(quiet))
        on_outcome = _Tracker(progress, "cleaning", "files", lambda: _count_inputs(paths, selection))
        if output is None and not _settings["verbose"]:  # a batch: unchanged files counted, not told one by one
            run = functools.partial(run, on_unchanged=on_outcome.advance)
        summary = run(
            paths,
            options=options,
            url=url,
            jobs=jobs,
            timeout=timeout,
            report=manifest,
            on_outcome=on_outcome,
            mapper=_mapper(engine, address),
            selection=selection,
        )
    health = []
    if report is not None:
        from cleaner.tools.health import rule_health_lines

        health = rule_health_lines(summary.applied, summary.fired, options.rules_dirs)
    _summarise(quiet, summary.line(), *(f"rule set {line}" for line in health))
    raise typer.Exit(summary.exit_code)


def _clean_stdin(url: str | None, options: Options, report: Path | None, output: Path | None = None) -> int:
    """Clean standard input to standard output (or to one row of ``output``), in this process; the exit code
    is a batch's of one input."""
    from cleaner.engines.batch import Outcome, result_outcome
    from cleaner.engines.records import outcome_and_row
    from cleaner.sinks.record import open_sink
    from cleaner.stages.pipeline import clean_bytes  # the extractor loads in this process only for stdin

    row = None
    try:
        result = clean_bytes(sys.stdin.buffer.read(), url=url, options=options)
    except CleanerError as exc:
        status = "skipped" if isinstance(exc, InputError) and not isinstance(exc, ReadError) else "failed"
        outcome = Outcome(STDIN_NAME, status, reason=exc.problem)
    else:
        for error in result.rule_errors:
            _stderr.print(f"warning: {error}")
        if output is not None:
            outcome, row = outcome_and_row(STDIN_NAME, result)
        else:
            outcome = result_outcome(STDIN_NAME, result, "<stdout>")
            if result.text:
                sys.stdout.write(render(result, options.output_format))
    if output is not None:  # written even with no row: an empty dataset, as for a folder with no text
        with open_sink(output) as write:
            if row is not None:
                write(row)
    if report is not None:
        write_atomic(report, json.dumps(outcome.manifest(), ensure_ascii=False) + "\n")
    if outcome.problem():
        _stderr.print(outcome.problem())
    summary = Summary()
    summary.add(outcome)
    return summary.exit_code


def _clean_warc(
    files: list[Path],
    output: Path | None,
    options: Options,
    paths: list[Path] | None,
    jobs: int | None,
    timeout: float,
    report: Path | None,
    quiet: bool,
    mapper: Callable[..., Any],
) -> None:
    from cleaner.engines.warc import clean_warc

    if output is None or paths:
        raise typer.BadParameter("--warc FILE needs -o OUT (.jsonl, .jsonl.gz, .parquet; - for stdout) and no PATH")
    _check_output(output)
    quiet = quiet or output == STDIO
    with contextlib.ExitStack() as stack:
        manifest = stack.enter_context(report.open("w", encoding="utf-8")) if report else None
        progress = stack.enter_context(_progress(quiet))
        on_outcome = _Tracker(progress, "cleaning", "pages")
        summary = clean_warc(
            files, output, options, jobs=jobs, timeout=timeout, report=manifest, on_outcome=on_outcome, mapper=mapper
        )
    _summarise(quiet, summary.line())
    raise typer.Exit(summary.exit_code)


def _files_engine(output: Path | None, force: bool, output_dir: Path | None) -> Callable[..., Summary]:
    """What cleans files and folders: a batch writing next to each file (or in ``output_dir``), or, with
    ``-o OUT``, one dataset of rows (``engines/records.py``)."""
    if output is None:
        return functools.partial(clean_paths, force=force, output_dir=output_dir)
    if output_dir is not None:
        raise typer.BadParameter("give -o OUT or --output-dir DIR, not both", param_hint="--output")
    from cleaner.engines.records import clean_into

    _check_output(output)
    return functools.partial(clean_into, target=output)


def _check_output(output: Path) -> None:
    from cleaner.sinks.record import check_sink

    try:
        check_sink(output)
    except CleanerError as exc:
        raise typer.BadParameter(str(exc)) from None


def _mapper(engine: Engine, address: str | None) -> Callable[..., Any]:
    from cleaner.engines.workers import ordered_map

    if engine == Engine.local:
        if address is not None:
            raise typer.BadParameter("--address needs --engine ray")
        return ordered_map
    from cleaner.engines.ray import ray_map

    return ray_map(address)


_FETCH = FetchOptions()  # the defaults shown by --help
UrlsArgument = Annotated[
    Path | None, typer.Argument(help="A file of URLs, one per line (# comments); - reads stdin. Or --feed, --sitemap.")
]
FeedOption = Annotated[str | None, typer.Option(help="The pages an RSS or Atom feed links to, instead of a URL list.")]
SitemapOption = Annotated[
    str | None,
    typer.Option(help="The pages of a sitemap or sitemap index (.xml, .xml.gz), or a robots.txt's Sitemap: lines."),
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder the pages are saved in, one folder per host.")]
DelayOption = Annotated[
    float, typer.Option(min=0, help="Seconds between two requests to one host, at least (jittered; Crawl-delay wins).")
]
ConcurrencyOption = Annotated[int, typer.Option(min=1, help="Hosts downloaded from at the same time.")]
UserAgentOption = Annotated[
    str, typer.Option(help="The whole User-Agent header (default: cleaner/VERSION, and (+CONTACT) when given).")
]
ContactOption = Annotated[
    str | None,
    typer.Option(help="A URL or e-mail address where site owners can reach you, sent in the User-Agent."),
]
ConnectTimeoutOption = Annotated[float, typer.Option(min=0.1, help="Seconds to wait for a connection.")]
ReadTimeoutOption = Annotated[float, typer.Option(min=0.1, help="Seconds to wait for the next bytes of an answer.")]
DeadlineOption = Annotated[
    float, typer.Option(min=0.1, help="Seconds one attempt at one page may take, redirects included.")
]
RetriesOption = Annotated[int, typer.Option(min=0, help="Retries of connection errors, 408, 429 and 5xx answers.")]
BackoffOption = Annotated[float, typer.Option(min=0, help="Seconds before the first retry; doubled for each next one.")]
MaxBytesOption = Annotated[int, typer.Option(min=1, help="Largest page in bytes, also after decompression.")]
AllowPrivateOption = Annotated[
    bool, typer.Option(help="Also fetch from private, loopback and link-local addresses (intranets, tests).")
]
AllowNetworkOption = Annotated[
    list[str] | None,
    typer.Option("--allow-network", help="Also fetch from this network, e.g. 10.1.0.0/16 (repeatable)."),
]
RefreshOption = Annotated[
    bool, typer.Option(help="Ask again for pages already saved (If-None-Match / If-Modified-Since; kept on 304).")
]


@app.command()
def fetch(
    out: OutOption,
    urls: UrlsArgument = None,
    feed: FeedOption = None,
    sitemap: SitemapOption = None,
    delay: DelayOption = _FETCH.delay,
    concurrency: ConcurrencyOption = _FETCH.concurrency,
    user_agent: UserAgentOption = "",
    contact: ContactOption = None,
    connect_timeout: ConnectTimeoutOption = _FETCH.connect_timeout,
    read_timeout: ReadTimeoutOption = _FETCH.read_timeout,
    deadline: DeadlineOption = _FETCH.deadline,
    retries: RetriesOption = _FETCH.retries,
    backoff: BackoffOption = _FETCH.backoff,
    max_bytes: MaxBytesOption = _FETCH.max_bytes,
    allow_private: AllowPrivateOption = False,
    allow_network: AllowNetworkOption = None,
    refresh: RefreshOption = False,
    rules: RulesOption = None,
    report: ReportOption = None,
    quiet: QuietOption = False,
) -> None:
    """Download the pages of a URL list politely into OUT, each with a <name>.meta.json sidecar."""
    from cleaner.sources.fetch.fetcher import fetch as fetch_urls  # the HTTP client loads only for downloads

    options = _fetch_options(locals())
    with _url_session(_listed(urls, feed, sitemap, options), report, quiet) as (lines, manifest, progress):
        on_outcome = _Tracker(progress, "fetching", "URLs", _url_counter(urls))
        summary = fetch_urls(lines, out, options, report=manifest, on_outcome=on_outcome)
    _summarise(quiet, summary.line())
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def run(
    out: OutOption,
    urls: UrlsArgument = None,
    feed: FeedOption = None,
    sitemap: SitemapOption = None,
    delay: DelayOption = _FETCH.delay,
    concurrency: ConcurrencyOption = _FETCH.concurrency,
    user_agent: UserAgentOption = "",
    contact: ContactOption = None,
    connect_timeout: ConnectTimeoutOption = _FETCH.connect_timeout,
    read_timeout: ReadTimeoutOption = _FETCH.read_timeout,
    deadline: DeadlineOption = _FETCH.deadline,
    retries: RetriesOption = _FETCH.retries,
    backoff: BackoffOption = _FETCH.backoff,
    max_bytes: MaxBytesOption = _FETCH.max_bytes,
    allow_private: AllowPrivateOption = False,
    allow_network: AllowNetworkOption = None,
    refresh: RefreshOption = False,
    site_rules: SiteRulesOption = True,
    rules: RulesOption = None,
    output_format: FormatOption = Format.txt,
    extraction: ExtractionOption = Extraction.auto,
    jobs: JobsOption = None,
    force: ForceOption = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    report: ReportOption = None,
    quiet: QuietOption = False,
    language: LanguageOption = None,
) -> None:
    """Fetch a URL list into OUT and clean each page while the others download (fetch, then clean OUT)."""
    from cleaner.engines.scrape import run as run_urls  # the HTTP client loads only for downloads

    options = _fetch_options(locals())
    with _url_session(_listed(urls, feed, sitemap, options), report, quiet) as (lines, manifest, progress):
        fetched, cleaned = run_urls(
            lines,
            out,
            options,
            _clean_options(site_rules, rules, output_format, None, extraction, language=language),
            jobs=jobs,
            force=force,
            timeout=timeout,
            report=manifest,
            on_fetched=_Tracker(progress, "fetching", "URLs", _url_counter(urls)),
            on_cleaned=_Tracker(progress, "cleaning", "files"),
        )
    _summarise(quiet, fetched.line(), cleaned.line())
    raise typer.Exit(1 if fetched.failed or cleaned.failed else 0)


@app.command("explain")
def explain_command(
    file: Annotated[Path, typer.Argument(help="An HTML page or a text dump.")],
    url: UrlOption = None,
    site: SiteOption = None,
    site_rules: SiteRulesOption = True,
    rules: RulesOption = None,
    keep_threshold: KeepThresholdOption = None,
    scorer_model: ScorerModelOption = None,
    html: Annotated[Path | None, typer.Option(help="Write a page to open in a browser here instead.")] = None,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
) -> None:
    """Show what cleaning keeps of FILE, and the rule (or trafilatura) that removed each other block."""
    from cleaner.tools.explain import explain, explain_html, explain_text

    options = _clean_options(site_rules, rules, Format.txt, site, Extraction.auto, keep_threshold, scorer_model)
    options = dataclasses.replace(options, time_budget=timeout)
    explanation = explain(file, url=url, options=options)
    if html is None:
        sys.stdout.write(explain_text(explanation))
        return
    write_atomic(html, explain_html(explanation))
    _stderr.print(f"wrote {html}")


rules_app = typer.Typer(no_args_is_help=True, help="List, check, test and maintain rule files.")
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def rules_list_command(rules: RulesOption = None) -> None:
    """Each rule set: name, kind, what it matches, how many HTML and text rules and tests."""
    from cleaner.tools.ruletools import rules_list

    for row in rules_list(rules or ()):
        print(
            f"{row['name']:28} {row['kind']:8} html {row['html_rules']:>2}  text {row['text_rules']:>2}  "
            f"tests {row['tests']:>2}  {row['matches']}  ({row['file']})"
        )


@rules_app.command("check")
def rules_check_command(rules: RulesOption = None) -> None:
    """Load and validate every rule file (syntax, keys, selectors, regexes); exit 2 on any error."""
    from cleaner.tools.ruletools import rules_check

    catalog = rules_check(rules or ())
    _print_warnings(catalog.warnings)
    ignored = f" ({len(catalog.warnings)} warnings: those lines are ignored)" if catalog.warnings else ""
    print(f"{len(catalog.rulesets)} rule sets OK{ignored}")


@rules_app.command("test")
def rules_test_command(rules: RulesOption = None) -> None:
    """Run the self-tests of every rule file offline; exit 1 if one fails."""
    from cleaner.tools.ruletools import rules_test

    results = rules_test(rules or ())
    for case in results:
        if case.skipped:  # counted below: a folder of ftr files has thousands, one line each would bury the rest
            continue
        status = "ok  " if case.passed else "FAIL"
        print(f"{status} {case.ruleset}: {case.sample}", *(f"\n     {p}" for p in case.problems), sep="")
    failed = sum(not case.passed for case in results)
    skipped = sum(bool(case.skipped) for case in results)
    print(f"{len(results) - failed - skipped} passed, {failed} failed, {skipped} skipped")
    if skipped:
        print(f"skipped: ftr test_url cases whose page is not saved (e.g. {_first_skipped(results)})")
    raise typer.Exit(1 if failed else 0)


@rules_app.command("stale")
def rules_stale_command(
    report: Annotated[Path, typer.Argument(help="A manifest written by cleaner clean --report.")],
    rules: RulesOption = None,
) -> None:
    """Rules that matched nothing over a batch, and sites whose output collapsed."""
    from cleaner.tools.health import rules_stale

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
    from cleaner.tools.suggest import rules_suggest

    options = Options(rules_dirs=tuple(rules or ()))
    sys.stdout.write(rules_suggest(folder, site, min_share=min_share, max_pages=max_pages, options=options).toml())


def _first_skipped(results: list[Any]) -> str:
    case = next(case for case in results if case.skipped)
    return f"save {case.skipped.split(': ')[0]} as {case.sample} to run it"


def _print_warnings(warnings: tuple[str, ...]) -> None:
    for line in warnings:
        _stderr.print(f"warning: {line}")


def _clean_options(
    site_rules: bool,
    rules: list[Path] | None,
    output_format: Format,
    site: str | None,
    extraction: Extraction,
    keep_threshold: float | None = None,
    scorer_model: Path | None = None,
    language: str | None = None,
) -> Options:
    options = Options(
        site_rules=site_rules,
        rules_dirs=tuple(rules or ()),
        output_format=output_format.value,
        site=site,
        extraction=extraction.value,
        keep_threshold=keep_threshold,
        scorer_model=scorer_model,
        languages=_languages(language),
    )
    if keep_threshold or scorer_model:  # a model that cannot be used stops the run before any file (exit 2)
        from cleaner.stages.score import MODEL_PATH, load_scorer

        for kind in ("html", "text"):
            load_scorer(kind, scorer_model or MODEL_PATH)
    return options


def _languages(value: str | None) -> tuple[str, ...]:
    """The ISO 639-1 codes of --language en,de."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in (value or "").split(",") if code.strip()))
    for code in codes:
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise typer.BadParameter(f"{code!r} is not a two-letter ISO 639-1 code", param_hint="--language")
    return codes


def _fetch_options(values: dict[str, Any]) -> FetchOptions:
    """FetchOptions from a command's parameters, which carry the same names."""
    import ipaddress  # only fetch and run take networks

    networks = tuple(values["allow_network"] or ())
    for network in networks:
        try:
            ipaddress.ip_network(network)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--allow-network") from exc
    values = {**values, "allow_networks": networks, "rules_dirs": tuple(values["rules"] or ())}
    return FetchOptions(**{f.name: values[f.name] for f in dataclasses.fields(FetchOptions)})


@contextlib.contextmanager
def _url_session(
    urls: Path | list[str], report: Path | None, quiet: bool
) -> Iterator[tuple[Iterable[str], IO[str] | None, Progress | None]]:
    """The URL list's lines, the report file if asked for, and the progress display of fetch and run."""
    with contextlib.ExitStack() as stack:
        lines = urls if isinstance(urls, list) else stack.enter_context(_url_list(urls))
        manifest = stack.enter_context(_open_report(report)) if report else None
        yield lines, manifest, stack.enter_context(_progress(quiet))


@contextlib.contextmanager
def _url_list(source: Path) -> Iterator[IO[str]]:
    """The lines of a URL list (undecodable bytes become U+FFFD, so such a line is reported, not fatal)."""
    if source == Path("-"):
        yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        return
    try:
        handle = source.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise typer.BadParameter(f"{source}: {exc.strerror}", param_hint="URLS") from exc
    with handle:
        yield handle


def _listed(urls: Path | None, feed: str | None, sitemap: str | None, options: FetchOptions) -> Path | list[str]:
    """The URL list file, or the URLs a feed or a sitemap lists (downloaded first, politely)."""
    if feed is None and sitemap is None:
        if urls is None:
            raise typer.BadParameter("give a file of URLs (- for stdin), --feed URL or --sitemap URL")
        return urls
    if urls is not None:
        raise typer.BadParameter("give a file of URLs or --feed / --sitemap, not both")
    from cleaner.sources.fetch.listing import listing_urls  # the HTTP client loads only for downloads

    listed = listing_urls("feed", feed, options) if feed else []
    return listed + (listing_urls("sitemap", sitemap, options) if sitemap else [])


def _url_counter(source: Path | None) -> Callable[[], int] | None:
    """Counts the URLs of a list file for the progress bar (standard input cannot be read twice)."""
    if source is None or source == Path("-"):
        return None

    def count() -> int:
        with source.open(encoding="utf-8", errors="replace") as handle:
            return sum(1 for line in handle if line.strip() and not line.strip().startswith("#"))

    return count


def _count_inputs(paths: list[Path], selection: Selection) -> int:
    """The progress bar's total: every input found, each an outcome; folder listings only, no stat."""
    return sum(len(listing.found) for listing in walk_folders(paths, selection, stat_files=False))


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    """Progress bars on a terminal (None when quiet or redirected); Ctrl-C ends the run with code 130."""
    try:
        if quiet or not _stderr.is_terminal:
            yield None
        else:
            with _bars() as progress:
                yield progress
    except KeyboardInterrupt:  # typer would end silently; say what state the outputs are in
        _stderr.print("interrupted: every file written is complete; run again to finish")
        raise typer.Exit(130) from None


_REDRAW = 0.1  # seconds: how often rich redraws a progress bar


def _bars() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second, computed when the bar is drawn (a few times a second), not for every item:
        rich's estimate walks all of its recent samples."""

        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:.1f} {task.fields['unit']}/s" if task.speed else "")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        TextColumn("failed {task.fields[failed]}"),
        console=_stderr.console,
        transient=True,
    )


class _Tracker:
    """A callback for outcomes (of clean or fetch): advances a bar (if any) and prints one line per problem;
    ``advance`` moves the bar over inputs counted in bulk (files found unchanged)."""

    def __init__(
        self, progress: Progress | None, description: str, unit: str, count: Callable[[], int] | None = None
    ) -> None:
        self.progress = progress
        self.task = None if progress is None else progress.add_task(description, total=None, failed=0, unit=unit)
        self.failures = self.advanced = 0
        self.shown_at = time.monotonic()
        self.rule_errors: set[str] = set()
        if count is not None and progress is not None:
            threading.Thread(target=lambda: progress.update(self.task, total=count()), daemon=True).start()

    def __call__(self, outcome: Any) -> None:
        problem = outcome.problem()
        for error in getattr(outcome, "rule_errors", ()):  # once per rule and run, not once per page
            if error not in self.rule_errors:
                self.rule_errors.add(error)
                _stderr.print(f"warning: {error} (first on {outcome.path})")
        if problem:
            self.failures += outcome.status == "failed"
            _stderr.print(problem)
        elif _settings["verbose"]:
            _stderr.print(_verbose_line(outcome))
        self.advance(1, bool(problem))

    def advance(self, count: int, now: bool = False) -> None:
        if self.progress is not None:  # the bar is drawn ten times a second: updated as often, not once per file
            self.advanced += count
            if now or time.monotonic() - self.shown_at > _REDRAW:
                self.progress.update(self.task, advance=self.advanced, failed=self.failures)
                self.advanced, self.shown_at = 0, time.monotonic()


def _verbose_line(outcome: Any) -> str:
    """What ``--verbose`` says of an input that went well: its status, name and where its output is."""
    name = getattr(outcome, "path", None) or getattr(outcome, "url", "")
    output = getattr(outcome, "output", None)
    return f"{outcome.status} {name}" + (f" -> {output}" if output else "")


def _summarise(quiet: bool, *lines: str) -> None:
    if not quiet:
        for line in lines:
            _stderr.print(line)
