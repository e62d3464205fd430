"""The public notice board (papan pengumuman): followed-up complaints, anonymised.

The SOPs publish what was done about complaints every two weeks. What goes on the wall is
each complaint's unit, a short summary and the follow-up, never who wrote it: the reporter's
name, contact and address are left out, and personal data inside the texts is scrubbed.

An entry is on the board when its follow-up (RTL) or answer was recorded in the window.
Answered entries become `dipublikasikan`; entries still being followed up are shown as such
and keep their status (their deadlines still run). A confidential (`rahasia`) entry is never
on it: even scrubbed, its summary and follow-up may let the town recognise the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from aduan.daemon.config import Settings
from aduan.daemon.letters import Letters, shorten
from aduan.daemon.register import Update, update_entry
from aduan.daemon.reports.documents import Documents, pdf_bytes, write_files
from aduan.models.tables import Entry, Event
from aduan.parsers.scrub import Diagnoses, scrub

# What a board is about: feedback someone acted on. Praise and questions are answered, not
# posted; spam never is.
BOARD_KINDS = ("keluhan", "saran")
FOLLOWED_UP = ("ditindaklanjuti", "selesai", "dipublikasikan")
SUMMARY_CHARS = 300


@dataclass(frozen=True)
class BoardItem:
    register_no: str
    received: date  # the facility's date; no time: less to recognise someone by
    unit: str
    kind: str
    summary: str  # scrubbed
    follow_up: str  # scrubbed RTL
    answer: str  # scrubbed answer; "" while the entry is still followed up
    done: bool


@dataclass(frozen=True)
class Board:
    since: datetime
    until: datetime
    items: list[BoardItem]
    files: list[Path]
    published: list[str]  # register numbers that became `dipublikasikan` now


def board_key(until: datetime, settings: Settings) -> str:
    """`2026-11-23`: one board per day it is made."""
    return until.astimezone(settings.facility.tz).date().isoformat()


def make_board(
    session: Session,
    settings: Settings,
    since: datetime,
    until: datetime,
    *,
    out_dir: Path,
    lang: str,
    formats: Sequence[str] = ("html", "pdf"),
    by: str,
    now: datetime,
) -> Board:
    """Write the board of entries followed up in [since, until) and mark the answered ones
    published, in the caller's transaction. Making the same board again gives the same
    files: an entry published by the first run is still on it."""
    entries = followed_up(session, since, until)
    items = [board_item(entry, settings) for entry in entries]
    docs = Documents(Letters(settings.facility.tz))
    html = docs.html(
        "papan.html.j2",
        lang,
        facility=settings.facility.name,
        since=since,
        until=until,
        items=items,
        resolve_days=settings.deadlines.resolve_days,
    )
    name = f"papan-{board_key(until, settings)}"
    outputs: list[tuple[str, bytes]] = []
    if "html" in formats:
        outputs.append((f"{name}.html", html.encode("utf-8")))
    if "pdf" in formats:
        outputs.append((f"{name}.pdf", pdf_bytes(html)))
    files = write_files(out_dir, outputs)
    published = []
    for entry in entries:
        if entry.status == "selesai":
            update_entry(session, entry.register_no, Update(status="dipublikasikan"), by, now)
            published.append(entry.register_no)
    return Board(since, until, items, files, published)


def followed_up(session: Session, since: datetime, until: datetime) -> list[Entry]:
    """Board entries whose RTL or answer was recorded in [since, until), oldest first."""
    acted = select(Event.entry_id).where(
        col(Event.type).in_(("rtl", "response")), Event.at >= since, Event.at < until
    )
    query = (
        select(Entry)
        .where(
            col(Entry.id).in_(acted),
            col(Entry.kind).in_(BOARD_KINDS),
            col(Entry.status).in_(FOLLOWED_UP),
            col(Entry.confidential).is_(False),
        )
        .order_by(col(Entry.received_at), col(Entry.id))
    )
    return list(session.exec(query))


def board_item(entry: Entry, settings: Settings) -> BoardItem:
    names = [entry.reporter_name] if entry.reporter_name else []
    diagnoses = Diagnoses.of(settings.privacy.diagnoses, settings.privacy.diagnoses_shown)

    def clean(text: str | None) -> str:
        return " ".join(scrub(text or "", names, diagnoses).split())

    return BoardItem(
        register_no=entry.register_no,
        received=entry.received_at.astimezone(settings.facility.tz).date(),
        unit=entry.unit,
        kind=entry.kind,
        summary=_summary(clean(entry.text), SUMMARY_CHARS),
        follow_up=clean(entry.rtl),
        answer=clean(entry.response) if entry.status != "ditindaklanjuti" else "",
        done=entry.status != "ditindaklanjuti",
    )


def _summary(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a sentence end when one is far enough in."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end >= limit // 2 else shorten(text, limit)
