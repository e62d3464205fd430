"""CPU-heavy pure work (parsing now, OCR later) on every core, in worker processes.

Only pure functions run there: bytes in, typed values out. Database writes stay in the main
process, so the register keeps one writer per daemon.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

_In = TypeVar("_In")
_Out = TypeVar("_Out")

# Below this many items a batch is cheaper to do inline than to ship to workers.
MIN_PARALLEL = 16


class WorkerPool:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[_In], _Out], items: Sequence[_In]) -> list[_Out]:
        """`[fn(x) for x in items]`, in order; on the workers when that pays."""
        if self.workers < 2 or len(items) < MIN_PARALLEL:
            return [fn(item) for item in items]
        if self._executor is None:
            # spawn, not fork: the main process holds database connections and sockets.
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
        chunk = max(1, len(items) // (self.workers * 4))
        return list(self._executor.map(fn, items, chunksize=chunk))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
