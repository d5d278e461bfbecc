"""Hostile rules (issue 12, class 3): a rule that would fail on pages fails at load, naming its file; a
rule or page that would run forever is stopped by the time budget in every mode."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from cleaner import Options, RuleError, clean_bytes, clean_text
from cleaner.document import plain_form
from cleaner.engines.workers import Failure, ordered_map
from cleaner.rules import load_catalog
from cleaner.rules.literals import ScreenedPattern
from cleaner.rules.regexes import slow_line
from cleaner.stages.budget import OverBudget
from tests.conftest import run_cli
from tests.test_hostile_text import LAST

RULE_HEAD = 'name = "hostile"\ndescription = "x"\n[match]\nhtml_markers = ["article"]\ntext_markers = ["council"]\n'
CATASTROPHIC = "(a|aa)+$"  # on "a" * 1000 + "!", exponential on both regex engines
QUADRATIC = r"\d+\s*$"  # passes the load check (2 ms on a 1,000-character line); minutes on a 200 KB one
LONG_DIGITS = "1" * 200_000 + "x"
DUMP = "The town council met.\nShare this article\n" + "Librarians said the reading room would stay open.\n"


def rule_folder(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "hostile.toml").write_text(RULE_HEAD + body)
    return folder


@pytest.mark.parametrize(
    ("xpath", "problem"),
    [
        ("//div[@class=$nope]", "variables"),
        ("//div[nosuchfn(.)]", "nosuchfn() is not an XPath 1.0 function"),
        ("//div[lower-case(@class)='x']", "lower-case()"),
        ("//span[contains(@class)]", "contains() takes 2 arguments, not 1"),
        ("//div[@class='\\u0001']", "XML compatible"),  # found by make fuzz: lxml raised ValueError
    ],
)
def test_an_xpath_that_would_fail_on_pages_fails_at_load(tmp_path: Path, xpath: str, problem: str) -> None:
    folder = rule_folder(tmp_path, f'[[html.remove]]\nname = "bad"\nxpath = "{xpath}"\n')
    with pytest.raises(RuleError, match=r"hostile\.toml") as raised:
        load_catalog((folder,))
    assert problem in str(raised.value)
    checked = run_cli("rules", "check", "--rules", folder)
    assert checked.returncode != 0 and problem in checked.stderr_text + checked.stdout_text
    assert "Traceback" not in checked.stderr_text


def _evaluate_undefined_variable(task: int) -> object:
    return etree.XPath("//a[@href=$nowhere]")(lxml.html.fromstring("<p><a href='x'>x</a></p>"))


def test_a_worker_error_crosses_back_as_its_message_not_a_pickling_error() -> None:
    [(_, result)] = list(ordered_map(_evaluate_undefined_variable, [1], jobs=1, timeout=30))
    assert isinstance(result, Failure)
    assert "XPathEvalError" in result.reason and "pickle" not in result.reason


def _in_a_thread(call: Callable[[], object]) -> BaseException | None:
    """What ``call`` raised in a thread of its own (where no timer signal reaches), waiting at most a minute."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "hung"
    return raised[0] if raised else None


def test_a_catastrophic_rule_regex_is_refused_at_load_naming_its_file_and_rule(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, f"[[text.drop]]\nname = \"slow\"\npattern = '{CATASTROPHIC}'\n")
    where = r"hostile\.toml: text\.drop\[0\]\.pattern: backtracks catastrophically"
    with pytest.raises(RuleError, match=where):
        load_catalog((folder,))
    refused = _in_a_thread(lambda: clean_text(DUMP, options=Options(rules_dirs=(folder,))))
    assert isinstance(refused, RuleError) and re.search(where, str(refused))
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "dump.txt").write_text(DUMP)
    for args, stdin in [
        (("rules", "check", "--rules", folder), None),
        (("clean", "-", "--rules", folder), DUMP.encode()),
        (("explain", pages / "dump.txt", "--rules", folder), None),
        (("clean", pages, "--rules", folder), None),
    ]:
        result = run_cli(*args, stdin=stdin, timeout=60)
        said = result.stdout_text + result.stderr_text
        assert result.returncode != 0 and re.search(where, said) and "Traceback" not in said, args


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("^Share a{e}$", "write a literal { as \\{"),  # regex would match any one character there
        ("^x{d<>$", "invalid regex for the regex engine"),  # re reads it as text; found by fuzzing the two engines
    ],
)
def test_a_pattern_the_regex_engine_reads_otherwise_is_refused_at_load(
    tmp_path: Path, pattern: str, problem: str
) -> None:
    folder = rule_folder(tmp_path, f"[[text.drop]]\nname = \"odd\"\npattern = '{pattern}'\n")
    with pytest.raises(RuleError, match=r"hostile\.toml: text\.drop\[0\]\.pattern: ") as raised:
        load_catalog((folder,))
    assert problem in str(raised.value)


def test_a_slow_rule_regex_is_stopped_by_the_budget_in_every_mode_and_thread(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, f"[[text.drop]]\nname = \"slow\"\npattern = '{QUADRATIC}'\n")
    dump = f"The town council met.\n{LONG_DIGITS}\n{LAST}\n"
    options = Options(rules_dirs=(folder,), time_budget=1)
    for where in ("main thread", "other thread"):
        started = time.monotonic()
        if where == "main thread":
            with pytest.raises(OverBudget, match="budget"):
                clean_bytes(dump.encode(), options=options)
        else:
            stopped = _in_a_thread(lambda: clean_bytes(dump.encode(), options=options))
            assert isinstance(stopped, OverBudget)
            assert "hostile.toml: text.drop[0].pattern: this regex ran past the time budget" in str(stopped)
        assert time.monotonic() - started < 20, where  # unbounded: minutes; regex counts CPU time
    stdin = run_cli("clean", "-", "--rules", folder, "--timeout", "1", stdin=dump.encode(), timeout=30)
    assert stdin.returncode != 0 and "budget" in stdin.stderr_text and "Traceback" not in stdin.stderr_text
    (tmp_path / "dump.txt").write_text(dump)
    explained = run_cli("explain", tmp_path / "dump.txt", "--rules", folder, "--timeout", "1", timeout=30)
    assert explained.returncode != 0 and "budget" in explained.stderr_text
    (tmp_path / "ok.txt").write_text(f"The town council met on Tuesday.\n{LAST}\n")
    batch = run_cli("clean", tmp_path, "--rules", folder, "--timeout", "1", timeout=60)
    assert "budget" in batch.stdout_text + batch.stderr_text
    assert (tmp_path / "ok.clean.txt").is_file()


def test_every_shipped_rule_regex_passes_the_load_check_on_the_engine_it_runs_on() -> None:
    """Shipped patterns run on ``re`` unchecked at load, compiled on first use (rules/regexes.py, rules/literals.py):
    the check is made here, and compiles them all."""
    checked = 0
    for ruleset in load_catalog().rulesets:
        for rule in ruleset.text_rules:
            if rule.regex is not None:
                assert isinstance(rule.regex, ScreenedPattern), rule.name
                assert slow_line(rule.regex.pattern, rule.regex.flags, rule.regex.search) is None, rule.name
                checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    "line", ["*a " * 66_000, "**a " * 50_000, "a" + " " * 200_000 + "b", "*" * 200_000, "** " * 66_000]
)
def test_shipped_patterns_stay_linear_on_a_200kb_line(line: str) -> None:
    started = time.monotonic()
    plain_form(line)
    title = f"<title>{line}</title>"
    clean_bytes(f"<html><head>{title}</head><body><article><p>{LAST}</p></article></body></html>".encode())
    assert time.monotonic() - started < 10  # quadratic forms took minutes


def test_emphasis_is_still_taken_off_for_rule_matching() -> None:
    assert plain_form("- **Read more** at *our site*") == "Read more at our site"
    assert plain_form("x **bold *it* y** z") == "x bold it y z"
    assert plain_form("2 * 3 * 4") == "2 * 3 * 4"


def test_a_shorter_enclosing_deadline_reports_its_own_seconds_not_the_page_budget() -> None:
    # A batch or Ray worker's --timeout (2 s) encloses the 30 s page budget: the worker's timer fires inside
    # the page budget's block, and the user must read the timeout they set.
    from cleaner.engines.inprocess import PastDeadline, deadline
    from cleaner.stages.budget import time_budget

    started = time.monotonic()
    with pytest.raises(PastDeadline), deadline(0.3), time_budget(30, "page.html"):
        while True:
            pass
    assert time.monotonic() - started < 5
