"""A walk of many parts shared with one helper process, its results handed on in the order of one walk.

A no-op re-run over 100,000 files spends its time in Python, a few microseconds a file for its stats and its
state row, on one core. ``shared_walk`` gives the parts of such a walk (the subtrees of the folder given) to
two processes: this one and a helper forked from it, each taking the next part nobody has taken. The helper
sends back what each of its parts gave (pickled, through a pipe), or ``None``: "left to you", and this process
yields every part's results in the parts' order, whoever walked them: the order never depends on the split.

What the helper sends must stay small, and it must do nothing this process would do again: ``batch.py`` has
it count unchanged files and leave to this process any part that holds a file to clean. The helper never
writes to the terminal nor raises into the caller's code: whatever goes wrong in it, it exits, and this
process walks the parts it did not send.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar

T = TypeVar("T")
_FRAME = struct.Struct("<IQ")  # payload length, part
_AHEAD = 10_000  # results of parts walked here ahead of their turn, at most (what a batch holds while waiting)
_CLAIM_POLL = 1.0
_PIPE_READ = 1 << 20  # seconds between checks that the helper still lives, while waiting for the claim token


def shared_walk(
    parts: int,
    walk_here: Callable[[int], Iterator[T]],
    start_helper: Callable[[], Callable[[int], list[T] | None]],
) -> Iterator[T]:
    """The results of ``walk_here(part)`` for each part, in order. Part 0 is walked here, first; the others go
    to whichever process asks first. ``start_helper`` runs in the helper once, after the fork (to open what
    the helper needs of its own, such as a database connection), and returns its walk of one part: its results
    as a list, or None to leave the part to this process."""
    if parts < 2 or not hasattr(os, "fork"):
        for part in range(parts):
            yield from walk_here(part)
        return
    claims = _Claims(first_free=1)
    reader, writer = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the helper: never returns
        os.close(reader)
        _helper(claims, parts, start_helper, os.fdopen(writer, "wb"), parent)
    os.close(writer)
    helper = _Helper(pid, reader, claims)
    try:
        yield from walk_here(0)
        ahead: dict[int, list[T]] = {}  # parts walked here before their turn, while the helper's was awaited
        for part in range(1, parts):
            if part in ahead:
                yield from ahead.pop(part)
            elif not helper.took(part):
                taken = claims.claim(helper.alive)
                if taken == part:
                    yield from walk_here(part)
                    continue
                if taken < parts:  # the helper took this part in between: walk the one taken here meanwhile
                    ahead[taken] = list(walk_here(taken))
                yield from _helpers_part(helper, part, walk_here)
            else:  # the helper's: parts are walked here meanwhile, until it comes (or too much waits)
                while (
                    not helper.sending()
                    and sum(map(len, ahead.values())) < _AHEAD
                    and (taken := claims.claim(helper.alive)) < parts
                ):
                    ahead[taken] = list(walk_here(taken))
                yield from _helpers_part(helper, part, walk_here)
    finally:
        helper.stop()


def _helpers_part(helper: _Helper, part: int, walk_here: Callable[[int], Iterator[T]]) -> Iterator[T]:
    sent = helper.results(part)
    yield from walk_here(part) if sent is None else sent


class _Claims:
    """The next part nobody has taken, in memory both processes share, under a lock that is a byte in a pipe
    (taken by reading it): a counter only ever goes up, so each part is taken once."""

    def __init__(self, first_free: int) -> None:
        self._memory = mmap.mmap(-1, 8)
        self._memory[:] = first_free.to_bytes(8, "little")
        self._token_out, self._token_in = os.pipe()
        os.write(self._token_in, b"\0")
        self.mine: set[int] = set()  # the parts this process took (each process has its own copy)

    def next_free(self) -> int:
        return int.from_bytes(self._memory[:], "little")

    def claim(self, alive: Callable[[], bool]) -> int:
        """Take the next free part (it may be past the last one: nothing left); ``alive``: whether the other
        process still lives, asked while the token is awaited."""
        while not select.select([self._token_out], [], [], _CLAIM_POLL)[0]:
            if not alive():  # it died holding the token: the token is this process's now
                break
        else:
            os.read(self._token_out, 1)
        part = self.next_free()
        self._memory[:] = (part + 1).to_bytes(8, "little")
        self.mine.add(part)
        os.write(self._token_in, b"\0")
        return part

    def close(self) -> None:
        os.close(self._token_out)
        os.close(self._token_in)
        self._memory.close()


class _Helper:
    """This process's side of the helper: what it sent, in the order it sent it (its parts in rising order)."""

    def __init__(self, pid: int, results: int, claims: _Claims) -> None:
        self.pid, self._results, self._claims = pid, results, claims
        self._running = True

    def took(self, part: int) -> bool:
        return part < self._claims.next_free() and part not in self._claims.mine

    def sending(self) -> bool:
        """Whether what it sends next (its next part, or the end of what it sends) has begun to come."""
        return bool(select.select([self._results], [], [], 0)[0])

    def alive(self) -> bool:
        if self._running and os.waitpid(self.pid, os.WNOHANG)[0] == self.pid:
            self._running = False
        return self._running

    def results(self, part: int) -> list[T] | None:
        """What the helper sent for ``part`` (it sends its parts in rising order); None if it left the part to
        this process, or died before sending it."""
        while True:
            frame = self._read(_FRAME.size)
            if frame is None:
                return None
            size, sent_part = _FRAME.unpack(frame)
            payload = self._read(size)
            if payload is None:
                return None
            if sent_part == part:
                return pickle.loads(payload)

    def _read(self, size: int) -> bytes | None:
        """``size`` bytes from the pipe (unbuffered, so that ``sending`` sees all that waits), None at its end."""
        chunks, missing = [], size
        while missing:
            chunk = os.read(self._results, min(missing, _PIPE_READ))
            if not chunk:
                return None
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        os.close(self._results)
        if self._running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)  # done, or this walk was given up (Ctrl-C): either way, gone
            os.waitpid(self.pid, 0)
            self._running = False
        self._claims.close()


def _helper(
    claims: _Claims,
    parts: int,
    start_helper: Callable[[], Callable[[int], list[T] | None]],
    results: BinaryIO,
    parent: int,
) -> None:
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops this process
        walk = start_helper()
        # A parent that died holding the token: this process goes on, and stops at its first write (no reader).
        while (part := claims.claim(lambda: os.getppid() == parent)) < parts:
            payload = pickle.dumps(walk(part), protocol=pickle.HIGHEST_PROTOCOL)
            results.write(_FRAME.pack(len(payload), part) + payload)
            results.flush()
        status = 0
    finally:
        os._exit(status)  # no cleanup of the parent's objects (its open files, its database connections)
