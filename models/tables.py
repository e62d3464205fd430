"""The register and everything the daemon must remember between runs.

Every datetime is aware and stored in UTC (`UTCDateTime`); people see the facility's zone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from aduan.models.types import UTCDateTime

CHANNELS = ("email", "kotak_saran", "sms", "whatsapp", "telepon", "langsung", "web", "media_sosial")
# Channels the SOP counts as electronic media: read within 1x24h, answered within 3x24h.
ELECTRONIC_CHANNELS = frozenset({"email", "sms", "whatsapp", "web", "media_sosial"})
KINDS = ("keluhan", "saran", "pujian", "pertanyaan", "lainnya")
UNITS = (
    "pendaftaran",
    "poli_umum",
    "poli_gigi",
    "kia_kb",
    "farmasi",
    "laboratorium",
    "ugd",
    "rawat_inap",
    "administrasi",
    "kebersihan_sarana",
    "lainnya",
)
STATUSES = (
    "diterima",
    "diteruskan",
    "ditindaklanjuti",
    "selesai",
    "dipublikasikan",
    "bukan_aduan",
)
OPEN_STATUSES = ("diterima", "diteruskan", "ditindaklanjuti")


class Entry(SQLModel, table=True):
    """One piece of feedback in the complaint register (buku register pengaduan)."""

    id: int | None = Field(default=None, primary_key=True)
    register_no: str = Field(unique=True, index=True)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    registered_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(index=True)
    source_id: str = Field(index=True)
    reporter_name: str | None = None
    reporter_contact: str | None = Field(default=None, index=True)  # acknowledgement limit
    reporter_address: str | None = None
    subject: str | None = None
    text: str = Field(sa_type=Text)
    kind: str = "lainnya"
    unit: str = "lainnya"
    urgent: bool = False
    confidence: float = 0.0
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default="diterima", index=True)
    due_forward: datetime = Field(sa_type=UTCDateTime)
    due_answer: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_resolve: datetime = Field(sa_type=UTCDateTime)
    response: str | None = Field(default=None, sa_type=Text)
    rtl: str | None = Field(default=None, sa_type=Text)
    # Slips: how sure OCR was, the date written on the slip, and why a person must look.
    ocr_confidence: float | None = None
    slip_date: date | None = None
    review_reason: str | None = Field(default=None, index=True)  # None: no review needed
    # Rahasia: the text never leaves the building by mail, only the number.
    confidential: bool = False
    # Slips: the opening of the suggestion box they were taken out at.
    box_session_id: int | None = Field(default=None, foreign_key="boxsession.id", index=True)


class BoxSession(SQLModel, table=True):
    """One opening of the suggestion box: when, by whom, and how many slips came out.

    The slips scanned afterwards are linked to it; their clock starts at the opening.
    """

    id: int | None = Field(default=None, primary_key=True)
    opened_at: datetime = Field(sa_type=UTCDateTime, index=True)
    opened_by: str
    counted: int  # slips taken out of the box, counted by hand
    note: str | None = None
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    """The audit trail: everything that happened to an entry, who did it and when."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    type: str
    by: str
    detail: str = Field(default="", sa_type=Text)


class EntryFile(SQLModel, table=True):
    """A file kept with an entry (mail attachment, slip image), stored by its sha256."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    sha256: str = Field(index=True)
    filename: str
    content_type: str
    size: int


class ProcessedItem(SQLModel, table=True):
    """Every raw item the daemon has handled, so that none is handled twice.

    `dedupe_key` is the last guard against double registration: it is unique, and written in
    the same transaction as the entry it produced.
    """

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True)
    source: str = Field(index=True)
    source_id: str
    # registered | duplicate | autoreply | bounce | quarantined | threaded | blank | slips
    outcome: str = Field(index=True)
    entry_id: int | None = Field(default=None, foreign_key="entry.id")
    at: datetime = Field(sa_type=UTCDateTime)


class SourceState(SQLModel, table=True):
    """Per source: where it stands (IMAP UIDVALIDITY + last UID) and how it is doing."""

    source: str = Field(primary_key=True)
    # IMAP's UIDVALIDITY and UIDs are unsigned 32-bit: too big for PostgreSQL's integer.
    uidvalidity: int | None = Field(default=None, sa_type=BigInteger)
    last_uid: int | None = Field(default=None, sa_type=BigInteger)
    last_ok_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = None
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pending: int = 0  # items waiting at the end of the last poll


class QuarantineItem(SQLModel, table=True):
    """Input that could not be processed, kept whole (in the file store) with the reason."""

    id: int | None = Field(default=None, primary_key=True)
    source: str
    source_ref: str  # where it was: IMAP UID, file name
    sha256: str = Field(index=True)
    filename: str
    reason: str
    status: str = Field(default="karantina", index=True)  # karantina | berhasil
    attempts: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    entry_id: int | None = Field(default=None, foreign_key="entry.id")


class OutboxMessage(SQLModel, table=True):
    """An outgoing mail, written in the transaction that causes it, sent by the outbox job."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True)
    entry_id: int | None = Field(default=None, foreign_key="entry.id", index=True)
    purpose: str
    recipients: list[str] = Field(default_factory=list, sa_type=JSON)
    raw: bytes = Field(sa_type=LargeBinary)
    status: str = Field(default="antri", index=True)  # antri | terkirim | gagal
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    last_error: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who holds the lease while a delivery runs ("host boot-id pid"): a process that died
    # with it is recognised at once instead of when the lease ends.
    claimed_by: str | None = None


class RegisterCounter(SQLModel, table=True):
    """The last register number given out per prefix and month: numbers without gaps."""

    __table_args__ = (UniqueConstraint("prefix", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    prefix: str
    period: str  # YYYY-MM in the facility's time zone
    last: int = 0


class OutboxEntry(SQLModel, table=True):
    """Which entries an outgoing mail is about: one for an escalation, many for a digest.

    Delivering an escalation is what moves its entries from `diterima` to `diteruskan`.
    """

    outbox_id: int = Field(foreign_key="outboxmessage.id", primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", primary_key=True, index=True)


class Publication(SQLModel, table=True):
    """A recap or notice board the service made, once per kind and period.

    Written in the transaction that queues its mail and marks its entries, so a crash never
    makes a report twice nor leaves one half-sent.
    """

    __table_args__ = (UniqueConstraint("kind", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # bulanan | semester | mingguan | papan
    period: str  # 2026-11 | 2026-S2 | 2026-W48 | 2026-11-23
    made_at: datetime = Field(sa_type=UTCDateTime)
    by: str
    files: list[str] = Field(default_factory=list, sa_type=JSON)  # names under [reports] dir


ROLES = ("staf", "tim_mutu", "kepala")


class StaffUser(SQLModel, table=True):
    """An account of the staff web console (`aduan user add`)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)  # lower case; the `by` of the events its owner makes
    role: str  # staf | tim_mutu | kepala
    password_hash: str  # argon2id, with its parameters
    created_at: datetime = Field(sa_type=UTCDateTime)
    disabled: bool = False
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffSession(SQLModel, table=True):
    """A console login: the cookie carries a random token, the table its hash.

    Kept server-side so that logging out, a new password or a disabled account ends it at
    once, wherever the cookie went.
    """

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)  # sha256 hex of the cookie's token
    user_id: int = Field(foreign_key="staffuser.id", index=True)
    csrf: str  # the token every form of this session carries
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
