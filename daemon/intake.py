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
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aduan.daemon.clock import Clock
from aduan.daemon.config import Settings
from aduan.daemon.errors import SourceUnavailable, UsageError
from aduan.daemon.escalation import Escalator
from aduan.daemon.filestore import FileStore
from aduan.daemon.learning import ClassifierSpec
from aduan.daemon.outbox import mark_bounced
from aduan.daemon.parsing import ParsedMail, parse_fetched
from aduan.daemon.processed import Outcome, processed_row, registered_keys
from aduan.daemon.register import (
    DAEMON,
    EntryDraft,
    StoredFile,
    add_event,
    create_entries,
    load_entries,
)
from aduan.daemon.slips import (
    PageFailure,
    PageJob,
    ScanFile,
    ScanResult,
    SlipPage,
    SlipRecord,
    describe_failure,
    is_scan,
    plan_pages,
    read_slip_page,
    scan_content_type,
    store_scan,
    stored_scan,
)
from aduan.daemon.threads import Mention, Thread, find_thread, record_reply, staff_addresses
from aduan.daemon.workers import Pending, WorkerPool
from aduan.models.db import transaction
from aduan.models.tables import Entry, ProcessedItem, QuarantineItem, SourceState
from aduan.parsers.classification import Classification
from aduan.parsers.mail import Mail
from aduan.parsers.pages import ScanFileError

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


# Sources whose items are scanned files, not mail: the folder and `aduan scan`.
SCAN_SOURCES = frozenset({"scans", "scan"})
# A mail with scans attached and fewer words than this may be a scanner's scan-to-email.
SCAN_MAIL_MAX_WORDS = 20


@dataclass(frozen=True)
class IntakeResult:
    outcome: Outcome
    register_no: str | None = None


def mail_source_id(mail: Mail, raw: bytes) -> str:
    return mail.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class ManualItem:
    """A complaint that reaches the register through staff, for a channel the daemon does
    not read (SMS, phone…): typed in, or imported from a chat export or a log file."""

    channel: str
    text: str
    received_at: datetime
    name: str | None = None
    contact: str | None = None
    address: str | None = None
    by: str = "staf"
    # Imports: one key per message the entry is made of, so that a message is registered
    # once however often its file is imported. Typed-in entries: none, the content decides.
    keys: tuple[str, ...] = ()
    source_id: str | None = None
    notes: tuple[tuple[str, str], ...] = ()
    # Rahasia from the start: its first escalation already carries the number only.
    confidential: bool = False

    def dedupe_keys(self) -> tuple[str, ...]:
        if self.keys:
            return self.keys
        fields = (self.channel, self.text, self.name, self.contact, self.address)
        digest = hashlib.sha256(
            repr((*fields, self.received_at.isoformat())).encode("utf-8")
        ).hexdigest()
        return ("manual:" + digest,)


@dataclass(frozen=True)
class _Prepared:
    """A parsed mail, its files stored, waiting for the batch's transaction."""

    index: int
    item: RawItem
    mail: Mail
    files: tuple[StoredFile, ...]
    classification: Classification
    slips: tuple[tuple[ScanFile, SlipPage | PageJob], ...] = ()  # a scan-to-email's pages
    unread: str | None = None  # why its scans could not be read (the mail is kept whole)

    @property
    def key(self) -> str:
        return "mail:" + self.mail.fingerprint

    @property
    def source_id(self) -> str:
        return mail_source_id(self.mail, self.item.data)

    def processed(self, outcome: Outcome, entry_id: int | None, now: datetime) -> dict[str, Any]:
        return processed_row(self.item.source, self.key, self.source_id, outcome, entry_id, now)


@dataclass(frozen=True)
class ParsingBatch:
    """Mails handed to the workers; `Intake.record_mails` waits for them and records them."""

    items: Sequence[RawItem]
    parsed: Pending[ParsedMail | str]


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
        self.prefix = settings.facility.register_prefix
        self.scanners = frozenset(a.lower() for a in settings.scans.senders)
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
        parse = partial(
            parse_fetched, max_bytes=max_bytes, store=self.store, classifier=self.classifier
        )
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
        prepared = self._read_attached_scans(prepared)
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
        done = registered_keys(session, {p.key for p in batch})
        results: dict[int, IntakeResult] = {}
        first_of: dict[str, int] = {}  # the same mail twice in one batch: the first counts
        fresh: list[tuple[_Prepared, Mention | None]] = []
        slip_mails: list[_Prepared] = []
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
            elif isinstance(
                thread := find_thread(session, p.mail, self.staff, self.prefix), Thread
            ):
                received_at = p.item.received_at
                record_reply(session, thread, p.mail, p.files, received_at, self.escalator, now)
                processed.append(p.processed(Outcome.THREADED, thread.entry.id, now))
                results[p.index] = IntakeResult(Outcome.THREADED, thread.entry.register_no)
            elif self._is_scan_mail(p):
                slip_mails.append(p)
            else:
                fresh.append((p, thread))
            first_of.setdefault(p.key, p.index)
        drafts = [_draft(p, mention) for p, mention in fresh]
        slips = SlipRecord(session, [pair for p in slip_mails for pair in p.slips], now)
        created = create_entries(session, self.settings, [*drafts, *slips.drafts], now)
        entries, slip_entries = created[: len(drafts)], created[len(drafts) :]
        slips.registered(session, slip_entries)
        for p in slip_mails:
            made = slips.first_entry(p.slips)
            processed.append(p.processed(Outcome.SLIPS, made.id if made else None, now))
            results[p.index] = IntakeResult(Outcome.SLIPS, made.register_no if made else None)
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
        self.escalator.on_registered(session, load_entries(session, created), now)
        for p in batch:
            if p.index not in results:
                first = results[first_of[p.key]]
                results[p.index] = IntakeResult(Outcome.DUPLICATE, first.register_no)
        return results

    def take_scans(self, items: Sequence[RawItem]) -> list[ScanResult]:
        """Register one entry per slip of each scanned file, in one commit.

        Idempotent by the file's sha256 (and page): a file taken again adds nothing. A file
        that is no readable scan is quarantined. Raises `SourceUnavailable` when OCR itself
        does not work: the files then wait where they are.
        """
        files = [
            store_scan(self.store, i.source, i.ref, Path(i.ref).name, i.data, i.received_at)
            for i in items
        ]
        reads = self._read_scans(list(zip(files, (i.data for i in items), strict=True)))
        results: dict[int, ScanResult] = {}
        readable: list[tuple[int, ScanFile, tuple[SlipPage | PageJob, ...]]] = []
        for index, (item, file) in enumerate(zip(items, files, strict=True)):
            read = reads[file.sha256]
            if isinstance(read, str):
                self.quarantine(item, read, filename=file.filename)
                results[index] = ScanResult(Outcome.QUARANTINED, reason=read)
            else:
                readable.append((index, file, read))

        def record() -> dict[int, ScanResult]:
            now = self.clock()
            with transaction(self.engine) as session:
                pages = [(file, page) for _, file, read in readable for page in read]
                slips = SlipRecord(session, pages, now)
                created = create_entries(session, self.settings, slips.drafts, now)
                slips.registered(session, created)
                self.escalator.on_registered(session, load_entries(session, created), now)
                return {index: slips.result(file, read) for index, file, read in readable}

        results.update(self._retrying(record))
        for index, file in enumerate(files):
            result = results[index]
            nos = ",".join(result.register_nos) or "-"
            log.info(
                "%s %s source=%s sha256=%s", result.outcome.value, nos, file.source, file.sha256
            )
        return [results[index] for index in range(len(items))]

    def _read_scans(
        self, files: Sequence[tuple[ScanFile, bytes]]
    ) -> dict[str, tuple[SlipPage | PageJob, ...] | str]:
        """Each file's pages read on the workers, or why the file cannot be read.

        Pages registered before (the file came again) are not read again: their job stands
        in for them. Raises `SourceUnavailable` when OCR does not work at all.
        """
        scans = self.settings.scans
        reads: dict[str, tuple[SlipPage | PageJob, ...] | str] = {}
        jobs: dict[str, list[PageJob]] = {}
        for file, data in files:
            if file.sha256 in reads or file.sha256 in jobs:
                continue
            try:
                jobs[file.sha256] = plan_pages(file, data, self.store.root, scans, self.classifier)
            except ScanFileError as exc:
                reads[file.sha256] = str(exc)
        every = [job for file_jobs in jobs.values() for job in file_jobs]
        with Session(self.engine) as session:
            known = registered_keys(session, {job.key for job in every})
        todo = [job for job in every if job.key not in known]
        read = dict(
            zip(
                (job.key for job in todo),
                self.pool.submit(read_slip_page, todo, costly=True).result(),
                strict=True,
            )
        )
        for sha, file_jobs in jobs.items():
            pages = [read.get(job.key, job) for job in file_jobs]
            failures = [p for p in pages if isinstance(p, PageFailure)]
            if any(f.environment for f in failures):
                raise SourceUnavailable(f"OCR does not work: {failures[0].reason}")
            if failures:
                reads[sha] = "; ".join(describe_failure(f) for f in failures)
            else:
                reads[sha] = tuple(p for p in pages if not isinstance(p, PageFailure))
        return reads

    def _read_attached_scans(self, prepared: list[_Prepared]) -> list[_Prepared]:
        """Scan-to-email: read the scans a mail carries when it may come from a scanner."""
        attached: dict[int, list[tuple[ScanFile, bytes]]] = {}
        for p in prepared:
            scans = [f for f in p.files if is_scan(f.content_type, f.filename)]
            if scans and p.mail.auto is None and self._may_be_scan_mail(p.mail):
                attached[p.index] = [self._attached_scan(p.item, f) for f in scans]
        if not attached:
            return prepared
        every = [scan for scans in attached.values() for scan in scans]
        try:
            reads = self._read_scans(every)
        except SourceUnavailable as exc:  # mail keeps flowing: registered as mail, reviewed
            reads = {f.sha256: str(exc) for f, _ in every}
        out: list[_Prepared] = []
        for p in prepared:
            if p.index not in attached:
                out.append(p)
                continue
            pages: list[tuple[ScanFile, SlipPage | PageJob]] = []
            problems: list[str] = []
            for file, _ in attached[p.index]:
                read = reads[file.sha256]
                if isinstance(read, str):
                    problems.append(f"{file.filename}: {read}")
                else:
                    pages.extend((file, page) for page in read)
            out.append(replace(p, slips=tuple(pages), unread="; ".join(problems) or None))
        return out

    def _from_scanner(self, mail: Mail) -> bool:
        return (mail.sender_address or "").lower() in self.scanners

    def _may_be_scan_mail(self, mail: Mail) -> bool:
        return self._from_scanner(mail) or len(mail.text.split()) < SCAN_MAIL_MAX_WORDS

    def _is_scan_mail(self, p: _Prepared) -> bool:
        """Registered as its slips, not as one mail: it comes from a configured scanner, or
        a page of it is a printed slip form (a photo of a broken tap stays a mail)."""
        if not p.slips or p.unread is not None:
            return False
        if self._from_scanner(p.mail):
            return True
        return any(
            isinstance(page, PageJob) or (page.slip is not None and page.slip.form)
            for _, page in p.slips
        )

    def _attached_scan(self, item: RawItem, stored: StoredFile) -> tuple[ScanFile, bytes]:
        """An attachment as a scan, typed by its bytes (the mail's word for it may be wrong)."""
        data = self.store.get(stored.sha256)
        typed = replace(stored, content_type=scan_content_type(data))
        scan = stored_scan(typed, item.source, f"{item.ref}/{stored.filename}", item.received_at)
        return scan, data

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
        reason: str | None
        if row.source in SCAN_SOURCES:
            (scan,) = self.take_scans([item])
            result = IntakeResult(scan.outcome, next(iter(scan.register_nos), None))
            reason = row.reason if scan.outcome == Outcome.QUARANTINED else None
        else:
            batch = self.parse_mails([item], max_bytes=max_bytes)
            (parsed,) = batch.parsed.result()  # kept by `Pending`: recording does not parse again
            reason = parsed if isinstance(parsed, str) else None
            result = (
                IntakeResult(Outcome.QUARANTINED)
                if reason is not None
                else self.record_mails(batch)[0]
            )
        with transaction(self.engine) as session:
            row = session.get(QuarantineItem, quarantine_id)
            assert row is not None
            row.attempts += 1
            row.updated_at = self.clock()
            if reason is not None:
                row.reason = reason
            else:
                row.status = "berhasil"
                row.entry_id = _entry_id(session, result.register_no)
            session.add(row)
        return result

    def take_manual(self, item: ManualItem) -> IntakeResult:
        """Register a manual entry; the same entry typed twice is recognised, not doubled."""
        return self.take_manuals([item], "manual")[0]

    def take_manuals(self, items: Sequence[ManualItem], source: str) -> list[IntakeResult]:
        """Register staff-entered items in one transaction. An item any of whose keys was
        registered before is that entry's duplicate: a message is never registered twice."""
        now = self.clock()

        def record() -> list[IntakeResult]:
            results: list[IntakeResult] = []
            with transaction(self.engine) as session:
                done = registered_keys(session, {k for i in items for k in i.dedupe_keys()})
                fresh: list[ManualItem] = []
                for item in items:
                    earlier = [done[k] for k in item.dedupe_keys() if k in done]
                    if earlier:
                        results.append(IntakeResult(Outcome.DUPLICATE, earlier[0]))
                    else:
                        results.append(IntakeResult(Outcome.REGISTERED))
                        fresh.append(item)
                drafts = [self._manual_draft(item) for item in fresh]
                created = create_entries(session, self.settings, drafts, now)
                loaded = load_entries(session, created)
                for item, row in zip(fresh, loaded, strict=True):
                    if item.confidential:
                        assert row.id is not None
                        row.confidential = True
                        session.add(row)
                        add_event(session, row.id, now, "confidential", item.by, "ya")
                self.escalator.on_registered(session, loaded, now)
                rows = [
                    processed_row(source, key, entry.source_id, Outcome.REGISTERED, entry.id, now)
                    for item, entry in zip(fresh, created, strict=True)
                    for key in item.dedupe_keys()
                ]
                if rows:
                    session.execute(insert(ProcessedItem), rows)
            numbers = iter(entry.register_no for entry in created)
            results = [
                IntakeResult(r.outcome, next(numbers)) if r.register_no is None else r
                for r in results
            ]
            for item, entry in zip(fresh, created, strict=True):
                log.info(
                    "registered %s source=%s channel=%s", entry.register_no, source, item.channel
                )
            return results

        return self._retrying(record)

    def _manual_draft(self, item: ManualItem) -> EntryDraft:
        digest = item.dedupe_keys()[0].removeprefix("manual:")
        source_id = item.source_id or f"manual:{item.by}:{digest[:16]}"
        notes = item.notes or (("entered", f"dicatat manual oleh {item.by}"),)
        return EntryDraft(
            received_at=item.received_at,
            channel=item.channel,
            source_id=source_id,
            text=item.text,
            classification=self.classifier.classify(item.text),
            reporter_name=item.name,
            reporter_contact=item.contact,
            reporter_address=item.address,
            notes=notes,
        )

    def quarantine(self, item: RawItem, reason: str, filename: str | None = None) -> IntakeResult:
        """Keep the raw item whole with the reason; the source may then move past it."""
        sha = self.store.put(item.data)
        key = "raw:" + sha
        now = self.clock()

        def record() -> IntakeResult:
            with transaction(self.engine) as session:
                if key not in registered_keys(session, {key}):
                    session.add(
                        QuarantineItem(
                            source=item.source,
                            source_ref=item.ref,
                            sha256=sha,
                            filename=filename or f"{sha}.eml",
                            reason=reason,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    row = processed_row(
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
        notes.append(("forwarded_in", f"diteruskan oleh {mail.forwarded_by}"))
    if mention is not None:
        notes.append(("linked", f"menyebut {mention.register_no} (pengirim lain)"))
    # Scans from a scanner's address that could not be read: a person reads them instead.
    review = f"pindaian terlampir tidak terbaca: {p.unread}" if p.unread else None
    if review is not None:
        notes.append(("review", review))
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
        review_reason=review,
    )


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
