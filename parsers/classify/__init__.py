"""Text → `Classification`: kind, unit, urgency, confidence and the words that decided.

    from aduan.parsers.classify import classify
    classify("antrinya lama bgt, petugas gak ramah", subject="Antrian")

Rules from an editable lexicon (`lexicon.toml`) decide; a trained model (`model.py`) may
overrule them on kind and unit where they are unsure, and may add urgency, never remove it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from aduan.parsers.classification import Classification
from aduan.parsers.classify.lexicon import Lexicon, LexiconError, load_lexicon
from aduan.parsers.classify.normalise import normalise_item
from aduan.parsers.classify.rules import Verdict, evaluate

if TYPE_CHECKING:
    from aduan.parsers.classify.model import (
        Example,
        Model,
        ModelError,
        Scores,
        TrainResult,
        load_examples,
        load_model,
        save_model,
        seed_examples,
        train,
    )

# The model side pulls in scikit-learn, numpy and scipy (~100 MB, a second to import): only
# on first use, so the rules alone (every item the daemon classifies without a trained
# model) stay light.
_FROM_MODEL = frozenset(
    {
        "Example",
        "Model",
        "ModelError",
        "Scores",
        "TrainResult",
        "load_examples",
        "load_model",
        "save_model",
        "seed_examples",
        "train",
    }
)


def __getattr__(name: str) -> Any:
    if name in _FROM_MODEL:
        return getattr(importlib.import_module("aduan.parsers.classify.model"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Classification",
    "Example",
    "Lexicon",
    "LexiconError",
    "Model",
    "ModelError",
    "Scores",
    "TrainResult",
    "Verdict",
    "classify",
    "evaluate_text",
    "load_examples",
    "load_lexicon",
    "load_model",
    "save_model",
    "seed_examples",
    "train",
]


def evaluate_text(text: str, subject: str | None = None, lexicon: Lexicon | None = None) -> Verdict:
    """The rules alone on one item, with their per-target confidence (what `train` compares)."""
    lexicon = lexicon or load_lexicon()
    return evaluate(normalise_item(text, subject, lexicon.speller), lexicon)


def classify(
    text: str,
    subject: str | None = None,
    lexicon: Lexicon | None = None,
    model: Model | None = None,
) -> Classification:
    """What the item is, where it goes, whether it is urgent, and why. Never raises on text."""
    lexicon = lexicon or load_lexicon()
    norm = normalise_item(text, subject, lexicon.speller)
    verdict = evaluate(norm, lexicon)
    if model is None:
        return verdict.classification
    return model.combine(verdict, norm)
