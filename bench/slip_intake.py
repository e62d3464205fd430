"""Scanned slips → register against bare OCR, measured in one run.

    .venv/bin/python bench/slip_intake.py [--n 50] [--dpi 150,300]

For each resolution, on `--n` slips generated from the corpus of tests/data/slips.json
(noise, tilt, JPEG artefacts as scanned):
(a) bare OCR, by the fastest engine installed, of each slip drawn clean (no noise, no tilt)
    in grayscale: the engine alone, reused, nothing around it;
(b) aduan's whole slip path on the scanned files (`--handwriting off`, the default:
    tesseract alone; `auto`: doubtful fields also read by the handwriting engine when
    installed): store, decode, preprocess, OCR, fields, classification and one committed
    register entry per slip (`Intake.take_scans`), with one worker;
and prints (b)/(a) (target ≤ 1.2), then (b) again with two workers: the throughput ratio
(target ≥ 1.8 on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

# As in the daemon's workers: tesseract's own threads only slow a 2-core machine down.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from aduan.daemon.config import parse_settings  # noqa: E402
from aduan.daemon.intake import RawItem  # noqa: E402
from aduan.daemon.processed import Outcome  # noqa: E402
from aduan.daemon.runtime import Runtime  # noqa: E402
from aduan.daemon.workers import WorkerPool  # noqa: E402
from aduan.parsers.ocr import engines  # noqa: E402
from tests.slipgen import SlipSpec, generate, load_corpus, render  # noqa: E402


def slips(n: int, dpi: int) -> list[SlipSpec]:
    """`n` filled-in slips (blank and empty ones left out), cycling through the corpus."""
    usable = [s for s in load_corpus() if not s.blank and s.category != "empty"]
    return [replace(usable[i % len(usable)], dpi=dpi, seed=1000 + i) for i in range(n)]


def bare_reader(languages: str) -> tuple[str, Callable[[Image.Image, int], str]]:
    """The fastest engine installed, called as plainly as it can be."""
    if "tesserocr" in engines():
        import tesserocr

        from aduan.parsers.ocr import tessdata_path

        api = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang=languages)

        def with_tesserocr(image: Image.Image, dpi: int) -> str:
            api.SetImage(image)
            api.SetSourceResolution(dpi)
            return str(api.GetUTF8Text())

        return "tesserocr", with_tesserocr
    import pytesseract

    def with_tesseract(image: Image.Image, dpi: int) -> str:
        return str(pytesseract.image_to_string(image, lang=languages, config=f"--dpi {dpi}"))

    return "tesseract", with_tesseract


def bare_ocr(specs: list[SlipSpec], languages: str) -> tuple[str, float]:
    name, read = bare_reader(languages)
    clean = [render(replace(s, noise=0.0, rotation=0.0, format="png")).convert("L") for s in specs]
    start = time.perf_counter()
    for image, spec in zip(clean, specs, strict=True):
        read(image, spec.dpi)
    return name, time.perf_counter() - start


def whole_path(specs: list[SlipSpec], files: list[bytes], workers: int, handwriting: str) -> float:
    with tempfile.TemporaryDirectory(prefix="aduan-bench-") as tmp:
        config = Path(tmp) / "aduan.toml"
        settings = parse_settings(
            {
                "database": {"url": "sqlite:///aduan.db"},
                "escalation": {"acknowledge": False},
                "scans": {"handwriting": handwriting},
            },
            config,
        )
        runtime = Runtime.open(settings)
        runtime.intake.pool = WorkerPool(workers)
        received = datetime.now(UTC)
        items = [
            RawItem("scan", f"slip-{i:03d}.{spec.format}", data, received)
            for i, (spec, data) in enumerate(zip(specs, files, strict=True))
        ]
        # Warm, as the running daemon is: workers started, models loaded in each of them.
        warm = [
            RawItem("scan", f"warm-{i}.png", generate(replace(s, dpi=s.dpi + 1)), received)
            for i, s in enumerate(specs[:2])
        ]
        runtime.intake.take_scans(warm)
        start = time.perf_counter()
        results = runtime.intake.take_scans(items)
        elapsed = time.perf_counter() - start
        runtime.close()
    outcomes = Counter(r.outcome.value for r in results)
    if outcomes[Outcome.REGISTERED.value] != len(specs):
        raise SystemExit(f"not every slip was registered: {dict(outcomes)}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--dpi", default="150,300")
    parser.add_argument("--languages", default="ind")
    # "off": tesseract alone, the figure the targets were set for; "auto": doubtful fields
    # also go to the handwriting engine when it is installed.
    parser.add_argument("--handwriting", choices=("auto", "off"), default="off")
    args = parser.parse_args()

    print(
        f"{args.n} slips per resolution, {os.cpu_count()} cores, engines: {engines()}, "
        f"handwriting engine: {args.handwriting}"
    )
    for dpi in (int(d) for d in args.dpi.split(",")):
        specs = slips(args.n, dpi)
        files = [generate(spec) for spec in specs]
        engine, bare = bare_ocr(specs, args.languages)
        one = whole_path(specs, files, 1, args.handwriting)
        two = whole_path(specs, files, 2, args.handwriting)
        print(f"\n{dpi} dpi")
        print(f"  (a) bare OCR ({engine}), clean grayscale: {bare / args.n:.3f} s/slip")
        print(f"  (b) whole slip path, 1 worker:          {one / args.n:.3f} s/slip")
        print(f"  (b)/(a) = {one / bare:.2f}   (target ≤ 1.2)")
        print(f"  (b) whole slip path, 2 workers:         {two / args.n:.3f} s/slip")
        print(f"  throughput 2 workers / 1 worker = {one / two:.2f}   (target ≥ 1.8)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
