"""How people really write suggestions, praise, questions and alarms (issue 5, the language
round): each case is a way of saying something, written fresh, not an item of the data sets."""

from __future__ import annotations

import pytest

from aduan.parsers.classify import classify
from aduan.parsers.classify.normalise import prepare


@pytest.mark.parametrize(
    "text",
    [
        # Suggestion phrasing, with the problem given as the reason.
        "coba deh lab buka hari sabtu juga, yang kerja susah izin",
        "bagusnya sih ada ruang bermain anak, kasian anak2 rewel nunggu lama",
        "mending nomor antrian bisa diambil lewat aplikasi aja",
        "hendaknya jadwal posyandu diumumkan lewat masjid",
        "mungkin bisa dikirim notifikasi WA kalau giliran sudah dekat",
        "sediakan tempat cuci tangan di depan poli anak",
        "pengennya ada dokter jaga perempuan di UGD",
        "kursi roda kalau bisa ditambah, yang ada sering dipakai semua",
        # An imperative at the start of a sentence.
        "bikin jalur khusus lansia di loket, kasian berdiri lama",
        "pak, tambahkan kipas angin di ruang tunggu",
    ],
)
def test_suggestions_however_they_are_put(text: str) -> None:
    assert classify(text).kind == "saran", classify(text).reasons


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # An imperative that asks or tells a story is not a suggestion.
        ("pasang behel di sini bisa pakai BPJS?", "pertanyaan"),
        ("bikin kartu berobat kemarin disuruh bolak balik tiga kali", "keluhan"),
        # A wish is not praise.
        ("biar tidak lama antrinya, tambah loket", "saran"),
    ],
)
def test_imperatives_that_are_not_suggestions(text: str, kind: str) -> None:
    assert classify(text).kind == kind, classify(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "tidak pernah kecewa berobat di sini",
        "obatnya tidak mahal, petugasnya tidak pernah judes",
        "matur nuwun bu bidan, sabar sanget",
        "the best lah dokter giginya, cabut gigi gak kerasa",
        "semoga makin jaya, pelayanannya tidak mengecewakan",
    ],
)
def test_praise_including_a_denied_complaint(text: str) -> None:
    assert classify(text).kind == "pujian", classify(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "masa sih dokternya baru datang jam 10?",
        "sabun di toilet tidak pernah ada, gimana mau cuci tangan",
        "apa pantas petugas loket ngomong begitu ke lansia?",
        "poli gigi not recommended, dokternya buru2",
        "speaker ruang tunggu kekecilan, nama tidak kedengaran",
    ],
)
def test_complaints_phrased_as_questions_or_understatements(text: str) -> None:
    assert classify(text).kind == "keluhan", classify(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Undangan rapat koordinasi kader posyandu hari Kamis di aula",
        "Terima kasih telah menghubungi kami. Pesan anda akan dibalas dalam 1x24 jam.",
        "Newsletter bulan ini: tips sehat. Untuk berhenti berlangganan klik di sini.",
        "KTA cair tanpa BI checking, cukup KTP. Minat? balas YA",
    ],
)
def test_mail_that_is_not_feedback(text: str) -> None:
    assert classify(text).kind == "lainnya", classify(text).reasons


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A question or a thank-you that tells of a death, a fall, a life saved.
        ("ibu saya meninggal minggu lalu, bagaimana cara menutup BPJS nya?", "pertanyaan"),
        ("terima kasih perawat yang sigap menolong ibu saya waktu jatuh di halaman", "pujian"),
        ("makasih tim UGD, nyawa suami saya tertolong", "pujian"),
        # A past matter, settled, with thanks.
        (
            "dulu pernah dimintai uang di loket, sekarang sudah ada kuitansi resmi. "
            "terima kasih sudah dibenahi",
            "pujian",
        ),
    ],
)
def test_alarming_words_that_are_not_an_alarm(text: str, kind: str) -> None:
    result = classify(text)
    assert (result.kind, result.urgent) == (kind, False), result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "petugas laki2 masuk waktu saya sedang menyusui di ruang laktasi",
        "perawat godain anak saya terus minta nomor WA",
        "diminta fee 100k buat tambal gigi padahal pakai BPJS",
        "bidan ninggalin istri saya sendirian padahal pendarahan",
        "ada yang jual surat keterangan sehat tanpa periksa di belakang loket",
        "bapak sy hampir ga tertolong gara2 telat dirujuk",
        # Praise beside an alarm is a complaint, and urgent.
        "dokternya ramah, tapi perawat memukul anak saya",
    ],
)
def test_alarms_in_plain_words(text: str) -> None:
    result = classify(text)
    assert result.urgent, result.reasons
    assert result.kind == "keluhan", result.reasons


def test_an_emergency_named_only_by_its_place_goes_to_the_ugd() -> None:
    result = classify("ayah saya pingsan di parkiran, tidak ada petugas yang menolong")
    assert (result.unit, result.urgent) == ("ugd", True), result.reasons


def test_thousands_written_with_k_are_money() -> None:
    assert "uang" in prepare("diminta 150k buat admin").split()
