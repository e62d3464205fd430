"""OCR cost and accuracy on the synthetic slips of tests/data/slips.json, per engine.

    .venv/bin/python bench/ocr_engines.py [--psm 6] [--only slip-01,...] [--repeats 3]
                                          [--skip-whole]

Prints, for each engine `aduan.parsers.ocr.engines()` lists:
(a) per slip: decode, preprocessing and reading time, the deskew and turn applied, the mean
    confidence, and the character error rate of the filled-in text (each field value against
    its best-matching stretch of the page text);
(b) preprocessing against OCR of the preprocessed image on an A5 slip at 150 and 300 dpi
    (and OCR of the page as scanned, in grayscale, for comparison), and the cost of one
    orientation detection (OSD);
(c) the whole path (decode + preprocess + read) against bare OCR, by the fastest engine, of
    the same slip drawn clean (no noise, no tilt) in grayscale at 300 dpi: target ≤ 1.2.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.parsers import ocr  # noqa: E402
from aduan.parsers.pages import render_page  # noqa: E402
from tests.slipgen import SlipSpec, generate, load_corpus, render  # noqa: E402

REPEATS = 3


def best_of(function: Callable[[], object]) -> float:
    """The best of REPEATS timings: other load on the machine only ever adds time."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def substring_distance(needle: str, haystack: str) -> int:
    """Edit distance between `needle` and the stretch of `haystack` it matches best."""
    previous = [0] * (len(haystack) + 1)  # starting anywhere in the haystack is free
    for i, n in enumerate(needle, 1):
        current = [i]
        for j, h in enumerate(haystack, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (n != h)))
        previous = current
    return min(previous)  # and so is ending anywhere


def fill_values(spec: SlipSpec) -> list[str]:
    if not spec.form:
        return [line for line in spec.body.split("\n") if line]
    values = (spec.name, spec.address, spec.contact_written, spec.date_written, spec.body)
    return [value for value in values if value]


def fill_errors(spec: SlipSpec, text: str) -> tuple[int, int]:
    """(edit distance, characters) of the slip's filled-in values in the page text."""
    page = " ".join(text.split())
    errors = chars = 0
    for value in fill_values(spec):
        value = " ".join(value.split())
        errors += substring_distance(value, page)
        chars += len(value)
    return errors, chars


def per_slip(specs: list[SlipSpec], engine: str) -> None:
    print(f"\n(a) {engine}: per slip")
    print("  slip      cat          dpi fmt   decode  prep   read  turn  skew(true)   conf  CER")
    total_errors = total_chars = 0
    for spec in specs:
        data = generate(spec)
        start = time.perf_counter()
        page = render_page(data, 1)
        decode = time.perf_counter() - start
        start = time.perf_counter()
        ocr.preprocess(page)
        prep = time.perf_counter() - start
        start = time.perf_counter()
        read = ocr.read_page(page, engine=engine)
        elapsed = time.perf_counter() - start
        errors, chars = fill_errors(spec, read.text)
        total_errors += errors
        total_chars += chars
        rate = f"{errors / chars:5.1%}" if chars else "   - "
        print(
            f"  {spec.id}  {spec.category:11s} {spec.dpi:4d} {spec.format:4s}"
            f" {decode * 1000:5.0f}ms {prep * 1000:4.0f}ms {elapsed:5.2f}s"
            f"  {read.rotated:3d} {read.skew:5.1f}({spec.rotation:5.1f})"
            f" {read.confidence:5.2f} {rate}{'  blank' if read.blank else ''}"
        )
    print(f"  CER of the filled-in text over all slips: {total_errors / total_chars:.2%}")


def costs(spec: SlipSpec, engine: str) -> None:
    print(f"\n(b) {engine}: preprocessing vs OCR, one A5 slip ({spec.id}), best of {REPEATS}")
    reader = ocr._engine(engine, "ind")
    for dpi in (150, 300):
        page = render_page(generate(replace(spec, dpi=dpi)), 1)
        prep = best_of(lambda page=page: ocr.preprocess(page))
        image, ocr_dpi = ocr.preprocess(page)
        read = best_of(lambda image=image, ocr_dpi=ocr_dpi: reader.words(image, ocr_dpi))
        gray = page.image.convert("L")
        raw = best_of(lambda gray=gray, dpi=dpi: reader.words(gray, dpi))
        prepared = ocr._prepare(page)
        osd_image = prepared.base.reduce(max(1, round(prepared.dpi / ocr._OSD_DPI)))
        osd_dpi = round(prepared.dpi / max(1, round(prepared.dpi / ocr._OSD_DPI)))
        osd = best_of(lambda i=osd_image, d=osd_dpi: reader.orientation(i, d))
        print(
            f"  {dpi} dpi {page.image.size[0]}x{page.image.size[1]}: preprocess"
            f" {prep * 1000:4.0f} ms, OCR {read * 1000:4.0f} ms"
            f" ({prep / read:4.0%} of OCR; OCR as scanned {raw * 1000:4.0f} ms),"
            f" OSD at {osd_dpi} dpi {osd * 1000:4.0f} ms"
        )


def whole_path(specs: list[SlipSpec], engine: str) -> None:
    print(f"\n(c) {engine}: whole path vs bare OCR of the clean grayscale slip at 300 dpi")
    print("  slip      cat          dpi   path  bare  ratio   of which decode+preprocess")
    reader = ocr._engine(engine, "ind")
    ratios = []
    for spec in specs:
        if spec.blank or spec.upside_down:
            continue
        data = generate(spec)
        clean = render(replace(spec, noise=0.0, rotation=0.0, dpi=300)).convert("L")
        page = render_page(data, 1)
        path = best_of(lambda data=data: ocr.read_page(render_page(data, 1), engine=engine))
        bare = best_of(lambda clean=clean: reader.words(clean, 300))
        overhead = best_of(lambda data=data: ocr.preprocess(render_page(data, 1)))
        ratios.append(path / bare)
        print(
            f"  {spec.id}  {spec.category:11s} {spec.dpi:4d} {path * 1000:5.0f}ms"
            f" {bare * 1000:4.0f}ms {path / bare:5.2f}x  {overhead * 1000:3.0f} ms"
            f" ({overhead / bare:3.0%} of bare OCR; {page.image.size[0]}x{page.image.size[1]})"
        )
    print(f"  median {statistics.median(ratios):.2f}x, max {max(ratios):.2f}x (target <= 1.2)")


def main() -> int:
    global REPEATS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--psm", type=int, default=ocr._PSM, help="tesseract page layout mode")
    parser.add_argument("--only", default="", help="comma-separated slip ids")
    parser.add_argument("--skip-whole", action="store_true", help="leave out (c)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timings to take the best of")
    args = parser.parse_args()
    ocr._PSM = args.psm
    REPEATS = args.repeats
    specs = load_corpus()
    if args.only:
        specs = [spec for spec in specs if spec.id in args.only.split(",")]
    engines = ocr.engines()
    print(f"engines here, fastest first: {', '.join(engines)}; psm {ocr._PSM}")
    clean = next(spec for spec in load_corpus() if spec.category == "clean")
    for engine in engines:
        per_slip(specs, engine)
        costs(clean, engine)
    if not args.skip_whole:
        whole_path(specs, engines[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
