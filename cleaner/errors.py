"""The one exception hierarchy of cleaner, and the one place third-party errors are translated.

Every error a user can cause (a bad input file, a bad rule file, a failed download) is a
``CleanerError`` whose ``str()`` is a single line: where, then what is wrong. The CLI prints that line;
it never shows a traceback for these.
"""

from __future__ import annotations

import re
import sqlite3
import tomllib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import cssselect
from lxml import etree


class CleanerError(Exception):
    """Base class: ``where`` names the file (and place in it), ``problem`` says what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(where, problem)
        self.where = where
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}" if self.where else self.problem


class RuleError(CleanerError):
    """A rule file cannot be used: TOML syntax, unknown key, invalid selector or regex."""


class InputError(CleanerError):
    """A document cannot be cleaned: empty, binary, undecodable, too large or too deep."""


class ReadError(InputError):
    """A file cannot be read at all (permissions, I/O error): a failure, unlike a bad file."""


class NothingExtracted(InputError):
    """The extractor found no main text, or the rules removed all of it: nothing is written."""


class OutputError(CleanerError):
    """An output cannot be written (read-only folder, full disk): the batch stops cleanly."""


class FetchError(CleanerError):
    """A page could not be downloaded."""


@contextmanager
def translated(where: str, error: type[CleanerError] = InputError) -> Iterator[None]:
    """Re-raise errors of the libraries cleaner builds on as ``error(where, problem)``.

    This is the boundary: code inside it may let lxml, cssselect, re, tomllib, zlib or codec errors
    escape, and callers outside it only ever see ``CleanerError``.
    """
    try:
        yield
    except CleanerError:
        raise
    except tomllib.TOMLDecodeError as exc:
        raise error(where, f"TOML syntax error: {exc}") from exc
    except re.error as exc:
        raise error(where, f"invalid regex: {exc}") from exc
    except (cssselect.SelectorError, cssselect.ExpressionError) as exc:
        raise error(where, f"invalid CSS selector: {exc}") from exc
    except etree.XPathError as exc:
        raise error(where, f"invalid XPath: {exc}") from exc
    except (etree.LxmlError, ValueError) as exc:
        raise error(where, f"cannot parse: {exc}") from exc
    except sqlite3.Error as exc:
        raise error(where, f"database error: {exc}") from exc
    except (zlib.error, EOFError) as exc:
        raise error(where, f"corrupt compressed data: {exc}") from exc
    except RecursionError as exc:
        raise error(where, "structure nested too deeply to process") from exc
    except OSError as exc:
        raise error(where, exc.strerror or str(exc)) from exc
