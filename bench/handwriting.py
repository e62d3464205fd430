"""Handwritten slips: tesseract alone, the handwriting engine alone, and the routed reading.

    .venv/bin/python bench/handwriting.py [--per-font 4] [--fonts dkg,kristi,...]

The slips are `tests.slipgen.handwriting_corpus`: printed forms filled in ten
handwriting-style faces and, for comparison, the two printed fills, at 150-300 dpi, tilted,
noised, some photographed in dim uneven light, some upside down, some with fields left blank.
Every reading runs in this one process, one page at a time, on one thread per engine: the
times are one core's.

Prints, per font and for all handwriting and all printed fills:
- CER (character error rate, case-folded: many people write in capitals) and word recall of
  the complaint field (Isi saran/keluhan), for (t) tesseract alone (`parse_slip(read_page)`),
  (p) the handwriting engine alone (its words of the raw page, then `parse_slip`), and
  (r) the routed reading (`fields.read_slip`);
- seconds per page for (t) and (r);
- reads still bad after routing (CER > 10 %), and how many of them are in review; and how
  many good reads are in review (the cost of a false alarm is a glance);
- blank fields (no name, no address) that stayed blank, and upside-down slips turned;
- why good reads were in review (most often another field: a phone number or date).
Targets: routed handwriting CER at least 40 % lower than tesseract's, printed CER <= 2 %,
>= 95 % of bad reads in review, mean time per page <= 3 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.parsers import handwriting  # noqa: E402
from aduan.parsers.fields import read_slip  # noqa: E402
from aduan.parsers.ocr import PageRead, read_page  # noqa: E402
from aduan.parsers.pages import Page, render_page  # noqa: E402
from aduan.parsers.slip import Slip, parse_slip  # noqa: E402
from tests.slipgen import (  # noqa: E402
    HANDWRITING,
    SlipSpec,
    cer,
    generate,
    handwriting_corpus,
)

BAD_CER = 0.10
_T = TypeVar("_T")
_WORD = re.compile(r"[^\W_]+")


@dataclass
class Tally:
    cer: dict[str, list[float]] = field(default_factory=lambda: {"t": [], "p": [], "r": []})
    recall: dict[str, list[float]] = field(default_factory=lambda: {"t": [], "p": [], "r": []})
    seconds: dict[str, list[float]] = field(default_factory=lambda: {"t": [], "r": []})
    bad: int = 0
    bad_in_review: int = 0
    good: int = 0
    good_in_review: int = 0
    blank: int = 0
    blank_kept: int = 0
    upside_down: int = 0
    turned: int = 0
    # Why good reads went to review anyway (reason → count), e.g. a doubtful phone number.
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        for mine, theirs in ((self.cer, other.cer), (self.recall, other.recall)):
            for key in mine:
                mine[key].extend(theirs[key])
        for key in self.seconds:
            self.seconds[key].extend(other.seconds[key])
        counts = ("bad", "bad_in_review", "good", "good_in_review", "blank", "blank_kept")
        for name in (*counts, "upside_down", "turned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reasons.update(other.reasons)


def folded(text: str | None) -> str:
    return (text or "").casefold()


def word_recall(truth: str, read: str) -> float:
    wanted = Counter(_WORD.findall(folded(truth)))
    found = Counter(_WORD.findall(folded(read)))
    total = sum(wanted.values())
    return sum((wanted & found).values()) / total if total else 1.0


def timed(function: Callable[[], _T]) -> tuple[_T, float]:
    start = time.perf_counter()
    slip = function()
    return slip, time.perf_counter() - start


def engine_alone(page: Page) -> Slip:
    """The handwriting engine's words of the raw page, parsed like tesseract's."""
    words = tuple(handwriting.read(page.image))
    text = "\n".join(word.text for word in words)
    confidence = statistics.fmean(w.confidence for w in words) if words else 0.0
    return parse_slip(PageRead(text, words, confidence, False, 0, 0.0, page.dpi or 300, "ppocr"))


def measure(spec: SlipSpec) -> Tally:
    tally = Tally()
    page = render_page(generate(spec), 1)
    tesseract, t_seconds = timed(lambda: parse_slip(read_page(page)))
    alone = engine_alone(page)
    routed, r_seconds = timed(lambda: read_slip(page, languages="ind", engine="auto", second=True))
    routed_read = routed.slip
    if spec.upside_down:
        tally.upside_down, tally.turned = 1, int(routed.read.rotated == 180)
    for key, slip in (("t", tesseract), ("p", alone), ("r", routed_read)):
        tally.cer[key].append(cer(folded(spec.body), folded(slip.body)))
        tally.recall[key].append(word_recall(spec.body, slip.body))
    tally.seconds["t"].append(t_seconds)
    tally.seconds["r"].append(r_seconds)
    in_review = bool(routed_read.review)
    if tally.cer["r"][0] > BAD_CER:
        tally.bad, tally.bad_in_review = 1, int(in_review)
    else:
        tally.good, tally.good_in_review = 1, int(in_review)
        # The reason's kind, without its numbers ("keyakinan OCR rendah (81%)").
        tally.reasons.update(re.sub(r" \(\d+%\)", "", reason) for reason in routed_read.review)
    for truth, read in ((spec.name, routed_read.name), (spec.address, routed_read.address)):
        if truth is None:
            tally.blank += 1
            tally.blank_kept += read is None
    return tally


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def row(name: str, tally: Tally) -> str:
    c, w, s = tally.cer, tally.recall, tally.seconds
    return (
        f"{name:12s} {len(c['t']):3d}  "
        f"{mean(c['t']):6.1%} {mean(c['p']):6.1%} {mean(c['r']):6.1%}   "
        f"{mean(w['t']):6.1%} {mean(w['p']):6.1%} {mean(w['r']):6.1%}   "
        f"{mean(s['t']):5.2f} {mean(s['r']):5.2f}   "
        f"{tally.bad_in_review:2d}/{tally.bad:<2d}  {tally.good_in_review:2d}/{tally.good:<2d}  "
        f"{tally.blank_kept:2d}/{tally.blank:<2d}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-font", type=int, default=4)
    parser.add_argument("--fonts", help="comma-separated font keys (default: all)")
    args = parser.parse_args()
    state = handwriting.status()
    if not state.usable:
        print(f"the handwriting engine is not usable: {state.detail}")
        return 1
    specs = handwriting_corpus(args.per_font)
    if args.fonts:
        wanted = set(args.fonts.split(","))
        specs = [spec for spec in specs if spec.fill_font in wanted]
    handwriting.read(render_page(generate(specs[0]), 1).image)  # load the model once, untimed
    per_font: dict[str, Tally] = {}
    for spec in specs:
        per_font.setdefault(spec.fill_font, Tally()).add(measure(spec))
    print(f"{len(specs)} slips, {state.detail}; complaint field, case-folded")
    print(
        "font         n    CER t   CER p  CER r    words t words p words r   s/p t s/p r"
        "   bad→rev good→rev blank"
    )
    hands, printed = Tally(), Tally()
    for font, tally in per_font.items():
        print(row(font, tally))
        (hands if font in HANDWRITING else printed).add(tally)
    print(row("HANDWRITING", hands))
    print(row("PRINTED", printed))
    everything = Tally()
    everything.add(hands)
    everything.add(printed)
    t_cer, r_cer = mean(hands.cer["t"]), mean(hands.cer["r"])
    drop = 1 - r_cer / t_cer if t_cer else float("nan")
    print(
        f"\nhandwriting CER: tesseract {t_cer:.1%} → routed {r_cer:.1%}, {drop:.0%} lower "
        "(target ≥ 40 %)"
    )
    print(f"printed CER routed: {mean(printed.cer['r']):.1%} (target ≤ 2 %)")
    bad = everything.bad
    share = everything.bad_in_review / bad if bad else 1.0
    print(f"bad reads in review: {everything.bad_in_review}/{bad} = {share:.0%} (target ≥ 95 %)")
    print(
        f"good reads in review: {everything.good_in_review}/{everything.good}; blank fields "
        f"kept blank: {everything.blank_kept}/{everything.blank}"
    )
    print(f"upside-down slips turned: {everything.turned}/{everything.upside_down}")
    print("why good reads were in review:")
    for reason, count in everything.reasons.most_common():
        print(f"  {count:3d}  {reason}")
    print(f"mean time per page, routed: {mean(everything.seconds['r']):.2f} s (target ≤ 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
