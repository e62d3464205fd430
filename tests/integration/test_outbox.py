"""The outbox against a real SMTP server (aiosmtpd on loopback, STARTTLS + AUTH)."""

from __future__ import annotations

import logging
import subprocess
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from aduan.daemon import outbox
from aduan.daemon.config import Settings, Smtp
from aduan.daemon.outbox import DeliveryReport, deliver_due, enqueue, new_message
from aduan.daemon.smtp import SmtpUnavailable
from aduan.models import db
from aduan.models.tables import OutboxMessage
from tests.servers.smtp import SmtpServer
from tests.support import SimulatedCrash

NOW = datetime(2026, 11, 23, 1, 15, tzinfo=UTC)
FROM = "Pengaduan Puskesmas Uji <pengaduan@puskesmas.example>"
TEAM = "mutu@puskesmas.example"
HEAD = "kapus@puskesmas.example"
ARCHIVE = "arsip@puskesmas.example"
SITI = "siti@example.org"


# Every test that uses the register runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

# --- fixtures ---------------------------------------------------------------------------


def smtp_settings(server: SmtpServer, tmp_path: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "security": "starttls",
        "username": server.user,
        "password": server.password,
        "ca_file": server.ca_file,
        "from": FROM,
        "outbox_dir": tmp_path / "outbox",
    }
    return Settings(smtp=Smtp.model_validate(values | changes))


def directory_settings(tmp_path: Path) -> Settings:
    return Settings(smtp=Smtp.model_validate({"outbox_dir": tmp_path / "outbox", "from": FROM}))


def queue(
    engine: Engine,
    n: int = 1,
    *,
    to: tuple[str, ...] = (TEAM,),
    bcc: str | None = None,
    at: datetime = NOW,
) -> str:
    message_id = f"<eskalasi.ADU-2026-11-{n:04d}.1@puskesmas.example>"
    msg = new_message(
        FROM,
        list(to),
        f"[ADU-2026-11-{n:04d}] Aduan baru: antrian",
        "Ada aduan baru tentang antrian pendaftaran.",
        message_id=message_id,
        auto_submitted="auto-generated",
    )
    if bcc:
        msg["Bcc"] = bcc
    with db.transaction(engine) as session:
        enqueue(session, msg, purpose="eskalasi", entry_id=None, now=at)
    return message_id


def row(engine: Engine, message_id: str) -> OutboxMessage:
    with Session(engine) as session:
        found = session.exec(
            select(OutboxMessage).where(OutboxMessage.message_id == message_id)
        ).one()
        return found


# --- SMTP -------------------------------------------------------------------------------


def test_message_is_delivered_once_with_its_recipients_and_headers(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine, to=(TEAM, HEAD), bcc=ARCHIVE)

    report = deliver_due(engine, settings, NOW)

    assert report == DeliveryReport(sent=[message_id])
    [got] = smtp_server.wait_for(1)
    assert got.mail_from == "pengaduan@puskesmas.example"
    assert got.rcpt_tos == (TEAM, HEAD, ARCHIVE)
    msg = got.message()
    assert str(msg["Message-ID"]) == message_id
    assert str(msg["Auto-Submitted"]) == "auto-generated"
    assert msg["Bcc"] is None
    sent = row(engine, message_id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.last_error) == (
        "terkirim",
        1,
        NOW,
        None,
    )

    assert deliver_due(engine, settings, NOW + timedelta(days=1)) == DeliveryReport()
    assert len(smtp_server.received) == 1


def test_implicit_tls_delivers(engine: Engine, smtp_server: SmtpServer, tmp_path: Path) -> None:
    settings = smtp_settings(smtp_server, tmp_path, port=smtp_server.tls_port, security="tls")
    message_id = queue(engine)
    assert deliver_due(engine, settings, NOW).sent == [message_id]
    assert smtp_server.message_ids() == [message_id]


def test_server_down_leaves_the_message_waiting_then_delivers_it_once(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine)
    smtp_server.stop()

    with pytest.raises(SmtpUnavailable, match="connection refused"):
        deliver_due(engine, settings, NOW)
    waiting = row(engine, message_id)
    assert (waiting.status, waiting.attempts) == ("antri", 1)
    assert waiting.next_attempt_at == NOW + timedelta(minutes=1)
    assert waiting.last_error is not None and "connection refused" in waiting.last_error
    # Not due yet: no connection is even tried.
    assert deliver_due(engine, settings, NOW + timedelta(seconds=30)) == DeliveryReport()

    smtp_server.start()
    later = NOW + timedelta(minutes=1)
    assert deliver_due(engine, settings, later).sent == [message_id]
    assert deliver_due(engine, settings, later + timedelta(hours=1)) == DeliveryReport()
    assert smtp_server.message_ids() == [message_id]
    assert (row(engine, message_id).status, row(engine, message_id).attempts) == ("terkirim", 2)


def test_temporary_refusal_is_retried_with_backoff(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine)
    smtp_server.reject(451)

    assert deliver_due(engine, settings, NOW).deferred == [message_id]
    first = row(engine, message_id)
    assert (first.status, first.next_attempt_at) == ("antri", NOW + timedelta(minutes=1))
    assert first.last_error == "DATA: 451 4.3.0 Coba lagi nanti"

    second_try = NOW + timedelta(minutes=1)
    assert deliver_due(engine, settings, second_try).deferred == [message_id]
    assert row(engine, message_id).next_attempt_at == second_try + timedelta(minutes=2)

    smtp_server.accept_all()
    assert deliver_due(engine, settings, second_try + timedelta(minutes=1)) == DeliveryReport()
    assert deliver_due(engine, settings, second_try + timedelta(minutes=2)).sent == [message_id]
    assert smtp_server.message_ids() == [message_id]
    assert row(engine, message_id).attempts == 3


def test_temporary_refusal_gives_up_after_five_days(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine)
    smtp_server.reject(452, recipient=TEAM)
    assert deliver_due(engine, settings, NOW + timedelta(days=5)).failed == [message_id]
    failed = row(engine, message_id)
    assert failed.status == "gagal"
    assert (
        failed.last_error
        == "gave up after 1 attempts: 1 of 1 recipients refused: #1 452 4.2.2 Mailbox full"
    )


def test_permanent_refusal_fails_the_message(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine, to=(SITI,))
    smtp_server.reject(550, recipient=SITI)

    assert deliver_due(engine, settings, NOW).failed == [message_id]
    failed = row(engine, message_id)
    assert failed.status == "gagal"
    assert failed.last_error is not None and "550 5.1.1" in failed.last_error
    assert SITI not in failed.last_error
    assert deliver_due(engine, settings, NOW + timedelta(days=1)) == DeliveryReport()
    assert smtp_server.received == []


def test_refused_data_fails_the_message(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    first, second = queue(engine, 1), queue(engine, 2)
    smtp_server.reject(554)
    assert deliver_due(engine, settings, NOW).failed == [first, second]
    assert row(engine, first).last_error == "DATA: 554 5.6.0 Transaction failed"


def test_partial_refusal_delivers_to_the_others_and_counts_as_sent(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine, to=(TEAM, SITI))
    smtp_server.reject(550, recipient=SITI)

    with caplog.at_level(logging.DEBUG, logger="aduan"):
        assert deliver_due(engine, settings, NOW).sent == [message_id]
    [got] = smtp_server.received
    assert got.rcpt_tos == (TEAM,)
    sent = row(engine, message_id)
    assert sent.status == "terkirim"
    assert sent.last_error == (
        "delivered, but 1 of 2 recipients refused: #2 550 5.1.1 Mailbox unavailable"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("aduan"))
    assert message_id in logged
    assert SITI not in logged and TEAM not in logged


def test_wrong_password_is_a_typed_error_and_the_rows_wait(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path, password="salah")
    message_id = queue(engine)

    with pytest.raises(SmtpUnavailable, match="login refused") as raised:
        deliver_due(engine, settings, NOW)
    assert raised.value.exit_code == 3
    waiting = row(engine, message_id)
    assert waiting.status == "antri" and waiting.next_attempt_at > NOW
    assert waiting.last_error is not None and "password_file" in waiting.last_error
    assert smtp_server.user not in str(raised.value)

    good = smtp_settings(smtp_server, tmp_path)
    assert deliver_due(engine, good, NOW + timedelta(minutes=1)).sent == [message_id]


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_untrusted_certificate_is_a_typed_error_naming_ca_file(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path, security: str
) -> None:
    port = smtp_server.port if security == "starttls" else smtp_server.tls_port
    settings = smtp_settings(smtp_server, tmp_path, ca_file=None, security=security, port=port)
    message_id = queue(engine)

    with pytest.raises(SmtpUnavailable, match=r"certificate not trusted.*ca_file"):
        deliver_due(engine, settings, NOW)
    assert row(engine, message_id).status == "antri"
    assert smtp_server.received == []


def test_crash_between_send_and_mark_resends_the_same_message_id_once(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    message_id = queue(engine)

    def crash(*_args: object) -> None:
        raise SimulatedCrash

    with monkeypatch.context() as patched:
        patched.setattr(outbox, "_record", crash)
        with pytest.raises(SimulatedCrash):
            deliver_due(engine, settings, NOW)
    assert row(engine, message_id).next_attempt_at == NOW + outbox.LEASE
    assert (
        deliver_due(engine, settings, NOW + outbox.LEASE - timedelta(seconds=1)) == DeliveryReport()
    )

    after_lease = NOW + outbox.LEASE
    assert deliver_due(engine, settings, after_lease).sent == [message_id]
    assert deliver_due(engine, settings, after_lease + timedelta(days=1)) == DeliveryReport()
    assert smtp_server.message_ids() == [message_id, message_id]


def test_two_concurrent_runs_send_each_message_exactly_once(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    queued = [queue(engine, n) for n in range(1, 31)]
    start = threading.Barrier(2)
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(10)
            while (report := deliver_due(engine, settings, NOW, limit=4)).sent:
                reports.append(report)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    assert Counter(smtp_server.message_ids()) == Counter(queued)
    assert sorted(m for r in reports for m in r.sent) == sorted(queued)
    with Session(engine) as session:
        statuses = set(session.exec(select(OutboxMessage.status)))
    assert statuses == {"terkirim"}


# --- directory transport ----------------------------------------------------------------


def test_directory_transport_writes_one_parseable_eml_per_message(
    engine: Engine, tmp_path: Path
) -> None:
    settings = directory_settings(tmp_path)
    queued = [queue(engine, 1), queue(engine, 2, bcc=ARCHIVE)]

    assert deliver_due(engine, settings, NOW).sent == queued
    folder = settings.smtp.outbox_dir
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [
        "eskalasi.ADU-2026-11-0001.1@puskesmas.example.eml",
        "eskalasi.ADU-2026-11-0002.1@puskesmas.example.eml",
    ]
    for path, message_id in zip(files, queued, strict=True):
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert str(parsed["Message-ID"]) == message_id
        assert parsed["Bcc"] is None
        assert path.read_bytes() == row(engine, message_id).raw

    assert deliver_due(engine, settings, NOW + timedelta(days=1)) == DeliveryReport()
    assert sorted(folder.iterdir()) == files


def test_directory_transport_rewrites_the_same_file_after_a_crash(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = directory_settings(tmp_path)
    message_id = queue(engine)
    with monkeypatch.context() as patched:
        patched.setattr(outbox, "_record", lambda *_: (_ for _ in ()).throw(SimulatedCrash()))
        with pytest.raises(SimulatedCrash):
            deliver_due(engine, settings, NOW)
    assert deliver_due(engine, settings, NOW + outbox.LEASE).sent == [message_id]
    [only] = settings.smtp.outbox_dir.iterdir()
    assert only.read_bytes() == row(engine, message_id).raw


def test_unwritable_outbox_dir_is_a_typed_error_and_the_rows_wait(
    engine: Engine, tmp_path: Path
) -> None:
    settings = directory_settings(tmp_path)
    settings.smtp.outbox_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.smtp.outbox_dir.write_text("a file where the folder should be")
    message_id = queue(engine)
    with pytest.raises(SmtpUnavailable, match="outbox_dir"):
        deliver_due(engine, settings, NOW)
    assert row(engine, message_id).status == "antri"


def test_a_run_near_the_end_of_its_lease_gives_the_rest_back(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = directory_settings(tmp_path)
    message_id = queue(engine)
    monkeypatch.setattr(outbox, "_LEASE_GUARD_SECONDS", -1.0)
    assert deliver_due(engine, settings, NOW) == DeliveryReport()
    back = row(engine, message_id)
    assert (back.status, back.attempts, back.next_attempt_at) == ("antri", 0, NOW)
    assert list(settings.smtp.outbox_dir.iterdir()) == []


def crash_after_claiming(engine: Engine, settings: Settings, claimant: str) -> str:
    """A delivery run killed right after its claim, as if by `claimant`."""
    message_id = queue(engine)
    with pytest.MonkeyPatch.context() as patched:

        def crash(*_args: object) -> None:
            raise SimulatedCrash

        patched.setattr(outbox, "_open_transport", crash)
        patched.setattr(outbox, "_claimant", lambda: claimant)
        with pytest.raises(SimulatedCrash):
            deliver_due(engine, settings, NOW)
    return message_id


def test_rows_claimed_by_a_process_that_died_are_due_at_once(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    host, boot, _ = outbox._claimant().split(" ")
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that ran here and is gone
    message_id = crash_after_claiming(engine, settings, f"{host} {boot} {dead.pid}")
    assert row(engine, message_id).next_attempt_at == NOW + outbox.LEASE
    assert outbox.release_orphans(engine, NOW) == 1
    assert deliver_due(engine, settings, NOW).sent == [message_id]


@pytest.mark.parametrize(
    "who",
    ["alive", "other host"],
)
def test_a_living_or_remote_claimer_keeps_its_lease(
    who: str, engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    host, boot, pid = outbox._claimant().split(" ")
    claimant = f"{host} {boot} {pid}" if who == "alive" else f"elsewhere {boot} 1"
    message_id = crash_after_claiming(engine, settings, claimant)
    assert outbox.release_orphans(engine, NOW) == 0
    assert deliver_due(engine, settings, NOW) == DeliveryReport()
    assert row(engine, message_id).status == "antri"


def test_a_claim_from_before_the_last_boot_is_an_orphan(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = smtp_settings(smtp_server, tmp_path)
    host, _, pid = outbox._claimant().split(" ")
    crash_after_claiming(engine, settings, f"{host} an-earlier-boot {pid}")
    assert outbox.release_orphans(engine, NOW) == 1
