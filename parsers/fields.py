"""A page of a slip → its `Slip`, each field read by the engine that reads it best.

Contract (`read_slip`):
- tesseract reads the page first (`ocr.read_page_image`, which also turns an upside-down or
  sideways page); a printed form's fields are found by their labels (`slip.field_areas`)
  and each field is judged on its own, never by the page: every engine reads the printed
  form well whatever the hand wrote;
- a field whose band holds no ink is blank, whatever tesseract made of the paper there;
- a field tesseract read doubtfully (`needs_second`) is read again by the handwriting engine,
  on its band alone with the printed label whited out, and the better reading is kept
  (ties go to the handwriting engine, which reads hands better). All the
  doubtful bands of a page go to the engine as one image, stacked, so it runs once a page;
  "better" is `quality` weighed by length: a whole sentence read well beats one word of it;
- a free-form slip that tesseract read doubtfully is read again whole;
- a routed field whose kept reading is still poor puts REVIEW_HANDWRITING on the slip, and
  `readings` keeps both engines' texts of every routed field, so staff pick or fix one; with
  the second engine, fields are judged one by one, so the page's mean confidence no longer
  sends a slip to review by itself;
- without the handwriting engine (`second=False`) this is `parse_slip(read_page(page))`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from PIL import Image

from aduan.parsers import handwriting
from aduan.parsers.classify.normalise import root_words, stem
from aduan.parsers.ocr import PageRead, Word, lightest_around, median3, read_page_image
from aduan.parsers.pages import Page
from aduan.parsers.slip import (
    REVIEW_LOW_CONFIDENCE,
    FieldArea,
    Slip,
    field_areas,
    normalise_phone,
    parse_date,
    parse_slip,
)

REVIEW_HANDWRITING = "tulisan tangan sulit dibaca: {fields}"
# Field names as staff read them.
FIELD_NAMES = {
    "name": "nama",
    "address": "alamat",
    "contact": "no. HP",
    "date": "tanggal",
    "body": "isi",
    "page": "seluruh halaman",
}

# Tesseract's reading of a field is doubted below this mean word confidence (its reads of
# printed fills average 0.90-0.96, of handwriting 0.3-0.8) or below this `quality`.
ROUTE_CONFIDENCE = 0.85
ROUTE_QUALITY = 0.8
# The kept reading of a routed field still needs a person below this `quality`, or when the
# handwriting engine was less sure than this of its lines (its averages over writing sit at
# 0.93-0.99; over a hand it cannot read, lower).
REVIEW_QUALITY = 0.75
REVIEW_CONFIDENCE = 0.85

# Ink in a band, on a half-size (~150 dpi) copy: pixels this much darker than the lightest
# within _PAPER_WINDOW (wider than any stroke), after a 3x3 median has removed specks, and at
# least this many of them (measured on the handwriting bench: faint fills at 150 dpi from 22,
# empty fields up to 36 where the row above reaches in: both engines then read nothing).
_INK_CONTRAST = 80
_PAPER_WINDOW = 9
_INK_PIXELS = 20
# White kept around a whited-out label, in pixels of the 300-dpi page.
_LABEL_MARGIN = 4
# White between stacked bands: the engine must not join lines across them.
_GAP = 48
# Short words Sastrawi's dictionary of root words leaves out.
_FUNCTION_WORDS = frozenset(
    ("di", "ke", "nya", "se", "si", "bu", "pak", "dr", "drg", "rp", "wa", "hp")
)
# Words a filled-in address is made of besides dictionary words.
_FIELD_WORDS = frozenset(
    {"jl", "jln", "jalan", "gg", "gang", "no", "rt", "rw", "kp", "kampung", "desa", "ds"}
    | {"dusun", "dsn", "kel", "kelurahan", "kec", "kecamatan", "kab", "kabupaten", "perum"}
    | {"blok", "km", "komplek", "gedung", "lantai", "raya"}
)
_TOKEN = re.compile(r"[^\W_]+")
_VOWELS = frozenset("aiueo")

Engine = Literal["tesseract", "ppocr"]


@dataclass(frozen=True)
class FieldReading:
    """Both engines' readings of one routed field, for staff to pick from."""

    field: str  # a key of FIELD_NAMES
    tesseract: str
    second: str
    kept: Engine


@dataclass(frozen=True)
class SlipRead:
    read: PageRead  # tesseract's page read, the kept words of routed fields swapped in
    slip: Slip
    readings: tuple[FieldReading, ...]  # one per routed field, page order

    @property
    def engines(self) -> tuple[str, ...]:
        second = any(reading.kept == handwriting.NAME for reading in self.readings)
        return (self.read.engine, handwriting.NAME) if second else (self.read.engine,)


def read_slip(page: Page, *, languages: str, engine: str, second: bool) -> SlipRead:
    """Read one slip page; see the module docstring for the contract."""
    read, image = read_page_image(page, languages=languages, engine=engine)
    if image is None:
        return SlipRead(read, parse_slip(read), ())
    bands = _bands(read, image, field_areas(read))
    # What replaces tesseract's words of a band: nothing for a blank one.
    swapped: dict[str, Sequence[Word]] = {}
    doubtful: list[_Band] = []
    for band in bands:
        # Ink is looked for only where it decides something: a sure reading has ink, and
        # where tesseract found nothing only a second engine could find more.
        if _settled(band, second):
            continue
        if not band.ink and not _has_ink(_crop(image, band.top, band.bottom, band.label)):
            swapped[band.field] = ()
        elif second:
            doubtful.append(band)
    readings: list[FieldReading] = []
    poor: list[str] = []
    if second and doubtful:
        for band, found in zip(doubtful, _read_stacked(image, doubtful), strict=True):
            reading = _better(band, found)
            readings.append(reading)
            if not found:
                # The ink was a speck or the row above reaching in: the engine that finds
                # text in far worse pages found none here.
                swapped[band.field] = ()
                continue
            if reading.kept == handwriting.NAME:
                swapped[band.field] = found
            if _still_poor(
                band.field, found if reading.kept != "tesseract" else band.words, reading.kept
            ):
                poor.append(FIELD_NAMES[band.field])
    merged = _merge(read, bands, swapped)
    slip = parse_slip(merged)
    review = list(slip.review)
    if second:
        # Each field was judged on its own above; the page's mean confidence mixes two
        # engines' scales and said "low" of 7 in 40 well-read handwritten slips.
        low = REVIEW_LOW_CONFIDENCE.format(percent=round(slip.confidence * 100))
        review = [reason for reason in review if reason != low]
    if poor:
        review.append(REVIEW_HANDWRITING.format(fields=", ".join(poor)))
    return SlipRead(merged, replace(slip, review=tuple(review)), tuple(readings))


def _settled(band: _Band, second: bool) -> bool:
    if band.words:
        return not needs_second(band.field, band.words)
    return not second


# --- judging a reading --------------------------------------------------------------------


def needs_second(field: str, words: Sequence[Word]) -> bool:
    """Whether tesseract's reading of a field with ink in it is doubtful."""
    if not words:
        return True
    confidence = sum(word.confidence for word in words) / len(words)
    return confidence < ROUTE_CONFIDENCE or quality(field, words) < ROUTE_QUALITY


def quality(field: str, words: Sequence[Word]) -> float:
    """How much a reading looks like what is written in such a field, 0..1: a phone number
    or e-mail address that parses, a date that parses; elsewhere the share of its words that
    are Indonesian words (Sastrawi's dictionary, or their stem is) or numbers, and for a
    name or an address also word-shaped ones (names are in no dictionary)."""
    text = " ".join(word.text for word in words)
    if field == "contact":
        return 1.0 if normalise_phone(text) or "@" in text else 0.0
    if field == "date":
        return 1.0 if parse_date(text) else 0.0
    tokens = _TOKEN.findall(text.casefold())
    if not tokens:
        return 0.0
    known = {"name": _name_like, "address": _place_like}.get(field, _known)
    return sum(known(token) for token in tokens) / len(tokens)


def _known(token: str) -> bool:
    if token.isdigit() or token in _FIELD_WORDS or token in _FUNCTION_WORDS:
        return True
    if not token.isalpha():
        return False
    if len(token) == 1:
        return token in {"a", "i"} or token in _VOWELS
    words = root_words()
    return token in words or stem(token) in words


def _name_like(token: str) -> bool:
    return token.isalpha() and (len(token) == 1 or any(c in _VOWELS for c in token))


def _place_like(token: str) -> bool:
    """An address: words, numbers, the names of streets and villages, and short pieces
    such as RT/RW numbers, which a hand's O and 0, l and 1 make anything of."""
    return len(token) <= 2 or _known(token) or _name_like(token)


def _confidence(words: Sequence[Word]) -> float:
    return sum(word.confidence for word in words) / len(words) if words else 0.0


def _better(band: _Band, found: Sequence[Word]) -> FieldReading:
    kept: Engine = "tesseract"
    if found and _weight(band.field, found) >= _weight(band.field, band.words):
        kept = handwriting.NAME
    return FieldReading(band.field, _text(band.words), _text(found), kept)


def _weight(field: str, words: Sequence[Word]) -> float:
    """How much of a reading looks right: its `quality` times its length in letters and
    digits, so that a reading of the whole sentence beats one word of it read well."""
    length = sum(len(token) for word in words for token in _TOKEN.findall(word.text))
    return quality(field, words) * length


def _still_poor(field: str, words: Sequence[Word], engine: Engine) -> bool:
    if not words:
        return True
    if engine == "tesseract":
        return needs_second(field, words)
    return quality(field, words) < REVIEW_QUALITY or _confidence(words) < REVIEW_CONFIDENCE


def _text(words: Sequence[Word]) -> str:
    return " ".join(word.text for word in words)


# --- bands --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    field: str
    top: int
    bottom: int
    label: tuple[tuple[int, int, int, int], ...]
    words: tuple[Word, ...]  # tesseract's words in the band, the label's left out
    ink: bool  # known to hold writing (the whole page of a free-form slip)


def _bands(read: PageRead, image: Image.Image, areas: Sequence[FieldArea]) -> list[_Band]:
    """Each field's band, or for a free-form slip the whole page as one band."""
    if not areas:
        return [_Band("page", 0, image.height, (), read.words, True)]
    bands = []
    for area in areas:
        bottom = image.height if area.bottom is None else area.bottom
        inside = [w for w in read.words if area.top <= _middle(w) < bottom]
        words = tuple(w for w in inside if w.box not in area.label)
        bands.append(_Band(area.field, area.top, bottom, area.label, words, False))
    return bands


def _middle(word: Word) -> float:
    return word.box[1] + word.box[3] / 2


def _crop(
    image: Image.Image, top: int, bottom: int, label: Sequence[tuple[int, int, int, int]]
) -> Image.Image:
    """The band of the page, its printed label whited out."""
    crop = image.crop((0, top, image.width, bottom))
    for left, box_top, width, height in label:
        margin = _LABEL_MARGIN
        crop.paste(
            255,
            (
                max(0, left - margin),
                max(0, box_top - top - margin),
                min(crop.width, left + width + margin),
                min(crop.height, box_top - top + height + margin),
            ),
        )
    return crop


def _has_ink(crop: Image.Image) -> bool:
    """Whether the band holds writing: strokes darker than the paper around them, judged on
    a half-size copy against its local paper level, so uneven light on a photographed slip
    is not taken for ink."""
    small = np.asarray(crop.reduce(2))
    if min(small.shape) < _PAPER_WINDOW:
        return False
    pixels = median3(small).astype(np.int16)
    paper = lightest_around(small, _PAPER_WINDOW).astype(np.int16)
    return int(np.count_nonzero(paper - pixels > _INK_CONTRAST)) >= _INK_PIXELS


def _read_stacked(image: Image.Image, bands: Sequence[_Band]) -> list[list[Word]]:
    """The handwriting engine's words of each band, in page coordinates: the bands are
    stacked into one image with white between them and read in one run."""
    crops = [_crop(image, band.top, band.bottom, band.label) for band in bands]
    height = sum(crop.height for crop in crops) + _GAP * (len(crops) + 1)
    sheet = Image.new("L", (image.width, height), 255)
    offsets = []
    y = _GAP
    for crop in crops:
        sheet.paste(crop, (0, y))
        offsets.append(y)
        y += crop.height + _GAP
    per_band: list[list[Word]] = [[] for _ in bands]
    for word in handwriting.read(sheet):
        middle = _middle(word)
        for index, (offset, crop) in enumerate(zip(offsets, crops, strict=True)):
            if offset - _GAP / 2 <= middle < offset + crop.height + _GAP / 2:
                left, top, width, height = word.box
                shift = bands[index].top - offset
                per_band[index].append(replace(word, box=(left, top + shift, width, height)))
                break
    return per_band


def _merge(read: PageRead, bands: Sequence[_Band], swapped: dict[str, Sequence[Word]]) -> PageRead:
    """Tesseract's page read with the words of each band in `swapped` replaced; the new
    words' lines are numbered after tesseract's."""
    if not swapped:
        return read
    dropped = {id(word) for band in bands if band.field in swapped for word in band.words}
    words = [word for word in read.words if id(word) not in dropped]
    next_line = max((word.line for word in read.words), default=-1) + 1
    for new in swapped.values():
        lines = sorted({word.line for word in new})
        renumber = {line: next_line + index for index, line in enumerate(lines)}
        next_line += len(lines)
        words.extend(replace(word, line=renumber[word.line]) for word in new)
    words.sort(key=lambda word: (word.line, word.box[0]))
    text = "\n".join(
        " ".join(word.text for word in words if word.line == line)
        for line in sorted({word.line for word in words})
    )
    return replace(read, words=tuple(words), text=text, confidence=_confidence(words))
