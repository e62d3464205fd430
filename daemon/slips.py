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
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from aduan.daemon.filestore import FileStore
from aduan.daemon.learning import ClassifierSpec
from aduan.daemon.register import EntryDraft, StoredFile
from aduan.parsers.classification import UNCLASSIFIED, Classification
from aduan.parsers.ocr import OcrError, PageRead, read_page
from aduan.parsers.pages import ScanFileError, count_pages, render_page, scan_kind
from aduan.parsers.slip import Slip, parse_slip

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
    kind = scan_kind(data)
    content_type = CONTENT_TYPES.get(kind or "", "application/octet-stream")
    return ScanFile(source, ref, store.put(data), filename, content_type, len(data), received_at)


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


@dataclass(frozen=True)
class PageFailure:
    """Why a page could not be read. `environment`: OCR itself is broken (not the file's
    fault), so the file waits for a fix instead of going to quarantine."""

    job: PageJob
    reason: str
    environment: bool = False


def plan_pages(
    file: ScanFile, data: bytes, store_root: Path, languages: str, engine: str, spec: ClassifierSpec
) -> list[PageJob]:
    """One job per page; raises `ScanFileError` for a file that is no readable scan."""
    pages = count_pages(data)
    return [
        PageJob(store_root, file.sha256, n, pages, languages, engine, spec)
        for n in range(1, pages + 1)
    ]


def read_slip_page(job: PageJob) -> SlipPage | PageFailure:
    """Render, read and parse one page; runs on a worker."""
    store = FileStore(job.store_root)
    try:
        page = render_page(store.get(job.sha256), job.page)
        read = read_page(page, languages=job.languages, engine=job.engine)
    except ScanFileError as exc:
        return PageFailure(job, str(exc))
    except OcrError as exc:
        return PageFailure(job, str(exc), environment=True)
    except Exception as exc:  # a bug of ours: keep the file for `quarantine retry`
        log.exception("reading page %d of sha256=%s failed", job.page, job.sha256)
        return PageFailure(
            job, f"internal error reading page {job.page} ({type(exc).__name__}); retry later"
        )
    slip = None if read.blank else parse_slip(read)
    if slip is None or slip.empty:
        return SlipPage(job, None, _describe(read), (), UNCLASSIFIED)
    files = (_store_words(store, job, read),)
    try:
        classification = job.classifier.classify(slip.body)
    except Exception:  # never lose a complaint to the classifier: register it unclassified
        log.exception("classifier failed")
        classification = UNCLASSIFIED
    return SlipPage(job, slip, _describe(read), files, classification)


def _store_words(store: FileStore, job: PageJob, read: PageRead) -> StoredFile:
    """Keep every word with its confidence and box: the evidence of what OCR saw."""
    words = [asdict(word) for word in read.words]
    data = json.dumps(words, ensure_ascii=False).encode("utf-8")
    return StoredFile(
        store.put(data), f"ocr-halaman-{job.page}.json", "application/json", len(data)
    )


def _describe(read: PageRead) -> str:
    if read.blank:
        return "halaman kosong"
    parts = [f"keyakinan OCR {read.confidence:.0%}", f"mesin {read.engine}", f"{read.dpi} dpi"]
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
