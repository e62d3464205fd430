"""What leaves the building by mail: each recipient class sees its own view, health data is
masked, and a confidential (`rahasia`) entry never puts its words in a mail.

Everything is asserted on what a real SMTP server received, each message whole: every
header, decoded, and every text part, decoded.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from aduan.daemon.config import load_settings
from aduan.daemon.runtime import Runtime
from aduan.daemon.service import run_pass
from tests.servers.smtp import SmtpServer
from tests.support import aduan

TEAM = "mutu@puskesmas.example"
HEAD = "kapus@puskesmas.example"
DINKES = "pengaduan@dinkes.example.go.id"
DOMAIN = "puskesmas.example"
NIK = "3201012301900001"
RECORD = "12-34-56"
URGENT = (
    "Anak saya kejang-kejang di UGD tapi tidak ditangani, malah disuruh menunggu giliran. "
    f"Saya positif HIV, NIK {NIK}, No. RM {RECORD}."
)
NAME, PHONE, STREET = "Rina Marlina", "0812-1111-2222", "Jl. Kenanga No. 7"
SECRET = "Petugas laboratorium membocorkan hasil tes saya kepada tetangga, saya dikucilkan."
SECRET_NAME, SECRET_PHONE = "Dewi Lestari", "0813-2222-3333"
# What of the confidential entry must never be in a mail: its words and its reporter.
SECRET_WORDS = ("membocorkan", "tetangga", "dikucilkan", "hasil tes", "Dewi", "Lestari", "0813")
HEALTH = (NIK, RECORD, "HIV")


def config(tmp_path: Path, smtp: SmtpServer | None) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(
        "\n".join(
            [
                "[facility]",
                'name = "Puskesmas Uji"',
                "[database]",
                'url = "sqlite:///var/aduan.db"',
                smtp.config(f"Pengaduan Puskesmas Uji <pengaduan@{DOMAIN}>") if smtp else "",
                "[escalation]",
                f'quality_team = ["{TEAM}"]',
                f'head = ["{HEAD}"]',
                f'dinkes = ["{DINKES}"]',
                "digest_times = []",
                "[reports]",  # recaps are not what this test is about
                "monthly_day = 0",
                'weekly_day = ""',
                "board_every_days = 0",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def whole(message: EmailMessage) -> str:
    """Every header (decoded) and every text part (decoded) of `message`."""
    parts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def mails(smtp: SmtpServer) -> dict[str, tuple[tuple[str, ...], str]]:
    """Message-ID → (envelope recipients, the whole message as text)."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    for item in smtp.received:
        message = item.message()
        found[str(message["Message-ID"])] = (item.rcpt_tos, whole(message))
    return found


def about(found: dict[str, tuple[tuple[str, ...], str]], number: str) -> dict[str, str]:
    return {mid: text for mid, (_, text) in found.items() if number in mid}


def lacks(text: str, forbidden: tuple[str, ...]) -> None:
    for word in forbidden:
        assert not re.search(re.escape(word), text, re.I), f"{word!r} in:\n{text}"


def add(capsys: pytest.CaptureFixture[str], cfg: Path, *args: str) -> str:
    result = aduan(capsys, cfg, "--json", "register", "add", *args)
    assert result.code == 0, result.err
    return str(result.json()["register_no"])


def test_each_class_sees_its_view_and_a_confidential_entry_only_its_number(
    tmp_path: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path, smtp_server)
    urgent = add(capsys, cfg, "--channel", "telepon", "--text", URGENT, "--name", NAME,
                 "--contact", PHONE, "--address", STREET)  # fmt: skip
    secret = add(capsys, cfg, "--channel", "langsung", "--text", SECRET, "--name", SECRET_NAME,
                 "--contact", SECRET_PHONE, "--rahasia")  # fmt: skip
    assert aduan(capsys, cfg, "run", "--once").code == 0
    sent = mails(smtp_server)

    # The urgent complaint: the team's mail keeps its Message-ID and has the reporter.
    team_rcpt, team = sent[f"<segera.{urgent}@{DOMAIN}>"]
    assert team_rcpt == (TEAM,)
    assert NAME in team and PHONE in team and STREET in team
    assert "kejang-kejang" in team and "[diagnosis disamarkan]" in team
    lacks(team, HEALTH)
    # The head's, in its own message: initials, no contact or address, health data masked.
    head_rcpt, head = sent[f"<segera.{urgent}.kepala@{DOMAIN}>"]
    assert head_rcpt == (HEAD,)
    assert "R. M." in head and "kejang-kejang" in head
    assert f"aduan register show {urgent}" in head
    lacks(head, (*HEALTH, "Rina", "Marlina", PHONE, "1111", "Kenanga"))

    # The confidential entry: its number and how to read it, nothing of it.
    secret_mails = about(sent, secret)
    assert list(secret_mails) == [f"<eskalasi.{secret}@{DOMAIN}>"]
    for text in secret_mails.values():
        assert f"Baca dengan: aduan register show {secret}" in text
        assert f"/entri/{secret}" in text
        assert "laboratorium" in text.lower()  # the unit is told
        lacks(text, SECRET_WORDS)

    # Entries are forwarded once, by the team's mail.
    for number in (urgent, secret):
        shown = aduan(capsys, cfg, "--json", "register", "show", number).json()
        assert shown["status"] == "diteruskan"
        assert [e["type"] for e in shown["events"]].count("forwarded") == 1
        assert shown["confidential"] is (number == secret)
    assert aduan(capsys, cfg, "run", "--once").code == 0
    assert len(smtp_server.received) == len(sent)  # nothing twice

    # Referred to the district office: the problem, nobody, no health data, no secret.
    for number in (urgent, secret):
        referred = aduan(capsys, cfg, "register", "update", number, "--escalate", "dinkes",
                         "--note", "Di luar wewenang Puskesmas")  # fmt: skip
        assert referred.code == 0, referred.err
    assert aduan(capsys, cfg, "run", "--once").code == 0
    sent = mails(smtp_server)
    rcpt, to_dinkes = sent[f"<dinkes.{urgent}.1@{DOMAIN}>"]
    assert rcpt == (DINKES,) and "kejang-kejang" in to_dinkes
    lacks(to_dinkes, (*HEALTH, "Rina", "Marlina", PHONE, "Kenanga"))
    rcpt, secret_referral = sent[f"<dinkes.{secret}.1@{DOMAIN}>"]
    assert rcpt == (DINKES,) and f"sebutkan nomor register {secret}" in secret_referral
    lacks(secret_referral, SECRET_WORDS)

    # Time passes (daytime each day, to the resolution deadline and beyond): reminders and
    # overdue alerts, each class in its view, the secret never in any of them.
    shown = aduan(capsys, cfg, "--json", "register", "show", secret).json()
    resolve = datetime.fromisoformat(shown["due"]["resolve"]).astimezone(UTC)
    clock = _Clock(datetime.combine(datetime.now(UTC).date(), time(3), UTC))  # 10:00 WIB
    runtime = Runtime.open(load_settings(cfg), clock)
    try:
        while clock.now < resolve + timedelta(days=4):
            clock.now += timedelta(days=1)
            run_pass(runtime)
    finally:
        runtime.close()
    sent = mails(smtp_server)
    secret_mails = about(sent, secret)
    purposes = {mid[1:].split(".")[0] for mid in secret_mails}
    assert {"pengingat-resolve", "terlambat-resolve"} <= purposes
    assert f"<terlambat-resolve.{secret}@{DOMAIN}>" in secret_mails  # the head's
    assert f"<terlambat-resolve.{secret}.tim@{DOMAIN}>" in secret_mails  # the team's
    for mid, text in secret_mails.items():
        # Staff get the local command; the district office is told whom to ask.
        where = "sebutkan nomor register" if mid.startswith("<dinkes.") else "aduan register show"
        assert f"{where} {secret}" in text
        lacks(text, SECRET_WORDS)
    for mid, text in about(sent, urgent).items():
        lacks(text, HEALTH)
        if mid.endswith(f".kepala@{DOMAIN}>") or sent[mid][0] == (HEAD,):
            lacks(text, ("Rina", "Marlina", PHONE, "Kenanga"))
    # The weekly recaps list numbers only; the head's has none of the reporters either.
    for mid, (_, text) in sent.items():
        if mid.startswith("<mingguan."):
            lacks(text, (*SECRET_WORDS, *HEALTH, "Rina", PHONE))


def test_rahasia_is_recorded_and_keeps_the_entry_off_the_board_and_the_lapor_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path, None)
    secret = add(capsys, cfg, "--channel", "langsung", "--text", SECRET, "--name", SECRET_NAME)
    plain = add(capsys, cfg, "--channel", "sms", "--text", "Antrian pendaftaran lama sekali.")
    marked = aduan(capsys, cfg, "register", "update", secret, "--rahasia", "--by", "Bu Ani")
    assert marked.code == 0, marked.err
    aduan(capsys, cfg, "register", "update", secret, "--rahasia")  # already: nothing new
    shown = aduan(capsys, cfg, "--json", "register", "show", secret).json()
    assert shown["confidential"] is True
    events = [(e["by"], e["detail"]) for e in shown["events"] if e["type"] == "confidential"]
    assert events == [("Bu Ani", "ya")]
    assert aduan(capsys, cfg, "--json", "register", "show", plain).json()["confidential"] is False

    for number in (secret, plain):
        assert aduan(capsys, cfg, "register", "update", number, "--rtl", "Dibahas").code == 0
    made = aduan(capsys, cfg, "--json", "board", "--out", str(tmp_path), "--format", "html")
    assert made.code == 0, made.err
    assert made.json()["entries"] == [plain]
    (html,) = tmp_path.glob("papan-*.html")
    assert secret not in html.read_text(encoding="utf-8")
    exported = aduan(capsys, cfg, "export", "lapor", "--format", "json", "--with-contact")
    assert [row["nomor_register"] for row in json.loads(exported.out)] == [plain]

    assert aduan(capsys, cfg, "register", "update", secret, "--tidak-rahasia").code == 0
    shown = aduan(capsys, cfg, "--json", "register", "show", secret).json()
    assert shown["confidential"] is False
    assert [e["detail"] for e in shown["events"] if e["type"] == "confidential"] == ["ya", "tidak"]


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
