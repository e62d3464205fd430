from __future__ import annotations

import pytest

from aduan.models.tables import STATUSES as REGISTER_STATUSES
from aduan.parsers.reply import (
    STATUSES,
    Commands,
    find_codes,
    find_tags,
    parse_commands,
    reply_text,
)

ANSWER = "Terima kasih, antrian sudah kami tambah petugasnya.\nSalam, Tim Mutu"


def test_statuses_are_the_register_statuses() -> None:
    assert REGISTER_STATUSES == STATUSES


# --- subject tags -------------------------------------------------------------------------


def test_tag_in_a_reply_subject_is_found() -> None:
    assert find_tags("Re: [ADU-2026-11-0001] Aduan baru: pendaftaran") == ("ADU-2026-11-0001",)


def test_tag_with_spaces_and_lower_case_prefix_is_normalised() -> None:
    assert find_tags("RE: [ adu-2026-11-0001 ] Antrian") == ("ADU-2026-11-0001",)


def test_several_tags_keep_their_order_without_repeats() -> None:
    subject = "Re: [ADU-2026-11-0002] Fwd: [ADU-2026-11-0001] Re: [ADU-2026-11-0002]"
    assert find_tags(subject) == ("ADU-2026-11-0002", "ADU-2026-11-0001")


def test_one_bracket_may_hold_several_numbers() -> None:
    subject = "[ADU-2026-11-0001, ADU-2026-11-0002; PKM1-2026-12-0010] digabung"
    assert find_tags(subject) == ("ADU-2026-11-0001", "ADU-2026-11-0002", "PKM1-2026-12-0010")


def test_counter_past_four_digits_is_a_tag() -> None:
    assert find_tags("[ADU-2026-11-10000]") == ("ADU-2026-11-10000",)


def test_prefix_filter_leaves_other_prefixes_out() -> None:
    subject = "Re: [RSUD-2026-11-0007] [ADU-2026-11-0001]"
    assert find_tags(subject, prefix="adu") == ("ADU-2026-11-0001",)


@pytest.mark.parametrize(
    "subject",
    [
        "Jadwal posyandu [2026-11-01]",
        "Rekap [2026-11-01 - 2026-11-30]",
        "Laporan [11-2026-11-0001]",  # a prefix starts with a letter
        "Re: ADU-2026-11-0001 tanpa kurung",
        "[ADU-2026-13-0001] bulan ke-13",
        "[ADU-2026-00-0001] bulan nol",
        "[ADU-2026-11-001] nomor pendek",
        "[Aduan ADU-2026-11-0001] bukan tag kita",
        "[ADU-2026-11-0001x]",
        "",
    ],
)
def test_no_false_tags(subject: str) -> None:
    assert find_tags(subject) == ()


# --- tracking codes in the text --------------------------------------------------------------


def test_a_code_written_anywhere_is_found_in_any_case() -> None:
    text = "Mohon info, kode saya adu-2026-11-0007 dan ADU-2026-11-0001 (lihat ADU-2026-11-0007)."
    assert find_codes(text, prefix="ADU") == ("ADU-2026-11-0007", "ADU-2026-11-0001")


def test_a_code_inside_a_longer_name_or_with_another_prefix_is_not_ours() -> None:
    text = "Nomor XADU-2026-11-0001, PKM-2026-11-0002, aduan-2026-11-0003; pengaduan saya."
    assert find_codes(text, prefix="ADU") == ()


def test_a_text_without_a_code_has_none() -> None:
    assert find_codes("Pengaduan: antrian lama sejak 2026-11-01.", prefix="ADU") == ()


# --- the new part of a reply --------------------------------------------------------------

QUOTE = "> Aduan baru ADU-2026-11-0001 menunggu tindak lanjut.\n> Antrian loket BPJS lama.\n"


@pytest.mark.parametrize(
    "header",
    [
        # Gmail, English and Indonesian, and wrapped inside the address.
        "On Mon, 3 Jun 2024 at 10:15, Pengaduan Puskesmas <pengaduan@puskesmas.example> wrote:",
        "On Mon, 3 Jun 2024 at 10:15, Pengaduan Puskesmas <\npengaduan@puskesmas.example> wrote:",
        "Pada tanggal Sen, 3 Jun 2024 10.15, Pengaduan <pengaduan@puskesmas.example> menulis:",
        "Pada Sen, 3 Jun 2024 pukul 10.15 Pengaduan Puskesmas <pengaduan@puskesmas.example>\n"
        "menulis:",
        # Thunderbird, English and Indonesian; Apple Mail.
        "On 03/06/2024 10:15, Pengaduan Puskesmas wrote:",
        "Pada 03/06/24 10.15, Pengaduan Puskesmas menulis:",
        "On 3 Jun 2024, at 10:15, Pengaduan <pengaduan@puskesmas.example> wrote:",
    ],
)
def test_quote_header_and_quoted_lines_are_dropped(header: str) -> None:
    assert reply_text(f"{ANSWER}\n\n{header}\n{QUOTE}") == ANSWER


@pytest.mark.parametrize(
    "block",
    [
        # Outlook desktop, English and Indonesian.
        "From: Pengaduan Puskesmas <pengaduan@puskesmas.example>\n"
        "Sent: Monday, June 3, 2024 10:15 AM\nTo: Tim Mutu\nSubject: [ADU-2026-11-0001] Aduan",
        "Dari: Pengaduan Puskesmas <pengaduan@puskesmas.example>\n"
        "Dikirim: Senin, 03 Juni 2024 10.15\nKepada: Tim Mutu\nSubjek: [ADU-2026-11-0001] Aduan",
        # Outlook on the web: a separator line, then the same block.
        "________________________________\nFrom: Pengaduan Puskesmas <pengaduan@puskesmas.example>"
        "\nSent: Monday, June 3, 2024 10:15 AM",
        # The block from HTML, on one line.
        "From: Pengaduan Puskesmas Sent: Monday, June 3, 2024 10:15 AM To: Tim Mutu",
        "-----Original Message-----\nFrom: pengaduan@puskesmas.example",
        "-----Pesan Asli-----\nDari: pengaduan@puskesmas.example",
        "-------- Original Message --------\nSubject: [ADU-2026-11-0001] Aduan",
    ],
)
def test_outlook_style_unquoted_original_is_dropped(block: str) -> None:
    original = "Aduan baru ADU-2026-11-0001 menunggu tindak lanjut."
    assert reply_text(f"{ANSWER}\n\n{block}\n\n{original}\n") == ANSWER


def test_quote_header_over_an_unquoted_original_drops_the_rest() -> None:
    # Gmail's HTML part turned into text: the original follows without ">".
    text = (
        f"{ANSWER}\n\nOn Mon, 3 Jun 2024 at 10:15, Pengaduan wrote:\n\nAduan baru ADU-2026-11-0001."
    )
    assert reply_text(text) == ANSWER


def test_bottom_posted_answer_after_the_quote_is_kept() -> None:
    text = f"On Mon, 3 Jun 2024 at 10:15, Pengaduan wrote:\n{QUOTE}\n{ANSWER}\n"
    assert reply_text(text) == ANSWER


def test_interleaved_answers_are_kept_and_quotes_dropped() -> None:
    text = "> Pertanyaan satu?\nJawaban satu.\n\n> Pertanyaan dua?\n\n\n\nJawaban dua.\n"
    assert reply_text(text) == "Jawaban satu.\n\nJawaban dua."


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nTim Mutu Puskesmas Contoh\nTelp. 0361 123456",
        "--\nTim Mutu",  # mail.py strips the separator's trailing space
        "Sent from my iPhone",
        "Dikirim dari iPhone saya",
        "Dikirim dari ponsel Samsung Galaxy saya",
        "Dikirim dari Yahoo Mail di Android",
        "Get Outlook for Android",
    ],
)
def test_signature_is_dropped(signature: str) -> None:
    text = f"{ANSWER}\n\n{signature}\n\nOn Mon, 3 Jun 2024 at 10:15, X wrote:\n{QUOTE}"
    assert reply_text(text) == ANSWER


def test_sentence_starting_like_a_signature_is_kept() -> None:
    text = "Dikirim dari pustu ke RSUD tanpa surat rujukan.\nMohon dicek."
    assert reply_text(text) == text


def test_sentence_starting_with_on_is_not_a_quote_header() -> None:
    text = "On Monday the nurse wrote:\nthe queue is closed.\nPlease check."
    assert reply_text(text) == text


def test_text_is_kept_when_nothing_would_remain() -> None:
    text = "On Mon, 3 Jun 2024 at 10:15, Pengaduan wrote:\n> Aduan baru.\n"
    assert reply_text(text) == text.strip()
    assert reply_text("") == ""


def test_crlf_line_endings_are_normalised() -> None:
    text = f"{ANSWER}\r\n\r\nOn Mon, 3 Jun 2024 at 10:15, X wrote:\r\n> q\r\n"
    assert reply_text(text) == ANSWER


# --- commands -----------------------------------------------------------------------------


def test_all_commands_with_continuation_lines() -> None:
    text = (
        "\n\nSTATUS: ditindaklanjuti\n"
        "RTL: Menambah satu petugas loket BPJS\n"
        "  pada jam 07.00-09.00,\n"
        "mulai 1 Desember 2026.\n"
        "TANGGAPAN:\n"
        "Terima kasih atas masukan Bapak/Ibu.\n"
        "Petugas loket kami tambah mulai 1 Desember.\n"
        "CATATAN: dibahas di rapat mutu 25 November\n"
        "\n"
        "Salam,\nTim Mutu\n"
    )
    assert parse_commands(text) == Commands(
        status="ditindaklanjuti",
        rtl="Menambah satu petugas loket BPJS\npada jam 07.00-09.00,\nmulai 1 Desember 2026.",
        response=(
            "Terima kasih atas masukan Bapak/Ibu.\nPetugas loket kami tambah mulai 1 Desember."
        ),
        note="dibahas di rapat mutu 25 November",
    )


def test_blank_line_between_commands_keeps_the_block_going() -> None:
    text = "Status : Selesai\n\nResponse: Sudah kami perbaiki.\n\nNOTE: dicek kepala"
    assert parse_commands(text) == Commands(
        status="selesai",
        response="Sudah kami perbaiki.",
        note="dicek kepala",
    )


def test_blank_line_ends_a_continuation() -> None:
    commands = parse_commands("RTL: Tambah petugas\n\nTerima kasih, salam.")
    assert commands.rtl == "Tambah petugas"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("selesai", "selesai"),
        ("SELESAI.", "selesai"),
        ("Bukan Aduan", "bukan_aduan"),
        ("bukan-aduan", "bukan_aduan"),
        ("dipublikasikan", "dipublikasikan"),
    ],
)
def test_status_is_normalised(written: str, expected: str) -> None:
    assert parse_commands(f"STATUS: {written}").status == expected


def test_unknown_status_is_an_error_in_indonesian() -> None:
    commands = parse_commands("STATUS: beres\nTANGGAPAN: Sudah diperbaiki.")
    assert commands.status is None
    assert commands.response == "Sudah diperbaiki."
    assert commands.errors == (
        "status 'beres' tidak dikenal; pakai: diterima, diteruskan, ditindaklanjuti, "
        "selesai, dipublikasikan, bukan_aduan",
    )


def test_empty_values_are_errors() -> None:
    commands = parse_commands("STATUS:\nRTL:\nTANGGAPAN: ok")
    assert (commands.status, commands.rtl, commands.response) == (None, None, "ok")
    assert commands.errors[0].startswith("status kosong; pakai: diterima")
    assert commands.errors[1].startswith("RTL kosong")


def test_repeated_command_uses_the_last_and_says_so() -> None:
    commands = parse_commands("TANGGAPAN: pertama\nRESPONSE: kedua")
    assert commands.response == "kedua"
    assert commands.errors == ("RESPONSE ditulis lebih dari sekali; yang dipakai yang terakhir",)


def test_unknown_word_line_stops_the_block() -> None:
    commands = parse_commands("STATUS: selesai\nJadwal: Senin\nRTL: tidak terbaca")
    assert commands == Commands(status="selesai")


def test_indented_word_line_continues_a_text_field() -> None:
    commands = parse_commands("RTL: Langkah berikut\n  Jadwal: Senin\n  Petugas: Budi")
    assert commands.rtl == "Langkah berikut\nJadwal: Senin\nPetugas: Budi"


def test_url_continues_a_text_field() -> None:
    commands = parse_commands("TANGGAPAN: Jadwal baru ada di\nhttps://puskesmas.example/jadwal")
    assert commands.response == "Jadwal baru ada di\nhttps://puskesmas.example/jadwal"


def test_text_after_status_ends_the_block() -> None:
    assert parse_commands("STATUS: selesai\nTerima kasih semua.\nRTL: x") == Commands(
        status="selesai",
    )


def test_commands_not_at_the_start_are_ignored() -> None:
    text = "Baik, sudah saya cek.\n\nSTATUS: selesai\nTANGGAPAN: Sudah diperbaiki."
    assert parse_commands(text) == Commands()


def test_no_commands_gives_all_none() -> None:
    assert parse_commands(ANSWER) == Commands(None, None, None, None, ())
    assert parse_commands("") == Commands()


def test_commands_in_a_real_reply_are_read_from_the_new_part_only() -> None:
    reply = (
        "STATUS: selesai\nTANGGAPAN: Loket BPJS kini buka pukul 07.00.\n\n"
        "Dikirim dari iPhone saya\n\n"
        "Pada Sen, 23 Nov 2026 pukul 08.20 Pengaduan <pengaduan@puskesmas.example> menulis:\n"
        "> RTL: (belum diisi)\n> STATUS: diteruskan\n"
    )
    assert parse_commands(reply_text(reply)) == Commands(
        status="selesai",
        response="Loket BPJS kini buka pukul 07.00.",
    )
