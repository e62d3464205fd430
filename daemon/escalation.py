"""Who is told what, and when: escalations, acknowledgements, digests, reminders, alerts.

Every mail is queued in the outbox inside the transaction of the change that causes it (a
new entry, a passing deadline), under a Message-ID derived from the entry and the purpose.
The outbox refuses a Message-ID it already has, so each mail exists once however often a
crashed pass is repeated; `tick` can run as often as it likes.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import ColumnElement, func, insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from aduan.daemon.config import WEEKDAYS, Settings
from aduan.daemon.errors import UsageError
from aduan.daemon.filestore import FileStore
from aduan.daemon.letters import Letter, Letters
from aduan.daemon.outbox import enqueue, new_message
from aduan.daemon.register import DAEMON, add_event, overdue, overdue_deadlines
from aduan.models.tables import OPEN_STATUSES, Entry, EntryFile, OutboxEntry, OutboxMessage
from aduan.parsers.scrub import scrub

log = logging.getLogger(__name__)

# Purposes of outgoing mail, as stored in the outbox and written in Message-IDs.
ESCALATION = "eskalasi"
URGENT = "segera"
DIGEST = "ringkasan"
WEEKLY = "mingguan"
ACKNOWLEDGEMENT = "tanda-terima"
ANSWER = "jawaban"
REPLY_NOTICE = "balasan"
REMINDER = "pengingat"
OVERDUE = "terlambat"
DINKES = "dinkes"
# Delivering one of these is what forwards its entries to the quality team.
FORWARDING = frozenset({ESCALATION, URGENT, DIGEST})

_HEADLINE_CHARS = 70


@dataclass(frozen=True)
class _Item:
    """One entry in a list mail (digest, weekly recap)."""

    entry: Entry
    overdue: bool = False


class Escalator:
    def __init__(self, settings: Settings, store: FileStore) -> None:
        self.settings = settings
        self.cfg = settings.escalation
        self.store = store
        self.tz = settings.facility.tz
        self.lang = settings.facility.language
        self.letters = Letters(self.tz, self.cfg.templates)
        sender = parseaddr(settings.smtp.from_)[1]
        self.own_address = sender.lower()
        self.domain = sender.rpartition("@")[2] or "localhost"

    # --- caused by new entries (called inside intake's transaction) -------------------------

    def on_registered(self, session: Session, entries: Sequence[Entry], now: datetime) -> None:
        for entry in entries:
            if entry.status == "bukan_aduan":
                continue
            if entry.urgent:
                self._escalate(session, entry, URGENT, now)
            elif entry.kind in self.cfg.immediate:
                self._escalate(session, entry, ESCALATION, now)
            self._acknowledge(session, entry, now)

    def send_answer(self, session: Session, entry: Entry, now: datetime) -> bool:
        """Mail the recorded answer to a reporter who wrote by mail; False if there is none."""
        to = self._reporter_address(entry)
        if to is None or not entry.response:
            return False
        answers = session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.entry_id == entry.id, OutboxMessage.purpose == ANSWER
            )
        ).all()
        letter = self.letters.render("jawaban", self.lang, **self._context(entry))
        message = self._message(
            [to],
            letter,
            self._message_id(ANSWER, entry.register_no, str(len(answers) + 1)),
            in_reply_to=_mail_id(entry),
        )
        return self._queue(session, message, ANSWER, [entry], now)

    def refer_to_dinkes(
        self, session: Session, entry: Entry, reason: str | None, by: str, now: datetime
    ) -> int:
        """Mail `entry` to the district health office and record it; the referral's number
        (1 for the first). The office needs the problem, not the person: no identity, and
        personal data in the text masked."""
        if not self.cfg.dinkes:
            raise UsageError(
                "no district health office address: set [escalation] dinkes in the config"
            )
        assert entry.id is not None
        earlier = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.entry_id == entry.id, OutboxMessage.purpose == DINKES)
        ).one()
        number = int(earlier) + 1
        names = [entry.reporter_name] if entry.reporter_name else []
        text = scrub(entry.text, names)
        context = {**self._context(entry), "internal": False, "headline": _shorten(text)}
        letter = self.letters.render("dinkes", self.lang, text=text, reason=reason, **context)
        mid = self._message_id(DINKES, entry.register_no, str(number))
        self._queue(session, self._message(self.cfg.dinkes, letter, mid), DINKES, [entry], now)
        detail = f"ke Dinas Kesehatan {mid}" + (f": {reason}" if reason else "")
        add_event(session, entry.id, now, "escalated", by, detail)
        return number

    def send_files(
        self,
        session: Session,
        purpose: str,
        key: str,
        *,
        title: str,
        summary: Sequence[str],
        files: Sequence[Path],
        to_head: bool,
        now: datetime,
    ) -> bool:
        """Mail a recap or a board with its files attached, to the quality team (and the head
        when `to_head`). False when nobody is configured to receive it."""
        recipients = _unique([*(self.cfg.head if to_head else []), *self.cfg.quality_team])
        if not recipients:
            return False
        earlier = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.message_id).like(f"<{purpose}.{key}.%"))
        ).one()
        letter = self.letters.render(
            "laporan",
            self.lang,
            title=title,
            summary=list(summary),
            files=[f.name for f in files],
            to_head=to_head,
            **self._common(now),
        )
        mid = self._message_id(purpose, key, str(int(earlier) + 1))
        message = self._message(recipients, letter, mid)
        for path in files:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            maintype, _, subtype = content_type.partition("/")
            message.add_attachment(
                path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
            )
        return self._queue(session, message, purpose, [], now)

    def notify_reply(
        self,
        session: Session,
        entry: Entry,
        reply: str,
        received_at: datetime,
        key: str,
        now: datetime,
    ) -> None:
        """Tell the quality team that the reporter wrote again about `entry`."""
        if not self.cfg.quality_team:
            return
        letter = self.letters.render(
            "balasan", self.lang, reply=reply, received_at=received_at, **self._context(entry)
        )
        mid = self._message_id(REPLY_NOTICE, entry.register_no, key[:16])
        message = self._message(self._team(entry), letter, mid)
        self._queue(session, message, REPLY_NOTICE, [entry], now)

    # --- caused by time (the service calls this every pass) ---------------------------------

    def tick(self, session: Session, now: datetime) -> None:
        # Only the entries each rule can concern are loaded: a district register holds
        # thousands of open entries, and their texts are large.
        self.catch_up_urgent(session, now)
        self._digest(session, now)
        for entry in list(session.exec(self._reminder_window(now))):
            self._remind(session, entry, now)
        for entry in list(session.exec(_open().where(overdue(now)))):
            for deadline, due in overdue_deadlines(entry, now):
                self._alert_overdue(session, entry, deadline, due, now)
        self._weekly(session, now)

    def catch_up_urgent(self, session: Session, now: datetime) -> None:
        """Mail every open urgent entry not yet mailed as urgent (e.g. corrected to urgent)."""
        if not (self.cfg.quality_team or self.cfg.head):  # nobody to tell
            return
        not_yet = _open().where(col(Entry.urgent).is_(True), ~_in_mail({URGENT}))
        for entry in list(session.exec(not_yet)):
            self._escalate(session, entry, URGENT, now)

    def _reminder_window(self, now: datetime) -> SelectOfScalar[Entry]:
        answer = timedelta(hours=self.cfg.remind_answer_hours)
        resolve = timedelta(days=self.cfg.remind_resolve_days)
        return _open().where(
            (
                col(Entry.response).is_(None)
                & (col(Entry.due_answer) > now)
                & (col(Entry.due_answer) <= now + answer)
            )
            | ((col(Entry.due_resolve) > now) & (col(Entry.due_resolve) <= now + resolve))
        )

    def _digest(self, session: Session, now: datetime) -> None:
        if not self.cfg.quality_team:
            return
        waiting = list(
            session.exec(_open().where(Entry.status == "diterima", ~_in_mail(FORWARDING)))
        )
        if not waiting:
            return
        slot = _last_slot(now.astimezone(self.tz), self.cfg.digest_times)
        coming = _next_slot(now.astimezone(self.tz), self.cfg.digest_times)
        # The digest must never make an entry miss its forwarding deadline.
        late = [e for e in waiting if coming is None or coming >= e.due_forward]
        for entry in late:
            self._escalate(session, entry, ESCALATION, now)
        waiting = [e for e in waiting if e not in late]
        if not waiting or slot is None:
            return
        mid = self._message_id(DIGEST, slot.strftime("%Y-%m-%dT%H%M"))
        if _queued(session, mid):
            return
        letter = self.letters.render(
            "ringkasan", self.lang, entries=[_Item(e) for e in waiting], **self._common(now)
        )
        self._queue(
            session, self._message(self.cfg.quality_team, letter, mid), DIGEST, waiting, now
        )

    def _weekly(self, session: Session, now: datetime) -> None:
        local = now.astimezone(self.tz)
        if WEEKDAYS[local.weekday()] != self.cfg.weekly_day:
            return
        if local.time() < time.fromisoformat(self.cfg.weekly_time):
            return
        year, week, _ = local.isocalendar()
        mid = self._message_id(WEEKLY, f"{year}-W{week:02d}")
        recipients = _unique([*self.cfg.quality_team, *self.cfg.head])
        if not recipients or _queued(session, mid):
            return
        open_entries = list(session.exec(_open().order_by(col(Entry.received_at))))
        items = [_Item(e, bool(overdue_deadlines(e, now))) for e in open_entries]
        if not items:
            return  # nothing open: no mail (a fresh install's first Monday included)
        letter = self.letters.render(
            "mingguan",
            self.lang,
            entries=items,
            overdue=sum(item.overdue for item in items),
            **self._common(now),
        )
        self._queue(session, self._message(recipients, letter, mid), WEEKLY, [], now)

    def _remind(self, session: Session, entry: Entry, now: datetime) -> None:
        checks = []
        if entry.due_answer is not None and entry.response is None and self.cfg.remind_answer_hours:
            before = timedelta(hours=self.cfg.remind_answer_hours)
            checks.append(("answer", entry.due_answer, before))
        if self.cfg.remind_resolve_days:
            checks.append(
                ("resolve", entry.due_resolve, timedelta(days=self.cfg.remind_resolve_days))
            )
        for deadline, due, before in checks:
            if not due - before <= now < due or not self.cfg.quality_team:
                continue
            mid = self._message_id(f"{REMINDER}-{deadline}", entry.register_no)
            if _queued(session, mid):
                continue
            letter = self.letters.render(
                "pengingat", self.lang, deadline=deadline, due=due, **self._context(entry)
            )
            self._queue(
                session, self._message(self._team(entry), letter, mid), REMINDER, [entry], now
            )

    def _alert_overdue(
        self, session: Session, entry: Entry, deadline: str, due: datetime, now: datetime
    ) -> None:
        mid = self._message_id(f"{OVERDUE}-{deadline}", entry.register_no)
        if not self.cfg.head or _queued(session, mid):
            return
        letter = self.letters.render(
            "terlambat", self.lang, deadline=deadline, due=due, **self._context(entry)
        )
        message = self._message(self.cfg.head, letter, mid, cc=self.cfg.quality_team)
        self._queue(session, message, OVERDUE, [entry], now)

    # --- after delivery ----------------------------------------------------------------------

    def on_delivered(self, session: Session, outbox_id: int, now: datetime) -> None:
        """An escalation or digest reached the server: its entries are forwarded now."""
        row = session.get(OutboxMessage, outbox_id)
        if row is None or row.purpose not in FORWARDING:
            return
        linked = session.exec(
            select(Entry)
            .join(OutboxEntry, col(OutboxEntry.entry_id) == col(Entry.id))
            .where(OutboxEntry.outbox_id == outbox_id)
        )
        for entry in linked:
            if entry.status == "diterima":
                entry.status = "diteruskan"
                session.add(entry)
                assert entry.id is not None
                detail = f"ke tim mutu {row.message_id}"
                add_event(session, entry.id, now, "forwarded", DAEMON, detail)

    # --- building blocks ---------------------------------------------------------------------

    def _escalate(self, session: Session, entry: Entry, purpose: str, now: datetime) -> None:
        recipients = self._team(entry)
        if purpose == URGENT:
            recipients = _unique([*recipients, *self.cfg.head])
        mid = self._message_id(purpose, entry.register_no)
        if not recipients or _queued(session, mid):
            return
        # A slip's image is the evidence: the team sees it without opening the register.
        files = _files(session, entry) if entry.channel == "kotak_saran" else []
        context = {**self._context(entry), "files": files}
        letter = self.letters.render("eskalasi", self.lang, **context)
        message = self._message(recipients, letter, mid)
        for f in files:
            maintype, _, subtype = f.content_type.partition("/")
            message.add_attachment(
                self.store.get(f.sha256), maintype=maintype, subtype=subtype, filename=f.filename
            )
        self._queue(session, message, purpose, [entry], now)

    def _acknowledge(self, session: Session, entry: Entry, now: datetime) -> None:
        to = self._reporter_address(entry)
        if not self.cfg.acknowledge or to is None or entry.channel != "email":
            return
        if self._acknowledged_today(session, to, now) >= self.cfg.acknowledge_per_day:
            log.info("no acknowledgement for %s: sender already had one today", entry.register_no)
            return
        letter = self.letters.render("tanda_terima", self.lang, **self._context(entry))
        message = self._message(
            [to],
            letter,
            self._message_id(ACKNOWLEDGEMENT, entry.register_no),
            in_reply_to=_mail_id(entry),
            auto_submitted="auto-replied",  # RFC 3834: other robots must not answer it
        )
        self._queue(session, message, ACKNOWLEDGEMENT, [entry], now)

    def _acknowledged_today(self, session: Session, address: str, now: datetime) -> int:
        midnight = datetime.combine(now.astimezone(self.tz).date(), time(0), self.tz)
        count = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .join(OutboxEntry, col(OutboxEntry.outbox_id) == col(OutboxMessage.id))
            .join(Entry, col(Entry.id) == col(OutboxEntry.entry_id))
            .where(
                OutboxMessage.purpose == ACKNOWLEDGEMENT,
                OutboxMessage.created_at >= midnight,
                Entry.reporter_contact == address,
            )
        ).one()
        return int(count)

    def _reporter_address(self, entry: Entry) -> str | None:
        contact = (entry.reporter_contact or "").strip().lower()
        if "@" not in contact or contact == self.own_address:
            return None  # a phone number, or our own mail coming back: never write to it
        return contact

    def _team(self, entry: Entry) -> list[str]:
        return _unique([*self.cfg.quality_team, *self.cfg.units.get(entry.unit, [])])

    def _context(self, entry: Entry) -> dict[str, object]:
        return {
            "entry": entry,
            "headline": _headline(entry),
            "internal": True,
            "files": [],
            **self._common(None),
        }

    def _common(self, now: datetime | None) -> dict[str, object]:
        return {"facility": self.settings.facility.name, "now": now}

    def _message(
        self,
        to: Sequence[str],
        letter: Letter,
        message_id: str,
        *,
        cc: Sequence[str] = (),
        in_reply_to: str | None = None,
        auto_submitted: str = "auto-generated",
    ) -> EmailMessage:
        return new_message(
            self.settings.smtp.from_,
            list(to),
            letter.subject,
            letter.body,
            message_id=message_id,
            cc=list(cc),
            in_reply_to=in_reply_to,
            references=(in_reply_to,) if in_reply_to else (),
            auto_submitted=auto_submitted,
        )

    def _message_id(self, purpose: str, *parts: str) -> str:
        return f"<{'.'.join((purpose, *parts))}@{self.domain}>"

    def _queue(
        self,
        session: Session,
        message: EmailMessage,
        purpose: str,
        entries: Iterable[Entry],
        now: datetime,
    ) -> bool:
        entries = list(entries)
        first = entries[0].id if len(entries) == 1 else None
        outbox_id = enqueue(session, message, purpose=purpose, entry_id=first, now=now)
        if outbox_id is None:
            return False
        if entries:
            session.execute(
                insert(OutboxEntry), [{"outbox_id": outbox_id, "entry_id": e.id} for e in entries]
            )
        return True


def _files(session: Session, entry: Entry) -> list[EntryFile]:
    return list(
        session.exec(
            select(EntryFile).where(EntryFile.entry_id == entry.id).order_by(col(EntryFile.id))
        )
    )


def _queued(session: Session, message_id: str) -> bool:
    found = session.exec(
        select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)
    ).first()
    return found is not None


def _open() -> SelectOfScalar[Entry]:
    return select(Entry).where(col(Entry.status).in_(OPEN_STATUSES))


def _in_mail(purposes: Iterable[str]) -> ColumnElement[bool]:
    """Is the entry already in a mail of one of these purposes (queued or sent)?"""
    return (
        select(OutboxEntry.entry_id)
        .join(OutboxMessage, col(OutboxMessage.id) == col(OutboxEntry.outbox_id))
        .where(OutboxEntry.entry_id == Entry.id, col(OutboxMessage.purpose).in_(purposes))
        .exists()
    )


def _mail_id(entry: Entry) -> str | None:
    """The reporter's own Message-ID, so that our answer threads under their mail."""
    return entry.source_id if entry.source_id.startswith("<") else None


def _headline(entry: Entry) -> str:
    return _shorten(entry.subject or entry.text)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _HEADLINE_CHARS else text[: _HEADLINE_CHARS - 1] + "…"


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(a.strip() for a in addresses if a.strip()))


def _slots(local: datetime, times: Sequence[str], day_offset: int) -> list[datetime]:
    day = local.date() + timedelta(days=day_offset)
    return sorted(datetime.combine(day, time.fromisoformat(t), local.tzinfo) for t in times)


def _last_slot(local: datetime, times: Sequence[str]) -> datetime | None:
    """The latest digest time at or before `local` (today or yesterday)."""
    passed = [s for s in (*_slots(local, times, -1), *_slots(local, times, 0)) if s <= local]
    return passed[-1] if passed else None


def _next_slot(local: datetime, times: Sequence[str]) -> datetime | None:
    coming = [s for s in (*_slots(local, times, 0), *_slots(local, times, 1)) if s > local]
    return coming[0] if coming else None
