"""The register number is a tracking code: a reporter whose mail program dropped our headers
and the subject's tag still lands on their own entry by quoting it; nobody else does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mailcorpus import make_mail
from tests.support import aduan, entries

SITI = "Siti Rahmawati <siti.rahmawati@example.id>"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(
        '[facility]\nregister_prefix = "PKM"\n[database]\nurl = "sqlite:///var/aduan.db"\n'
        '[maildir]\npath = "md"\n[escalation]\nquality_team = ["mutu@localhost"]\n'
        "digest_times = []\n",
        encoding="utf-8",
    )
    for sub in ("new", "cur", "tmp"):
        (tmp_path / "md" / sub).mkdir(parents=True)
    return path


def deliver(capsys: pytest.CaptureFixture[str], config: Path, name: str, data: bytes) -> None:
    (config.parent / "md" / "new" / name).write_bytes(data)
    assert aduan(capsys, config, "run", "--once").code == 0


def test_a_new_mail_quoting_the_code_continues_the_entry(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deliver(capsys, config, "1.eml", make_mail(sender=SITI))
    (entry,) = entries(capsys, config)
    number = entry["register_no"]
    acknowledgement = next((config.parent / "var" / "outbox").glob("*tanda-terima*.eml"))
    assert f"Kode lacak Anda: {number}".encode() in acknowledgement.read_bytes()

    # A fresh mail (no In-Reply-To, no [tag]) that names the code in its text.
    follow_up = make_mail(
        subject="Tentang pengaduan saya",
        body=f"Selamat siang, menanyakan kode {number.lower()}: sudah ada tindak lanjut?",
        sender=SITI,
    )
    deliver(capsys, config, "2.eml", follow_up)
    assert len(entries(capsys, config)) == 1
    shown = aduan(capsys, config, "--json", "register", "show", number).json()
    replies = [e for e in shown["events"] if e["type"] == "reply"]
    assert len(replies) == 1 and "tindak lanjut" in replies[0]["detail"]

    # Someone else quoting the same number is a new complaint, not a reply on Siti's.
    stranger = make_mail(
        subject=f"Sama seperti {number}",
        body=f"Saya juga mengalami hal yang sama seperti {number}, antrian lama.",
        sender="Budi <budi@example.id>",
    )
    deliver(capsys, config, "3.eml", stranger)
    assert len(entries(capsys, config)) == 2
