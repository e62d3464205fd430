"""Openings of the suggestion box: slips belong to the opening they came out at, their clock
starts then, and the slips counted by hand are reconciled with the slips registered."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.slipgen import generate, load_corpus
from tests.support import aduan, entries


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(
        '[facility]\nname = "Puskesmas Contoh"\nregister_prefix = "PKM"\n'
        '[database]\nurl = "sqlite:///var/aduan.db"\n',
        encoding="utf-8",
    )
    return path


def typed_slip(capsys: pytest.CaptureFixture[str], config: Path, text: str) -> str:
    """A slip staff type in from the box (no scanner): the same register path as a scan."""
    result = aduan(capsys, config, "--json", "register", "add", "--channel", "kotak_saran",
                   "--text", text)  # fmt: skip
    assert result.code == 0, result.err
    return str(result.json()["register_no"])


def boxes(capsys: pytest.CaptureFixture[str], config: Path) -> list[dict[str, Any]]:
    result = aduan(capsys, config, "--json", "kotak", "list")
    assert result.code == 0, result.err
    return list(result.json())


def test_scanned_slips_belong_to_the_opening_and_a_missing_one_is_flagged(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    opened = aduan(capsys, config, "kotak", "buka", "--date", "2026-11-20T08:00",
                   "--by", "Rina", "--count", "3")  # fmt: skip
    assert opened.code == 0, opened.err
    assert "3 slip" in opened.out
    spec = next(s for s in load_corpus() if s.category == "clean")
    scan = tmp_path / "slip.png"
    scan.write_bytes(generate(spec))
    os.utime(scan, (1_795_230_000, 1_795_230_000))  # scanned days after the opening
    assert aduan(capsys, config, "scan", str(scan)).code == 0
    typed_slip(capsys, config, "Kursi ruang tunggu kurang.")

    slips = [e for e in entries(capsys, config) if e["channel"] == "kotak_saran"]
    assert len(slips) == 2
    # The clock starts when the box was opened, not when the slip was scanned or typed.
    assert {e["received_at"] for e in slips} == {"2026-11-20T08:00:00+07:00"}
    assert {e["due"]["forward"] for e in slips} == {"2026-11-22T08:00:00+07:00"}
    (box,) = boxes(capsys, config)
    assert (box["counted"], box["registered"], box["state"], box["open"]) == (
        3,
        2,
        "menunggu",
        True,
    )

    status = aduan(capsys, config, "status")
    assert "1 slip belum dipindai" in status.out
    closed = aduan(capsys, config, "kotak", "tutup")
    assert "KURANG 1 slip" in closed.out
    (box,) = boxes(capsys, config)
    assert (box["state"], box["difference"], box["open"]) == ("kurang", -1, False)
    status_json = aduan(capsys, config, "--json", "status").json()
    assert status_json["kotak"][0]["state"] == "kurang"
    # After closing, a slip no longer belongs to it (its clock starts when it is registered).
    late = typed_slip(capsys, config, "Parkir sempit.")
    shown = aduan(capsys, config, "--json", "register", "show", late).json()
    assert shown["received_at"] != "2026-11-20T08:00:00+07:00"


def test_an_extra_slip_is_flagged_and_the_next_opening_closes_the_last(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aduan(capsys, config, "kotak", "buka", "--date", "2026-11-06", "--by", "Rina", "--count", "1")
    typed_slip(capsys, config, "Toilet kotor.")
    typed_slip(capsys, config, "Antrian lama.")
    aduan(capsys, config, "kotak", "buka", "--date", "2026-11-20", "--by", "Budi", "--count", "0")
    newer, older = boxes(capsys, config)
    assert (older["state"], older["difference"], older["open"]) == ("lebih", 1, False)
    assert (newer["state"], newer["open"]) == ("cocok", True)
    assert "LEBIH 1" in aduan(capsys, config, "status").out


def test_an_opening_in_the_future_or_a_negative_count_is_refused(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    future = aduan(capsys, config, "kotak", "buka", "--date", "2099-01-01", "--by", "X",
                   "--count", "2")  # fmt: skip
    assert future.code == 2 and "--date" in future.err
    negative = aduan(capsys, config, "kotak", "buka", "--by", "X", "--count", "-1")
    assert negative.code == 2 and "--count" in negative.err
    nothing = aduan(capsys, config, "kotak", "tutup")
    assert nothing.code == 2 and "kotak list" in nothing.err


def test_a_receipt_carries_the_tracking_code(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    added = aduan(capsys, config, "--json", "register", "add", "--channel", "langsung",
                  "--text", "Petugas loket tidak ramah", "--name", "Siti Aminah")  # fmt: skip
    number = added.json()["register_no"]
    out = tmp_path / "struk.pdf"
    made = aduan(capsys, config, "register", "receipt", number, "--out", str(out))
    assert made.code == 0, made.err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "TANDA TERIMA PENGADUAN" in text and number in text
    assert "Puskesmas Contoh" in text and "Siti Aminah" in text
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert re.search(r"^Pages:\s+1$", pages, re.M)  # one slip of paper
    assert aduan(capsys, config, "register", "receipt", "PKM-2026-01-9999").code == 2


def test_the_monthly_recap_reconciles_each_opening(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    aduan(capsys, config, "kotak", "buka", "--date", "2026-11-02T09:00", "--by", "Rina",
          "--count", "2")  # fmt: skip
    typed_slip(capsys, config, "Kursi ruang tunggu kurang.")
    aduan(capsys, config, "kotak", "tutup")
    out = tmp_path / "laporan"
    made = aduan(capsys, config, "report", "monthly", "--month", "2026-11",
                 "--format", "pdf,xlsx", "--out", str(out))  # fmt: skip
    assert made.code == 0, made.err
    assert "Kotak saran: 1 kali dibuka, 1 dengan selisih slip" in made.out
    text = subprocess.run(["pdftotext", "-layout", str(out / "rekap-bulanan-2026-11.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Pembukaan kotak saran" in text
    assert "KURANG" in text and "Rina" in text
