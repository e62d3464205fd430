"""Escalation end to end: mail in through Dovecot, mail out through a real SMTP server.

What the quality team, the head and the complainants receive is asserted on the SMTP
server's capture; deadlines run on an injected clock, never on sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from aduan.daemon.config import load_settings
from aduan.daemon.runtime import Runtime
from aduan.daemon.service import run_pass
from aduan.models.tables import Entry, OutboxMessage
from aduan.parsers.reply import find_tags
from tests.mailcorpus import make_mail
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.servers.smtp import SmtpServer
from tests.support import aduan, entries, write_config

TEAM = "mutu@puskesmas.example"
HEAD = "kapus@puskesmas.example"
PHARMACIST = "apoteker@puskesmas.example"
OURS = "pengaduan@puskesmas.example"
DOMAIN = "puskesmas.example"

URGENT = "Anak saya kejang-kejang di UGD tapi tidak ditangani, malah disuruh menunggu giliran."
QUEUE = "Antrian di pendaftaran lama sekali, petugas tidak ramah."
QUESTION = "Jam buka poli gigi hari Sabtu jam berapa ya?"
PRAISE = "Terima kasih, bidan di KIA sangat sabar dan ramah."
SPAM = "Menangkan hadiah 100 juta! Klik http://bit.ly/hadiah sekarang juga"
PHARMACY = "Obat di apotek sering kosong, saya harus beli di luar."


def smtp_config(tmp_path: Path, account: ImapAccount, smtp: SmtpServer, extra: str = "") -> Path:
    return write_config(
        tmp_path,
        account,
        extra="\n".join(
            [
                smtp.config(f"Pengaduan Puskesmas Uji <{OURS}>"),
                "[escalation]",
                f'quality_team = ["{TEAM}"]',
                f'head = ["{HEAD}"]',
                "digest_times = []",
                "[escalation.units]",
                f'farmasi = ["{PHARMACIST}"]',
                extra,
            ]
        ),
    )


def mail(body: str, sender: str, subject: str = "Masukan", **kwargs: object) -> bytes:
    return make_mail(subject=subject, body=body, sender=sender, **kwargs)  # type: ignore[arg-type]


def by_recipient(smtp: SmtpServer) -> dict[str, list[EmailMessage]]:
    """What each address received, without the weekly recap (these tests run on real dates)."""
    received: dict[str, list[EmailMessage]] = {}
    for item in smtp.received:
        if item.message()["Message-ID"].startswith("<mingguan."):
            continue
        for rcpt in item.rcpt_tos:
            received.setdefault(rcpt, []).append(item.message())
    return received


def test_a_mixed_mailbox_escalates_each_entry_once_and_acknowledges_complainants(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    acct = imap_account
    dovecot.append(
        acct.user,
        acct.password,
        [
            mail(URGENT, "Budi <budi@example.id>", "Tolong anak saya"),
            mail(QUEUE, "Siti <siti@example.id>", "Antrian"),
            mail(QUESTION, "Ani <ani@example.id>", "Tanya"),
            mail(PRAISE, "Dewi <dewi@example.id>", "Terima kasih"),
            mail(PHARMACY, "Joko <joko@example.id>", "Obat kosong"),
            mail(SPAM, "Promo <promo@spam.example>", "Selamat!"),
            mail(
                "Saya sedang cuti.",
                "Rudi <rudi@example.id>",
                "Out of office",
                extra_headers={"Auto-Submitted": "auto-replied"},
            ),
        ],
    )
    config = smtp_config(tmp_path, acct, smtp_server)
    assert aduan(capsys, config, "run", "--once").code == 0

    registered = {e["reporter"]["contact"]: e for e in entries(capsys, config)}
    assert len(registered) == 6  # the auto-reply is not an entry
    urgent = registered["budi@example.id"]
    assert urgent["urgent"] and urgent["kind"] == "keluhan"
    assert registered["promo@spam.example"]["status"] == "bukan_aduan"

    received = by_recipient(smtp_server)
    team = received[TEAM]
    # One escalation per entry that is feedback: spam and auto-replies reach nobody.
    assert len(team) == 5
    tags = sorted(tag for m in team for tag in find_tags(m["Subject"]))
    assert tags == sorted(e["register_no"] for e in registered.values() if e["kind"] != "lainnya")
    (to_head,) = received[HEAD]
    assert to_head["Subject"].startswith(f"[SEGERA] [{urgent['register_no']}]")
    # The team sees who complained; the head (view `ringkas`) only the initials.
    (to_team,) = [
        m for m in team if m["Message-ID"] == f"<segera.{urgent['register_no']}@{DOMAIN}>"
    ]
    assert "Budi <budi@example.id>" in to_team.get_content()
    assert to_head["Message-ID"] == f"<segera.{urgent['register_no']}.kepala@{DOMAIN}>"
    assert "Pelapor        : B." in to_head.get_content()
    assert "budi@example.id" not in to_head.get_content()
    (to_pharmacist,) = received[PHARMACIST]
    assert to_pharmacist["Subject"].startswith(f"[{registered['joko@example.id']['register_no']}]")

    # Each complainant who wrote by mail gets one acknowledgement; robots and spam none.
    for address in ("budi@example.id", "siti@example.id", "ani@example.id", "dewi@example.id"):
        (ack,) = received[address]
        assert ack["Auto-Submitted"] == "auto-replied"
        assert registered[address]["register_no"] in ack["Subject"]
    assert "promo@spam.example" not in received and "rudi@example.id" not in received

    # Delivered escalations forward their entries; a second run sends nothing new.
    forwarded = entries(capsys, config)
    assert {e["status"] for e in forwarded if e["kind"] != "lainnya"} == {"diteruskan"}
    before = len(smtp_server.received)
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(smtp_server.received) == before


@pytest.fixture
def siti_registered(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, dict[str, Any]]:
    """Siti's queue complaint, registered, escalated and acknowledged: (config, entry)."""
    acct = imap_account
    dovecot.append(acct.user, acct.password, [mail(QUEUE, "Siti <siti@example.id>", "Antrian")])
    config = smtp_config(tmp_path, acct, smtp_server)
    assert aduan(capsys, config, "run", "--once").code == 0
    (entry,) = entries(capsys, config)
    return config, entry


def test_replies_land_on_their_entry_and_staff_commands_update_it(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    siti_registered: tuple[Path, dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    acct = imap_account
    config, entry = siti_registered
    number = entry["register_no"]
    (ack,) = by_recipient(smtp_server)["siti@example.id"]

    # The complainant answers our acknowledgement; the team hears of it, no new entry.
    reply = mail(
        "Sampai sekarang belum ada perbaikan.\n\n> Terima kasih. Pesan Anda telah kami terima",
        "Siti <siti@example.id>",
        f"Re: {ack['Subject']}",
        extra_headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
    )
    # A team member answers from their own client, by tag only, with commands.
    staff = mail(
        "STATUS: selesai\nTANGGAPAN: Mulai Senin loket kedua dibuka pukul 07.00.\n\nSalam",
        f"Tim Mutu <{TEAM}>",
        f"Re: [{number}] Antrian",
    )
    dovecot.append(acct.user, acct.password, [reply, staff])
    sent_before = len(smtp_server.received)
    assert aduan(capsys, config, "run", "--once").code == 0

    (after,) = entries(capsys, config)  # still one entry
    shown = aduan(capsys, config, "register", "show", number, "--json").json()
    replies = [e for e in shown["events"] if e["type"] == "reply"]
    assert [r["by"] for r in replies] == ["pelapor", TEAM]
    assert "belum ada perbaikan" in replies[0]["detail"]
    assert "Terima kasih. Pesan Anda" not in replies[0]["detail"]  # the quote is dropped
    assert after["status"] == "selesai"
    assert after["response"] == "Mulai Senin loket kedua dibuka pukul 07.00."

    new = smtp_server.received[sent_before:]
    notices = [m.message() for m in new if TEAM in m.rcpt_tos]
    notices = [m for m in notices if not m["Message-ID"].startswith("<mingguan.")]
    assert len(notices) == 1 and notices[0]["Subject"].startswith(f"[{number}]")
    answers = [m.message() for m in new if "siti@example.id" in m.rcpt_tos]
    assert len(answers) == 1
    assert "loket kedua" in answers[0].get_content()
    assert answers[0]["In-Reply-To"] == entry["source_id"]


def test_a_bounce_marks_the_outgoing_mail_failed_and_status_shows_it(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    siti_registered: tuple[Path, dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    acct = imap_account
    config, entry = siti_registered
    (ack,) = by_recipient(smtp_server)["siti@example.id"]
    bounce = make_mail(
        subject="Undelivered Mail Returned to Sender",
        body=(
            "This is the mail system at host mx.example.id.\n\n"
            "<siti@example.id>: host mx.example.id said: 550 5.1.1 User unknown\n\n"
            f"Message-ID: {ack['Message-ID']}\n"
        ),
        sender="MAILER-DAEMON@mx.example.id (Mail Delivery System)",
        extra_headers={"Return-Path": "<>"},
    )
    dovecot.append(acct.user, acct.password, [bounce])
    assert aduan(capsys, config, "run", "--once").code == 0

    assert len(entries(capsys, config)) == 1
    status = aduan(capsys, config, "status", "--json").json()
    assert status["outbox_failed"] == 1
    (entry,) = entries(capsys, config)
    shown = aduan(capsys, config, "register", "show", entry["register_no"], "--json").json()
    assert any(e["type"] == "bounce" for e in shown["events"])


def test_a_crafted_subject_cannot_add_headers(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    acct = imap_account
    # Written raw: the encoded words decode to CR LF, which the email package refuses to build.
    hostile = (
        "From: =?utf-8?q?Siti=0D=0ABcc:_y@evil.example?= <siti@example.id>\r\n"
        "To: pengaduan@puskesmas.example\r\n"
        "Subject: =?utf-8?q?Antrian=0D=0ABcc:_x@evil.example?=\r\n"
        "Message-ID: <hostile.1@example.id>\r\n"
        "Date: Mon, 23 Nov 2026 08:15:00 +0700\r\n"
        "\r\n" + QUEUE + "\r\n"
    ).encode()
    dovecot.append(acct.user, acct.password, [hostile])
    config = smtp_config(tmp_path, acct, smtp_server)
    assert aduan(capsys, config, "run", "--once").code == 0
    assert smtp_server.received
    for item in smtp_server.received:
        assert not any("evil.example" in rcpt for rcpt in item.rcpt_tos)
        assert "Bcc" not in item.message()
        assert "\r" not in item.message()["Subject"] and "\n" not in item.message()["Subject"]


# --- deadlines, on an injected clock ------------------------------------------------------


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def directory_runtime(
    tmp_path: Path, clock: Callable[[], datetime], extra: str = "", weekly_day: str = "minggu"
) -> Runtime:
    config = write_config(
        tmp_path,
        extra="\n".join(
            [
                "[maildir]",
                'path = "var/maildir"',
                "[smtp]",
                f'from = "Pengaduan <{OURS}>"',
                "[escalation]",
                f'quality_team = ["{TEAM}"]',
                f'head = ["{HEAD}"]',
                f'weekly_day = "{weekly_day}"',  # "minggu": out of the way of Monday tests
                extra,
                # No quiet hours: these tests are about the deadlines themselves, at any hour
                # and on any day (test_quiet_hours.py is about waiting for working time).
                "[calendar]",
                'quiet_start = "00:00"',
                'quiet_end = "00:00"',
            ]
        ),
    )
    return Runtime.open(load_settings(config), clock)


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def deliver_mail(runtime: Runtime, body: str, sender: str) -> None:
    maildir = runtime.settings.maildir
    assert maildir is not None
    for sub in ("new", "cur", "tmp"):
        (maildir.path / sub).mkdir(parents=True, exist_ok=True)
    name = f"{len(list((maildir.path / 'cur').iterdir()))}.eml"
    (maildir.path / "new" / name).write_bytes(mail(body, sender, "Antrian"))


def test_reminders_and_overdue_alerts_are_sent_once_per_entry_and_deadline(
    tmp_path: Path,
) -> None:
    # Monday 09:00 in Jakarta; the digest (07:30) is past, so only deadlines speak.
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    runtime = directory_runtime(tmp_path, clock)
    deliver_mail(runtime, QUEUE, "Siti <siti@example.id>")
    run_pass(runtime)
    with Session(runtime.engine) as session:
        entry = session.exec(select(Entry)).one()
    assert entry.due_answer is not None
    purposes = [row.purpose for row in outbox(runtime)]
    assert purposes.count("eskalasi") == 1 and purposes.count("tanda-terima") == 1

    clock.now = entry.due_answer - timedelta(hours=11)
    run_pass(runtime)
    run_pass(runtime)
    reminders = [r for r in outbox(runtime) if r.purpose == "pengingat"]
    assert [r.message_id for r in reminders] == [
        f"<pengingat-answer.{entry.register_no}@puskesmas.example>"
    ]

    clock.now = entry.due_answer + timedelta(minutes=1)
    run_pass(runtime)
    run_pass(runtime)
    alerts = [r for r in outbox(runtime) if r.purpose == "terlambat"]
    # One alert per recipient class, each in its own view (once: the head's, Cc the team).
    assert [(a.message_id, a.recipients) for a in alerts] == [
        (f"<terlambat-answer.{entry.register_no}@{DOMAIN}>", [HEAD]),
        (f"<terlambat-answer.{entry.register_no}.tim@{DOMAIN}>", [TEAM]),
    ]
    assert all(r.status == "terkirim" for r in outbox(runtime))
    written = sorted(p.name for p in runtime.settings.smtp.outbox_dir.iterdir())
    assert len(written) == len(outbox(runtime))
    runtime.close()


def test_praise_waits_for_the_digest_but_never_past_the_forward_deadline(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 09:00 WIB
    runtime = directory_runtime(tmp_path, clock, 'digest_times = ["07:30"]')
    deliver_mail(runtime, PRAISE, "Dewi <dewi@example.id>")
    run_pass(runtime)
    # The Monday 07:30 slot had passed unused: the digest goes out now, once.
    assert [r.purpose for r in outbox(runtime) if r.purpose != "tanda-terima"] == ["ringkasan"]
    deliver_mail(runtime, PRAISE.replace("bidan", "perawat"), "Eko <eko@example.id>")
    run_pass(runtime)
    assert [r.purpose for r in outbox(runtime) if r.purpose != "tanda-terima"] == ["ringkasan"]
    clock.now += timedelta(days=1)  # Tuesday 09:00: the Tuesday slot takes the new one
    run_pass(runtime)
    digests = [r for r in outbox(runtime) if r.purpose == "ringkasan"]
    assert len(digests) == 2
    with Session(runtime.engine) as session:
        assert {e.status for e in session.exec(select(Entry))} == {"diteruskan"}
    runtime.close()


def test_a_tag_from_a_stranger_is_a_new_entry_linked_to_the_old_one(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    siti_registered: tuple[Path, dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    acct = imap_account
    config, first = siti_registered
    stranger = mail(PHARMACY, "Joko <joko@example.id>", f"Sama seperti [{first['register_no']}]")
    dovecot.append(acct.user, acct.password, [stranger])
    assert aduan(capsys, config, "run", "--once").code == 0
    newest = entries(capsys, config)[0]
    assert newest["register_no"] != first["register_no"]
    assert any(
        e["type"] == "linked" and first["register_no"] in e["detail"] for e in newest["events"]
    )


def test_check_reaches_the_smtp_server_and_explains_a_refused_login(
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = smtp_config(tmp_path, imap_account, smtp_server)
    good = aduan(capsys, config, "check")
    assert good.code == 0, good.out
    assert "login ok" in good.out
    config.write_text(config.read_text().replace(smtp_server.password, "salah"))
    bad = aduan(capsys, config, "check")
    assert bad.code == 3
    assert "login refused" in bad.out and "password_file" in bad.out


def test_the_weekly_recap_lists_open_entries_once_a_week(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 09:00 WIB
    runtime = directory_runtime(tmp_path, clock, weekly_day="senin")
    run_pass(runtime)
    assert outbox(runtime) == []  # nothing open yet: no empty recap
    deliver_mail(runtime, QUEUE, "Siti <siti@example.id>")
    run_pass(runtime)
    clock.now += timedelta(hours=3)
    run_pass(runtime)
    # One message per recipient class (once: one to both), the team's under the old ID.
    recap, to_head = [r for r in outbox(runtime) if r.purpose == "mingguan"]
    assert recap.message_id == "<mingguan.2026-W48@puskesmas.example>"
    assert recap.recipients == [TEAM]
    assert to_head.message_id == "<mingguan.2026-W48.kepala@puskesmas.example>"
    assert to_head.recipients == [HEAD]
    assert b"ADU-2026-11-0001" in recap.raw
    clock.now += timedelta(days=7)
    run_pass(runtime)
    assert len([r for r in outbox(runtime) if r.purpose == "mingguan"]) == 4  # two a week
    runtime.close()


def test_a_slip_escalation_carries_the_scanned_image(tmp_path: Path) -> None:
    from aduan.daemon.register import EntryDraft, StoredFile, create_entry, load_entries
    from aduan.models.db import transaction

    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    runtime = directory_runtime(tmp_path, clock)
    image = b"\x89PNG\r\n\x1a\n" + b"slip" * 100
    sha = runtime.store.put(image)
    draft = EntryDraft(
        received_at=clock.now,
        channel="kotak_saran",
        source_id=f"sha256:{sha}",
        text=QUEUE,
        classification=runtime.classifier.classify(QUEUE),
        files=(StoredFile(sha, "slip-1.png", "image/png", len(image)),),
    )
    with transaction(runtime.engine) as session:
        created = create_entry(session, runtime.settings, draft, clock.now)
        runtime.escalator.on_registered(session, load_entries(session, [created]), clock.now)
    (escalation,) = outbox(runtime)
    assert escalation.purpose == "eskalasi"
    assert b'filename="slip-1.png"' in escalation.raw
    assert b"Lampiran: 1 berkas" in escalation.raw
    runtime.close()


def test_a_correction_to_urgent_tells_the_head_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path,
        extra="\n".join(
            [
                "[smtp]",
                f'from = "Pengaduan <{OURS}>"',
                "[escalation]",
                f'quality_team = ["{TEAM}"]',
                f'head = ["{HEAD}"]',
            ]
        ),
    )
    added = aduan(capsys, config, "--json", "register", "add", "--channel", "sms", "--text", QUEUE)
    number = added.json()["register_no"]
    assert aduan(capsys, config, "register", "correct", number, "--urgent").code == 0
    queued = aduan(capsys, config, "status", "--json").json()["outbox_waiting"]
    # The first escalation, and the urgent one: to the team and, in its own view, the head.
    assert queued == 3
    mid = f"<segera.{number}@puskesmas.example>"
    runtime = Runtime.open(load_settings(config))
    urgent = [row for row in outbox(runtime) if row.message_id == mid]
    assert len(urgent) == 1 and urgent[0].recipients == [TEAM]
    to_head = [
        row for row in outbox(runtime) if row.message_id == f"<segera.{number}.kepala@{DOMAIN}>"
    ]
    assert len(to_head) == 1 and to_head[0].recipients == [HEAD]
    runtime.close()
