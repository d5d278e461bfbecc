"""Stage 1: where documents come from: files (plain or gzipped), folders, standard input.

Which files are inputs: ``.html``, ``.htm``, ``.xhtml`` and ``.txt``, optionally gzipped. Never inputs:
cleaner's own outputs (``*.clean.txt``, ``.clean.json``, ``.clean.md``), fetch sidecars
(``*.meta.json``), expected outputs of samples (``*.expected.txt``) and temporary files. In a folder,
hidden files and folders (``.git``, ``.venv``) are left out unless asked for, and glob patterns can
narrow the search (``Selection``).
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import json
import operator
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import lxml.html.defs

from cleaner.document import Document, Kind
from cleaner.errors import InputError, ReadError, translated

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # an article page is far smaller; bigger inputs are refused
_KINDS: dict[str, Kind] = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}
OUTPUT_SUFFIXES = {"txt": ".clean.txt", "json": ".clean.json", "md": ".clean.md"}
_NOT_INPUTS = (*OUTPUT_SUFFIXES.values(), ".meta.json", ".expected.txt")
_INPUT_ENDINGS = (*_KINDS, *(suffix + ".gz" for suffix in _KINDS))
_HTML_ENDINGS = tuple(suffix for suffix, kind in _KINDS.items() if kind == "html")
TEMP_MARK = ".cleaner-tmp"  # in the names of files being written; never inputs, removed if left over
_CHUNK = 1 << 16
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
_OPENING_TAG = re.compile(rb"<([a-z][a-z0-9]{0,15})[\s/>]")
_HTML_TAGS = frozenset(lxml.html.defs.tags) | {"main", "template", "picture", "dialog", "search"}  # HTML5 ones it lacks


def kind_of(path: Path) -> Kind | None:
    """The kind of an input file, or None when the file is not an input."""
    return kind_of_name(path.name)


def kind_of_name(name: str) -> Kind | None:
    name = name.lower()
    if name.endswith(_HTML_ENDINGS):  # no name of a non-input ends so: the common case, answered first
        return None if TEMP_MARK in name else "html"
    if not name.endswith(_INPUT_ENDINGS) or name.endswith(_NOT_INPUTS) or TEMP_MARK in name:
        return None
    _, dot, suffix = name.removesuffix(".gz").rpartition(".")
    return _KINDS.get("." + suffix) if dot else None


def stem_of(path: Path | str) -> str:
    """``page.html.gz`` -> ``page``: the name outputs and sidecars are derived from."""
    name = path if isinstance(path, str) else path.name
    name = name[:-3] if name.lower().endswith(".gz") else name
    return name.rsplit(".", 1)[0] if "." in name else name


def output_path(path: Path, output_format: str = "txt") -> Path:
    return path.with_name(stem_of(path) + OUTPUT_SUFFIXES[output_format])


def sidecar_path(path: Path) -> Path:
    return path.with_name(stem_of(path) + ".meta.json")


def read_document(path: Path, *, url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """A document from a file, with the URL and charset of its sidecar when it has one."""
    kind = kind_of(path) or "html"
    raw = read_bytes(path, max_bytes)
    doc = Document(source=str(path), kind=kind, raw=raw)
    if url:
        doc.url, doc.site_source = url, "explicit"
    meta = read_sidecar(path)
    if meta:
        if not doc.url:
            found = meta.get("final_url") or meta.get("url")
            if isinstance(found, str) and found:
                doc.url, doc.site_source = found, "sidecar"
        doc.declared_charset = charset_of(meta.get("content_type"))
    return doc


def document_from_bytes(data: bytes, source: str, *, kind: Kind | None = None, url: str | None = None) -> Document:
    """A document from bytes read elsewhere (stdin, a JSONL field); the kind is sniffed if not given."""
    doc = Document(source=source, kind=kind or sniff_kind(data), raw=data)
    if url:
        doc.url, doc.site_source = url, "explicit"
    return doc


def is_binary(head: bytes) -> bool:
    """True for the first bytes of a file that is no text: a NUL byte, or the magic number of a PDF,
    an image or an archive."""
    return b"\x00" in head or head.startswith(_BINARY_MAGIC)


def sniff_kind(data: bytes) -> Kind:
    """HTML when the bytes open with markup (any HTML element, a comment, a doctype) or hold <html or <body."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if b"<body" in head or b"<html" in head or head.startswith((b"<!", b"<?xml")):
        return "html"
    opening = _OPENING_TAG.match(head)
    return "html" if opening and opening.group(1).decode() in _HTML_TAGS else "text"


def open_regular(path: Path) -> tuple[BinaryIO, int]:
    """``path`` opened for reading if it is a regular file, and its size; OSError otherwise. Opened without
    blocking, so that a FIFO is refused instead of waiting forever for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file (a folder, FIFO, socket or device)", str(path))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb"), status.st_size


def read_regular(path: Path) -> bytes:
    handle, _ = open_regular(path)
    with handle:
        return handle.read()


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, gunzipped if it is gzip; InputError beyond ``max_bytes`` (also after inflating),
    ReadError when the file cannot be read at all."""
    try:
        handle, size = open_regular(path)
    except OSError as exc:
        raise ReadError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    with translated(str(path), ReadError), handle:
        # Asked for its size, not the limit: a read of max_bytes makes a buffer that large first (20 MB, mapped
        # and unmapped for every file: 0.12 ms of a page's CPU). One byte more tells a file that grew meanwhile.
        data = handle.read(min(size, max_bytes) + 1)
        if size < len(data) <= max_bytes:
            data += handle.read(max_bytes + 1 - len(data))
        if path.name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
            with translated(str(path)):
                return _gunzip(data, handle, path, max_bytes)
    if len(data) > max_bytes:
        raise InputError(str(path), f"larger than the {max_bytes:,}-byte limit")
    return data


def _gunzip(head: bytes, handle, path: Path, max_bytes: int) -> bytes:
    inflater = BoundedInflater(16 + zlib.MAX_WBITS, max_bytes)
    out = bytearray()
    pending = head
    while pending:
        out += inflater.feed(pending)
        if inflater.over_limit:
            raise InputError(str(path), f"inflates to more than the {max_bytes:,}-byte limit")
        pending = handle.read(_CHUNK)
    if not inflater.complete:
        raise InputError(str(path), "truncated gzip data")
    return bytes(out)


class BoundedInflater:
    """gzip or zlib inflation in bounded steps: in all it produces at most ``limit + 1`` bytes, so a
    small bomb cannot expand in memory (``over_limit`` then tells the caller to give up)."""

    def __init__(self, wbits: int, limit: int) -> None:
        self._inflater = zlib.decompressobj(wbits)
        self._room = limit + 1

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data and self._room > 0 and not self._inflater.eof:
            piece = self._inflater.decompress(data, self._room)
            out += piece
            self._room -= len(piece)
            data = self._inflater.unconsumed_tail
        return bytes(out)

    @property
    def over_limit(self) -> bool:
        return self._room <= 0

    @property
    def complete(self) -> bool:
        return self._inflater.eof


def read_sidecar(path: Path) -> dict | None:
    """The sidecar's JSON object, or None when there is none or it cannot be read."""
    sidecar = sidecar_path(path)
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def charset_of(content_type: object) -> str | None:
    if not isinstance(content_type, str):
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


@dataclass(frozen=True)
class Skipped:
    """A path met while walking that is not cleaned, and why; ``error`` when it could not be read."""

    path: Path
    reason: str
    error: bool = False


def output_owner(path: Path) -> Path:
    """The input that owns ``path``'s output name: ``page.html`` and ``page.txt`` both map to
    ``page.clean.txt``, and only the first in a fixed order of suffixes may write it."""
    names = frozenset(name for name in _owner_candidates(stem_of(path)) if path.with_name(name).is_file())
    return path.with_name(owner_among(path.name, names))


def owner_among(name: str, names: frozenset[str], stem: str | None = None) -> str:
    """``output_owner`` for a file ``name`` (whose ``stem_of`` is ``stem``) in a folder holding ``names``."""
    stem = stem or stem_of(name)
    for suffix in _OWNER_ORDER:
        candidate = stem + suffix
        if candidate == name or candidate in names:
            return candidate
    return name


def _owner_candidates(stem: str) -> Iterator[str]:
    return (stem + suffix for suffix in _OWNER_ORDER)


_OWNER_ORDER = tuple(ending for suffix in _KINDS for ending in (suffix, suffix + ".gz"))


@dataclass(frozen=True)
class Selection:
    """Which files below a folder are inputs, besides their kind.

    Names starting with a dot (``.git``, ``.venv``, ``.cache``) are hidden: neither such folders nor such
    files are searched unless ``hidden``. A glob pattern matches a file's name or its path relative to
    the folder given (``*`` also matches ``/``): with ``include``, only files matching one of them are
    inputs; files and folders matching an ``exclude`` pattern are left out. A file named on the command
    line is always an input.
    """

    hidden: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wants_folder(self, name: str, relative: str) -> bool:
        return (self.hidden or not name.startswith(".")) and not _matches(self.exclude, name, relative)

    def wants_file(self, name: str, relative: str) -> bool:
        if not self.wants_folder(name, relative):
            return False
        return not self.include or _matches(self.include, name, relative)


def _matches(patterns: tuple[str, ...], name: str, relative: str) -> bool:
    return bool(patterns) and any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)


Found = tuple[str, str, os.stat_result | None]  # path, name, stat (None: walked without stat_files)


@dataclass(frozen=True)
class Listing:
    """The inputs of one folder, found with one listing of it: each as its path (a ``str``: no ``Path``
    objects on the way of a no-op re-run), its name and its one ``stat``, in the listing's order;
    ``names`` is every name in the folder (None for a file named on its own). ``fd``, an open descriptor of
    the folder, stats its other files by name (``os.stat(name, dir_fd=fd)``: the kernel walks no path); it is
    closed when the next listing is asked for."""

    folder: Path
    names: frozenset[str] | None
    found: list[Found | Skipped]
    fd: int | None = None


def walk(paths: list[Path], selection: Selection | None = None) -> Iterator[Path | Skipped]:
    """Input files under ``paths``, as ``walk_folders`` finds them."""
    for listing in walk_folders(paths, selection):
        for found in listing.found:
            yield found if isinstance(found, Skipped) else Path(found[0])


def walk_folders(
    paths: list[Path], selection: Selection | None = None, *, stat_files: bool = True
) -> Iterator[Listing]:
    """The inputs under ``paths``, a folder at a time (its files, then its subfolders), each folder in the
    file system's own order (stable for an unchanged folder). Without ``stat_files`` (a count for a progress
    bar), the files in folders are not stat-ed: their stat is None and FIFOs are not told from files.

    Only regular files are inputs. Symlinks met inside a folder are never followed: a target inside
    the folder is cleaned where it really is, one outside is not cleaned. FIFOs, sockets and devices
    are reported as skipped, never opened (opening a FIFO blocks forever).
    """
    selection = selection or Selection()
    for top in map(Path, paths):
        if top.is_dir():
            yield from _walk_dir(top, "", selection, stat_files)
        elif top.exists():
            yield Listing(top.parent, None, [_check_file(top)])
        else:
            yield Listing(top.parent, None, [Skipped(top, "no such file or folder", error=True)])


Walk = Callable[[], Iterator[Listing]]  # a walk of a subtree, started when called
_FOLLOWED_DOWN = 4


def split_walk(top: Path, selection: Selection | None = None) -> tuple[list[Listing], list[Walk]]:
    """``walk_folders([top])`` in parts that can be walked apart (by two processes, ``engines/scan.py``): the
    folders listed now, from ``top`` down to where the tree branches (their descriptors closed: their other
    files are stat-ed by path), then the walk of each subtree below them, in the order ``walk_folders``
    gives. A folder of a single subfolder is followed down a few levels (``raw/2024/...``)."""
    selection = selection or Selection()
    head: list[Listing] = []
    folder, relative = top, ""
    for _ in range(_FOLLOWED_DOWN):
        listing, subfolders = _list_dir(folder, relative, selection, stat_files=True)
        if listing.fd is not None:
            os.close(listing.fd)
        head.append(replace(listing, fd=None))
        if len(subfolders) != 1:
            break
        folder, relative = Path(subfolders[0][0]), subfolders[0][1] + "/"
    return head, [functools.partial(_walk_dir, Path(path), below + "/", selection, True) for path, below in subfolders]


def _walk_dir(folder: Path, relative: str, selection: Selection, stat_files: bool) -> Iterator[Listing]:
    listing, subfolders = _list_dir(folder, relative, selection, stat_files)
    try:
        yield listing
    finally:
        if listing.fd is not None:
            os.close(listing.fd)
    for path, below in subfolders:
        yield from _walk_dir(Path(path), below + "/", selection, stat_files)


def _list_dir(
    folder: Path, relative: str, selection: Selection, stat_files: bool
) -> tuple[Listing, list[tuple[str, str]]]:
    """The listing of one folder (its descriptor open: the caller closes it) and its subfolders to walk, each
    as its path and its path relative to the top."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        return Listing(folder, frozenset(), [Skipped(folder, f"cannot list folder: {exc.strerror}", error=True)]), []
    try:
        # Listed by descriptor: each stat below is of a name in it, not of a whole path.
        with os.scandir(fd) as listing:
            entries = list(listing)
    except OSError as exc:
        os.close(fd)
        return Listing(folder, frozenset(), [Skipped(folder, f"cannot list folder: {exc.strerror}", error=True)]), []
    found: list[Found | Skipped] = []
    subfolders = []
    base = os.path.join(folder, "")
    # Without patterns only a hidden file can be left out: the others need no relative path nor pattern test.
    patterns = bool(selection.include or selection.exclude)
    try:
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if selection.wants_folder(name, relative + name):
                        subfolders.append((base + name, relative + name))
                elif not kind_of_name(name) or (
                    (patterns or name[:1] == ".") and not selection.wants_file(name, relative + name)
                ):
                    continue
                elif entry.is_symlink():
                    found.append(Skipped(Path(base + name), "symlink, not followed"))
                elif not stat_files:
                    found.append((base + name, name, None))
                else:
                    status = entry.stat(follow_symlinks=False)
                    found.append(
                        (base + name, name, status) if stat.S_ISREG(status.st_mode) else _irregular(base + name)
                    )
            except OSError as exc:
                found.append(Skipped(Path(base + name), exc.strerror or str(exc), error=True))
    except BaseException:
        os.close(fd)
        raise
    return Listing(folder, frozenset(map(_NAME, entries)), found, fd), subfolders


_NAME = operator.attrgetter("name")
_URL_LINE = re.compile(r"\s*(?:#.*|https?://\S+)?\s*")


def is_url_list(text: str) -> bool:
    """True for a list of URLs (one per line, # comments and blank lines allowed), such as the input of
    ``cleaner fetch``: a ``urls.txt`` next to the pages is not an article."""
    lines = text.splitlines()
    return any("://" in line for line in lines) and all(_URL_LINE.fullmatch(line) for line in lines)


def _check_file(path: Path) -> Found | Skipped:
    try:
        status = os.stat(path)
        return (str(path), path.name, status) if stat.S_ISREG(status.st_mode) else _irregular(str(path))
    except OSError as exc:
        return Skipped(path, exc.strerror or str(exc), error=True)


def _irregular(path: str) -> Skipped:
    return Skipped(Path(path), "not a regular file (FIFO, socket or device)")
