"""Every shipped rule file's own test cases pass, and each checks that some boilerplate is gone."""

from __future__ import annotations

from cleaner.rules import load_catalog
from cleaner.tools.ruletools import rules_test
from tests.conftest import run_cli


def test_every_shipped_rule_file_tests_that_boilerplate_stays_out() -> None:
    for ruleset in load_catalog().rulesets:
        assert any(case.not_contains for case in ruleset.tests), f"{ruleset.path} has no not_contains test"


def test_all_rule_self_tests_pass() -> None:
    failures = [case for case in rules_test() if not case.passed]
    assert not failures, "\n".join(f"{c.ruleset} {c.sample}: {'; '.join(c.problems)}" for c in failures)


def test_rules_cli_lists_checks_and_tests() -> None:
    listed = run_cli("rules", "list")
    assert listed.returncode == 0 and "blogger" in listed.stdout_text and "every document" in listed.stdout_text
    assert run_cli("rules", "check").returncode == 0
    tested = run_cli("rules", "test")
    assert tested.returncode == 0 and " 0 failed" in tested.stdout_text
