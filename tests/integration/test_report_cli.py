"""`aduan report …` and `aduan board` as staff run them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aduan.daemon.config import load_settings
from aduan.daemon.database import open_database
from tests.register_fixture import FixtureRegister, fill_register
from tests.support import aduan

TEAM, HEAD = "mutu@puskesmas.example", "kapus@puskesmas.example"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(
        '[facility]\nname = "Puskesmas Contoh"\n[database]\nurl = "sqlite:///var/aduan.db"\n'
        f'[escalation]\nquality_team = ["{TEAM}"]\nhead = ["{HEAD}"]\ndigest_times = []\n'
        '[smtp]\noutbox_dir = "var/outbox"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def register(config: Path) -> FixtureRegister:
    settings = load_settings(config)
    engine = open_database(settings)
    try:
        return fill_register(engine, settings)
    finally:
        engine.dispose()


def test_monthly_report_in_chosen_formats_and_sent(
    config: Path, register: FixtureRegister, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "keluar"
    made = aduan(capsys, config, "report", "monthly", "--month", register.month,
                 "--format", "pdf,xlsx", "--out", str(out), "--send")  # fmt: skip
    assert made.code == 0, made.err
    assert "Rekapitulasi" in made.out
    assert sorted(p.name for p in out.iterdir()) == [
        f"rekap-bulanan-{register.month}.pdf",
        f"rekap-bulanan-{register.month}.xlsx",
    ]
    text = subprocess.run(
        ["pdftotext", str(out / f"rekap-bulanan-{register.month}.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(register.monthly.total) in text
    assert aduan(capsys, config, "run", "--once").code == 0
    # One message per view: the team's with the XLSX, the head's without it (it names the
    # reporters), saying so.
    sent = sorted((tmp_path / "var" / "outbox").glob("*laporan-bulanan*.eml"))
    assert len(sent) == 2
    team = next(p for p in sent if ".kepala@" not in p.name)
    head = next(p for p in sent if ".kepala@" in p.name)
    assert f"To: {TEAM}".encode() in team.read_bytes()
    assert b'filename="rekap-bulanan-' + register.month.encode() + b'.xlsx"' in team.read_bytes()
    assert f"To: {HEAD}".encode() in head.read_bytes()
    assert b'.xlsx"' not in head.read_bytes() and b"Tidak dilampirkan" in head.read_bytes()


def test_report_usage_errors_are_one_line_with_exit_2(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_month = aduan(capsys, config, "report", "monthly", "--month", "2026-13")
    assert bad_month.code == 2 and len(bad_month.err.strip().splitlines()) == 1
    bad_format = aduan(capsys, config, "report", "weekly", "--format", "docx")
    assert bad_format.code == 2 and "html, pdf, csv" in bad_format.err


def test_board_command_publishes_answered_entries(
    config: Path, register: FixtureRegister, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "papan"
    made = aduan(capsys, config, "--json", "board", "--since", "2026-09-01",
                 "--out", str(out))  # fmt: skip
    assert made.code == 0, made.err
    data = made.json()
    assert data["entries"] and set(data["published"]) <= set(data["entries"])
    assert {Path(f).suffix for f in data["files"]} == {".html", ".pdf"}
    listed = aduan(capsys, config, "--json", "register", "list", "--status", "dipublikasikan")
    assert set(data["published"]) <= {e["register_no"] for e in listed.json()}
