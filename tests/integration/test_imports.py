"""Other channels join the register: WhatsApp chat exports and CSV logs of SMS and phone
complaints, each message registered once however often its file is imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import aduan, entries

DATA = Path(__file__).parent.parent / "data" / "imports"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(
        '[facility]\nname = "Puskesmas Contoh"\nregister_prefix = "PKM"\n'
        '[database]\nurl = "sqlite:///var/aduan.db"\n',
        encoding="utf-8",
    )
    return path


def run_import(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> Any:
    result = aduan(capsys, config, "--json", "import", *args)
    assert result.code == 0, result.err
    return result.json()


class ByText(dict[str, dict[str, Any]]):
    """Entries found by the start of their text."""

    def __missing__(self, prefix: str) -> dict[str, Any]:
        (found,) = [entry for text, entry in self.items() if text.startswith(prefix)]
        return found


def by_text(capsys: pytest.CaptureFixture[str], config: Path) -> ByText:
    return ByText((e["text"], e) for e in entries(capsys, config))


def test_android_export_registers_each_complaint_once_with_the_facility_answers_as_notes(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = DATA / "wa_android_id.txt"
    (first,) = run_import(capsys, config, str(export), "--own", "Admin Pengaduan")
    assert len(first["registered"]) == 3
    assert first["skipped"] == 5  # three answers of the facility, two media/deleted lines
    found = by_text(capsys, config)
    rina = found["Selamat pagi, saya mau menyampa"]
    assert rina["channel"] == "whatsapp" and rina["reporter"]["name"] == "Rina Marlina"
    assert rina["received_at"] == "2026-11-01T08:02:00+07:00"
    assert "Mohon ditambah petugasnya." in rina["text"]  # a message's second line
    phone = found["Obat hipertensi bapak saya habi"]
    assert phone["reporter"] == {"name": None, "contact": "+62 812-3456-7890", "address": None}
    assert phone["unit"] == "farmasi"
    dewi = found["Tolong!! anak saya kejang tidak"]
    assert dewi["urgent"] is True
    assert "sudah 30 menit" in dewi["text"]
    shown = aduan(capsys, config, "--json", "register", "show", rina["register_no"]).json()
    notes = [e["detail"] for e in shown["events"] if e["type"] == "note"]
    assert len(notes) == 1 and "kami teruskan ke tim mutu" in notes[0]

    (again,) = run_import(capsys, config, str(export), "--own", "Admin Pengaduan")
    assert again["registered"] == [] and again["duplicates"] == 3
    # Next week's export of the same chat holds the old messages and one new one.
    longer = tmp_path / "WhatsApp Chat with Pengaduan.txt"
    longer.write_bytes(
        export.read_bytes() + b"24/11/26 07.15 - Rina Marlina: Toilet di ruang tunggu kotor.\n"
    )
    (later,) = run_import(capsys, config, str(longer), "--own", "Admin Pengaduan")
    assert len(later["registered"]) == 1 and later["duplicates"] == 3
    assert len(entries(capsys, config)) == 4


def test_english_android_export_splits_a_sender_messages_hours_apart(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The facility's own account is its name in the config: no --own needed.
    (result,) = run_import(capsys, config, str(DATA / "wa_android_en.txt"))
    assert len(result["registered"]) == 3
    assert {e["reporter"]["name"] for e in entries(capsys, config)} == {"Budi Hartono"}


@pytest.mark.parametrize(
    ("name", "own", "count", "first_sender"),
    [
        ("wa_ios_id.txt", "Admin Pengaduan", 2, "Sri Wahyuni"),
        ("wa_ios_en.txt", "Puskesmas Contoh", 2, None),
    ],
)
def test_ios_exports_import_once(
    config: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    own: str,
    count: int,
    first_sender: str | None,
) -> None:
    (result,) = run_import(capsys, config, str(DATA / name), "--own", own)
    assert len(result["registered"]) == count
    oldest = entries(capsys, config)[-1]
    assert oldest["reporter"]["name"] == first_sender
    names = {e["reporter"]["name"] for e in entries(capsys, config)}
    assert "~ Wulan" not in names
    (again,) = run_import(capsys, config, str(DATA / name), "--own", own)
    assert again["registered"] == []


def test_csv_logs_of_sms_and_phone_complaints(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sms, phone = run_import(
        capsys, config, str(DATA / "sms_log.csv"), str(DATA / "telepon_log.csv")
    )
    assert len(sms["registered"]) == 5  # the row without text is not a complaint
    assert len(phone["registered"]) == 3
    channels = sorted(e["channel"] for e in entries(capsys, config))
    assert channels == sorted(
        ["sms", "whatsapp", "telepon", "langsung", "media_sosial", "telepon", "telepon", "langsung"]
    )
    found = by_text(capsys, config)
    rina = found["Antrian di loket pendaftaran la"]
    assert rina["reporter"] == {
        "name": "Rina Marlina",
        "contact": "0812-3456-7890",
        "address": "Jl. Mawar No. 5, RT 03/RW 04",
    }
    assert rina["received_at"] == "2026-11-01T07:45:00+07:00"
    assert rina["source_id"].startswith("import:") and rina["source_id"].endswith(":3")
    assert found["Anak saya kejang tidak dilayani"]["urgent"] is True
    again = run_import(capsys, config, str(DATA / "sms_log.csv"), str(DATA / "telepon_log.csv"))
    assert [r["registered"] for r in again] == [[], []]


def test_a_file_that_is_neither_says_what_to_give(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junk = tmp_path / "catatan.txt"
    junk.write_text("ini bukan ekspor WhatsApp\n", encoding="utf-8")
    result = aduan(capsys, config, "import", str(junk))
    assert result.code == 2
    assert "WhatsApp chat export" in result.err
    log = tmp_path / "log.csv"
    log.write_text("Tanggal,Isi\n23/11/2026,Antrian lama\n", encoding="utf-8")
    no_channel = aduan(capsys, config, "import", str(log))
    assert no_channel.code == 2 and "--channel" in no_channel.err
    assert aduan(capsys, config, "import", str(log), "--channel", "sms").code == 0
