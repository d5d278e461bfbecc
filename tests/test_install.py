"""A non-editable install in a new virtual environment passes its own checks from an unrelated folder.

Slow (it builds the wheel and installs its dependencies), so it runs in `make test-install`, not in
`make test`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    not os.environ.get("CLEANER_TEST_INSTALL"), reason="builds and installs the wheel: run `make test-install`"
)


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(list(map(str, command)), capture_output=True, text=True, cwd=cwd, timeout=900, check=False)


def test_an_installed_wheel_passes_version_help_and_its_rule_tests(tmp_path: Path) -> None:
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "dist", ROOT, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("article_cleaner-*.whl")
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    installed = run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cleaner = venv / "bin" / "cleaner"
    version = run(cleaner, "--version", cwd=elsewhere)
    assert version.returncode == 0 and version.stdout.startswith("cleaner "), version.stderr
    assert run(cleaner, "-h", cwd=elsewhere).returncode == 0
    tested = run(cleaner, "rules", "test", cwd=elsewhere)
    assert tested.returncode == 0 and " 0 failed" in tested.stdout, tested.stdout + tested.stderr
    where = run(venv / "bin" / "python", "-c", "import cleaner; print(cleaner.__file__)", cwd=elsewhere)
    assert str(venv) in where.stdout, "the test ran the repository's copy, not the installed one"
    assert not list(Path(where.stdout.strip()).parent.rglob("*.clean.txt")), "the demo's outputs were shipped"
