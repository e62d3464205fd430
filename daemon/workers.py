"""CPU-heavy pure work (parsing, OCR) on every core, in worker processes.

Only pure functions run there (bytes in, typed values out), plus writes to the
content-addressed file store, which are idempotent. Database writes stay in the main process,
so the register keeps one writer per daemon.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Generic, TypeVar

_In = TypeVar("_In")
_Out = TypeVar("_Out")

# Below this many items a batch is cheaper to do inline than to ship to workers.
MIN_PARALLEL = 16


class Pending(Generic[_Out]):
    """Results being computed; `result()` waits for them (or computes them, when inline)."""

    def __init__(self, compute: Callable[[], list[_Out]]) -> None:
        self._compute = compute
        self._results: list[_Out] | None = None

    def result(self) -> list[_Out]:
        if self._results is None:
            self._results = self._compute()
        return self._results


class WorkerPool:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None

    def submit(
        self, fn: Callable[[_In], _Out], items: Sequence[_In], *, costly: bool = False
    ) -> Pending[_Out]:
        """Start `[fn(x) for x in items]` on the workers and return at once.

        Small batches of cheap items (parsing) are not worth the trip: they are computed
        inline, when asked for. `costly` items (an OCR'd page) always go to the workers, one at
        a time, so a slow page does not hold up a whole chunk and the OCR engine's memory stays
        out of the main process.
        """
        if self.workers < 2 or (not costly and len(items) < MIN_PARALLEL):
            return Pending(lambda: [fn(item) for item in items])
        if self._executor is None:
            # spawn, not fork: the main process holds database connections and sockets.
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
        chunk = 1 if costly else max(1, len(items) // (self.workers * 4))
        # Executor.map submits every chunk now; the iterator only collects the results.
        results = self._executor.map(fn, items, chunksize=chunk)
        return Pending(lambda: list(results))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
