"""What leaves the Puskesmas for other offices: referral to the district health office (by
real SMTP) and the LAPOR!-SP4N export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.servers.smtp import SmtpServer
from tests.support import aduan, entries

DINKES = "pengaduan@dinkes.example.go.id"
TEAM = "mutu@puskesmas.example"
NIK = "3310012304850002"
PHONE = "0812-3456-7890"
TEXT = (
    f"Saya Bapak Sutrisno, NIK {NIK}, HP {PHONE}. Ibu saya ditolak di UGD karena kartu BPJS "
    "tidak aktif, padahal sesak napas. Mohon ditindaklanjuti."
)


def config(tmp_path: Path, smtp: SmtpServer | None = None, dinkes: bool = True) -> Path:
    lines = [
        "[facility]",
        'name = "Puskesmas Uji"',
        'register_prefix = "PKM"',
        "[database]",
        'url = "sqlite:///var/aduan.db"',
        "[escalation]",
        f'quality_team = ["{TEAM}"]',
        "digest_times = []",
    ]
    if dinkes:
        lines.append(f'dinkes = ["{DINKES}"]')
    if smtp is not None:
        lines.append(smtp.config("Pengaduan Puskesmas Uji <pengaduan@puskesmas.example>"))
    path = tmp_path / "aduan.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def add(capsys: pytest.CaptureFixture[str], cfg: Path, text: str, *extra: str) -> str:
    result = aduan(capsys, cfg, "--json", "register", "add", "--channel", "telepon",
                   "--text", text, *extra)  # fmt: skip
    assert result.code == 0, result.err
    return str(result.json()["register_no"])


def test_referral_to_dinkes_goes_by_mail_without_the_reporter(
    tmp_path: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path, smtp_server)
    no = add(capsys, cfg, TEXT, "--name", "Sutrisno", "--contact", "0813 9999 1111",
             "--address", "Jl. Mawar No. 5 RT 03 RW 04")  # fmt: skip
    assert aduan(capsys, cfg, "register", "update", no, "--rtl", "Klarifikasi ke UGD").code == 0
    referred = aduan(capsys, cfg, "register", "update", no, "--escalate", "dinkes",
                     "--note", "Kebijakan BPJS di luar wewenang Puskesmas")  # fmt: skip
    assert referred.code == 0, referred.err
    assert "Dinas Kesehatan" in referred.out
    assert aduan(capsys, cfg, "run", "--once").code == 0

    to_dinkes = [r for r in smtp_server.received if DINKES in r.rcpt_tos]
    assert len(to_dinkes) == 1
    message = to_dinkes[0].message()
    assert no in str(message["Subject"])
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Klarifikasi ke UGD" in body and "di luar wewenang" in body
    assert "ditolak di UGD" in body
    for personal in ("Sutrisno", "0813 9999 1111", "Mawar", NIK, PHONE):
        assert personal not in body and personal not in str(message["Subject"])
    (entry,) = entries(capsys, cfg)
    shown = aduan(capsys, cfg, "--json", "register", "show", entry["register_no"]).json()
    escalated = [e for e in shown["events"] if e["type"] == "escalated"]
    assert len(escalated) == 1 and "Dinas Kesehatan" in escalated[0]["detail"]
    # A second referral (new developments) is a second mail, not a resend of the first.
    aduan(capsys, cfg, "register", "update", no, "--escalate", "dinkes")
    aduan(capsys, cfg, "run", "--once")
    assert len([r for r in smtp_server.received if DINKES in r.rcpt_tos]) == 2


def test_a_confidential_referral_tells_dinkes_whom_to_ask_not_a_local_command(
    tmp_path: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path, smtp_server)
    no = add(capsys, cfg, TEXT, "--name", "Sutrisno")
    assert aduan(capsys, cfg, "register", "update", no, "--rahasia").code == 0
    assert aduan(capsys, cfg, "register", "update", no, "--escalate", "dinkes").code == 0
    assert aduan(capsys, cfg, "run", "--once").code == 0
    (to_dinkes,) = [r for r in smtp_server.received if DINKES in r.rcpt_tos]
    message = to_dinkes.message()
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "RAHASIA" in str(message["Subject"]) and "ditolak di UGD" not in body
    assert f"sebutkan nomor register {no}" in body
    assert "aduan register show" not in body and "/entri/" not in body


def test_referral_without_an_address_says_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path, dinkes=False)
    no = add(capsys, cfg, "Obat habis terus")
    result = aduan(capsys, cfg, "register", "update", no, "--escalate", "dinkes")
    assert result.code == 2
    assert "[escalation] dinkes" in result.err
    wrong = aduan(capsys, cfg, "register", "update", no, "--escalate", "polisi")
    assert wrong.code == 2 and "dinkes" in wrong.err


def test_lapor_export_lists_unresolved_feedback_anonymously(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path)
    open_no = add(capsys, cfg, TEXT, "--name", "Sutrisno", "--contact", "0813 9999 1111")
    done_no = add(capsys, cfg, "Antrian pendaftaran lama sekali")
    aduan(capsys, cfg, "register", "update", done_no, "--response", "Loket ditambah")
    add(capsys, cfg, "Terima kasih, bidan sangat ramah")  # praise: not for LAPOR!
    out = tmp_path / "lapor.csv"
    result = aduan(capsys, cfg, "export", "lapor", "--out", str(out))
    assert result.code == 0, result.err
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["nomor_register"] for r in rows] == [open_no]
    (row,) = rows
    assert row["klasifikasi"] == "pengaduan" and row["kategori"] == "Kesehatan"
    assert row["lokasi_kejadian"] == "Puskesmas Uji" and row["anonim"] == "ya"
    assert row["kanal_asal"] == "telepon" and row["unit"] == "ugd"
    assert "ditolak di UGD" in row["isi"]
    assert all(p not in data.decode("utf-8-sig") for p in ("Sutrisno", NIK, PHONE, "9999"))

    named = aduan(capsys, cfg, "export", "lapor", "--format", "json", "--with-contact")
    (item,) = json.loads(named.out)
    assert item["nama_pelapor"] == "Sutrisno" and item["anonim"] == "tidak"
    assert NIK in item["isi"]
