"""Defaults for the command line from a config file and from ``CLEANER_*`` environment variables.

The config file is ``cleaner.toml`` in the current folder, or the ``[tool.cleaner]`` table of its
``pyproject.toml``, or the file ``CLEANER_CONFIG`` names. Its keys are the long option names of any
command (``jobs = 4``, ``format = "md"``, ``rules = ["my-rules"]``, ``contact = "mailto:me@example.org"``);
a key applies to every command that has that option. Relative folders in it are taken from the file's
own folder. What is given on the command line wins over the environment, which wins over the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.errors import UsageError

CONFIG_NAME = "cleaner.toml"
# Options whose values are folders or files: relative ones in a config file are relative to the file.
_PATH_OPTIONS = {"rules", "output_dir"}
# The environment variables of the common options: CLEANER_ and the option's long name.
ENV_OPTIONS = (
    "jobs",
    "format",
    "extraction",
    "site_rules",
    "rules",
    "timeout",
    "quiet",
    "hidden",
    "include",
    "exclude",
    "output_dir",
    "contact",
    "user_agent",
    "delay",
    "concurrency",
)


@dataclass(frozen=True)
class Config:
    """The option defaults a config file sets, by option name, and where they come from."""

    path: Path | None
    values: Mapping[str, Any]


def find_config(folder: Path | None = None) -> Config:
    """The config in force in ``folder`` (default: the current folder); an empty one if there is none."""
    named = os.environ.get("CLEANER_CONFIG")
    if named:
        return _read(Path(named), table=None)
    folder = folder or Path.cwd()
    if (folder / CONFIG_NAME).is_file():
        return _read(folder / CONFIG_NAME, table=None)
    if (folder / "pyproject.toml").is_file():
        return _read(folder / "pyproject.toml", table=("tool", "cleaner"))
    return Config(None, {})


def _read(path: Path, table: tuple[str, ...] | None) -> Config:
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(str(path), f"cannot read the config file: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(str(path), f"TOML syntax error: {exc}") from exc
    for key in table or ():
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        raise UsageError(str(path), "the cleaner settings must be a table")
    values = {key.replace("-", "_"): value for key, value in data.items()}
    for key in _PATH_OPTIONS & values.keys():
        values[key] = _relative_to(path.parent, key, values[key])
    return Config(path if data else None, values)


def _relative_to(folder: Path, key: str, value: Any) -> Any:
    if isinstance(value, str):
        return str(folder / value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [str(folder / item) for item in value]
    return value


def option_key(param: Any) -> str:
    """The name a setting has in a config file and the environment: the long option's, e.g. ``format``."""
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return longs[0][2:].replace("-", "_") if longs else str(param.name)


def apply(command: Any, config: Config) -> dict[str, Any]:
    """Give the options of ``command`` and its subcommands their environment variables, and return the
    ``default_map`` that sets what ``config`` holds. A key that is no option of any command is an error.
    ``command`` is the click command typer builds (click is vendored by typer, so it is duck-typed here)."""
    used: set[str] = set()
    default_map = _defaults(command, config.values, used)
    unknown = sorted(set(config.values) - used)
    if unknown:
        raise UsageError(str(config.path), f"unknown setting {unknown[0]!r}: settings are long option names")
    return default_map


def _defaults(command: Any, values: Mapping[str, Any], used: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for param in command.params:
        if param.param_type_name != "option":
            continue
        key = option_key(param)
        if key in ENV_OPTIONS:
            param.envvar = f"CLEANER_{key.upper()}"
            param.show_envvar = True
        if key in values:
            found[str(param.name)] = values[key]
            used.add(key)
    for name, sub in getattr(command, "commands", {}).items():
        nested = _defaults(sub, values, used)
        if nested:
            found[name] = nested
    return found
