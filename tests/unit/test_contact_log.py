from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from aduan.parsers.contact_log import CHANNELS, ContactLogError, LogRow, parse_contact_log

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def _rows(text: str) -> tuple[LogRow, ...]:
    return parse_contact_log(text.encode())


def _one(text: str) -> LogRow:
    rows = _rows(text)
    assert len(rows) == 1, rows
    return rows[0]


# --- the fixtures -------------------------------------------------------------------------


def test_sms_log_with_semicolons_title_row_bom_and_crlf() -> None:
    rows = parse_contact_log((DATA / "sms_log.csv").read_bytes())
    assert rows == (
        LogRow(
            line=3,
            received_at=datetime(2026, 11, 1, 7, 45),
            channel="sms",
            name="Rina Marlina",
            contact="0812-3456-7890",
            address="Jl. Mawar No. 5, RT 03/RW 04",
            text="Antrian di loket pendaftaran lama sekali, saya tunggu 3 jam",
        ),
        LogRow(
            line=4,
            received_at=date(2026, 11, 2),  # no time written
            channel="whatsapp",
            name="Budi Hartono",
            contact="+62 857 1111 2222",
            address=None,
            text="Obat hipertensi habis; disuruh beli di luar",
        ),
        # line 5 is blank
        LogRow(
            line=6,
            received_at=datetime(2026, 11, 3, 13, 20),
            channel="telepon",
            name=None,
            contact="021-5551234",
            address="Desa Sukamaju",
            text="Petugas poli gigi tidak ramah,\nmembentak pasien lansia",
        ),
        LogRow(
            line=8,  # the quoted text above took two lines
            received_at=datetime(2026, 11, 4, 8, 0),
            channel="langsung",
            name="Siti Aminah",
            contact=None,
            address="Dusun Krajan RT 01 RW 02",
            text="Toilet ruang tunggu kotor dan tidak ada air",
        ),
        # line 9 has no text
        LogRow(
            line=10,
            received_at=date(2026, 8, 23),
            channel="media_sosial",
            name="Anonim",
            contact="@warga_contoh",
            address=None,
            text="Parkir motor di depan puskesmas semrawut",
        ),
    )


def test_phone_log_with_commas_and_an_english_header() -> None:
    rows = parse_contact_log((DATA / "telepon_log.csv").read_bytes())
    assert [(r.line, r.received_at, r.channel, r.name, r.contact) for r in rows] == [
        (2, datetime(2026, 11, 23, 8, 15), "telepon", "Yusuf Maulana", "0812 9999 0000"),
        (3, datetime(2026, 11, 23, 14, 30), "telepon", "Lina Kartika", "(021) 555-1234"),
        (4, date(2026, 11, 23), "langsung", None, None),
    ]
    assert rows[0].address == "Jalan Melati 12, Kel. Sukamaju"
    assert rows[0].text.startswith("Anak saya kejang tidak dilayani di UGD, kata petugas")


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Tanggal;Isi Pengaduan",
        "TGL;ISI",
        "tanggal,isi_pengaduan",
        "Waktu;Pesan",
        "Date\tMessage",
        "received_at,text",
        "DateTime,Keluhan",
        "Time,Isi",
    ],
)
def test_header_aliases(header: str) -> None:
    delimiter = next(d for d in (";", "\t", ",") if d in header)
    row = _one(f"{header}\n23/11/2026{delimiter}antrian lama\n")
    assert (row.line, row.received_at, row.text) == (2, date(2026, 11, 23), "antrian lama")
    assert (row.channel, row.name, row.contact, row.address) == (None, None, None, None)


@pytest.mark.parametrize(
    "header",
    [
        "Tanggal,Kanal,Nama,Kontak,Alamat,Isi",
        "tgl,saluran,nama,no_hp,alamat,keluhan",
        "Date,Channel,Name,Phone,Address,Message",
        "Tanggal,Media,Nama,No. HP,Alamat,Pesan",
        "Tanggal,Media,Nama,HP,Alamat,Text",
        "Tanggal,Media,Nama,Telepon,Alamat,Isi",
        "Tanggal,Media,Nama,Nomor,Alamat,Isi",
        "Tanggal,Media,Nama,Contact,Alamat,Isi",
    ],
)
def test_optional_columns(header: str) -> None:
    row = _one(f"{header}\n23/11/2026,WA,Rina,0812-3456-7890,Desa Sukamaju,obat habis\n")
    assert (row.channel, row.name, row.contact, row.address, row.text) == (
        "whatsapp",
        "Rina",
        "0812-3456-7890",
        "Desa Sukamaju",
        "obat habis",
    )


@pytest.mark.parametrize(
    ("header", "row", "received_at"),
    [
        ("Tanggal;Jam;Isi", "23/11/2026;08.15;x", datetime(2026, 11, 23, 8, 15)),
        ("Tanggal;Waktu;Isi", "23/11/2026;08:15:30;x", datetime(2026, 11, 23, 8, 15, 30)),
        ("Date,Time,Message", "2026-11-23,8:15 PM,x", datetime(2026, 11, 23, 20, 15)),
        ("Tanggal;Pukul;Isi", "23/11/2026;08.15 WIB;x", datetime(2026, 11, 23, 8, 15)),
        ("Tanggal;Jam;Isi", "23/11/2026;;x", date(2026, 11, 23)),
        # A time written in the date cell wins over the time column.
        ("Tanggal;Jam;Isi", "23/11/2026 09.00;08.15;x", datetime(2026, 11, 23, 9, 0)),
    ],
)
def test_separate_time_column(header: str, row: str, received_at: datetime | date) -> None:
    assert _one(f"{header}\n{row}\n").received_at == received_at


def test_excel_sep_line_is_skipped() -> None:
    row = _one("sep=;\nTanggal;Isi\n23/11/2026;antrian lama\n")
    assert row.line == 3


def test_tab_delimited() -> None:
    row = _one("Tanggal\tNama\tIsi\n23/11/2026\tRina\tantrian lama, loket cuma satu\n")
    assert (row.name, row.text) == ("Rina", "antrian lama, loket cuma satu")


def test_short_rows_and_extra_cells() -> None:
    rows = _rows("Tanggal;Isi;Nama\n23/11/2026;antrian lama\n24/11/2026;obat habis;Budi;extra\n")
    assert [(r.text, r.name) for r in rows] == [("antrian lama", None), ("obat habis", "Budi")]


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "received_at"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("2026-11-23 08:15", datetime(2026, 11, 23, 8, 15)),
        ("2026-11-23T08:15:00", datetime(2026, 11, 23, 8, 15)),
        ("23/11/2026", date(2026, 11, 23)),
        ("05/11/2026", date(2026, 11, 5)),  # day first, always
        ("5/11/26", date(2026, 11, 5)),
        ("23-11-2026", date(2026, 11, 23)),
        ("23.11.2026", date(2026, 11, 23)),
        ("23/11/2026 08:15", datetime(2026, 11, 23, 8, 15)),
        ("23/11/2026 08.15", datetime(2026, 11, 23, 8, 15)),
        ("23/11/2026 8:15 AM", datetime(2026, 11, 23, 8, 15)),
        ("23/11/2026 12:05 AM", datetime(2026, 11, 23, 0, 5)),
        ("23/11/2026 pukul 08.15 WIB", datetime(2026, 11, 23, 8, 15)),
        ("23 November 2026", date(2026, 11, 23)),
        ("23 Nov 2026", date(2026, 11, 23)),
        ("23-Nov-26", date(2026, 11, 23)),
        ("23 Nopember 2026", date(2026, 11, 23)),
        ("1 Januari 2026", date(2026, 1, 1)),
        ("2 Februari 2026", date(2026, 2, 2)),
        ("3 Maret 2026", date(2026, 3, 3)),
        ("4 april 2026", date(2026, 4, 4)),
        ("5 Mei 2026", date(2026, 5, 5)),
        ("6 Juni 2026", date(2026, 6, 6)),
        ("7 Juli 2026", date(2026, 7, 7)),
        ("8 Agustus 2026", date(2026, 8, 8)),
        ("8 Agu 2026", date(2026, 8, 8)),
        ("8 Agt 2026", date(2026, 8, 8)),
        ("9 September 2026", date(2026, 9, 9)),
        ("10 Oktober 2026", date(2026, 10, 10)),
        ("10 Okt 2026", date(2026, 10, 10)),
        ("12 Desember 2026", date(2026, 12, 12)),
        ("12 Des 2026 14.30", datetime(2026, 12, 12, 14, 30)),
        ("Senin, 23 November 2026", date(2026, 11, 23)),
        ("  23/11/2026  ", date(2026, 11, 23)),
    ],
)
def test_dates(written: str, received_at: datetime | date) -> None:
    row = _one(f'Tanggal;Isi\n"{written}";antrian lama\n')
    assert row.received_at == received_at
    assert type(row.received_at) is type(received_at)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("kemarin", "line 3: date 'kemarin' is not readable; write it as 23/11/2026"),
        ("31/02/2026", "line 3: date '31/02/2026' does not exist"),
        ("23/13/2026", "line 3: date '23/13/2026' does not exist"),
        ("23 Nopemver 2026", "line 3: date '23 Nopemver 2026' is not readable"),
        ("23/11/2026 25.00", "line 3: no such time"),
        ("46349", "line 3: date '46349' is not readable"),  # an Excel serial number
        ("", "line 3: no date"),
    ],
)
def test_unreadable_date_names_the_line(written: str, reason: str) -> None:
    text = f"Tanggal;Isi\n22/11/2026;baris baik\n{written};antrian lama\n"
    with pytest.raises(ContactLogError, match=reason) as caught:
        _rows(text)
    assert "\n" not in str(caught.value)


def test_unreadable_time_column_names_the_line() -> None:
    with pytest.raises(ContactLogError, match="line 2: time 'pagi' is not readable"):
        _rows("Tanggal;Jam;Isi\n23/11/2026;pagi;antrian lama\n")


# --- channels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "channel"),
    [
        ("SMS", "sms"),
        ("WA", "whatsapp"),
        ("WhatsApp", "whatsapp"),
        ("telp", "telepon"),
        ("Telepon", "telepon"),
        ("phone", "telepon"),
        ("TLP", "telepon"),
        ("langsung", "langsung"),
        ("Tatap Muka", "langsung"),
        ("in person", "langsung"),
        ("web", "web"),
        ("Website", "web"),
        ("IG", "media_sosial"),
        ("Instagram", "media_sosial"),
        ("facebook", "media_sosial"),
        ("FB", "media_sosial"),
        ("Media Sosial", "media_sosial"),
        ("media_sosial", "media_sosial"),
        ("", None),
    ],
)
def test_channels(written: str, channel: str | None) -> None:
    row = _one(f"Tanggal;Kanal;Isi\n23/11/2026;{written};antrian lama\n")
    assert row.channel == channel
    assert channel is None or channel in CHANNELS


def test_unknown_channel_names_the_line() -> None:
    with pytest.raises(ContactLogError, match="line 3: unknown channel 'surat'"):
        _rows("Tanggal;Kanal;Isi\n23/11/2026;SMS;a\n23/11/2026;surat;b\n")


# --- skipping and encodings ---------------------------------------------------------------


def test_blank_rows_and_rows_without_text_are_skipped() -> None:
    text = (
        "Tanggal;Nama;Isi\n"
        ";;\n"
        "\n"
        "bukan tanggal;Rina;   \n"  # no text: skipped before its date is read
        "23/11/2026;Budi;obat habis\n"
    )
    (row,) = _rows(text)
    assert (row.line, row.name) == (5, "Budi")


def test_cp1252_fallback() -> None:
    data = "Tanggal;Nama;Isi\n23/11/2026;André;ruang tunggu panas \u2013 AC mati\n".encode("cp1252")
    row = parse_contact_log(data)[0]
    assert (row.name, row.text) == ("André", "ruang tunggu panas \u2013 AC mati")


def test_header_only_gives_no_rows() -> None:
    assert _rows("Tanggal;Isi\n") == ()


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\r\n  \r\n", "empty file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook, not CSV: save it as CSV"),
        (b"\x00\x01\x02\x03", "binary"),
        (
            b"Tanggal;Nama;No HP\n23/11/2026;Rina;0812\n",
            r"no text \(isi pengaduan\) column in the header; headers found: "
            r"Tanggal, Nama, No HP",
        ),
        (
            b"Nama,Isi Pengaduan\nRina,antrian lama\n",
            r"no date \(tanggal\) column in the header; headers found: Nama, Isi Pengaduan",
        ),
        (
            b"Nama\tAlamat\n",
            r"no date \(tanggal\) and no text \(isi pengaduan\) column",
        ),
    ],
)
def test_not_a_log(data: bytes, reason: str) -> None:
    with pytest.raises(ContactLogError, match=reason) as caught:
        parse_contact_log(data)
    assert "\n" not in str(caught.value)
