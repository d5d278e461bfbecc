"""Shared helpers: tests run the real CLI in a real process, on copies of real sample files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def run_cli(*args: str | os.PathLike, stdin: bytes | None = None, cwd: Path | None = None, timeout: float = 120):
    """Run ``python -m cleaner ARGS`` and return the completed process (text decoded leniently)."""
    completed = subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    completed.stdout_text = completed.stdout.decode("utf-8", "replace")
    completed.stderr_text = completed.stderr.decode("utf-8", "replace")
    return completed


def paragraphs(text: str) -> list[str]:
    """Paragraphs as a reader sees them: blocks between blank lines, whitespace normalised."""
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


@pytest.fixture(autouse=True, scope="session")
def _rules_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Loaded ftr folders are cached under $XDG_CACHE_HOME: the tests' own, never the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def samples_copy(tmp_path: Path) -> Path:
    """A writable copy of samples/ (tests never write into the repository)."""
    target = tmp_path / "samples"
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("*.clean.*", ".cleaner-state*"))
    return target
