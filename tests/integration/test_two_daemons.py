"""Two daemons on one register: every mail is one entry, every outgoing mail is sent once.

A district office may run more than one `aduan` on one PostgreSQL database. Two daemon
processes here run `aduan run --once` passes side by side, round after round, over the same
mails; the register must come out with each mail exactly once under gap-free consecutive
numbers, and the SMTP server (aiosmtpd on loopback) must receive each queued Message-ID
exactly once. The guards are the database's: the unique dedupe key, the counter row locked
by the numbering UPDATE, and the outbox claim (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN
IMMEDIATE on SQLite).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from select import select as wait_readable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from aduan.daemon.escalation import ESCALATION, URGENT
from aduan.daemon.sources import PollReport
from aduan.daemon.status import record_poll_ok
from aduan.models import db
from aduan.models.tables import Entry, Event, OutboxMessage
from tests.mailcorpus import make_mail
from tests.servers.smtp import SmtpServer

pytestmark = pytest.mark.both_databases

ROUNDS = 4
MAILS_PER_ROUND = 12  # under the worker pool's threshold: parsed inline, no worker start-up
PASS_TIMEOUT = 60.0
_COUNT = re.compile(r"([a-z_]+) (\d+)")
_REGISTER_NO = re.compile(r"(?P<series>[A-Z0-9]+-\d{4}-\d{2})-(?P<n>\d{4,})")

# One daemon process: a line on its stdin names a config, and the daemon runs
# `aduan --config CONFIG run --once` in-process; its answer is a line "@@<exit code>" (the
# command prints lines of its own). The imports a first pass makes are made before
# "@@ready", so that the two daemons' passes start together, not seconds of imports apart.
# The processes serve every test of the module: starting one costs seconds, a pass a
# fraction of one.
DAEMON = """
import sys, traceback
import aduan.daemon.service, aduan.daemon.runtime, aduan.parsers.classify.model
from aduan.daemon.cli import main
print("@@ready", flush=True)
for line in sys.stdin:
    try:
        code = main(["--config", line.strip(), "--log-level", "INFO", "run", "--once"])
    except BaseException:
        traceback.print_exc()
        code = "crashed"
    print(f"@@{code}", flush=True)
"""

CONFIG = """
[facility]
name = "Dinas Kesehatan Uji"
[database]
url = "{url}"
[maildir]
path = "{maildir}"
{smtp}
[escalation]
quality_team = ["mutu@dinkes.example"]
head = ["kadinkes@dinkes.example"]
digest_times = []
"""


class Daemon:
    """One `aduan` process of its own, driven a pass at a time."""

    def __init__(self, log_path: Path) -> None:
        """Start the process; `answer()` says "ready" once it is."""
        self.log_path = log_path
        self.printed = ""
        self._unread = b""
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", DAEMON],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )

    def start_pass(self, config: Path) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{config}\n".encode())
        self.proc.stdin.flush()

    def answer(self) -> str:
        """The daemon's next "@@" line, waiting at most PASS_TIMEOUT (a daemon stuck on a
        lock fails the test instead of hanging it); what the command printed before that
        line is in `printed`."""
        self.printed = ""
        deadline = time.monotonic() + PASS_TIMEOUT
        while True:
            line = self._line(deadline)
            if line.startswith("@@"):
                return line[2:].strip()
            self.printed += line

    def _line(self, deadline: float) -> str:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._unread:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not wait_readable([fd], [], [], remaining)[0]:
                pytest.fail(f"daemon gave no answer within {PASS_TIMEOUT} s\n{self.log_tail()}")
            chunk = os.read(fd, 65536)
            if not chunk:
                pytest.fail(f"daemon ended\n{self.log_tail()}")
            self._unread += chunk
        line, _, self._unread = self._unread.partition(b"\n")
        return line.decode() + "\n"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Daemon]]:
    """Two daemon processes for the module's tests."""
    logs = tmp_path_factory.mktemp("daemons")
    pair = [Daemon(logs / f"{name}.log") for name in ("a", "b")]
    try:
        assert [daemon.answer() for daemon in pair] == ["ready", "ready"]
        yield pair
    finally:
        for daemon in pair:
            assert daemon.proc.stdin is not None
            daemon.proc.stdin.close()
        for daemon in pair:
            try:
                daemon.proc.wait(10)
            except subprocess.TimeoutExpired:
                daemon.proc.kill()
                daemon.proc.wait()


@pytest.fixture(params=["same-mails", "shared-maildir"])
def maildirs(request: pytest.FixtureRequest, tmp_path: Path) -> list[Path]:
    """Each daemon's Maildir: copies of the same mails in two, or one for both."""
    if request.param == "shared-maildir":
        return [tmp_path / "md"] * 2
    return [tmp_path / "a" / "md", tmp_path / "b" / "md"]


@pytest.fixture
def configs(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer, maildirs: list[Path]
) -> list[Path]:
    """One config per daemon: the same database and SMTP server, a file store each."""
    paths = []
    for name, maildir in zip(("a", "b"), maildirs, strict=True):
        path = tmp_path / name / "aduan.toml"
        path.parent.mkdir(exist_ok=True)
        smtp = smtp_server.config("Pengaduan <pengaduan@dinkes.example>")
        values = {"url": database_url, "maildir": maildir, "smtp": smtp}
        path.write_text(CONFIG.format(**values), encoding="utf-8")
        paths.append(path)
    return paths


def deliver_mails(folders: list[Path], round_no: int) -> list[str]:
    """MAILS_PER_ROUND new complaints, each from its own sender, into every folder's new/."""
    message_ids = []
    for n in range(MAILS_PER_ROUND):
        key = f"r{round_no}m{n:02d}"
        message_id = f"<{key}@warga.example>"
        data = make_mail(
            subject=f"Antrian lama sekali ({key})",
            sender=f"Warga {key} <warga.{key}@warga.example>",
            message_id=message_id,
        )
        for folder in folders:
            (folder / "new").mkdir(parents=True, exist_ok=True)
            tmp = folder / "tmp" / f"{key}.eml"
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, folder / "new" / f"{key}.eml")  # as a delivery agent does
        message_ids.append(message_id)
    return message_ids


def run_round(daemons: list[Daemon], configs: list[Path]) -> Counter[str]:
    """One `run --once` by each daemon at the same time: what they did, added up."""
    for daemon, config in zip(daemons, configs, strict=True):
        daemon.start_pass(config)
    answers = [daemon.answer() for daemon in daemons]
    assert answers == ["0", "0"], "\n".join(d.log_tail() for d in daemons)
    done: Counter[str] = Counter()
    for daemon in daemons:  # "Selesai: duplicate 12, registered 0, sent 0"
        done.update({k: int(n) for k, n in _COUNT.findall(daemon.printed.partition(":")[2])})
    return done


def check_register(engine: Engine, message_ids: list[str]) -> None:
    """Each mail is one entry; numbers run 1, 2, 3… without gaps; each entry's own events
    (bulk-inserted under the ids the entries' INSERT returned) name its own mail."""
    with Session(engine) as session:
        rows = session.exec(select(Entry.register_no, Entry.source_id)).all()
        registered = session.exec(
            select(Entry.source_id, Event.detail)
            .join(Event, col(Event.entry_id) == col(Entry.id))
            .where(Event.type == "registered")
        ).all()
    assert Counter(source_id for _, source_id in rows) == Counter(message_ids)
    assert sorted(registered) == sorted((m, f"email {m}") for m in message_ids)
    series: dict[str, list[int]] = {}
    for register_no, _ in rows:
        match = _REGISTER_NO.fullmatch(register_no)
        assert match, register_no
        series.setdefault(match["series"], []).append(int(match["n"]))
    # A month may turn during the test: each month's numbers start at 1, without gaps.
    for numbers in series.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def check_outbox(engine: Engine, smtp_server: SmtpServer, entries: int) -> None:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage.message_id, OutboxMessage.status)).all()
        escalated = session.exec(
            select(OutboxMessage.entry_id).where(
                col(OutboxMessage.purpose).in_([ESCALATION, URGENT])
            )
        ).all()
    assert {status for _, status in rows} == {"terkirim"}
    assert len(set(escalated)) == entries
    assert Counter(smtp_server.message_ids()) == Counter(message_id for message_id, _ in rows)


def test_two_daemons_register_each_mail_once_and_send_each_mail_once(
    engine: Engine,
    smtp_server: SmtpServer,
    maildirs: list[Path],
    configs: list[Path],
    daemons: list[Daemon],
) -> None:
    folders = sorted(set(maildirs))
    everything: list[str] = []
    sent = 0
    for round_no in range(ROUNDS):
        everything += deliver_mails(folders, round_no)
        done = run_round(daemons, configs)
        assert done["registered"] == MAILS_PER_ROUND
        sent += done["sent"]
        check_register(engine, everything)
        check_outbox(engine, smtp_server, len(everything))
        assert len(smtp_server.received) == sent
        for folder in folders:
            assert os.listdir(folder / "new") == []


def at_once(calls: list[Callable[[], object]]) -> list[Exception]:
    """Run each call on a thread of its own, all released together; what they raised."""
    barrier = threading.Barrier(len(calls))
    raised: list[Exception] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait(10)
        try:
            call()
        except Exception as exc:
            raised.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return raised


def test_two_daemons_record_the_first_poll_of_a_source_at_once(
    database: str, database_url: str, engine: Engine, request: pytest.FixtureRequest
) -> None:
    other = db.make_engine(database_url)
    now = datetime.now(UTC)
    errors: list[Exception] = []
    for attempt in range(10):  # each time a source not polled before
        report = PollReport(f"maildir-{attempt}")
        errors += at_once([partial(record_poll_ok, e, report, now) for e in (engine, other)])
    other.dispose()
    assert errors == []
