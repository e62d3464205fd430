"""The life of one raw item: parse → classify → register, in one transaction.

A source hands over a `RawItem`; `Intake` decides what it is and records the outcome together
with the source's checkpoint, in the same commit. Only after that commit may the source mark
or move the item, so a crash at any point leaves either nothing (the item is taken again) or
the whole outcome (the item is recognised by its `dedupe_key` and only marked/moved).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aduan.daemon.clock import Clock
from aduan.daemon.config import Settings
from aduan.daemon.errors import UsageError
from aduan.daemon.escalation import Escalator
from aduan.daemon.filestore import FileStore
from aduan.daemon.learning import ClassifierSpec
from aduan.daemon.outbox import mark_bounced
from aduan.daemon.register import (
    DAEMON,
    EntryDraft,
    StoredFile,
    add_event,
    create_entries,
    create_entry,
    load_entries,
)
from aduan.daemon.threads import Mention, Thread, find_thread, record_reply, staff_addresses
from aduan.daemon.workers import Pending, WorkerPool
from aduan.models.db import transaction
from aduan.models.tables import Entry, ProcessedItem, QuarantineItem, SourceState
from aduan.parsers.classification import UNCLASSIFIED, Classification
from aduan.parsers.mail import Mail, MailParseError, parse_mail

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
    THREADED = "threaded"  # a reply, added to the entry it continues


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


@dataclass(frozen=True)
class _Prepared:
    """A parsed mail, its files stored, waiting for the batch's transaction."""

    index: int
    item: RawItem
    mail: Mail
    files: tuple[StoredFile, ...]
    classification: Classification

    @property
    def key(self) -> str:
        return "mail:" + self.mail.fingerprint

    @property
    def source_id(self) -> str:
        return mail_source_id(self.mail, self.item.data)

    def processed(self, outcome: Outcome, entry_id: int | None, now: datetime) -> dict[str, Any]:
        return _processed_row(self.item.source, self.key, self.source_id, outcome, entry_id, now)


@dataclass(frozen=True)
class ParsingBatch:
    """Mails handed to the workers; `Intake.record_mails` waits for them and records them."""

    items: Sequence[RawItem]
    parsed: Pending[_Parsed | str]


_T = TypeVar("_T")


class Intake:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        store: FileStore,
        clock: Clock,
        escalator: Escalator,
        classifier: ClassifierSpec,
        pool: WorkerPool | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.store = store
        self.clock = clock
        self.escalator = escalator
        self.classifier = classifier
        self.staff = staff_addresses(settings.escalation)
        self.pool = pool or WorkerPool(workers=1)

    def last_position(self, source: str) -> Position | None:
        with Session(self.engine) as session:
            state = session.get(SourceState, source)
        if state is None or state.uidvalidity is None or state.last_uid is None:
            return None
        return Position(state.uidvalidity, state.last_uid)

    def take_mail(self, item: RawItem, *, max_bytes: int | None = None) -> IntakeResult:
        """Register, skip or quarantine one mail; idempotent for the same item."""
        return self.take_mails([item], max_bytes=max_bytes)[0]

    def take_mails(
        self, items: Sequence[RawItem], *, max_bytes: int | None = None
    ) -> list[IntakeResult]:
        """Register, skip or quarantine each mail, in order; one commit for the whole batch."""
        return self.record_mails(self.parse_mails(items, max_bytes=max_bytes))

    def parse_mails(
        self, items: Sequence[RawItem], *, max_bytes: int | None = None
    ) -> ParsingBatch:
        """Start parsing `items` on the workers; the caller may fetch the next batch meanwhile."""
        parse = partial(_parse, max_bytes=max_bytes, store=self.store, classifier=self.classifier)
        return ParsingBatch(items, self.pool.submit(parse, [item.data for item in items]))

    def record_mails(self, batch: ParsingBatch) -> list[IntakeResult]:
        """The outcome of each mail of `batch`, in order, committed in one transaction.

        One commit per batch keeps fsyncs off the per-mail path; the source marks the batch
        only after it, so a crash re-takes the whole batch and the dedupe keys recognise it.
        """
        items = batch.items
        results: dict[int, IntakeResult] = {}
        prepared: list[_Prepared] = []
        for index, (item, parsed) in enumerate(zip(items, batch.parsed.result(), strict=True)):
            if isinstance(parsed, str):
                results[index] = self.quarantine(item, parsed)
            else:
                prepared.append(
                    _Prepared(index, item, parsed.mail, parsed.files, parsed.classification)
                )
        try:
            results.update(self._record(prepared))
        except IntegrityError:
            # Another process committed some of these meanwhile: one at a time, each then
            # sees the other's commit and counts it as a duplicate.
            log.info("concurrent intake of the same items; taking them one by one")
            for one in prepared:
                results.update(self._retrying(partial(self._record, [one])))
        return [results[index] for index in range(len(items))]

    def _record(self, batch: Sequence[_Prepared]) -> dict[int, IntakeResult]:
        now = self.clock()
        with transaction(self.engine) as session, session.no_autoflush:
            results = self._decide(session, batch, now)
        for p in batch:  # after the commit: the log never claims what was rolled back
            result = results[p.index]
            log.info(
                "%s %s source=%s message_id=%s",
                result.outcome.value,
                result.register_no or "-",
                p.item.source,
                p.source_id,
            )
        return results

    def _decide(
        self, session: Session, batch: Sequence[_Prepared], now: datetime
    ) -> dict[int, IntakeResult]:
        """Each item of the batch is a duplicate, an auto-reply, a reply, or a new entry."""
        done = _registered_keys(session, {p.key for p in batch})
        results: dict[int, IntakeResult] = {}
        first_of: dict[str, int] = {}  # the same mail twice in one batch: the first counts
        fresh: list[tuple[_Prepared, Mention | None]] = []
        processed: list[dict[str, Any]] = []
        _advance(session, [p.item for p in batch])
        for p in batch:
            if p.key in done:
                results[p.index] = IntakeResult(Outcome.DUPLICATE, done[p.key])
            elif p.key in first_of:
                continue
            elif p.mail.auto is not None:
                outcome = Outcome.BOUNCE if p.mail.auto == "bounce" else Outcome.AUTOREPLY
                if p.mail.reported_ids:
                    _bounced(session, p.mail, now)
                processed.append(p.processed(outcome, None, now))
                results[p.index] = IntakeResult(outcome)
            elif isinstance(thread := find_thread(session, p.mail, self.staff), Thread):
                received_at = p.item.received_at
                record_reply(session, thread, p.mail, p.files, received_at, self.escalator, now)
                processed.append(p.processed(Outcome.THREADED, thread.entry.id, now))
                results[p.index] = IntakeResult(Outcome.THREADED, thread.entry.register_no)
            else:
                fresh.append((p, thread))
            first_of.setdefault(p.key, p.index)
        drafts = [_draft(p, mention) for p, mention in fresh]
        entries = create_entries(session, self.settings, drafts, now)
        twins = _first_entry_by_source_id(session, {p.source_id for p, _ in fresh})
        for (p, _), entry in zip(fresh, entries, strict=True):
            processed.append(p.processed(Outcome.REGISTERED, entry.id, now))
            results[p.index] = IntakeResult(Outcome.REGISTERED, entry.register_no)
            twin = twins.get(entry.source_id, entry.register_no)
            if p.mail.message_id and twin != entry.register_no:
                # Same Message-ID, different content: two mails. Register both and say so.
                detail = f"Message-ID sama dengan {twin}, isi berbeda"
                add_event(session, entry.id, now, "same_message_id", DAEMON, detail)
        if processed:
            session.execute(insert(ProcessedItem), processed)
        self.escalator.on_registered(session, load_entries(session, entries), now)
        for p in batch:
            if p.index not in results:
                first = results[first_of[p.key]]
                results[p.index] = IntakeResult(Outcome.DUPLICATE, first.register_no)
        return results

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
        batch = self.parse_mails([item], max_bytes=max_bytes)
        (parsed,) = batch.parsed.result()  # kept by `Pending`: recording does not parse again
        result = (
            IntakeResult(Outcome.QUARANTINED)
            if isinstance(parsed, str)
            else self.record_mails(batch)[0]
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
                done = _registered_keys(session, {key})
                if key in done:
                    return IntakeResult(Outcome.DUPLICATE, done[key])
                draft = EntryDraft(
                    received_at=item.received_at,
                    channel=item.channel,
                    source_id=source_id,
                    text=item.text,
                    classification=self.classifier.classify(item.text),
                    reporter_name=item.name,
                    reporter_contact=item.contact,
                    reporter_address=item.address,
                    notes=(("entered", f"dicatat manual oleh {item.by}"),),
                )
                entry = create_entry(session, self.settings, draft, now)
                self.escalator.on_registered(session, load_entries(session, [entry]), now)
                session.execute(
                    insert(ProcessedItem),
                    [_processed_row("manual", key, source_id, Outcome.REGISTERED, entry.id, now)],
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
                if key not in _registered_keys(session, {key}):
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
                    row = _processed_row(
                        item.source, key, "sha256:" + sha, Outcome.QUARANTINED, None, now
                    )
                    session.execute(insert(ProcessedItem), [row])
                _advance(session, [item])
            log.warning(
                "quarantined source=%s ref=%s sha256=%s reason=%s",
                item.source,
                item.ref,
                sha,
                reason,
            )
            return IntakeResult(Outcome.QUARANTINED)

        return self._retrying(record)

    def _retrying(self, work: Callable[[], _T]) -> _T:
        # Another process may have committed the same item between our check and our insert:
        # the unique dedupe_key rejects ours, and the second try sees theirs.
        try:
            return work()
        except IntegrityError:
            log.info("concurrent intake of the same item; checking again")
            return work()


def _draft(p: _Prepared, mention: Mention | None) -> EntryDraft:
    mail = p.mail
    notes: list[tuple[str, str]] = []
    if mail.forwarded_by:
        notes.append(("forwarded", f"diteruskan oleh {mail.forwarded_by}"))
    if mention is not None:
        notes.append(("linked", f"menyebut {mention.register_no} (pengirim lain)"))
    return EntryDraft(
        received_at=p.item.received_at,
        channel="email",
        source_id=p.source_id,
        text=mail.text,
        classification=p.classification,
        subject=mail.subject or None,
        reporter_name=mail.sender_name,
        reporter_contact=mail.sender_address,
        files=p.files,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _Parsed:
    mail: Mail  # without its attachments' bytes: those are in `files` now
    files: tuple[StoredFile, ...]
    classification: Classification


def _parse(
    data: bytes, max_bytes: int | None, store: FileStore, classifier: ClassifierSpec
) -> _Parsed | str:
    """The parsed and classified mail with its attachments stored, or why it cannot be.

    Runs on the workers. Storing there is safe (content-addressed and idempotent, so a later
    rollback leaves only a harmless copy), spreads the fsyncs over the workers, and keeps
    the attachments' bytes from travelling back to the main process.
    """
    if max_bytes is not None and len(data) > max_bytes:
        return f"message of {len(data)} bytes exceeds the limit of {max_bytes}"
    try:
        mail = parse_mail(data)
    except MailParseError as exc:
        return str(exc)
    except Exception as exc:  # a bug of ours: keep the mail for `quarantine retry`
        log.exception("parser failed")  # the traceback names code, not the mail's content
        return f"internal error in the parser ({type(exc).__name__}); retry after an update"
    files = tuple(
        StoredFile(store.put(a.data), a.filename, a.content_type, len(a.data))
        for a in mail.attachments
    )
    try:
        classification = classifier.classify(mail.text, mail.subject)
    except Exception:  # never lose a complaint to the classifier: register it unclassified
        log.exception("classifier failed")
        classification = UNCLASSIFIED
    return _Parsed(replace(mail, attachments=()), files, classification)


def _bounced(session: Session, mail: Mail, now: datetime) -> None:
    """A delivery report about our own mail: that mail failed, and its entry says so."""
    for entry_id in mark_bounced(session, mail.reported_ids, "laporan gagal kirim"):
        detail = "surel keluar gagal terkirim: " + ", ".join(mail.reported_ids)
        add_event(session, entry_id, now, "bounce", DAEMON, detail)


def _entry_id(session: Session, register_no: str | None) -> int | None:
    if register_no is None:
        return None
    entry = session.exec(select(Entry).where(Entry.register_no == register_no)).first()
    return None if entry is None else entry.id


def _processed_row(
    source: str, key: str, source_id: str, outcome: Outcome, entry_id: int | None, now: datetime
) -> dict[str, Any]:
    return {
        "dedupe_key": key,
        "source": source,
        "source_id": source_id,
        "outcome": outcome.value,
        "entry_id": entry_id,
        "at": now,
    }


def _registered_keys(session: Session, keys: set[str]) -> dict[str, str | None]:
    """Dedupe keys already processed → the register number they produced (None: skipped)."""
    rows = session.exec(
        select(ProcessedItem.dedupe_key, Entry.register_no)
        .join(Entry, col(ProcessedItem.entry_id) == col(Entry.id), isouter=True)
        .where(col(ProcessedItem.dedupe_key).in_(keys))
    )
    return dict(rows.all())


def _first_entry_by_source_id(session: Session, source_ids: set[str]) -> dict[str, str]:
    """The oldest entry's register number per source id."""
    rows = session.exec(
        select(Entry.source_id, Entry.register_no)
        .where(col(Entry.source_id).in_(source_ids))
        .order_by(col(Entry.id).desc())
    )
    return dict(rows.all())  # later rows win: ordered newest first, the oldest stays


def _advance(session: Session, items: Sequence[RawItem]) -> None:
    """Move each source's checkpoint past `items`, in the items' own transaction."""
    furthest: dict[str, Position] = {}
    for item in items:
        pos, seen = item.position, furthest.get(item.source)
        if pos is not None and (
            seen is None or (pos.uidvalidity, pos.uid) > (seen.uidvalidity, seen.uid)
        ):
            furthest[item.source] = pos
    for source, pos in furthest.items():
        state = session.get(SourceState, source) or SourceState(source=source)
        if state.uidvalidity != pos.uidvalidity:
            state.uidvalidity, state.last_uid = pos.uidvalidity, pos.uid
        else:
            state.last_uid = max(state.last_uid or 0, pos.uid)
        session.add(state)
