"""Urgency on phrasings written for this file only, before the lexicon was tuned for them:
the indirect ways people report danger on the premises, emergencies held up by paperwork,
fraud and illegal fees, and harassment; and ordinary feedback that uses the same alarming
words without being urgent."""

from __future__ import annotations

import pytest

from aduan.parsers.classify import classify
from tests.unit.test_classify_rules import assert_well_formed

URGENT = [
    # Danger on the premises.
    "langit2 ruang tunggu KIA udh retak2 dan ngelendut, takut ambruk kena anak2",
    "ada bau gas dari dapur gizi sejak pagi tp ga ada yg ngecek",
    "kabel colokan di ruang bersalin kepanasan sampe berasap",
    "lantai depan toilet licin bgt, tadi ada nenek kepeleset kepalanya kebentur",
    "tangga ke lantai 2 pegangannya copot, lansia hampir jatuh",
    "ada yg merokok di samping tabung oksigen di ruang tindakan",
    "korsleting di panel listrik dekat loket, percikan apinya keliatan",
    "tembok belakang poli retak panjang abis gempa, masih dipake buat praktek",
    # An emergency held up by administration.
    "ibu sy pendarahan abis melahirkan tp petugas minta fotokopi KK dulu baru mau ditangani",
    "bapak saya sesak nafas berat, ditanya2 soal kartu BPJS setengah jam baru diperiksa",
    "anak saya step, malah disuruh daftar ke loket dulu ambil nomer",
    "suami kecelakaan motor berdarah2, katanya harus ada surat pengantar RT dulu",
    "pasien stroke ditunda dirujuk gara2 berkas rujukannya belum ditandatangani",
    # Fraud, fake receipts, illegal fees.
    "kwitansi yg dikasih kasir beda nominal sama yg sy bayar, ditulis lebih kecil",
    "disuruh bayar 75rb buat rapid, pas minta bukti katanya ga ada nota",
    "ada oknum ngaku petugas puskesmas minta transfer biar anak dpt jatah vaksin",
    "pasien BPJS ditarik biaya tambahan buat jahit luka, ga ada tanda terimanya",
    "stempel di nota pembayaran palsu, ternyata uangnya ga masuk kas",
    "petugas jual surat sehat tanpa diperiksa, 50rb langsung jadi",
    # Harassment, said indirectly.
    "dokter itu suka pegang2 paha pasien cewek pas periksa",
    "petugas laki2 ngintip waktu sy ganti baju di ruang periksa",
    "sy dichat terus sama perawat, minta foto2 pribadi",
    "mantri nyuruh anak saya buka baju padahal cuma sakit gigi, terus difoto",
    "petugas loket ngomong jorok dan nanya2 soal ukuran badan saya",
    # Medicine, violence, threats, neglect, a death.
    "anak sy dikasih obat dewasa, skrg muntah2 terus",
    "vaksin yg disuntik ke bayi saya udah kadaluarsa",
    "satpam nampar pengantar pasien di parkiran",
    "petugas ngancam bakal nyoret nama kami dari daftar bantuan kalau ngadu",
    "pasien di ruang observasi ditinggal sendirian sampai jatuh dari ranjang, kepalanya berdarah",
    "ibu hamil kejang di ruang tunggu, perawatnya lagi istirahat semua ga ada yg dateng",
    "tetangga sy meninggal di jalan setelah ditolak puskesmas karena jam pelayanan sudah tutup",
]

NOT_URGENT = [
    "toilet ruang tunggu bau pesing, airnya mati",
    "lampu di lorong poli umum mati satu, agak gelap",
    "AC ruang tunggu netes, tolong dicek",
    "cat tembok ruang KIA udah ngelupas, kesannya kumuh",
    "apakah puskesmas punya tabung oksigen untuk dipinjam pulang?",
    "biaya surat keterangan sehat 25rb sesuai perda, ada kuitansinya. cuma antrinya lama",
    "kuitansi pembayaran tulisannya ga kebaca, mohon dicetak saja",
    "berapa biaya rawat jalan pasien umum? ada nota resminya kan?",
    "ibu saya sempat sesak tapi langsung ditangani dengan cepat, terima kasih UGD",
    "anak saya demam tinggi kemarin, diperiksa dokter jaga dan sudah membaik. cuma obatnya pahit",
    "syarat rujukan ke RS apa saja ya? bapak saya kontrol jantung rutin",
    "pendaftaran BPJS ribet, harus fotokopi KK dan KTP berkali-kali",
    "dokter gigi galak, anak saya jadi takut periksa",
    "perawatnya cuek waktu saya tanya jadwal, main hp terus",
    "petugas loket ngobrol terus sama temannya, pasien dicuekin",
    "tempat sampah di ruang tunggu penuh, belum diangkut",
    "parkiran motor sempit dan panas",
    "papan nama poli sudah miring dan pudar",
    "kursi ruang tunggu kurang, banyak yang berdiri",
    "mohon jalur evakuasi kebakaran diberi tanda yang jelas",
    "apakah boleh bawa tabung oksigen sendiri ke ruang rawat?",
    "simulasi pemadaman kebakaran kemarin di halaman puskesmas seru, petugasnya sigap",
    "video edukasi bahaya merokok di ruang tunggu bagus, tapi suaranya terlalu keras",
    "mohon ada ruang ganti yang tertutup untuk pasien perempuan di poli KIA",
    "dokter perempuan kok jarang ada, saya lebih nyaman diperiksa dokter perempuan",
    "perawat salah tulis nama saya di kartu berobat",
    "obat dari apotek habis, harus balik lagi besok",
    "dulu pernah ada pungli di loket, sekarang sudah bersih dan transparan. terima kasih",
    "harga obat di apotek luar mahal, kenapa di puskesmas sering kosong?",
    "mati lampu pas periksa gigi, akhirnya dijadwal ulang minggu depan",
]


@pytest.mark.parametrize("text", URGENT)
def test_indirect_urgent_phrasings_are_urgent(text: str) -> None:
    result = classify(text)
    assert result.urgent, result.reasons
    assert any(reason.endswith("→ mendesak") for reason in result.reasons)
    assert_well_formed(result)


@pytest.mark.parametrize("text", NOT_URGENT)
def test_alarming_but_ordinary_phrasings_are_not_urgent(text: str) -> None:
    result = classify(text)
    assert not result.urgent, result.reasons
    assert_well_formed(result)
