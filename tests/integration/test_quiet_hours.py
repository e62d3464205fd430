"""Quiet hours and days off on an injected clock, with a real SQLite register: what waits
(digests, reminders, overdue alerts, recaps, reports) and what does not (urgent and new
complaints' escalations, acknowledgements), and the deadlines counted in working days."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from aduan.daemon.config import Calendar, Deadlines, Escalation, Facility, Reports, Settings, Smtp
from aduan.daemon.config import Database as DatabaseSection
from aduan.daemon.config import Storage as StorageSection
from aduan.daemon.register import EntryDraft, create_entry, load_entries
from aduan.daemon.reports.publish import publish_due
from aduan.daemon.runtime import Runtime
from aduan.models.db import transaction
from aduan.models.tables import Entry, OutboxMessage, Publication
from aduan.parsers.classification import Classification

WIB = ZoneInfo("Asia/Jakarta")
TEAM, HEAD = "mutu@puskesmas.example", "kapus@puskesmas.example"


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


class Desk:
    """A facility's register and escalation, driven by hand on the facility's clock."""

    def __init__(
        self,
        tmp_path: Path,
        escalation: Mapping[str, object],
        calendar: Calendar,
        deadlines: Deadlines,
    ) -> None:
        defaults: dict[str, object] = {
            "quality_team": [TEAM],
            "head": [HEAD],
            "digest_times": [],
            "weekly_day": "minggu",  # out of the way unless a test asks for it
            "remind_resolve_days": 0,
        }
        settings = Settings(
            facility=Facility(name="Puskesmas Uji"),
            database=DatabaseSection(url=f"sqlite:///{tmp_path}/aduan.db"),
            escalation=Escalation.model_validate({**defaults, **escalation}),
            smtp=Smtp.model_validate(
                {"from": "Pengaduan <pengaduan@puskesmas.example>", "outbox_dir": tmp_path}
            ),
            storage=StorageSection(path=tmp_path / "berkas"),
            reports=Reports(
                dir=tmp_path / "laporan", formats=["csv"], weekly_day="", board_every_days=0
            ),
            calendar=calendar,
            deadlines=deadlines,
        )
        self.now = wib("2026-11-23T09:00")
        self.runtime = Runtime.open(settings, lambda: self.now)

    def register(
        self, received: str, kind: str = "keluhan", *, urgent: bool = False, channel: str = "email"
    ) -> Entry:
        self.now = wib(received)
        draft = EntryDraft(
            received_at=self.now,
            channel=channel,
            source_id=f"<{received}.{kind}@example.id>",
            text="Antrian pendaftaran lama sekali.",
            classification=Classification(kind, "pendaftaran", urgent, 0.9, ("uji",)),
            reporter_contact="siti@example.id",
        )
        with transaction(self.runtime.engine) as session:
            created = create_entry(session, self.runtime.settings, draft, self.now)
            (entry,) = load_entries(session, [created])
            self.runtime.escalator.on_registered(session, [entry], self.now)
        return entry

    def tick(self, *times: str) -> None:
        for text in times:
            self.now = wib(text)
            with transaction(self.runtime.engine) as session:
                self.runtime.escalator.tick(session, self.now)

    def mail(self, purpose: str) -> list[OutboxMessage]:
        with Session(self.runtime.engine) as session:
            query = select(OutboxMessage).where(OutboxMessage.purpose == purpose)
            return list(session.exec(query.order_by(col(OutboxMessage.id))))

    def queued_at(self, purpose: str) -> list[datetime]:
        return [row.created_at.astimezone(WIB) for row in self.mail(purpose)]


@pytest.fixture
def desks(tmp_path: Path) -> Iterator[list[Desk]]:
    made: list[Desk] = []
    yield made
    for desk in made:
        desk.runtime.close()


def desk(
    desks: list[Desk],
    tmp_path: Path,
    *,
    escalation: Mapping[str, object] | None = None,
    calendar: Calendar | None = None,
    deadlines: Deadlines | None = None,
) -> Desk:
    folder = tmp_path / str(len(desks))
    folder.mkdir()
    made = Desk(folder, escalation or {}, calendar or Calendar(), deadlines or Deadlines())
    desks.append(made)
    return made


# --- what waits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "held", "morning"),
    [
        # Due Monday 22:00; the 48-hour reminder falls on Saturday 22:00, then Sunday is off.
        ("2026-11-20T22:00", ("2026-11-21T22:00", "2026-11-22T09:00"), "2026-11-23T07:00"),
        # Due Tuesday 18 August 22:00: it falls on Sunday 22:00, then 17 Agustus is off.
        ("2026-08-15T22:00", ("2026-08-16T22:00", "2026-08-17T10:00"), "2026-08-18T07:00"),
    ],
)
def test_a_reminder_falling_at_night_goes_on_the_next_working_morning(
    desks: list[Desk], tmp_path: Path, received: str, held: tuple[str, ...], morning: str
) -> None:
    d = desk(desks, tmp_path, escalation={"remind_answer_hours": 48})
    entry = d.register(received)
    assert entry.due_answer == wib(received) + timedelta(hours=72)
    # The complaint itself is escalated and acknowledged at once, at night or not.
    assert set(d.queued_at("eskalasi")) == set(d.queued_at("tanda-terima")) == {wib(received)}
    d.tick(*held, (wib(morning) - timedelta(minutes=1)).isoformat()[:16])
    assert d.mail("pengingat") == []
    d.tick(morning, morning[:11] + "07:05", morning[:11] + "10:00")
    assert set(d.queued_at("pengingat")) == {wib(morning)}


def test_an_overdue_alert_at_night_waits_for_the_morning(desks: list[Desk], tmp_path: Path) -> None:
    d = desk(desks, tmp_path)
    # Nobody forwards it by hand, and the escalation is never delivered in this test.
    entry = d.register("2026-11-18T22:00", channel="langsung")
    assert entry.due_forward == wib("2026-11-20T22:00")
    d.tick("2026-11-20T22:01", "2026-11-21T06:59")
    assert d.mail("terlambat") == []
    d.tick("2026-11-21T07:00")  # Saturday: a working day
    # (one mail per recipient class: how many is the privacy rules' business)
    assert set(d.queued_at("terlambat")) == {wib("2026-11-21T07:00")}


def test_the_weekly_recap_on_a_monday_holiday_goes_on_tuesday(
    desks: list[Desk], tmp_path: Path
) -> None:
    d = desk(desks, tmp_path, escalation={"weekly_day": "senin", "weekly_time": "07:30"})
    d.register("2026-08-12T09:00")
    d.tick("2026-08-17T07:30", "2026-08-17T12:00")  # 17 Agustus
    assert d.mail("mingguan") == []
    d.tick("2026-08-18T07:00", "2026-08-18T09:00", "2026-08-19T07:30")
    recaps = d.mail("mingguan")  # one per recipient class
    assert recaps and set(d.queued_at("mingguan")) == {wib("2026-08-18T07:00")}
    assert all(r.message_id.startswith("<mingguan.2026-W34") for r in recaps)


# --- what does not wait -------------------------------------------------------------------


def test_an_urgent_complaint_at_night_goes_at_once(desks: list[Desk], tmp_path: Path) -> None:
    d = desk(desks, tmp_path)
    d.register("2026-11-21T22:00", urgent=True)
    assert set(d.queued_at("segera")) == {wib("2026-11-21T22:00")}
    assert d.queued_at("tanda-terima") == [wib("2026-11-21T22:00")]


def test_quiet_hours_may_hold_urgent_mail_too_but_never_past_the_forward_deadline(
    desks: list[Desk], tmp_path: Path
) -> None:
    held = Calendar(quiet_applies_to_urgent=True)
    d = desk(desks, tmp_path, calendar=held)
    d.register("2026-11-21T22:00", urgent=True)  # due_forward Monday 22:00
    d.tick("2026-11-21T22:01", "2026-11-22T10:00")
    assert d.mail("segera") == []
    assert d.mail("eskalasi") == []  # not sent as an ordinary escalation either
    d.tick("2026-11-23T07:00")
    assert set(d.queued_at("segera")) == {wib("2026-11-23T07:00")}
    # Forwarding within 12 hours: Monday morning would be too late, so it goes at once.
    soon = desk(desks, tmp_path, calendar=held, deadlines=Deadlines(forward=12))
    soon.register("2026-11-21T22:00", urgent=True)
    assert set(soon.queued_at("segera")) == {wib("2026-11-21T22:00")}


def test_a_digest_waits_for_the_morning_but_never_past_the_forward_deadline(
    desks: list[Desk], tmp_path: Path
) -> None:
    digest = {"digest_times": ["07:30"]}
    d = desk(desks, tmp_path, escalation=digest)
    # Praise on Saturday night (due Monday 22:00): the Sunday digest waits for Monday.
    d.register("2026-11-21T22:00", "pujian")
    d.tick("2026-11-21T22:01", "2026-11-22T07:30", "2026-11-22T12:00", "2026-11-23T06:59")
    assert d.mail("ringkasan") == [] and d.mail("eskalasi") == []
    d.tick("2026-11-23T07:00", "2026-11-23T07:10")
    assert set(d.queued_at("ringkasan")) == {wib("2026-11-23T07:00")}
    # The Sunday digest, sent on Monday.
    assert all(m.message_id.startswith("<ringkasan.2026-11-22T0730") for m in d.mail("ringkasan"))

    # Praise on Nyepi (Thursday 19 March 2026), due Saturday: the next digest would go on
    # Wednesday 25, after Lebaran's cuti bersama, so it is escalated alone, at once.
    nyepi = desk(desks, tmp_path, escalation=digest)
    entry = nyepi.register("2026-03-19T10:00", "pujian")
    nyepi.tick("2026-03-19T10:01")
    assert set(nyepi.queued_at("eskalasi")) == {wib("2026-03-19T10:01")}
    assert wib("2026-03-19T10:01") < entry.due_forward

    # Due at 09:00 after a quiet night: it waits, and goes with the 07:00 digest.
    tight = desk(desks, tmp_path, escalation=digest, deadlines=Deadlines(forward=12))
    entry = tight.register("2026-11-20T21:00", "pujian")
    tight.tick("2026-11-20T21:01", "2026-11-21T03:00")
    assert tight.mail("ringkasan") == [] and tight.mail("eskalasi") == []
    tight.tick("2026-11-21T07:00")
    assert set(tight.queued_at("ringkasan")) == {wib("2026-11-21T07:00")}
    assert wib("2026-11-21T07:00") < entry.due_forward


def test_quiet_hours_equal_ends_hold_nothing(desks: list[Desk], tmp_path: Path) -> None:
    d = desk(
        desks,
        tmp_path,
        calendar=Calendar(quiet_start="00:00", quiet_end="00:00"),
        escalation={"remind_answer_hours": 48},
    )
    d.register("2026-11-20T22:00")
    d.tick("2026-11-21T22:00")  # Saturday night, when the reminder falls
    assert set(d.queued_at("pengingat")) == {wib("2026-11-21T22:00")}


# --- reports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "held", "morning", "made"),
    [
        # 1 November 2026 is a Sunday.
        ("2026-11-01T07:05", "2026-11-02T06:59", "2026-11-02T07:00", {("bulanan", "2026-10")}),
        # 1 January 2027 is New Year's Day (a Friday); Saturday 2 January is a working day.
        (
            "2027-01-01T07:05",
            "2027-01-01T19:00",
            "2027-01-02T07:00",
            {("bulanan", "2026-12"), ("semester", "2026-S2")},
        ),
    ],
)
def test_a_recap_due_on_a_day_off_is_made_on_the_next_working_morning(
    desks: list[Desk], tmp_path: Path, due: str, held: str, morning: str, made: set[object]
) -> None:
    d = desk(desks, tmp_path)
    d.register("2026-10-05T09:00")
    runtime = d.runtime

    def publish(at: str) -> set[tuple[str, str]]:
        publish_due(runtime.settings, runtime.engine, runtime.escalator, wib(at))
        with Session(runtime.engine) as session:
            return {(p.kind, p.period) for p in session.exec(select(Publication))}

    assert publish(due) == set()
    assert publish(held) == set()
    assert publish(morning) == made
    assert set(d.queued_at("laporan-bulanan")) == {wib(morning)}


# --- deadlines in working days ------------------------------------------------------------


def test_the_register_counts_working_day_deadlines_in_the_facility_zone(
    desks: list[Desk], tmp_path: Path
) -> None:
    counted = Deadlines(
        forward_count="hari_kerja", answer_count="hari_kerja", resolve_count="hari_kerja"
    )
    d = desk(desks, tmp_path, deadlines=counted)
    entry = d.register("2026-11-20T23:30")  # Friday night: counted from Saturday 07:30
    assert entry.due_forward == wib("2026-11-24T07:30")
    assert entry.due_answer == wib("2026-11-25T07:30")
    assert entry.received_at == wib("2026-11-20T23:30")
    plain = desk(desks, tmp_path)
    entry = plain.register("2026-11-20T23:30")
    assert entry.due_forward == wib("2026-11-22T23:30")  # 48 hours, Sunday or not
    assert entry.due_resolve == wib("2027-01-19T23:30")
