"""The service makes recaps and boards on the SOPs' calendar, each once, and mails them."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from aduan.daemon.config import Calendar, Escalation, Facility, Reports, Settings, Smtp, Storage
from aduan.daemon.config import Database as DatabaseSection
from aduan.daemon.outbox import deliver_due
from aduan.daemon.reports.publish import publish_due
from aduan.daemon.runtime import Runtime
from aduan.daemon.status import collect_status
from aduan.models.tables import OutboxMessage, Publication
from tests.register_fixture import fill_register

TEAM, HEAD = "mutu@puskesmas.example", "kapus@puskesmas.example"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 7, 5, tzinfo=Facility().tz)

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = datetime.fromisoformat(text).replace(tzinfo=Facility().tz)


def settings_for(tmp_path: Path, reports: Reports | None = None) -> Settings:
    return Settings(
        facility=Facility(name="Puskesmas Contoh"),
        # The dates here (1 November 2026 a Sunday, 1 January a holiday) are about the SOPs'
        # calendar; waiting for a working morning is test_quiet_hours.py's.
        calendar=Calendar(quiet_start="00:00", quiet_end="00:00"),
        database=DatabaseSection(url=f"sqlite:///{tmp_path}/aduan.db"),
        escalation=Escalation(quality_team=[TEAM], head=[HEAD], digest_times=[]),
        smtp=Smtp(outbox_dir=tmp_path / "outbox"),
        storage=Storage(path=tmp_path / "berkas"),
        reports=reports or Reports(dir=tmp_path / "laporan"),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def made(runtime: Runtime) -> set[tuple[str, str]]:
    with Session(runtime.engine) as session:
        return {(p.kind, p.period) for p in session.exec(select(Publication))}


def mails(runtime: Runtime) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        return list(
            session.exec(select(OutboxMessage).where(col(OutboxMessage.purpose).like("laporan-%")))
        )


def test_monthly_recap_is_made_and_mailed_once_on_its_day(tmp_path: Path, clock: Clock) -> None:
    runtime = Runtime.open(settings_for(tmp_path), clock)
    fill_register(runtime.engine, runtime.settings)  # 2026-07 … 2026-11

    clock.set("2026-11-01T06:59")
    publish_due(runtime.settings, runtime.engine, runtime.escalator, clock())
    assert ("bulanan", "2026-10") not in made(runtime)  # not yet 07:00
    assert ("bulanan", "2026-09") in made(runtime)  # the month before: caught up on start

    clock.set("2026-11-01T07:05")
    publish_due(runtime.settings, runtime.engine, runtime.escalator, clock())
    assert ("bulanan", "2026-10") in made(runtime)
    # One message per view ([privacy]): the team's with the register book, the head's
    # (`ringkas`) without it, since the XLSX names the reporters.
    monthly = [m for m in mails(runtime) if ".2026-10." in m.message_id]
    assert [(m.message_id, m.recipients) for m in monthly] == [
        ("<laporan-bulanan.2026-10.1@localhost>", [TEAM]),
        ("<laporan-bulanan.2026-10.1.kepala@localhost>", [HEAD]),
    ]
    attached = []
    for row in monthly:
        message = email.message_from_bytes(row.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        attached.append(sorted(part.get_filename() or "" for part in message.iter_attachments()))
    assert attached == [
        ["rekap-bulanan-2026-10.pdf", "rekap-bulanan-2026-10.xlsx"],
        ["rekap-bulanan-2026-10.pdf"],
    ]
    assert (tmp_path / "laporan" / "rekap-bulanan-2026-10.csv").exists()

    for later in ("2026-11-01T07:10", "2026-11-02T07:05", "2026-11-30T23:00"):
        clock.set(later)
        publish_due(runtime.settings, runtime.engine, runtime.escalator, clock())
    monthly_mails = [m for m in mails(runtime) if m.purpose == "laporan-bulanan"]
    assert sorted({m.message_id.split(".")[1] for m in monthly_mails}) == ["2026-09", "2026-10"]
    assert len(monthly_mails) == 4  # two months, a team's and a head's message each

    # The outbox sends it like any mail (here: written to outbox_dir as .eml).
    report = deliver_due(runtime.engine, runtime.settings, clock())
    assert report.sent
    runtime.close()


def test_semester_weekly_and_board_fall_on_their_days(tmp_path: Path, clock: Clock) -> None:
    runtime = Runtime.open(settings_for(tmp_path), clock)
    fill_register(runtime.engine, runtime.settings)
    clock.set("2027-01-01T07:05")
    publish_due(runtime.settings, runtime.engine, runtime.escalator, clock())
    kinds = made(runtime)
    assert ("semester", "2026-S2") in kinds and ("bulanan", "2026-12") in kinds
    # Boards fall every 14 days from 2026-01-05: 2026-12-21 is the last before.
    assert ("papan", "2026-12-21") in kinds
    with Session(runtime.engine) as session:
        boards = session.exec(select(OutboxMessage).where(OutboxMessage.purpose == "papan")).all()
    assert len(boards) == 1 and boards[0].recipients == [TEAM]  # to print and pin up
    semester_mail = [m for m in mails(runtime) if m.purpose == "laporan-semester"]
    assert [m.recipients for m in semester_mail] == [[TEAM], [HEAD]]  # one per view
    runtime.close()


def test_weekly_recap_only_for_a_week_with_whatsapp_or_sms(tmp_path: Path, clock: Clock) -> None:
    runtime = Runtime.open(settings_for(tmp_path), clock)
    register = fill_register(runtime.engine, runtime.settings)
    year, week = register.week.split("-W")
    monday = datetime.fromisocalendar(int(year), int(week) + 1, 1).date().isoformat()
    clock.set(f"{monday}T07:30")
    publish_due(runtime.settings, runtime.engine, runtime.escalator, clock())
    assert ("mingguan", register.week) in made(runtime)
    weekly = [m for m in mails(runtime) if m.purpose == "laporan-mingguan"]
    assert len(weekly) == 1 and weekly[0].recipients == [TEAM]  # not the head
    # A week without any: nothing is made or mailed.
    clock.set("2026-03-02T07:30")
    publish_due(runtime.settings, runtime.engine, runtime.escalator, clock())
    assert not any(kind == "mingguan" and key < "2026-W10" for kind, key in made(runtime))
    runtime.close()


def test_a_fresh_install_mails_no_recap_of_empty_months(tmp_path: Path, clock: Clock) -> None:
    runtime = Runtime.open(settings_for(tmp_path), clock)
    clock.set("2026-11-01T07:05")
    assert publish_due(runtime.settings, runtime.engine, runtime.escalator, clock()) == 0
    assert made(runtime) == set() and mails(runtime) == []
    runtime.close()


def test_a_report_that_cannot_be_written_shows_in_status_and_nothing_stops(
    tmp_path: Path, clock: Clock
) -> None:
    blocked = tmp_path / "laporan"
    blocked.write_text("a file where the folder should be")
    runtime = Runtime.open(settings_for(tmp_path, Reports(dir=blocked)), clock)
    fill_register(runtime.engine, runtime.settings)
    clock.set("2026-11-01T07:05")
    assert publish_due(runtime.settings, runtime.engine, runtime.escalator, clock()) == 0
    assert made(runtime) == set() and mails(runtime) == []
    health = {s.source: s for s in collect_status(runtime.engine, clock()).sources}
    assert health["laporan"].failing
    assert "cannot be written" in (health["laporan"].last_error or "")
    assert "check [reports] dir" in (health["laporan"].last_error or "")
    runtime.close()
