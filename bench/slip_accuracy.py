"""Slip reading accuracy on the generated corpus: scan → pages → OCR → `parse_slip`.

    .venv/bin/python bench/slip_accuracy.py [--corpus PATH] [--engine auto] [--degraded N]

For every slip of tests/data/slips.json: the body's character error rate (CER, whitespace
runs counted as one space), whether name, contact, address and date came out exactly as
written (normalised: "+62…", ISO date; an empty field must come out None), the confidence
of the filled-in words and the review reasons. Then per category (clean print, noisy JPEG,
150 dpi, free-form, upside-down, blank, empty form) and overall: mean and worst body CER
and field accuracy. The corpus is fixed and drawn from its seeds, so runs are reproducible
(tesseract itself is deterministic on one machine).

`--degraded N` adds N harder renders of every form slip (more blur and noise, JPEG), and
prints, for candidate review thresholds, how many slips that came out wrong (a field wrong
or body CER > 5 %) the threshold sends to a person and how many right ones it bothers
them with: the measurement behind `aduan.parsers.slip.LOW_CONFIDENCE`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

# As in the daemon's workers: tesseract's own threads only slow a 2-core machine down.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.parsers.ocr import read_page  # noqa: E402
from aduan.parsers.pages import render_page  # noqa: E402
from aduan.parsers.slip import LOW_CONFIDENCE, REVIEW_PHONE, Slip, parse_slip  # noqa: E402
from tests.slipgen import CORPUS_PATH, SlipSpec, cer, generate, load_corpus  # noqa: E402

FIELDS = ("name", "contact", "address", "date")
CATEGORIES = ("clean", "jpeg", "lowres", "free", "upside_down", "blank", "empty", "degraded")
# A slip "came out wrong" with a field wrong or more than this body CER.
WRONG_CER = 0.05
THRESHOLDS = (0.6, 0.7, 0.8, 0.85, 0.88, 0.9, 0.92, 0.93, 0.94)


@dataclass(frozen=True)
class Result:
    spec: SlipSpec
    slip: Slip
    cer: float
    fields: dict[str, bool]
    seconds: float

    @property
    def wrong(self) -> bool:
        return self.cer > WRONG_CER or not all(self.fields.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_PATH)
    parser.add_argument("--engine", default="auto", help="auto, tesserocr or tesseract")
    parser.add_argument("--degraded", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)

    specs = load_corpus(args.corpus)
    specs += degraded(specs, args.degraded)
    results = [evaluate(spec, args.engine) for spec in specs]

    print(
        f"{'slip':10s} {'category':11s} {'dpi':>4s} {'fmt':4s} {'rot':>5s} {'CER':>6s}  "
        f"name cont addr date  {'conf':>5s} {'s':>5s}  review"
    )
    for result in results:
        spec = result.spec
        marks = "  ".join(f"{'ok' if result.fields[f] else 'XX':>3s}" for f in FIELDS)
        print(
            f"{spec.id:10s} {spec.category:11s} {spec.dpi:4d} {spec.format:4s} "
            f"{spec.rotation + (180 if spec.upside_down else 0):5.1f} {result.cer:6.3f}  "
            f"{marks}  {result.slip.confidence:5.2f} {result.seconds:5.2f}  "
            f"{'; '.join(result.slip.review)}"
        )

    print(f"\n{'category':11s} {'slips':>5s} {'mean CER':>8s} {'max CER':>8s}  fields exact")
    for category in CATEGORIES:
        group = [r for r in results if r.spec.category == category]
        if group:
            summary(category, group)
    summary("all", [r for r in results if r.spec.category != "degraded"])
    per_field = "  ".join(
        f"{field} {sum(r.fields[field] for r in results)}/{len(results)}" for field in FIELDS
    )
    print(f"per field: {per_field}")
    seconds = sum(r.seconds for r in results)
    each = seconds / len(results)
    print(f"OCR + parse: {seconds:.1f} s for {len(results)} slips ({each:.2f} s each)")

    if args.degraded:
        thresholds([r for r in results if not r.spec.blank and r.spec.category != "empty"])
    return 0


def degraded(specs: Sequence[SlipSpec], copies: int) -> list[SlipSpec]:
    """Harder renders of the form slips: a soft focus and a noisy, low-quality JPEG."""
    rng = random.Random(7)
    forms = [spec for spec in specs if spec.form and spec.category not in ("empty",)]
    return [
        replace(
            spec,
            id=f"{spec.id}~{copy + 1}",
            category="degraded",
            seed=spec.seed * 10 + copy + 1,
            blur=round(rng.uniform(1.5, 3.5) * spec.dpi / 300, 2),
            noise=round(rng.uniform(12, 30), 1),
            jpeg_quality=rng.randint(15, 35),
            format="jpeg",
        )
        for copy in range(copies)
        for spec in forms
    ]


def evaluate(spec: SlipSpec, engine: str) -> Result:
    data = generate(spec)
    start = time.perf_counter()
    slip = parse_slip(read_page(render_page(data, 1), engine=engine))
    seconds = time.perf_counter() - start
    read = {
        "name": slip.name,
        "contact": slip.contact,
        "address": slip.address,
        "date": slip.date.isoformat() if slip.date else None,
    }
    truth = {"name": spec.name, "contact": spec.contact, "address": spec.address, "date": spec.date}
    fields = {field: read[field] == truth[field] for field in FIELDS}
    return Result(spec, slip, cer(spec.body, slip.body), fields, seconds)


def summary(label: str, group: Sequence[Result]) -> None:
    rates = [r.cer for r in group]
    exact = sum(sum(r.fields.values()) for r in group)
    total = len(group) * len(FIELDS)
    print(
        f"{label:11s} {len(group):5d} {sum(rates) / len(rates):8.3f} {max(rates):8.3f}  "
        f"{exact}/{total} ({exact / total:.0%})"
    )


def thresholds(results: Sequence[Result]) -> None:
    wrong = [r for r in results if r.wrong]
    right = [r for r in results if not r.wrong]
    print(
        f"\nreview threshold (now {LOW_CONFIDENCE}): {len(wrong)} slips came out wrong, "
        f"{len(right)} right"
    )
    print(f"{'below':>6s} {'wrong flagged':>14s} {'right flagged':>14s}")
    for threshold in THRESHOLDS:
        caught = sum(r.slip.confidence < threshold for r in wrong)
        bothered = sum(r.slip.confidence < threshold for r in right)
        print(f"{threshold:6.2f} {caught:8d}/{len(wrong):<5d} {bothered:8d}/{len(right):<5d}")
    flagged = sum(bool(r.slip.review) for r in wrong)
    print(f"wrong slips with any review reason: {flagged}/{len(wrong)}")
    numbers = [r for r in results if r.spec.contact and not r.spec.contact.count("@")]
    bad = [r for r in numbers if not r.fields["contact"]]
    good = [r for r in numbers if r.fields["contact"]]
    print(
        f"phone numbers: {sum(REVIEW_PHONE in r.slip.review for r in bad)}/{len(bad)} wrong "
        f"ones and {sum(REVIEW_PHONE in r.slip.review for r in good)}/{len(good)} right ones "
        f'flagged "{REVIEW_PHONE}"'
    )


if __name__ == "__main__":
    sys.exit(main())
