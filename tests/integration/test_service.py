"""`aduan run` as `make run` starts it: embedded default, foreground, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mailcorpus import make_mail
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.servers.smtp import SmtpServer
from tests.slipgen import generate, load_corpus
from tests.support import aduan, entries, write_config


def wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def registered(cwd: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "aduan.daemon", "register", "list", "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return len(json.loads(out))


def test_run_on_the_embedded_default_registers_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ADUAN_CONFIG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aduan.daemon", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        new = tmp_path / "var" / "maildir" / "new"
        wait_until(new.is_dir)
        (new / "1.eml").write_bytes(make_mail(subject="Antrian lama"))
        wait_until(lambda: registered(tmp_path) == 1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "var/maildir/new" in err  # tells the user where to put mail
    assert (tmp_path / "var" / "aduan.db").exists()


def test_log_holds_no_names_addresses_or_complaint_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "aduan.toml"
    config.write_text('[database]\nurl = "sqlite:///var/a.db"\n[maildir]\npath = "md"\n')
    new = tmp_path / "md" / "new"
    new.mkdir(parents=True)
    secrets = [
        "Wahyuningsih Rahayu",
        "wahyu.rahayu@example.id",
        "0812-7788-9900",
        "obat salah dosis",
    ]
    body = f"Saya {secrets[0]}, HP {secrets[2]}. Anak saya diberi {secrets[3]}."
    (new / "a.eml").write_bytes(
        make_mail(sender=f"{secrets[0]} <{secrets[1]}>", subject="Keluhan farmasi", body=body)
    )
    (new / "b.eml").write_bytes(b"not a mail " + secrets[0].encode())
    result = aduan(capsys, config, "--log-level", "DEBUG", "run", "--once")
    assert result.code == 0
    assert len(entries(capsys, config)) == 1
    logged = result.err
    assert "registered" in logged and "quarantined" in logged
    for secret in secrets:
        assert secret not in logged


class Daemon:
    """`aduan run` in a child process, as systemd would start it."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aduan.daemon", "--config", str(config), "run"],
            cwd=config.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def registered(self) -> int:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "aduan.daemon",
                "--config",
                str(self.config),
                "register",
                "list",
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return len(json.loads(out))

    def stop(self) -> tuple[int, str, float]:
        """SIGTERM; the exit code, the log and how long the exit took."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return self.proc.returncode, err, time.monotonic() - started


def test_imap_idle_wakes_intake_long_before_the_next_poll(
    dovecot: Dovecot, imap_account: ImapAccount, tmp_path: Path
) -> None:
    acct = imap_account
    config = write_config(tmp_path, acct, mailbox_extra="poll_seconds = 600")
    daemon = Daemon(config)
    try:
        wait_until(lambda: daemon.registered() == 0)
        time.sleep(1.5)  # the first poll is done and IDLE is on
        started = time.monotonic()
        dovecot.append(acct.user, acct.password, [make_mail(subject="Antrian lama")])
        wait_until(lambda: daemon.registered() == 1, timeout=20)
        latency = time.monotonic() - started
    finally:
        code, err, took = daemon.stop()
    assert code == 0, err
    assert latency < 10, latency  # polling alone would take 600 s
    assert took < 10


def test_a_hung_smtp_server_holds_up_neither_intake_nor_the_stop(tmp_path: Path) -> None:
    # Accepts connections and never says a word: each delivery attempt hangs until timeout.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    config = tmp_path / "aduan.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///var/a.db"\n[maildir]\npath = "md"\npoll_seconds = 1\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout_seconds = 90\n'
    )
    new = tmp_path / "md" / "new"
    new.mkdir(parents=True)
    (new / "1.eml").write_bytes(make_mail(subject="Obat habis"))
    daemon = Daemon(config)
    try:
        wait_until(lambda: daemon.registered() == 1, timeout=30)
        time.sleep(1.0)  # the escalation's delivery is now hanging on the silent server
        (new / "2.eml").write_bytes(make_mail(subject="Toilet kotor"))
        wait_until(lambda: daemon.registered() == 2, timeout=15)
    finally:
        code, err, took = daemon.stop()
        silent.close()
    assert code == 0, err
    assert took < 10.5, took


def test_sighup_reloads_the_config_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "aduan.toml"
    good = '[database]\nurl = "sqlite:///var/a.db"\n[maildir]\npath = "md"\npoll_seconds = 1\n'
    config.write_text(good)
    (tmp_path / "md" / "new").mkdir(parents=True)
    (tmp_path / "md2" / "new").mkdir(parents=True)
    daemon = Daemon(config)
    try:
        (tmp_path / "md" / "new" / "1.eml").write_bytes(make_mail(subject="Satu"))
        wait_until(lambda: daemon.registered() == 1)
        config.write_text(good + "[facility]\nunknown_key = 1\n")
        daemon.proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert daemon.proc.poll() is None  # a broken config does not stop the service
        config.write_text(good.replace('"md"', '"md2"'))
        daemon.proc.send_signal(signal.SIGHUP)
        (tmp_path / "md2" / "new" / "2.eml").write_bytes(make_mail(subject="Dua"))
        wait_until(lambda: daemon.registered() == 2)
    finally:
        code, err, _ = daemon.stop()
    assert code == 0, err
    assert "unknown_key" in err and "old one stays in use" in err
    assert "reloading the config" in err


def test_a_whole_run_at_debug_logs_no_personal_data(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    """Mail through IMAP, slips through OCR, escalations through SMTP, replies, quarantine:
    the whole log at DEBUG holds none of the names, contacts, addresses or texts."""
    acct = imap_account
    people = [s for s in load_corpus() if s.category == "clean"][:6]
    mails = [
        make_mail(
            sender=f"{p.name} <{(p.name or 'x').split()[0].lower()}.{i}@example.id>",
            subject=f"Keluhan dari {p.name}",
            body=f"Saya {p.name}, alamat {p.address}, HP {p.contact_written}. {p.body}",
        )
        for i, p in enumerate(people)
    ]
    mails.append(b"not a mail at all, from " + (people[0].name or "").encode())
    dovecot.append(acct.user, acct.password, mails)
    inbox = tmp_path / "masuk"
    inbox.mkdir()
    for i, p in enumerate(people[:3]):
        (inbox / f"scan-{i}.png").write_bytes(generate(p))
    config = write_config(
        tmp_path,
        acct,
        extra=(
            '[scans]\ninbox = "masuk"\nsettle_seconds = 0\n'
            f"{smtp_server.config()}\n"
            '[escalation]\nquality_team = ["mutu@puskesmas.example"]\n'
        ),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aduan.daemon",
            "--config",
            str(config),
            "--log-level",
            "DEBUG",
            "run",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def done() -> bool:
        st = json.loads(
            subprocess.run(
                [sys.executable, "-m", "aduan.daemon", "--config", str(config), "status", "--json"],
                capture_output=True,
                check=True,
            ).stdout
        )
        # Every mail and slip registered (one quarantined), every escalation sent.
        return bool(st["entries"] == 9 and st["quarantine"] == 1 and st["outbox_waiting"] == 0)

    try:
        wait_until(done, timeout=90)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, log = proc.communicate(timeout=20)
    assert "registered" in log and "quarantined" in log
    assert smtp_server.received  # escalations went out, through the logged SMTP code
    secrets: set[str] = set()
    for p in people:
        for value in (p.name, p.address, p.contact, p.contact_written, p.body):
            if value:
                secrets.add(value)
        secrets.update(part for part in (p.name or "").split() if len(part) > 3)
        secrets.add((p.contact or "")[3:])  # the number without +62, in any writing
    leaked = sorted(s for s in secrets if s and s in log)
    assert leaked == []
