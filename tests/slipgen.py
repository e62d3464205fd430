"""Synthetic suggestion-box slips (kotak saran) with ground truth, for OCR tests and benches.

A slip is described by a `SlipSpec`: what is written on it (the ground truth) and how it was
printed, filled in and scanned. `generate(spec)` draws it with Pillow, deterministically from
`spec.seed`: a printed A5 form in DejaVu Sans (header, labels, dotted lines) filled in another
font (DejaVu Serif or DejaVu Sans Mono, or a handwriting-style face written word by word with
a wandering baseline, size and slant; black or blue ink), or prose on plain paper, then
rotated, noised, dimmed like a phone photo and encoded like a scan. `build_corpus()` is the
corpus behind `tests/data/slips.json`; regenerate that file with

    .venv/bin/python tests/slipgen.py

`handwriting_corpus()` is the handwriting bench's corpus (bench/handwriting.py).

Fonts come from fonts-dejavu-core and, for handwriting, the Debian packages named in
HANDWRITING_PACKAGES (scripts/install-system-packages.sh installs them).
"""

from __future__ import annotations

import io
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CORPUS_PATH = Path(__file__).resolve().parent / "data" / "slips.json"
CORPUS_SEED = 2026

_FONTS = Path("/usr/share/fonts")
FONTS = {
    "form": FONT_DIR / "DejaVuSans.ttf",
    "form-bold": FONT_DIR / "DejaVuSans-Bold.ttf",
    "serif": FONT_DIR / "DejaVuSerif.ttf",
    "mono": FONT_DIR / "DejaVuSansMono.ttf",
}
# Handwriting-style faces: print-like hands (dkg, humor, comic, femkeklaver, bw-*), loose
# ones (breip, rufscript) and joined scripts (dancing, kristi).
HANDWRITING = {
    "dkg": _FONTS / "truetype/fifthhorseman/dkg.ttf",
    "breip": _FONTS / "truetype/breip/Breip.ttf",
    "femkeklaver": _FONTS / "truetype/femkeklaver/femkeklaver.ttf",
    "humor": _FONTS / "truetype/humor-sans/Humor-Sans.ttf",
    "bw-learn": _FONTS / "opentype/bwht/BecauseWeLearn-Regular.otf",
    "bw-build": _FONTS / "opentype/bwht/BecauseWeBuild-Regular.otf",
    "comic": _FONTS / "opentype/comic-neue/ComicNeue-Regular.otf",
    "rufscript": _FONTS / "truetype/rufscript/Rufscript010.ttf",
    "dancing": _FONTS / "opentype/dancingscript/DancingScript-Regular.otf",
    "kristi": _FONTS / "truetype/kristi/Kristi.ttf",
}
FONTS.update(HANDWRITING)
HANDWRITING_PACKAGES = (
    "fonts-dkg-handwriting",
    "fonts-breip",
    "fonts-femkeklaver",
    "fonts-humor-sans",
    "fonts-bwht",
    "fonts-comic-neue",
    "fonts-rufscript",
    "fonts-dancingscript",
    "fonts-kristi",
)
# Printed fills' sizes; a hand is sized to write its small letters this much taller than
# DejaVu Serif's, as people write larger than type.
_FILL_PT = {"serif": 11.5, "mono": 11.0}
_FREE_PT = {"serif": 13.0, "mono": 12.0}
_HAND_SCALE = 1.15
PAPER = 246
FORM_INK = 25
INKS = {"black": (35, 35, 40), "blue": (25, 45, 150)}

# A5 portrait.
PAGE_MM = (148.0, 210.0)
MARGIN_MM = 12.0

# Field keys as `Slip` names them, and the printed label of each in each form layout.
# Layout C prints the date under the body, as forms with a signature block do.
LAYOUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "A": (
        ("name", "Nama"),
        ("address", "Alamat"),
        ("contact", "No. HP/Telp"),
        ("date", "Tanggal"),
        ("body", "Isi saran/keluhan"),
    ),
    "B": (
        ("date", "Tanggal"),
        ("name", "Nama"),
        ("address", "Alamat"),
        ("contact", "No. Telp"),
        ("body", "Isi Pengaduan"),
    ),
    "C": (
        ("name", "Nama"),
        ("contact", "No. HP"),
        ("address", "Alamat"),
        ("body", "Saran/Keluhan"),
        ("date", "Tanggal"),
    ),
}
INSTRUCTIONS = (
    "Tuliskan pengalaman Anda selama berobat dengan jelas.",
    "Identitas pelapor kami jaga kerahasiaannya.",
)
BODY_ROWS = 5


@dataclass(frozen=True)
class SlipSpec:
    """One slip: its ground truth (as `parse_slip` should return it) and how it was made."""

    id: str
    seed: int
    category: str  # clean | jpeg | lowres | free | upside_down | blank | empty
    form: bool = True
    blank: bool = False
    upside_down: bool = False
    name: str | None = None
    contact: str | None = None  # normalised: "+62…" or an e-mail address
    address: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    body: str = ""  # form: one line of text; free-form: its lines joined with "\n"
    contact_written: str | None = None  # what the hand wrote in the phone field
    date_written: str | None = None
    # Review reasons the slip must get whatever the OCR confidence (bad phone, bad date…).
    expect_review: tuple[str, ...] = ()
    layout: str = "A"
    facility: str = "PUSKESMAS SUKAMAJU"
    fill_font: str = "serif"
    ink: str = "black"
    dpi: int = 300
    rotation: float = 0.0
    noise: float = 4.0  # gaussian sigma, grey levels
    blur: float = 0.0  # gaussian blur radius in pixels: a soft scan or a phone photo
    format: str = "png"  # png | jpeg | tiff
    jpeg_quality: int = 85
    # Below 1: a phone photo in room light, the paper grey and lit unevenly, the ink faded.
    contrast: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "expect_review": list(self.expect_review)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SlipSpec:
        return cls(**{**data, "expect_review": tuple(data.get("expect_review", ()))})


# --- drawing ------------------------------------------------------------------------------


@cache
def _font(key: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS[key]), px)


@cache
def _x_height(key: str) -> int:
    _, top, _, bottom = _font(key, 100).getbbox("x")
    return bottom - top


def fill_pt(key: str, *, free: bool = False) -> float:
    """The size a fill is written in: the printed ones as set, a hand by its x-height."""
    sizes = _FREE_PT if free else _FILL_PT
    if key in sizes:
        return sizes[key]
    return sizes["serif"] * _HAND_SCALE * _x_height("serif") / _x_height(key)


class _Canvas:
    """A page drawn already turned by the slip's angle: each text is rendered upright into
    a small mask, turned, and pasted where the turn puts it, which costs a fraction of
    turning the whole page afterwards."""

    def __init__(self, spec: SlipSpec) -> None:
        self.dpi = spec.dpi
        self.size = (self.mm(PAGE_MM[0]), self.mm(PAGE_MM[1]))
        self.colour = spec.ink == "blue"
        self.image = Image.new("RGB" if self.colour else "L", self.size, self.paper)
        self.draw = ImageDraw.Draw(self.image)
        self.rng = random.Random(spec.seed)
        self.angle = spec.rotation + (180 if spec.upside_down else 0)
        radians = math.radians(self.angle)
        self.cos, self.sin = math.cos(radians), math.sin(radians)

    @property
    def paper(self) -> int | tuple[int, int, int]:
        return (PAPER, PAPER - 2, PAPER - 8) if self.colour else PAPER

    def mm(self, value: float) -> int:
        return round(value * self.dpi / 25.4)

    def pt(self, value: float) -> int:
        return round(value * self.dpi / 72)

    def ink(self, name: str) -> int | tuple[int, int, int]:
        rgb = INKS.get(name, (FORM_INK,) * 3)
        return rgb if self.colour else round(sum(rgb) / 3)

    def turn(self, x: float, y: float) -> tuple[float, float]:
        """Where page pixel (x, y) lands after turning the page counter-clockwise."""
        cx, cy = self.size[0] / 2, self.size[1] / 2
        dx, dy = x - cx, y - cy
        return cx + dx * self.cos + dy * self.sin, cy - dx * self.sin + dy * self.cos

    def text(
        self,
        x_mm: float,
        baseline_mm: float,
        text: str,
        font: str,
        pt: float,
        ink: str,
        slant: float = 0.0,
    ) -> None:
        face = _font(font, self.pt(pt))
        left, top, right, bottom = face.getbbox(text, anchor="ls")
        mask = Image.new("L", (right - left + 4, bottom - top + 4), 0)
        ImageDraw.Draw(mask).text((2 - left, 2 - top), text, font=face, fill=255, anchor="ls")
        # The mask's centre, in page pixels, before and after the turn.
        centre = self.turn(
            self.mm(x_mm) + left - 2 + mask.width / 2,
            self.mm(baseline_mm) + top - 2 + mask.height / 2,
        )
        if self.angle or slant:
            mask = mask.rotate(self.angle + slant, resample=Image.Resampling.BICUBIC, expand=True)
        corner = (round(centre[0] - mask.width / 2), round(centre[1] - mask.height / 2))
        self.image.paste(
            self.ink(ink), (*corner, corner[0] + mask.width, corner[1] + mask.height), mask
        )

    def write(
        self, x_mm: float, baseline_mm: float, text: str, font: str, pt: float, ink: str
    ) -> None:
        """A filled-in value: printed fills as one run, a hand word by word, each word a
        little higher or lower, larger or smaller and tilted its own way, as a pen goes."""
        if font not in HANDWRITING:
            self.text(x_mm, baseline_mm, text, font, pt, ink)
            return
        space = self.width_mm(" ", font, pt)
        drift = 0.0
        for word in text.split():
            size = pt * self.rng.uniform(0.93, 1.07)
            drift = max(-0.8, min(0.8, drift + self.rng.uniform(-0.3, 0.3)))
            slant = self.rng.uniform(-2.0, 2.0)
            self.text(x_mm, baseline_mm + drift, word, font, size, ink, slant)
            x_mm += self.width_mm(word, font, size) + space * self.rng.uniform(0.9, 1.4)

    def centred(self, baseline_mm: float, text: str, font: str, pt: float) -> None:
        self.text(
            (PAGE_MM[0] - self.width_mm(text, font, pt)) / 2, baseline_mm, text, font, pt, "form"
        )

    def dots(self, x0_mm: float, x1_mm: float, y_mm: float) -> None:
        size = max(1, self.mm(0.3))
        y = self.mm(y_mm)
        fill = self.ink("form")
        for x in range(self.mm(x0_mm), self.mm(x1_mm), self.mm(1.1)):
            tx, ty = self.turn(x, y)
            self.draw.rectangle((tx, ty, tx + size - 1, ty + size - 1), fill=fill)

    def rule(self, x0_mm: float, x1_mm: float, y_mm: float, thickness_mm: float) -> None:
        x0, x1, y0, y1 = self.mm(x0_mm), self.mm(x1_mm), self.mm(y_mm), self.mm(y_mm + thickness_mm)
        corners = [self.turn(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        self.draw.polygon(corners, fill=self.ink("form"))

    def width_mm(self, text: str, font: str, pt: float) -> float:
        return _font(font, self.pt(pt)).getlength(text) * 25.4 / self.dpi


@cache
def _noise_field(width: int, height: int) -> Image.Image:
    """Gaussian noise around 128 (sigma 32), larger than a page so that each slip takes a
    different window of it; generated once per page size, from a fixed seed."""
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((height, width), dtype=np.float32) * 32 + 128
    return Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))


def _add_noise(image: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    slack = 97
    field = _noise_field(image.width + slack, image.height + slack)
    x, y = rng.randrange(slack), rng.randrange(slack)
    window = field.crop((x, y, x + image.width, y + image.height))
    window = window.point([round(128 + (v - 128) * sigma / 32) for v in range(256)])
    if image.mode == "RGB":
        window = Image.merge("RGB", (window, window, window))
    return ImageChops.add(image, window, offset=-128)


def _written_mm(canvas: _Canvas, text: str, font: str, pt: float) -> float:
    """How long `text` runs: a hand's larger words and wider spaces take up to this much."""
    return canvas.width_mm(text, font, pt) * (1.12 if font in HANDWRITING else 1.0)


def _wrap(canvas: _Canvas, text: str, font: str, pt: float, width_mm: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and _written_mm(canvas, candidate, font, pt) > width_mm:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _field_values(spec: SlipSpec) -> dict[str, str | None]:
    return {
        "name": spec.name,
        "address": spec.address,
        "contact": spec.contact_written,
        "date": spec.date_written,
        "body": spec.body or None,
    }


def _draw_form(canvas: _Canvas, spec: SlipSpec) -> None:
    right = PAGE_MM[0] - MARGIN_MM
    canvas.centred(22, "KOTAK SARAN", "form-bold", 16)
    canvas.centred(30, spec.facility, "form-bold", 11)
    y = 37.0
    for line in INSTRUCTIONS:
        canvas.centred(y, line, "form", 8)
        y += 4.2
    canvas.rule(MARGIN_MM, right, y, 0.4)
    fill_font = spec.fill_font
    pt = fill_pt(fill_font)
    ink = spec.ink
    values = _field_values(spec)
    column = MARGIN_MM + 33
    row = y + 13
    rng = canvas.rng
    for key, label in LAYOUTS[spec.layout]:
        canvas.text(MARGIN_MM, row, label, "form", 10, "form")
        if key != "body":
            canvas.text(column - 3, row, ":", "form", 10, "form")
            canvas.dots(column, right, row + 0.6)
            value = values.get(key)
            if value:
                x = column + 2 + rng.uniform(0, 4)
                # A long address is written smaller rather than past the paper's edge.
                room = right - x
                size = min(pt, pt * room / _written_mm(canvas, value, fill_font, pt))
                canvas.write(x, row - 0.8 + rng.uniform(-0.4, 0.3), value, fill_font, size, ink)
            row += 11
            continue
        colon_x = MARGIN_MM + canvas.width_mm(label, "form", 10) + 1
        canvas.text(colon_x, row, ":", "form", 10, "form")
        body = values.get("body") or ""
        lines = [line for line in _wrap(canvas, body, fill_font, pt, right - MARGIN_MM - 8) if line]
        while len(lines) > BODY_ROWS and fill_font in HANDWRITING:
            # A large hand writes smaller when the space runs out.
            pt *= 0.95
            lines = [
                line for line in _wrap(canvas, body, fill_font, pt, right - MARGIN_MM - 8) if line
            ]
        if len(lines) > BODY_ROWS:
            raise ValueError(f"{spec.id}: body needs {len(lines)} rows, the form has {BODY_ROWS}")
        row += 9.5
        for index in range(BODY_ROWS):
            canvas.dots(MARGIN_MM, right, row + 0.6)
            if index < len(lines):
                x = MARGIN_MM + 1 + rng.uniform(0, 3)
                baseline = row - 0.8 + rng.uniform(-0.4, 0.3)
                canvas.write(x, baseline, lines[index], fill_font, pt, ink)
            row += 9.5
        row += 4


def _draw_free(canvas: _Canvas, spec: SlipSpec) -> None:
    pt = fill_pt(spec.fill_font, free=True)
    left = MARGIN_MM + 3 + canvas.rng.uniform(0, 4)
    row = 28 + canvas.rng.uniform(0, 10)
    for line in _wrap(canvas, spec.body, spec.fill_font, pt, PAGE_MM[0] - left - MARGIN_MM):
        if line:
            x = left + canvas.rng.uniform(-1, 1)
            canvas.write(x, row + canvas.rng.uniform(-0.4, 0.4), line, spec.fill_font, pt, spec.ink)
        row += 10


def render(spec: SlipSpec) -> Image.Image:
    """The slip as a scanner would deliver it, before encoding."""
    canvas = _Canvas(spec)
    if spec.form:
        _draw_form(canvas, spec)
    elif not spec.blank:
        _draw_free(canvas, spec)
    image = canvas.image
    if spec.blur:
        image = image.filter(ImageFilter.GaussianBlur(spec.blur))
    if spec.contrast < 1.0:
        image = _photographed(image, spec.contrast)
    return _add_noise(image, spec.noise, canvas.rng)


def _photographed(image: Image.Image, contrast: float) -> Image.Image:
    """The page in room light: ink and paper `contrast` as far apart, the paper greyer and
    lit from one corner (a third darker at the far one)."""
    faded = image.point(
        [round(255 - (255 - v) * contrast) - 40 for v in range(256)] * len(image.getbands())
    )
    light = Image.linear_gradient("L").rotate(35, expand=True).resize(image.size)
    light = light.point([round(255 - v / 3) for v in range(256)])
    if image.mode == "RGB":
        light = Image.merge("RGB", (light, light, light))
    return ImageChops.multiply(faded, light)


def generate(spec: SlipSpec) -> bytes:
    """The slip's scan as a PNG, JPEG or TIFF file with its resolution recorded."""
    image = render(spec)
    out = io.BytesIO()
    dpi = (spec.dpi, spec.dpi)
    if spec.format == "png":
        # Scan noise does not compress; deflating it would only cost time.
        image.save(out, "PNG", dpi=dpi, compress_level=0)
    elif spec.format == "jpeg":
        image.save(out, "JPEG", dpi=dpi, quality=spec.jpeg_quality)
    elif spec.format == "tiff":
        image.save(out, "TIFF", dpi=dpi, compression="tiff_lzw")
    else:
        raise ValueError(f"unknown format {spec.format!r}")
    return out.getvalue()


def multipage_tiff(specs: Sequence[SlipSpec]) -> bytes:
    """One TIFF with a page per slip, each page with its own resolution."""
    images = [render(spec) for spec in specs]
    for image, spec in zip(images, specs, strict=True):
        # Pillow's multi-frame TIFF writer reads each appended frame's own encoderinfo.
        image.encoderinfo = {"dpi": (spec.dpi, spec.dpi), "compression": "tiff_lzw"}
    out = io.BytesIO()
    first, *rest = images
    first.save(
        out,
        "TIFF",
        save_all=True,
        append_images=rest,
        dpi=(specs[0].dpi, specs[0].dpi),
        compression="tiff_lzw",
    )
    return out.getvalue()


def pdf(specs: Sequence[SlipSpec], dpi: int | None = None) -> bytes:
    """One PDF with a page per slip; Pillow's PDF writer takes one resolution for all pages,
    so every slip is drawn at `dpi` (default: the first slip's)."""
    resolution = dpi or specs[0].dpi
    first, *rest = [render(replace(spec, dpi=resolution)) for spec in specs]
    out = io.BytesIO()
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=float(resolution))
    return out.getvalue()


# --- accuracy -----------------------------------------------------------------------------


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance / len(reference), whitespace runs counted
    as one space (line breaks on a slip are where the pen ran out of room, not text)."""
    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / len(ref)


# --- the corpus ---------------------------------------------------------------------------

NAMES = (
    "Siti Rahmawati",
    "Budi Santoso",
    "Ahmad Fauzi",
    "Dewi Lestari",
    "Sri Wahyuni",
    "Agus Setiawan",
    "Nur Hidayah",
    "Rina Marlina",
    "Joko Susilo",
    "Fitri Handayani",
    "Bambang Purnomo",
    "Yuliana Sari",
    "Hendra Gunawan",
    "Ika Puspitasari",
    "Wahyu Nugroho",
    "Ratna Dewi",
    "I Made Suarta",
    "Muhammad Rizky",
    "Teguh Prasetyo",
    "Lilis Suryani",
)
ADDRESSES = (
    "Jl. Melati No. 12 RT 03/RW 05",
    "Dusun Krajan RT 02 RW 01, Desa Sukamaju",
    "Jl. Pahlawan Gg. Mawar No. 7",
    "Perum Griya Asri Blok C-14",
    "Kp. Cibeber RT 04/02",
    "Jl. Diponegoro No. 45, Kel. Pringgodani",
    "Desa Tanjungsari RT 01 RW 03",
    "Jl. Raya Bogor Km 5",
    "Jl. Kenanga III No. 21",
    "Dusun Sidomulyo, Kec. Ngawen",
    "Jl. Ahmad Yani No. 88",
    "Kampung Baru RT 06/RW 02",
)
FACILITIES = (
    "PUSKESMAS SUKAMAJU",
    "UPTD PUSKESMAS KLATEN TENGAH",
    "PUSKESMAS PONCOWARNO",
    "PUSKESMAS MAJENANG I",
)
BODIES = (
    "Antrian di loket pendaftaran sangat lama, saya datang jam 7 pagi baru dilayani jam 11. "
    "Mohon ditambah petugas loket.",
    "Obat darah tinggi untuk ibu saya habis sudah dua minggu, kami disuruh beli di apotek luar. "
    "Mohon stok obat diperhatikan.",
    "Toilet pasien di ruang tunggu kotor dan bau, airnya tidak mengalir. "
    "Tolong dibersihkan setiap hari.",
    "Petugas di poli gigi tidak ramah, bicaranya ketus kepada pasien lansia.",
    "Tadi malam anak saya demam tinggi dan kejang tetapi pasien ditolak di UGD karena kartu "
    "BPJS tertinggal. Mohon segera ditindaklanjuti, ini darurat.",
    "Dokter datang terlambat, jadwal praktik jam 8 tetapi poli umum baru buka jam 10.",
    "Ruang tunggu panas, kipas angin rusak dan kursi kurang. Banyak ibu hamil harus berdiri.",
    "Parkir motor sempit dan tidak ada petugas parkir, motor saya tergores.",
    "Hasil laboratorium lama sekali keluarnya, sudah tiga hari belum ada kabar.",
    "Saran saya sebaiknya ada nomor antrian online lewat WhatsApp supaya pasien tidak "
    "menunggu lama di puskesmas.",
    "Terima kasih kepada bidan di ruang KIA yang sabar dan ramah melayani persalinan istri "
    "saya. Pelayanannya sangat baik.",
    "Pelayanan imunisasi sudah cepat dan petugasnya ramah. Pertahankan.",
    "Bayar retribusi tidak diberi karcis, mohon dijelaskan biayanya berapa.",
    "Mohon jam buka poli umum pada hari Sabtu diperpanjang sampai siang.",
    "Air minum di ruang tunggu habis dan galonnya tidak diganti.",
    "Perawat di ruang rawat inap jarang mengecek pasien pada malam hari.",
)
SHORT_BODY = "Pelayanan bagus."
FREE_BODIES = (
    "Kepada Yth. Kepala Puskesmas\n"
    "Saya mau menyampaikan keluhan, kemarin saya periksa di poli umum tapi dokternya tidak "
    "ada, hanya perawat. Mohon diperhatikan.\n"
    "Terima kasih.",
    "Tolong kamar mandi di dekat ruang bersalin diperbaiki, pintunya rusak dan lampunya mati "
    "sudah seminggu.",
    "Petugas pendaftaran main HP terus waktu pasien antri. Kami menunggu lama sekali. "
    "Mohon ditegur.\n"
    "Bu Tini, HP 0813 2233 4455",
)
FREE_CONTACTS = (None, None, "+6281322334455")
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_ID_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
MOBILE_PREFIXES = ("812", "813", "821", "822", "852", "857", "878", "896", "838", "819")


def _phone(rng: random.Random, style: int) -> tuple[str, str]:
    """(normalised, as written) for a random mobile number."""
    rest = "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 8))))
    digits = rng.choice(MOBILE_PREFIXES) + rest
    head, mid, tail = digits[:3], digits[3:7], digits[7:]
    written = (
        f"0{head}-{mid}-{tail}",
        f"0{head} {mid} {tail}",
        f"+62 {head}-{mid}-{tail}",
        f"62{digits}",
        f"0{head}.{mid}.{tail}",
    )[style % 5]
    return f"+62{digits}", written


def _date(rng: random.Random, style: int) -> tuple[str, str]:
    """(ISO, as written) for a random date in 2026."""
    day = date(2026, rng.randint(1, 12), rng.randint(1, 28))
    d, m, y = day.day, day.month, day.year
    written = (
        f"{d:02d}-{m:02d}-{y}",
        f"{d}/{m}/{y % 100:02d}",
        f"{d} {MONTHS_ID_SHORT[m - 1]} {y}",
        f"{d} {MONTHS_ID[m - 1]} {y}",
        f"{d:02d}.{m:02d}.{y}",
    )[style % 5]
    return day.isoformat(), written


def build_corpus(seed: int = CORPUS_SEED) -> list[SlipSpec]:
    """The ~24 slips of tests/data/slips.json, the same for the same seed."""
    rng = random.Random(seed)
    names = rng.sample(NAMES, len(NAMES))
    addresses = rng.sample(ADDRESSES, len(ADDRESSES))
    bodies = rng.sample(BODIES, len(BODIES))
    # (category, dpi, format) of each slip; details vary with the index below.
    plan = (
        [("clean", (300, 200)[i % 2], ("png", "tiff")[i // 2 % 2]) for i in range(12)]
        + [("jpeg", (300, 200, 300)[i], "jpeg") for i in range(3)]
        + [("lowres", 150, ("png", "jpeg", "tiff")[i]) for i in range(3)]
        + [("free", (300, 200, 150)[i], ("png", "jpeg", "png")[i]) for i in range(3)]
        + [("upside_down", 300, "png"), ("blank", 200, "png"), ("empty", 300, "png")]
    )
    specs: list[SlipSpec] = []
    form_index = free_index = 0
    for index, (category, dpi, fmt) in enumerate(plan):
        spec = SlipSpec(
            id=f"slip-{index + 1:02d}",
            seed=seed * 100 + index,
            category=category,
            dpi=dpi,
            format=fmt,
            rotation=round(rng.uniform(-5, 5), 2) if index % 4 else 0.0,
            noise=round(rng.uniform(14, 22) if category == "jpeg" else rng.uniform(2, 6), 1),
            jpeg_quality=rng.randint(25, 40) if category == "jpeg" else 80,
            # A soft phone photo or a cheap scanner: the JPEG slips are the degraded ones.
            blur=round(rng.uniform(1.2, 2.0) * dpi / 300, 2) if category == "jpeg" else 0.0,
            fill_font=("serif", "mono")[index % 2],
            # Colour scanners and phones deliver JPEG; a 300-dpi colour PNG would be ~13 MB.
            ink="blue" if index % 3 == 1 and (fmt == "jpeg" or dpi < 300) else "black",
            facility=FACILITIES[index % len(FACILITIES)],
        )
        if category == "blank":
            specs.append(replace(spec, form=False, blank=True))
            continue
        if category == "free":
            body, contact = FREE_BODIES[free_index], FREE_CONTACTS[free_index]
            specs.append(replace(spec, form=False, body=body, contact=contact))
            free_index += 1
            continue
        spec = replace(spec, layout="ABC"[form_index % 3])
        if category == "empty":
            specs.append(spec)
            continue
        phone, phone_written = _phone(rng, form_index)
        iso, date_written = _date(rng, form_index)
        spec = replace(
            spec,
            upside_down=category == "upside_down",
            name=names[form_index % len(names)],
            contact=phone,
            contact_written=phone_written,
            address=addresses[form_index % len(addresses)],
            date=iso,
            date_written=date_written,
            body=bodies[form_index % len(bodies)],
        )
        # Hand-picked odd slips among the clean ones: anonymous, an e-mail instead of a
        # phone, no address, a short body, a truncated phone number, an impossible date.
        odd = {
            2: {"name": None, "contact": None, "contact_written": None},
            9: {"name": None, "contact": None, "contact_written": None},
            4: {"contact": "rina.marlina@gmail.com", "contact_written": "rina.marlina@gmail.com"},
            5: {"address": None},
            6: {"body": SHORT_BODY, "expect_review": ("isi terlalu pendek",)},
            7: {
                "contact": None,
                "contact_written": phone_written[:8],
                "expect_review": ("nomor HP tidak jelas",),
            },
            10: {
                "date": None,
                "date_written": "31/02/2026",
                "expect_review": ("tanggal tidak terbaca",),
            },
        }
        specs.append(replace(spec, **odd.get(form_index, {})))
        form_index += 1
    return specs


HANDWRITING_SEED = 4242
# Scan and photo conditions of the handwriting corpus, cycled per font: (dpi, format,
# contrast, upside down). Every fourth slip is a dim phone photo, every eighth upside down.
_HAND_CONDITIONS = (
    (300, "png", 1.0, False),
    (200, "png", 1.0, False),
    (150, "jpeg", 1.0, False),
    (300, "jpeg", 0.5, False),
    (200, "png", 1.0, False),
    (300, "png", 1.0, True),
    (150, "png", 1.0, False),
    (200, "jpeg", 0.55, False),
)


def handwriting_corpus(per_font: int = 4, seed: int = HANDWRITING_SEED) -> list[SlipSpec]:
    """Form slips filled in each handwriting face and, for comparison, each printed fill,
    `per_font` of each, under the scan and photo conditions above; some fields left blank."""
    rng = random.Random(seed)
    specs: list[SlipSpec] = []
    for font in (*HANDWRITING, *_FILL_PT):
        for index in range(per_font):
            dpi, fmt, contrast, upside_down = _HAND_CONDITIONS[len(specs) % len(_HAND_CONDITIONS)]
            photo = contrast < 1.0
            phone, phone_written = _phone(rng, index)
            iso, date_written = _date(rng, index)
            spec = SlipSpec(
                id=f"{font}-{index + 1}",
                seed=seed * 1000 + len(specs),
                category="photo" if photo else "upside_down" if upside_down else "scan",
                upside_down=upside_down,
                name=rng.choice(NAMES),
                contact=phone,
                contact_written=phone_written,
                address=rng.choice(ADDRESSES),
                date=iso,
                date_written=date_written,
                body=rng.choice(BODIES),
                layout="ABC"[rng.randrange(3)],
                facility=rng.choice(FACILITIES),
                fill_font=font,
                ink=rng.choice(("black", "blue")) if fmt == "jpeg" else "black",
                dpi=dpi,
                rotation=round(rng.uniform(-3, 3), 2),
                noise=round(rng.uniform(3, 8) if not photo else rng.uniform(8, 14), 1),
                blur=round(rng.uniform(0.8, 1.4) * dpi / 300, 2) if photo else 0.0,
                format=fmt,
                jpeg_quality=rng.randint(50, 80),
                contrast=contrast,
            )
            # Anonymous slips and slips without an address: those fields must stay blank.
            if rng.random() < 0.25:
                spec = replace(spec, name=None)
            if rng.random() < 0.2:
                spec = replace(spec, address=None)
            specs.append(spec)
    return specs


def load_corpus(path: Path = CORPUS_PATH) -> list[SlipSpec]:
    return [SlipSpec.from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def main() -> int:
    specs = build_corpus()
    text = json.dumps([spec.to_json() for spec in specs], ensure_ascii=False, indent=1)
    CORPUS_PATH.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(specs)} slips to {CORPUS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
