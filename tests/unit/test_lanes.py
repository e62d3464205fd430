"""A lane runs its work in a thread of its own, once at a time, and survives its failures."""

from __future__ import annotations

import threading
import time

import pytest

from aduan.daemon.service import Lane


def test_a_failing_run_is_logged_and_the_next_kick_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    def work() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise OSError(28, "No space left on device")

    lane = Lane("intake", work)
    lane.kick()
    assert lane.join(time.monotonic() + 5)
    lane.kick()
    assert lane.join(time.monotonic() + 5)
    assert runs == [0, 1]
    assert "lane=intake failed" in caplog.text


def test_a_kick_while_running_asks_for_exactly_one_more_run() -> None:
    release = threading.Event()
    runs: list[int] = []

    def work() -> None:
        runs.append(1)
        release.wait(5)

    lane = Lane("deliver", work)
    lane.kick()
    for _ in range(3):  # mail arrives three times during the run
        lane.kick()
    assert lane.busy_for() > 0
    release.set()
    assert lane.join(time.monotonic() + 5)
    time.sleep(0.05)
    assert lane.join(time.monotonic() + 5)
    assert len(runs) == 2
    assert lane.busy_for() == 0.0
