"""A scanned file (PNG, JPEG, TIFF, PDF bytes) → its pages as decoded images.

Contract:
- the kind of file is decided by its first bytes, never by its name;
- every way a file can fail to be a readable scan raises `ScanFileError`, whose message is a
  one-line English reason for the quarantine; no other exception comes from the file's content;
- nothing larger than `MAX_PIXELS` per page is ever decoded.
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, TiffImagePlugin


class ScanFileError(Exception):
    """The file cannot be read as a scan; str(exc) is the reason kept in quarantine."""


# Per page. A4 at 600 dpi is ~35 MP; a page beyond this is a bomb, not a scan.
MAX_PIXELS = 60_000_000

_PDF_DPI = 300
_PDF_POINTS_PER_INCH = 72
# A resolution outside this range is a placeholder (JFIF's 1:1 aspect ratio), not a scan's.
_DPI_MIN = 20
_DPI_MAX = 4800
# PDF allows junk before the header; readers (pdfium too) look this far for it.
_PDF_HEADER_WINDOW = 1024
_REASON_MAX = 200
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")

# Opening through the plugin class, not Image.open(), reads the header without Pillow's own
# bomb check, which would fail on the size before it could be reported in our words
# (Pillow's bomb warning and error are still turned into ScanFileError, wherever raised).
_OPENERS: dict[str, type[ImageFile.ImageFile]] = {
    "png": PngImagePlugin.PngImageFile,
    "jpeg": JpegImagePlugin.JpegImageFile,
    "tiff": TiffImagePlugin.TiffImageFile,
}

_PDFIUM_ERRORS = {
    pdfium_c.FPDF_ERR_FILE: "file access error",
    pdfium_c.FPDF_ERR_FORMAT: "not in a format PDFium can read",
    pdfium_c.FPDF_ERR_PAGE: "page not found or content error",
}

# PDFium is not thread-safe; pages may be rendered from worker threads.
_PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    image: Image.Image  # decoded, EXIF orientation applied, mode "L" or "RGB"
    dpi: int | None  # from the file (PNG pHYs, JPEG/TIFF dpi, PDF render scale), else None


def scan_kind(data: bytes) -> str | None:
    """The kind of file its first bytes say: "png", "jpeg", "tiff", "pdf"; else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    # Classic and BigTIFF, both byte orders.
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return "pdf"
    return None


def count_pages(data: bytes) -> int:
    """Number of pages, from the file's structure only (no page is decoded)."""
    kind = _kind(data)
    if kind == "pdf":
        with _pdf(data) as document:
            return len(document)
    with _decoding():
        return _frames(_open_image(data, kind))


def render_page(data: bytes, number: int) -> Page:
    """Page `number` (1-based) decoded; raises ValueError when the file has no such page."""
    kind = _kind(data)
    if kind == "pdf":
        return _render_pdf(data, number)
    with _decoding():
        image = _open_image(data, kind)
        pages = _frames(image)
    _check_number(number, pages)
    with _decoding():
        if number > 1:
            image.seek(number - 1)
            _check_size(image.size)
        # Decoding happens here, inside the guard: a truncated file must fail now, not later.
        image.load()
        dpi = _file_dpi(image.info.get("dpi"))
        return Page(number, _normal_mode(ImageOps.exif_transpose(image)), dpi)


def _check_number(number: int, pages: int) -> None:
    if not 1 <= number <= pages:
        raise ValueError(f"page {number} asked of a file with {pages}")


def _frames(image: ImageFile.ImageFile) -> int:
    # A JPEG may carry more frames (MPO: a phone's preview or depth map), never more pages.
    if isinstance(image, TiffImagePlugin.TiffImageFile):
        return image.n_frames
    return 1


def _kind(data: bytes) -> str:
    if not data:
        raise ScanFileError("empty file (0 bytes)")
    kind = scan_kind(data)
    if kind is None:
        # Four bytes name the usual suspects (PK.., GIF8, RIFF, <htm) and carry no content.
        start = "".join(chr(b) if 0x20 <= b < 0x7F and b not in b"'\\" else "." for b in data[:4])
        raise ScanFileError(f"not an image or PDF (starts with b'{start}')")
    return kind


def _open_image(data: bytes, kind: str) -> ImageFile.ImageFile:
    image = _OPENERS[kind](io.BytesIO(data))
    _check_size(image.size)
    return image


def _check_size(size: tuple[int, int]) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise ScanFileError(f"corrupt or truncated image: it claims {width}x{height} pixels")
    if width * height > MAX_PIXELS:
        raise ScanFileError(f"image of {width}x{height} pixels {_over_limit()}")


def _over_limit() -> str:
    return f"exceeds the limit of {MAX_PIXELS // 1_000_000} megapixels"


@contextmanager
def _decoding() -> Iterator[None]:
    """Every failure of Pillow on the file's content as a `ScanFileError`.

    catch_warnings() restores the filters on exit; it is the one scoped way to make
    Pillow's bomb warning an error here without touching the rest of the process. Its other
    warnings ("Corrupt EXIF data"…) are about the file, which fails or decodes regardless.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (ScanFileError, MemoryError):
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            found = _BOMB_PIXELS.search(str(exc))
            size = f"of {int(found.group(1)):,} pixels " if found else ""
            raise ScanFileError(f"image {size}{_over_limit()}") from None
        except Exception as exc:  # hostile files break decoders in many ways
            raise ScanFileError(f"corrupt or truncated image: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:_REASON_MAX]


def _file_dpi(value: Any) -> int | None:
    """Horizontal resolution from Pillow's "dpi" info, when it is a believable one."""
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return None
    if not math.isfinite(dpi) or not _DPI_MIN <= dpi <= _DPI_MAX:
        return None
    return round(dpi)


def _normal_mode(image: Image.Image) -> Image.Image:
    """`image` as "L" or "RGB": transparency on white paper, 16-bit scaled, not clipped."""
    mode = image.mode
    if mode in ("L", "RGB"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        return _sixteen_bit_to_l(image)
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        gray = mode in ("LA", "La")
        rgba = image.convert("LA" if gray else "RGBA")
        paper = Image.new(rgba.mode, rgba.size, (255, 255) if gray else (255, 255, 255, 255))
        return Image.alpha_composite(paper.convert("RGBA"), rgba.convert("RGBA")).convert(
            "L" if gray else "RGB",
        )
    return image.convert("RGB")


def _sixteen_bit_to_l(image: Image.Image) -> Image.Image:
    # Pillow's convert("L") clips 16-bit values at 255, which turns a 16-bit scan white.
    return image.point(lambda value: value / 257).convert("L")


@contextmanager
def _pdf(data: bytes) -> Iterator[Any]:
    with _PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            raise ScanFileError(_pdf_failure(data)) from None
        try:
            yield document
        finally:
            document.close()


def _pdf_failure(data: bytes) -> str:
    """Why PDFium refuses `data`.

    Its error code is process-global and left over from an earlier call when a document
    loads but has no pages, so the load is repeated here to tell those cases apart.
    """
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if raw:
        pdfium_c.FPDF_CloseDocument(raw)
        return "PDF has no pages"
    code = pdfium_c.FPDF_GetLastError()
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return "PDF is password-protected"
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return "PDF uses an unsupported encryption"
    return f"corrupt PDF: {_PDFIUM_ERRORS.get(code, f'PDFium error {code}')}"


def _render_pdf(data: bytes, number: int) -> Page:
    with _pdf(data) as document:
        _check_number(number, len(document))
        try:
            image, dpi = _render_pdf_page(document, number)
        except pypdfium2.PdfiumError as exc:
            raise ScanFileError(f"corrupt PDF: page {number}: {_reason(exc)}") from None
    return Page(number, _normal_mode(image), dpi)


def _render_pdf_page(document: Any, number: int) -> tuple[Image.Image, int]:
    page = document[number - 1]
    try:
        width, height = (float(side) for side in page.get_size())
        if not (width > 0 and height > 0):
            raise ScanFileError(f"corrupt PDF: page {number} has no size")
        scale = _PDF_DPI / _PDF_POINTS_PER_INCH
        if width * height * scale * scale > MAX_PIXELS:
            # Rounding the pixel size up must not cross the limit, hence the floor.
            scale = math.floor(math.sqrt(MAX_PIXELS / (width * height)) * 1000) / 1000
        # Grayscale: a third of the memory of RGB, and all that OCR uses.
        image: Image.Image = page.render(scale=scale, grayscale=True).to_pil()
    finally:
        page.close()
    return image, round(scale * _PDF_POINTS_PER_INCH)
