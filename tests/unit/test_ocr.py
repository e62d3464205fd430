"""OCR with the real tesseract and its `ind` model, on synthetic slips from tests/slipgen.py.

Every engine that `engines()` lists is tested; each slip is read once per engine and the
read shared by the tests that look at it, so the file stays at a few seconds per engine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from functools import cache

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from aduan.parsers import ocr
from aduan.parsers.ocr import OcrError, PageRead, engines, preprocess, read_page
from aduan.parsers.pages import Page, render_page
from tests.slipgen import SlipSpec, generate, load_corpus

ENGINES = engines()

# The filled-in text of the test slip, chosen here so that the tests do not depend on the
# corpus' content.
FILL = {
    "name": "Siti Rahmawati",
    "address": "Jl. Melati No. 12 RT 03/RW 05",
    "contact_written": "0812-3456-7890",
    "date_written": "05-11-2026",
    "body": "Antrian di loket pendaftaran sangat lama, saya menunggu dua jam. "
    "Mohon ditambah petugas loket.",
}
MAX_CER = 0.02


@cache
def base_spec() -> SlipSpec:
    form = next(spec for spec in load_corpus() if spec.category == "clean" and spec.form)
    return replace(
        form,
        **FILL,  # type: ignore[arg-type]
        layout="A",
        fill_font="serif",
        ink="black",
        rotation=0.0,
        noise=4.0,
        dpi=300,
        format="png",
        upside_down=False,
    )


SPECS = {
    "clean": base_spec,
    "skewed": lambda: replace(base_spec(), rotation=4.0, format="jpeg", jpeg_quality=60),
    "lowres": lambda: replace(base_spec(), dpi=150),
    "upside_down": lambda: replace(base_spec(), upside_down=True, rotation=-1.5),
}


def serif(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", px)


@cache
def page(kind: str) -> Page:
    return render_page(generate(SPECS[kind]()), 1)


@cache
def read(kind: str, engine: str) -> PageRead:
    return read_page(page(kind), engine=engine)


def substring_distance(needle: str, haystack: str) -> int:
    """Edit distance between `needle` and the stretch of `haystack` it matches best."""
    previous = [0] * (len(haystack) + 1)
    for i, n in enumerate(needle, 1):
        current = [i]
        for j, h in enumerate(haystack, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (n != h)))
        previous = current
    return min(previous)


def fill_cer(text: str) -> float:
    """Character error rate of the slip's filled-in values, each found in the page text."""
    page_text = " ".join(text.split())
    errors = sum(substring_distance(value, page_text) for value in FILL.values())
    return errors / sum(len(value) for value in FILL.values())


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def fresh_engines() -> Iterator[None]:
    """Forget which engines and languages this process found, before and after."""
    caches = (
        ocr._engines,
        ocr._cli_languages,
        ocr._TesseractEngine.get,
        ocr._TesserocrEngine.get,
    )
    for function in caches:
        function.cache_clear()
    yield
    for function in caches:
        function.cache_clear()


# --- engines ------------------------------------------------------------------------------


def test_engines_fastest_first() -> None:
    assert "tesseract" in ENGINES
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        assert ENGINES == ["tesseract"]
    else:
        assert ENGINES == ["tesserocr", "tesseract"]


# --- reading ------------------------------------------------------------------------------


def test_clean_slip_reads_back(engine: str) -> None:
    result = read("clean", engine)
    assert fill_cer(result.text) <= MAX_CER, result.text
    assert result.engine == engine
    assert (result.blank, result.rotated, result.skew, result.dpi) == (False, 0, 0.0, 300)
    assert result.confidence > 0.8


def test_words_lines_and_text_agree(engine: str) -> None:
    result = read("clean", engine)
    image, _ = preprocess(page("clean"))
    assert [word.line for word in result.words] == sorted(word.line for word in result.words)
    assert {word.line for word in result.words} == set(range(result.words[-1].line + 1))
    lines: dict[int, list[str]] = {}
    for word in result.words:
        assert 0.0 <= word.confidence <= 1.0
        left, top, width, height = word.box
        assert left >= 0 and top >= 0
        assert left + width <= image.width and top + height <= image.height
        lines.setdefault(word.line, []).append(word.text)
    assert result.text == "\n".join(" ".join(words) for words in lines.values())
    assert result.confidence == pytest.approx(
        sum(word.confidence for word in result.words) / len(result.words)
    )
    # A label and the value written after it are one line of the page, in reading order.
    rows = result.text.split("\n")
    assert any(row.startswith("Nama") and row.endswith("Siti Rahmawati") for row in rows)


def test_skewed_slip_is_levelled(engine: str) -> None:
    result = read("skewed", engine)
    assert result.skew == pytest.approx(4.0, abs=0.3)
    assert result.rotated == 0
    assert fill_cer(result.text) <= MAX_CER, result.text


def test_low_resolution_slip_is_upscaled(engine: str) -> None:
    result = read("lowres", engine)
    assert result.dpi == 300
    assert fill_cer(result.text) <= MAX_CER, result.text


def test_upside_down_slip_is_turned(engine: str) -> None:
    result = read("upside_down", engine)
    assert result.rotated == 180
    assert result.skew == pytest.approx(-1.5, abs=0.3)
    assert fill_cer(result.text) <= MAX_CER, result.text


def test_sideways_slip_is_turned() -> None:
    upright = page("clean")
    # Turned 90° counter-clockwise, as a slip laid sideways on the scanner.
    sideways = Page(1, upright.image.transpose(Image.Transpose.ROTATE_90), upright.dpi)
    result = read_page(sideways, engine=ENGINES[0])
    assert result.rotated == 270
    assert fill_cer(result.text) <= MAX_CER, result.text


def test_blank_page_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    blank = next(spec for spec in load_corpus() if spec.blank)
    scan = render_page(generate(replace(blank, noise=6.0, format="jpeg", jpeg_quality=50)), 1)

    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR ran on a blank page")

    monkeypatch.setattr(ocr._TesseractEngine, "words", no_ocr)
    monkeypatch.setattr(ocr._TesserocrEngine, "words", no_ocr)
    for name in ENGINES:
        result = read_page(scan, engine=name)
        assert (result.blank, result.text, result.words, result.confidence) == (True, "", (), 0.0)


def one_word() -> Page:
    image = Image.new("L", (1748, 2480), 246)
    ImageDraw.Draw(image).text((700, 1200), "Bagus", font=serif(48), fill=40)
    return Page(1, image, 300)


def test_one_short_word_is_not_blank_and_auto_is_the_fastest_engine() -> None:
    result = read_page(one_word())
    assert not result.blank
    assert result.text == "Bagus"
    assert result.engine == ENGINES[0]


def test_one_tiny_word_is_not_blank() -> None:
    image = Image.new("L", (1748, 2480), 246)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 28)  # 7 pt
    ImageDraw.Draw(image).text((700, 1200), "ok", font=font, fill=90)
    assert not read_page(Page(1, image, 300), engine=ENGINES[0]).blank


def test_half_black_page_reads_as_nothing(engine: str) -> None:
    pixels = np.full((2480, 1748), 246, np.uint8)
    pixels[:1240] = 0
    result = read_page(Page(1, Image.fromarray(pixels), 300), engine=engine)
    assert (result.blank, result.words, result.confidence) == (False, (), 0.0)


def test_page_text_never_reaches_a_log(engine: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        result = read_page(one_word(), engine=engine)
    assert result.text == "Bagus"
    assert "Bagus" not in caplog.text


# --- preprocessing ------------------------------------------------------------------------


def test_preprocess_gives_gray_300_dpi() -> None:
    image, dpi = preprocess(page("lowres"))
    at_300, _ = preprocess(page("clean"))
    assert (image.mode, dpi) == ("L", 300)
    # The same slip scanned at 300 dpi: the same writing, cut out the same way.
    assert image.size == pytest.approx(at_300.size, rel=0.01)


@pytest.mark.parametrize("stated", [None, 72])
def test_resolution_is_estimated_when_missing_or_unbelievable(stated: int | None) -> None:
    # A 200-dpi A5 slip whose file says nothing, or 72 dpi (a camera's default: 58 cm long).
    scan = render_page(generate(replace(base_spec(), dpi=200)), 1)
    image, dpi = preprocess(Page(1, scan.image, stated))
    assert dpi == 300
    assert image.size == preprocess(scan)[0].size


@pytest.mark.parametrize("factor", [2.0, 1.6])
def test_high_resolution_is_brought_down_to_300_dpi(factor: float) -> None:
    scan = page("clean")
    size = (round(scan.image.width * factor), round(scan.image.height * factor))
    sharper = Page(1, scan.image.resize(size), round(300 * factor))
    image, dpi = preprocess(sharper)
    assert dpi == 300
    assert image.size == pytest.approx(preprocess(scan)[0].size, rel=0.01)


def test_form_lines_are_erased_writing_kept_and_paper_cut_away() -> None:
    writing = Image.new("L", (1200, 400), 255)
    ImageDraw.Draw(writing).text((100, 100), "Siti Rahmawati", font=serif(48), fill=0)
    form = writing.copy()
    draw = ImageDraw.Draw(form)
    for x in range(80, 1100, 13):  # a dotted line under the writing, as on the forms
        draw.rectangle((x, 175, x + 3, 178), fill=0)
    draw.rectangle((80, 300, 1100, 304), fill=0)  # a rule
    result = ocr._erase_rules_and_crop(form, 300)
    kept = int((np.asarray(result) < 128).sum())
    written = int((np.asarray(writing) < 128).sum())
    assert 0.95 * written <= kept <= written
    # Cut to the writing, with 4 mm (47 pixels) of paper around it.
    assert result.height < 200 and result.width < 1000


def test_median_filter_matches_pillow() -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (61, 47), dtype=np.uint8)
    expected = np.asarray(Image.fromarray(pixels).filter(ImageFilter.MedianFilter(3)))
    assert (ocr.median3(pixels) == expected).all()


# --- errors -------------------------------------------------------------------------------


def test_unknown_engine_and_malformed_languages() -> None:
    with pytest.raises(ValueError, match="engine"):
        read_page(page("clean"), engine="abbyy")
    with pytest.raises(ValueError, match="languages"):
        read_page(page("clean"), languages="ind; rm -rf /")


def test_missing_language_model_names_the_package(engine: str) -> None:
    with pytest.raises(OcrError, match=r"install tesseract-ocr-chi-sim\)"):
        read_page(page("clean"), languages="ind+chi_sim", engine=engine)


@pytest.mark.usefixtures("fresh_engines")
def test_missing_tesseract_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    monkeypatch.setattr(ocr, "_tesserocr", lambda: None)
    assert engines() == []
    for name in ("auto", "tesseract"):
        with pytest.raises(OcrError, match=r"install the Debian package tesseract-ocr\)"):
            read_page(page("clean"), engine=name)
    with pytest.raises(OcrError, match="tesserocr is not usable"):
        read_page(page("clean"), engine="tesserocr")


def test_check_engine_names_the_engine_it_would_use(engine: str) -> None:
    assert ocr.check_engine() == ENGINES[0]
    assert ocr.check_engine(engine, "ind") == engine


def test_check_engine_wants_the_orientation_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "_installed", lambda engine: ("ind", "eng"))
    with pytest.raises(OcrError, match=r"install tesseract-ocr-osd\)"):
        ocr.check_engine()
