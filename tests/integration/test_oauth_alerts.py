"""Login trouble is loud: one journal line when it starts, a line in `status`, and after
`[alerts] after_minutes` a mail to the head (and the admin) at most once a day, through
whatever still works. Real Dovecot (OAuth2), real aiosmtpd, an injected clock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlmodel import Session, select

from aduan.daemon.alerts import TroubleBook, describe_problem
from aduan.daemon.outbox import eml_name
from aduan.daemon.service import run_pass
from aduan.models.tables import OutboxMessage
from tests.integration.test_oauth import HEAD, OAuthSetup, make_setup
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.servers.oauth import OAuthProvider
from tests.servers.smtp import SmtpServer
from tests.support import aduan, write_config

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
ADMIN = "it@dinkes.example"
DOMAIN = "puskesmas.example"
ALERTS = f'[alerts]\nadmin = ["{ADMIN}"]\n'


def smtp_lines(server: SmtpServer, password: str | None = None) -> list[str]:
    return [
        f'host = "{server.host}"',
        f"port = {server.port}",
        'security = "starttls"',
        f'ca_file = "{server.ca_file}"',
        f'username = "{server.user}"',
        f'password = "{password or server.password}"',
    ]


def trouble_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.ERROR and "login trouble (" in r.getMessage()
    ]


def revoked(setup: OAuthSetup) -> None:
    setup.seed()
    setup.provider.revoke_user(setup.user)


def test_lasting_trouble_is_mailed_once_a_day_and_its_end_too(
    tmp_path: Path,
    oauth_dovecot: Dovecot,
    oauth_provider: OAuthProvider,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = make_setup(
        tmp_path, oauth_dovecot, oauth_provider, START, smtp=smtp_lines(smtp_server), extra=ALERTS
    )
    revoked(setup)
    runtime = setup.runtime()
    clock = setup.clock
    caplog.set_level(logging.INFO)

    run_pass(runtime)
    assert len(trouble_errors(caplog)) == 1  # the journal hears it once…
    clock.now = START + timedelta(minutes=30)
    run_pass(runtime)
    assert len(trouble_errors(caplog)) == 1  # …not at every poll
    assert smtp_server.received == []  # and nobody is mailed within the grace period
    problem = TroubleBook.of(setup.settings).problems()["imap:INBOX"]
    line = describe_problem(problem, clock(), "id", setup.settings.facility.tz)
    assert "GANGGUAN (izin OAuth2) sejak 2026-11-23 08:00, sudah 30 menit" in line
    assert "`aduan mailbox authorize`" in line

    clock.now = START + timedelta(minutes=61)
    run_pass(runtime)
    (alert,) = [r.message() for r in smtp_server.wait_for(1)]
    assert alert["Message-ID"] == f"<gangguan.imap.2026-11-23@{DOMAIN}>"
    assert {a.addr_spec for a in alert["To"].addresses} == {HEAD, ADMIN}
    assert alert["Auto-Submitted"] == "auto-generated"
    assert alert["Subject"].startswith("[GANGGUAN] aduan tidak bisa membaca kotak surat")
    body = alert.get_content()
    assert "`aduan mailbox authorize`" in body and "sudah 1 jam 1 menit" in body

    clock.now = START + timedelta(hours=5)
    run_pass(runtime)
    assert len(smtp_server.received) == 1  # not again the same day

    clock.now = START + timedelta(days=1)
    run_pass(runtime)
    second = smtp_server.wait_for(2)[-1].message()
    assert second["Message-ID"] == f"<gangguan.imap.2026-11-24@{DOMAIN}>"

    setup.seed()  # somebody ran `aduan mailbox authorize`
    clock.now = START + timedelta(days=1, minutes=5)
    result = run_pass(runtime)
    assert not result.failures, result.failures
    note = smtp_server.wait_for(3)[-1].message()
    assert note["Message-ID"] == f"<pulih.imap.20261123T010000@{DOMAIN}>"
    assert note["Subject"].startswith("[PULIH]")
    assert TroubleBook.of(setup.settings).problems() == {}
    clock.now = START + timedelta(days=1, hours=2)
    run_pass(runtime)
    assert len(smtp_server.received) == 3


def test_with_smtp_broken_too_the_alerts_land_in_outbox_dir(
    tmp_path: Path,
    oauth_dovecot: Dovecot,
    oauth_provider: OAuthProvider,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = make_setup(
        tmp_path,
        oauth_dovecot,
        oauth_provider,
        START,
        smtp=smtp_lines(smtp_server, password="salah"),
        extra=ALERTS,
    )
    revoked(setup)
    runtime = setup.runtime()
    clock = setup.clock
    outbox_dir = setup.settings.smtp.outbox_dir
    caplog.set_level(logging.INFO)

    run_pass(runtime)  # IMAP in trouble; SMTP not tried yet: nothing to send
    clock.now = START + timedelta(minutes=61)
    run_pass(runtime)  # the IMAP alert is queued, and SMTP refuses the login
    imap_alert = outbox_dir / eml_name(f"<gangguan.imap.2026-11-23@{DOMAIN}>")
    assert not imap_alert.exists()

    clock.now = START + timedelta(minutes=62)
    run_pass(runtime)  # SMTP is down: a copy of the waiting alert goes to outbox_dir
    assert imap_alert.exists()
    parsed = BytesParser(policy=policy.default).parsebytes(imap_alert.read_bytes())
    assert parsed["To"] is not None and ADMIN in str(parsed["To"])

    clock.now = START + timedelta(minutes=122)
    run_pass(runtime)  # SMTP's own trouble has lasted an hour: only outbox_dir can take it
    smtp_alert = outbox_dir / eml_name(f"<gangguan.smtp.2026-11-23@{DOMAIN}>")
    assert smtp_alert.exists()
    parsed = BytesParser(policy=policy.default).parsebytes(smtp_alert.read_bytes())
    assert "[GANGGUAN] aduan tidak bisa mengirim surel" in str(parsed["Subject"])
    assert "server menolak login" in parsed.get_content()
    written = [r.getMessage() for r in caplog.records if "written to" in r.getMessage()]
    assert len(written) == 2 and all(str(outbox_dir) in w for w in written)
    with Session(runtime.engine) as session:
        queued = session.exec(select(OutboxMessage.message_id)).all()
    assert queued == [f"<gangguan.imap.2026-11-23@{DOMAIN}>"]  # SMTP's alert is not queued
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("change", "kind", "fix"),
    [
        ('folder = "Pengaduan"', "folder tidak ada", "[mailbox] folder"),
        ("", "login ditolak", "password_file"),
    ],
)
def test_a_missing_folder_or_a_refused_password_is_trouble_too(
    imap_account: ImapAccount,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: str,
    kind: str,
    fix: str,
) -> None:
    config = write_config(tmp_path, imap_account, mailbox_extra=change)
    if not change:
        config.write_text(config.read_text().replace(imap_account.password, "salah"))
    assert aduan(capsys, config, "run", "--once").code == 3
    status = aduan(capsys, config, "status")
    (line,) = [x for x in status.out.splitlines() if "GANGGUAN" in x]
    assert f"({kind})" in line and fix in line
