"""Store calls from the API: a few long-lived daemon threads, at most ``STORE_THREADS`` calls at once per event
loop, a timeout that gives up on a call without holding up the others, errors handed back to the caller."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from compoundgraph.api.limits import STORE_THREADS, run_query
from compoundgraph.store.console import QueryTimeout


def test_calls_reuse_a_few_daemon_threads() -> None:
    seen: list[threading.Thread] = []

    def who() -> None:
        seen.append(threading.current_thread())
        time.sleep(0.005)

    async def bursts() -> None:
        for _ in range(5):
            await asyncio.gather(*(run_query(5, who) for _ in range(8)))
            await asyncio.sleep(0.05)

    asyncio.run(bursts())
    assert len(seen) == 40
    assert len({t.ident for t in seen}) <= STORE_THREADS  # the same few serve every burst
    assert all(t.daemon for t in seen)  # a query given up on cannot hold up the process's exit
    assert threading.current_thread() not in seen


def test_at_most_store_threads_calls_at_once() -> None:
    lock = threading.Lock()
    running = peak = 0

    def work() -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return 1

    async def crowd() -> list[int]:
        return await asyncio.gather(*(run_query(5, work) for _ in range(3 * STORE_THREADS)))

    assert asyncio.run(crowd()) == [1] * (3 * STORE_THREADS)
    assert peak == STORE_THREADS


def test_a_call_given_up_on_does_not_hold_up_the_others() -> None:
    release = threading.Event()
    entered = threading.Event()

    def stuck() -> bool:
        entered.set()
        return release.wait(10)

    async def scene() -> list[int]:
        with pytest.raises(QueryTimeout, match=r"longer than 0\.05 s"):
            await run_query(0.05, stuck)
        # the abandoned call still holds its thread: a full set of new calls runs beside it (a pool held up
        # behind it would time these out instead)
        done = await asyncio.gather(*(run_query(2, lambda: 1) for _ in range(STORE_THREADS)))
        assert entered.is_set() and not release.is_set()  # the abandoned call is still waiting
        return done

    try:
        assert asyncio.run(scene()) == [1] * STORE_THREADS
    finally:
        release.set()


def test_errors_and_results_reach_the_caller() -> None:
    async def calls() -> tuple[int, str]:
        with pytest.raises(ZeroDivisionError):
            await run_query(1, lambda: 1 // 0)
        return await run_query(1, sum, [1, 2, 3]), await run_query(1, "-".join, ["a", "b"])

    assert asyncio.run(calls()) == (6, "a-b")
