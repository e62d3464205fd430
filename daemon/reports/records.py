"""The register rows a recap reads, with the moments that matter for the SOP deadlines.

A district register may hold tens of thousands of entries: only the period's are loaded,
and the events of all of them in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from aduan.daemon.register import overdue, overdue_deadlines
from aduan.models.tables import Entry, Event

SPAM = "bukan_aduan"
# Intake notes a complaint that someone forwarded *to us* as a `forwarded` event too; only
# forwarding to the quality team counts for the 2x24h deadline.
_INBOUND_FORWARD = "diteruskan oleh "
_MILESTONE_EVENTS = ("forwarded", "response", "status")


@dataclass(frozen=True)
class Record:
    """One entry as a recap sees it; times are aware UTC."""

    register_no: str
    received_at: datetime
    channel: str
    kind: str
    unit: str
    urgent: bool
    status: str
    reasons: tuple[str, ...]
    text: str
    response: str | None
    rtl: str | None
    reporter_name: str | None
    reporter_contact: str | None
    reporter_address: str | None
    confidential: bool  # rahasia: its text and reporter stay out of every recap file
    electronic: bool  # has the 3x24h answer deadline
    # The entry's own deadlines, as the register computed them (wall clock or working days).
    due_forward: datetime
    due_answer: datetime | None
    due_resolve: datetime
    forwarded_at: datetime | None
    answered_at: datetime | None
    resolved_at: datetime | None
    missed: tuple[str, ...]  # deadlines missed as of the report's `now`: forward, answer, resolve

    @property
    def spam(self) -> bool:
        return self.status == SPAM


@dataclass(frozen=True)
class Tally:
    """Just what counting needs of an entry: the previous period of a comparison."""

    channel: str
    kind: str
    unit: str
    urgent: bool
    status: str

    @property
    def spam(self) -> bool:
        return self.status == SPAM


@dataclass(frozen=True)
class Overdue:
    """An open entry past a deadline, for the head's list: no reporter, no text."""

    register_no: str
    received_at: datetime
    kind: str
    unit: str
    deadlines: tuple[tuple[str, datetime], ...]  # (forward | answer | resolve, due)


@dataclass
class _Milestones:
    forwarded: datetime | None = None
    answered: datetime | None = None
    resolved: datetime | None = None


def load_records(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    channels: Collection[str] | None = None,
) -> list[Record]:
    """Entries received in [start, end), oldest first, with their milestones up to `now`."""
    period = _received(start, end, channels)
    entries = session.exec(
        select(Entry).where(period).order_by(col(Entry.received_at), col(Entry.id))
    ).all()
    found: dict[int, _Milestones] = defaultdict(_Milestones)
    if entries:
        events = session.exec(
            select(Event)
            .join(Entry, col(Entry.id) == col(Event.entry_id))
            # What happened after `now` is not known yet to a report judged at `now`.
            .where(period & col(Event.type).in_(_MILESTONE_EVENTS) & (col(Event.at) <= now))
            .order_by(col(Event.at), col(Event.id))
        )
        for event in events:
            _note(found[event.entry_id], event)
    records = []
    for entry in entries:
        assert entry.id is not None
        times = found.get(entry.id, _Milestones())
        records.append(_record(entry, times, now))
    return records


def load_tallies(
    session: Session, start: datetime, end: datetime, *, channels: Collection[str] | None = None
) -> list[Tally]:
    """What counting needs of the entries received in [start, end): five columns, no text."""
    columns = (Entry.channel, Entry.kind, Entry.unit, Entry.urgent, Entry.status)
    # SQLAlchemy's select: sqlmodel's is typed for at most four columns.
    rows = session.execute(sa_select(*map(col, columns)).where(_received(start, end, channels)))
    return [Tally(*row) for row in rows]


def _received(
    start: datetime, end: datetime, channels: Collection[str] | None
) -> ColumnElement[bool]:
    period = (col(Entry.received_at) >= start) & (col(Entry.received_at) < end)
    if channels is not None:
        period = period & col(Entry.channel).in_(list(channels))
    return period


def load_overdue(
    session: Session, before: datetime, now: datetime, limit: int
) -> tuple[list[Overdue], int]:
    """The oldest `limit` open entries received before `before` that are past a deadline at
    `now`, and how many there are in all (a neglected district register may hold thousands)."""
    late = overdue(now) & (col(Entry.received_at) < before)
    total = session.exec(select(func.count()).select_from(Entry).where(late)).one()
    entries = session.exec(
        select(Entry).where(late).order_by(col(Entry.received_at), col(Entry.id)).limit(limit)
    )
    found = [
        Overdue(
            entry.register_no,
            entry.received_at,
            entry.kind,
            entry.unit,
            tuple(overdue_deadlines(entry, now)),
        )
        for entry in entries
    ]
    return found, total


def _note(times: _Milestones, event: Event) -> None:
    # Events arrive in time order: the first of each kind wins.
    if event.type == "forwarded" and not event.detail.startswith(_INBOUND_FORWARD):
        times.forwarded = times.forwarded or event.at
    elif event.type == "status":
        # A person moving an entry on from `diterima` has passed it to whoever acts on it.
        if event.detail.startswith("diterima →"):
            times.forwarded = times.forwarded or event.at
        if event.detail.endswith("→ selesai"):
            times.resolved = times.resolved or event.at
    elif event.type == "response":
        times.answered = times.answered or event.at
        times.resolved = times.resolved or event.at


def _record(entry: Entry, times: _Milestones, now: datetime) -> Record:
    return Record(
        register_no=entry.register_no,
        received_at=entry.received_at,
        channel=entry.channel,
        kind=entry.kind,
        unit=entry.unit,
        urgent=entry.urgent,
        status=entry.status,
        reasons=tuple(entry.reasons),
        text=entry.text,
        response=entry.response,
        rtl=entry.rtl,
        reporter_name=entry.reporter_name,
        reporter_contact=entry.reporter_contact,
        reporter_address=entry.reporter_address,
        confidential=entry.confidential,
        electronic=entry.due_answer is not None,
        due_forward=entry.due_forward,
        due_answer=entry.due_answer,
        due_resolve=entry.due_resolve,
        forwarded_at=times.forwarded,
        answered_at=times.answered,
        resolved_at=times.resolved,
        missed=tuple(name for name, _ in overdue_deadlines(entry, now)),
    )
