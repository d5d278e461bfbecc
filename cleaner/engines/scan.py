"""A walk of many parts shared with one helper process, its results handed on in the order of one walk.

A no-op re-run over 100,000 files spends its time in Python, a few microseconds a file for its stats and its
state row, on one core. ``shared_walk`` gives the parts of such a walk (the subtrees of the folder given) to
two processes: this one and a helper forked from it, each taking the next part nobody has taken. The helper
sends back what each of its parts gave (pickled, through a pipe), or ``None``: "left to you", and this process
yields every part's results in the parts' order, whoever walked them: the order never depends on the split.

What the helper sends must stay small (``batch.py`` has it send counts of unchanged files, and leave to this
process a part with many files to clean), and what it does must be safe to do twice: a part it leaves, or does
not send because it died, is walked here from its start. The helper never writes to the terminal nor raises
into the caller's code: whatever goes wrong in it, it exits.
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
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
_FRAME = struct.Struct("<IQ")  # payload length, part
_AHEAD = 10_000  # results held here at most from parts walked ahead of their turn, while the helper's is awaited
_POLL_MS = 1000  # between checks that the other process still lives, while waiting for it
_PIPE_READ = 1 << 20
_STOPPING = {signal.SIGINT, signal.SIGTERM}


def shared_walk(
    parts: int,
    walk_here: Callable[[int], Iterator[T]],
    start_helper: Callable[[], Callable[[int], list[T] | None]],
) -> Iterator[T]:
    """The results of ``walk_here(part)`` for each part, in order. Part 0 is walked here, first; the others go
    to whichever process asks first. ``start_helper`` runs in the helper once, after the fork (to open what
    the helper needs of its own, such as a database connection), and returns its walk of one part: its results
    as a list, or None to leave the part to this process. With fewer than three parts (nothing to share while
    part 0 is walked here), or where no process can be forked, every part is walked here."""
    helper = _Helper() if parts > 2 and hasattr(os, "fork") else None
    try:
        if helper is None or not helper.start(start_helper, parts):
            for part in range(parts):
                yield from walk_here(part)
            return
        yield from walk_here(0)
        claims = helper.claims
        ahead: dict[int, list[T]] = {}  # parts walked here before their turn, while the helper's was awaited
        held = 0  # their results

        def walk_ahead(taken: int) -> None:
            nonlocal held
            ahead[taken] = list(walk_here(taken))
            held += len(ahead[taken])

        for part in range(1, parts):
            if part in ahead:
                held -= len(ahead[part])
                yield from ahead.pop(part)
                continue
            if not helper.took(part):
                taken = claims.claim(helper.alive)
                if taken == part:
                    yield from walk_here(part)
                    continue
                if taken < parts:  # the helper took this part in between: walk the one taken here meanwhile
                    walk_ahead(taken)
            # The helper's: parts are walked here meanwhile, until it comes (or too much waits).
            while not helper.sending() and held < _AHEAD and (taken := claims.claim(helper.alive)) < parts:
                walk_ahead(taken)
            sent = helper.results(part)
            yield from walk_here(part) if sent is None else sent
    finally:
        if helper is not None:
            helper.stop()


def _wait(fd: int, alive: Callable[[], bool]) -> bool:
    """Wait until ``fd`` can be read; False if the other process died first."""
    poller = select.poll()  # not select.select: a library's caller may hold descriptors past 1024
    poller.register(fd, select.POLLIN)
    while not poller.poll(_POLL_MS):
        if not alive():
            return False
    return True


class _Claims:
    """The next part nobody has taken, in memory both processes share, under a lock that is a byte in a pipe
    (taken by reading it): a counter only ever goes up, so each part is taken once."""

    def __init__(self, first_free: int) -> None:
        self._memory = mmap.mmap(-1, 8)
        self._memory[:] = first_free.to_bytes(8, "little")
        self._token_out, self._token_in = os.pipe()
        os.set_blocking(self._token_out, False)  # both processes may wake for one byte: the loser waits again
        os.write(self._token_in, b"\0")
        self.mine: set[int] = set()  # the parts this process took (each process has its own copy)

    def next_free(self) -> int:
        return int.from_bytes(self._memory[:], "little")

    def claim(self, alive: Callable[[], bool]) -> int:
        """Take the next free part (it may be past the last one: nothing left); ``alive``: whether the other
        process still lives, asked while the token is awaited (one that died holding it leaves it here)."""
        while _wait(self._token_out, alive):
            with contextlib.suppress(BlockingIOError):
                os.read(self._token_out, 1)
                break
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

    def __init__(self) -> None:
        self.claims = _Claims(first_free=1)
        self._results, self._writer = os.pipe()
        self.pid = 0  # none yet

    def start(self, start_helper: Callable[[], Callable[[int], list[Any] | None]], parts: int) -> bool:
        """Fork the helper; False if no process can be forked now (too many)."""
        parent = os.getpid()
        # Held across the fork: a Ctrl-C now is taken once the helper's id is kept (stop kills it) or, in the
        # helper, once its own handlers are in place (nothing of the parent's may run there).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            self.pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            return False
        if self.pid:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        else:
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops this process
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                os.close(self._results)
                _helper(self.claims, parts, start_helper, os.fdopen(self._writer, "wb"), parent)
            finally:
                os._exit(1)  # no cleanup of the parent's objects (its open files, its database connections)
        os.close(self._writer)
        self._writer = -1
        return True

    def took(self, part: int) -> bool:
        return part < self.claims.next_free() and part not in self.claims.mine

    def sending(self) -> bool:
        """Whether what it sends next (its next part, or the end of what it sends) has begun to come."""
        poller = select.poll()
        poller.register(self._results, select.POLLIN)
        return bool(poller.poll(0))

    def alive(self) -> bool:
        if self.pid:
            with contextlib.suppress(ChildProcessError):  # reaped by someone else: gone all the same
                if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                    return True
            self.pid = 0
        return False

    def results(self, part: int) -> list[Any] | None:
        """What the helper sent for ``part``, the next it sends; None if it left the part to this process, or
        died before sending it."""
        frame = self._read(_FRAME.size)
        if frame is None:
            return None
        size, sent_part = _FRAME.unpack(frame)
        assert sent_part == part, f"the helper sent part {sent_part} where part {part} was awaited"
        payload = self._read(size)
        return None if payload is None else pickle.loads(payload)

    def _read(self, size: int) -> bytes | None:
        """``size`` bytes from the pipe (unbuffered, so that ``sending`` sees all that waits), None at its end."""
        chunks, missing = [], size
        while missing:
            if not _wait(self._results, self.alive):  # dead, and all it wrote was read
                return None
            chunk = os.read(self._results, min(missing, _PIPE_READ))
            if not chunk:
                return None
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)  # done, or this walk was given up (Ctrl-C): either way, gone
                os.waitpid(self.pid, 0)
            self.pid = 0
        for fd in (self._results, self._writer):
            if fd >= 0:
                os.close(fd)
        self.claims.close()


def _helper(
    claims: _Claims,
    parts: int,
    start_helper: Callable[[], Callable[[int], list[T] | None]],
    results: BinaryIO,
    parent: int,
) -> None:
    walk = start_helper()
    # A parent that died holding the token: this process goes on, and stops at its first write (no reader).
    while (part := claims.claim(lambda: os.getppid() == parent)) < parts:
        payload = pickle.dumps(walk(part), protocol=pickle.HIGHEST_PROTOCOL)
        results.write(_FRAME.pack(len(payload), part) + payload)
        results.flush()
    results.close()
    os._exit(0)
