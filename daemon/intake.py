"""The life of one raw item: parse → classify → register, in one transaction.

A source hands over a `RawItem`; `Intake` decides what it is and records the outcome together
with the source's checkpoint, in the same commit. Only after that commit may the source mark
or move the item, so a crash at any point leaves either nothing (the item is taken again) or
the whole outcome (the item is recognised by its `dedupe_key` and only marked/moved).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aduan.daemon.clock import Clock
from aduan.daemon.config import Settings
from aduan.daemon.errors import UsageError
from aduan.daemon.filestore import FileStore
from aduan.daemon.register import EntryDraft, StoredFile, create_entry
from aduan.models.db import transaction
from aduan.models.tables import Entry, ProcessedItem, QuarantineItem, SourceState
from aduan.parsers.classification import UNCLASSIFIED
from aduan.parsers.mail import Mail, MailParseError, parse_mail
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Position:
    """Where an item stands in its source (IMAP: UIDVALIDITY and UID)."""

    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class RawItem:
    source: str  # e.g. "imap:INBOX", "maildir"
    ref: str  # where it is in the source (UID, file name): for quarantine and the log
    data: bytes
    received_at: datetime  # when the source received it; the deadlines start here
    position: Position | None = None


class Outcome(StrEnum):
    REGISTERED = "registered"
    DUPLICATE = "duplicate"
    AUTOREPLY = "autoreply"
    BOUNCE = "bounce"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class IntakeResult:
    outcome: Outcome
    register_no: str | None = None


def mail_source_id(mail: Mail, raw: bytes) -> str:
    return mail.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class ManualItem:
    """A complaint typed in by staff for a channel the daemon does not read (SMS, phone…)."""

    channel: str
    text: str
    received_at: datetime
    name: str | None = None
    contact: str | None = None
    address: str | None = None
    by: str = "staf"


class Intake:
    def __init__(self, engine: Engine, settings: Settings, store: FileStore, clock: Clock) -> None:
        self.engine = engine
        self.settings = settings
        self.store = store
        self.clock = clock

    def last_position(self, source: str) -> Position | None:
        with Session(self.engine) as session:
            state = session.get(SourceState, source)
        if state is None or state.uidvalidity is None or state.last_uid is None:
            return None
        return Position(state.uidvalidity, state.last_uid)

    def take_mail(self, item: RawItem, *, max_bytes: int | None = None) -> IntakeResult:
        """Register, skip or quarantine one mail; idempotent for the same item."""
        parsed = _parse(item.data, max_bytes)
        if isinstance(parsed, str):
            return self.quarantine(item, parsed)
        return self._retrying(lambda: self._record_mail(item, parsed))

    def retry_quarantined(
        self, quarantine_id: int, *, max_bytes: int | None = None
    ) -> IntakeResult:
        """Try a quarantined item again (after a fix or a config change)."""
        with Session(self.engine) as session:
            row = session.get(QuarantineItem, quarantine_id)
        if row is None:
            raise UsageError(
                f"quarantine item {quarantine_id} not found; see `aduan quarantine list`"
            )
        if row.status != "karantina":
            raise UsageError(f"quarantine item {quarantine_id} was already processed")
        item = RawItem(row.source, row.source_ref, self.store.get(row.sha256), row.created_at)
        parsed = _parse(item.data, max_bytes)
        result = (
            IntakeResult(Outcome.QUARANTINED)
            if isinstance(parsed, str)
            else self._retrying(lambda: self._record_mail(item, parsed))
        )
        with transaction(self.engine) as session:
            row = session.get(QuarantineItem, quarantine_id)
            assert row is not None
            row.attempts += 1
            row.updated_at = self.clock()
            if isinstance(parsed, str):
                row.reason = parsed
            else:
                row.status = "berhasil"
                row.entry_id = _entry_id(session, result.register_no)
            session.add(row)
        return result

    def _record_mail(self, item: RawItem, mail: Mail) -> IntakeResult:
        key = "mail:" + mail.fingerprint
        source_id = mail_source_id(mail, item.data)
        # Files first: content-addressed and idempotent, so a rollback leaves only a harmless copy.
        files = tuple(
            StoredFile(self.store.put(a.data), a.filename, a.content_type, len(a.data))
            for a in mail.attachments
        )
        now = self.clock()
        with transaction(self.engine) as session:
            done = _processed(session, key)
            if done is not None:
                _advance(session, item, now)
                return IntakeResult(Outcome.DUPLICATE, _register_no(session, done.entry_id))
            if mail.auto is not None:
                outcome = Outcome.BOUNCE if mail.auto == "bounce" else Outcome.AUTOREPLY
                session.add(_processed_row(item, key, source_id, outcome, None, now))
                _advance(session, item, now)
                log.info("skipped %s source=%s message_id=%s", outcome, item.source, source_id)
                return IntakeResult(outcome)
            entry = create_entry(
                session, self.settings, _draft(session, item, mail, source_id, files), now
            )
            session.add(_processed_row(item, key, source_id, Outcome.REGISTERED, entry.id, now))
            _advance(session, item, now)
            register_no = entry.register_no
        log.info("registered %s source=%s message_id=%s", register_no, item.source, source_id)
        return IntakeResult(Outcome.REGISTERED, register_no)

    def take_manual(self, item: ManualItem) -> IntakeResult:
        """Register a manual entry; the same entry typed twice is recognised, not doubled."""
        fields = (item.channel, item.text, item.name, item.contact, item.address)
        digest = hashlib.sha256(
            repr((*fields, item.received_at.isoformat())).encode("utf-8")
        ).hexdigest()
        key, source_id = "manual:" + digest, f"manual:{item.by}:{digest[:16]}"
        now = self.clock()

        def record() -> IntakeResult:
            with transaction(self.engine) as session:
                done = _processed(session, key)
                if done is not None:
                    return IntakeResult(Outcome.DUPLICATE, _register_no(session, done.entry_id))
                draft = EntryDraft(
                    received_at=item.received_at,
                    channel=item.channel,
                    source_id=source_id,
                    text=item.text,
                    classification=UNCLASSIFIED,
                    reporter_name=item.name,
                    reporter_contact=item.contact,
                    reporter_address=item.address,
                    notes=(("entered", f"dicatat manual oleh {item.by}"),),
                )
                entry = create_entry(session, self.settings, draft, now)
                session.add(
                    ProcessedItem(
                        dedupe_key=key,
                        source="manual",
                        source_id=source_id,
                        outcome=Outcome.REGISTERED.value,
                        entry_id=entry.id,
                        at=now,
                    )
                )
                register_no = entry.register_no
            log.info("registered %s source=manual channel=%s", register_no, item.channel)
            return IntakeResult(Outcome.REGISTERED, register_no)

        return self._retrying(record)

    def quarantine(self, item: RawItem, reason: str) -> IntakeResult:
        """Keep the raw item whole with the reason; the source may then move past it."""
        sha = self.store.put(item.data)
        key = "raw:" + sha
        now = self.clock()

        def record() -> IntakeResult:
            with transaction(self.engine) as session:
                if _processed(session, key) is None:
                    session.add(
                        QuarantineItem(
                            source=item.source,
                            source_ref=item.ref,
                            sha256=sha,
                            filename=f"{sha}.eml",
                            reason=reason,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    session.add(
                        _processed_row(item, key, "sha256:" + sha, Outcome.QUARANTINED, None, now)
                    )
                _advance(session, item, now)
            log.warning(
                "quarantined source=%s ref=%s sha256=%s reason=%s",
                item.source,
                item.ref,
                sha,
                reason,
            )
            return IntakeResult(Outcome.QUARANTINED)

        return self._retrying(record)

    def _retrying(self, work: Callable[[], IntakeResult]) -> IntakeResult:
        # Another process may have committed the same item between our check and our insert:
        # the unique dedupe_key rejects ours, and the second try sees theirs.
        try:
            return work()
        except IntegrityError:
            log.info("concurrent intake of the same item; checking again")
            return work()


def _draft(
    session: Session, item: RawItem, mail: Mail, source_id: str, files: tuple[StoredFile, ...]
) -> EntryDraft:
    notes: list[tuple[str, str]] = []
    if mail.forwarded_by:
        notes.append(("forwarded", f"diteruskan oleh {mail.forwarded_by}"))
    if mail.message_id:
        twin = _entry_with_source_id(session, mail.message_id)
        if twin is not None:
            # Same Message-ID, different content: two mails. Register both and say so.
            notes.append(("same_message_id", f"Message-ID sama dengan {twin}, isi berbeda"))
    return EntryDraft(
        received_at=item.received_at,
        channel="email",
        source_id=source_id,
        text=mail.text,
        classification=UNCLASSIFIED,
        subject=mail.subject or None,
        reporter_name=mail.sender_name,
        reporter_contact=mail.sender_address,
        files=files,
        notes=tuple(notes),
    )


def _parse(data: bytes, max_bytes: int | None) -> Mail | str:
    """The parsed mail, or why it cannot be registered (a reason for the quarantine)."""
    if max_bytes is not None and len(data) > max_bytes:
        return f"message of {len(data)} bytes exceeds the limit of {max_bytes}"
    try:
        return parse_mail(data)
    except MailParseError as exc:
        return str(exc)


def _entry_id(session: Session, register_no: str | None) -> int | None:
    if register_no is None:
        return None
    entry = session.exec(select(Entry).where(Entry.register_no == register_no)).first()
    return None if entry is None else entry.id


def _processed(session: Session, key: str) -> ProcessedItem | None:
    return session.exec(select(ProcessedItem).where(ProcessedItem.dedupe_key == key)).first()


def _processed_row(
    item: RawItem, key: str, source_id: str, outcome: Outcome, entry_id: int | None, now: datetime
) -> ProcessedItem:
    return ProcessedItem(
        dedupe_key=key,
        source=item.source,
        source_id=source_id,
        outcome=outcome.value,
        entry_id=entry_id,
        at=now,
    )


def _register_no(session: Session, entry_id: int | None) -> str | None:
    if entry_id is None:
        return None
    entry = session.get(Entry, entry_id)
    return None if entry is None else entry.register_no


def _entry_with_source_id(session: Session, source_id: str) -> str | None:
    entry = session.exec(select(Entry).where(Entry.source_id == source_id)).first()
    return None if entry is None else entry.register_no


def _advance(session: Session, item: RawItem, now: datetime) -> None:
    """Move the source's checkpoint past `item`, in the item's own transaction."""
    if item.position is None:
        return
    state = session.get(SourceState, item.source) or SourceState(source=item.source)
    pos = item.position
    if state.uidvalidity != pos.uidvalidity:
        state.uidvalidity, state.last_uid = pos.uidvalidity, pos.uid
    else:
        state.last_uid = max(state.last_uid or 0, pos.uid)
    session.add(state)
