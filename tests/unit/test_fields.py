"""Field-level reading and routing (parsers/fields.py), with tesseract for real and the
handwriting engine replaced by a stand-in that records what it was shown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PIL import Image

from aduan.parsers import fields, handwriting
from aduan.parsers.ocr import Word
from aduan.parsers.pages import Page
from tests.slipgen import SlipSpec, render


def words(text: str, confidence: float = 0.95) -> list[Word]:
    return [Word(w, confidence, (i * 50, 0, 40, 20), 0) for i, w in enumerate(text.split())]


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("body", "Antrian di loket pendaftaran sangat lama", 1.0),
        ("body", "Petugasnya tidak ramah kepada pasien lansia", 1.0),  # inflected forms
        ("body", "Tayan KOIRIPUSI tidak direri kakcis", 0.2),
        ("contact", "0812-3456-7890", 1.0),
        ("contact", "059-1296", 0.0),
        ("date", "12 Mei 2026", 1.0),
        ("date", "o-0#-1016", 0.0),
        ("name", "Siti Rahmawati", 1.0),
        ("address", "Jl. Melati No. 12 RT 03/RW 05", 1.0),
        ("address", "Kp. Cibeber RT 04/02", 1.0),
    ],
)
def test_quality_judges_a_reading_by_what_such_a_field_holds(
    field: str, text: str, expected: float
) -> None:
    assert fields.quality(field, words(text)) == pytest.approx(expected)


def test_a_sure_reading_of_real_words_is_kept_and_a_doubtful_one_is_read_again() -> None:
    assert not fields.needs_second("body", words("Toilet pasien kotor dan bau"))
    assert fields.needs_second("body", words("Toilet pasien kotor dan bau", 0.6))
    assert fields.needs_second("body", words("Tayan KOIRIPUSI tidak direri kakcis"))
    assert fields.needs_second("contact", words("059-1296"))
    assert fields.needs_second("name", [])  # ink, but tesseract found no word


def test_a_line_is_shared_out_among_its_words_by_their_length() -> None:
    found = handwriting._words("Obat  habis", 0.9, (100, 10, 110, 30), 3)
    assert [(w.text, w.box, w.line) for w in found] == [
        ("Obat", (100, 10, 40, 30), 3),
        ("habis", (160, 10, 50, 30), 3),
    ]
    assert all(w.confidence == 0.9 for w in found)


SLIP = SlipSpec(
    id="t",
    seed=7,
    category="clean",
    name=None,  # left blank
    contact="+6281234567890",
    contact_written="0812-3456-7890",
    address="Jl. Melati No. 12",
    date="2026-05-12",
    date_written="12-05-2026",
    body="Toilet pasien di ruang tunggu kotor dan bau, airnya tidak mengalir.",
    noise=3.0,
)


def page(spec: SlipSpec) -> Page:
    return Page(1, render(spec).convert("L"), spec.dpi)


@pytest.fixture
def second_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Image.Image]]:
    """The handwriting engine's stand-in: reads a line of "xqzt" every 40 pixels down."""
    shown: list[Image.Image] = []

    def read(image: Image.Image) -> list[Word]:
        shown.append(image)
        return [Word("xqzt", 0.97, (10, y, 100, 30), y) for y in range(0, image.height, 40)]

    monkeypatch.setattr(handwriting, "read", read)
    yield shown


def test_a_printed_slip_read_surely_never_wakes_the_second_engine(
    second_engine: list[Image.Image],
) -> None:
    result = fields.read_slip(page(SLIP), languages="ind", engine="auto", second=True)
    assert second_engine == []
    assert result.readings == ()
    assert result.engines == (result.read.engine,)
    assert result.slip.body == SLIP.body
    assert result.slip.name is None  # the blank field stayed blank


def test_doubtful_fields_are_read_again_and_both_readings_are_kept(
    second_engine: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tesseract made unsure: every word it reads comes back at confidence 0.4.
    real = fields.read_page_image

    def unsure(*args: object, **kwargs: object) -> object:
        read, image = real(*args, **kwargs)  # type: ignore[arg-type]
        return replace(read, words=tuple(replace(w, confidence=0.4) for w in read.words)), image

    monkeypatch.setattr(fields, "read_page_image", unsure)
    result = fields.read_slip(page(SLIP), languages="ind", engine="auto", second=True)
    assert len(second_engine) == 1  # every doubtful band of the page in one run
    routed = {reading.field for reading in result.readings}
    assert routed == {"contact", "address", "date", "body"}  # not the blank name
    body = next(r for r in result.readings if r.field == "body")
    assert "Toilet" in body.tesseract and "xqzt" in body.second
    # No word of the language beats real words read unsurely: tesseract's stays, and as it
    # is still unsure, a person looks at it.
    assert body.kept == "tesseract"
    assert result.slip.body == SLIP.body
    assert any(reason.startswith("tulisan tangan sulit dibaca") for reason in result.slip.review)


def test_without_the_second_engine_the_slip_is_tesseracts(
    second_engine: list[Image.Image],
) -> None:
    spec = replace(SLIP, fill_font="dkg")
    result = fields.read_slip(page(spec), languages="ind", engine="auto", second=False)
    assert second_engine == []
    assert result.readings == ()
    assert result.slip.body  # tesseract's reading, however poor


def test_the_engine_says_what_to_install_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(handwriting.util, "find_spec", lambda name: None)
    handwriting.status.cache_clear()
    try:
        state = handwriting.status()
        assert not state.usable
        assert "aduan[tulisan-tangan]" in state.detail
    finally:
        handwriting.status.cache_clear()
