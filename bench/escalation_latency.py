"""Urgent complaint APPENDed to the mailbox → escalation accepted by the SMTP server.

    .venv/bin/python bench/escalation_latency.py [--n 50] [--poll 5]

Starts a loopback Dovecot and a loopback SMTP server (aiosmtpd, STARTTLS + AUTH), runs
`aduan run` as the service runs, APPENDs `n` urgent complaints at random moments over a
minute, and prints the p50/p95 of the time until each one's [SEGERA] escalation is accepted
by the SMTP server — once with IMAP IDLE (polling every 60 s as a safety net only), once
with polling alone every `--poll` seconds — and the IDLE/polling ratio. Target: p95 ≤ 5 s
with IDLE.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.parsers.reply import find_tags  # noqa: E402
from tests.mailcorpus import make_mail  # noqa: E402
from tests.servers.dovecot import Dovecot  # noqa: E402
from tests.servers.smtp import Received, SmtpServer  # noqa: E402

URGENT = "Anak saya kejang-kejang di UGD tapi tidak ditangani, malah disuruh menunggu. #{n}"
HEAD = "kapus@puskesmas.example"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--poll", type=int, default=5, help="[mailbox] poll_seconds")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds to spread mail over")
    args = parser.parse_args()
    results = {}
    for mode, poll, idle in (("IDLE", 60, True), ("polling", args.poll, False)):
        latencies = measure(args.n, args.spread, poll, idle)
        p50 = statistics.median(latencies)
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
        results[mode] = (p50, p95)
        print(f"{mode:<8} ({len(latencies)} urgent complaints, poll_seconds = {poll}): ", end="")
        print(f"APPEND → escalation accepted: p50 {p50:.2f} s, p95 {p95:.2f} s")
    (idle50, idle95), (poll50, poll95) = results["IDLE"], results["polling"]
    print(f"IDLE / polling: p50 {idle50 / poll50:.2f}, p95 {idle95 / poll95:.2f}")
    return 0


def measure(n: int, spread: float, poll: int, idle: bool) -> list[float]:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="aduan-latency-") as tmp:
        root = Path(tmp)
        with Dovecot.start(root / "imap") as imap, SmtpServer.started(root) as smtp:
            user, password = imap.add_user()
            config = root / "aduan.toml"
            config.write_text(
                '[database]\nurl = "sqlite:///var/aduan.db"\n'
                f'[mailbox]\nhost = "127.0.0.1"\nport = {imap.port}\nsecurity = "none"\n'
                f'username = "{user}"\npassword = "{password}"\ndone_folder = "Aduan/Diproses"\n'
                f"poll_seconds = {poll}\nidle = {'true' if idle else 'false'}\n"
                f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "starttls"\n'
                f'username = "{smtp.user}"\npassword = "{smtp.password}"\n'
                f'ca_file = "{smtp.ca_file}"\nfrom = "Pengaduan <pengaduan@puskesmas.example>"\n'
                f'[escalation]\nquality_team = ["mutu@puskesmas.example"]\nhead = ["{HEAD}"]\n'
                "acknowledge = false\n"
            )
            env = {**os.environ, "ADUAN_CONFIG": str(config)}
            service = subprocess.Popen(
                [sys.executable, "-m", "aduan.daemon", "run"],
                cwd=root,
                env=env,
                stderr=subprocess.DEVNULL,
            )
            try:
                time.sleep(3)  # the first pass, on an empty mailbox
                appended: dict[str, float] = {}
                start = time.time()
                for i, offset in enumerate(sorted(rng.uniform(0, spread) for _ in range(n))):
                    time.sleep(max(0.0, start + offset - time.time()))
                    subject = f"Darurat {i}"
                    body = URGENT.format(n=i)
                    imap.append(user, password, [make_mail(subject=subject, body=body)])
                    appended[subject] = time.time()
                urgent = wait_for_escalations(smtp, n, timeout=spread + 60 + poll)
            finally:
                service.send_signal(signal.SIGTERM)
                service.wait(timeout=30)
    latencies = []
    for received in urgent:
        subject = str(received.message()["Subject"])
        key = subject.split(": ", 1)[-1]
        if key in appended:
            latencies.append(received.at - appended[key])
    if len(latencies) != n:
        raise SystemExit(f"{mode_name(idle)}: {len(latencies)} of {n} escalations matched")
    return sorted(latencies)


def mode_name(idle: bool) -> str:
    return "IDLE" if idle else "polling"


def wait_for_escalations(smtp: SmtpServer, n: int, timeout: float) -> list[Received]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        urgent = [
            r
            for r in smtp.received
            if HEAD in r.rcpt_tos and find_tags(str(r.message()["Subject"]))
        ]
        if len(urgent) >= n:
            return urgent
        time.sleep(0.2)
    raise SystemExit(f"only {len(urgent)} of {n} escalations arrived in {timeout:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
