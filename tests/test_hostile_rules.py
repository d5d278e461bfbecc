"""Hostile rules (issue 12, class 3): a rule that would fail on pages fails at load, naming its file; a
rule or page that would run forever is stopped by the time budget in every mode."""

from __future__ import annotations

import time
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from cleaner import Options, RuleError, clean_bytes
from cleaner.document import plain_form
from cleaner.engines.workers import Failure, ordered_map
from cleaner.rules import load_catalog
from cleaner.stages.budget import OverBudget
from tests.conftest import run_cli
from tests.test_hostile_text import LAST

RULE_HEAD = 'name = "hostile"\ndescription = "x"\n[match]\nhtml_markers = ["article"]\ntext_markers = ["council"]\n'
SLOW_LINE = "a" * 40 + "!"  # ^(a+)+$ backtracks 2**40 times on it


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


def test_a_backtracking_rule_regex_is_stopped_by_the_budget_in_every_mode(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, "[[text.drop]]\nname = \"slow\"\npattern = '^(a+)+$'\n")
    dump = f"The town council met.\n{SLOW_LINE}\n{LAST}\n"
    started = time.monotonic()
    with pytest.raises(OverBudget, match="1-second budget"):
        clean_bytes(dump.encode(), options=Options(rules_dirs=(folder,), time_budget=1))
    assert time.monotonic() - started < 5
    stdin = run_cli("clean", "-", "--rules", folder, "--timeout", "1", stdin=dump.encode(), timeout=30)
    assert stdin.returncode != 0 and "budget" in stdin.stderr_text and "Traceback" not in stdin.stderr_text
    (tmp_path / "dump.txt").write_text(dump)
    explained = run_cli("explain", tmp_path / "dump.txt", "--rules", folder, "--timeout", "1", timeout=30)
    assert explained.returncode != 0 and "budget" in explained.stderr_text
    (tmp_path / "ok.txt").write_text(f"The town council met on Tuesday.\n{LAST}\n")
    batch = run_cli("clean", tmp_path, "--rules", folder, "--timeout", "1", timeout=60)
    assert "budget" in batch.stdout_text + batch.stderr_text
    assert (tmp_path / "ok.clean.txt").is_file()


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
