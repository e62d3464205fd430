"""Which entry an incoming mail continues, if any: replies are events, not new entries.

References first (In-Reply-To/References naming one of our Message-IDs or the reporter's own
first mail), then the register tag in the subject, because many webmail and phone clients
drop the threading headers (FINDINGS). A tag alone counts only from someone who takes part
in that entry; from a stranger it is a new entry that points at the old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from aduan.daemon.config import Escalation
from aduan.daemon.escalation import Escalator
from aduan.daemon.filestore import StoredFile
from aduan.daemon.register import Update, add_event, add_files, update_entry
from aduan.models.tables import Entry, OutboxMessage
from aduan.parsers.mail import Mail
from aduan.parsers.reply import find_codes, find_tags, parse_commands, reply_text


@dataclass(frozen=True)
class Thread:
    """The entry a mail belongs to, and whether its sender may give commands on it."""

    entry: Entry
    from_staff: bool


@dataclass(frozen=True)
class Mention:
    """A register tag written by someone outside the entry: linked, not threaded."""

    register_no: str


def staff_addresses(cfg: Escalation) -> frozenset[str]:
    """Who may update entries by mail: the quality team, the head, the unit recipients."""
    units = (address for addresses in cfg.units.values() for address in addresses)
    return frozenset(a.strip().lower() for a in (*cfg.quality_team, *cfg.head, *units))


def find_thread(
    session: Session, mail: Mail, staff: frozenset[str], prefix: str
) -> Thread | Mention | None:
    sender = (mail.sender_address or "").lower()
    from_staff = sender in staff
    entry = _by_reference(session, (*mail.in_reply_to, *mail.references))
    if entry is not None:
        return Thread(entry, from_staff)
    tags = find_tags(mail.subject)
    if not tags:
        return _by_code(session, mail, sender, from_staff, prefix)
    tagged = list(session.exec(select(Entry).where(col(Entry.register_no).in_(tags))))
    for entry in tagged:
        if from_staff or (sender and sender == (entry.reporter_contact or "").lower()):
            return Thread(entry, from_staff)
    return Mention(tagged[0].register_no) if tagged else None


def _by_code(
    session: Session, mail: Mail, sender: str, from_staff: bool, prefix: str
) -> Thread | None:
    """A tracking code written without brackets, in the subject or the new text: only the
    entry's own reporter (or staff) continues it that way, so a stranger quoting a number
    never lands on someone else's complaint."""
    if not (sender or from_staff):
        return None
    # The new text is some of the text's lines: a mail naming no code at all (most of them)
    # is settled without working it out.
    if not find_codes(f"{mail.subject}\n{mail.text}", prefix=prefix):
        return None
    codes = find_codes(f"{mail.subject}\n{reply_text(mail.text)}", prefix=prefix)
    if not codes:
        return None
    for entry in session.exec(select(Entry).where(col(Entry.register_no).in_(codes))):
        if from_staff or sender == (entry.reporter_contact or "").lower():
            return Thread(entry, from_staff)
    return None


def _by_reference(session: Session, ids: Iterable[str]) -> Entry | None:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return None
    ours = session.exec(
        select(Entry)
        .join(OutboxMessage, col(OutboxMessage.entry_id) == col(Entry.id))
        .where(col(OutboxMessage.message_id).in_(wanted))
        .order_by(col(OutboxMessage.id).desc())
    ).first()
    if ours is not None:
        return ours
    # A reporter answering their own first mail (or our reply quoting it) names it. The
    # channel is checked here, not in SQL: there SQLite would walk the channel index, i.e.
    # every mail entry, instead of the few rows with these source ids.
    named = session.exec(
        select(Entry).where(col(Entry.source_id).in_(wanted)).order_by(col(Entry.id))
    )
    return next((entry for entry in named if entry.channel == "email"), None)


def record_reply(
    session: Session,
    thread: Thread,
    mail: Mail,
    files: Sequence[StoredFile],
    received_at: datetime,
    escalator: Escalator,
    now: datetime,
) -> None:
    """Add a reply to its entry; a staff reply's commands update it, a reporter's is passed on."""
    entry = thread.entry
    assert entry.id is not None
    text = reply_text(mail.text)
    by = (mail.sender_address or "tidak diketahui") if thread.from_staff else "pelapor"
    add_event(session, entry.id, now, "reply", by, text)
    add_files(session, entry.id, files)
    if not thread.from_staff:
        escalator.notify_reply(session, entry, text, received_at, mail.fingerprint, now)
        return
    commands = parse_commands(text)
    for error in commands.errors:
        add_event(session, entry.id, now, "command_error", by, error)
    update = Update(commands.status, commands.response, commands.rtl, commands.note)
    if update != Update():
        update_entry(session, entry.register_no, update, by, now)
    if commands.response:
        escalator.send_answer(session, entry, now)
