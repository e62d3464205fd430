"""Power cuts and outages: `aduan run` killed with SIGKILL at random moments, Dovecot
restarted mid-fetch, the SMTP server down for a while, the disk full — and still every mail
and slip is exactly one entry, every escalation is sent once, nothing handled is left behind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, func, select

from aduan.daemon.config import load_settings
from aduan.daemon.runtime import Runtime
from aduan.daemon.service import run_pass
from aduan.models.tables import Entry, OutboxMessage, ProcessedItem
from tests.mailcorpus import make_mail
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.servers.smtp import SmtpServer
from tests.slipgen import generate, load_corpus
from tests.support import write_config

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]

DONE = "Aduan/Diproses"
KILLS = 30
BODIES = (
    "Antrian di pendaftaran lama sekali, petugas tidak ramah.",
    "Obat di apotek sering kosong, saya harus beli di luar.",
    "Anak saya kejang di UGD tapi tidak ditangani, disuruh menunggu.",
    "Toilet di ruang tunggu kotor dan bau.",
    "Terima kasih, bidan di KIA sangat sabar.",
)


def complaint_mails(n: int, tag: str) -> list[bytes]:
    return [
        make_mail(
            subject=f"Masukan {tag}{i}",
            body=f"{BODIES[i % len(BODIES)]} (nomor {tag}{i})",
            sender=f"Warga {i} <warga{i}.{tag}@example.id>",
        )
        for i in range(n)
    ]


def slip_files(n: int) -> list[bytes]:
    usable = [s for s in load_corpus() if s.category == "clean"]
    return [generate(replace(usable[i % len(usable)], seed=5000 + i)) for i in range(n)]


def config_for(tmp_path: Path, account: ImapAccount, smtp: SmtpServer, database_url: str) -> Path:
    return write_config(
        tmp_path,
        account,
        database_url=database_url,
        done_folder=DONE,
        mailbox_extra="poll_seconds = 5\nbatch_size = 50",
        extra="\n".join(
            [
                "[scans]",
                'inbox = "masuk"',
                'done = "selesai"',
                "settle_seconds = 0",
                "poll_seconds = 5",
                smtp.config(),
                "timeout_seconds = 5",
                "[escalation]",
                'quality_team = ["mutu@puskesmas.example"]',
                'head = ["kapus@puskesmas.example"]',
                "digest_times = []",
            ]
        ),
    )


def start(config: Path) -> subprocess.Popen[bytes]:
    # A session of its own: SIGKILL to the group takes the OCR workers down too, as a power
    # cut would.
    return subprocess.Popen(
        [sys.executable, "-m", "aduan.daemon", "--config", str(config), "run"],
        cwd=config.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            kill(proc)


def status(config: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "aduan.daemon", "--config", str(config), "status", "--json"],
        capture_output=True,
        check=True,
    ).stdout
    data: dict[str, Any] = json.loads(out)
    return data


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("not done in time")
        time.sleep(0.5)


def register(config: Path) -> tuple[list[Entry], list[OutboxMessage]]:
    runtime = Runtime.open(load_settings(config))
    try:
        with Session(runtime.engine) as session:
            entries = list(session.exec(select(Entry).order_by(col(Entry.id))))
            outbox = list(session.exec(select(OutboxMessage)))
    finally:
        runtime.close()
    return entries, outbox


def assert_exactly_once(
    entries: list[Entry],
    outbox: list[OutboxMessage],
    smtp: SmtpServer,
    mails: int,
    slips: int,
    in_flight: int,
) -> None:
    assert len(entries) == mails + slips
    assert len({e.source_id for e in entries}) == mails + slips
    assert Counter(e.channel for e in entries) == Counter(email=mails, kotak_saran=slips)
    numbers = sorted(int(e.register_no.rsplit("-", 1)[1]) for e in entries)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # no gap, no twin
    assert [(m.message_id, m.status) for m in outbox if m.status != "terkirim"] == []
    received = Counter(smtp.message_ids())
    assert set(received) == {m.message_id for m in outbox}
    # A send in flight at a kill may repeat, under the same Message-ID: at most one per kill.
    assert sum(n - 1 for n in received.values()) <= in_flight


def test_kill_9_at_random_moments_loses_and_doubles_nothing(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
    database_url: str,
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, complaint_mails(1000, "k"))
    config = config_for(tmp_path, acct, smtp_server, database_url)
    inbox = tmp_path / "masuk"
    inbox.mkdir()
    for i, data in enumerate(slip_files(50)):
        (inbox / f"slip-{i:02d}.png").write_bytes(data)

    rng = random.Random(7)
    for _ in range(KILLS):
        proc = start(config)
        time.sleep(rng.uniform(0.5, 4.0))
        kill(proc)

    proc = start(config)
    try:

        def finished() -> bool:
            st = status(config)
            return (
                st["entries"] == 1050
                and st["outbox_waiting"] == 0
                and not any(inbox.iterdir())
                and dovecot.folder_count(acct.user, acct.password, "INBOX") == 0
            )

        wait_for(finished, timeout=300)
    finally:
        assert stop(proc) == 0
    entries, outbox = register(config)
    assert_exactly_once(entries, outbox, smtp_server, mails=1000, slips=50, in_flight=KILLS)
    assert dovecot.folder_count(acct.user, acct.password, DONE) == 1000
    assert len(list((tmp_path / "selesai").iterdir())) == 50


def test_imap_restarts_mid_fetch_and_smtp_down_for_a_while(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    tmp_path: Path,
    database_url: str,
) -> None:
    acct = imap_account
    dovecot.append(acct.user, acct.password, complaint_mails(400, "o"))
    config = config_for(tmp_path, acct, smtp_server, database_url)
    smtp_server.stop()
    proc = start(config)
    try:
        for _ in range(3):
            time.sleep(1.0)
            dovecot.restart()
        wait_for(lambda: status(config)["entries"] == 400, timeout=120)
        st = status(config)
        smtp = next(s for s in st["sources"] if s["source"] == "smtp")
        assert smtp["failing"] and st["outbox_waiting"] > 0  # waiting, and said so
        smtp_server.start()
        wait_for(lambda: status(config)["outbox_waiting"] == 0, timeout=120)
    finally:
        assert stop(proc) == 0
    entries, outbox = register(config)
    assert_exactly_once(entries, outbox, smtp_server, mails=400, slips=0, in_flight=0)
    assert dovecot.folder_count(acct.user, acct.password, "INBOX") == 0


def test_a_full_disk_fails_the_batch_whole_and_the_next_pass_takes_it(
    tmp_path: Path,
) -> None:
    config = tmp_path / "aduan.toml"
    config.write_text('[database]\nurl = "sqlite:///var/a.db"\n[maildir]\npath = "md"\n')
    new = tmp_path / "md" / "new"
    new.mkdir(parents=True)
    for i, data in enumerate(complaint_mails(300, "d")):
        (new / f"{i:03d}.eml").write_bytes(data)
    runtime = Runtime.open(load_settings(config))

    def tiny_disk(dbapi_connection: Any, _record: Any) -> None:
        # SQLite's own "database or disk is full" (SQLITE_FULL), as on a full file system.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 120}")

    runtime.engine.dispose()
    event.listen(runtime.engine, "connect", tiny_disk)
    try:
        with pytest.raises(OperationalError, match="full"):
            run_pass(runtime)
        left = len(os.listdir(new))
        assert 0 < left < 300  # some batches fitted, the one that did not is still there
        with Session(runtime.engine) as session:
            entries = session.exec(select(func.count()).select_from(Entry)).one()
            processed = session.exec(select(func.count()).select_from(ProcessedItem)).one()
        assert entries == processed == 300 - left  # nothing half-written
    finally:
        event.remove(runtime.engine, "connect", tiny_disk)
        runtime.engine.dispose()
    run_pass(runtime)
    with Session(runtime.engine) as session:
        source_ids = session.exec(select(Entry.source_id)).all()
    runtime.close()
    assert len(source_ids) == len(set(source_ids)) == 300
    assert os.listdir(new) == []
