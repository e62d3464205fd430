"""Personal data out of a complaint's text: for the public notice board (papan pengaduan)
and for mail that leaves the building.

Three strengths, each contained in the next:
- `mask_health`: health data only — 16-digit NIK/KK and 13-digit BPJS numbers, labelled
  medical record numbers, and the stigmatising diagnoses of `parsers/diagnoses.py`
  (→ `[diagnosis disamarkan]`); phone numbers, names and addresses stay. For the quality
  team, who need to call the reporter back but not to know their HIV status.
- `mask_contact`: health data, plus e-mail addresses, phone numbers, street addresses and
  the reporter's own names; names after an honorific stay (they are mostly staff, whom the
  head must know to act). For a summary that shows the reporter as initials.
- `scrub`: everything, for the public and for other offices.

Contract of `scrub`:
- e-mail addresses → `[surel disamarkan]`;
- Indonesian phone numbers as people write them (mobile and landline, 0…, 62…, +62…,
  area codes in brackets), 16-digit NIK/KK and 13-digit BPJS numbers (also in groups), and
  labelled medical record numbers (the label stays) → `[nomor disamarkan]`;
- a labelled street address (Jl./Jalan/Gg. up to the end of its clause) and RT/RW pairs
  → `[alamat disamarkan]`;
- the reporter's names as given, whole and word by word, and capitalised names after an
  honorific (the honorific stays: `Ibu [nama]`) → `[nama]`;
- the diagnoses of `Diagnoses` → `[diagnosis disamarkan]`;
- amounts, times, dates and counts stay; idempotent: scrub(scrub(x)) == scrub(x), and so
  are `mask_health` and `mask_contact`.

Errs toward hiding: a notice board is public, and a masked street name costs nothing. Names
are recognised by their capital letter, so a name written in lower case after an honorific
or in an all-capitals text is only caught when it was given in `names`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from aduan.parsers.diagnoses import DIAGNOSES

NUMBER = "[nomor disamarkan]"
EMAIL = "[surel disamarkan]"
ADDRESS = "[alamat disamarkan]"
NAME = "[nama]"
DIAGNOSIS = "[diagnosis disamarkan]"
PLACEHOLDERS = (NUMBER, EMAIL, ADDRESS, NAME, DIAGNOSIS)

# Starts only where a local part can start: tried inside a long word, it would rescan the
# word's rest from every letter.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# A medical record number only counts with its label: bare, it is any short number.
_RECORD = re.compile(
    r"(?P<label>\b(?:no(?:mor)?\.?[ \t]*)?(?:RM|MR|rekam[ \t]+medi[sk])\b\.?[ \t]*"
    r"(?:no(?:mor)?\b\.?[ \t]*)?[:#]?[ \t]*)"
    r"\d(?:[\d.\-]*\d)?(?!\d)",
    re.I,
)

# Numbers are read as chains of digit groups joined by one space, dot or dash, with
# brackets around an area or country code: "+62 (0)812-3456-7890", "(021) 555-1234".
_DIGITS = re.compile(r"\d+")
_JOINERS = frozenset({"", " ", "\u00a0", ".", "-"})
_AMOUNT_BEFORE = re.compile(r"rp\.?\s*$", re.I)
_ID_LENGTHS = frozenset({13, 16})  # BPJS card, NIK and KK
_NIK_PARTS = [2, 2, 2, 6, 4]
_MOBILE_DIGITS = range(9, 13)  # after 0 or 62: 8xx… (0812-3456-7890 has 11)
_BARE_MOBILE_DIGITS = range(10, 13)  # written without 0 or 62: "812-3456-7890"
_LANDLINE_DIGITS = range(8, 12)  # after 0 or 62: area code and number (021-5551234 has 9)
_GROUP_MIN = 3  # a phone's groups after the first; "08.00 12.00" has groups of two
# The most groups one number is written in: "+62 (0) 812 3456 7890", "32.01.01.230190.0001".
# Bounds the search in a long run of numbers (a pasted table).
_GROUPS_MAX = 6
_AREA_CODE_STARTS = frozenset("12345679")  # 021 Jakarta … 0967 Jayapura; 08 is mobile

# A street: "Jl."/"Jln"/"Gg." in any case, "Jalan"/"Gang" only before a capital or a
# number ("jalan kaki", "antrian tidak jalan" are no addresses). It runs to the end of its
# clause: punctuation, or a word that starts a new clause.
_ABBREVIATIONS = r"no|gg|jl|jln|kel|kec|ds|dsn|kp|kab|komp|blok|blk|rt|rw|kav"
_CLAUSE_WORDS = (
    r"dan|tapi|tetapi|namun|karena|sebab|sejak|yang|untuk|lalu|kemudian|sudah|tidak|belum"
    r"|saya|kami|anak|ingin|mau|mohon|pada|ketika|saat|jam|pukul|tanggal|tgl|sekitar"
    r"|kemarin|tadi|hari|datang|berobat|ke|di|dari"
)
_ADDRESS_WORD = rf"(?:(?i:\b(?:{_ABBREVIATIONS})\.)|\.(?=\d)|[^\s,;:.!?()])+"
_STREET = re.compile(
    r"(?:\b(?i:jln?)\b\.?|\b(?i:gg)\b\.?(?=[ \t]*[A-Z0-9])|\b(?:Jalan|JALAN|Gang|GANG)\b"
    r"(?=[ \t]+[A-Z0-9]))[ \t]*"
    rf"{_ADDRESS_WORD}(?:[ \t]+(?!(?i:{_CLAUSE_WORDS})\b){_ADDRESS_WORD})*"
)
_RT_RW = re.compile(
    r"\b(?i:rt)\b\.?[ \t]*:?[ \t]*\d{1,3}[ \t]*[/,]?[ \t]*\b(?i:rw)\b\.?[ \t]*:?[ \t]*\d{1,3}(?!\d)"
    r"|\b(?i:rt[ \t]*/[ \t]*rw)\b\.?[ \t]*:?[ \t]*\d{1,3}[ \t]*/[ \t]*\d{1,3}(?!\d)"
)

# Longest first where one is the start of another.
_HONORIFICS = (
    r"bapak|bpk\.?|pak|ibu|bu|saudara|saudari|sdri\.?|sdra\.?|sdr\.?|drg\.?|dr\.?|mas|mbak|mba"
    r"|kakak|kak|bidan|bang|dik|dek|ny\.?|tn\.?|nn\.?"
)
# Capitalised words after an honorific that are roles, places or sentence words, not names:
# "Ibu Kepala Puskesmas", "Pak Dokter", "Ibu Bidan Yuli" (Bidan is the honorific there).
_NOT_NAMES = (
    r"Kepala|Puskesmas|Pustu|Dokter|Bidan|Perawat|Petugas|Satpam|Security|Hamil|Menyusui"
    r"|Direktur|Camat|Lurah|Kades|Ketua|Kapus|Apoteker|Admin|Staf|Staff|Kader|Guru|Polisi"
    r"|Pasien|Saya|Kami|Kita|Anda|Dia|Mereka|Beliau|Yang|Dan|Atau|Di|Ke|Dari|Itu|Ini"
    r"|Tolong|Mohon|Terima|Maaf|Selamat|Pagi|Siang|Sore|Malam|Loket|Poli|Pendaftaran"
    r"|Kasir|Apotek|Laboratorium|Lab|Gizi|Dinas|Bupati|Walikota|Gubernur|Menteri"
    r"|Presiden|Sekretaris|Bendahara|Koordinator|Desa|Kelurahan|Kecamatan|Bagian|Kasubag"
    r"|Kabid|Kasi|Pengaduan|Mutu|Tim|Jaga|Piket"
)
_CAPITALISED = r"[A-Z][a-z]+(?:['\u2019-][A-Za-z][a-z]*)*"
_NAME_WORD = rf"(?!(?:{_NOT_NAMES})\b){_CAPITALISED}"
_HONORIFIC_NAME = re.compile(
    rf"\b(?P<title>(?i:{_HONORIFICS}))(?P<gap>[ \t]+|(?<=\.))"
    # An initial or short title may lead ("H. Ahmad", "Hj. Aminah"); up to three words.
    rf"(?:[A-Z][a-z]?\.[ \t]?)?{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}(?![\w'\u2019-])"
)
_NAME_PART = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_NAME_PART_MIN = 3
# Words of a register name that are not the person: honorifics, pilgrim titles, and the
# placeholders' own words, which must never be replaced again.
_NOT_NAME_PARTS = frozenset(
    {
        *(word.rstrip("\\.?") for word in _HONORIFICS.split("|")),
        "haji",
        "hajjah",
        "hj",
        "nama",
        "nomor",
        "surel",
        "alamat",
        "disamarkan",
        "diagnosis",
    }
)

# Indonesian enclitics after a term: "depresinya", "HIV-nya", "kankerku".
_SUFFIX = r"(?:-?(?:nya|ku|mu))?"


@dataclass(frozen=True)
class Diagnoses:
    """The diagnosis terms to mask (see `parsers/diagnoses.py` for how one is written),
    compiled once: `Diagnoses.of()` is the built-in list."""

    terms: tuple[str, ...]
    pattern: re.Pattern[str] | None

    @staticmethod
    def of(extra: Iterable[str] = (), shown: Iterable[str] = ()) -> Diagnoses:
        """The built-in terms without `shown`, plus `extra`. ValueError for a `shown` term
        that is not built in, or a term that is empty or would eat a placeholder."""
        return _diagnoses(tuple(extra), tuple(shown))

    def mask(self, text: str) -> str:
        return text if self.pattern is None else self.pattern.sub(DIAGNOSIS, text)


@lru_cache(maxsize=8)
def _diagnoses(extra: tuple[str, ...], shown: tuple[str, ...]) -> Diagnoses:
    built_in = {term.casefold() for term in DIAGNOSES}
    unknown = [term for term in shown if term.casefold() not in built_in]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a built-in diagnosis term")
    hidden = {term.casefold() for term in shown}
    terms = [t.strip() for t in (*DIAGNOSES, *extra) if t.strip().casefold() not in hidden]
    if any(not term or term == "*" for term in terms):
        raise ValueError("a diagnosis term is empty")
    if not terms:
        return Diagnoses((), None)
    alternatives = sorted({_term_regex(term) for term in terms}, key=len, reverse=True)
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)}){_SUFFIX}(?!\w)", re.I)
    for placeholder in PLACEHOLDERS:
        found = pattern.search(placeholder)
        if found:
            raise ValueError(f"diagnosis term {found[0]!r} would mask aduan's own {placeholder}")
    return Diagnoses(tuple(terms), pattern)


def _term_regex(term: str) -> str:
    stem, run_on = (term[:-1], r"\w*") if term.endswith("*") else (term, "")
    words = [re.escape(word) for word in stem.split()]
    return r"[\s-]+".join(words) + run_on


BUILT_IN = Diagnoses.of()


def mask_health(text: str, diagnoses: Diagnoses = BUILT_IN) -> str:
    """Mask NIK/KK and BPJS numbers, labelled medical record numbers and the diagnoses in
    `text`; phone numbers, names and addresses stay (see the module docstring)."""
    text = _RECORD.sub(lambda match: match["label"] + NUMBER, text)
    text = _numbers(text, phones=False)
    return diagnoses.mask(text)


def mask_contact(text: str, names: Iterable[str] = (), diagnoses: Diagnoses = BUILT_IN) -> str:
    """`mask_health`, plus e-mail addresses, phone numbers, street addresses and the given
    `names`; a name after an honorific stays."""
    return _scrub(text, names, diagnoses, honorifics=False)


def scrub(text: str, names: Iterable[str] = (), diagnoses: Diagnoses = BUILT_IN) -> str:
    """Mask personal data in `text`; see the module docstring for the contract."""
    return _scrub(text, names, diagnoses, honorifics=True)


def _scrub(text: str, names: Iterable[str], diagnoses: Diagnoses, *, honorifics: bool) -> str:
    text = _EMAIL.sub(EMAIL, text)
    text = _RECORD.sub(lambda match: match["label"] + NUMBER, text)
    text = _numbers(text)
    # Before addresses: a diagnosis inside a clause that reads as a street is masked alike,
    # but its placeholder must not end the street's clause early.
    text = diagnoses.mask(text)
    text = _STREET.sub(ADDRESS, text)
    text = _RT_RW.sub(ADDRESS, text)
    # Honorifics first: a given name masked before would hide the rest of the name behind
    # it ("dr. Rina Kusuma" with "Rina" given must not leave "dr. [nama] Kusuma").
    if honorifics:
        text = _HONORIFIC_NAME.sub(lambda match: match["title"] + match["gap"] + NAME, text)
    pattern = _names_pattern(names)
    return text if pattern is None else pattern.sub(NAME, text)


# --- numbers ------------------------------------------------------------------------------


def _numbers(text: str, *, phones: bool = True) -> str:
    """Mask NIK/KK/BPJS numbers, and phone numbers too unless `phones` is False."""
    spans: list[tuple[int, int]] = []
    chain: list[re.Match[str]] = []
    for group in _DIGITS.finditer(text):
        if chain and _joins(text[chain[-1].end() : group.start()]):
            chain.append(group)
            continue
        spans.extend(_personal_numbers(text, chain, phones))
        chain = [group]
    spans.extend(_personal_numbers(text, chain, phones))
    pieces: list[str] = []
    end = 0
    for start, stop in spans:
        pieces += [text[end:start], NUMBER]
        end = stop
    return "".join([*pieces, text[end:]])


def _joins(between: str) -> bool:
    """Whether the text between two digit groups joins them into one number."""
    if between.count("(") > 1 or between.count(")") > 1:
        return False
    return between.replace("(", "").replace(")", "") in _JOINERS


def _personal_numbers(
    text: str, chain: Sequence[re.Match[str]], phones: bool
) -> list[tuple[int, int]]:
    """Spans of the phone, NIK and BPJS numbers in one chain of digit groups. A chain may
    hold more than one number, or a number and then a count ("0812 3456 7890 2 kali"): the
    longest number from each group on is taken. Without `phones`, a number that reads as a
    phone number is passed over (a 13-digit "6281234567890" is a phone, not a BPJS card)."""
    if not chain or _AMOUNT_BEFORE.search(text[max(0, chain[0].start() - 8) : chain[0].start()]):
        return []
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(chain):
        for stop in range(min(len(chain), start + _GROUPS_MAX), start, -1):
            groups = [group.group() for group in chain[start:stop]]
            joins = [
                text[a.end() : b.start()]
                for a, b in zip(chain[start:stop], chain[start + 1 : stop], strict=False)
            ]
            phone = _is_phone(groups)
            if phone or _is_id_number(groups, joins):
                begin = chain[start].start()
                while begin > 0 and text[begin - 1] in "+(":  # "+62", "(021)"
                    begin -= 1
                if phones or not phone:
                    spans.append((begin, chain[stop - 1].end()))
                start = stop
                break
        else:
            start += 1
    return spans


def _is_id_number(groups: Sequence[str], joins: Sequence[str]) -> bool:
    digits = "".join(groups)
    if len(digits) not in _ID_LENGTHS or any("(" in j or ")" in j for j in joins):
        return False
    sizes = [len(group) for group in groups]
    # "1.500.000.000.000" is an amount, "08.00 08.30 …" a list of times. An ID is written
    # whole, in groups of four or so, or in the NIK's own parts: region codes, birth date
    # and serial (32.01.01.230190.0001).
    amount = sizes[0] <= 3 and all(size == 3 for size in sizes[1:])
    return len(groups) == 1 or sizes == _NIK_PARTS or (not amount and min(sizes) >= _GROUP_MIN)


def _is_phone(groups: Sequence[str]) -> bool:
    first, digits = groups[0], "".join(groups)
    country = first.startswith("62")
    # After a bare country code the area code or mobile prefix may be short ("+62 21 …",
    # "+62 (0) 812 …"); any other short group is a time or a date ("08.00", "23-11").
    short_allowed = {1} if first == "62" else set()
    if first == "62" and len(groups) > 1 and groups[1] == "0":
        short_allowed.add(2)
    if any(len(g) < _GROUP_MIN and k not in short_allowed for k, g in enumerate(groups[1:], 1)):
        return False
    if country:
        rest = digits[2:].removeprefix("0")  # "+62 (0)812", "+62 0812"
    elif first.startswith("0"):
        rest = digits[1:]
    else:
        return digits.startswith("8") and len(first) >= 3 and len(digits) in _BARE_MOBILE_DIGITS
    if rest.startswith("8"):
        return len(rest) in _MOBILE_DIGITS
    return rest[:1] in _AREA_CODE_STARTS and len(rest) in _LANDLINE_DIGITS


# --- names --------------------------------------------------------------------------------


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every given name: whole (any spacing), then each word of three
    letters or more, case-insensitive, whole words only; longest first."""
    phrases: set[str] = set()
    for name in names:
        words = [w for w in _NAME_PART.findall(name) if w.lower() not in _NOT_NAME_PARTS]
        if len(words) > 1:
            phrases.add(r"\s+".join(re.escape(word) for word in words))
        phrases.update(re.escape(word) for word in words if len(word) >= _NAME_PART_MIN)
    if not phrases:
        return None
    alternatives = "|".join(sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)
