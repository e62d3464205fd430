"""Mailbox → register throughput against mail-parser's own parse rate, measured in one run.

    .venv/bin/python bench/mail_intake.py [--n 10000]

(a) the raw `mailparser.parse_from_bytes` rate on the generated mails, in this process;
(b) a fresh process runs one `aduan run --once` pass over the same mails APPENDed to a
    loopback Dovecot, until every one is a committed register entry (or skipped/quarantined),
    and reports its peak RSS after 2,000 mails and at the end.
Prints (b)/(a) (target ≥ 0.5) and the RSS figures (target ≤ 150 MB and flat).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mailparser  # noqa: E402

from bench.mailgen import generate_mails  # noqa: E402
from tests.servers.dovecot import Dovecot  # noqa: E402

RSS_CHECKPOINT = 2000
# As deployed: each entry is escalated (or digested) and acknowledged in its intake
# transaction; the outbox writes .eml files (no SMTP server here).
ESCALATION = '[escalation]\nquality_team = ["mutu@localhost"]\nhead = ["kapus@localhost"]\n'
# The spine's own figure: mailbox → committed entries, no outgoing mail composed.
NO_MAIL = "[escalation]\nacknowledge = false\n"

# Runs in a fresh process so its memory is the daemon's, not this script's corpus.
INTAKE = """
import json, sys, time
from pathlib import Path
from aduan.daemon.config import load_settings
from aduan.daemon.runtime import Runtime
from aduan.daemon.service import run_pass

def peak_rss_kb():
    # VmHWM, not getrusage's ru_maxrss: that one keeps the parent's peak across fork + exec,
    # so it would report the benchmark's corpus, not the daemon.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

runtime = Runtime.open(load_settings(Path(sys.argv[1])))
checkpoint = int(sys.argv[2])
seen = 0
rss_at_checkpoint = None
record = runtime.intake.record_mails

def counting(batch):
    global seen, rss_at_checkpoint
    results = record(batch)
    seen += len(batch.items)
    if rss_at_checkpoint is None and seen >= checkpoint:
        rss_at_checkpoint = peak_rss_kb()
    return results

runtime.intake.record_mails = counting
source = next(s for s in runtime.sources() if s.name.startswith("imap:"))
start = time.perf_counter()
report = source.poll(runtime.intake, lambda: False)  # (b): mailbox → committed entries
elapsed = time.perf_counter() - start
outcomes = dict(report.outcomes)
start = time.perf_counter()
result = run_pass(runtime)  # then the rest of a pass: deadlines, and the outbox delivered
delivery_seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": elapsed, "outcomes": outcomes, "failures": [str(f) for f in result.failures],
    "delivery_seconds": delivery_seconds,
    "queued": sum(r.outcomes["sent"] for r in result.reports if r.source == "smtp"),
    "rss_checkpoint_kb": rss_at_checkpoint,
    "rss_end_kb": peak_rss_kb(),
}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--escalation",
        action="store_true",
        help="also escalate and acknowledge every entry in its intake transaction",
    )
    args = parser.parse_args()

    mails = list(generate_mails(args.n, seed=args.seed))
    size_mb = sum(map(len, mails)) / 1e6
    print(f"corpus: {len(mails)} mails, {size_mb:.1f} MB")

    start = time.perf_counter()
    for raw in mails:
        mailparser.parse_from_bytes(raw)
    parse_rate = len(mails) / (time.perf_counter() - start)
    print(f"(a) mail-parser alone: {parse_rate:,.0f} mails/s")

    with (
        tempfile.TemporaryDirectory(prefix="aduan-bench-") as tmp,
        Dovecot.start(Path(tmp) / "imap") as imap,
    ):
        user, password = imap.add_user()
        imap.append(user, password, mails)
        del mails
        config = Path(tmp) / "aduan.toml"
        config.write_text(
            '[database]\nurl = "sqlite:///var/aduan.db"\n'
            f'[mailbox]\nhost = "127.0.0.1"\nport = {imap.port}\nsecurity = "none"\n'
            f'username = "{user}"\npassword = "{password}"\ndone_folder = "Aduan/Diproses"\n'
            + (ESCALATION if args.escalation else NO_MAIL)
        )
        proc = subprocess.run(
            [sys.executable, "-c", INTAKE, str(config), str(RSS_CHECKPOINT)],
            capture_output=True,
            text=True,
            check=True,
        )
        stats = json.loads(proc.stdout.strip().splitlines()[-1])
        left = imap.folder_count(user, password, "INBOX")

    handled = sum(stats["outcomes"].values())
    intake_rate = handled / stats["seconds"]
    counts = stats["outcomes"]
    print(f"(b) mailbox → register: {intake_rate:,.0f} mails/s ({counts}, {left} left in INBOX)")

    print(f"ratio (b)/(a): {intake_rate / parse_rate:.2f}   (target ≥ 0.5)")
    print(
        f"then: {stats['queued']} outgoing mails written to the outbox folder in "
        f"{stats['delivery_seconds']:.1f} s"
    )
    print(
        f"peak RSS: {stats['rss_checkpoint_kb'] / 1024:.0f} MB after {RSS_CHECKPOINT} mails, "
        f"{stats['rss_end_kb'] / 1024:.0f} MB after {handled}   (target ≤ 150 MB, flat)"
    )
    return 0 if handled == args.n and left == 0 and not stats["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
