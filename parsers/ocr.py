"""A page image → the words on it, read by tesseract.

Contract:
- `preprocess` turns a page into what tesseract reads best, at a fraction of the cost of
  reading it: grayscale (3x3 median below 300 dpi), ink stretched to black on white paper,
  upscaled to 300 dpi, lines of text levelled, a form's rules and dotted lines erased, and
  the empty paper around the writing cut away. Word boxes are in that image;
- `read_page` never runs OCR on a blank page, and asks tesseract which way up the page is
  only when the first read looks bad;
- a missing tesseract, engine or language model raises `OcrError` naming the Debian package
  to install; no page text ever reaches a log.
"""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pytesseract
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image, ImageFilter

from aduan.parsers.pages import Page

# Tesseract's OpenMP threads slow it down on small machines (1.6-4.8 s a page instead of
# 0.4-0.9 s on 2 cores); aduan runs pages in parallel processes instead. pytesseract hands
# the subprocess os.environ itself, so this is the one place to say it; an operator's own
# setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrError(Exception):
    """Tesseract cannot run here; the message says what to install (English, for the log)."""


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0..1
    box: tuple[int, int, int, int]  # left, top, width, height in the preprocessed image
    line: int  # index of the text line the word is on (0-based, page order)


@dataclass(frozen=True)
class PageRead:
    text: str  # the page's lines joined with "\n" (words of a line joined by " ")
    words: tuple[Word, ...]
    confidence: float  # mean word confidence 0..1 (0.0 when no words)
    blank: bool  # no ink (a blank page or empty back side): OCR skipped
    rotated: int  # 0/90/180/270: degrees the page was turned counter-clockwise before reading
    skew: float  # degrees of deskew applied: the page's text leaned this far counter-clockwise
    dpi: int  # the resolution tesseract was told (after any upscale)
    engine: str  # "tesseract" (pytesseract) | "tesserocr"


# --- preprocessing ------------------------------------------------------------------------

# Tesseract's models are trained on text of about this resolution.
_OCR_DPI = 300
# Upscaling by less than this gains nothing and costs a resampling pass.
_UPSCALE_MIN = 1.05
_DOWNSCALE_FROM = 450
_UPSCALE_MAX = 4.0
# A page at 300 dpi: A3 and then some. Bounds the work on a tiny image claiming 20 dpi.
_OCR_PIXELS_MAX = 25_000_000
# Without a believable resolution in the file, the page is taken to be as long as an A5
# sheet (210 mm): the usual slip is an A5 half-sheet or smaller, and a flatbed scan always
# carries its resolution, so the guess is made for photos, where the slip fills the frame.
# An A4 page is then thought 1.4x sharper than it is: still close to tesseract's range.
_ASSUMED_LONG_SIDE_INCHES = 210 / 25.4
# A stated resolution is believed only when it makes the page a sheet of plausible size:
# cameras write 72 dpi into every photo, which would make a 4000-pixel photo 1.4 m long.
_PAGE_INCHES = (2.5, 17.0)
# Skew and ink are measured on a copy of about this resolution: lines stay distinct.
_ANALYSIS_DPI = 100

# Ink is anything this much darker than the paper (0-255) on the ~100-dpi copy, whose box
# filter has evened out scanner noise and JPEG speckle. Show-through from the back side
# stays under it; a ballpoint or pencil stroke of 0.2 mm keeps twice as much.
_INK_CONTRAST = 40
# A page is blank below this fraction of ink in its central part (margins hold scanner
# edges and punch holes): about 0.5 mm² on an A5 slip. Measured on the ~100-dpi copy: one
# 7-point word 0.012-0.024 %, blank scans up to JPEG quality 25 with heavy noise 0-0.002 %.
# Calling noise ink costs one OCR run that finds nothing; calling a word blank loses it.
_BLANK_INK = 0.00002
_MARGIN = 0.05
# Contrast stretch: the darkest fraction of pixels turns black, and everything lighter than
# a quarter of the way from the paper (the median level) to the ink threshold turns white.
# Paper texture left grey cost tesseract's recogniser whole digit strings; a hard threshold
# cost it faint or upscaled strokes. On the test slips (bench/ocr_engines.py): CER 0.42 %
# leaving the paper grey, 0.35 % like this.
_STRETCH_DARK = 0.005
_STRETCH_PAPER = 0.25

_SKEW_RANGE = 6.0
_SKEW_COARSE = 1.0
_SKEW_FINE = 0.25
# Tesseract reads text tilted this little as well as level text; rotating costs time.
# Tilted more, dotted lines escape erasure and run into the writing: without deskewing the
# slips' CER was 7.9 %.
_DESKEW_MIN = 0.5
_SKEW_POINTS_MIN = 500
_SKEW_POINTS_MAX = 50_000
# Form rules and dotted lines: ink darker than this on the stretched page, gaps between dots
# up to _GAP, no ink within _THICKNESS above and below, and at least _LENGTH long. Under the
# hand's writing tesseract read them as rows of "eaaeaa" and merged them into the words:
# erasing them took the slips' CER from 3.7 % to 0.35 %.
_RULE_INK = 200
_RULE_GAP_MM = 2.0
_RULE_THICKNESS_MM = 0.5
_RULE_LENGTH_MM = 6.0
# Paper left around the writing: tesseract wants some white about the text.
_CROP_MARGIN_MM = 4.0
# Uneven light (a phone photo): the paper's brightness, taken as the lightest pixel within
# this many pixels of a ~50-dpi copy (wider than a letter), varies by this many levels
# between its darker and lighter parts (5th and 95th percentile). A flatbed scan varies by
# under 10; a slip photographed in room light by 40-80. Such a page is divided by its paper
# level first, or the ink threshold, the deskew and the rule eraser all see the shadow as ink.
_PAPER_WINDOW = 8
_UNEVEN_PAPER = 25
_EVEN_PAPER = 240.0
# Lines run top to bottom (a page turned sideways) when the column profile is this much
# more peaked than the row profile.
_SIDEWAYS_RATIO = 1.3


@dataclass(frozen=True)
class _Prepared:
    base: Image.Image  # mode "L", filtered and stretched, at the page's own resolution
    dpi: int  # of `base`
    scale: float  # upscale to reach _OCR_DPI
    blank: bool
    skew: float  # of rows of text, counter-clockwise degrees
    sideways_skew: float  # of text running top to bottom, for a page turned 90°
    sideways: bool  # the text seems to run top to bottom

    def image(self, turn: int, *, sideways: bool) -> tuple[Image.Image, float]:
        """The image to read, turned `turn` degrees, and the skew of its lines of text (which
        run top to bottom before the turn when `sideways`) removed; and that skew."""
        skew = self.sideways_skew if sideways else self.skew
        if abs(skew) < _DESKEW_MIN:
            skew = 0.0
        image = self.base.transpose(_TURNS[turn]) if turn else self.base
        image = _level_and_scale(image, skew, self.scale)
        return _erase_rules_and_crop(image, self.ocr_dpi), skew

    @property
    def ocr_dpi(self) -> int:
        return round(self.dpi * self.scale)


_TURNS = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}


def preprocess(page: Page) -> tuple[Image.Image, int]:
    """The page as tesseract should see it (mode "L"), and its resolution then."""
    prepared = _prepare(page)
    # Which way up a sideways page goes is for orientation detection, too slow for here.
    image, _ = prepared.image(0, sideways=prepared.sideways)
    return image, prepared.ocr_dpi


def _prepare(page: Page) -> _Prepared:
    gray = page.image if page.image.mode == "L" else page.image.convert("L")
    dpi = _resolution(page.dpi, gray.size)
    if dpi >= _DOWNSCALE_FROM:
        # Tesseract reads no better above 300 dpi, only slower (a slip photographed at 484
        # dpi: 0.27 s instead of 0.18 s), and a box filter also averages out noise.
        factor = dpi / _OCR_DPI
        if factor.is_integer():
            gray = gray.reduce(int(factor))
        else:
            size = (round(gray.width / factor), round(gray.height / factor))
            gray = gray.resize(size, Image.Resampling.BOX)
        dpi = _OCR_DPI
    scale = _upscale(dpi, gray.size)
    if scale > 1.0:
        # Below 300 dpi a speck of noise is the size of a stroke, and upscaling would make it
        # one. At 300 dpi tesseract ignores specks: without the filter the slips read as well
        # (CER 0.35 % against 0.39 %) and 10-20 ms a page sooner.
        gray = Image.fromarray(median3(np.asarray(gray)))
    # Ink, paper and skew are measured on a ~100-dpi copy: its box filter evens out noise.
    small = gray.reduce(max(1, dpi // _ANALYSIS_DPI))
    paper = _uneven_paper(small)
    if paper is not None:
        gray = _even_out(gray, paper)
        small = gray.reduce(max(1, dpi // _ANALYSIS_DPI))
    histogram = _central_histogram(small)
    if _is_blank(histogram):
        return _Prepared(gray, dpi, scale, True, 0.0, 0.0, False)
    stretch = _stretch(histogram)
    skew, sideways_skew, sideways = _skews(small.point(stretch))
    return _Prepared(gray.point(stretch), dpi, scale, False, skew, sideways_skew, sideways)


def _uneven_paper(small: Image.Image) -> npt.NDArray[np.uint8] | None:
    """The paper's brightness across a ~50-dpi copy of the page, when it varies as much as
    in a photo taken in room light; None for an evenly lit scan, which is left as it is.
    Light changes slowly across a page: half the ~100-dpi copy's resolution is plenty, and
    a quarter of the work."""
    pixels = np.asarray(small.reduce(2))
    if min(pixels.shape) <= _PAPER_WINDOW:
        return None
    paper = lightest_around(pixels, _PAPER_WINDOW)
    dx, dy = round(paper.shape[1] * _MARGIN), round(paper.shape[0] * _MARGIN)
    low, high = np.percentile(paper[dy : -dy or None, dx : -dx or None], (5, 95))
    return paper if high - low >= _UNEVEN_PAPER else None


def lightest_around(pixels: npt.NDArray[np.uint8], window: int) -> npt.NDArray[np.uint8]:
    """Each pixel's lightest neighbour within a `window`-wide square: the paper's level where
    the window is wider than any stroke (a max filter, one axis at a time)."""
    padded = np.pad(pixels, window // 2, mode="edge")
    rows = sliding_window_view(padded, window, axis=1).max(axis=-1)
    lightest: npt.NDArray[np.uint8] = sliding_window_view(rows, window, axis=0).max(axis=-1)
    return lightest


def _even_out(gray: Image.Image, paper: npt.NDArray[np.uint8]) -> Image.Image:
    """`gray` lit evenly: each pixel divided by the paper's brightness there."""
    light = Image.fromarray(paper).filter(ImageFilter.BoxBlur(_PAPER_WINDOW))
    light = light.resize(gray.size, Image.Resampling.BILINEAR)
    level = np.asarray(light, dtype=np.float32)
    evened = np.asarray(gray, dtype=np.float32) * (_EVEN_PAPER / np.maximum(level, 1.0))
    return Image.fromarray(np.clip(evened, 0, 255).astype(np.uint8))


def _resolution(stated: int | None, size: tuple[int, int]) -> int:
    long_side = max(size)
    low, high = _PAGE_INCHES
    if stated is not None and low <= long_side / stated <= high:
        return stated
    return max(1, round(long_side / _ASSUMED_LONG_SIDE_INCHES))


def _upscale(dpi: int, size: tuple[int, int]) -> float:
    scale = _OCR_DPI / dpi
    if scale < _UPSCALE_MIN:
        return 1.0
    pixels = size[0] * size[1]
    return min(scale, _UPSCALE_MAX, math.sqrt(_OCR_PIXELS_MAX / pixels))


def median3(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """3x3 median filter, exact, 3x faster than Pillow's MedianFilter on a page.

    Each column of three is sorted (low, mid, high); the median of nine is then the median
    of the largest low, the median mid and the smallest high of three neighbouring columns.
    """
    padded = np.pad(pixels, 1, mode="edge")
    top, middle, bottom = padded[:-2], padded[1:-1], padded[2:]
    low, high = np.minimum(top, middle), np.maximum(top, middle)
    mid = np.maximum(low, bottom)
    np.minimum(low, bottom, out=low)
    np.minimum(mid, high, out=mid)
    np.maximum(high, bottom, out=high)
    lows = np.maximum(low[:, :-2], low[:, 1:-1])
    np.maximum(lows, low[:, 2:], out=lows)
    highs = np.minimum(high[:, :-2], high[:, 1:-1])
    np.minimum(highs, high[:, 2:], out=highs)
    return _median_of_three(lows, _median_of_three(mid[:, :-2], mid[:, 1:-1], mid[:, 2:]), highs)


def _median_of_three(
    a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8], c: npt.NDArray[np.uint8]
) -> npt.NDArray[np.uint8]:
    smaller, larger = np.minimum(a, b), np.maximum(a, b)
    np.minimum(larger, c, out=larger)
    return np.maximum(smaller, larger, out=smaller)


def _histogram(image: Image.Image) -> npt.NDArray[np.int64]:
    # Pillow counts a page in ~1.5 ms, numpy's bincount in ~13.
    return np.array(image.histogram(), dtype=np.int64)


def _level(histogram: npt.NDArray[np.int64], fraction: float) -> int:
    """The gray level below which `fraction` of the pixels lie."""
    cumulative = np.cumsum(histogram)
    return int(np.searchsorted(cumulative, fraction * cumulative[-1]))


def _central_histogram(image: Image.Image) -> npt.NDArray[np.int64]:
    """Histogram of the page without its margins, which hold scanner edges and punch holes."""
    dx, dy = round(image.width * _MARGIN), round(image.height * _MARGIN)
    return _histogram(image.crop((dx, dy, image.width - dx, image.height - dy)))


def _is_blank(histogram: npt.NDArray[np.int64]) -> bool:
    # The brightest tenth is paper on any page that is not mostly ink.
    paper = _level(histogram, 0.9)
    ink = int(histogram[: max(0, paper - _INK_CONTRAST)].sum())
    return ink < _BLANK_INK * int(histogram.sum())


def _stretch(histogram: npt.NDArray[np.int64]) -> list[int]:
    """Lookup table turning the ink black and the paper white, keeping the ink's shades."""
    dark = _level(histogram, _STRETCH_DARK)
    paper = _level(histogram, 0.5)
    light = paper - round((paper - _otsu(histogram)) * _STRETCH_PAPER)
    if light <= dark:
        return list(range(256))
    levels = (np.arange(256) - dark) * (255 / (light - dark))
    return [int(v) for v in np.clip(np.rint(levels), 0, 255)]


def _otsu(histogram: npt.NDArray[np.int64]) -> int:
    """The gray level that best splits the histogram into ink and paper (Otsu's method)."""
    counts = histogram.astype(np.float64)
    weight = np.cumsum(counts)
    total = weight[-1]
    mass = np.cumsum(counts * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight / total - mass) ** 2 / (weight * (total - weight))
    return int(np.nanargmax(between[:-1])) + 1


def _skews(image: Image.Image) -> tuple[float, float, bool]:
    """Skew of rows of text, skew of text running top to bottom, and which one the page has.

    Projection profile: ink pixels are projected along each candidate angle, and the angle
    whose profile has the sharpest peaks (the largest sum of squared counts) is the skew.
    """
    rows_at, columns_at = np.nonzero(np.asarray(image) < _otsu(_histogram(image)))
    if rows_at.size < _SKEW_POINTS_MIN:
        return 0.0, 0.0, False
    step = max(1, rows_at.size // _SKEW_POINTS_MAX)
    ys = rows_at[::step].astype(np.float32)
    xs = columns_at[::step].astype(np.float32)
    # A line leaning counter-clockwise by a rises to the right: y + x*tan(a) is constant on it.
    skew, rows = _best_angle(ys, xs - xs.mean())
    # Turned 90°, the same lean makes x - y*tan(a) constant along a column of text.
    sideways_skew, columns = _best_angle(xs, ys.mean() - ys)
    return skew, sideways_skew, columns > rows * _SIDEWAYS_RATIO


def _best_angle(
    across: npt.NDArray[np.float32], along: npt.NDArray[np.float32]
) -> tuple[float, float]:
    """The angle with the peakiest profile, and that peakiness (1.0 for no structure)."""
    coarse = np.arange(-_SKEW_RANGE, _SKEW_RANGE + _SKEW_COARSE / 2, _SKEW_COARSE)
    best = float(coarse[int(np.argmax(_peakiness(across, along, coarse)))])
    fine = np.arange(best - _SKEW_COARSE + _SKEW_FINE, best + _SKEW_COARSE, _SKEW_FINE)
    scores = _peakiness(across, along, fine)
    top = int(np.argmax(scores))
    angle = float(fine[top])
    if 0 < top < len(scores) - 1:
        # A parabola through the best score and its neighbours places the peak between steps.
        left, mid, right = (float(score) for score in scores[top - 1 : top + 2])
        curvature = left - 2 * mid + right
        if curvature < 0:
            angle += _SKEW_FINE * 0.5 * (left - right) / curvature
    return round(min(_SKEW_RANGE, max(-_SKEW_RANGE, angle)), 2), float(scores[top])


def _peakiness(
    across: npt.NDArray[np.float32],
    along: npt.NDArray[np.float32],
    degrees: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """For each angle, the sum of squared counts of the points' projection, relative to
    points spread evenly over the same span: all angles in one pass over the points."""
    slopes = np.tan(np.radians(degrees)).astype(np.float32)
    bins = np.rint(across[np.newaxis, :] + along[np.newaxis, :] * slopes[:, np.newaxis])
    positions = bins.astype(np.int64)
    positions -= positions.min(axis=1, keepdims=True)
    spans = positions.max(axis=1) + 1
    width = int(spans.max())
    positions += np.arange(len(degrees))[:, np.newaxis] * width
    counts = np.bincount(positions.ravel(), minlength=len(degrees) * width).astype(np.float64)
    squares = (counts.reshape(len(degrees), width) ** 2).sum(axis=1)
    return np.asarray(squares * spans / float(across.size) ** 2, dtype=np.float64)


def _level_and_scale(image: Image.Image, degrees: float, scale: float) -> Image.Image:
    """`image` scaled, and turned back by `degrees` (its counter-clockwise lean)."""
    if scale != 1.0:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.BILINEAR)
    if degrees == 0.0:
        return image
    # Nearest neighbour at 300 dpi reads as well as bilinear (CER 0.35 % against 0.32 % on the
    # test slips) at a fifth of the cost, ~10 ms a page.
    return image.rotate(-degrees, Image.Resampling.NEAREST, expand=True, fillcolor=255)


def _erase_rules_and_crop(image: Image.Image, dpi: int) -> Image.Image:
    """`image` without the long thin horizontal lines of a form (rules and dotted lines),
    cut down to the writing and a margin around it.

    Both are found on a ~100-dpi copy. A rule is ink joined along rows across small gaps
    (dotted lines become solid), with nothing inked just above and below (a line, not
    letters), running on for a while (not the bar of a T).
    """
    factor = max(1, dpi // _ANALYSIS_DPI)
    ink = np.asarray(image.reduce(factor)) < _RULE_INK
    analysis_dpi = dpi / factor
    gap = _pixels(_RULE_GAP_MM, analysis_dpi)
    joined = (_row_sums(ink, gap, 0) > 0) & (_row_sums(ink, 0, gap) > 0)
    reach = _pixels(_RULE_THICKNESS_MM, analysis_dpi)
    thin = joined.copy()
    thin[reach:] &= ~joined[:-reach]
    thin[:-reach] &= ~joined[reach:]
    length = _pixels(_RULE_LENGTH_MM, analysis_dpi)
    starts = _row_sums(thin, 0, length - 1) == length
    rules = _row_sums(starts, length - 1, 0) > 0
    # A row more on either side catches the edges of the dots.
    rules[1:] |= rules[:-1].copy()
    rules[:-1] |= rules[1:].copy()
    ys, xs = np.nonzero(rules)
    if ys.size:
        pixels = np.array(image)
        for dy in range(factor):
            for dx in range(factor):
                pixels[ys * factor + dy, xs * factor + dx] = 255
        image = Image.fromarray(pixels)
    return _crop_to(image, ink & ~rules, factor, _pixels(_CROP_MARGIN_MM, dpi))


def _crop_to(
    image: Image.Image, ink: npt.NDArray[np.bool_], factor: int, margin: int
) -> Image.Image:
    """`image` cut to where `ink` (a copy `factor` times smaller) has any, plus `margin`.

    Tesseract's time grows with the page's area, blank or not: a slip with three lines of
    writing reads in half the time once the empty paper around it is gone.
    """
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    if not rows.size:
        return image
    box = (
        max(0, int(columns[0]) * factor - margin),
        max(0, int(rows[0]) * factor - margin),
        min(image.width, (int(columns[-1]) + 1) * factor + margin),
        min(image.height, (int(rows[-1]) + 1) * factor + margin),
    )
    return image if box == (0, 0, *image.size) else image.crop(box)


def _pixels(millimetres: float, dpi: float) -> int:
    return max(1, round(millimetres * dpi / 25.4))


def _row_sums(values: npt.NDArray[np.bool_], before: int, after: int) -> npt.NDArray[np.int32]:
    """For each pixel, how many of the pixels from `before` left to `after` right are set."""
    height, width = values.shape
    # cumulative[:, j] = the count in columns < j - before, clipped to the row's ends.
    cumulative = np.zeros((height, before + width + after + 1), np.int32)
    np.cumsum(values, axis=1, out=cumulative[:, before + 1 : before + 1 + width])
    cumulative[:, before + 1 + width :] = cumulative[:, before + width : before + width + 1]
    return cumulative[:, before + after + 1 :] - cumulative[:, :width]


# --- engines ------------------------------------------------------------------------------

# psm 11, sparse text. A form's labels, colons and the writing after them sit at slightly
# different heights; psm 6 (a uniform block) and psm 4 (one column) merge or drop pieces
# of such rows. CER on the test slips: psm 6 4.5 %, psm 4 1.0 %, psm 11 0.35 % (and before
# the dotted lines were erased, psm 6 lost a third of the filled-in characters). Psm 11
# reads pieces of text in an order of its own, so the words are put back into rows of the
# page afterwards.
_PSM = 11
# Two pieces of text are on one row when their heights overlap by this much of the lower.
_ROW_OVERLAP = 0.5
# A read below this mean confidence, or with fewer words, may be of a page upside down.
_DOUBTFUL_CONFIDENCE = 0.6
_FEW_WORDS = 3
# Orientation detection reads at about this resolution: enough for it, and faster.
_OSD_DPI = 150
# Tesseract's orientation confidence: 7-18 on the test slips, 1.8-2.6 on sparse or 150-dpi
# ones (still right), ~1.5 on a blank page. A wrong turn costs only a second read, which
# then loses on confidence.
_OSD_CONFIDENCE_MIN = 1.0
# A runaway tesseract process is killed after this long; a page takes about a second.
_TIMEOUT_SECONDS = 120
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
_INSTALL_TESSERACT = "tesseract is not installed (install the Debian package tesseract-ocr)"
_LANGUAGE = re.compile(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*")


class _Engine(Protocol):
    name: str

    def words(self, image: Image.Image, dpi: int) -> list[_Found]:
        """Every word tesseract found, in reading order."""

    def orientation(self, image: Image.Image, dpi: int) -> tuple[int, float]:
        """Degrees to turn the page counter-clockwise to make it upright, and the confidence."""


@dataclass(frozen=True)
class _Found:
    text: str
    confidence: float
    box: tuple[int, int, int, int]
    line: tuple[int, ...]  # any key that is the same for the words of one line


def engines() -> list[str]:
    """OCR engines usable here, fastest first."""
    return list(_engines())


def check_engine(engine: str = "auto", languages: str = "ind") -> str:
    """The engine `read_page` uses with these settings, once it is known to start with the
    languages and the orientation model; raises `OcrError` naming what to install."""
    reader = _engine(engine, languages)
    _missing_languages("osd", _installed(reader.name))
    return reader.name


def _installed(engine: str) -> tuple[str, ...]:
    """The language models `engine` finds."""
    if engine == "tesseract":
        return _cli_languages()
    module = _tesserocr()
    assert module is not None, "only asked about engines() lists"
    return tuple(module.get_languages(tessdata_path())[1])


@functools.cache
def _engines() -> tuple[str, ...]:
    found = []
    if _tesserocr() is not None and tessdata_path() is not None:
        found.append("tesserocr")
    if shutil.which(pytesseract.pytesseract.tesseract_cmd):
        found.append("tesseract")
    return tuple(found)


@functools.cache
def _tesserocr() -> ModuleType | None:
    """The tesserocr module (the optional extra "cepat"), when it is installed and loads."""
    try:
        import tesserocr
    except (ImportError, OSError):
        return None
    module: ModuleType = tesserocr
    return module


@functools.cache
def tessdata_path() -> str | None:
    """Where the language models are: tesserocr's bundled library does not know."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA_DIRS]
    for candidate in filter(None, candidates):
        folder = Path(candidate)
        if any(folder.glob("*.traineddata")):
            return f"{folder}/"
    return None


def _missing_languages(wanted: str, installed: Iterable[str]) -> None:
    missing = [lang for lang in wanted.split("+") if lang not in set(installed)]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang.lower().replace('_', '-')}" for lang in missing)
        names = ", ".join(missing)
        raise OcrError(f"tesseract language model {names} missing (install {packages})")


def _engine(name: str, languages: str) -> _Engine:
    if not _LANGUAGE.fullmatch(languages):
        raise ValueError(f"languages must look like 'ind' or 'ind+eng', not {languages!r}")
    available = _engines()
    if name == "auto":
        if not available:
            raise OcrError(_INSTALL_TESSERACT)
        name = available[0]
    if name == "tesserocr":
        if "tesserocr" not in available:
            raise OcrError(
                "tesserocr is not usable (pip install 'aduan[cepat]', and install the "
                "Debian package tesseract-ocr for its language models)"
            )
        return _TesserocrEngine.get(languages)
    if name == "tesseract":
        if "tesseract" not in available:
            raise OcrError(_INSTALL_TESSERACT)
        return _TesseractEngine.get(languages)
    raise ValueError(f"unknown OCR engine {name!r}: 'auto', 'tesserocr' or 'tesseract'")


class _TesseractEngine:
    """The tesseract program, one process per call, through pytesseract."""

    name = "tesseract"

    def __init__(self, languages: str) -> None:
        self.languages = languages

    @classmethod
    @functools.cache
    def get(cls, languages: str) -> _TesseractEngine:
        _missing_languages(languages, _installed(cls.name))
        return cls(languages)

    def words(self, image: Image.Image, dpi: int) -> list[_Found]:
        data = self._run(
            pytesseract.image_to_data,
            image,
            lang=self.languages,
            config=f"--psm {_PSM} --dpi {dpi}",
            output_type=pytesseract.Output.DICT,
        )
        found = []
        for i, text in enumerate(data["text"]):
            # Rows of other levels (page, block, line) carry no text and a confidence of -1.
            if not str(text).strip() or int(data["level"][i]) != 5:
                continue
            box = tuple(int(data[key][i]) for key in ("left", "top", "width", "height"))
            line = tuple(int(data[key][i]) for key in ("block_num", "par_num", "line_num"))
            confidence = float(data["conf"][i]) / 100
            found.append(_Found(str(text).strip(), confidence, _box(box), line))
        return found

    def orientation(self, image: Image.Image, dpi: int) -> tuple[int, float]:
        _missing_languages("osd", _installed(self.name))
        try:
            osd = self._run(
                pytesseract.image_to_osd,
                image,
                config=f"--psm 0 --dpi {dpi}",
                output_type=pytesseract.Output.DICT,
            )
        except _TesseractFailed:
            # Tesseract fails OSD on a page with too few letters: no opinion, not an error.
            return 0, 0.0
        # "rotate" is clockwise; Pillow turns counter-clockwise.
        return (360 - int(osd["rotate"])) % 360, float(osd["orientation_conf"])

    @staticmethod
    def _run(function: Any, image: Image.Image, **kwargs: Any) -> Any:
        # pytesseract hands tesseract a temporary file in the image's format: BMP is
        # written and read in a fraction of the time PNG takes.
        image.format = "BMP"
        try:
            return function(image, timeout=_TIMEOUT_SECONDS, **kwargs)
        except pytesseract.TesseractNotFoundError:
            raise OcrError(_INSTALL_TESSERACT) from None
        except pytesseract.TesseractError as exc:
            message = " ".join(str(exc.message).split())[:200]
            raise _TesseractFailed(f"tesseract failed (exit {exc.status}): {message}") from None
        except RuntimeError as exc:  # pytesseract's timeout
            raise OcrError(f"tesseract: {exc}") from None


class _TesseractFailed(OcrError):
    """Tesseract ran and gave up on the page."""


@functools.cache
def _cli_languages() -> tuple[str, ...]:
    try:
        return tuple(pytesseract.get_languages())
    except pytesseract.TesseractNotFoundError:
        raise OcrError(_INSTALL_TESSERACT) from None


class _TesserocrEngine:
    """Tesseract's library in this process through tesserocr: no process, no model loading
    per page. Its API objects are kept for the life of the process, one per language set."""

    name = "tesserocr"
    # One tesseract API object must not be used by two threads at once.
    _lock = threading.Lock()

    def __init__(self, languages: str) -> None:
        module = _tesserocr()
        assert module is not None, "only built when engines() lists tesserocr"
        self._module = module
        path = tessdata_path()
        _missing_languages(languages, _installed(self.name))
        try:
            self._api = module.PyTessBaseAPI(path=path, lang=languages, psm=_PSM)
        except RuntimeError as exc:
            raise OcrError(f"tesserocr cannot start: {exc}") from None
        self._osd: Any = None

    @classmethod
    @functools.cache
    def get(cls, languages: str) -> _TesserocrEngine:
        return cls(languages)

    def words(self, image: Image.Image, dpi: int) -> list[_Found]:
        level = self._module.RIL.WORD
        found = []
        with self._lock:
            api = self._api
            _set_image(api, image, dpi)
            try:
                api.Recognize()
                iterator = api.GetIterator()
                line = -1
                for item in self._module.iterate_level(iterator, level) if iterator else ():
                    if item.IsAtBeginningOf(self._module.RIL.TEXTLINE):
                        line += 1
                    try:
                        text = item.GetUTF8Text(level).strip()
                    except RuntimeError:  # tesserocr's way of saying the word is empty
                        continue
                    if not text:
                        continue
                    left, top, right, bottom = item.BoundingBox(level)
                    box = (left, top, right - left, bottom - top)
                    found.append(_Found(text, item.Confidence(level) / 100, box, (line,)))
            finally:
                api.Clear()
        return found

    def orientation(self, image: Image.Image, dpi: int) -> tuple[int, float]:
        with self._lock:
            if self._osd is None:
                _missing_languages("osd", _installed(self.name))
                self._osd = self._module.PyTessBaseAPI(
                    path=tessdata_path(), lang="osd", psm=self._module.PSM.OSD_ONLY
                )
            _set_image(self._osd, image, dpi)
            try:
                result = self._osd.DetectOrientationScript()
            finally:
                self._osd.Clear()
        if not result:
            return 0, 0.0
        # orient_deg is how far the text is turned clockwise; turning that far back is
        # counter-clockwise by the same amount.
        return int(result["orient_deg"]) % 360, float(result["orient_conf"])


def _set_image(api: Any, image: Image.Image, dpi: int) -> None:
    # Raw pixels: SetImage(PIL image) would encode the page to PNG and decode it again.
    api.SetImageBytes(image.tobytes(), image.width, image.height, 1, image.width)
    api.SetSourceResolution(dpi)


def _box(values: Sequence[int]) -> tuple[int, int, int, int]:
    left, top, width, height = values
    return left, top, width, height


# --- reading ------------------------------------------------------------------------------


def read_page(page: Page, *, languages: str = "ind", engine: str = "auto") -> PageRead:
    """Read one page; see the module docstring for the contract."""
    return read_page_image(page, languages=languages, engine=engine)[0]


def read_page_image(
    page: Page, *, languages: str = "ind", engine: str = "auto"
) -> tuple[PageRead, Image.Image | None]:
    """`read_page`, and the image tesseract read (the words' boxes are in it); None when the
    page is blank. A second engine reads crops of this image, so its words line up."""
    reader = _engine(engine, languages)
    prepared = _prepare(page)
    if prepared.blank:
        return PageRead("", (), 0.0, True, 0, 0.0, prepared.ocr_dpi, reader.name), None
    # Text running top to bottom would read as noise: ask for the orientation first.
    first = None if prepared.sideways else _read(reader, prepared, 0)
    if first is not None and not _doubtful(first[0]):
        return first
    turn = _orientation(reader, prepared)
    if turn == 0:
        return first if first is not None else _read(reader, prepared, 0)
    second = _read(reader, prepared, turn)
    return second if first is None or second[0].confidence > first[0].confidence else first


def _read(reader: _Engine, prepared: _Prepared, turn: int) -> tuple[PageRead, Image.Image]:
    image, skew = prepared.image(turn, sideways=turn in (90, 270))
    found = reader.words(image, prepared.ocr_dpi)
    words = tuple(_arrange(found))
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    confidence = sum(word.confidence for word in words) / len(words) if words else 0.0
    read = PageRead(
        text="\n".join(" ".join(line) for line in lines.values()),
        words=words,
        confidence=confidence,
        blank=False,
        rotated=turn,
        skew=skew,
        dpi=prepared.ocr_dpi,
        engine=reader.name,
    )
    return read, image


def _arrange(found: Iterable[_Found]) -> list[Word]:
    """Words in reading order, each numbered by the row of the page it is on."""
    pieces: dict[tuple[int, ...], list[_Found]] = {}
    for item in found:
        pieces.setdefault(item.line, []).append(item)
    rows: list[tuple[int, int, list[_Found]]] = []
    for piece in sorted(pieces.values(), key=_middle):
        top = min(item.box[1] for item in piece)
        bottom = max(item.box[1] + item.box[3] for item in piece)
        if rows:
            # A row keeps its first piece's extent, so a slanted page cannot chain rows.
            row_top, row_bottom, words = rows[-1]
            overlap = min(bottom, row_bottom) - max(top, row_top)
            if overlap >= _ROW_OVERLAP * min(bottom - top, row_bottom - row_top):
                words.extend(piece)
                continue
        rows.append((top, bottom, list(piece)))
    return [
        Word(item.text, min(1.0, max(0.0, item.confidence)), item.box, number)
        for number, (_, _, words) in enumerate(rows)
        for item in sorted(words, key=lambda item: item.box[0])
    ]


def _middle(piece: Sequence[_Found]) -> float:
    top = min(item.box[1] for item in piece)
    bottom = max(item.box[1] + item.box[3] for item in piece)
    return (top + bottom) / 2


def _doubtful(read: PageRead) -> bool:
    return read.confidence < _DOUBTFUL_CONFIDENCE or len(read.words) < _FEW_WORDS


def _orientation(reader: _Engine, prepared: _Prepared) -> int:
    """Counter-clockwise turn that makes the page upright, 0 when unsure."""
    factor = max(1, round(prepared.dpi / _OSD_DPI))
    image = prepared.base.reduce(factor) if factor > 1 else prepared.base
    turn, confidence = reader.orientation(image, round(prepared.dpi / factor))
    return turn if turn in _TURNS and confidence >= _OSD_CONFIDENCE_MIN else 0
