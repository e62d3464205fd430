"""Openings of the suggestion box (kotak saran), and the count of slips each one yields.

The SOPs have the box opened on a schedule (every two weeks, or monthly) and its slips
recorded. Staff record each opening — when, by whom, how many slips came out — and every
slip registered afterwards (scan folder, `aduan scan`, a scanner's mail, typed in) belongs to
the open session: its received date is the opening, since that is when the Puskesmas had it
and the SOP's clock started. Comparing the count with the slips registered shows a slip that
was lost between the box and the scanner, or one scanned twice under different files.

A session stays open until it is closed or the next one is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from aduan.daemon.errors import UsageError
from aduan.models.tables import BoxSession, Entry

# Reconciliation states, as staff read them.
MATCH, WAITING, MISSING, EXTRA = "cocok", "menunggu", "kurang", "lebih"


@dataclass(frozen=True)
class BoxCount:
    """One opening, reconciled: slips counted by hand against slips registered."""

    id: int
    opened_at: datetime
    opened_by: str
    counted: int
    registered: int
    open: bool
    note: str | None

    @property
    def difference(self) -> int:
        """Registered minus counted: below zero slips are missing, above zero extra."""
        return self.registered - self.counted

    @property
    def state(self) -> str:
        if self.difference == 0:
            return MATCH
        if self.difference > 0:
            return EXTRA
        return WAITING if self.open else MISSING

    @property
    def flagged(self) -> bool:
        """Someone must look: a slip missing after closing, or more slips than counted."""
        return self.state in (MISSING, EXTRA)

    def as_json(self, tz: ZoneInfo) -> dict[str, object]:
        return {
            "id": self.id,
            "opened_at": self.opened_at.astimezone(tz).isoformat(),
            "opened_by": self.opened_by,
            "counted": self.counted,
            "registered": self.registered,
            "open": self.open,
            "state": self.state,
            "difference": self.difference,
            "note": self.note,
        }


def open_box(
    session: Session, opened_at: datetime, by: str, counted: int, note: str | None, now: datetime
) -> BoxSession:
    """Record an opening; the session open before it is closed now."""
    if counted < 0:
        raise UsageError("--count must be 0 or more: the number of slips taken out of the box")
    if opened_at > now:
        raise UsageError("--date is in the future; give the date the box was opened")
    for earlier in session.exec(select(BoxSession).where(col(BoxSession.closed_at).is_(None))):
        earlier.closed_at = now
        session.add(earlier)
    box = BoxSession(opened_at=opened_at, opened_by=by, counted=counted, note=note, recorded_at=now)
    session.add(box)
    session.flush()
    return box


def close_box(session: Session, box_id: int | None, now: datetime) -> BoxSession:
    """Close session `box_id`, or the open one: no more slips belong to it."""
    query = select(BoxSession)
    if box_id is None:
        query = query.where(col(BoxSession.closed_at).is_(None))
    else:
        query = query.where(BoxSession.id == box_id)
    box = session.exec(query.order_by(col(BoxSession.opened_at).desc())).first()
    if box is None:
        what = f"box session {box_id} does not exist" if box_id else "no box session is open"
        raise UsageError(f"{what}; see `aduan kotak list`")
    if box.closed_at is None:
        box.closed_at = now
        session.add(box)
    return box


def current_box(session: Session, at: datetime) -> BoxSession | None:
    """The session slips registered at `at` belong to: the open one, if opened by then."""
    return session.exec(
        select(BoxSession)
        .where(col(BoxSession.closed_at).is_(None), BoxSession.opened_at <= at)
        .order_by(col(BoxSession.opened_at).desc(), col(BoxSession.id).desc())
    ).first()


def box_counts(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[BoxCount]:
    """Every opening in [since, until), newest first, with its slips registered."""
    registered = (
        select(Entry.box_session_id, func.count().label("n"))
        .where(col(Entry.box_session_id).is_not(None))
        .group_by(col(Entry.box_session_id))
        .subquery()
    )
    query = select(BoxSession, registered.c.n).join(
        registered, registered.c.box_session_id == BoxSession.id, isouter=True
    )
    if since is not None:
        query = query.where(BoxSession.opened_at >= since)
    if until is not None:
        query = query.where(BoxSession.opened_at < until)
    rows = session.exec(query.order_by(col(BoxSession.opened_at).desc()))
    return [
        BoxCount(
            id=box.id or 0,
            opened_at=box.opened_at,
            opened_by=box.opened_by,
            counted=box.counted,
            registered=int(n or 0),
            open=box.closed_at is None,
            note=box.note,
        )
        for box, n in rows
    ]
