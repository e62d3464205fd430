"""The complaint register: creating entries (number, due dates, first event) and reading them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, insert
from sqlmodel import Session, col, select

from aduan.daemon.box import current_box
from aduan.daemon.calendar import WorkCalendar, working_days_for
from aduan.daemon.config import Deadlines, Settings
from aduan.daemon.errors import UsageError
from aduan.daemon.filestore import StoredFile as StoredFile  # re-exported with EntryDraft
from aduan.models.numbering import next_register_nos
from aduan.models.tables import (
    ELECTRONIC_CHANNELS,
    OPEN_STATUSES,
    STATUSES,
    Entry,
    EntryFile,
    Event,
)
from aduan.parsers.classification import Classification

DAEMON = "daemon"
# Files a person looks at when checking what the machine read: the scans themselves.
SCANNED = ("image/", "application/pdf")


@dataclass(frozen=True)
class EntryDraft:
    """Everything intake knows about a new item before it gets a register number."""

    received_at: datetime
    channel: str
    source_id: str
    text: str
    classification: Classification
    subject: str | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None
    reporter_address: str | None = None
    files: tuple[StoredFile, ...] = ()
    notes: tuple[tuple[str, str], ...] = field(default=())  # extra (event type, detail)
    ocr_confidence: float | None = None  # slips only
    slip_date: date | None = None
    review_reason: str | None = None  # why a person must check what the machine read
    box_session_id: int | None = None  # slips: the opening of the box they came out at


@dataclass(frozen=True)
class NewEntry:
    """What the caller needs of an entry it just created."""

    id: int
    register_no: str
    source_id: str


def create_entry(
    session: Session, settings: Settings, draft: EntryDraft, now: datetime
) -> NewEntry:
    """Add `draft` to the register inside the caller's transaction."""
    return create_entries(session, settings, [draft], now)[0]


def create_entries(
    session: Session, settings: Settings, drafts: Sequence[EntryDraft], now: datetime
) -> list[NewEntry]:
    """Add `drafts` in order, with consecutive register numbers, in the caller's transaction.

    Bulk INSERT statements (one per table) rather than ORM objects: intake registers mail in
    batches, and building and flushing model instances was most of its cost.
    """
    if not drafts:
        return []
    drafts = _from_the_box(session, drafts, now, settings.facility.tz)
    period = now.astimezone(settings.facility.tz).strftime("%Y-%m")
    numbers = next_register_nos(session, settings.facility.register_prefix, period, len(drafts))
    calendar = WorkCalendar.from_settings(settings)  # once per batch: it caches what it counts
    rows = [
        _entry_row(number, draft, settings, calendar, now)
        for number, draft in zip(numbers, drafts, strict=True)
    ]
    # One executemany, then the ids by the unique numbers: INSERT … RETURNING in parameter
    # order runs one statement per row on SQLite.
    session.execute(insert(Entry), rows)
    returned = session.execute(
        select(Entry.register_no, Entry.id).where(col(Entry.register_no).in_(numbers))
    )
    # The model types `id` as optional (unset before insert); the rows just inserted have one.
    id_of = cast("dict[str, int]", dict(returned.all()))
    ids = [id_of[number] for number in numbers]
    events: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    for entry_id, draft in zip(ids, drafts, strict=True):
        notes = (("registered", f"{draft.channel} {draft.source_id}"), *draft.notes)
        events.extend(_event_row(entry_id, now, type_, DAEMON, detail) for type_, detail in notes)
        files.extend(_file_row(entry_id, stored) for stored in draft.files)
    session.execute(insert(Event), events)
    if files:
        session.execute(insert(EntryFile), files)
    return [
        NewEntry(entry_id, row["register_no"], row["source_id"])
        for entry_id, row in zip(ids, rows, strict=True)
    ]


def due_dates(
    received_at: datetime, channel: str, deadlines: Deadlines, calendar: WorkCalendar
) -> tuple[datetime, datetime | None, datetime]:
    """When an entry received at `received_at` must be forwarded, answered (electronic
    channels only, else None) and resolved: on the wall clock, or in working days where
    `[deadlines] *_count = "hari_kerja"` (see `WorkCalendar.add_working_days`)."""

    def after(hours: int, count: str) -> datetime:
        if count == "hari_kerja":
            return calendar.add_working_days(received_at, working_days_for(hours))
        return received_at + timedelta(hours=hours)

    forward = after(deadlines.forward, deadlines.forward_count)
    answer = (
        after(deadlines.answer_electronic, deadlines.answer_count)
        if channel in ELECTRONIC_CHANNELS
        else None
    )
    if deadlines.resolve_count == "hari_kerja":
        resolve = calendar.add_working_days(received_at, deadlines.resolve_days)
    else:
        resolve = received_at + timedelta(days=deadlines.resolve_days)
    return forward, answer, resolve


def _entry_row(
    register_no: str, draft: EntryDraft, settings: Settings, calendar: WorkCalendar, now: datetime
) -> dict[str, Any]:
    forward, answer, resolve = due_dates(
        draft.received_at, draft.channel, settings.deadlines, calendar
    )
    return {
        "register_no": register_no,
        "received_at": draft.received_at,
        "registered_at": now,
        "channel": draft.channel,
        "source_id": draft.source_id,
        "reporter_name": draft.reporter_name,
        "reporter_contact": draft.reporter_contact,
        "reporter_address": draft.reporter_address,
        "subject": draft.subject,
        "text": draft.text,
        "kind": draft.classification.kind,
        "unit": draft.classification.unit,
        "urgent": draft.classification.urgent,
        "confidence": draft.classification.confidence,
        "reasons": list(draft.classification.reasons),
        # Promotions, phishing and the like stay in the register, but nobody is asked to act.
        "status": "bukan_aduan" if draft.classification.spam else "diterima",
        "due_forward": forward,
        "due_answer": answer,
        "due_resolve": resolve,
        "response": None,
        "rtl": None,
        "ocr_confidence": draft.ocr_confidence,
        "slip_date": draft.slip_date,
        "review_reason": draft.review_reason,
        "box_session_id": draft.box_session_id,
    }


def _from_the_box(
    session: Session, drafts: Sequence[EntryDraft], now: datetime, tz: ZoneInfo
) -> Sequence[EntryDraft]:
    """Slips belong to the open box session: received when the box was opened."""
    if not any(d.channel == "kotak_saran" for d in drafts):
        return drafts
    box = current_box(session, now)
    if box is None:
        return drafts
    opened = box.opened_at.astimezone(tz).strftime("%d/%m/%Y %H.%M")
    note = ("kotak", f"kotak saran dibuka {opened} oleh {box.opened_by} (sesi {box.id})")
    return [
        replace(
            d,
            received_at=min(d.received_at, box.opened_at),
            box_session_id=box.id,
            notes=(*d.notes, note),
        )
        if d.channel == "kotak_saran"
        else d
        for d in drafts
    ]


def load_entries(session: Session, created: Sequence[NewEntry]) -> list[Entry]:
    """The model rows of entries just created in this transaction, in the same order."""
    if not created:
        return []
    rows = session.exec(select(Entry).where(col(Entry.id).in_([e.id for e in created])))
    by_id = {row.id: row for row in rows}
    return [by_id[e.id] for e in created]


def add_files(session: Session, entry_id: int, files: Sequence[StoredFile]) -> None:
    if files:
        session.execute(insert(EntryFile), [_file_row(entry_id, stored) for stored in files])


def _file_row(entry_id: int, stored: StoredFile) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "sha256": stored.sha256,
        "filename": stored.filename,
        "content_type": stored.content_type,
        "size": stored.size,
    }


def _event_row(entry_id: int, at: datetime, type_: str, by: str, detail: str) -> dict[str, Any]:
    return {"entry_id": entry_id, "at": at, "type": type_, "by": by, "detail": detail}


def add_event(
    session: Session, entry_id: int, at: datetime, type_: str, by: str, detail: str = ""
) -> None:
    session.execute(insert(Event), [_event_row(entry_id, at, type_, by, detail)])


def get_entry(session: Session, register_no: str) -> Entry:
    entry = session.exec(select(Entry).where(Entry.register_no == register_no)).first()
    if entry is None:
        raise UsageError(f"register number {register_no} not found; see `aduan register list`")
    return entry


@dataclass(frozen=True)
class Correction:
    """What a person says the classifier should have said; None leaves a label as it is."""

    kind: str | None = None
    unit: str | None = None
    urgent: bool | None = None


def correct_entry(
    session: Session, register_no: str, fix: Correction, by: str, now: datetime
) -> list[str]:
    """Apply a staff correction and record it as a `corrected` event (the training signal).

    Returns the changes made, in words; none when the labels already were so.
    """
    entry = get_entry(session, register_no)
    changes: list[str] = []
    if fix.kind is not None and fix.kind != entry.kind:
        changes.append(f"jenis: {entry.kind} → {fix.kind}")
        # Spam is the one kind that decides the status; a person undoing it reopens the entry.
        if entry.status == "bukan_aduan" and fix.kind != "lainnya":
            entry.status = "diterima"
        entry.kind = fix.kind
    if fix.unit is not None and fix.unit != entry.unit:
        changes.append(f"unit: {entry.unit} → {fix.unit}")
        entry.unit = fix.unit
    if fix.urgent is not None and fix.urgent != entry.urgent:
        changes.append(f"mendesak: {_yes_no(entry.urgent)} → {_yes_no(fix.urgent)}")
        entry.urgent = fix.urgent
    if changes:
        entry.reasons = [*entry.reasons, f"dikoreksi oleh {by}"]
        session.add(entry)
        assert entry.id is not None
        add_event(session, entry.id, now, "corrected", by, "; ".join(changes))
    return changes


def revise_text(session: Session, entry: Entry, text: str | None, by: str, now: datetime) -> bool:
    """A person checked what the machine read (OCR): their text replaces it, and the review
    is done. The history keeps both versions. Returns whether the text changed."""
    assert entry.id is not None
    changed = text is not None and text != entry.text
    if text is not None and changed:
        detail = f"sebelumnya:\n{entry.text}\n\nmenjadi:\n{text}"
        add_event(session, entry.id, now, "text_corrected", by, detail)
        entry.text = text
    if entry.review_reason is not None:
        add_event(session, entry.id, now, "reviewed", by, entry.review_reason)
        entry.review_reason = None
    session.add(entry)
    return changed


def reclassify(session: Session, entry: Entry, result: Classification, now: datetime) -> None:
    """The classifier's new verdict on a revised text. Not a `corrected` event: a machine's
    labels must not become training data."""
    assert entry.id is not None
    changes = [
        f"{label}: {old} → {new}"
        for label, old, new in (
            ("jenis", entry.kind, result.kind),
            ("unit", entry.unit, result.unit),
            ("mendesak", _yes_no(entry.urgent), _yes_no(result.urgent)),
        )
        if old != new
    ]
    entry.kind, entry.unit, entry.urgent = result.kind, result.unit, result.urgent
    entry.confidence, entry.reasons = result.confidence, list(result.reasons)
    session.add(entry)
    if changes:
        add_event(session, entry.id, now, "reclassified", DAEMON, "; ".join(changes))


@dataclass(frozen=True)
class Update:
    """Progress on an entry; None leaves a field as it is."""

    status: str | None = None
    response: str | None = None
    rtl: str | None = None
    note: str | None = None
    # Rahasia: mail about the entry carries its number only (daemon/privacy.py).
    confidential: bool | None = None


def update_entry(
    session: Session, register_no: str, update: Update, by: str, now: datetime
) -> Entry:
    """Record progress: follow-up plan (RTL), answer, status, note; each an event.

    Setting an RTL moves an entry not yet followed up to `ditindaklanjuti`, and an answer
    moves it to `selesai`, as the SOP's register columns read; an explicit status wins.
    """
    entry = get_entry(session, register_no)
    assert entry.id is not None
    if update.status is not None and update.status not in STATUSES:
        raise UsageError(
            f"status {update.status!r} is not known; use one of: {', '.join(STATUSES)}"
        )
    status = entry.status
    if update.rtl is not None:
        entry.rtl = update.rtl
        add_event(session, entry.id, now, "rtl", by, update.rtl)
        if status in ("diterima", "diteruskan"):
            status = "ditindaklanjuti"
    if update.response is not None:
        entry.response = update.response
        add_event(session, entry.id, now, "response", by, update.response)
        if status in OPEN_STATUSES:
            status = "selesai"
    if update.note is not None:
        add_event(session, entry.id, now, "note", by, update.note)
    if update.confidential is not None and update.confidential != entry.confidential:
        entry.confidential = update.confidential
        add_event(session, entry.id, now, "confidential", by, _yes_no(update.confidential))
    status = update.status or status
    if status != entry.status:
        add_event(session, entry.id, now, "status", by, f"{entry.status} → {status}")
        entry.status = status
    session.add(entry)
    return entry


def _page(source_id: str) -> int:
    """The page of its file a slip was read from: `sha256:…#p3` is page 3."""
    _, _, page = source_id.rpartition("#p")
    return int(page) if page.isdigit() else 1


def _yes_no(value: bool) -> str:
    return "ya" if value else "tidak"


@dataclass(frozen=True)
class EntryFilter:
    """Which entries a listing shows; None (or False) leaves a criterion out."""

    status: str | None = None
    since: datetime | None = None
    overdue_at: datetime | None = None  # open entries past any due date at this moment
    channel: str | None = None
    kind: str | None = None
    unit: str | None = None
    # Words in the register number, subject, text or reporter's name (case ignored).
    search: str | None = None

    def where(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        for column, value in (
            (Entry.status, self.status),
            (Entry.channel, self.channel),
            (Entry.kind, self.kind),
            (Entry.unit, self.unit),
        ):
            if value is not None:
                found.append(col(column) == value)
        if self.since is not None:
            found.append(col(Entry.received_at) >= self.since)
        if self.overdue_at is not None:
            found.append(overdue(self.overdue_at))
        for word in (self.search or "").split():
            literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{literal}%"
            found.append(
                col(Entry.register_no).ilike(pattern, escape="\\")
                | col(Entry.subject).ilike(pattern, escape="\\")
                | col(Entry.text).ilike(pattern, escape="\\")
                | col(Entry.reporter_name).ilike(pattern, escape="\\")
            )
        return found


def list_entries(
    session: Session,
    *,
    status: str | None = None,
    since: datetime | None = None,
    overdue_at: datetime | None = None,
    limit: int | None = None,
    where: EntryFilter | None = None,
    offset: int = 0,
) -> list[Entry]:
    """Entries newest first; `overdue_at` keeps open entries past any of their due dates.
    `where` gives further criteria (the console's filters); `offset` skips as many."""
    query = select(Entry)
    criteria = (where or EntryFilter()).where()
    criteria += EntryFilter(status=status, since=since, overdue_at=overdue_at).where()
    if criteria:
        query = query.where(*criteria)
    query = query.order_by(col(Entry.received_at).desc(), col(Entry.id).desc())
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def count_listed(session: Session, where: EntryFilter) -> int:
    """How many entries `list_entries(where=where)` would list without a limit."""
    query = select(func.count()).select_from(Entry)
    criteria = where.where()
    if criteria:
        query = query.where(*criteria)
    return int(session.exec(query).one())


def count_overdue(session: Session, now: datetime) -> int:
    return session.exec(select(func.count()).select_from(Entry).where(overdue(now))).one()


def overdue(now: datetime) -> ColumnElement[bool]:
    """Open entries past any of their due dates."""
    return col(Entry.status).in_(OPEN_STATUSES) & (
        (col(Entry.due_resolve) < now)
        | ((col(Entry.status) == "diterima") & (col(Entry.due_forward) < now))
        | (
            col(Entry.due_answer).is_not(None)
            & (col(Entry.due_answer) < now)
            & col(Entry.response).is_(None)
        )
    )


def overdue_deadlines(entry: Entry, now: datetime) -> list[tuple[str, datetime]]:
    """The deadlines `entry` has missed as of `now`: the Python twin of `_overdue`."""
    if entry.status not in OPEN_STATUSES:
        return []
    missed: list[tuple[str, datetime]] = []
    if entry.status == "diterima" and entry.due_forward < now:
        missed.append(("forward", entry.due_forward))
    if entry.due_answer is not None and entry.due_answer < now and entry.response is None:
        missed.append(("answer", entry.due_answer))
    if entry.due_resolve < now:
        missed.append(("resolve", entry.due_resolve))
    return missed


def count_entries(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Entry)).one()


def entry_json(
    session: Session, entry: Entry, tz: ZoneInfo, *, events: bool = True
) -> dict[str, Any]:
    """The INTERFACE.md shape of an entry; times in the facility's zone."""

    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(tz).isoformat()

    files = session.exec(
        select(EntryFile).where(EntryFile.entry_id == entry.id).order_by(col(EntryFile.id))
    ).all()
    data: dict[str, Any] = {
        "register_no": entry.register_no,
        "received_at": iso(entry.received_at),
        "channel": entry.channel,
        "source_id": entry.source_id,
        "reporter": {
            "name": entry.reporter_name,
            "contact": entry.reporter_contact,
            "address": entry.reporter_address,
        },
        "subject": entry.subject,
        "text": entry.text,
        "kind": entry.kind,
        "unit": entry.unit,
        "urgent": entry.urgent,
        "confidence": entry.confidence,
        "reasons": list(entry.reasons),
        "status": entry.status,
        "due": {
            "forward": iso(entry.due_forward),
            "answer": iso(entry.due_answer),
            "resolve": iso(entry.due_resolve),
        },
        "response": entry.response,
        "rtl": entry.rtl,
        "files": [
            {
                "sha256": f.sha256,
                "filename": f.filename,
                "content_type": f.content_type,
                "size": f.size,
            }
            for f in files
        ],
        "ocr_confidence": entry.ocr_confidence,
        "slip_date": None if entry.slip_date is None else entry.slip_date.isoformat(),
        "confidential": entry.confidential,
        "review": {
            "needed": entry.review_reason is not None,
            "reason": entry.review_reason,
            "images": [
                {"sha256": f.sha256, "filename": f.filename, "page": _page(entry.source_id)}
                for f in files
                if f.content_type.startswith(SCANNED)
            ],
        },
    }
    if events:
        data["events"] = [
            {"at": iso(e.at), "type": e.type, "by": e.by, "detail": e.detail}
            for e in session.exec(
                select(Event).where(Event.entry_id == entry.id).order_by(col(Event.id))
            )
        ]
    return data
