"""Cost per document of two ways to bound the time one document may take (README, "Limits on hostile input"):
an in-process interval timer (cleaner's time budget, SIGALRM) against handing each document to a worker
process, and against starting a fresh worker, which is what killing one per runaway document costs.

    python bench/budget.py
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from cleaner.stages.budget import time_budget


def nothing(value: int) -> int:
    return value


def per_call(function, count: int) -> float:
    started = time.perf_counter()
    for number in range(count):
        function(number)
    return (time.perf_counter() - started) / count


def armed(_: int) -> None:
    with time_budget(30, "bench"):
        pass


def main() -> None:
    context = multiprocessing.get_context("forkserver")
    alarm = per_call(armed, 20_000)
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        pool.submit(nothing, 0).result()
        trip = per_call(lambda number: pool.submit(nothing, number).result(), 2_000)

    def fresh_worker(_: int) -> None:
        process = context.Process(target=nothing, args=(0,))
        process.start()
        process.join()

    fresh = per_call(fresh_worker, 20)
    print(f"time budget (SIGALRM): {alarm * 1e6:.0f} us a document")
    print(f"worker round trip:     {trip * 1e6:.0f} us a document ({trip / alarm:.0f} times)")
    print(f"fresh worker:          {fresh * 1e3:.0f} ms a document ({fresh / alarm:.0f} times)")


if __name__ == "__main__":
    main()
