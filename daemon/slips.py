"""Scanned suggestion-box slips: a stored file → pages read by OCR → register drafts.

A file is split into page jobs in the main process (counting pages is cheap); each page is
rendered, read and parsed on a worker, which also stores the page image and the word list
in the content-addressed store, so only small results travel back. One slip per page: a
blank page (or an empty back side, or a form with nothing filled in) is skipped, not
registered. No image is stored per page: the original file is the evidence, and a page of it
can be rendered again whenever a person needs to see it (PNG-encoding every page cost more
than reading it).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from aduan.daemon.config import Scans
from aduan.daemon.filestore import FileStore
from aduan.daemon.learning import ClassifierSpec
from aduan.daemon.processed import Outcome, processed_row, registered_keys
from aduan.daemon.register import DAEMON, EntryDraft, NewEntry, StoredFile, add_event
from aduan.models.tables import Event, ProcessedItem
from aduan.parsers import handwriting
from aduan.parsers.classification import UNCLASSIFIED, Classification
from aduan.parsers.fields import FIELD_NAMES, Engine, FieldReading, SlipRead, read_slip
from aduan.parsers.ocr import OcrError, PageRead
from aduan.parsers.pages import ScanFileError, count_pages, render_page, scan_kind
from aduan.parsers.slip import Slip

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class ScanFile:
    """A scanned file in the store, and where and when it came from."""

    source: str  # "scans", "scan", "imap:INBOX" (a mail's attachment)…
    ref: str  # its name there: for quarantine and the log
    sha256: str
    filename: str
    content_type: str  # from the file's first bytes, never its name
    size: int
    received_at: datetime  # when it was scanned or mailed; the deadlines start here

    @property
    def stored(self) -> StoredFile:
        return StoredFile(self.sha256, self.filename, self.content_type, self.size)


def store_scan(
    store: FileStore, source: str, ref: str, filename: str, data: bytes, received_at: datetime
) -> ScanFile:
    """Keep the file (whatever it holds: a bad one is quarantined from the store)."""
    stored = StoredFile(store.put(data), filename, scan_content_type(data), len(data))
    return stored_scan(stored, source, ref, received_at)


def stored_scan(stored: StoredFile, source: str, ref: str, received_at: datetime) -> ScanFile:
    """A file already in the store (a mail's attachment) as a scan."""
    return ScanFile(
        source, ref, stored.sha256, stored.filename, stored.content_type, stored.size, received_at
    )


def scan_content_type(data: bytes) -> str:
    """From the file's first bytes, never its name."""
    return CONTENT_TYPES.get(scan_kind(data) or "", "application/octet-stream")


def is_scan(content_type: str, filename: str) -> bool:
    """Whether a mail attachment may be a scanned slip (its bytes decide later)."""
    name = filename.lower()
    return (
        content_type.startswith("image/")
        or content_type == "application/pdf"
        or (name.endswith((".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")))
    )


@dataclass(frozen=True)
class PageJob:
    """One page of a stored file to read; cheap to send to a worker."""

    store_root: Path
    sha256: str
    page: int  # 1-based
    pages: int
    languages: str
    engine: str
    handwriting: bool  # read doubtful fields again with the handwriting engine
    classifier: ClassifierSpec

    @property
    def source_id(self) -> str:
        """INTERFACE.md: the file's sha256, plus `#pN` for a page of a multipage file."""
        suffix = f"#p{self.page}" if self.pages > 1 else ""
        return f"sha256:{self.sha256}{suffix}"

    @property
    def key(self) -> str:
        # The same file by mail and from the folder is the same slip: one key for both.
        return "slip:" + self.source_id


@dataclass(frozen=True)
class SlipPage:
    """A page read: its slip (None when the page is blank), and what was stored for it."""

    job: PageJob
    slip: Slip | None
    ocr: str  # how it was read, in words, for the entry's history
    files: tuple[StoredFile, ...]
    classification: Classification
    readings: tuple[FieldReading, ...] = ()  # both engines' readings of routed fields


@dataclass(frozen=True)
class PageFailure:
    """Why a page could not be read. `environment`: OCR itself is broken (not the file's
    fault), so the file waits for a fix instead of going to quarantine."""

    job: PageJob
    reason: str
    environment: bool = False


def plan_pages(
    file: ScanFile, data: bytes, store_root: Path, scans: Scans, spec: ClassifierSpec
) -> list[PageJob]:
    """One job per page; raises `ScanFileError` for a file that is no readable scan."""
    pages = count_pages(data)
    second = scans.handwriting == "on" or (
        scans.handwriting == "auto" and handwriting.status().usable
    )
    return [
        PageJob(store_root, file.sha256, n, pages, scans.languages, scans.engine, second, spec)
        for n in range(1, pages + 1)
    ]


def read_slip_page(job: PageJob) -> SlipPage | PageFailure:
    """Render, read and parse one page; runs on a worker."""
    store = FileStore(job.store_root)
    try:
        page = render_page(store.get(job.sha256), job.page)
        read = read_slip(page, languages=job.languages, engine=job.engine, second=job.handwriting)
    except ScanFileError as exc:
        return PageFailure(job, str(exc))
    except OcrError as exc:
        return PageFailure(job, str(exc), environment=True)
    except Exception as exc:  # a bug of ours: keep the file for `quarantine retry`
        log.exception("reading page %d of sha256=%s failed", job.page, job.sha256)
        return PageFailure(
            job, f"internal error reading page {job.page} ({type(exc).__name__}); retry later"
        )
    slip = None if read.read.blank else read.slip
    if slip is None or slip.empty:
        return SlipPage(job, None, _describe(read), (), UNCLASSIFIED)
    files = (_store_words(store, job, read.read),)
    try:
        classification = job.classifier.classify(slip.body)
    except Exception:  # never lose a complaint to the classifier: register it unclassified
        log.exception("classifier failed")
        classification = UNCLASSIFIED
    return SlipPage(job, slip, _describe(read), files, classification, read.readings)


def _store_words(store: FileStore, job: PageJob, read: PageRead) -> StoredFile:
    """Keep every word with its confidence and box: the evidence of what OCR saw."""
    words = [asdict(word) for word in read.words]
    data = json.dumps(words, ensure_ascii=False).encode("utf-8")
    return StoredFile(
        store.put(data), f"ocr-halaman-{job.page}.json", "application/json", len(data)
    )


def _describe(slip: SlipRead) -> str:
    read = slip.read
    if read.blank:
        return "halaman kosong"
    parts = [
        f"keyakinan OCR {read.confidence:.0%}",
        f"mesin {'+'.join(slip.engines)}",
        f"{read.dpi} dpi",
    ]
    if read.rotated:
        parts.append(f"diputar {read.rotated}°")
    if abs(read.skew) >= 0.1:
        parts.append(f"miring {read.skew:.1f}°")
    return ", ".join(parts)


def slip_draft(file: ScanFile, page: SlipPage) -> EntryDraft:
    """The register entry for a slip read from `file`."""
    slip = page.slip
    assert slip is not None, "blank pages are not registered"
    where = f"halaman {page.job.page} dari {page.job.pages}, " if page.job.pages > 1 else ""
    notes = [("ocr", f"{file.filename}: {where}{page.ocr}")]
    review = "; ".join(slip.review) or None
    if review is not None:
        notes.append(("review", review))
    notes.extend(("ocr_readings", reading_note(reading)) for reading in page.readings)
    return EntryDraft(
        received_at=file.received_at,
        channel="kotak_saran",
        source_id=page.job.source_id,
        text=slip.body,
        classification=page.classification,
        reporter_name=slip.name,
        reporter_contact=slip.contact,
        reporter_address=slip.address,
        files=(file.stored, *page.files),
        notes=tuple(notes),
        ocr_confidence=slip.confidence,
        slip_date=slip.date,
        review_reason=review,
    )


def reading_note(reading: FieldReading) -> str:
    """Both engines' readings of a field, for the person who checks the slip (the detail of
    an `ocr_readings` event; `reading_of` reads it back)."""
    kept = _USED if reading.kept == handwriting.NAME else _UNUSED
    return (
        f"kolom {FIELD_NAMES[reading.field]}: tesseract «{reading.tesseract}»; "
        f"{handwriting.NAME} «{reading.second}» ({kept})"
    )


_USED, _UNUSED = "dipakai", "tidak dipakai"
_READING = re.compile(
    rf"kolom (?P<field>.+?): tesseract «(?P<tesseract>.*)»; {handwriting.NAME} "
    rf"«(?P<second>.*)» \((?P<kept>{_USED}|{_UNUSED})\)",
    re.S,
)
_FIELDS = {name: key for key, name in FIELD_NAMES.items()}


def readings_of(session: Session, entry_id: int | None) -> list[FieldReading]:
    """Both engines' readings of an entry's routed fields, page order."""
    details = session.exec(
        select(Event.detail)
        .where(Event.entry_id == entry_id, Event.type == "ocr_readings")
        .order_by(col(Event.id))
    )
    return [reading for detail in details if (reading := reading_of(detail)) is not None]


def reading_of(detail: str) -> FieldReading | None:
    """The readings an `ocr_readings` event's detail holds; None for any other text."""
    match = _READING.fullmatch(detail)
    if match is None or match["field"] not in _FIELDS:
        return None
    kept: Engine = handwriting.NAME if match["kept"] == _USED else "tesseract"
    return FieldReading(_FIELDS[match["field"]], match["tesseract"], match["second"], kept)


@dataclass(frozen=True)
class ScanResult:
    """What became of one scanned file: an entry per slip, or why none."""

    outcome: Outcome
    register_nos: tuple[str, ...] = ()
    reason: str | None = None  # why it was quarantined


class SlipRecord:
    """Which pages of a batch become entries, inside the batch's transaction.

    Pages registered before (the same file again, by mail or from the folder) and pages seen
    twice in the batch are skipped; a blank page is recorded as processed, not registered,
    and noted on the entries of its file's other pages.
    """

    def __init__(
        self, session: Session, pages: Sequence[tuple[ScanFile, SlipPage | PageJob]], now: datetime
    ) -> None:
        self.now = now
        self.known = registered_keys(session, {_job(page).key for _, page in pages})
        self.drafts: list[EntryDraft] = []
        self._slips: list[tuple[ScanFile, PageJob]] = []  # one per draft
        self._blank: list[tuple[ScanFile, PageJob]] = []
        self._made: dict[str, NewEntry] = {}  # dedupe key → the entry made now
        for file, page in pages:
            job = _job(page)
            if job.key in self.known or isinstance(page, PageJob):
                continue
            self.known[job.key] = None  # the second copy in this batch is skipped
            if page.slip is None:
                self._blank.append((file, job))
            else:
                self._slips.append((file, job))
                self.drafts.append(slip_draft(file, page))

    def registered(self, session: Session, entries: Sequence[NewEntry]) -> None:
        """Record every page as processed, now that `entries` (one per draft) exist."""
        rows: list[dict[str, Any]] = []
        for (file, job), entry in zip(self._slips, entries, strict=True):
            self._made[job.key] = entry
            rows.append(
                processed_row(
                    file.source, job.key, job.source_id, Outcome.REGISTERED, entry.id, self.now
                )
            )
        for file, job in self._blank:
            rows.append(
                processed_row(file.source, job.key, job.source_id, Outcome.BLANK, None, self.now)
            )
            for sibling_file, sibling in self._slips:
                if sibling_file.sha256 == file.sha256:
                    detail = f"{file.filename}: halaman {job.page} kosong, dilewati"
                    add_event(
                        session, self._made[sibling.key].id, self.now, "blank_page", DAEMON, detail
                    )
        if rows:
            session.execute(insert(ProcessedItem), rows)

    def first_entry(self, pages: Sequence[tuple[ScanFile, SlipPage | PageJob]]) -> NewEntry | None:
        return next((self._made[_job(p).key] for _, p in pages if _job(p).key in self._made), None)

    def result(self, file: ScanFile, pages: Sequence[SlipPage | PageJob]) -> ScanResult:
        made = [self._made[_job(p).key].register_no for p in pages if _job(p).key in self._made]
        if made:
            return ScanResult(Outcome.REGISTERED, tuple(made))
        before = [no for p in pages if (no := self.known.get(_job(p).key))]
        if before:
            return ScanResult(Outcome.DUPLICATE, tuple(before))
        return ScanResult(Outcome.BLANK)


def _job(page: SlipPage | PageJob) -> PageJob:
    return page if isinstance(page, PageJob) else page.job


def describe_failure(failure: PageFailure) -> str:
    if failure.job.pages == 1:
        return failure.reason
    return f"page {failure.job.page}: {failure.reason}"
