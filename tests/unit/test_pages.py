from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageFile, ImageOps

from aduan.parsers.pages import MAX_PIXELS, ScanFileError, count_pages, render_page, scan_kind
from tests.slipgen import SlipSpec, load_corpus, multipage_tiff, pdf


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def sheet(size: tuple[int, int] = (60, 80), mode: str = "RGB") -> Image.Image:
    """A small page with a black mark in its top-left corner, to see which way it turned."""
    image = Image.new(mode, size, "white")
    image.paste("black", (0, 0, 10, 10))
    return image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


def hand_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF assembled object by object, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def one_page_pdf(media_box: bytes = b"0 0 420 595") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [" + media_box + b"] >>",
    ]


@pytest.fixture(scope="module")
def slips() -> list[SlipSpec]:
    clean = next(spec for spec in load_corpus() if spec.category == "clean" and spec.form)
    return [replace(clean, dpi=300), replace(clean, dpi=200, rotation=2.0)]


# --- kinds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (encode(sheet(), "PNG"), "png"),
        (encode(sheet(), "JPEG"), "jpeg"),
        (encode(sheet(), "TIFF"), "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (encode(sheet(), "PDF"), "pdf"),
        (b"\r\n%PDF-1.7\n", "pdf"),  # junk before the header is allowed
        (encode(sheet(), "GIF"), None),
        (encode(sheet(), "BMP"), None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_kind_comes_from_the_magic_bytes(data: bytes, kind: str | None) -> None:
    assert scan_kind(data) == kind


# --- images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "options", "dpi"),
    [
        ("PNG", {"dpi": (200, 200)}, 200),  # pHYs
        ("PNG", {}, None),
        ("JPEG", {"dpi": (150, 150)}, 150),  # JFIF density
        ("JPEG", {}, None),
        ("TIFF", {"dpi": (300, 300)}, 300),
        ("TIFF", {"dpi": (72, 72)}, 72),  # what the file says; OCR judges it
    ],
)
def test_single_images_load_with_the_files_resolution(
    fmt: str, options: dict[str, object], dpi: int | None
) -> None:
    data = encode(sheet(), fmt, **options)
    assert count_pages(data) == 1
    page = render_page(data, 1)
    assert (page.number, page.dpi, page.image.size, page.image.mode) == (1, dpi, (60, 80), "RGB")


def test_jpeg_resolution_from_exif_when_jfif_has_none() -> None:
    exif = Image.Exif()
    exif[0x011A] = exif[0x011B] = 240.0  # XResolution, YResolution
    exif[0x0128] = 2  # ResolutionUnit: inches
    page = render_page(encode(sheet(), "JPEG", exif=exif), 1)
    assert page.dpi == 240


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show the picture turned 90° clockwise
    page = render_page(encode(sheet(), "JPEG", exif=exif), 1)
    assert page.image.size == (80, 60)
    # The mark in the stored top-left corner is now at the top right.
    assert page.image.convert("L").getpixel((75, 4)) < 64
    assert page.image.convert("L").getpixel((4, 4)) > 192


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (Image.new("RGBA", (8, 8), (0, 0, 0, 0)), ("RGB", (255, 255, 255))),  # paper, not black
        (Image.new("LA", (8, 8), (0, 0)), ("L", 255)),
        (Image.new("P", (8, 8), 3), ("RGB", (3, 3, 3))),
        (Image.new("1", (8, 8), 0), ("L", 0)),
        (Image.fromarray(np.full((8, 8), 40000, np.uint16)), ("L", 155)),  # scaled, not clipped
    ],
)
def test_modes_become_l_or_rgb(image: Image.Image, expected: tuple[str, object]) -> None:
    if image.mode == "P":
        image.putpalette([v for i in range(256) for v in (i, i, i)])
    page = render_page(encode(image, "PNG"), 1)
    assert (page.image.mode, page.image.getpixel((4, 4))) == expected


def test_cmyk_jpeg_becomes_rgb() -> None:
    page = render_page(encode(Image.new("CMYK", (8, 8), (0, 0, 0, 0)), "JPEG"), 1)
    assert page.image.mode == "RGB"


def test_multipage_tiff_pages_each_with_its_own_resolution(slips: list[SlipSpec]) -> None:
    data = multipage_tiff(slips)
    assert count_pages(data) == 2
    first, second = render_page(data, 1), render_page(data, 2)
    assert (first.number, first.dpi, second.number, second.dpi) == (1, 300, 2, 200)
    # A5 at each resolution.
    assert first.image.size == (1748, 2480)
    assert second.image.size == (1165, 1654)


def test_asking_for_a_page_the_file_does_not_have_is_a_caller_error() -> None:
    data = encode(sheet(), "PNG")
    for number in (0, 2):
        with pytest.raises(ValueError, match="page"):
            render_page(data, number)


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_pages_render_at_300_dpi_in_grayscale(slips: list[SlipSpec]) -> None:
    data = pdf(slips, dpi=150)
    assert count_pages(data) == 2
    page = render_page(data, 2)
    assert (page.number, page.dpi, page.image.mode) == (2, 300, "L")
    # An A5 page, whatever resolution it was drawn at.
    assert abs(page.image.width - 1748) <= 3 and abs(page.image.height - 2480) <= 3


def test_a_huge_pdf_page_is_rendered_within_the_pixel_limit() -> None:
    data = hand_pdf(one_page_pdf(b"0 0 14400 14400"))  # 200 x 200 inches
    page = render_page(data, 1)
    assert page.image.width * page.image.height <= MAX_PIXELS
    assert page.dpi is not None and page.dpi < 300
    assert abs(page.image.width - 200 * page.dpi) <= 200


def test_password_protected_pdf() -> None:
    # The standard security handler; no password opens it (pypdfium2 cannot write one).
    encrypt = (
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4"
        b" /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
    )
    trailer = b"/Encrypt 4 0 R /ID [<" + b"33" * 16 + b"> <" + b"33" * 16 + b">] "
    data = hand_pdf([*one_page_pdf(), encrypt], trailer)
    for call in (count_pages, lambda data: render_page(data, 1)):
        with pytest.raises(ScanFileError, match=r"^PDF is password-protected$"):
            call(data)


def test_pdf_without_pages_after_a_failed_one() -> None:
    # PDFium's error code is global: a previous password failure must not leak into this.
    encrypted = hand_pdf(
        [*one_page_pdf(), b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"],
        b"/Encrypt 4 0 R ",
    )
    with pytest.raises(ScanFileError):
        count_pages(encrypted)
    empty = hand_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    )
    with pytest.raises(ScanFileError, match=r"^PDF has no pages$"):
        count_pages(empty)


def test_corrupt_pdf() -> None:
    with pytest.raises(ScanFileError, match=r"^corrupt PDF: "):
        count_pages(b"%PDF-1.4\n1 0 obj << /Type /Catalog")


# --- files that are no scan ---------------------------------------------------------------


def test_empty_file() -> None:
    for call in (count_pages, lambda data: render_page(data, 1)):
        with pytest.raises(ScanFileError, match=r"^empty file \(0 bytes\)$"):
            call(b"")


def test_not_an_image_names_only_the_first_bytes() -> None:
    with pytest.raises(ScanFileError) as caught:
        count_pages(b"PK\x03\x04 Nama: Siti, Jl. Melati 12")
    assert str(caught.value) == "not an image or PDF (starts with b'PK..')"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_truncated_image(fmt: str) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (200, 200), dtype=np.uint8)
    data = encode(Image.fromarray(noise), fmt)
    truncated = data[: len(data) // 2]
    # The header is intact: counting pages stays cheap and does not decode.
    assert count_pages(truncated) == 1
    with pytest.raises(ScanFileError, match=r"^corrupt or truncated image: "):
        render_page(truncated, 1)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"II*\x00garbage"])
def test_header_only(data: bytes) -> None:
    with pytest.raises(ScanFileError, match=r"^corrupt or truncated image: "):
        count_pages(data)


def test_huge_image_is_refused_from_its_header() -> None:
    data = png_claiming(40000, 40000)
    message = "image of 40000x40000 pixels exceeds the limit of 60 megapixels"
    for call in (count_pages, lambda data: render_page(data, 1)):
        with pytest.raises(ScanFileError, match=f"^{message}$"):
            call(data)


def test_pillows_bomb_warning_is_a_scan_error_and_filters_are_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def bomb(image: Image.Image) -> Image.Image:
        message = "Image size (99000000 pixels) exceeds limit"
        warnings.warn(message, Image.DecompressionBombWarning, stacklevel=2)
        return image

    monkeypatch.setattr(ImageOps, "exif_transpose", bomb)
    filters = list(warnings.filters)
    with pytest.raises(ScanFileError, match=r"^image of 99,000,000 pixels exceeds the limit"):
        render_page(encode(sheet(), "PNG"), 1)
    assert warnings.filters == filters


def test_truncated_images_stay_an_error_for_the_whole_process() -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
