"""A read page (`PageRead`) → `Slip`: what a suggestion-box slip (kotak saran) says.

Contract (implemented by `parse_slip`):
- a printed form is recognised by its labels (Nama, Alamat, No. HP/Telp, Tanggal, Isi
  saran/keluhan and their usual variants), also when tesseract misreads them by a letter or
  two, drops their colon or turns their dotted leaders into dots, dashes or stray letters;
- a field's value is what follows its label on the same row, else the rows below it up to the
  next label; the body runs from its label to the next label or the end of the page;
- the rows above the first label (header, facility name, instructions) never reach a field;
- a page without form labels is a free-form slip: its whole text is the body;
- what tesseract reads a dotted line as (dots, dashes, "aa", "cocecoceo…") is not writing;
- `confidence` is judged on the filled-in words only: the printed form reads well whatever
  the hand wrote;
- `review` says in Indonesian why a person must look: low confidence, a body under three
  words, a form without a body field (its loose text becomes the body), a phone field that
  is no number or was read unsurely, a date field that is no date;
- `empty` (skip it) only when nothing was written: no body, no field, no review reason;
- never raises, whatever the `PageRead` holds.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from aduan.parsers.dates import MONTHS
from aduan.parsers.ocr import PageRead, Word

# Review reasons, read by staff.
REVIEW_LOW_CONFIDENCE = "keyakinan OCR rendah ({percent}%)"
REVIEW_SHORT_BODY = "isi terlalu pendek"
REVIEW_NO_BODY_FIELD = "kolom isi tidak ditemukan"
REVIEW_PHONE = "nomor HP tidak jelas"
REVIEW_DATE = "tanggal tidak terbaca"

# Mean confidence of the filled-in words below which a person reads the slip. On the
# generated corpus and its degraded renders (bench/slip_accuracy.py --degraded 3, tesseract
# 5 `ind`, psm 11), slips read right averaged 0.90-0.96; below 0.90 every slip had a wrong
# field or body, but many wrong ones stay above it (a lost label costs no confidence), so
# the field checks below carry the rest. Fills there are printed fonts: re-measure on real
# handwriting, which tesseract reads far less surely.
LOW_CONFIDENCE = 0.90
# A phone number any of whose words tesseract was less sure of than this is checked by a
# person: on the same renders every wrongly read number was under 0.80, and about one right
# number in six too; a complainant who cannot be called back is the costlier mistake.
PHONE_CONFIDENCE = 0.80
SHORT_BODY_WORDS = 3

_NAME, _ADDRESS, _CONTACT, _DATE, _BODY = "name", "address", "contact", "date", "body"

# Printed labels, as letters only. A label is followed by a colon, a leader or the gap to the
# value column. Generic ones are also ordinary words at the start of a sentence ("Saran
# saya…", "Keluhan ini…"): on a read without word boxes they need the colon or leader.
_LABELS: dict[str, str] = {
    "nama": _NAME,
    "namalengkap": _NAME,
    "namapelapor": _NAME,
    "namapengadu": _NAME,
    "alamat": _ADDRESS,
    "alamatrumah": _ADDRESS,
    "nohptelp": _CONTACT,
    "nohp": _CONTACT,
    "notelp": _CONTACT,
    "notlp": _CONTACT,
    "notelepon": _CONTACT,
    "nomorhp": _CONTACT,
    "nomortelepon": _CONTACT,
    "nohpwa": _CONTACT,
    "nowa": _CONTACT,
    "nohpemail": _CONTACT,
    "telp": _CONTACT,
    "telepon": _CONTACT,
    "hp": _CONTACT,
    "kontak": _CONTACT,
    "tanggal": _DATE,
    "tgl": _DATE,
    "haritanggal": _DATE,
    "isisarankeluhan": _BODY,
    "isikeluhansaran": _BODY,
    "isisaran": _BODY,
    "isikeluhan": _BODY,
    "isipengaduan": _BODY,
    "isiaduan": _BODY,
    "sarankeluhan": _BODY,
    "keluhansaran": _BODY,
    "sarandankeluhan": _BODY,
    "kritikdansaran": _BODY,
    "kritiksaran": _BODY,
    "saran": _BODY,
    "keluhan": _BODY,
    "pengaduan": _BODY,
    "isi": _BODY,
}
_GENERIC_LABELS = frozenset({"saran", "keluhan", "pengaduan", "isi", "hp", "telp", "kontak"})
_LABEL_WORDS_MAX = 5
_LABEL_JOINERS = frozenset({"/", "&", "-", "+"})
# Between a label and the writing after it, in heights of the label: a word space is ~0.3,
# the printed gap to the value column several.
_LABEL_GAP = 1.5
# Printed headings that make a page a form even when only one label was read.
_FORM_HEADINGS = ("kotaksaran", "formulirpengaduan", "formulirsaran", "lembarsaran")

# Dotted leaders and colons split a word: tesseract glues "Nama:Budi" and "..Bayar".
_SEPARATOR = re.compile(r"(:|[.…_·‥]{2,}|…)")
_LEADING_JUNK = "'\"\u2018\u2019\u201c\u201d|«»`.,;:~-—_"
_TRAILING_JUNK = "'\"|«»`:;~—_"
# Two lines side by side are one row when their heights overlap by this much of the lower:
# the hand writes above the printed baseline, often by more than half a letter.
_ROW_OVERLAP = 0.25
# What tesseract makes of dotted lines (see _is_leader_noise).
_NOISE_CONFIDENCE = 0.35
_NOISE_LENGTH = 3
_NOISE_RUN = 12
_DOT_SHAPES = frozenset("aenoscu")
# Tesseract's readings of dots are 50-100 % these letters (Indonesian prose: about half).
_DOT_SHAPES_SHARE = 0.5
_NOISE_VARIETY = 0.3

_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)
# Anything that could be a written phone number inside a longer text.
_PHONE_IN_TEXT = re.compile(r"(?<![\d])(?:[+#]\s*)?\d[\d\s\-.()]{6,}\d")
# A mobile number in free prose: must start like one, so "RT 04/02" or a date never match.
_MOBILE_IN_TEXT = re.compile(r"(?<![\d])(?:\+\s*62|62|0)\s*8[\d\s\-.]{7,15}\d")
_PHONE_PREFIX = re.compile(r"^(?:no|nomor|hp|wa|telp|telepon|tel|tlp)\b[\s.:/]*", re.I)
_PHONE_NOISE = re.compile(r"[\s\-.()/]")
# "+" is read as "#", "*", "t" or "4" often enough to accept those before the 62.
_PHONE_FORM = re.compile(r"(?:[+#*t4]?62|0)?(\d+)", re.I)
_PHONE_REST = re.compile(r"[1-9]\d{8,12}")
# Only a text this full of digits has its look-alike letters read as digits.
_PHONE_DIGITS_MIN = 8
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
# Digits and their look-alikes; a run holding a real digit is a number ("l2/11" → "12/11").
_DIGIT_RUN = re.compile(r"[\dOoDlI|]+")
_NUMBER_LIKE = re.compile(r"(?=.*\d)[\dOoDlI|/.,-]+")

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})(?!\d)")
_NAMED_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*[-/.]?\s*([a-z]{3,})\.?\s*[-/.,]?\s*(\d{4}|\d{2})(?!\d)", re.I
)
_YEARS = range(2000, 2100)


@dataclass(frozen=True)
class Slip:
    body: str  # Isi saran/keluhan, or the whole text of a free-form slip; "" when none
    name: str | None
    contact: str | None  # "+62…" or an e-mail address
    address: str | None
    date: date | None
    form: bool  # the printed form's labels were recognised
    confidence: float  # mean OCR confidence of the filled-in words, 0..1
    review: tuple[str, ...]  # why a person must look (Indonesian); empty when fine

    @property
    def empty(self) -> bool:
        """Nothing was written: a blank page or an unused form, to be skipped. A slip whose
        only writing could not be read is not empty: it carries a review reason."""
        fields = (self.name, self.contact, self.address, self.date)
        return not self.body and all(value is None for value in fields) and not self.review


@dataclass(frozen=True)
class _Token:
    text: str
    confidence: float
    separator: bool  # a colon, a dotted leader or stray punctuation: not writing
    box: tuple[int, int, int, int]  # of the word it came from
    raw: str  # as read, junk and all: "@gmail .com" must keep its dot


@dataclass(frozen=True)
class _Row:
    tokens: tuple[_Token, ...]


@dataclass(frozen=True)
class _Label:
    field: str
    rest: tuple[_Token, ...]  # what follows the label on its row


@dataclass(frozen=True)
class FieldArea:
    """Where a form field's writing is: the band of the page from a little above its label's
    row down to the next label's band, less the printed label and its colon."""

    field: str  # name, address, contact, date or body
    top: int
    bottom: int | None  # None: to the foot of the page
    label: tuple[tuple[int, int, int, int], ...]  # boxes of the printed words to leave out


# A band starts this many label heights above the label: the hand writes above the printed
# baseline, and a large hand's capitals reach a label's height higher still.
_BAND_ABOVE = 1.3


def parse_slip(read: PageRead) -> Slip:
    """Read the fields of one slip; see the module docstring for the contract."""
    rows, labels = _layout(read)
    if not rows:
        return Slip("", None, None, None, None, form=False, confidence=0.0, review=())
    if _is_form(rows, labels):
        return _form(rows, labels)
    return _free_form(rows)


def field_areas(read: PageRead) -> list[FieldArea]:
    """The bands of a printed form's fields, top to bottom; [] for a free-form slip."""
    rows, labels = _layout(read)
    if not _is_form(rows, labels) or not all(t.box[3] > 0 for row in rows for t in row.tokens):
        return []
    areas: list[FieldArea] = []
    for start in sorted(labels):
        tokens = rows[start].tokens
        rest = labels[start].rest
        printed = list(tokens[: len(tokens) - len(rest)])
        # Its colon or leader; not what reads as dots, which may be writing tesseract missed.
        printed.extend(itertools.takewhile(lambda token: _SEPARATOR.fullmatch(token.raw), rest))
        top = min(token.box[1] for token in printed)
        height = max(token.box[1] + token.box[3] for token in printed) - top
        band_top = max(0, round(top - _BAND_ABOVE * height))
        if areas:
            areas[-1] = replace(areas[-1], bottom=band_top)
        # A word tesseract glued together ("Nama:Budi") holds writing too: it stays.
        written = {token.box for token in rest if not token.separator}
        boxes = tuple(token.box for token in printed if token.box not in written)
        areas.append(FieldArea(labels[start].field, band_top, None, boxes))
    return areas


def _layout(read: PageRead) -> tuple[list[_Row], dict[int, _Label]]:
    if read.blank:
        return [], {}
    rows = [row for row in _rows(read.words) if any(not t.separator for t in row.tokens)]
    return rows, _find_labels(rows)


def _is_form(rows: Sequence[_Row], labels: dict[int, _Label]) -> bool:
    return len(labels) >= 2 or bool(labels and _has_heading(rows[: min(labels)]))


def normalise_phone(text: str) -> str | None:
    """An Indonesian phone number as written ("0812-3456-7890", "0812 3456 7890",
    "+62 812…", "62812…", "(0272) 321909") → "+62…" with 9-13 digits after the country
    code; None when the text is not a plausible Indonesian number."""
    compact = _PHONE_PREFIX.sub("", text.strip())
    compact = _PHONE_NOISE.sub("", compact.replace("(0)", ""))
    if sum(c.isdigit() for c in compact) >= _PHONE_DIGITS_MIN:
        compact = compact.translate(_DIGIT_LOOKALIKES)
    match = _PHONE_FORM.fullmatch(compact)
    if match is None:
        return None
    rest = match.group(1)
    has_prefix = len(rest) < len(compact)
    # Without 0 or 62 in front only a mobile number (8…) is unambiguous.
    if not _PHONE_REST.fullmatch(rest) or (not has_prefix and not rest.startswith("8")):
        return None
    return f"+62{rest}"


def parse_date(text: str) -> date | None:
    """A date as written on a slip ("12-11-2026", "12/11/26", "12.11.2026", "12 Nov 2026",
    "12 November 2026", "Senin, 12 Nopember 2026") → date; None when there is none or it
    does not exist (31/02) or its year is not 20xx."""
    fixed = _DIGIT_RUN.sub(_digits, text)
    numeric = _NUMERIC_DATE.search(fixed)
    if numeric:
        day, month, year = (int(group) for group in numeric.groups())
        return _date(year, month, day)
    for named in _NAMED_DATE.finditer(fixed):
        month_number = _month(named.group(2))
        if month_number:
            return _date(int(named.group(3)), month_number, int(named.group(1)))
    return None


# --- rows and tokens ----------------------------------------------------------------------


def _rows(words: Sequence[Word]) -> list[_Row]:
    """The page's rows of writing, top to bottom, each read left to right.

    Tesseract's lines are the starting point, but in sparse or column layouts it puts a
    label and the value written after it into two lines (sometimes far apart in its reading
    order), and the hand writes a little above the printed baseline; lines that sit side by
    side on the page, overlapping vertically, are one row.
    """
    lines: dict[int, list[Word]] = {}
    for word in words:
        if word.text.strip():
            lines.setdefault(word.line, []).append(word)
    ordered = [lines[number] for number in sorted(lines)]
    if not all(word.box[3] > 0 for line in ordered for word in line):
        return [_row(line) for line in ordered]
    groups: list[_Group] = []
    for line in sorted(ordered, key=lambda line: min(_centre(word) for word in line)):
        extent = _Group.of(line)
        for group in groups:
            if group.beside(extent):
                group.add(extent)
                break
        else:
            groups.append(extent)
    return [_row(sorted(group.words, key=lambda word: word.box[0])) for group in groups]


@dataclass
class _Group:
    """Lines of one row: the first line's vertical extent, and each line's horizontal one."""

    top: int
    bottom: int
    spans: list[tuple[int, int]]
    words: list[Word]

    @classmethod
    def of(cls, line: Sequence[Word]) -> _Group:
        top = min(word.box[1] for word in line)
        bottom = max(word.box[1] + word.box[3] for word in line)
        left = min(word.box[0] for word in line)
        right = max(word.box[0] + word.box[2] for word in line)
        return cls(top, bottom, [(left, right)], list(line))

    def beside(self, other: _Group) -> bool:
        overlap = min(self.bottom, other.bottom) - max(self.top, other.top)
        height = min(self.bottom - self.top, other.bottom - other.top)
        (left, right) = other.spans[0]
        apart = all(
            right <= span_left or left >= span_right for span_left, span_right in self.spans
        )
        return apart and overlap >= _ROW_OVERLAP * height

    def add(self, other: _Group) -> None:
        self.spans.extend(other.spans)
        self.words.extend(other.words)


def _centre(word: Word) -> float:
    return word.box[1] + word.box[3] / 2


def _row(words: Iterable[Word]) -> _Row:
    tokens: list[_Token] = []
    for word in words:
        for piece in _SEPARATOR.split(unicodedata.normalize("NFC", word.text)):
            if not piece:
                continue
            text = piece.lstrip(_LEADING_JUNK).rstrip(_TRAILING_JUNK)
            if (
                _SEPARATOR.fullmatch(piece)
                or not any(c.isalnum() for c in text)
                or _is_leader_noise(text, word.confidence)
            ):
                tokens.append(_Token(piece, word.confidence, True, word.box, piece))
            else:
                tokens.append(_Token(text, word.confidence, False, word.box, piece))
    return _Row(tuple(tokens))


def _is_leader_noise(text: str, confidence: float) -> bool:
    """Tesseract reads a dotted line as low-confidence "words" made of the shapes a dot can
    pass for: short ones ("aa", "mo na", "ee se"), runs of a few letters ("cocecoceoco…")
    and words of mostly round letters ("nasansaasanasa", "Yennkanansa", "ngak"). A handwritten
    word it cannot read is kept: it lowers the slip's confidence, so a person reads it."""
    if confidence >= _NOISE_CONFIDENCE:
        return False
    letters = [c for c in text.lower() if c.isalnum()]
    if len(letters) <= _NOISE_LENGTH:
        return True
    if sum(c in _DOT_SHAPES for c in letters) >= _DOT_SHAPES_SHARE * len(letters):
        return True
    return len(letters) >= _NOISE_RUN and len(set(letters)) < _NOISE_VARIETY * len(letters)


# --- labels -------------------------------------------------------------------------------


def _find_labels(rows: Sequence[_Row]) -> dict[int, _Label]:
    """Rows that start with a form label, by row index; each field's first label only."""
    found: dict[int, _Label] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        label = _label(row)
        if label is not None and label.field not in seen:
            seen.add(label.field)
            found[index] = label
    return found


def _label(row: _Row) -> _Label | None:
    tokens = row.tokens
    start = 0
    while start < len(tokens) and tokens[start].separator:
        start += 1
    best: _Label | None = None
    exact = False
    key = ""
    for end in range(start, min(start + _LABEL_WORDS_MAX, len(tokens))):
        token = tokens[end]
        if token.text in _LABEL_JOINERS:  # "Isi Saran / Keluhan"
            continue
        # Labels are words: a digit is already the value ("Tanggal 12 Nov 2026").
        if token.separator or any(c.isdigit() for c in token.text):
            break
        key += "".join(c for c in token.text.lower() if c.isalpha())
        # "m" is read as "rn" often enough to undo before anything else ("Narna").
        key = key.replace("rn", "m")
        rest = tokens[end + 1 :]
        separated = _separated(token, rest)
        if key in _LABELS:
            if separated or (separated is None and key not in _GENERIC_LABELS):
                best, exact = _Label(_LABELS[key], rest), True
        # A misread label, unless it is only a read label with the value's first word
        # glued on ("alamatjl" is "Alamat" + "Jl.", not a misread "alamat").
        elif not exact and separated is not False:
            field = _fuzzy_label(key)
            if field is not None:
                best = _Label(field, rest)
    return best


def _separated(last: _Token, rest: Sequence[_Token]) -> bool | None:
    """Whether the words before `rest` stand apart as a label: followed by a colon or leader,
    by nothing, or by a gap wider than a word space, where the hand's writing starts in the
    form's value column ("Nama saya Budi" in prose is not a label). None when the read has
    no word boxes to tell."""
    if not rest or rest[0].separator:
        return True
    height = last.box[3]
    if height <= 0:
        return None
    gap = rest[0].box[0] - (last.box[0] + last.box[2])
    return gap >= _LABEL_GAP * height


def _fuzzy_label(key: str) -> str | None:
    """The field of the label `key` is a misreading of: no slip allowed on short labels, one
    letter on labels up to 7 letters, two on longer ones; generic labels must be exact."""
    allowed = 0 if len(key) < 4 else 1 if len(key) < 8 else 2
    if allowed == 0:
        return None
    for label, field in _LABELS.items():
        if label not in _GENERIC_LABELS and _within(key, label, allowed):
            return field
    return None


def _within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit`."""
    if limit == 0 or abs(len(a) - len(b)) > limit:
        return a == b
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _has_heading(rows: Sequence[_Row]) -> bool:
    text = "".join(c for row in rows for t in row.tokens for c in t.text.lower() if c.isalpha())
    return any(heading in text for heading in _FORM_HEADINGS)


# --- forms and free-form slips ------------------------------------------------------------


def _form(rows: Sequence[_Row], labels: dict[int, _Label]) -> Slip:
    starts = sorted(labels)
    values: dict[str, list[_Token]] = {}
    unclaimed: list[_Token] = []
    for position, start in enumerate(starts):
        label = labels[start]
        end = starts[position + 1] if position + 1 < len(starts) else len(rows)
        below = [_content(row.tokens) for row in rows[start + 1 : end]]
        below = [tokens for tokens in below if tokens]
        same_row = _content(label.rest)
        if label.field == _BODY:
            values[_BODY] = same_row + [token for tokens in below for token in tokens]
            continue
        # A field filled in on its own row keeps the rows under it only when the label's
        # row was left empty (value written below); an address may take two rows.
        taken = 0 if same_row else 2 if label.field == _ADDRESS else 1
        values[label.field] = same_row + [t for tokens in below[:taken] for t in tokens]
        unclaimed.extend(token for tokens in below[taken:] for token in tokens)
    review: list[str] = []
    if all(label.field != _BODY for label in labels.values()):
        review.append(REVIEW_NO_BODY_FIELD)
        # The complaint is kept: staff read it with the reason above.
        values[_BODY] = unclaimed
    return _slip(values, form=True, review=review)


def _free_form(rows: Sequence[_Row]) -> Slip:
    lines = [_content(row.tokens) for row in rows]
    lines = [tokens for tokens in lines if tokens]
    words = [token for tokens in lines for token in tokens]
    body = "\n".join(_text(tokens) for tokens in lines)
    contact = _email(body) or _mobile_in(body)
    return _finish(
        body=body,
        name=None,
        contact=contact,
        address=None,
        day=None,
        form=False,
        words=words,
        review=[],
    )


def _slip(values: dict[str, list[_Token]], *, form: bool, review: list[str]) -> Slip:
    contact_tokens = values.get(_CONTACT, [])
    contact_text = _text(contact_tokens)
    contact = _email(" ".join(t.raw for t in contact_tokens)) or _phone(contact_text)
    # A number tesseract was unsure of may have a wrong digit: nobody could be called back.
    unsure = any(token.confidence < PHONE_CONFIDENCE for token in contact_tokens)
    if contact_text and (contact is None or unsure):
        review.append(REVIEW_PHONE)
    date_text = _text(values.get(_DATE, []))
    day = parse_date(date_text) if date_text else None
    if date_text and day is None:
        review.append(REVIEW_DATE)
    return _finish(
        body=_numbers(_text(values.get(_BODY, []))),
        name=_name(_text(values.get(_NAME, []))),
        contact=contact,
        address=_numbers(_text(values.get(_ADDRESS, []))) or None,
        day=day,
        form=form,
        words=[token for tokens in values.values() for token in tokens],
        review=review,
    )


def _finish(
    *,
    body: str,
    name: str | None,
    contact: str | None,
    address: str | None,
    day: date | None,
    form: bool,
    words: Sequence[_Token],
    review: list[str],
) -> Slip:
    confidence = sum(t.confidence for t in words) / len(words) if words else 0.0
    reasons: list[str] = []
    if words and confidence < LOW_CONFIDENCE:
        reasons.append(REVIEW_LOW_CONFIDENCE.format(percent=round(confidence * 100)))
    written = words or review
    if written and len(body.split()) < SHORT_BODY_WORDS:
        reasons.append(REVIEW_SHORT_BODY)
    reasons.extend(review)
    return Slip(
        body=body,
        name=name,
        contact=contact,
        address=address,
        date=day,
        form=form,
        confidence=confidence,
        review=tuple(reasons),
    )


def _content(tokens: Iterable[_Token]) -> list[_Token]:
    return [token for token in tokens if not token.separator]


def _text(tokens: Iterable[_Token]) -> str:
    return " ".join(token.text for token in tokens)


# --- values -------------------------------------------------------------------------------


def _name(text: str) -> str | None:
    # "-" or a stray digit on an anonymous slip's name line is not a name.
    return text if any(c.isalpha() for c in text) else None


def _numbers(text: str) -> str:
    """Digits tesseract read as look-alike letters inside numbers ("RT O1" → "RT 01"): a
    word with a digit whose other letters could all be digits."""
    return " ".join(
        word.translate(_DIGIT_LOOKALIKES) if _NUMBER_LIKE.fullmatch(word) else word
        for word in text.split(" ")
    )


def _phone(text: str) -> str | None:
    if not text:
        return None
    return normalise_phone(text) or _first_phone(_PHONE_IN_TEXT, text)


def _email(text: str) -> str | None:
    # Tesseract puts spaces around "@" and "." in handwritten addresses.
    match = _EMAIL.search(re.sub(r"\s*([@.])\s*", r"\1", text))
    return match.group().lower() if match else None


def _mobile_in(text: str) -> str | None:
    return _first_phone(_MOBILE_IN_TEXT, text)


def _first_phone(pattern: re.Pattern[str], text: str) -> str | None:
    """The first stretch of `text` matching `pattern` that is a plausible phone number."""
    for candidate in pattern.finditer(text):
        phone = normalise_phone(candidate.group())
        if phone:
            return phone
    return None


def _month(word: str) -> int | None:
    word = word.lower()
    if word in MONTHS:
        return MONTHS[word]
    # A misread letter in a full month name ("Nopemher", "Agustos").
    for name, number in MONTHS.items():
        if len(name) >= 5 and _within(word, name, 1):
            return number
    return None


def _digits(run: re.Match[str]) -> str:
    text = run.group()
    return text.translate(_DIGIT_LOOKALIKES) if any(c.isdigit() for c in text) else text


def _date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if year not in _YEARS:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
