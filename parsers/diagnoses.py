"""Diagnoses that mail never carries: the conditions whose mention harms the person.

The SOPs' concern is stigma, not medicine: someone named in a small town as living with
HIV, treated for TB or a mental illness, or having lost a pregnancy, pays for it socially.
So the list holds stigmatising conditions and the words that give them away (the drug, the
clinic, the test), and not everyday illnesses: "diabetes", "darah tinggi", "demam
berdarah", "diare", "asma", "stroke", "hamil" stay, because they are often what a complaint
is about ("obat hipertensi kosong") and the team could not act on a masked one. Sexual
violence is no diagnosis and is not here: such a complaint is marked `rahasia` instead.

How a term is written: case does not matter; a space also matches several spaces, a line
break or a hyphen ("TB paru", "TB-paru"); a term matches whole words only, with the
suffixes -nya/-ku/-mu ("depresinya", "HIV-nya"); a trailing `*` lets the last word run on
("skizofreni*": skizofrenia, skizofrenik). A facility adds terms with `[privacy] diagnoses`
and un-masks built-in ones with `[privacy] diagnoses_shown`.
"""

from __future__ import annotations

DIAGNOSES: tuple[str, ...] = (
    # HIV, and what reveals it: the drugs, the testing clinic, a test result.
    "HIV/AIDS", "HIV", "AIDS", "ODHA", "positif HIV", "HIV positif", "HIV reaktif",
    "ARV", "antiretroviral", "VCT",
    # Tuberculosis ("TB" alone is also tinggi badan, body height, in child health cards).
    "TBC", "TB paru", "TB MDR", "TB RO", "TB positif", "positif TB", "tuberkulosis",
    "flek paru", "obat TB", "pasien TB", "penderita TB",
    # Hepatitis B and C.
    "hepatitis B", "hepatitis C", "hep B", "hep C", "HBsAg",
    # Sexually transmitted infections.
    "IMS", "infeksi menular seksual", "penyakit menular seksual", "penyakit kelamin",
    "sifilis", "raja singa", "gonore", "kencing nanah", "klamidia", "herpes kelamin",
    "kutil kelamin",
    # Mental illness.
    "gangguan jiwa", "sakit jiwa", "penyakit jiwa", "gangguan mental", "ODGJ",
    "rumah sakit jiwa", "RSJ", "skizofreni*", "depresi", "bipolar", "psikosis", "psikotik",
    "pasung", "dipasung", "percobaan bunuh diri",
    # Cancer.
    "kanker", "kanker serviks", "kanker payudara", "kanker rahim", "kanker darah",
    "kanker paru", "kanker hati", "kanker usus", "kanker prostat", "tumor ganas",
    "leukemia", "kemoterapi",
    # Leprosy and epilepsy, both still shunned.
    "kusta", "lepra", "morbus hansen", "epilepsi", "ayan",
    # Drug use ("sabu" alone is also an island in NTT).
    "narkoba", "NAPZA", "narkotika", "pecandu", "sabu-sabu", "nyabu", "putaw", "ganja",
    "metadon", "PTRM",
    # Pregnancy loss and pregnancy outside marriage.
    "keguguran", "aborsi", "abortus", "menggugurkan kandungan", "hamil di luar nikah",
    "kehamilan di luar nikah", "kehamilan tidak diinginkan", "hamil duluan",
)  # fmt: skip
