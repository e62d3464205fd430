"""The service: sources, deadlines, the outbox and training, on a schedule, until told to stop.

Each kind of work runs in a lane of its own (a thread that never runs twice at once), so an
SMTP server that hangs does not hold up intake, and a mailbox that hangs does not hold up
sending. The main thread only keeps time: it kicks lanes from the `schedule`, wakes intake
at once when IMAP IDLE says mail arrived, pings the systemd watchdog while no lane is stuck,
and reloads the config on SIGHUP. SIGTERM/SIGINT set a flag that the lanes check between
items, so the item in hand is finished and committed before the process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

import schedule
from sqlmodel import Session

from aduan.daemon.alerts import SMTP_SOURCE
from aduan.daemon.config import Settings
from aduan.daemon.errors import AccessDenied, AduanError, SourceUnavailable
from aduan.daemon.learning import retrain
from aduan.daemon.notify import Notifier
from aduan.daemon.outbox import deliver_due, release_orphans
from aduan.daemon.reports.publish import publish_due
from aduan.daemon.runtime import Runtime
from aduan.daemon.sources import PollReport, StopRequested
from aduan.daemon.sources.imap import watch
from aduan.daemon.status import record_poll_error, record_poll_ok
from aduan.models.db import transaction

log = logging.getLogger(__name__)

# The outbox appears in `aduan status` as a source of its own: its last delivery and error.
OUTBOX_SOURCE = SMTP_SOURCE
DELIVERY_BATCH = 50
DEADLINE_SECONDS = 60  # how often deadlines (reminders, digests, overdue) are looked at
DELIVERY_SECONDS = 30  # how often the outbox is looked at (besides after each intake)
REPORT_SECONDS = 300  # how often recaps and boards are looked at; each is due at a set time
STOP_SECONDS = 8.0  # SIGTERM → exit within this, plus the start-up of nothing new
# A lane busy longer than this is stuck (a hung connection despite timeouts): the watchdog
# stops being fed, so systemd restarts the service. OCR of a big batch takes minutes, not this.
STUCK_SECONDS = 30 * 60
RELOAD_WAIT_SECONDS = 5 * 60  # a reload waits this long for the work in hand, then retries


@dataclass
class PassResult:
    reports: list[PollReport] = field(default_factory=list)
    failures: list[SourceUnavailable] = field(default_factory=list)


def run_pass(runtime: Runtime, stop: StopRequested = lambda: False) -> PassResult:
    """Every source, then the deadlines, then the outbox: one full turn (`aduan run --once`)."""
    result = poll_sources(runtime, stop)
    if not stop():
        check_deadlines(runtime)
        publish(runtime)
        deliver(runtime, result, stop)
    return result


def poll_sources(runtime: Runtime, stop: StopRequested) -> PassResult:
    """Take what every source holds; one source failing does not stop the others."""
    result = PassResult()
    for source in runtime.sources():
        if stop():
            break
        try:
            report = source.poll(runtime.intake, stop)
        except SourceUnavailable as exc:
            _failed(runtime, source.name, exc)
            result.failures.append(exc)
            continue
        record_poll_ok(runtime.engine, report, runtime.clock())
        runtime.alerts.ok(source.name, runtime.clock())
        if report.outcomes:
            counts = " ".join(f"{k}={v}" for k, v in sorted(report.outcomes.items()))
            log.info("source=%s polled %s pending=%d", source.name, counts, report.pending)
        result.reports.append(report)
    return result


def _failed(runtime: Runtime, source: str, exc: SourceUnavailable) -> None:
    """Record a source's failure; login trouble reaches the journal at ERROR once per change
    (daemon/alerts.py), a server that does not answer every time, as before."""
    now = runtime.clock()
    if not runtime.alerts.failed(source, exc, now):
        level = logging.WARNING if isinstance(exc, AccessDenied) else logging.ERROR
        log.log(level, "source=%s unavailable: %s", source, exc)
    record_poll_error(runtime.engine, source, str(exc), now)


def check_deadlines(runtime: Runtime) -> None:
    """Reminders, digests and overdue alerts; and mail about login trouble that lasts."""
    with transaction(runtime.engine) as session:
        runtime.escalator.tick(session, runtime.clock())
    runtime.alerts.raise_due(runtime.engine, runtime.clock())


def publish(runtime: Runtime) -> None:
    """Recaps and notice boards whose day has come; they reach the outbox, not yet SMTP."""
    publish_due(runtime.settings, runtime.engine, runtime.escalator, runtime.clock())


def deliver(runtime: Runtime, result: PassResult, stop: StopRequested) -> None:
    """Send what the outbox holds, batch after batch; an SMTP outage is recorded as its error."""
    report = PollReport(OUTBOX_SOURCE)
    release_orphans(runtime.engine, runtime.clock())
    handed = 0  # messages the server answered for: it was reached and let us in
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
            batch = len(sent.sent) + len(sent.deferred) + len(sent.failed)
            handed += batch
            if batch < DELIVERY_BATCH:
                break
    except SourceUnavailable as exc:
        _failed(runtime, OUTBOX_SOURCE, exc)
        result.failures.append(exc)
        return
    record_poll_ok(runtime.engine, report, runtime.clock())
    if handed:  # with nothing due, SMTP was not tried: its trouble, if any, stands
        runtime.alerts.ok(OUTBOX_SOURCE, runtime.clock())
    result.reports.append(report)


class Lane:
    """One kind of work in a thread of its own, never running twice at once.

    `kick()` while it runs asks for one more run right after: mail that arrives during a poll
    is taken by the next one, not forgotten.
    """

    def __init__(self, name: str, work: Callable[[], None]) -> None:
        self.name = name
        self.work = work
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self.started_at: float | None = None  # monotonic; None while idle

    def kick(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self.started_at = time.monotonic()
            self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                self.work()
            except Exception:  # the service goes on; the next run retries
                # (a full disk, a database that went away…: nothing was half-committed)
                log.exception("lane=%s failed; retrying at its next run", self.name)
            with self._lock:
                if not self._again:
                    self._thread, self.started_at = None, None
                    return
                self._again = False
                self.started_at = time.monotonic()

    def busy_for(self) -> float:
        started = self.started_at
        return 0.0 if started is None else time.monotonic() - started

    def join(self, deadline: float) -> bool:
        """Wait for the run in hand until the monotonic `deadline`; False if still running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
            return not thread.is_alive()
        return True


class Service:
    """`aduan run`: the lanes, the schedule, IDLE, signals and the watchdog."""

    def __init__(
        self,
        runtime: Runtime,
        reload: Callable[[], Settings] | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.runtime = runtime
        self._reload_settings = reload
        self.notifier = notifier or Notifier()
        self._stop = threading.Event()
        self._wake = threading.Event()  # something to do now (mail arrived, a signal)
        self._reload = threading.Event()
        self._idle_stop = threading.Event()
        self.lanes: dict[str, Lane] = {}
        self._stuck_logged: set[str] = set()

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, signum: int = signal.SIGTERM, _frame: FrameType | None = None) -> None:
        log.info("signal %s received; finishing the item in hand", signal.Signals(signum).name)
        self._stop.set()
        self._wake.set()

    def request_reload(self, _signum: int = signal.SIGHUP, _frame: FrameType | None = None) -> None:
        self._reload.set()
        self._wake.set()

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGHUP, self.request_reload)
        scheduler = self._start()
        self.notifier.ready("aduan berjalan")
        while not self._stop.is_set():
            if self._reload.is_set():
                self._reload.clear()
                scheduler = self._reloaded(scheduler)
            scheduler.run_pending()
            self._feed_watchdog()
            self._wake.wait(timeout=self._tick_seconds(scheduler))
            self._wake.clear()
        self.notifier.stopping()
        self._finish()
        log.info("service stopped")

    def _start(self) -> schedule.Scheduler:
        """Lanes, the schedule and the IDLE watcher for the current runtime."""
        runtime = self.runtime
        settings = runtime.settings
        stop = self.stop_requested
        self.lanes = {
            "intake": Lane("intake", self._intake),
            "deadlines": Lane("deadlines", lambda: check_deadlines(runtime)),
            "deliver": Lane("deliver", lambda: deliver(runtime, PassResult(), stop)),
            "train": Lane("train", self._train),
            "reports": Lane("reports", self._publish),
        }
        scheduler = schedule.Scheduler()
        polled = [s.poll_seconds for s in (settings.mailbox, settings.maildir) if s is not None]
        interval = min([*polled, settings.scans.poll_seconds])
        scheduler.every(interval).seconds.do(self.lanes["intake"].kick)
        scheduler.every(DEADLINE_SECONDS).seconds.do(self.lanes["deadlines"].kick)
        scheduler.every(DELIVERY_SECONDS).seconds.do(self.lanes["deliver"].kick)
        scheduler.every(REPORT_SECONDS).seconds.do(self.lanes["reports"].kick)
        train_at = settings.classification.train_time
        scheduler.every().day.at(train_at, settings.facility.timezone).do(self.lanes["train"].kick)
        self._idle_stop = threading.Event()
        mailbox = settings.mailbox
        idle = mailbox is not None and mailbox.idle
        if idle:
            threading.Thread(
                target=watch,
                args=(mailbox, self._mail_arrived, self._idle_stop, runtime.mailbox_tokens()),
                name="imap-idle",
                daemon=True,
            ).start()
        log.info(
            "service started; polling every %d s%s, training daily at %s",
            interval,
            " and on IMAP IDLE" if idle else "",
            train_at,
        )
        for lane in ("intake", "deadlines", "deliver", "reports"):
            self.lanes[lane].kick()
        return scheduler

    def _mail_arrived(self) -> None:
        self.lanes["intake"].kick()

    def _intake(self) -> None:
        result = poll_sources(self.runtime, self.stop_requested)
        taken = sum(sum(r.outcomes.values()) for r in result.reports)
        if taken:
            # Escalations of what was just registered go out now, not at the next tick.
            self.lanes["deliver"].kick()
        failing = ", ".join(sorted({str(f).split(":", 1)[0] for f in result.failures}))
        self.notifier.status(
            f"terakhir: {taken} item" + (f"; gangguan: {failing}" if failing else "")
        )

    def _publish(self) -> None:
        publish(self.runtime)
        self.lanes["deliver"].kick()

    def _train(self) -> None:
        runtime = self.runtime
        with Session(runtime.engine) as session:
            retrain(session, runtime.settings, runtime.clock())
        runtime.reload_classifier()

    def _tick_seconds(self, scheduler: schedule.Scheduler) -> float:
        wait = scheduler.idle_seconds
        limit = 5.0
        interval = self.notifier.watchdog_interval()
        if interval is not None:
            limit = min(limit, interval / 2)
        return max(0.05, min(wait if wait is not None else limit, limit))

    def _feed_watchdog(self) -> None:
        """Ping systemd only while every lane is turning: a stuck one gets us restarted."""
        stuck = [name for name, lane in self.lanes.items() if lane.busy_for() > STUCK_SECONDS]
        for name in set(stuck) - self._stuck_logged:
            log.error("lane=%s has been busy for over %d s; it looks stuck", name, STUCK_SECONDS)
        self._stuck_logged = set(stuck)
        if not stuck:
            self.notifier.watchdog()

    def _reloaded(self, scheduler: schedule.Scheduler) -> schedule.Scheduler:
        """SIGHUP: read the config again; a broken one is logged and the old one kept."""
        if self._reload_settings is None:
            return scheduler
        try:
            settings = self._reload_settings()
            self.notifier.reloading()
        except AduanError as exc:
            log.error("config not reloaded, the old one stays in use: %s", exc)
            return scheduler
        log.info("reloading the config")
        self._idle_stop.set()
        if not self._drain(time.monotonic() + RELOAD_WAIT_SECONDS):
            log.warning("work in hand did not finish; the config is reloaded later")
            self._reload.set()
            return scheduler
        self.runtime.close()
        self.runtime = Runtime.open(settings)
        scheduler = self._start()
        self.notifier.ready("konfigurasi dimuat ulang")
        return scheduler

    def _drain(self, deadline: float) -> bool:
        """Wait for every lane's run in hand, feeding the watchdog meanwhile."""
        while time.monotonic() < deadline:
            if all(
                lane.join(min(deadline, time.monotonic() + 1.0)) for lane in self.lanes.values()
            ):
                return True
            self._feed_watchdog()
        return False

    def _finish(self) -> None:
        """Let the items in hand be committed, within STOP_SECONDS; then go."""
        self._idle_stop.set()
        if self._drain(time.monotonic() + STOP_SECONDS):
            self.runtime.close()
        else:
            # A lane stuck in a network call: nothing uncommitted is lost by leaving it.
            log.warning("a lane did not finish within %.0f s; exiting anyway", STOP_SECONDS)
