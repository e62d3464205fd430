from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from aduan.parsers.chat_export import (
    ANDROID,
    IOS,
    ChatExport,
    ChatExportError,
    ChatMessage,
    parse_chat_export,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
LRM = "\u200e"
NNBSP = "\u202f"


def _fixture(name: str) -> ChatExport:
    return parse_chat_export((DATA / name).read_bytes())


def _one(text: str) -> ChatMessage:
    export = parse_chat_export(text.encode())
    assert len(export.messages) == 1, export.messages
    return export.messages[0]


# --- the fixtures -------------------------------------------------------------------------


def test_android_indonesian_export() -> None:
    export = _fixture("wa_android_id.txt")
    assert export.format == ANDROID
    # The encryption notice and both group events (one quoting "Pengaduan: …") are skipped.
    assert [(m.line, m.sender, m.media) for m in export.messages] == [
        (4, "Rina Marlina", False),
        (6, "Admin Pengaduan", False),
        (7, "+62 812-3456-7890", False),
        (8, "+62 812-3456-7890", True),
        (9, "+62 812-3456-7890", True),
        (10, "Admin Pengaduan", False),
        (11, "Dewi Anggraini", False),
        (15, "Admin Pengaduan", False),
    ]
    first = export.messages[0]
    assert first.sent_at == datetime(2026, 11, 1, 8, 2)
    assert first.sent_at.tzinfo is None
    assert first.text.endswith("baru dipanggil jam 10.30.\nMohon ditambah petugasnya.")


def test_android_indonesian_multi_line_message_keeps_its_blank_line() -> None:
    urgent = _fixture("wa_android_id.txt").messages[6]
    assert urgent.sent_at == datetime(2026, 11, 23, 21, 5)
    assert urgent.text == (
        "Tolong!! anak saya kejang tidak dilayani di UGD\n"
        "petugasnya bilang tunggu dokter jaga\n"
        "\n"
        "sudah 30 menit, rumah kami di Jl. Kenanga No. 7, HP 0813-2222-3333"
    )


def test_android_indonesian_placeholders_and_edit_marker() -> None:
    messages = _fixture("wa_android_id.txt").messages
    assert messages[3].text == "<Media tidak disertakan>"
    assert messages[4].text == "Pesan ini telah dihapus"
    assert messages[5].text.endswith("Minggu depan sudah tersedia.")
    assert not messages[5].media


def test_android_english_export_with_crlf_and_narrow_spaces() -> None:
    export = _fixture("wa_android_en.txt")
    assert export.format == ANDROID
    assert [(m.line, m.sent_at, m.media) for m in export.messages] == [
        (2, datetime(2026, 11, 1, 8, 2), False),
        (4, datetime(2026, 11, 1, 8, 15), False),
        (6, datetime(2026, 11, 5, 21, 5), True),
        (7, datetime(2026, 11, 5, 21, 6), True),
        (8, datetime(2026, 11, 5, 21, 7), False),
        (9, datetime(2026, 11, 5, 21, 8), True),
        (10, datetime(2026, 11, 6, 0, 10), False),  # 12:10 AM
        (11, datetime(2026, 11, 6, 12, 45), False),  # 12:45 PM
    ]
    messages = export.messages
    assert messages[0].text == (
        "Good morning, I want to complain about the waiting time at the registration counter.\n"
        "It took 3 hours before I was called."
    )
    assert messages[2].text == "IMG-20261105-WA0003.jpg (file attached)"
    assert messages[4].text == "The staff at the pharmacy counter were rude to my mother"
    assert all("\r" not in m.text for m in messages)


def test_ios_indonesian_export_with_bom_crlf_and_direction_marks() -> None:
    export = _fixture("wa_ios_id.txt")
    assert export.format == IOS
    assert [(m.line, m.sender, m.sent_at, m.media) for m in export.messages] == [
        (4, "Sri Wahyuni", datetime(2026, 11, 2, 9, 12, 5), False),
        (5, "Sri Wahyuni", datetime(2026, 11, 2, 9, 12, 40), True),
        (6, "Sri Wahyuni", datetime(2026, 11, 2, 9, 13, 2), True),
        (7, "Admin Pengaduan", datetime(2026, 11, 2, 10, 1), False),
        (9, "~ Wulan", datetime(2026, 11, 23, 21, 5, 33), False),
        (10, "~ Wulan", datetime(2026, 11, 23, 21, 7, 10), True),
    ]
    messages = export.messages
    assert messages[1].text == "gambar tidak disertakan"
    assert messages[2].text == "<lampiran: 00000012-PHOTO-2026-11-02-09-13-02.jpg>"
    assert messages[3].text == (
        "Terima kasih Bu Sri. Laporan sudah kami teruskan ke kepala puskesmas.\n"
        "Kami akan menghubungi Ibu setelah ditindaklanjuti."
    )
    assert messages[4].text == "Anak saya kejang tidak dilayani di UGD!!"
    assert all(LRM not in m.text and LRM not in m.sender for m in messages)


def test_ios_english_export_reads_month_first_because_of_am_pm() -> None:
    export = _fixture("wa_ios_en.txt")
    assert export.format == IOS
    # Every date is before the 13th: the 12-hour clock says US English, month first.
    assert [(m.line, m.sent_at, m.media) for m in export.messages] == [
        (2, datetime(2026, 11, 5, 8, 2, 45), False),
        (4, datetime(2026, 11, 5, 8, 3, 10), True),
        (5, datetime(2026, 11, 5, 8, 3, 30), True),
        (6, datetime(2026, 11, 5, 9, 15), False),
        # line 7, a missed call from the chat itself behind a direction mark, is no message
        (8, datetime(2026, 11, 6, 12, 5, 9), True),
        (9, datetime(2026, 11, 6, 0, 30), False),
    ]
    messages = export.messages
    assert messages[0].sender == "+62 857-1111-2222"
    assert messages[0].text.endswith("was broken\nand nobody explained where to go.")
    assert messages[2].text == "<attached: 00000013-PHOTO-2026-11-05-08-03-30.jpg>"
    assert messages[4].text == "This message was deleted."
    assert messages[5].text == "My child has a high fever, is the emergency room open tonight?"


# --- layouts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "sent_at", "export_format"),
    [
        ("23/11/26 08.15 - Siti: teks", datetime(2026, 11, 23, 8, 15), ANDROID),
        ("23/11/2026, 08:15 - Siti: teks", datetime(2026, 11, 23, 8, 15), ANDROID),
        ("11/23/26, 8:15 AM - Siti: teks", datetime(2026, 11, 23, 8, 15), ANDROID),
        (f"11/23/26, 8:15{NNBSP}PM - Siti: teks", datetime(2026, 11, 23, 20, 15), ANDROID),
        ("11/23/2026, 8:15 p.m. - Siti: teks", datetime(2026, 11, 23, 20, 15), ANDROID),
        ("23/11/2026, 8:15 pm - Siti: teks", datetime(2026, 11, 23, 20, 15), ANDROID),
        ("23.11.26, 08:15 \u2013 Siti: teks", datetime(2026, 11, 23, 8, 15), ANDROID),
        ("[23/11/26 08.15.02] Siti: teks", datetime(2026, 11, 23, 8, 15, 2), IOS),
        (f"[11/23/26, 8:15:02{NNBSP}AM] Siti: teks", datetime(2026, 11, 23, 8, 15, 2), IOS),
        ("[23.11.26 08:15:02] Siti: teks", datetime(2026, 11, 23, 8, 15, 2), IOS),
        ("[23/11/2026, 08:15:02] Siti: teks", datetime(2026, 11, 23, 8, 15, 2), IOS),
        (f"{LRM}[23/11/26 08.15] Siti: teks", datetime(2026, 11, 23, 8, 15), IOS),
    ],
)
def test_timestamp_layouts(line: str, sent_at: datetime, export_format: str) -> None:
    export = parse_chat_export(line.encode())
    assert export.format == export_format
    assert export.messages == (ChatMessage(sent_at, "Siti", "teks", 1, False),)


@pytest.mark.parametrize(
    ("text", "first_date"),
    [
        # Nothing tells: Indonesian day-first.
        ("05/11/26 08.15 - Siti: a\n06/11/26 09.00 - Siti: b", datetime(2026, 11, 5, 8, 15)),
        # A later first field above 12 decides for the earlier lines too.
        ("05/11/26 08.15 - Siti: a\n23/11/26 09.00 - Siti: b", datetime(2026, 11, 5, 8, 15)),
        # A second field above 12: month first, even on a 24-hour clock.
        ("05/11/26, 08:15 - Siti: a\n11/23/26, 09:00 - Siti: b", datetime(2026, 5, 11, 8, 15)),
        # Nothing tells, but a 12-hour clock: US English, month first.
        ("05/11/26, 8:15 AM - Siti: a\n06/11/26, 9:00 AM - Siti: b", datetime(2026, 5, 11, 8, 15)),
        # A 12-hour clock with a day above 12: day first after all.
        ("05/11/26, 8:15 am - Siti: a\n23/11/26, 9:00 am - Siti: b", datetime(2026, 11, 5, 8, 15)),
    ],
)
def test_day_and_month_order_is_decided_for_the_whole_file(text: str, first_date: datetime) -> None:
    assert parse_chat_export(text.encode()).messages[0].sent_at == first_date


def test_continuation_lines_and_colons_in_text() -> None:
    text = (
        "Chat WhatsApp dengan Siti\n"  # before the first message: not a message
        "23/11/26 08.15 - Siti:\n"
        "jam buka loket: 07.30\n"
        "[23/11/26 08.16.00] Budi: pasted from an iPhone\n"  # the other layout is text
        "23/11/26 08.20 - Siti: selesai"
    )
    messages = parse_chat_export(text.encode()).messages
    assert [(m.line, m.sender) for m in messages] == [(2, "Siti"), (5, "Siti")]
    assert (
        messages[0].text == "jam buka loket: 07.30\n[23/11/26 08.16.00] Budi: pasted from an iPhone"
    )


def test_system_line_ends_the_message_above_it() -> None:
    text = (
        "23/11/26 08.15 - Siti: keluhan pertama\n"
        "23/11/26 08.16 - Siti menambahkan Budi\n"
        "23/11/26 08.17 - Budi: keluhan kedua"
    )
    messages = parse_chat_export(text.encode()).messages
    assert [(m.text, m.line) for m in messages] == [("keluhan pertama", 1), ("keluhan kedua", 3)]


@pytest.mark.parametrize(
    ("written", "text", "media"),
    [
        ("<Media omitted>", "<Media omitted>", True),
        ("<Media tidak disertakan>", "<Media tidak disertakan>", True),
        ("<video omitted>", "<video omitted>", True),
        (f"{LRM}<attached: 00000012-PHOTO-2026-11-23-08-15-02.jpg>", None, True),
        (f"{LRM}image omitted", "image omitted", True),
        (f"{LRM}gambar tidak disertakan", "gambar tidak disertakan", True),
        (f"Surat rujukan.pdf • 2 pages {LRM}document omitted", None, True),
        ("IMG-20261123-WA0001.jpg (file terlampir)", None, True),
        ("This message was deleted", None, True),
        ("Pesan ini telah dihapus", None, True),
        ("You deleted this message", None, True),
        ("antri lama <This message was edited>", "antri lama", False),
        (f"antri lama {LRM}<Pesan ini diedit>", "antri lama", False),
        ("saya kirim foto <Media omitted> besok", None, False),
        ("fotonya kok image omitted", None, False),  # only documents have a name before
    ],
)
def test_media_placeholders(written: str, text: str | None, media: bool) -> None:
    message = _one(f"23/11/26 08.15 - Siti: {written}")
    assert message.media is media
    assert message.text == (text if text is not None else written.replace(LRM, ""))


@pytest.mark.parametrize(
    "system",
    [
        "23/11/26 08.00 - Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun "
        "di luar chat ini, termasuk WhatsApp, yang dapat membaca atau mendengarkannya.",
        "23/11/26 08.00 - Messages and calls are end-to-end encrypted. No one outside of this "
        "chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
        "23/11/26 08.00 - Siti added Budi",
        '23/11/26 08.00 - Siti created group "Aduan: Puskesmas Contoh"',
        '23/11/26 08.00 - Siti changed the subject from "A" to "Keluhan: antrian"',
        f"[23/11/26 08.00.00] Aduan Puskesmas: {LRM}Siti menambahkan Budi",
        # An editor dropped the mark: the notice is still known by its words.
        "[23/11/26 08.00.00] Aduan Puskesmas: Messages and calls are end-to-end encrypted.",
    ],
)
def test_system_lines_are_not_messages(system: str) -> None:
    text = f"{system}\n23/11/26 08.15 - Siti: teks\n"
    if system.startswith("["):
        text = f"{system}\n[23/11/26 08.15.00] Siti: teks\n"
    export = parse_chat_export(text.encode())
    assert [(m.sender, m.text, m.line) for m in export.messages] == [("Siti", "teks", 2)]


def test_phone_number_sender_is_kept_as_written_without_direction_marks() -> None:
    message = _one("23/11/26 08.15 - \u202a+62 812-3456-7890\u202c: obat habis")
    assert message.sender == "+62 812-3456-7890"


def test_bom_and_crlf_are_tolerated() -> None:
    data = b"\xef\xbb\xbf23/11/26 08.15 - Siti: baris satu\r\nbaris dua\r\n"
    (message,) = parse_chat_export(data).messages
    assert message.text == "baris satu\nbaris dua"
    assert message.line == 1


def test_export_with_only_system_lines_has_no_messages() -> None:
    export = parse_chat_export(b"23/11/26 08.00 - Siti added Budi\n")
    assert export == ChatExport((), ANDROID)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \r\n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("23/11/26 08.15 - Siti: teks".encode("utf-16"), "binary"),
        (b"23/11/26 08.15 - Siti: caf\xe9", "not UTF-8"),
        (b"Tanggal;Isi\n23/11/2026;antrian lama\n", "no line starts with a WhatsApp timestamp"),
        (b"31/02/26 08.15 - Siti: teks", "line 1: no such date"),
        (b"23/11/26, 13:15 PM - Siti: teks", "line 1: hour 13 with AM/PM"),
        (
            b"23/11/26 08.15 - Siti: a\n11/23/26 08.15 - Siti: b",
            "day-first on line 1 but month-first on line 2",
        ),
    ],
)
def test_not_an_export(data: bytes, reason: str) -> None:
    with pytest.raises(ChatExportError, match=reason) as caught:
        parse_chat_export(data)
    assert "\n" not in str(caught.value)
