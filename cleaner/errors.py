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


class ModelError(RuleError):
    """The block scorer's model file cannot be used: missing, truncated or of another format."""


class InputError(CleanerError):
    """A document cannot be cleaned: empty, binary, undecodable, too large or too deep."""


class ReadError(InputError):
    """A file cannot be read at all (permissions, I/O error): a failure, unlike a bad file."""


class NothingExtracted(InputError):
    """The extractor found no main text, or the rules removed all of it: nothing is written."""


class OutputError(CleanerError):
    """An output cannot be written. ``fatal`` when no other output could be either (a full disk, a
    read-only file system): the batch stops cleanly; otherwise (a read-only folder, a folder where the
    output goes, a name too long) only this document fails."""

    def __init__(self, where: str, problem: str, *, fatal: bool = True) -> None:
        super().__init__(where, problem)
        self.fatal = fatal


class EngineError(CleanerError):
    """An engine cannot be used: Ray is not installed, or its cluster cannot be reached (exit 2)."""


class UsageError(CleanerError, ValueError):
    """Options or arguments that cannot work: an unknown output format, a bad value in a config file."""


class FetchError(CleanerError):
    """A page could not be downloaded; ``kind`` groups failures in a summary (``HTTP 404``, ``timeout``)."""

    def __init__(self, where: str, problem: str, kind: str = "error") -> None:
        super().__init__(where, problem)
        self.kind = kind


class TransientFetchError(FetchError):
    """A failure that may pass (connection errors, 408, 429, 5xx), so it is retried with backoff;
    ``retry_after`` is the wait in seconds the server asked for, if it did."""

    def __init__(self, where: str, problem: str, kind: str, retry_after: float | None = None) -> None:
        super().__init__(where, problem, kind)
        self.retry_after = retry_after


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


@contextmanager
def translated_http(url: str) -> Iterator[None]:
    """Re-raise httpx errors (and corrupt compressed bodies) met while downloading ``url`` as FetchError,
    transient ones (worth a retry) as TransientFetchError. TLS failures are errors, never retried or
    worked around."""
    import httpx  # only downloads meet its errors; everything else starts without loading it

    try:
        yield
    except CleanerError:
        raise
    except httpx.ConnectTimeout as exc:
        raise TransientFetchError(url, "timed out connecting", "timeout") from exc
    except httpx.TimeoutException as exc:
        raise FetchError(url, "timed out waiting for data", "timeout") from exc
    except httpx.ConnectError as exc:
        if _caused_by_tls(exc):
            raise FetchError(url, f"TLS error: {_message(exc)}", "TLS error") from exc
        raise TransientFetchError(url, f"cannot connect: {_message(exc)}", "connection error") from exc
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
        raise TransientFetchError(url, f"connection broken: {_message(exc)}", "connection error") from exc
    except httpx.HTTPError as exc:
        raise FetchError(url, _message(exc), "error") from exc
    except zlib.error as exc:
        raise FetchError(url, f"corrupt compressed body: {exc}", "bad encoding") from exc


def _caused_by_tls(exc: BaseException) -> bool:
    import ssl  # only downloads meet its errors

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _message(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
