"""What `aduan status` reports, and the bookkeeping the sources leave for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from aduan.daemon.box import BoxCount, box_counts
from aduan.daemon.register import count_entries, count_overdue
from aduan.daemon.sources import PollReport
from aduan.models.db import insert_for, transaction
from aduan.models.tables import Entry, OutboxMessage, ProcessedItem, QuarantineItem, SourceState

if TYPE_CHECKING:
    from aduan.daemon.alerts import Problem


def record_poll_ok(engine: Engine, report: PollReport, now: datetime) -> None:
    _record(engine, report.source, {"last_ok_at": now, "pending": report.pending})


def record_ok(engine: Engine, source: str, now: datetime) -> None:
    """Something other than a poll went well (a recap made): clears the source's error."""
    _record(engine, source, {"last_ok_at": now})


def record_poll_error(engine: Engine, source: str, error: str, now: datetime) -> None:
    _record(engine, source, {"last_error": error, "last_error_at": now})


def _record(engine: Engine, source: str, values: dict[str, Any]) -> None:
    """Upsert: two daemons polling a source for the first time must not both insert it."""
    statement = insert_for(engine)(SourceState).values(source=source, **values)
    with transaction(engine) as session:
        session.execute(statement.on_conflict_do_update(index_elements=["source"], set_=values))


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    pending: int
    trouble: Problem | None = None  # login trouble (daemon/alerts.py): since when, what

    @property
    def failing(self) -> bool:
        """The last thing that happened to this source was an error."""
        if self.last_error_at is None:
            return False
        return self.last_ok_at is None or self.last_error_at > self.last_ok_at


@dataclass(frozen=True)
class Status:
    sources: list[SourceHealth]
    entries: int
    overdue: int
    quarantine: int
    outbox_waiting: int
    outbox_failed: int
    autoreplies: int
    bounces: int
    review: int  # entries whose machine reading a person must check
    blank_pages: int  # scanned pages skipped as blank
    box: list[BoxCount]  # recent openings of the suggestion box, reconciled
    at: datetime  # when this was collected

    def as_json(self, tz: Any) -> dict[str, Any]:
        data = asdict(self)
        del data["box"], data["at"]
        data["kotak"] = [b.as_json(tz) for b in self.box]
        for src in data["sources"]:
            for key in ("last_ok_at", "last_error_at"):
                src[key] = None if src[key] is None else src[key].astimezone(tz).isoformat()
        for src, health in zip(data["sources"], self.sources, strict=True):
            src["failing"] = health.failing
            trouble = health.trouble
            src["trouble"] = (
                None
                if trouble is None
                else {
                    **trouble.as_json(),
                    "since": trouble.since.astimezone(tz).isoformat(),
                    "minutes": int(trouble.lasted(self.at).total_seconds() // 60),
                }
            )
        return data


# How far back `status` reconciles box openings: the SOPs open it every two weeks to monthly.
BOX_DAYS = timedelta(days=120)


def collect_status(
    engine: Engine, now: datetime, troubles: Mapping[str, Problem] | None = None
) -> Status:
    """`troubles`: the trouble book's problems by source, shown with their sources."""
    troubles = troubles or {}
    with Session(engine) as session:
        sources = [
            SourceHealth(
                s.source,
                s.last_ok_at,
                s.last_error,
                s.last_error_at,
                s.pending,
                troubles.get(s.source),
            )
            for s in session.exec(select(SourceState).order_by(SourceState.source))
        ]

        def count(model: Any, *where: Any) -> int:
            return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

        return Status(
            sources=sources,
            entries=count_entries(session),
            overdue=count_overdue(session, now),
            quarantine=count(QuarantineItem, QuarantineItem.status == "karantina"),
            outbox_waiting=count(OutboxMessage, OutboxMessage.status == "antri"),
            outbox_failed=count(OutboxMessage, OutboxMessage.status == "gagal"),
            autoreplies=count(ProcessedItem, ProcessedItem.outcome == "autoreply"),
            bounces=count(ProcessedItem, ProcessedItem.outcome == "bounce"),
            review=count(Entry, col(Entry.review_reason).is_not(None)),
            blank_pages=count(ProcessedItem, ProcessedItem.outcome == "blank"),
            box=box_counts(session, since=now - BOX_DAYS),
            at=now,
        )
