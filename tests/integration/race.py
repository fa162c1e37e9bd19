"""Contenders released at the same moment, for the race tests of every feature."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def all_at_once(work: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run each piece of work in its own thread, released together by a barrier; what each
    returned or raised, in the order of ``work``."""
    barrier = threading.Barrier(len(work))
    outcomes: list[T | BaseException] = [RuntimeError("did not run")] * len(work)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = work[index]()
        except BaseException as error:  # reported by the test, whatever it is
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a contender hung"
    return outcomes
