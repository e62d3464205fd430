"""How people really write → the tokens the classifier reads."""

from __future__ import annotations

import pytest

from aduan.parsers.classify import load_lexicon
from aduan.parsers.classify.normalise import (
    normalise,
    normalise_item,
    stem,
    strip_mail_noise,
    word_forms,
)


def text(raw: str) -> str:
    return normalise(raw, load_lexicon().speller).text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yg tdk bgt", "yang tidak banget"),
        ("gak nggak ga gk ndak enggak", "tidak tidak tidak tidak tidak tidak"),
        ("udh blm org krn tp jg dgn", "sudah belum orang karena tapi juga dengan"),
        ("sy aq aku gw", "saya saya saya saya"),
        ("antre ngantri ngantre", "antri antri antri"),
        ("IGD dan BPJS", "ugd dan bpjs"),
        ("makasih", "terima kasih"),
    ],
)
def test_informal_spellings_become_standard_words(raw: str, expected: str) -> None:
    assert text(raw) == expected


def test_a_slang_word_keeps_its_clitic() -> None:
    assert text("ngantrinya") == "antrinya"


def test_repeated_letters_collapse_to_the_word_meant() -> None:
    assert text("lamaaaa bgt, maaaaf") == "lama banget , maaf"


def test_informal_reduplication_counts_once() -> None:
    assert text("org2 nanya2") == "orang bertanya"


def test_colloquial_verb_forms_become_standard() -> None:
    assert text("nyuruh dijelasin dibersihin") == "suruh dijelaskan dibersihkan"


def test_a_typo_one_edit_from_a_cue_word_is_corrected() -> None:
    assert text("antrain") == "antrian"


def test_a_real_word_is_never_corrected_into_a_cue_word() -> None:
    # "rumah" is one edit from the praise cue "ramah", and a word in its own right.
    assert text("rumah") == "rumah"


def test_dr_means_dokter_before_a_name_and_dari_elsewhere() -> None:
    assert text("dr. budi") == "dokter budi"
    assert text("periksa ke dr Budi") == "periksa ke dokter budi"
    assert text("dr gigi") == "dokter gigi"
    assert text("antri dr pagi") == "antri dari pagi"


def test_money_links_and_clock_times_become_plain_tokens() -> None:
    assert text("diminta 20rb, bayar Rp 50.000") == "diminta uang , bayar uang"
    assert text("klik bit.ly/abc atau https://x.example/y") == "klik tautan atau tautan"
    assert text("pukul 08.15") == "jam 08.15"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bayar aja 300 ke dia", "bayar saja uang ke dia"),
        ("minta 50 buat admin", "minta uang buat admin"),
        ("bayar 3 kali", "bayar 3 kali"),
        ("minta 20 menit lagi", "minta 20 menit lagi"),
        ("tambah 10 tablet", "tambah 10 tablet"),
    ],
)
def test_a_bare_amount_after_paying_or_asking_is_money(raw: str, expected: str) -> None:
    # People say "300" for Rp300.000 when they tell what was asked of them.
    assert text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ndorong njambak ditampol", "mendorong menjambak ditampar"),
        ("keselek sesek ngos2an", "tersedak sesak terengah engah"),
        ("mencret brojol nolong", "diare melahirkan menolong"),
    ],
)
def test_slang_for_what_matters_most_becomes_standard(raw: str, expected: str) -> None:
    assert text(raw) == expected


def test_quoted_reply_is_dropped() -> None:
    mail = "Antrian masih lama.\n\nOn Mon, 3 Mar 2025 at 09:12, Puskesmas wrote:\n> ramah sekali"
    assert strip_mail_noise(mail) == "Antrian masih lama."
    mail = "Obat kosong.\n\nPada tanggal 3 Mar 2025, Puskesmas menulis:\n> terima kasih"
    assert strip_mail_noise(mail) == "Obat kosong."


def test_gmail_wrapped_quote_header_is_dropped() -> None:
    mail = "Loket tutup.\n\nOn Mon, 3 Mar 2025 at 09:12, Puskesmas <p@example.org>\nwrote:\n> ok"
    assert strip_mail_noise(mail) == "Loket tutup."


def test_outlook_original_message_is_dropped() -> None:
    mail = "Toilet kotor.\n\n-----Original Message-----\nFrom: a@example.org\nbagus"
    assert strip_mail_noise(mail) == "Toilet kotor."


def test_quote_lines_inside_the_text_are_dropped() -> None:
    assert strip_mail_noise("> kutipan\nisi baru\n>> lagi") == "isi baru"


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nBudi Santoso\nRT 02",
        "Salam,\nRina\n0812-0000-0000",
        "Hormat saya,\nDedi Supriadi\nDesa Sukamaju",
        "Sent from my iPhone",
        "Dikirim dari Yahoo Mail di Android",
    ],
)
def test_signatures_and_device_footers_are_dropped(signature: str) -> None:
    assert strip_mail_noise(f"Dokter datang terlambat.\n\n{signature}") == (
        "Dokter datang terlambat."
    )


def test_a_greeting_at_the_top_is_not_a_sign_off() -> None:
    mail = "Salam,\nsaya mau menyampaikan bahwa antrian di loket sangat lama sekali tiap pagi"
    assert "antrian" in strip_mail_noise(mail)


def test_the_address_line_of_a_letter_is_not_content() -> None:
    assert strip_mail_noise("Yth. Kepala Puskesmas,\n\nObat kosong.") == "Obat kosong."


def test_a_message_written_on_its_address_line_is_kept() -> None:
    line = "Yth pak, anak saya kejang di UGD malah disuruh pulang"
    assert strip_mail_noise(line) == line


def test_a_long_text_has_a_head_for_kind_and_unit_and_a_tail_for_urgency() -> None:
    norm = normalise("antri lama. " * 300, load_lexicon().speller)
    assert norm.head is not None
    assert norm.head < len(norm.tokens)
    assert norm.text == " ".join(norm.tokens[: norm.head])
    short = normalise("antri lama", load_lexicon().speller)
    assert short.head is None
    assert short.text == "antri lama"


def test_forms_hold_the_word_the_word_without_clitic_and_its_stem() -> None:
    assert word_forms("pelayanannya") == ("pelayanannya", "pelayanan", "layan")


def test_stems_are_cached() -> None:
    stem("pemeriksaan")
    before = stem.cache_info().hits
    assert stem("pemeriksaan") == "periksa"
    assert stem.cache_info().hits == before + 1


def test_subject_is_read_first_as_its_own_sentence() -> None:
    norm = normalise_item("petugas ramah", "Antrian lama", load_lexicon().speller)
    assert norm.text == "antrian lama . petugas ramah"
