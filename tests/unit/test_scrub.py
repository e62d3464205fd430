from __future__ import annotations

import re
from pathlib import Path

import pytest

from aduan.parsers.chat_export import parse_chat_export
from aduan.parsers.contact_log import parse_contact_log
from aduan.parsers.diagnoses import DIAGNOSES
from aduan.parsers.scrub import (
    ADDRESS,
    DIAGNOSIS,
    EMAIL,
    NAME,
    NUMBER,
    Diagnoses,
    mask_contact,
    mask_health,
    scrub,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.mark.parametrize(
    "phone",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "081234567890",
        "0812.3456.789",
        "+62 812 3456 7890",
        "+62 812-3456-7890",
        "+6281234567890",
        "6281234567890",
        "62812-3456-7890",
        "+62 (0)812 3456 7890",
        "0857 1111 2222",
        "(021) 555-1234",
        "(021) 5551234",
        "021-5551234",
        "021 555 1234",
        "(0274) 123456",
        "+62 21 5551234",
        "+62-274-123456",
        "812-3456-7890",
    ],
)
def test_phone_numbers(phone: str) -> None:
    assert scrub(f"hubungi {phone} ya") == f"hubungi {NUMBER} ya"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("(hp 0812-3456-7890)", f"(hp {NUMBER})"),
        ("HP:081234567890.", f"HP:{NUMBER}."),
        ("WA 0812 3456 7890 2 kali tidak diangkat", f"WA {NUMBER} 2 kali tidak diangkat"),
        ("0812-1111-2222 / 0813-3333-4444", f"{NUMBER} / {NUMBER}"),
        ("wa.me/6281234567890", f"wa.me/{NUMBER}"),
    ],
)
def test_phone_numbers_in_context(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "address",
    ["rina.marlina@contoh.co.id", "budi_h+aduan@mail.contoh.id", "WARGA01@Contoh.COM"],
)
def test_email_addresses(address: str) -> None:
    assert scrub(f"surel: {address}, terima kasih") == f"surel: {EMAIL}, terima kasih"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("NIK 3201012301900001", f"NIK {NUMBER}"),
        ("NIK: 3201 0123 0190 0001", f"NIK: {NUMBER}"),
        ("NIK 32.01.01.230190.0001", f"NIK {NUMBER}"),
        ("NIK 320101 230190 0001", f"NIK {NUMBER}"),
        ("no KK 3201012301900002 ya", f"no KK {NUMBER} ya"),
        ("kartu BPJS 0001234567890", f"kartu BPJS {NUMBER}"),
        ("BPJS 0001 2345 67890", f"BPJS {NUMBER}"),
        ("No. RM 12-34-56", f"No. RM {NUMBER}"),
        ("RM: 123456", f"RM: {NUMBER}"),
        ("rekam medis 00123", f"rekam medis {NUMBER}"),
        ("nomor rekam medis: 00.12.34", f"nomor rekam medis: {NUMBER}"),
        ("No RM.4567 sudah", f"No RM.{NUMBER} sudah"),
    ],
)
def test_identity_and_record_numbers(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Bapak Budi", f"Bapak {NAME}"),
        ("Bpk. Budi Santoso datang", f"Bpk. {NAME} datang"),
        ("pak Budi", f"pak {NAME}"),
        ("Pak Budi Santoso Wijaya marah", f"Pak {NAME} marah"),
        ("Ibu Siti", f"Ibu {NAME}"),
        ("Bu Siti Rahayu.", f"Bu {NAME}."),
        ("Sdr. Andi", f"Sdr. {NAME}"),
        ("Saudara Andi", f"Saudara {NAME}"),
        ("Sdri. Ani", f"Sdri. {NAME}"),
        ("dr. Rina", f"dr. {NAME}"),
        ("drg. Rina Kusuma", f"drg. {NAME}"),
        ("Mas Joko", f"Mas {NAME}"),
        ("Mbak Ani", f"Mbak {NAME}"),
        ("Kak Lala", f"Kak {NAME}"),
        ("Bidan Yuli", f"Bidan {NAME}"),
        ("Ibu Bidan Yuli", f"Ibu Bidan {NAME}"),
        ("Ibu Hj. Aminah", f"Ibu {NAME}"),
        ("Ibu Siti Kepala TU", f"Ibu {NAME} Kepala TU"),
        ("Bu Nur'aini", f"Bu {NAME}"),
    ],
)
def test_honorific_and_name(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "Ibu hamil harus antri lama",
        "ibu-ibu dan bapak-bapak menunggu",
        "pak satpam tidak ramah",
        "Ibu Kepala Puskesmas sudah tahu",
        "Pak Dokter datang terlambat",
        "Ibu Hamil dan Menyusui",
        "Terima kasih Bu. Saya datang lagi besok.",
        "Terima kasih Pak, Saya tunggu.",
        "Pak Saya mau tanya",
        "Pak RT sudah lapor",
        "IBU SITI TIDAK RAMAH",  # all capitals: no name can be told from a word
        "Kak, tolong dibantu",
        "kakak saya sakit",
    ],
)
def test_words_after_an_honorific_that_are_not_names(text: str) -> None:
    assert scrub(text) == text


def test_given_names_whole_and_word_by_word() -> None:
    text = "Saya Siti Rahayu. siti  rahayu lagi, Rahayu, SITI, Sitinya, Ani"
    assert scrub(text, names=["Ibu Siti Rahayu", "Ani"]) == (
        f"Saya {NAME}. {NAME} lagi, {NAME}, {NAME}, Sitinya, {NAME}"
    )


def test_given_names_skip_short_words_and_honorifics() -> None:
    # "Nur" has three letters and goes; "Ibu" and "Hj" are not the person.
    assert scrub("ibu nur dan Hj sudah", names=["Hj. Nur Aini"]) == f"ibu {NAME} dan Hj sudah"
    assert scrub("Ed datang", names=["Ed Lim"]) == "Ed datang"
    assert scrub("antri lama", names=["", "  "]) == "antri lama"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("rumah di Jl. Mawar No. 5, dekat pasar", f"rumah di {ADDRESS}, dekat pasar"),
        ("Jalan Melati 12 RT 03/RW 04", ADDRESS),
        ("Jln. Kenanga Gg. Melati II No. 7. Saya", f"{ADDRESS}. Saya"),
        ("jl mawar no 5 rt 3 rw 4 kemarin antri", f"{ADDRESS} kemarin antri"),
        ("Gg. Buntu 3; anak saya", f"{ADDRESS}; anak saya"),
        ("RT 03 RW 04", ADDRESS),
        ("RT.003/RW.004 Desa Sukamaju", f"{ADDRESS} Desa Sukamaju"),
        ("RT/RW 03/04", ADDRESS),
    ],
)
def test_addresses(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "bayar Rp 50.000 padahal BPJS",
        "Rp. 1.250.000,-",
        "Rp 1.500.000.000.000",
        "buka jam 08.00 - 12.00",
        "antri 08.00 08.30 09.00 09.30 10.00 10.30",
        "datang 08:15, dipanggil 10:30",
        "tanggal 23/11/2026",
        "tanggal 23-11-2026 dan 2026-11-23",
        "tahun 2025-2026",
        "menunggu 3 jam, 2 kali datang, 15 orang",
        "nomor antrian 123",
        "suhu 38,5 derajat",
        "antrian tidak jalan",
        "jalan kaki ke puskesmas",
        "Jalan menuju puskesmas rusak",
        "call center 119 dan 112",
    ],
)
def test_ordinary_numbers_and_words_stay(text: str) -> None:
    assert scrub(text) == text


def test_everything_at_once_and_idempotent() -> None:
    text = (
        "Saya Rina Marlina (NIK 3201012301900001), HP 0812-3456-7890, surel "
        "rina@contoh.id, tinggal di Jl. Mawar No. 5, RT 03/RW 04. Tanggal 23/11/2026 jam "
        "08.00 saya bawa anak ke UGD, No. RM 12-34-56, dilayani dr. Rina Kusuma setelah 3 jam. "
        "Bayar Rp 50.000."
    )
    once = scrub(text, names=["Rina Marlina"])
    assert once == (
        f"Saya {NAME} (NIK {NUMBER}), HP {NUMBER}, surel {EMAIL}, tinggal di {ADDRESS}, "
        f"{ADDRESS}. Tanggal 23/11/2026 jam 08.00 saya bawa anak ke UGD, No. RM {NUMBER}, "
        f"dilayani dr. {NAME} setelah 3 jam. Bayar Rp 50.000."
    )
    assert scrub(once, names=["Rina Marlina"]) == once


# --- the import fixtures ------------------------------------------------------------------

_PHONE_LEFT = re.compile(r"(?:\+?62|0)[\s.-]?8\d")
_DIGIT_RUN = re.compile(r"\d(?:[\s.-]?\d){8,}")
_STAFF = frozenset({"Admin Pengaduan", "Puskesmas Contoh"})  # the facility's own accounts


def _fixture_texts() -> list[tuple[str, list[str]]]:
    """Every complaint text of the import fixtures, with the names known for it."""
    texts: list[tuple[str, list[str]]] = []
    for name in ("wa_android_id.txt", "wa_android_en.txt", "wa_ios_id.txt", "wa_ios_en.txt"):
        export = parse_chat_export((DATA / name).read_bytes())
        # Placeholders name files by their date ("…-PHOTO-2026-11-02-09-13-02.jpg").
        texts += [
            (m.text, [] if m.sender in _STAFF else [m.sender])
            for m in export.messages
            if not m.media
        ]
    for name in ("sms_log.csv", "telepon_log.csv"):
        for row in parse_contact_log((DATA / name).read_bytes()):
            known = [row.name] if row.name else []
            texts += [(row.text, known)]
            texts += [(value, known) for value in (row.contact, row.address) if value]
    return texts


@pytest.mark.parametrize(("text", "names"), _fixture_texts())
def test_fixture_texts_keep_no_personal_data(text: str, names: list[str]) -> None:
    scrubbed = scrub(text, names)
    assert not _PHONE_LEFT.search(scrubbed)
    assert not _DIGIT_RUN.search(scrubbed), "a long number survived"
    assert "@contoh" not in scrubbed
    for name in names:
        for word in re.findall(r"[A-Za-z]{3,}", name):
            assert not re.search(rf"\b{word}\b", scrubbed, re.I), word
    assert not re.search(r"\b(?:Jl|Jalan|RT)\b", scrubbed)
    assert scrub(scrubbed, names) == scrubbed


def test_fixture_messages_keep_amounts_times_and_counts() -> None:
    android = parse_chat_export((DATA / "wa_android_id.txt").read_bytes()).messages
    first, medicine, urgent = android[0], android[2], android[6]
    assert scrub(first.text, [first.sender]) == first.text  # only times in it
    assert scrub(medicine.text) == medicine.text  # "2 minggu", "Rp 85.000"
    assert scrub(urgent.text, [urgent.sender]).endswith(
        f"sudah 30 menit, rumah kami di {ADDRESS}, HP {NUMBER}"
    )
    reply = android[7]
    assert scrub(reply.text) == f"Ibu {NAME}, kami hubungi petugas jaga UGD sekarang."


# --- health data: mask_health, and what scrub and mask_contact add to it -------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK 3201012301900001", f"NIK {NUMBER}"),
        ("NIK: 3201 0123 0190 0001", f"NIK: {NUMBER}"),
        ("kartu BPJS 0001234567890", f"kartu BPJS {NUMBER}"),
        ("No. RM 12-34-56", f"No. RM {NUMBER}"),
        ("nomor rekam medis: 00.12.34", f"nomor rekam medis: {NUMBER}"),
        ("saya positif HIV", f"saya {DIAGNOSIS}"),
        ("hasil tes hiv reaktif", f"hasil tes {DIAGNOSIS}"),
        ("penderita HIV/AIDS", f"penderita {DIAGNOSIS}"),
        ("ambil obat ARV di klinik VCT", f"ambil obat {DIAGNOSIS} di klinik {DIAGNOSIS}"),
        ("anak saya ODHA", f"anak saya {DIAGNOSIS}"),
        ("batuk lama, ternyata TBC", f"batuk lama, ternyata {DIAGNOSIS}"),
        ("pengobatan TB paru 6 bulan", f"pengobatan {DIAGNOSIS} 6 bulan"),
        ("TB-MDR", DIAGNOSIS),
        ("hepatitis B dari ibu", f"{DIAGNOSIS} dari ibu"),
        ("HBsAg reaktif", f"{DIAGNOSIS} reaktif"),
        ("kena sifilis / raja singa", f"kena {DIAGNOSIS} / {DIAGNOSIS}"),
        ("cek penyakit kelamin dan IMS", f"cek {DIAGNOSIS} dan {DIAGNOSIS}"),
        ("adik saya ODGJ, gangguan jiwa", f"adik saya {DIAGNOSIS}, {DIAGNOSIS}"),
        ("skizofrenia sejak 2019", f"{DIAGNOSIS} sejak 2019"),
        ("depresinya kambuh", f"{DIAGNOSIS} kambuh"),
        ("kanker payudara stadium 2", f"{DIAGNOSIS} stadium 2"),
        ("KANKER", DIAGNOSIS),
        ("pernah kusta", f"pernah {DIAGNOSIS}"),
        ("pemakai narkoba / NAPZA", f"pemakai {DIAGNOSIS} / {DIAGNOSIS}"),
        ("istri saya keguguran", f"istri saya {DIAGNOSIS}"),
        ("hamil di luar nikah", DIAGNOSIS),
        ("HIV-nya", DIAGNOSIS),
    ],
)
def test_mask_health(text: str, masked: str) -> None:
    assert mask_health(text) == masked
    assert mask_health(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        # Everyday conditions, often what the complaint is about: they stay.
        "obat diabetes kosong, obat darah tinggi juga",
        "anak demam berdarah, dirawat 3 hari",
        "ibu hamil antri lama di KIA",
        "hipertensi dan asma kambuh",
        # Not the diagnosis: body height in a child's card, an island, a word inside a word.
        "BB 12 kg, TB 85 cm",
        "warga Pulau Sabu",
        "tbcx dan hivos",
        # Phone numbers, names and addresses are for the team to call back.
        "HP 0812-3456-7890, Ibu Siti, Jl. Mawar No. 5",
        "WA 6281234567890",
    ],
)
def test_mask_health_keeps_the_rest(text: str) -> None:
    assert mask_health(text) == text


def test_scrub_masks_diagnoses_too_and_stays_idempotent() -> None:
    text = "Bu Siti (HP 0812-3456-7890) positif HIV, No. RM 12-34-56, tinggal di Jl. Mawar 5"
    once = scrub(text, ["Siti Aminah"])
    assert once == (f"Bu {NAME} (HP {NUMBER}) {DIAGNOSIS}, No. RM {NUMBER}, tinggal di {ADDRESS}")
    assert scrub(once, ["Siti Aminah"]) == once
    assert mask_health(once) == once and mask_contact(once) == once


def test_mask_contact_keeps_staff_names_after_an_honorific() -> None:
    text = "Saya Siti, HP 0812-3456-7890, siti@contoh.id. dr. Budi membentak, saya TBC."
    once = mask_contact(text, ["Siti Aminah"])
    assert once == f"Saya {NAME}, HP {NUMBER}, {EMAIL}. dr. Budi membentak, saya {DIAGNOSIS}."
    assert mask_contact(once, ["Siti Aminah"]) == once


def test_a_facility_adds_and_unmasks_diagnosis_terms() -> None:
    own = Diagnoses.of(extra=["demam berdarah", "gangguan tidur*"], shown=["Kanker", "depresi"])
    assert mask_health("demam berdarah, kanker, depresi", own) == f"{DIAGNOSIS}, kanker, depresi"
    assert mask_health("gangguan tidurnya", own) == DIAGNOSIS
    assert mask_health("HIV", own) == DIAGNOSIS  # the rest of the built-in list stays
    assert Diagnoses.of() is Diagnoses.of()  # compiled once


@pytest.mark.parametrize(
    ("extra", "shown", "problem"),
    [
        ((), ("flu",), "not a built-in"),
        (("  ",), (), "empty"),
        (("disamarkan",), (), "aduan.s own"),
        (("nama",), (), "aduan.s own"),
    ],
)
def test_bad_diagnosis_terms_are_refused(
    extra: tuple[str, ...], shown: tuple[str, ...], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        Diagnoses.of(extra, shown)


def test_every_built_in_term_masks_itself() -> None:
    for term in DIAGNOSES:
        written = term.rstrip("*")
        assert mask_health(f"soal {written} itu") == f"soal {DIAGNOSIS} itu", term
