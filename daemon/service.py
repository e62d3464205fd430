"""The service: passes over every source, on a schedule, until told to stop.

A pass takes each source in turn; one source failing (server down) is recorded on that
source and does not stop the others. SIGTERM/SIGINT set a flag that sources check between
items, so the item in hand is finished and committed before the process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from types import FrameType

import schedule
from sqlmodel import Session

from aduan.daemon.errors import SourceUnavailable
from aduan.daemon.learning import retrain
from aduan.daemon.outbox import deliver_due
from aduan.daemon.runtime import Runtime
from aduan.daemon.sources import PollReport, StopRequested
from aduan.daemon.status import record_poll_error, record_poll_ok
from aduan.models.db import transaction

log = logging.getLogger(__name__)

# The outbox appears in `aduan status` as a source of its own: its last delivery and error.
OUTBOX_SOURCE = "smtp"
DELIVERY_BATCH = 50


@dataclass
class PassResult:
    reports: list[PollReport] = field(default_factory=list)
    failures: list[SourceUnavailable] = field(default_factory=list)


def run_pass(runtime: Runtime, stop: StopRequested = lambda: False) -> PassResult:
    """Every source, then the deadlines, then the outbox: one full turn of the service."""
    result = PassResult()
    for source in runtime.sources():
        if stop():
            break
        try:
            report = source.poll(runtime.intake, stop)
        except SourceUnavailable as exc:
            log.error("source=%s unavailable: %s", source.name, exc)
            record_poll_error(runtime.engine, source.name, str(exc), runtime.clock())
            result.failures.append(exc)
            continue
        record_poll_ok(runtime.engine, report, runtime.clock())
        if report.outcomes:
            counts = " ".join(f"{k}={v}" for k, v in sorted(report.outcomes.items()))
            log.info("source=%s polled %s pending=%d", source.name, counts, report.pending)
        result.reports.append(report)
    if not stop():
        with transaction(runtime.engine) as session:
            runtime.escalator.tick(session, runtime.clock())
        deliver(runtime, result, stop)
    return result


def deliver(runtime: Runtime, result: PassResult, stop: StopRequested) -> None:
    """Send what the outbox holds, batch after batch; an SMTP outage is recorded as its error."""
    report = PollReport(OUTBOX_SOURCE)
    try:
        while not stop():
            sent = deliver_due(
                runtime.engine,
                runtime.settings,
                runtime.clock(),
                limit=DELIVERY_BATCH,
                on_sent=runtime.escalator.on_delivered,
            )
            report.outcomes.update(
                {"sent": len(sent.sent), "deferred": len(sent.deferred), "failed": len(sent.failed)}
            )
            if len(sent.sent) + len(sent.deferred) + len(sent.failed) < DELIVERY_BATCH:
                break
    except SourceUnavailable as exc:
        log.error("source=%s unavailable: %s", OUTBOX_SOURCE, exc)
        record_poll_error(runtime.engine, OUTBOX_SOURCE, str(exc), runtime.clock())
        result.failures.append(exc)
        return
    record_poll_ok(runtime.engine, report, runtime.clock())
    result.reports.append(report)


class Service:
    """`aduan run`: poll every source every `poll_seconds` until SIGTERM/SIGINT."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, signum: int = signal.SIGTERM, _frame: FrameType | None = None) -> None:
        log.info("signal %s received; finishing the item in hand", signal.Signals(signum).name)
        self._stop.set()

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        scheduler = schedule.Scheduler()
        settings = self.runtime.settings
        polled = (settings.mailbox, settings.maildir, settings.scans)
        intervals = [s.poll_seconds for s in polled if s is not None]
        interval = min(intervals, default=60)
        scheduler.every(interval).seconds.do(self._pass)
        train_at = settings.classification.train_time
        scheduler.every().day.at(train_at, settings.facility.timezone).do(self._train)
        log.info("service started; polling every %d s, training daily at %s", interval, train_at)
        self._pass()
        while not self._stop.is_set():
            scheduler.run_pending()
            wait = scheduler.idle_seconds
            self._stop.wait(timeout=max(0.2, min(wait if wait is not None else 1.0, 5.0)))
        log.info("service stopped")

    def _pass(self) -> None:
        run_pass(self.runtime, self.stop_requested)

    def _train(self) -> None:
        runtime = self.runtime
        try:
            with Session(runtime.engine) as session:
                retrain(session, runtime.settings, runtime.clock())
        except Exception:  # intake goes on with the rules and the model it has
            log.exception("retraining the classifier failed")
            return
        runtime.reload_classifier()
