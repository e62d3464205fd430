"""A page image → the words on it, read by tesseract.

Contract:
- `preprocess` turns any page into what tesseract reads best: grayscale, 3x3 median,
  contrast stretched, at least 300 dpi, text lines level; it is cheap next to OCR itself;
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
from PIL import Image

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

# Ink is anything this much darker than the paper (0-255), after the median filter has
# removed scanner noise and JPEG speckle. Show-through from the back side stays under it.
_INK_CONTRAST = 48
# A page is blank below this fraction of ink in its central part (margins hold scanner
# edges and punch holes). One short handwritten word on an A5 slip is ~0.1 %.
_BLANK_INK = 0.0003
_MARGIN = 0.05
# Contrast stretch: the darkest fraction of pixels turns black, and everything lighter than
# a quarter of the way from the paper (the median level) to the ink threshold turns white.
# Paper texture left grey cost tesseract's recogniser whole digit strings; a hard threshold
# cost it faint or upscaled strokes. Measured on the slips: CER 0.71 % leaving the paper
# grey, 0.48 % like this.
_STRETCH_DARK = 0.005
_STRETCH_PAPER = 0.25

_SKEW_RANGE = 6.0
_SKEW_COARSE = 1.0
_SKEW_FINE = 0.25
# Tesseract reads text tilted this little as well as level text; rotating costs time.
_DESKEW_MIN = 0.5
_SKEW_POINTS_MIN = 500
_SKEW_POINTS_MAX = 200_000
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

    def image(self, turn: int) -> tuple[Image.Image, float]:
        """The image to read with the page turned `turn` degrees, and the skew removed."""
        skew = self.sideways_skew if turn in (90, 270) else self.skew
        if abs(skew) < _DESKEW_MIN:
            skew = 0.0
        image = self.base.transpose(_TURNS[turn]) if turn else self.base
        return _rotate_and_scale(image, skew, self.scale), skew

    @property
    def ocr_dpi(self) -> int:
        return round(self.dpi * self.scale)


_TURNS = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}


def preprocess(page: Page) -> tuple[Image.Image, int]:
    """The page as tesseract should see it (mode "L", deskewed) and its resolution then."""
    prepared = _prepare(page)
    image, _ = prepared.image(90 if prepared.sideways else 0)
    return image, prepared.ocr_dpi


def _prepare(page: Page) -> _Prepared:
    gray = page.image if page.image.mode == "L" else page.image.convert("L")
    dpi = _resolution(page.dpi, gray.size)
    if dpi >= 2 * _OCR_DPI:
        # Tesseract gains nothing above 300 dpi and a box reduction also averages out noise.
        factor = dpi // _OCR_DPI
        gray = gray.reduce(factor)
        dpi = round(dpi / factor)
    pixels = _median3(np.asarray(gray))
    scale = _upscale(dpi, gray.size)
    histogram = _central_histogram(pixels)
    if _is_blank(histogram):
        return _Prepared(Image.fromarray(pixels), dpi, scale, True, 0.0, 0.0, False)
    base = Image.fromarray(pixels).point(_stretch(histogram))
    analysis = np.asarray(base.reduce(max(1, dpi // _ANALYSIS_DPI)))
    skew, sideways_skew, sideways = _skews(analysis)
    return _Prepared(base, dpi, scale, False, skew, sideways_skew, sideways)


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


def _median3(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """3x3 median filter, exact, ~2.5x faster than Pillow's MedianFilter on a page.

    Each column of three is sorted, then the median of nine is the median of (the largest
    low, the median middle, the smallest high) of three neighbouring columns.
    """
    padded = np.pad(pixels, 1, mode="edge")
    top, middle, bottom = padded[:-2], padded[1:-1], padded[2:]
    low, high = np.minimum(top, middle), np.maximum(top, middle)
    low, mid = np.minimum(low, bottom), np.maximum(low, bottom)
    mid, high = np.minimum(mid, high), np.maximum(mid, high)
    lows = np.maximum(np.maximum(low[:, :-2], low[:, 1:-1]), low[:, 2:])
    highs = np.minimum(np.minimum(high[:, :-2], high[:, 1:-1]), high[:, 2:])
    mids = _median_of_three(mid[:, :-2], mid[:, 1:-1], mid[:, 2:])
    return _median_of_three(lows, mids, highs)


def _median_of_three(
    a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8], c: npt.NDArray[np.uint8]
) -> npt.NDArray[np.uint8]:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


def _histogram(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    return np.bincount(pixels.ravel(), minlength=256)


def _level(histogram: npt.NDArray[np.int64], fraction: float) -> int:
    """The gray level below which `fraction` of the pixels lie."""
    cumulative = np.cumsum(histogram)
    return int(np.searchsorted(cumulative, fraction * cumulative[-1]))


def _central_histogram(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """Histogram of the page without its margins, which hold scanner edges and punch holes."""
    height, width = pixels.shape
    dy, dx = round(height * _MARGIN), round(width * _MARGIN)
    return _histogram(pixels[dy : height - dy, dx : width - dx])


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


def _skews(pixels: npt.NDArray[np.uint8]) -> tuple[float, float, bool]:
    """Skew of rows of text, skew of text running top to bottom, and which one the page has.

    Projection profile: ink pixels are projected along each candidate angle, and the angle
    whose profile has the sharpest peaks (the largest sum of squared counts) is the skew.
    """
    ys, xs = np.nonzero(pixels < _otsu(_histogram(pixels)))
    if ys.size < _SKEW_POINTS_MIN:
        return 0.0, 0.0, False
    step = max(1, ys.size // _SKEW_POINTS_MAX)
    ys, xs = ys[::step].astype(np.float32), xs[::step].astype(np.float32)
    # A line leaning counter-clockwise by a rises to the right: y + x*tan(a) is constant on it.
    skew, rows = _best_angle(ys, xs - xs.mean())
    # Turned 90°, the same lean makes x - y*tan(a) constant along a column of text.
    sideways_skew, columns = _best_angle(xs, ys.mean() - ys)
    return skew, sideways_skew, columns > rows * _SIDEWAYS_RATIO


def _best_angle(
    across: npt.NDArray[np.float32], along: npt.NDArray[np.float32]
) -> tuple[float, float]:
    """The angle with the peakiest profile, and that peakiness (1.0 for no structure)."""

    def peakiness(degrees: float) -> float:
        bins = np.rint(across + along * np.float32(math.tan(math.radians(degrees)))).astype(
            np.int64
        )
        bins -= bins.min()
        counts = np.bincount(bins)
        return float(np.dot(counts, counts)) * counts.size / float(across.size) ** 2

    coarse = np.arange(-_SKEW_RANGE, _SKEW_RANGE + _SKEW_COARSE / 2, _SKEW_COARSE)
    best = max(coarse, key=peakiness)
    fine = np.arange(best - _SKEW_COARSE + _SKEW_FINE, best + _SKEW_COARSE, _SKEW_FINE)
    scores = [peakiness(float(angle)) for angle in fine]
    top = int(np.argmax(scores))
    angle = float(fine[top])
    if 0 < top < len(scores) - 1:
        # A parabola through the best score and its neighbours places the peak between steps.
        left, mid, right = scores[top - 1], scores[top], scores[top + 1]
        curvature = left - 2 * mid + right
        if curvature < 0:
            angle += _SKEW_FINE * 0.5 * (left - right) / curvature
    return round(angle, 2), scores[top]


def _rotate_and_scale(image: Image.Image, degrees: float, scale: float) -> Image.Image:
    """`image` with a counter-clockwise lean of `degrees` undone and scaled, in one pass."""
    if degrees == 0.0:
        if scale == 1.0:
            return image
        size = (round(image.width * scale), round(image.height * scale))
        return image.resize(size, Image.Resampling.BILINEAR)
    # Undo a counter-clockwise lean of `degrees`: turn clockwise. Pillow wants the map from
    # output pixels back to input pixels.
    theta = math.radians(degrees)
    cos, sin = math.cos(theta), math.sin(theta)
    width, height = image.size
    out_width = math.ceil(scale * (width * abs(cos) + height * abs(sin)))
    out_height = math.ceil(scale * (width * abs(sin) + height * abs(cos)))
    a, b, d, e = cos / scale, sin / scale, -sin / scale, cos / scale
    c = width / 2 - (a * out_width / 2 + b * out_height / 2)
    f = height / 2 - (d * out_width / 2 + e * out_height / 2)
    return image.transform(
        (out_width, out_height),
        Image.Transform.AFFINE,
        (a, b, c, d, e, f),
        resample=Image.Resampling.BILINEAR,
        fillcolor=255,
    )


# --- engines ------------------------------------------------------------------------------

# psm 11, sparse text. A form's dotted lines, printed just under the hand's writing, merge
# with it into one line under psm 6 (a uniform block) and psm 4 (one column): on 300-dpi
# forms they lost a third of the filled-in characters, psm 11 under 1 % (measured with
# bench/ocr_engines.py). Psm 11 reads pieces of text in an order of its own, so the words
# are put back into rows of the page afterwards.
_PSM = 11
# Two pieces of text are on one row when their heights overlap by this much of the lower.
_ROW_OVERLAP = 0.5
# A read below this mean confidence, or with fewer words, may be of a page upside down.
_DOUBTFUL_CONFIDENCE = 0.6
_FEW_WORDS = 3
# Orientation detection reads at about this resolution: enough for it, and faster.
_OSD_DPI = 150
# Tesseract's orientation confidence; upright pages score ~20, noise under ~2.
_OSD_CONFIDENCE_MIN = 3.0
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


@functools.cache
def _engines() -> tuple[str, ...]:
    found = []
    if _tesserocr() is not None and _tessdata() is not None:
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
    return tesserocr


@functools.cache
def _tessdata() -> str | None:
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
        _missing_languages(languages, _cli_languages())
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
        _missing_languages("osd", _cli_languages())
        try:
            osd = self._run(
                pytesseract.image_to_osd,
                image,
                config=f"--psm 0 --dpi {dpi}",
                output_type=pytesseract.Output.DICT,
            )
        except OcrError:
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
            raise OcrError(f"tesseract failed (exit status {exc.status}): {message}") from None
        except RuntimeError as exc:  # pytesseract's timeout
            raise OcrError(f"tesseract: {exc}") from None


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
        path = _tessdata()
        _missing_languages(languages, module.get_languages(path)[1])
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
                    text = (item.GetUTF8Text(level) or "").strip()
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
                path = _tessdata()
                _missing_languages("osd", self._module.get_languages(path)[1])
                self._osd = self._module.PyTessBaseAPI(
                    path=path, lang="osd", psm=self._module.PSM.OSD_ONLY
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
    reader = _engine(engine, languages)
    prepared = _prepare(page)
    if prepared.blank:
        return PageRead("", (), 0.0, True, 0, 0.0, prepared.ocr_dpi, reader.name)
    # Text running top to bottom would read as noise: ask for the orientation first.
    first = None if prepared.sideways else _read(reader, prepared, 0)
    if first is not None and not _doubtful(first):
        return first
    turn = _orientation(reader, prepared)
    if turn == 0:
        return first if first is not None else _read(reader, prepared, 0)
    second = _read(reader, prepared, turn)
    return second if first is None or second.confidence > first.confidence else first


def _read(reader: _Engine, prepared: _Prepared, turn: int) -> PageRead:
    image, skew = prepared.image(turn)
    found = reader.words(image, prepared.ocr_dpi)
    words = tuple(_arrange(found))
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    confidence = sum(word.confidence for word in words) / len(words) if words else 0.0
    return PageRead(
        text="\n".join(" ".join(line) for line in lines.values()),
        words=words,
        confidence=confidence,
        blank=False,
        rotated=turn,
        skew=skew,
        dpi=prepared.ocr_dpi,
        engine=reader.name,
    )


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
