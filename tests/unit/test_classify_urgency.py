"""Urgency as people really report it: indirect, misspelt, far into a letter, in pairs of
words; and the ordinary complaints that only sound alarming."""

from __future__ import annotations

from pathlib import Path

import pytest

from aduan.parsers.classify import classify, load_lexicon
from aduan.parsers.classify.normalise import normalise
from tests.unit.test_classify_rules import assert_well_formed


@pytest.mark.parametrize(
    "text",
    [
        # An emergency met with refusal, a queue, paperwork or a shrug.
        "anak sy kejang2 malah disuruh ambil nomor antrian dulu",
        "ditolak IGD krn ga bawa KTP, pdhl bapak sy udh ga sadar",
        "bibir anak saya kebiruan, petugas cuma bilang biasa itu",
        "istri saya ketuban pecah, bidannya ga ada di tempat",
        "ada yg pingsan di depan loket ga ada yg nolong",
        "nenek sesek napas jam 2 malam, pintu puskesmas digembok",
        "kakek gula drop sampai tergeletak, petugas santai aja main hp",
        # Medicine and procedures gone wrong, unsafe practice.
        "obatnya ketuker sama punya pasien lain",
        "puyer anak saya dosisnya kebanyakan, sekarang lemas terus",
        "dikasih sirup yg udh jamuran",
        "perawat ambil botol yang salah, obat tetes telinga dimasukkan ke mata",
        "petugas nyuntik tanpa pakai sarung tangan",
        "alat cabut giginya tidak disterilkan",
        "jarum suntiknya dipakai berulang buat beberapa anak",
        # Violence, harassment, threats.
        "sy dibentak trus didorong sampe jatuh sama satpam",
        "suami saya dijambak perawat",
        "petugas lab colek2 pinggang saya",
        "dokter ngajak ketemuan di luar jam kerja, sy takut",
        "kalau saya lapor ke dinas katanya keluarga saya ga bakal dilayani",
        "kalo masih protes, BPJS ibu saya dicabut katanya",
        # Money asked for, however it is put.
        "petugas minta 50rb biar cepat",
        "harus titip 20rb ke satpam kalau mau nomor awal",
        "katanya gratis tapi bayar 15rb, ga dikasih kuitansi",
        "bayar aja 300 ke dia nanti diurusin",
        "ada pungutan uang kebersihan tiap pasien",
        # Danger on the premises.
        "plafon ruang tunggu udah melengkung mau runtuh",
        "colokan di ruang anak meleleh dan bau gosong",
        "kabel listrik ngelupas deket ruang anak",
        # A death or a near-death.
        "pasien meninggal",
        "bapak sy hampir ga tertolong gara2 telat dirujuk",
    ],
)
def test_urgent_however_it_is_written(text: str) -> None:
    result = classify(text)
    assert result.urgent, result.reasons
    assert result.kind in ("keluhan", "saran")
    assert any(reason.endswith("→ mendesak") for reason in result.reasons)
    assert_well_formed(result)


@pytest.mark.parametrize(
    "text",
    [
        "ruang tunggu UGD panas, kipasnya mati",
        "antrian mengular sampai parkiran",
        "obat hipertensi kosong terus, disuruh beli di luar",
        "obat yang dikasih beda merk dari bulan lalu",
        "uang kembalian di kasir kurang 2rb",
        "bayar parkir 2rb, ada karcisnya",
        "biaya cabut gigi umum berapa?",
        "jadwal posyandu bulan ini jatuh hari apa?",
        "anak saya pernah kejang demam, boleh imunisasi?",
        "kalau malam anak kejang, boleh langsung ke UGD atau harus ke RS?",
        "bidan menolak amplop dari kami, katanya sudah tugasnya. salut",
        "sebaiknya disediakan alat pemadam api di tiap lorong",
        "ruang tunggu poli anak sesak dan pengap",
        "tidak ada pungli, semua ada kuitansinya",
        "dibentak petugas loket cuma gara2 nanya",
        "ibu hamil disuruh antri lama di loket",
        "Jual obat kuat herbal, dijamin manjur, bayar COD 150rb, hub WA",
        "Paket anda tertahan di bea cukai, transfer denda Rp350.000 ke rekening berikut",
    ],
)
def test_ordinary_feedback_that_only_sounds_alarming_is_not_urgent(text: str) -> None:
    result = classify(text)
    assert not result.urgent, result.reasons


def test_praise_mentioning_a_death_or_a_treated_emergency_is_not_urgent() -> None:
    for text in (
        "terima kasih perawat bangsal yang merawat almarhum bapak kami dengan penuh kasih",
        "terima kasih tim UGD, anak saya kejang langsung diberi obat dan sekarang sehat",
    ):
        result = classify(text)
        assert (result.kind, result.urgent) == ("pujian", False), result.reasons


def test_praise_beside_another_alarm_is_still_urgent() -> None:
    result = classify("dokternya ramah, tapi satpamnya memukul bapak saya")
    assert result.urgent
    assert "'memukul' → mendesak" in result.reasons


def test_a_pair_says_which_two_words_made_it_urgent() -> None:
    result = classify("petugas minta 50rb biar cepat")
    assert "'minta' + 'uang' → mendesak" in result.reasons
    result = classify("atap ruang tunggu mau runtuh")
    assert "'atap' + 'runtuh' → mendesak" in result.reasons


def test_a_conditional_threat_is_urgent_but_a_question_about_reporting_is_not() -> None:
    threat = classify("kalau saya lapor ke dinas, keluarga saya tidak dilayani lagi")
    assert threat.urgent
    assert "'kalau saya lapor' → mendesak" in threat.reasons
    assert not classify("kalau mau lapor keluhan ke mana ya?").urgent


def test_context_words_of_urgency_do_not_change_the_kind() -> None:
    # "antri" is a refusal word for urgency only; the praise "tidak perlu" still reaches on
    # to "lama".
    result = classify("alhamdulillah tidak perlu antri lama, petugasnya ramah")
    assert (result.kind, result.urgent) == ("pujian", False)


def test_a_wish_is_not_a_negated_complaint() -> None:
    result = classify("sebaiknya ada antrian online biar tidak nunggu lama")
    assert result.kind == "saran"


def test_a_message_ending_on_a_yes_no_word_is_a_question() -> None:
    assert classify("poli gigi buka hari sabtu gak").kind == "pertanyaan"
    assert classify("cek kolesterol harus puasa dulu atau tidak").kind == "pertanyaan"


def test_urgency_is_found_far_into_a_long_letter_and_kind_read_from_its_start() -> None:
    text = (
        "Obat di apotek sering kosong. "
        + "Saya sudah beberapa kali datang dan menunggu dari pagi. " * 40
        + "Kemarin anak saya kejang di ruang tunggu dan malah disuruh antri."
    )
    lexicon = load_lexicon()
    assert len(normalise(text, lexicon.speller).text) < len(text)  # the head is shorter
    result = classify(text)
    assert result.urgent
    assert (result.kind, result.unit) == ("keluhan", "farmasi")


def test_a_one_line_message_that_opens_with_a_salutation_is_read() -> None:
    result = classify("Yth. Kepala Puskesmas, saya mau lapor anak saya kejang ditolak di UGD")
    assert result.urgent
    assert result.unit == "ugd"


def test_a_facility_can_add_a_benign_phrase_and_a_pair_cue(tmp_path: Path) -> None:
    path = tmp_path / "kamus.toml"
    path.write_text(
        '[urgent.bukan]\n"jatuh bangun" = 1\n\n[urgent.sarana]\nakuarium = 1\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    assert classify("usaha kami jatuh bangun", lexicon=lexicon).urgent is False
    assert classify("usaha kami jatuh bangun").urgent
    assert not classify("akuarium di ruang tunggu miring").urgent
    assert classify("akuarium di ruang tunggu miring", lexicon=lexicon).urgent
