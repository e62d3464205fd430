"""Classifier quality and speed on the labelled dev and holdout sets.

    .venv/bin/python bench/classify_eval.py [--dev PATH] [--dev2 PATH] [--holdout PATH]
                                            [--holdout2 PATH] [--speed-n 5000] [--long-n 200]

For each set: kind macro-F1, unit accuracy, urgent recall and precision, the kind confusion
matrix and items/s, for the rules alone and for rules + model. The model is trained with
`train` on the seed set plus dev: its dev figures are `train`'s cross-validation (each item
predicted by a model that never saw it), its dev2 and holdout figures come from the final
model. dev2 (`classify_dev2.jsonl`) is a second labelled set written for urgency: the ways
people report emergencies, errors, violence, threats, illegal fees and danger, and ordinary
complaints that only sound alarming; it is not used for training here.
Only aggregate figures are printed for the holdouts, never their items: they are there to tell
whether tuning on dev generalised. holdout2 (`classify_holdout2.jsonl`) is a second holdout,
written by another hand before its author read the lexicon. Speed of the rules path is
measured separately over `--speed-n` dev items (repeated as needed) after one warm-up pass,
and per long mail (~7,000 characters glued from the labelled texts) twice: warm, and cold
(every cache emptied before each mail, so each unseen word is spelled and stemmed anew).
Targets on dev: kind macro-F1 ≥ 0.90, urgent recall 1.0 at precision ≥ 0.7, unit ≥ 0.85;
rules path ≥ 2,000 items/s on one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.parsers.classification import Classification  # noqa: E402
from aduan.parsers.classify import (  # noqa: E402
    Example,
    Lexicon,
    classify,
    load_examples,
    load_lexicon,
    train,
)
from aduan.parsers.classify.model import KINDS, Model, combine, score  # noqa: E402
from aduan.parsers.classify.normalise import normalise_item, stem, word_forms  # noqa: E402
from aduan.parsers.classify.rules import evaluate  # noqa: E402

DATA = ROOT / "tests" / "data"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DATA / "classify_dev.jsonl")
    parser.add_argument("--dev2", type=Path, default=DATA / "classify_dev2.jsonl")
    parser.add_argument("--holdout", type=Path, default=DATA / "classify_holdout.jsonl")
    parser.add_argument("--holdout2", type=Path, default=DATA / "classify_holdout2.jsonl")
    parser.add_argument("--speed-n", type=int, default=5000)
    parser.add_argument("--long-n", type=int, default=200)
    args = parser.parse_args(argv)

    lexicon = load_lexicon()
    dev = load_examples(args.dev)
    holdout = load_examples(args.holdout) if args.holdout.exists() else []
    dev2 = load_examples(args.dev2) if args.dev2.exists() else []
    holdout2 = load_examples(args.holdout2) if args.holdout2.exists() else []

    classify(dev[0].text, dev[0].subject, lexicon)  # load the lexicon and Sastrawi first
    rules_dev, rate_dev = _rules(dev)
    report("dev — rules", dev, rules_dev, rate_dev)
    if dev2:
        rules_dev2, rate_dev2 = _rules(dev2)
        report("dev2 — rules", dev2, rules_dev2, rate_dev2)
    if holdout:
        rules_holdout, rate_holdout = _rules(holdout)
        report("holdout — rules", holdout, rules_holdout, rate_holdout)
    if holdout2:
        rules_holdout2, rate_holdout2 = _rules(holdout2)
        report("holdout2 — rules", holdout2, rules_holdout2, rate_holdout2)

    start = time.perf_counter()
    result = train(dev, lexicon=lexicon)
    trained_in = time.perf_counter() - start
    print(
        f"\ntrain: {len(dev)} dev + seed, {result.folds}-fold CV in {trained_in:.1f} s; "
        f"overall rules {result.rules.overall:.3f} vs rules+model {result.combined.overall:.3f}"
        f" → model {'kept' if result.kept else 'NOT kept'}; thresholds "
        f"{result.candidate.meta.thresholds}"
    )
    report(
        "dev — rules+model (cross-validated)", list(result.evaluated), result.combined_predictions
    )
    if dev2:
        predictions, rate = _combined(dev2, result.candidate)
        report("dev2 — rules+model", dev2, predictions, rate)
    if holdout:
        predictions, rate = _combined(holdout, result.candidate)
        report("holdout — rules+model", holdout, predictions, rate)
    if holdout2:
        predictions, rate = _combined(holdout2, result.candidate)
        report("holdout2 — rules+model", holdout2, predictions, rate)

    speed = _speed(dev, args.speed_n)
    print(f"\nrules path speed: {speed:,.0f} items/s over {args.speed_n} items (one core)")
    everything = [*dev, *dev2, *holdout, *holdout2]
    warm, cold = _long_mails(everything, args.long_n)
    print(f"long mails (~7,000 chars, {args.long_n}): warm {_ms(warm)}; cold caches {_ms(cold)}")
    return 0


def _ms(times: Sequence[float]) -> str:
    ordered = sorted(times)
    mean = sum(ordered) / len(ordered)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"mean {mean * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms"


def _long_mails(examples: Sequence[Example], n: int) -> tuple[list[float], list[float]]:
    """Per-mail seconds over `n` ~7,000-character mails glued from the labelled texts, with
    warm caches and with every cache emptied before each mail."""
    lexicon = load_lexicon()
    texts = [e.text for e in examples]
    mails = []
    for m in range(n):
        glued, k = "", m * 7
        while len(glued) < 7_000:
            glued += texts[k % len(texts)] + ("\n\n" if k % 3 else ". ")
            k += 1
        mails.append(glued[:7_200])
    warm: list[float] = []
    for mail in mails:
        classify(mail, None, lexicon)
    for mail in mails:
        start = time.perf_counter()
        classify(mail, None, lexicon)
        warm.append(time.perf_counter() - start)
    cold: list[float] = []
    for mail in mails:
        _empty_caches(lexicon)
        start = time.perf_counter()
        classify(mail, None, lexicon)
        cold.append(time.perf_counter() - start)
    return warm, cold


def _empty_caches(lexicon: Lexicon) -> None:
    stem.cache_clear()
    word_forms.cache_clear()
    lexicon.speller.clear_caches()  # the bench measures the cold path
    lexicon.trie._memo.clear()


def _rules(examples: Sequence[Example]) -> tuple[list[Classification], float]:
    lexicon = load_lexicon()
    start = time.perf_counter()
    out = [classify(e.text, e.subject, lexicon) for e in examples]
    return out, len(examples) / (time.perf_counter() - start)


def _combined(examples: Sequence[Example], model: Model) -> tuple[list[Classification], float]:
    lexicon = load_lexicon()
    start = time.perf_counter()
    norms = [normalise_item(e.text, e.subject, lexicon.speller) for e in examples]
    verdicts = [evaluate(norm, lexicon) for norm in norms]
    predictions = model.predict([norm.text for norm in norms])
    out = [combine(v, p, model.meta.thresholds) for v, p in zip(verdicts, predictions, strict=True)]
    return out, len(examples) / (time.perf_counter() - start)


def _speed(examples: Sequence[Example], n: int) -> float:
    lexicon = load_lexicon()
    items = [examples[i % len(examples)] for i in range(n)]
    for e in items[: len(examples)]:
        classify(e.text, e.subject, lexicon)
    start = time.perf_counter()
    for e in items:
        classify(e.text, e.subject, lexicon)
    return n / (time.perf_counter() - start)


def report(
    title: str,
    examples: Sequence[Example],
    predictions: Sequence[Classification],
    rate: float | None = None,
) -> None:
    s = score(examples, predictions)
    speed = f", {rate:,.0f} items/s" if rate else ""
    print(f"\n== {title} ({s.n} items{speed})")
    print(
        f"kind macro-F1 {s.kind_macro_f1:.3f} | unit accuracy {s.unit_accuracy:.3f} | "
        f"urgent recall {s.urgent_recall:.3f} precision {s.urgent_precision:.3f}"
    )
    labels = [
        k
        for k in KINDS
        if any(e.kind == k or p.kind == k for e, p in zip(examples, predictions, strict=True))
    ]
    width = max(len(label) for label in labels) + 1
    print("kind confusion (rows: truth, columns: predicted)")
    print(" " * width + "".join(f"{label[:8]:>9}" for label in labels))
    for truth in labels:
        counts = [
            sum(
                1
                for e, p in zip(examples, predictions, strict=True)
                if e.kind == truth and p.kind == guess
            )
            for guess in labels
        ]
        print(f"{truth:<{width}}" + "".join(f"{c:>9}" for c in counts))


if __name__ == "__main__":
    sys.exit(main())
