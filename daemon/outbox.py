"""Durable outgoing mail: written in the transaction that causes it, sent later by a job.

`enqueue` adds a row in the caller's transaction, so a mail exists exactly when the change
that caused it was committed. `deliver_due` claims the rows that are due, hands them to the
SMTP server (or writes them to `outbox_dir` when there is no SMTP host), and records each
outcome: terkirim, antri again with a later `next_attempt_at`, or gagal.

Delivery is at least once. The claim is committed before sending and each outcome after it,
so a crash between the server's "250 OK" and our commit sends that Message-ID once more when
the claim's lease runs out; receivers see the same Message-ID twice. A row marked terkirim
is never sent again.
"""

from __future__ import annotations

import copy
import email.policy
import functools
import hashlib
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from aduan.daemon.config import Settings
from aduan.daemon.errors import AduanError
from aduan.daemon.filestore import write_atomically
from aduan.daemon.oauth import token_source
from aduan.daemon.smtp import (
    Attempt,
    SmtpTransport,
    SmtpUnavailable,
    mask_addresses,
    parse_address,
)
from aduan.models.db import insert_for, transaction
from aduan.models.tables import OutboxMessage

log = logging.getLogger(__name__)

# A claimed row is not due again for this long: another daemon leaves it alone meanwhile.
# Short, because it is also how long the rows a killed daemon had claimed wait after a power
# cut: an urgent escalation must not wait half an hour for it.
LEASE = timedelta(minutes=3)
# A run stops taking new messages when this much real time has gone: with the send in hand
# (at most [smtp] timeout_seconds, capped at 90 s) it still ends inside the lease.
_LEASE_GUARD_SECONDS = 60.0
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# A message the server keeps deferring (4xx) is given up after this long, as MTAs do.
GIVE_UP_AFTER = timedelta(days=5)

# 7bit on composition makes set_content pick quoted-printable or base64 for non-ASCII or
# long lines: not every relay announces 8BITMIME, and smtplib does not ask for it.
_COMPOSE = email.policy.SMTP.clone(cte_type="7bit")
# Every character str.splitlines() breaks on, plus the other C0 controls.
_LINE_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]+")
_MSG_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._@+=-]")
_EML_MODE = 0o640
_HEADERS = HeaderRegistry()

# A recipient is a bare address or trusted "Name <a@b>" text (from config), or a
# (display name, address) pair for anything taken from a complaint.
Recipient = str | tuple[str, str]


@dataclass
class DeliveryReport:
    """Message-IDs by what became of them in one `deliver_due` run."""

    sent: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def add(self, message_id: str, attempt: Attempt) -> None:
        if attempt.outcome == "sent":
            self.sent.append(message_id)
        elif attempt.outcome == "retry":
            self.deferred.append(message_id)
        else:
            self.failed.append(message_id)


# --- composing --------------------------------------------------------------------------


def new_message(
    from_: Recipient,
    to: Sequence[Recipient],
    subject: str,
    body_text: str,
    *,
    message_id: str,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    auto_submitted: str | None = None,
    cc: Sequence[Recipient] = (),
) -> EmailMessage:
    """A plain-text message ready for `enqueue`.

    Every header value is put on one line first, so text from a complaint cannot start a
    header of its own. Raises ValueError for a recipient that is not exactly one address.
    """
    msg = EmailMessage(policy=_COMPOSE)
    msg["From"] = _address(from_)
    if to:
        msg["To"] = [_address(r) for r in to]
    if cc:
        msg["Cc"] = [_address(r) for r in cc]
    msg["Subject"] = one_line(subject)
    msg["Message-ID"] = _checked_message_id(one_line(message_id))
    if in_reply_to:
        msg["In-Reply-To"] = one_line(in_reply_to)
    refs = " ".join(one_line(r) for r in references if r.strip())
    if refs:
        msg["References"] = refs
    if auto_submitted:
        msg["Auto-Submitted"] = one_line(auto_submitted)
    msg.set_content(body_text)
    return msg


def one_line(value: str) -> str:
    """`value` with line breaks and control characters turned into single spaces."""
    return _LINE_BREAKS.sub(" ", value).strip()


def _address(value: Recipient) -> Address:
    if isinstance(value, tuple):
        name, addr = value
        return Address(display_name=one_line(name), addr_spec=one_line(addr))
    return parse_address(one_line(value))


def _checked_message_id(value: str) -> str:
    if not _MSG_ID.fullmatch(value):
        raise ValueError("Message-ID must look like <left@right>")
    return value


# --- queueing ---------------------------------------------------------------------------


def enqueue(
    session: Session,
    message: EmailMessage,
    *,
    purpose: str,
    entry_id: int | None,
    now: datetime,
) -> int | None:
    """Queue `message` in the caller's transaction: its row id, or None if its Message-ID is
    queued already.

    Envelope recipients are To, Cc and Bcc; Bcc is left out of the stored bytes (the caller's
    message keeps it). A missing Date is set from `now`, on `message` itself. Nothing is
    committed here.
    """
    message_id = _checked_message_id(str(message.get("Message-ID", "")).strip())
    recipients = envelope_recipients(message)
    if not recipients:
        raise ValueError(f"{message_id} has no recipient in To, Cc or Bcc")
    if "Date" not in message:
        message["Date"] = format_datetime(now.astimezone(UTC))
    stored = message
    if "Bcc" in message:  # a deep copy costs milliseconds: only when there is a Bcc to drop
        stored = copy.deepcopy(message)
        del stored["Bcc"]
    values = {
        "message_id": message_id,
        "entry_id": entry_id,
        "purpose": purpose,
        "recipients": recipients,
        "raw": stored.as_bytes(policy=email.policy.SMTP),
        "status": "antri",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    added = _insert_once(session, values)
    if added is not None:
        log.info("outbox: %s queued (%s)", message_id, purpose)
    return added


def envelope_recipients(message: EmailMessage) -> list[str]:
    """Addresses from To, Cc and Bcc, each once, in order."""
    found: dict[str, str] = {}
    for name in ("To", "Cc", "Bcc"):
        for value in message.get_all(name, []):
            for address in _addresses(name, value):
                if "@" in address.addr_spec:
                    found.setdefault(address.addr_spec.lower(), address.addr_spec)
    return list(found.values())


def _addresses(name: str, value: object) -> tuple[Address, ...]:
    # A message built with the compat32 policy holds plain strings: parse those here.
    header = value if isinstance(value, AddressHeader) else _HEADERS(name, str(value))
    assert isinstance(header, AddressHeader)
    return header.addresses


def _insert_once(session: Session, values: Mapping[str, object]) -> int | None:
    inserted: int | None = session.execute(
        insert_for(session.get_bind())(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["message_id"])
        .returning(col(OutboxMessage.id))
    ).scalar_one_or_none()
    return inserted


def mark_bounced(session: Session, message_ids: Iterable[str], reason: str) -> list[int]:
    """Mark the rows with these Message-IDs gagal, in the caller's transaction.

    Returns the entry ids of rows that changed (a row already gagal is left as it is), so
    a second bounce for the same mail adds nothing. Addresses in `reason` are masked.
    """
    wanted = sorted({_bracketed(m) for m in message_ids if m.strip()})
    if not wanted:
        return []
    changed = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.message_id).in_(wanted), col(OutboxMessage.status) != "gagal")
        .values(status="gagal", last_error=f"bounced: {mask_addresses(reason)}")
        .returning(col(OutboxMessage.message_id), col(OutboxMessage.entry_id))
    ).all()
    entry_ids: list[int] = []
    for message_id, entry_id in sorted(changed):
        log.info("outbox: %s bounced", message_id)
        if entry_id is not None and entry_id not in entry_ids:
            entry_ids.append(entry_id)
    return entry_ids


def _bracketed(message_id: str) -> str:
    value = message_id.strip()
    return value if value.startswith("<") else f"<{value}>"


# --- delivering -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    id: int
    message_id: str
    recipients: list[str]
    raw: bytes
    attempts: int
    created_at: datetime

    @classmethod
    def of(cls, row: OutboxMessage) -> _Claimed:
        assert row.id is not None
        recipients = list(row.recipients)
        return cls(row.id, row.message_id, recipients, row.raw, row.attempts, row.created_at)


class _Transport(Protocol):
    def send(self, message_id: str, recipients: Sequence[str], raw: bytes) -> Attempt: ...

    def close(self) -> None: ...


# Called in the transaction that marks a message sent (escalation: entries now forwarded).
OnSent = Callable[[Session, int, datetime], None]


def deliver_due(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    limit: int = 50,
    on_sent: OnSent | None = None,
) -> DeliveryReport:
    """Send up to `limit` due messages over one connection; each outcome is committed alone.

    Raises `SmtpUnavailable` (or `ConfigError`) when nothing can be sent now: unreachable,
    TLS, login, our sender address refused, connection lost, outbox_dir not writable. The
    claimed rows not yet sent then wait with backoff, and last_error says why.
    """
    claimed = _claim(engine, now, limit)
    report = DeliveryReport()
    if not claimed:
        return report
    try:
        transport = _open_transport(settings, now)
    except AduanError as exc:
        _defer(engine, claimed, now, str(exc))
        raise
    started = time.monotonic()
    try:
        for n, item in enumerate(claimed):
            if time.monotonic() - started > _LEASE_GUARD_SECONDS:
                _release(engine, claimed[n:], now)
                break
            try:
                sent = transport.send(item.message_id, item.recipients, item.raw)
            except SmtpUnavailable as exc:
                _defer(engine, claimed[n:], now, str(exc))
                raise
            attempt = _final(item, sent, now)
            _record(engine, item, attempt, now, on_sent)
            report.add(item.message_id, attempt)
    finally:
        transport.close()
    return report


def _open_transport(settings: Settings, now: datetime) -> _Transport:
    if settings.smtp.host is None:
        return DirectoryTransport(settings.smtp.outbox_dir)
    return SmtpTransport(settings.smtp, token_source(settings, "smtp", lambda: now))


def _claim(engine: Engine, now: datetime, limit: int) -> list[_Claimed]:
    """Take due rows under a lease, committed before anything is sent.

    On PostgreSQL, SKIP LOCKED lets two daemons claim disjoint rows at once; on SQLite the
    transaction begins IMMEDIATE (models.db), so claims queue on the write lock and the
    second sees the first's lease.
    """
    with transaction(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.status) == "antri", col(OutboxMessage.next_attempt_at) <= now)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + LEASE
            row.claimed_by = _claimant()
            session.add(row)
        return [_Claimed.of(row) for row in rows]


def _final(item: _Claimed, attempt: Attempt, now: datetime) -> Attempt:
    """`attempt`, except that a message deferred for too long is given up."""
    if attempt.outcome != "retry" or now - item.created_at < GIVE_UP_AFTER:
        return attempt
    detail = f"gave up after {item.attempts} attempts: {attempt.detail}"
    return Attempt("failed", detail, attempt.code)


def _record(
    engine: Engine, item: _Claimed, attempt: Attempt, now: datetime, on_sent: OnSent | None
) -> None:
    values: dict[str, object] = {"last_error": attempt.detail, "claimed_by": None}
    if attempt.outcome == "sent":
        values |= {"status": "terkirim", "sent_at": now}
        note = "; some recipients refused" if attempt.detail else ""
        log.info("outbox: %s sent%s", item.message_id, note)
    elif attempt.outcome == "retry":
        values["next_attempt_at"] = now + retry_delay(item.attempts)
        log.warning(
            "outbox: %s deferred (SMTP %s), attempt %d",
            item.message_id,
            attempt.code,
            item.attempts,
        )
    else:
        values["status"] = "gagal"
        log.warning("outbox: %s failed (SMTP %s)", item.message_id, attempt.code)
    with transaction(engine) as session:
        # A bounce may have marked the row gagal meanwhile; that verdict stands.
        marked = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == item.id, col(OutboxMessage.status) == "antri")
            .values(**values)
            .returning(col(OutboxMessage.id))
        ).first()
        if on_sent is not None and attempt.outcome == "sent" and marked is not None:
            on_sent(session, item.id, now)


def _defer(engine: Engine, items: Sequence[_Claimed], now: datetime, reason: str) -> None:
    log.warning("outbox: %d message(s) wait: %s", len(items), reason)
    with transaction(engine) as session:
        for item in items:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == item.id, col(OutboxMessage.status) == "antri")
                .values(
                    next_attempt_at=now + retry_delay(item.attempts),
                    last_error=reason,
                    claimed_by=None,
                )
            )


def _release(engine: Engine, items: Sequence[_Claimed], now: datetime) -> None:
    """Give claimed rows back untouched, due again at once: this run is nearly out of lease."""
    log.info("outbox: %d message(s) left for the next run", len(items))
    with transaction(engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_([i.id for i in items]),
                col(OutboxMessage.status) == "antri",
            )
            .values(attempts=col(OutboxMessage.attempts) - 1, next_attempt_at=now, claimed_by=None)
        )


def release_orphans(engine: Engine, now: datetime) -> int:
    """Make rows whose claimer died (killed, a power cut) due at once, not when the lease ends.

    Only this machine's claims can be judged: a row claimed before its last boot, or by a
    process no longer running. Another machine's daemon keeps its lease.
    """
    host, boot, _ = _claimant().split(" ")
    with transaction(engine) as session:
        leased = session.exec(
            select(OutboxMessage.id, OutboxMessage.claimed_by).where(
                col(OutboxMessage.status) == "antri",
                col(OutboxMessage.next_attempt_at) > now,
                col(OutboxMessage.claimed_by).is_not(None),
            )
        ).all()
        orphans = [row_id for row_id, by in leased if by and _died(by, host, boot)]
        if orphans:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(orphans), col(OutboxMessage.status) == "antri")
                .values(next_attempt_at=now, claimed_by=None)
            )
    if orphans:
        log.info("outbox: %d message(s) claimed by a process that died are due again", len(orphans))
    return len(orphans)


@functools.cache
def _claimant() -> str:
    """This process, as a lease names it: host, boot and process id."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = "-"
    return f"{socket.gethostname()} {boot} {os.getpid()}"


def _died(claimant: str, host: str, boot: str) -> bool:
    parts = claimant.split(" ")
    if len(parts) != 3 or parts[0] != host:
        return False  # another machine's: its lease stands
    their_boot, pid = parts[1], parts[2]
    if boot != "-" and their_boot != boot:
        return True  # claimed before this machine last started
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):  # alive under another user, or unreadable
        return False
    return False


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt: 1 min, 2, 4, … at most 6 h."""
    exponent = min(max(attempts - 1, 0), 20)
    return min(FIRST_RETRY * (1 << exponent), LONGEST_RETRY)


# --- the directory transport ------------------------------------------------------------


class DirectoryTransport:
    """Without an SMTP host, each message becomes `<outbox_dir>/<message id>.eml`.

    The file appears whole or not at all (temp file, fsync, rename, fsync of the folder),
    and writing the same message again replaces it with the same bytes.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SmtpUnavailable(_not_writable(folder, exc)) from exc

    def send(self, message_id: str, recipients: Sequence[str], raw: bytes) -> Attempt:
        try:
            write_atomically(self.folder / eml_name(message_id), raw, _EML_MODE)
        except OSError as exc:
            raise SmtpUnavailable(_not_writable(self.folder, exc)) from exc
        return Attempt("sent")

    def close(self) -> None:
        """Nothing is held open between messages."""


def eml_name(message_id: str) -> str:
    """A file name for `message_id`: readable, no path separators, no two ids alike."""
    core = message_id.strip().removeprefix("<").removesuffix(">")
    safe = _UNSAFE_FILENAME.sub("_", core).lstrip(".")
    if safe != core or not safe or len(safe) > 150:
        # Changed or shortened names could collide: the hash of the whole id keeps them apart.
        digest = hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        safe = f"{safe[:150]}.{digest}"
    return f"{safe}.eml"


def _not_writable(folder: Path, exc: OSError) -> str:
    return (
        f"outbox_dir {folder} cannot be written ({exc.strerror or type(exc).__name__}); "
        "check the path, its permissions and free space"
    )
