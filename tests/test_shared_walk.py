"""A walk shared with a forked helper process (engines/scan.py): every part's results once, in the parts' order,
whichever process walked it, and whatever the helper does: leaves parts, dies, fails to start, or is stopped."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleaner.engines.scan import shared_walk

PARTS = 40


def walked_here(part: int) -> Iterator[tuple[int, str]]:
    time.sleep(0.005)  # long enough for the helper to take its share
    yield part, "here"
    yield part, "here, second result"


def helper_walk(leave: Callable[[int], bool] = lambda part: False) -> Callable[[], Callable[[int], list | None]]:
    def start() -> Callable[[int], list | None]:
        def walk(part: int) -> list | None:
            time.sleep(0.005)
            return None if leave(part) else [(part, "helper"), (part, "helper, second result")]

        return walk

    return start


def parts_in_order(results: list[tuple[int, str]]) -> None:
    assert [part for part, _ in results] == [part for part in range(PARTS) for _ in range(2)]
    for first, second in zip(results[::2], results[1::2], strict=True):  # both results of a part, from one process
        assert second[1] == f"{first[1]}, second result"


def children() -> set[int]:
    """This process's child processes, zombies included (other tests' worker pools may be among them)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


@pytest.fixture
def no_child_left() -> Iterator[None]:
    before = children()
    yield
    assert children() <= before


def test_each_part_comes_once_in_order_and_the_helper_takes_a_share(no_child_left: None) -> None:
    results = list(shared_walk(PARTS, walked_here, helper_walk()))
    parts_in_order(results)
    by = {who for _, who in results[::2]}
    assert by == {"here", "helper"}
    assert results[0][1] == "here"  # part 0 is this process's


def test_a_part_the_helper_leaves_is_walked_here() -> None:
    results = list(shared_walk(PARTS, walked_here, helper_walk(leave=lambda part: part % 2 == 1)))
    parts_in_order(results)
    assert all(who.startswith("here") for part, who in results if part % 2 == 1)


def test_a_helper_that_dies_leaves_its_parts_to_this_process(no_child_left: None) -> None:
    def dies_at_the_fifth(part: int) -> bool:
        if part >= 5:
            os._exit(3)
        return False

    results = list(shared_walk(PARTS, walked_here, helper_walk(leave=dies_at_the_fifth)))
    parts_in_order(results)


def test_a_helper_that_cannot_start_leaves_every_part_here() -> None:
    def cannot_start() -> Callable[[int], list | None]:
        raise OSError("no database here")

    results = list(shared_walk(PARTS, walked_here, cannot_start))
    parts_in_order(results)
    assert {who for _, who in results} == {"here", "here, second result"}


def test_a_walk_given_up_stops_its_helper(no_child_left: None) -> None:
    walk = shared_walk(PARTS, walked_here, helper_walk())
    assert next(walk) == (0, "here")
    walk.close()  # as when the batch stops (Ctrl-C, a full disk)


@pytest.mark.parametrize("parts", [0, 1, 2])
def test_a_walk_of_two_parts_or_fewer_starts_no_helper(parts: int) -> None:
    def never(*_: object) -> None:
        raise AssertionError("no helper while part 0 is all there is to share")

    expected = [(part, f"here{second}") for part in range(parts) for second in ("", ", second result")]
    assert list(shared_walk(parts, walked_here, never)) == expected


def test_while_the_helper_is_on_a_long_part_this_process_walks_the_next_ones() -> None:
    def slow_start(part: int) -> Iterator[tuple[int, str]]:
        time.sleep(0.1 if part == 0 else 0)  # the helper takes part 1 meanwhile
        yield from walked_here(part)

    def start() -> Callable[[int], list | None]:
        def walk(part: int) -> list | None:
            time.sleep(2 if part == 1 else 0)
            return [(part, "helper"), (part, "helper, second result")]

        return walk

    results = list(shared_walk(PARTS, slow_start, start))
    parts_in_order(results)
    assert [part for part, who in results[::2] if who == "helper"] == [1]
