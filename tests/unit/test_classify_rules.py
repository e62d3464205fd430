"""Text → kind, unit, urgency and reasons, by the rules of the default lexicon."""

from __future__ import annotations

import re
import time

import pytest

from aduan.parsers.classification import Classification
from aduan.parsers.classify import classify

# "'tidak ramah' → keluhan (negasi)", "'sesak' + 'ditolak' → mendesak", or a fixed sentence.
REASON = re.compile(
    r"^'[^']+'(?: \+ '[^']+')? → [a-z ]+"
    r"(?: \((?:negasi|harapan|bukan aduan|model|darurat|awal kalimat|permintaan di awal|"
    r"sudah selesai)\))?$"
)
FIXED_REASONS = {
    "teks kosong atau tanpa kata",
    "bukan bahasa Indonesia",
    "tidak ada kata kunci",
    "tidak ada kata kunci jenis",
    "menyebut layanan tanpa kata penilaian → keluhan",
    "mendesak → keluhan",
}


def assert_well_formed(result: Classification) -> None:
    assert 0.0 <= result.confidence <= 1.0
    assert result.reasons
    for reason in result.reasons:
        assert REASON.match(reason) or reason in FIXED_REASONS, reason


def test_a_plain_complaint_names_its_unit_and_the_words_that_decided() -> None:
    result = classify("antrinya lama bgt, dari jam 7 belum dipanggil", subject="Antrian")
    assert (result.kind, result.unit, result.urgent) == ("keluhan", "pendaftaran", False)
    assert "'antrian' → pendaftaran" in result.reasons
    assert "'lama' → keluhan" in result.reasons
    assert_well_formed(result)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("petugasnya tidak ramah", "'tidak ramah' → keluhan (negasi)"),
        ("toiletnya kurang bersih", "'kurang bersih' → keluhan (negasi)"),
        ("sudah 2 jam belum dilayani", "'belum dilayani' → keluhan (negasi)"),
        ("dokternya gak datang2", "'tidak datang' → keluhan (negasi)"),
        ("sprei tidak diganti 4 hari", "'tidak diganti' → keluhan (negasi)"),
    ],
)
def test_negated_praise_or_service_is_a_complaint(text: str, reason: str) -> None:
    result = classify(text)
    assert result.kind == "keluhan"
    assert reason in result.reasons


def test_a_negated_complaint_word_is_no_complaint() -> None:
    result = classify("alhamdulillah tidak perlu antri lama, petugasnya ramah")
    assert result.kind == "pujian"
    assert "'lama' → keluhan" not in result.reasons


def test_praise_reaching_over_words_stays_negated() -> None:
    assert classify("pelayanannya tidak terlalu ramah").kind == "keluhan"


def test_mixed_praise_and_complaint_is_a_complaint() -> None:
    result = classify("dokternya ramah dan sabar, tapi antrinya lama sekali sampai 3 jam")
    assert result.kind == "keluhan"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("jam buka poli gigi hari sabtu?", "poli_gigi"),
        ("apakah imunisasi campak bisa di puskesmas?", "kia_kb"),
        ("syarat bikin surat keterangan sehat apa saja", "administrasi"),
        ("anak sy telat imunisasi, masih bisa dikejar ga?", "kia_kb"),
    ],
)
def test_questions(text: str, unit: str) -> None:
    result = classify(text)
    assert (result.kind, result.unit, result.urgent) == ("pertanyaan", unit, False)


def test_a_question_that_carries_a_complaint_is_a_complaint() -> None:
    result = classify("kenapa petugas loket selalu kasar dan membentak pasien?")
    assert result.kind == "keluhan"


@pytest.mark.parametrize(
    "text",
    [
        "sebaiknya ada antrian online biar tidak perlu datang subuh",
        "saran: hasil lab dikirim lewat WA saja",
        "tambahin kipas angin di ruang tunggu dong",
        "semoga ke depan petugas lebih ramah",
    ],
)
def test_suggestions(text: str) -> None:
    assert classify(text).kind == "saran"


def test_praise_is_never_urgent() -> None:
    result = classify(
        "Atas nama keluarga almarhumah yang meninggal kemarin, kami berterima kasih "
        "kepada perawat yang sabar dan ramah"
    )
    assert (result.kind, result.urgent) == ("pujian", False)


@pytest.mark.parametrize(
    "text",
    [
        "SLOT GACOR hari ini maxwin!!! daftar sekarang di bit.ly/gacor88",
        "Butuh dana cepat? Pinjaman online cair 5 menit tanpa agunan, hub WA",
        "Akun anda akan diblokir, verifikasi di http://akun-verifikasi.site",
        "Selamat! Anda terpilih sebagai pemenang undian, klik link berikut",
    ],
)
def test_spam_is_other_and_flagged_so_it_is_not_registered_as_feedback(text: str) -> None:
    result = classify(text)
    assert (result.kind, result.unit, result.urgent, result.spam) == (
        "lainnya",
        "lainnya",
        False,
        True,
    )
    assert any(reason.endswith("(bukan aduan)") for reason in result.reasons)


def test_a_greeting_is_other_but_not_spam() -> None:
    result = classify("Selamat hari raya idul fitri, mohon maaf lahir dan batin")
    assert (result.kind, result.spam) == ("lainnya", False)


@pytest.mark.parametrize(
    "text",
    [
        "di loket dimintai 20rb padahal pakai BPJS, katanya biar cepat",
        "ada pungli di pendaftaran",
        "obat yang dikasih apotek ternyata salah obat",
        "dosis obat anak saya salah dosis, hampir overdosis",
        "satpam memukul keluarga pasien di ruang tunggu",
        "petugas lab meraba2 saya waktu ambil darah",
        "saya diancam petugas kalau lapor ke dinas",
        "tetangga saya meninggal setelah disuruh pulang",
        "anak saya kejang dibawa ke UGD malah ditolak",
        "bapak saya sesak napas dibiarkan di kursi, tidak ada yang menangani",
        "kabel listrik di ruang tunggu terkelupas, anak hampir kesetrum",
        "bayi saya habis imunisasi badannya biru dan lemas",
    ],
)
def test_urgent_complaints(text: str) -> None:
    result = classify(text)
    assert result.urgent, result.reasons
    assert result.kind in ("keluhan", "saran")
    assert any(reason.endswith("→ mendesak") for reason in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "antri di loket lama sekali",
        "Loket baru dibuka pukul 08.15, padahal jadwal pukul 07.30",
        "antrian mengular sampai halaman",
        "tidak ada pungli, semua jelas",
        "kalo digigit anjing ada suntik rabies di puskesmas?",
    ],
)
def test_not_urgent(text: str) -> None:
    assert not classify(text).urgent


def test_urgency_is_in_the_reasons() -> None:
    result = classify("ada pungli di loket")
    assert "'pungli' → mendesak" in result.reasons
    assert_well_formed(result)


@pytest.mark.parametrize("text", ["", "   \n\t ", "🙏🙏🙏", "😡", ".......", "???"])
def test_nothing_to_read_is_other_with_no_confidence(text: str) -> None:
    result = classify(text)
    assert (result.kind, result.unit, result.urgent) == ("lainnya", "lainnya", False)
    assert result.confidence <= 0.1
    assert_well_formed(result)


@pytest.mark.parametrize(
    "text",
    [
        "The doctor was very rude and I waited three hours for my medicine.",
        "Hello, is this Maria? I got your number from Tony",
    ],
)
def test_another_language_is_other_with_low_confidence(text: str) -> None:
    result = classify(text)
    assert (result.kind, result.unit) == ("lainnya", "lainnya")
    assert result.confidence <= 0.1
    assert result.reasons == ("bukan bahasa Indonesia",)


@pytest.mark.parametrize(
    "piece", ["antri lama sekali di loket. ", "x", "1.2", "Salam,\n", "\n", "a@", "ä😀"]
)
def test_a_megabyte_is_classified_quickly(piece: str) -> None:
    text = piece * (1_000_000 // len(piece))
    start = time.perf_counter()
    result = classify(text)
    assert time.perf_counter() - start < 2.0
    assert_well_formed(result)


def test_a_long_complaint_is_read_from_its_start() -> None:
    text = "Obat di apotek kosong terus. " + "Saya sudah menunggu dari pagi tadi. " * 30_000
    result = classify(text)
    assert (result.kind, result.unit) == ("keluhan", "farmasi")


def test_an_item_naming_a_service_and_nothing_else_is_a_weak_complaint() -> None:
    result = classify("soal antrian di loket pendaftaran")
    assert (result.kind, result.unit) == ("keluhan", "pendaftaran")
    assert result.confidence < 0.6


def test_confident_when_the_words_agree() -> None:
    clear = classify("obat di apotek kosong, petugas apotek kasar dan ketus")
    vague = classify("soal antrian")
    assert clear.confidence > vague.confidence
