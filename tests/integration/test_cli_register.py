"""Manual entries, display, filters and the exit codes a user meets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import aduan, entries

CONFIG = '[facility]\nregister_prefix = "PKM"\n[database]\nurl = "sqlite:///var/aduan.db"\n'


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(CONFIG)
    return path


def test_manual_entry_is_registered_once(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "register",
        "add",
        "--channel",
        "whatsapp",
        "--text",
        "Antrian poli gigi lama",
        "--name",
        "Budi",
        "--contact",
        "0812 3456 7890",
        "--received-at",
        "2026-11-20T09:30",
    ]
    first = aduan(capsys, config, *args)
    assert first.code == 0, first.err
    assert "PKM-" in first.out
    again = aduan(capsys, config, *args)
    assert again.code == 0
    assert "Sudah tercatat" in again.out
    (entry,) = entries(capsys, config)
    assert entry["channel"] == "whatsapp"
    assert entry["reporter"]["name"] == "Budi"
    assert entry["received_at"] == "2026-11-20T09:30:00+07:00"
    # WhatsApp is electronic media: the 3x24h answer deadline applies.
    assert entry["due"]["answer"] == "2026-11-23T09:30:00+07:00"
    assert entry["due"]["forward"] == "2026-11-22T09:30:00+07:00"
    assert entry["due"]["resolve"] == "2027-01-19T09:30:00+07:00"


def test_in_person_entry_has_no_electronic_answer_deadline(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        aduan(capsys, config, "register", "add", "--channel", "langsung", "--text", "x").code == 0
    )
    (entry,) = entries(capsys, config)
    assert entry["due"]["answer"] is None


def test_show_prints_the_entry_in_indonesian_or_english(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aduan(capsys, config, "register", "add", "--channel", "telepon", "--text", "Obat habis")
    (entry,) = entries(capsys, config)
    shown = aduan(capsys, config, "register", "show", entry["register_no"])
    assert "Obat habis" in shown.out and "Pelapor" in shown.out
    shown_en = aduan(capsys, config, "--lang", "en", "register", "show", entry["register_no"])
    assert "Reporter" in shown_en.out


def test_list_filters_by_status_since_and_overdue(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aduan(
        capsys,
        config,
        "register",
        "add",
        "--channel",
        "sms",
        "--text",
        "lama",
        "--received-at",
        "2026-01-05",
    )
    aduan(capsys, config, "register", "add", "--channel", "sms", "--text", "baru")
    assert len(entries(capsys, config)) == 2
    recent = aduan(capsys, config, "register", "list", "--json", "--since", "2026-06-01").json()
    assert [e["text"] for e in recent] == ["baru"]
    overdue = aduan(capsys, config, "register", "list", "--json", "--overdue").json()
    assert [e["text"] for e in overdue] == ["lama"]
    assert aduan(capsys, config, "register", "list", "--json", "--status", "selesai").json() == []
    assert aduan(capsys, config, "status", "--json").json()["overdue"] == 1


def test_user_errors_have_one_line_and_exit_2(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = aduan(capsys, config, "register", "show", "PKM-2026-11-9999")
    assert unknown.code == 2 and "not found" in unknown.err
    bad_channel = aduan(capsys, config, "register", "add", "--channel", "merpati", "--text", "x")
    assert bad_channel.code == 2 and "merpati" in bad_channel.err
    bad_date = aduan(capsys, config, "register", "list", "--since", "kemarin")
    assert bad_date.code == 2 and "kemarin" in bad_date.err
    config.write_text(CONFIG + "[mailbox]\nhost='x'\n")
    broken = aduan(capsys, config, "status")
    assert broken.code == 2 and "mailbox.username" in broken.err


def test_db_upgrade_is_idempotent(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = aduan(capsys, config, "db", "upgrade")
    assert first.code == 0, first.err
    assert aduan(capsys, config, "db", "upgrade").code == 0


def test_status_on_a_fresh_install_is_readable(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = aduan(capsys, config, "status")
    assert result.code == 0
    assert "Register: 0 entri" in result.out


def test_manual_entries_are_classified_and_corrections_are_recorded(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Obat di apotek sering kosong, saya harus beli di luar."
    added = aduan(capsys, config, "--json", "register", "add", "--channel", "sms", "--text", text)
    number = added.json()["register_no"]
    (entry,) = entries(capsys, config)
    assert (entry["kind"], entry["unit"]) == ("keluhan", "farmasi")

    fixed = aduan(capsys, config, "register", "correct", number, "--unit", "administrasi")
    assert fixed.code == 0 and "farmasi → administrasi" in fixed.out
    shown = aduan(capsys, config, "register", "show", number, "--json").json()
    assert shown["unit"] == "administrasi"
    (event,) = [e for e in shown["events"] if e["type"] == "corrected"]
    assert event["detail"] == "unit: farmasi → administrasi"

    unknown = aduan(capsys, config, "register", "correct", number, "--unit", "kantin")
    assert unknown.code == 2 and "kantin" in unknown.err
    nothing = aduan(capsys, config, "register", "correct", number)
    assert nothing.code == 2


def test_progress_updates_move_the_status(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    added = aduan(
        capsys,
        config,
        "--json",
        "register",
        "add",
        "--channel",
        "telepon",
        "--text",
        "Toilet kotor",
    )
    number = added.json()["register_no"]
    assert aduan(capsys, config, "register", "update", number, "--rtl", "Jadwal piket").code == 0
    assert entries(capsys, config)[0]["status"] == "ditindaklanjuti"
    answered = aduan(capsys, config, "register", "update", number, "--response", "Sudah bersih")
    assert answered.code == 0
    (entry,) = entries(capsys, config)
    assert (entry["status"], entry["rtl"], entry["response"]) == (
        "selesai",
        "Jadwal piket",
        "Sudah bersih",
    )
    wrong = aduan(capsys, config, "register", "update", number, "--status", "beres")
    assert wrong.code == 2 and "beres" in wrong.err


def test_classify_explains_a_text(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = aduan(capsys, config, "classify", "--json", "petugas loket tidak ramah, antri lama")
    assert result.code == 0
    data = result.json()
    assert data["kind"] == "keluhan" and data["unit"] == "pendaftaran"
    assert any("tidak ramah" in reason for reason in data["reasons"])
