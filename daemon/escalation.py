"""Who is told what, and when: escalations, acknowledgements, digests, reminders, alerts.

Every mail is queued in the outbox inside the transaction of the change that causes it (a
new entry, a passing deadline), under a Message-ID derived from the entry and the purpose.
The outbox refuses a Message-ID it already has, so each mail exists once however often a
crashed pass is repeated; `tick` can run as often as it likes.

A mail to several recipient classes (team, unit recipients, head, district office) is one
message per view of `[privacy]` (daemon/privacy.py), each rendered from the entry as that
view shows it. The message in the main class's view keeps the mail's Message-ID, the others
add their class (`<segera.ADU-…@d>` for the team, `<segera.ADU-….kepala@d>` for the head),
all in the same transaction; only the team's escalation forwards its entry.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import ColumnElement, func, insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from aduan.daemon.calendar import WorkCalendar
from aduan.daemon.config import WEEKDAYS, Settings, View
from aduan.daemon.errors import UsageError
from aduan.daemon.filestore import FileStore
from aduan.daemon.letters import Letter, Letters
from aduan.daemon.outbox import enqueue, new_message
from aduan.daemon.privacy import DINKES as DINKES_CLASS
from aduan.daemon.privacy import HEAD, SUFFIXES, TEAM, UNITS, Audience, Shown, Views, for_reporter
from aduan.daemon.register import DAEMON, add_event, overdue, overdue_deadlines
from aduan.models.tables import OPEN_STATUSES, Entry, EntryFile, OutboxEntry, OutboxMessage

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

# Files of a recap that carry reporters and whole texts: the register book (XLSX).
_REGISTER = frozenset({".xlsx"})


@dataclass(frozen=True)
class _Item:
    """One entry in a list mail (digest, weekly recap)."""

    entry: Shown
    overdue: bool = False


class Escalator:
    def __init__(self, settings: Settings, store: FileStore) -> None:
        self.settings = settings
        self.cfg = settings.escalation
        self.store = store
        self.tz = settings.facility.tz
        self.lang = settings.facility.language
        self.letters = Letters(self.tz, self.cfg.templates)
        self.views = Views(settings.privacy)
        sender = parseaddr(settings.smtp.from_)[1]
        self.own_address = sender.lower()
        self.domain = sender.rpartition("@")[2] or "localhost"
        # Quiet hours and days off: what can wait goes when they end (see `tick`).
        self.calendar = WorkCalendar.from_settings(settings)
        self.quiet_urgent = settings.calendar.quiet_applies_to_urgent

    # --- caused by new entries (called inside intake's transaction) -------------------------

    def on_registered(self, session: Session, entries: Sequence[Entry], now: datetime) -> None:
        for entry in entries:
            if entry.status == "bukan_aduan":
                continue
            if entry.urgent:
                if not self._urgent_waits(entry, now):  # else `tick` sends it when it may
                    self._escalate(session, entry, URGENT, now)
            elif entry.kind in self.cfg.immediate or not self.cfg.digest_times:
                # No digest configured: every kind goes now, in the transaction that
                # registers it, instead of waiting for the next deadline pass.
                self._escalate(session, entry, ESCALATION, now)
            self._acknowledge(session, entry, now)

    def send_answer(self, session: Session, entry: Entry, now: datetime) -> bool:
        """Mail the recorded answer to a reporter who wrote by mail; False if there is none."""
        to = self._reporter_address(entry)
        if to is None or not entry.response:
            return False
        # The reporter's own mail: nothing masked (a confidential entry's text not quoted).
        letter = self.letters.render("jawaban", self.lang, **self._context(for_reporter(entry)))
        message = self._message(
            [to],
            letter,
            self._message_id(ANSWER, entry.register_no, str(_next_number(session, entry, ANSWER))),
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
        number = _next_number(session, entry, DINKES)
        mid = self._message_id(DINKES, entry.register_no, str(number))
        for audience in self.views.audiences([(DINKES_CLASS, self.cfg.dinkes)]):
            shown = self.views.show(entry, audience.view)
            note = self.views.show_text(entry, audience.view, reason) if reason else None
            letter = self.letters.render(
                "dinkes",
                self.lang,
                text=shown.text,
                reason=note,
                **self._context(shown, audience),
            )
            message = self._message(audience.addresses, letter, _with(mid, audience))
            self._queue(session, message, DINKES, [entry], now)
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
        when `to_head`), one message per view: the workbook (reporters and whole texts) goes
        only to a `lengkap` view. False when nobody is configured to receive it."""
        classes = [(TEAM, self.cfg.quality_team), *([(HEAD, self.cfg.head)] if to_head else [])]
        audiences = self.views.audiences(classes)
        if not audiences:
            return False
        mid = self._message_id(purpose, key, str(_sendings(session, f"<{purpose}.{key}.") + 1))
        queued = False
        for audience in audiences:
            attached = [f for f in files if audience.view == "lengkap" or f.suffix not in _REGISTER]
            letter = self.letters.render(
                "laporan",
                self.lang,
                title=title,
                summary=list(summary),
                files=[f.name for f in attached],
                withheld=[f.name for f in files if f not in attached],
                to_head=to_head,
                **self._common(now),
            )
            message = self._message(audience.addresses, letter, _with(mid, audience))
            for path in attached:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                maintype, _, subtype = content_type.partition("/")
                message.add_attachment(
                    path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
                )
            queued = self._queue(session, message, purpose, [], now) or queued
        return queued

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
        mid = self._message_id(REPLY_NOTICE, entry.register_no, key[:16])
        self._send_entry(
            session,
            entry,
            "balasan",
            REPLY_NOTICE,
            mid,
            self._team_classes(entry),
            now,
            # The reply is the reporter's words: masked as the view masks their text.
            per_view=lambda view: {"reply": self.views.show_text(entry, view, reply)},
            received_at=received_at,
        )

    # --- caused by time (the service calls this every pass) ---------------------------------

    def tick(self, session: Session, now: datetime) -> None:
        # Only the entries each rule can concern are loaded: a district register holds
        # thousands of open entries, and their texts are large.
        self.catch_up_urgent(session, now)
        self._digest(session, now)
        if self.calendar.is_quiet(now):
            # Quiet hours or a day off: reminders, alerts and the recap go on the first pass
            # after them. Each has its own Message-ID, so waiting loses and repeats nothing.
            return
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
            if not self._urgent_waits(entry, now):
                self._escalate(session, entry, URGENT, now)

    def _urgent_waits(self, entry: Entry, now: datetime) -> bool:
        """Urgent mail waits out quiet hours only when the facility says so."""
        return self.quiet_urgent and self._waits(entry, now)

    def _waits(self, entry: Entry, now: datetime) -> bool:
        """Whether forwarding `entry` waits for the end of quiet hours: only when it then
        still reaches the team before its forwarding deadline."""
        return self.calendar.is_quiet(now) and self.calendar.next_unquiet(now) < entry.due_forward

    def _reminder_window(self, now: datetime) -> SelectOfScalar[Entry]:
        answer = timedelta(hours=self.cfg.remind_answer_hours)
        resolve = timedelta(days=self.cfg.remind_resolve_days)
        return _open().where(
            (
                col(Entry.response).is_(None)
                & (col(Entry.due_answer) > now)
                & (col(Entry.due_answer) <= self.calendar.notice_reach(now, answer))
            )
            | (
                (col(Entry.due_resolve) > now)
                & (col(Entry.due_resolve) <= self.calendar.notice_reach(now, resolve))
            )
        )

    def _digest(self, session: Session, now: datetime) -> None:
        if not self.cfg.quality_team:
            return
        # Urgent entries are `catch_up_urgent`'s, also while quiet hours hold them.
        fresh = _open().where(Entry.status == "diterima", col(Entry.urgent).is_(False))
        waiting = list(session.exec(fresh.where(~_in_mail(FORWARDING))))
        if not waiting:
            return
        slot = _last_slot(now.astimezone(self.tz), self.cfg.digest_times)
        coming = _next_slot(now.astimezone(self.tz), self.cfg.digest_times)
        mid = None if slot is None else self._message_id(DIGEST, slot.strftime("%Y-%m-%dT%H%M"))
        # A digest goes outside quiet hours only: a digest time inside them (or one passed
        # but not yet sent) goes when they end.
        quiet = self.calendar.is_quiet(now)
        if coming is not None:
            coming = self.calendar.next_unquiet(coming)
        if quiet and mid is not None and not _queued(session, mid):
            coming = self.calendar.next_unquiet(now)
        # The digest must never make an entry miss its forwarding deadline: those it would
        # reach too late go alone, at once or when quiet hours end if that is still in time.
        # With no digest times everything goes at once: that is no digest to wait for.
        late = [e for e in waiting if coming is None or coming >= e.due_forward]
        for entry in late:
            if coming is None or not self._waits(entry, now):
                self._escalate(session, entry, ESCALATION, now)
        waiting = [e for e in waiting if e not in late]
        if not waiting or mid is None or quiet or _queued(session, mid):
            return
        view = self.views.of(TEAM)  # the digest goes to the quality team alone
        items = [_Item(self.views.show(e, view)) for e in waiting]
        letter = self.letters.render("ringkasan", self.lang, entries=items, **self._common(now))
        self._queue(
            session, self._message(self.cfg.quality_team, letter, mid), DIGEST, waiting, now
        )

    def _weekly(self, session: Session, now: datetime) -> None:
        local = now.astimezone(self.tz)
        weekday = WEEKDAYS.index(self.cfg.weekly_day)
        day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
        slot = datetime.combine(day, time.fromisoformat(self.cfg.weekly_time), self.tz)
        if slot > local:
            slot -= timedelta(days=7)
        # It goes on its day, or on the day its quiet hours or days off end; a recap missed
        # on that day is not sent later (the next one lists the same open entries).
        goes = self.calendar.next_unquiet(slot)
        if goes > local or goes.date() != local.date():
            return
        year, week, _ = slot.isocalendar()
        mid = self._message_id(WEEKLY, f"{year}-W{week:02d}")
        classes = [(TEAM, self.cfg.quality_team), (HEAD, self.cfg.head)]
        # The team's message stands for the whole mail (one made before messages were split
        # per view went to the head too); without a team, each message stands for itself.
        audiences = [] if _queued(session, mid) else self.views.audiences(classes)
        audiences = [a for a in audiences if not _queued(session, _with(mid, a))]
        if not audiences:
            return
        open_entries = list(session.exec(_open().order_by(col(Entry.received_at))))
        if not open_entries:
            return  # nothing open: no mail (a fresh install's first Monday included)
        late = [bool(overdue_deadlines(e, now)) for e in open_entries]
        for audience in audiences:
            items = [
                _Item(self.views.show(e, audience.view), missed)
                for e, missed in zip(open_entries, late, strict=True)
            ]
            letter = self.letters.render(
                "mingguan", self.lang, entries=items, overdue=sum(late), **self._common(now)
            )
            message = self._message(audience.addresses, letter, _with(mid, audience))
            self._queue(session, message, WEEKLY, [], now)

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
            if not self.calendar.notice_due(due, before, now) or not self.cfg.quality_team:
                continue
            mid = self._message_id(f"{REMINDER}-{deadline}", entry.register_no)
            if _queued(session, mid):
                continue
            self._send_entry(
                session,
                entry,
                "pengingat",
                REMINDER,
                mid,
                self._team_classes(entry),
                now,
                deadline=deadline,
                due=due,
            )

    def _alert_overdue(
        self, session: Session, entry: Entry, deadline: str, due: datetime, now: datetime
    ) -> None:
        mid = self._message_id(f"{OVERDUE}-{deadline}", entry.register_no)
        if not self.cfg.head or _queued(session, mid):
            return
        # The head's alert, the team's copy (once a Cc) in the team's own view.
        classes = [(HEAD, self.cfg.head), (TEAM, self.cfg.quality_team)]
        self._send_entry(
            session, entry, "terlambat", OVERDUE, mid, classes, now, deadline=deadline, due=due
        )

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
        if _suffix(row.message_id) is not None:
            return  # the head's copy of an urgent escalation is not the team's
        for entry in linked:
            if entry.status == "diterima":
                entry.status = "diteruskan"
                session.add(entry)
                assert entry.id is not None
                detail = f"ke tim mutu {row.message_id}"
                add_event(session, entry.id, now, "forwarded", DAEMON, detail)

    # --- building blocks ---------------------------------------------------------------------

    def _escalate(self, session: Session, entry: Entry, purpose: str, now: datetime) -> None:
        classes = self._team_classes(entry)
        if purpose == URGENT:
            classes.append((HEAD, self.cfg.head))
        if not self.views.audiences(classes):
            return  # nobody configured to be told: no query per entry for nothing
        mid = self._message_id(purpose, entry.register_no)
        if _queued(session, mid):
            return
        # A slip's image is the evidence: the team sees it without opening the register.
        files = _files(session, entry) if entry.channel == "kotak_saran" else []
        self._send_entry(session, entry, "eskalasi", purpose, mid, classes, now, files=files)

    def _send_entry(
        self,
        session: Session,
        entry: Entry,
        template: str,
        purpose: str,
        mid: str,
        classes: Sequence[tuple[str, Sequence[str]]],
        now: datetime,
        *,
        files: Sequence[EntryFile] = (),
        per_view: Callable[[View], dict[str, object]] | None = None,
        **values: object,
    ) -> None:
        """Queue `template` about `entry` as one message per view among `classes`, each
        rendered from the entry as that view shows it. `files` (a slip's scan: the reporter's
        handwriting, name and phone) go only to a `lengkap` view of an entry not confidential.
        """
        for audience in self.views.audiences(classes):
            own_mid = _with(mid, audience)
            if _queued(session, own_mid):
                continue
            shown = self.views.show(entry, audience.view)
            attached = files if audience.view == "lengkap" and not entry.confidential else ()
            context = {
                **values,
                **(per_view(audience.view) if per_view else {}),
                **self._context(shown, audience),
                "files": attached,
            }
            letter = self.letters.render(template, self.lang, **context)
            message = self._message(audience.addresses, letter, own_mid)
            for f in attached:
                maintype, _, subtype = f.content_type.partition("/")
                message.add_attachment(
                    self.store.get(f.sha256),
                    maintype=maintype,
                    subtype=subtype,
                    filename=f.filename,
                )
            self._queue(session, message, purpose, [entry], now)

    def _acknowledge(self, session: Session, entry: Entry, now: datetime) -> None:
        to = self._reporter_address(entry)
        if not self.cfg.acknowledge or to is None or entry.channel != "email":
            return
        if self._acknowledged_today(session, to, now) >= self.cfg.acknowledge_per_day:
            log.info("no acknowledgement for %s: sender already had one today", entry.register_no)
            return
        # The reporter's own mail: nothing masked (a confidential entry's text not quoted).
        letter = self.letters.render(
            "tanda_terima", self.lang, **self._context(for_reporter(entry))
        )
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

    def _team_classes(self, entry: Entry) -> list[tuple[str, Sequence[str]]]:
        return [(TEAM, self.cfg.quality_team), (UNITS, self.cfg.units.get(entry.unit, []))]

    def _context(self, shown: Shown, audience: Audience | None = None) -> dict[str, object]:
        """What every template about one entry gets: `entry` is the entry as the audience's
        view shows it (no audience: the reporter, in our mail to them)."""
        return {
            "entry": shown,
            "headline": shown.headline,
            # Whether the reporter line (name, contact, address, subject) is printed.
            "internal": not shown.confidential and (audience is None or audience.view != "anonim"),
            "view": "pelapor" if audience is None else audience.view,
            "files": [],
            **self._common(None),
        }

    def _common(self, now: datetime | None) -> dict[str, object]:
        # The staff console's address ([web] base_url): mail links an entry's page there.
        console = self.settings.web.base_url
        return {"facility": self.settings.facility.name, "now": now, "console": console}

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


def _next_number(session: Session, entry: Entry, purpose: str) -> int:
    """The number of the next mail of `purpose` about `entry`: answers and referrals may be
    sent again, each a mail of its own."""
    earlier = session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.entry_id == entry.id, OutboxMessage.purpose == purpose)
    ).one()
    return int(earlier) + 1


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


def _with(message_id: str, audience: Audience) -> str:
    """The Message-ID of `audience`'s message of a mail: the mail's own, or with the
    audience's suffix before the domain (`<segera.ADU-…@d>` → `<segera.ADU-….kepala@d>`)."""
    if audience.suffix is None:
        return message_id
    local, _, domain = message_id.rpartition("@")
    return f"{local}.{audience.suffix}@{domain}"


def _suffix(message_id: str) -> str | None:
    """The audience suffix of one of our Message-IDs, None for a mail's own Message-ID."""
    last = message_id.rpartition("@")[0].rpartition(".")[2]
    return last if last in SUFFIXES.values() else None


def _sendings(session: Session, prefix: str) -> int:
    """How many times a mail whose Message-IDs start with `prefix` and go on with a count
    (`<laporan-bulanan.2026-10.2@…`, `<….2.kepala@…`) was sent: the highest count."""
    ids = session.exec(
        select(OutboxMessage.message_id).where(col(OutboxMessage.message_id).like(f"{prefix}%"))
    ).all()
    counts = [mid[len(prefix) :].partition("@")[0].partition(".")[0] for mid in ids]
    return max((int(n) for n in counts if n.isdigit()), default=0)


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
