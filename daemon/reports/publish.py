"""Making recaps and boards on the SOPs' calendar, and mailing them, each exactly once.

The service calls `publish_due` every few minutes. Each publication (a kind and a period:
the monthly recap of 2026-10, the board of 2026-11-23) is made once: its `Publication` row,
its mail and, for a board, its entries' new status are written in one transaction, under a
unique (kind, period). A service that was down on the day catches up when it starts; a
period that ended before anything was registered is skipped (a fresh install does not mail
recaps of empty months). Recaps wait out quiet hours and days off: a monthly recap due on a
Sunday or a holiday is made on the next working morning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from aduan.daemon.calendar import WorkCalendar
from aduan.daemon.config import WEEKDAYS, Settings
from aduan.daemon.escalation import Escalator
from aduan.daemon.register import DAEMON
from aduan.daemon.reports.board import Board, board_key, make_board
from aduan.daemon.reports.periods import Period, last_complete
from aduan.daemon.reports.recap import WEEKLY_CHANNELS, Report, make_report
from aduan.daemon.status import record_ok, record_poll_error
from aduan.models.db import transaction
from aduan.models.tables import Entry, Publication

log = logging.getLogger(__name__)

MONTHLY, SEMESTER, WEEKLY, BOARD = "bulanan", "semester", "mingguan", "papan"
STATUS_SOURCE = "laporan"  # how a failure shows in `aduan status`
# What is mailed of a report: the PDF to read and print, the workbook to work with.
MAILED = (".pdf", ".xlsx")


@dataclass(frozen=True)
class Due:
    kind: str
    key: str
    at: datetime  # when it fell due


def due_now(settings: Settings, now: datetime) -> list[Due]:
    """The publications whose time has come by `now` (made or not)."""
    cfg = settings.reports
    tz = settings.facility.tz
    local = now.astimezone(tz)
    found: list[Due] = []
    if cfg.monthly_day:
        day = local.replace(day=cfg.monthly_day)
        at = datetime.combine(day.date(), time.fromisoformat(cfg.monthly_time), tz)
        if at > local:
            at = _month_before(at)
        month = last_complete(MONTHLY, at, tz)
        found.append(Due(MONTHLY, month.key, at))
        if at.month in cfg.semester_months:
            found.append(Due(SEMESTER, last_complete(SEMESTER, at, tz).key, at))
    if cfg.weekly_day:
        weekday = WEEKDAYS.index(cfg.weekly_day)
        day_ = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
        at = datetime.combine(day_, time.fromisoformat(cfg.weekly_time), tz)
        if at > local:
            at -= timedelta(days=7)
        found.append(Due(WEEKLY, last_complete(WEEKLY, at, tz).key, at))
    if cfg.board_every_days:
        board_at = _last_board(cfg.board_first, cfg.board_every_days, cfg.board_time, local)
        if board_at is not None:
            found.append(Due(BOARD, board_at.date().isoformat(), board_at))
    return found


def publish_due(settings: Settings, engine: Engine, escalator: Escalator, now: datetime) -> int:
    """Make and mail whatever is due and not yet made; how many were made.

    Nothing is made in quiet hours or on a day off (`[calendar]`): what fell due then is
    made on the first call after them, as a service that was down catches up.
    """
    if WorkCalendar.from_settings(settings).is_quiet(now):
        return 0
    made = 0
    for due in due_now(settings, now):
        try:
            if _publish_one(settings, engine, escalator, due, now):
                made += 1
                record_ok(engine, STATUS_SOURCE, now)
        except OSError as exc:
            problem = (
                f"{due.kind} {due.key}: {exc.filename} cannot be written ({exc.strerror}); "
                "check [reports] dir and its permissions"
            )
            log.error("%s", problem)
            record_poll_error(engine, STATUS_SOURCE, problem, now)
        except Exception as exc:  # one broken document must not stop the others, nor intake
            log.exception("could not make %s %s", due.kind, due.key)
            record_poll_error(engine, STATUS_SOURCE, f"{due.kind} {due.key}: {exc}", now)
    return made


def _publish_one(
    settings: Settings, engine: Engine, escalator: Escalator, due: Due, now: datetime
) -> int:
    with transaction(engine) as session:
        if _made(session, due.kind, due.key) or not _registered_before(session, due.at):
            return 0
        if due.kind == BOARD:
            since = due.at - timedelta(days=settings.reports.board_every_days)
            board = publish_board(session, settings, escalator, since, due.at, now, DAEMON)
            files = [p.name for p in board.files]
        else:
            period = last_complete(due.kind, due.at, settings.facility.tz)
            if due.kind == WEEKLY and not _any_in(session, period, WEEKLY_CHANNELS):
                return 0
            report = publish_report(session, settings, escalator, period, now, DAEMON)
            files = [p.name for p in report.files]
        log.info("made %s %s: %s", due.kind, due.key, " ".join(files))
        return 1


def publish_report(
    session: Session,
    settings: Settings,
    escalator: Escalator,
    period: Period,
    now: datetime,
    by: str,
    *,
    out_dir: Path | None = None,
    formats: list[str] | None = None,
    lang: str | None = None,
) -> Report:
    """Make the report of `period` and mail it (the head too, but for the weekly recap)."""
    report = make_report(
        session,
        settings,
        period,
        now,
        formats or list(settings.reports.formats),
        out_dir or settings.reports.dir,
        lang or settings.facility.language,
    )
    escalator.send_files(
        session,
        f"laporan-{period.kind}",
        period.key,
        title=report.title,
        summary=report.summary,
        files=[p for p in report.files if p.suffix in MAILED],
        to_head=period.kind != WEEKLY,
        now=now,
    )
    _record(session, period.kind, period.key, report.files, by, now)
    return report


def publish_board(
    session: Session,
    settings: Settings,
    escalator: Escalator,
    since: datetime,
    until: datetime,
    now: datetime,
    by: str,
    *,
    out_dir: Path | None = None,
    lang: str | None = None,
    formats: Sequence[str] = ("html", "pdf"),
    send: bool = True,
) -> Board:
    """Make the board of [since, until) and mark its entries published; with `send`, mail
    its PDF to the quality team to print and pin up."""
    board = make_board(
        session,
        settings,
        since,
        until,
        out_dir=out_dir or settings.reports.dir,
        lang=lang or settings.facility.language,
        formats=formats,
        by=by,
        now=now,
    )
    key = board_key(until, settings)
    if send:
        escalator.send_files(
            session,
            BOARD,
            key,
            title=board_title(key, settings, lang or settings.facility.language),
            summary=[f"{len(board.items)} entri; {len(board.published)} kini dipublikasikan"],
            files=[p for p in board.files if p.suffix == ".pdf"],
            to_head=False,
            now=now,
        )
    _record(session, BOARD, key, board.files, by, now)
    return board


def board_title(key: str, settings: Settings, lang: str) -> str:
    if lang == "en":
        return f"Notice board {key} — {settings.facility.name}"
    return f"Papan pengumuman tindak lanjut pengaduan {key} — {settings.facility.name}"


def _record(
    session: Session, kind: str, key: str, files: list[Path], by: str, now: datetime
) -> None:
    if _made(session, kind, key):
        return  # made again by hand: the first making stays the record
    session.add(
        Publication(kind=kind, period=key, made_at=now, by=by, files=[p.name for p in files])
    )


def _made(session: Session, kind: str, key: str) -> bool:
    found = session.exec(
        select(Publication.id).where(Publication.kind == kind, Publication.period == key)
    ).first()
    return found is not None


def _registered_before(session: Session, at: datetime) -> bool:
    first = session.exec(select(func.min(Entry.received_at))).one()
    return first is not None and first < at


def _any_in(session: Session, period: Period, channels: tuple[str, ...]) -> bool:
    found = session.exec(
        select(Entry.id).where(
            col(Entry.channel).in_(channels),
            Entry.received_at >= period.start,
            Entry.received_at < period.end,
        )
    ).first()
    return found is not None


def _month_before(at: datetime) -> datetime:
    first = at.replace(day=1) - timedelta(days=1)
    return at.replace(year=first.year, month=first.month)


def _last_board(first: date, every: int, clock: str, local: datetime) -> datetime | None:
    """The latest board time at or before `local`: `first`, then every `every` days."""
    if local.date() < first:
        return None
    day = local.date() - timedelta(days=(local.date() - first).days % every)
    at = datetime.combine(day, time.fromisoformat(clock), local.tzinfo)
    if at > local:
        if day - timedelta(days=every) < first:
            return None
        at -= timedelta(days=every)
    return at
