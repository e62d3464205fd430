"""Learning from the register's corrected entries: a linear text model beside the rules.

One TF-IDF representation (word 1-2-grams and character 2-5-grams of the normalised text)
feeds three logistic regressions: kind, unit, urgent. `train` cross-validates the rules alone
and the rules with the model, and keeps the model only when the combination scores better.

How the two combine (`Model.combine`): the rules decide, the model overrules kind or unit
only where it is confident and the rules are not; urgency is an OR, so the model can raise
an alarm the rules missed but never silence one they raised. Urgency errs toward recall: the
model's urgency threshold is the one that, in cross-validation, keeps urgent recall at
`URGENT_RECALL_FLOOR` or above with the fewest false alarms, as low as the data need.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion

from aduan.parsers.classification import Classification
from aduan.parsers.classify.lexicon import Lexicon, load_lexicon
from aduan.parsers.classify.normalise import Normalised, normalise_item
from aduan.parsers.classify.rules import Verdict, evaluate, join_reasons, overall_confidence

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the saved layout changes; older saves are then refused, not misread
KINDS = ("keluhan", "saran", "pujian", "pertanyaan", "lainnya")
_VERSION_DIR = re.compile(r"^v(\d+)$")
_WORD_FEATURE = re.compile(r"^[a-z][a-z0-9']+(?: [a-z][a-z0-9']+)?$")

RulesFn = Callable[[str, str | None], Verdict]

# Missing an urgent complaint is the worst error: in cross-validation, rules + model must
# find at least this share of the urgent items, if any threshold gets there...
URGENT_RECALL_FLOOR = 0.95
# ...while at least this share of the alarms the combination raises are right (the issue's
# target: recall first, at a precision of 0.7 or more).
URGENT_PRECISION_MIN = 0.7
# How much the overall score may drop for a model that lifts urgent recall toward the floor.
RECALL_TRADE = 0.01
_URGENT_GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


class ModelError(RuntimeError):
    """A saved model cannot be used (missing, another format, unreadable); retrain."""


@dataclass(frozen=True)
class Example:
    """One labelled item: what the register holds after staff corrected it."""

    text: str
    subject: str | None
    kind: str
    unit: str
    urgent: bool


@dataclass(frozen=True)
class Scores:
    kind_macro_f1: float
    unit_accuracy: float
    urgent_recall: float
    urgent_precision: float
    n: int

    @property
    def overall(self) -> float:
        """What `train` compares: kind F1, unit accuracy and urgency F2 (recall counts double)."""
        p, r = self.urgent_precision, self.urgent_recall
        f2 = 5 * p * r / (4 * p + r) if p + r > 0 else 0.0
        return (self.kind_macro_f1 + self.unit_accuracy + f2) / 3


@dataclass(frozen=True)
class Thresholds:
    """When the model may overrule the rules (chosen on cross-validation in `train`)."""

    kind_probability: float = 0.6  # the model at least this sure of its kind...
    kind_rules_below: float = 0.5  # ...and the rules less sure than this of theirs
    unit_probability: float = 0.5
    unit_rules_below: float = 0.4
    urgent_probability: float = 0.6  # the model alone raises urgency from this probability


@dataclass(frozen=True)
class ModelMeta:
    format: int
    version: int  # set by `save_model`; 0 until saved
    created: str  # ISO 8601, UTC
    n_examples: int
    sklearn_version: str
    thresholds: Thresholds
    scores: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    kind: str
    kind_probability: float
    unit: str
    unit_probability: float
    urgent_probability: float
    kind_words: tuple[str, ...]
    unit_words: tuple[str, ...]
    urgent_words: tuple[str, ...]


class _Target:
    """One classifier over the shared features; a constant when training saw one class."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.classes = sorted(set(labels))
        self.estimator: LogisticRegression | None = None
        if len(self.classes) > 1:
            # saga: several times faster than lbfgs on these wide, sparse, small matrices.
            self.estimator = LogisticRegression(
                C=10.0, class_weight="balanced", solver="saga", max_iter=3000, random_state=0
            )

    def fit(self, features: Any, labels: Sequence[str]) -> _Target:
        if self.estimator is not None:
            self.estimator.fit(features, list(labels))
        return self

    def probabilities(self, features: Any) -> np.ndarray:
        if self.estimator is None:
            return np.ones((features.shape[0], 1))
        result: np.ndarray = self.estimator.predict_proba(features)
        return result

    def labels(self) -> list[str]:
        if self.estimator is None:
            return list(self.classes)
        return [str(label) for label in self.estimator.classes_]

    def top_words(self, row: Any, label: str, names: np.ndarray, n_word: int) -> tuple[str, ...]:
        """The word features of `row` that pushed hardest toward `label`."""
        if self.estimator is None:
            return ()
        coef = self.estimator.coef_
        if coef.shape[0] == 1:  # binary: one row of weights, for the second class
            weights = coef[0] if label == self.estimator.classes_[1] else -coef[0]
        else:
            weights = coef[list(self.estimator.classes_).index(label)]
        row = row.tocsr()
        ranked = sorted(
            (
                (row.data[k] * weights[index], str(names[index]))
                for k, index in enumerate(row.indices)
                if index < n_word
            ),
            reverse=True,
        )
        words = [name for value, name in ranked if value > 0 and _WORD_FEATURE.match(name)]
        return tuple(words[:2])


class Model:
    """The trained text model; build with `train`, keep with `save_model` / `load_model`."""

    def __init__(
        self,
        features: FeatureUnion,
        kind: _Target,
        unit: _Target,
        urgent: _Target,
        meta: ModelMeta,
    ) -> None:
        self.features = features
        self.kind = kind
        self.unit = unit
        self.urgent = urgent
        self.meta = meta
        self._names: np.ndarray = features.transformer_list[0][1].get_feature_names_out()

    @classmethod
    def fit(cls, texts: Sequence[str], examples: Sequence[Example], meta: ModelMeta) -> Model:
        features = _features()
        matrix = features.fit_transform(list(texts))
        return cls(
            features,
            _Target([e.kind for e in examples]).fit(matrix, [e.kind for e in examples]),
            _Target([e.unit for e in examples]).fit(matrix, [e.unit for e in examples]),
            _Target([_flag(e.urgent) for e in examples]).fit(
                matrix, [_flag(e.urgent) for e in examples]
            ),
            meta,
        )

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions for normalised texts (`Normalised.text`), in one vectorised pass."""
        if not texts:
            return []
        matrix = self.features.transform(list(texts)).tocsr()
        n_word = len(self._names)
        out: list[Prediction] = []
        kinds, units = self.kind.probabilities(matrix), self.unit.probabilities(matrix)
        urgent = self.urgent.probabilities(matrix)
        kind_labels, unit_labels = self.kind.labels(), self.unit.labels()
        urgent_labels = self.urgent.labels()
        for i in range(matrix.shape[0]):
            row = matrix[i]
            k, u = int(np.argmax(kinds[i])), int(np.argmax(units[i]))
            urgent_p = float(urgent[i][urgent_labels.index("1")]) if "1" in urgent_labels else 0.0
            out.append(
                Prediction(
                    kind=kind_labels[k],
                    kind_probability=float(kinds[i][k]),
                    unit=unit_labels[u],
                    unit_probability=float(units[i][u]),
                    urgent_probability=urgent_p,
                    kind_words=self.kind.top_words(row, kind_labels[k], self._names, n_word),
                    unit_words=self.unit.top_words(row, unit_labels[u], self._names, n_word),
                    urgent_words=(
                        self.urgent.top_words(row, "1", self._names, n_word)
                        if urgent_p >= self.meta.thresholds.urgent_probability
                        else ()
                    ),
                )
            )
        return out

    def combine(self, verdict: Verdict, norm: Normalised) -> Classification:
        """The rules' verdict, overruled where this model is sure and the rules are not."""
        return combine(verdict, self.predict([norm.text])[0], self.meta.thresholds)

    def __repr__(self) -> str:
        return f"Model(v{self.meta.version}, {self.meta.n_examples} examples)"


def combine(verdict: Verdict, prediction: Prediction, thresholds: Thresholds) -> Classification:
    """Rules + model; see the module doc for the policy."""
    rules = verdict.classification
    if rules.spam:
        return rules
    kind, kind_conf, kind_reasons = rules.kind, verdict.kind_confidence, verdict.kind_reasons
    if (
        not rules.urgent
        and prediction.kind != rules.kind
        and prediction.kind_probability >= thresholds.kind_probability
        and verdict.kind_confidence < thresholds.kind_rules_below
    ):
        kind, kind_conf = prediction.kind, prediction.kind_probability
        kind_reasons = _model_reasons(prediction.kind_words, kind)
    elif prediction.kind == rules.kind:
        kind_conf = max(kind_conf, prediction.kind_probability)

    unit, unit_conf, unit_reasons = rules.unit, verdict.unit_confidence, verdict.unit_reasons
    if (
        prediction.unit != rules.unit
        and prediction.unit_probability >= thresholds.unit_probability
        and (rules.unit == "lainnya" or verdict.unit_confidence < thresholds.unit_rules_below)
    ):
        unit, unit_conf = prediction.unit, prediction.unit_probability
        unit_reasons = _model_reasons(prediction.unit_words, unit.replace("_", " "))
    elif prediction.unit == rules.unit:
        unit_conf = max(unit_conf, prediction.unit_probability)

    urgent, urgent_reasons = rules.urgent, verdict.urgent_reasons
    if (
        not urgent
        and kind in ("keluhan", "lainnya")
        and prediction.urgent_probability >= thresholds.urgent_probability
    ):
        urgent, kind = True, "keluhan"
        urgent_reasons = _model_reasons(prediction.urgent_words, "mendesak") or (
            "mendesak (model)",
        )
    return replace(
        rules,
        kind=kind,
        unit=unit,
        urgent=urgent,
        confidence=overall_confidence(kind_conf, unit_conf),
        reasons=join_reasons(unit_reasons, kind_reasons, urgent_reasons),
    )


def _model_reasons(words: Iterable[str], label: str) -> tuple[str, ...]:
    return tuple(f"'{word}' → {label} (model)" for word in words)


def _features() -> FeatureUnion:
    # Word n-grams carry meaning and name the reasons; character n-grams survive the
    # misspellings and affixes the normaliser did not catch. Word features come first so
    # their indices can be told apart when naming reasons.
    return FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    analyzer="word",
                    token_pattern=r"[^ ]+",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
        ]
    )


def _flag(urgent: bool) -> str:
    return "1" if urgent else "0"


@dataclass(frozen=True)
class TrainResult:
    """A trained model and the cross-validated evidence on whether to use it."""

    model: Model | None  # None when the rules alone scored as well or better
    candidate: Model  # the trained model, kept or not, for inspection
    rules: Scores
    combined: Scores
    kept: bool
    folds: int
    evaluated: tuple[Example, ...]  # the items the scores are over, in order
    rules_predictions: tuple[Classification, ...]
    combined_predictions: tuple[Classification, ...]


def seed_examples() -> list[Example]:
    """The examples shipped with the package, which every training includes."""
    text = files("aduan.parsers.classify").joinpath("seed.jsonl").read_text(encoding="utf-8")
    return list(_parse_examples(text.splitlines(), "seed.jsonl"))


def load_examples(path: Path) -> list[Example]:
    """Examples from a JSONL file: one object per line with text, subject, kind, unit, urgent."""
    return list(_parse_examples(path.read_text(encoding="utf-8").splitlines(), str(path)))


def _parse_examples(lines: Iterable[str], source: str) -> Iterable[Example]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            yield Example(
                text=str(item["text"]),
                subject=item.get("subject") or None,
                kind=str(item["kind"]),
                unit=str(item["unit"]),
                urgent=bool(item["urgent"]),
            )
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{source}:{number}: not an example ({err})") from err


def train(
    examples: Sequence[Example],
    rules_classify: RulesFn | None = None,
    *,
    lexicon: Lexicon | None = None,
    folds: int = 5,
    seed: int = 0,
    now: datetime | None = None,
) -> TrainResult:
    """Fit the model on the seed set plus `examples` and judge it by cross-validation.

    The scores are over `examples` (over the seed set when fewer than 10 are given): each
    fold trains on the seed set and the other folds. `rules_classify` is the rules the model
    would sit beside (default: the rules with `lexicon`); `lexicon` also normalises the text
    for the model, as `classify` does. Thresholds for overruling are chosen on the same
    folds from a small grid, so the combined score is slightly optimistic; the holdout of
    `bench/classify_eval.py` is the honest figure.
    """
    lexicon = lexicon or load_lexicon()
    rules = rules_classify or _default_rules(lexicon)
    seed_set = seed_examples()
    given = _dedupe(examples)
    if len(given) >= 10:
        evaluated, always = given, _dedupe(seed_set, exclude=given)
    else:
        evaluated, always = _dedupe([*seed_set, *given]), []
    texts = {e: _model_text(e, lexicon) for e in [*evaluated, *always]}
    verdicts = [rules(e.text, e.subject) for e in evaluated]

    splits, n_folds = _splits(evaluated, folds, seed)
    predictions: list[Prediction | None] = [None] * len(evaluated)
    meta = _meta(0, Thresholds(), now)
    for train_idx, test_idx in splits:
        fold_train = [*always, *(evaluated[i] for i in train_idx)]
        model = Model.fit([texts[e] for e in fold_train], fold_train, meta)
        for i, prediction in zip(
            test_idx, model.predict([texts[evaluated[i]] for i in test_idx]), strict=True
        ):
            predictions[i] = prediction
    done = [p for p in predictions if p is not None]

    rules_predictions = tuple(v.classification for v in verdicts)
    rules_scores = score(evaluated, rules_predictions)
    thresholds = _choose_thresholds(evaluated, verdicts, done) if done else Thresholds()
    combined_predictions = (
        tuple(combine(v, p, thresholds) for v, p in zip(verdicts, done, strict=True))
        if len(done) == len(evaluated)
        else rules_predictions
    )
    combined_scores = score(evaluated, combined_predictions)
    kept = len(done) == len(evaluated) and beats(combined_scores, rules_scores)

    everything = [*always, *evaluated]
    final_meta = replace(
        _meta(len(everything), thresholds, now),
        scores={"rules": _score_dict(rules_scores), "combined": _score_dict(combined_scores)},
    )
    final = Model.fit([texts[e] for e in everything], everything, final_meta)
    log.info(
        "trained classifier on %d examples: rules %.3f, rules+model %.3f, %s",
        len(everything),
        rules_scores.overall,
        combined_scores.overall,
        "kept" if kept else "not kept",
    )
    return TrainResult(
        model=final if kept else None,
        candidate=final,
        rules=rules_scores,
        combined=combined_scores,
        kept=kept,
        folds=n_folds,
        evaluated=tuple(evaluated),
        rules_predictions=rules_predictions,
        combined_predictions=combined_predictions,
    )


def _default_rules(lexicon: Lexicon) -> RulesFn:
    def rules(text: str, subject: str | None) -> Verdict:
        return evaluate(normalise_item(text, subject, lexicon.speller), lexicon)

    return rules


def _model_text(example: Example, lexicon: Lexicon) -> str:
    return normalise_item(example.text, example.subject, lexicon.speller).text


def _dedupe(examples: Iterable[Example], exclude: Iterable[Example] = ()) -> list[Example]:
    # The same text twice would sit on both sides of a fold and flatter the model.
    seen = {(e.subject, e.text) for e in exclude}
    out: list[Example] = []
    for example in examples:
        key = (example.subject, example.text)
        if key not in seen:
            seen.add(key)
            out.append(example)
    return out


def _splits(
    examples: Sequence[Example], folds: int, seed: int
) -> tuple[list[tuple[list[int], list[int]]], int]:
    """Stratified by kind where every kind has enough items, else plain shuffled folds."""
    n = len(examples)
    if n < 4:
        return [], 0
    kinds = [e.kind for e in examples]
    smallest = min(kinds.count(k) for k in set(kinds))
    n_folds = min(folds, n)
    indices = np.arange(n)
    if smallest >= 2 and len(set(kinds)) > 1:
        n_folds = min(n_folds, smallest)
        splitter: Any = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        split = splitter.split(indices, kinds)
    else:
        split = KFold(n_splits=n_folds, shuffle=True, random_state=seed).split(indices)
    return [(list(a), list(b)) for a, b in split], n_folds


def beats(combined: Scores, rules: Scores) -> bool:
    """Whether rules + model do better than the rules alone, recall first: a better overall
    score, or urgent items found that the rules miss while they are below the recall floor,
    at a tolerable precision and at almost no cost elsewhere."""
    if combined.overall > rules.overall:
        return True
    return (
        rules.urgent_recall < URGENT_RECALL_FLOOR
        and combined.urgent_recall > rules.urgent_recall
        and combined.urgent_precision >= URGENT_PRECISION_MIN
        and combined.overall >= rules.overall - RECALL_TRADE
    )


def _choose_thresholds(
    examples: Sequence[Example], verdicts: Sequence[Verdict], predictions: Sequence[Prediction]
) -> Thresholds:
    """Kind first (the best grid point), then urgency (recall floor first), then unit."""

    def scores(candidate: Thresholds) -> Scores:
        combined = [combine(v, p, candidate) for v, p in zip(verdicts, predictions, strict=True)]
        return score(examples, combined)

    # 1.01 is "never": the model then does not act on that target at all.
    best = Thresholds(1.01, 0.0, 1.01, 0.0, 1.01)
    best_score = scores(best).overall
    for kind_p in (0.5, 0.6, 0.7, 0.8, 0.9):
        for kind_rules in (0.3, 0.5, 0.7, 0.9):
            candidate = replace(best, kind_probability=kind_p, kind_rules_below=kind_rules)
            if (value := scores(candidate).overall) > best_score + 1e-9:
                best, best_score = candidate, value

    best = _choose_urgent(best, scores, examples, predictions)
    best_score = scores(best).overall
    kind_best = best
    for unit_p in (0.5, 0.6, 0.7, 0.8, 0.9):
        for unit_rules in (0.3, 0.5, 0.7, 0.9):
            candidate = replace(kind_best, unit_probability=unit_p, unit_rules_below=unit_rules)
            if (value := scores(candidate).overall) > best_score + 1e-9:
                best, best_score = candidate, value
    return best


def _choose_urgent(
    base: Thresholds,
    scores: Callable[[Thresholds], Scores],
    examples: Sequence[Example],
    predictions: Sequence[Prediction],
) -> Thresholds:
    """The urgency threshold, recall first.

    The highest threshold at which the model by itself, in cross-validation, still finds
    `URGENT_RECALL_FLOOR` of the urgent items: a safety net that does not rely on the rules,
    whose figures on the examples they were written from are optimistic. If the combination
    then raises too many false alarms (precision under `URGENT_PRECISION_MIN`), the lowest
    threshold that keeps that precision instead; if none does, the model leaves urgency alone.
    """
    actual = sum(1 for e in examples if e.urgent)
    if actual == 0:
        return base

    def own_recall(p: float) -> float:
        found = sum(
            1
            for e, pr in zip(examples, predictions, strict=True)
            if e.urgent and pr.urgent_probability >= p
        )
        return found / actual

    reaching = [p for p in _URGENT_GRID if own_recall(p) >= URGENT_RECALL_FLOOR]
    start = max(reaching, default=min(_URGENT_GRID))
    for p in sorted(q for q in _URGENT_GRID if q >= start):
        candidate = replace(base, urgent_probability=p)
        if scores(candidate).urgent_precision >= URGENT_PRECISION_MIN:
            return candidate
    return base


def score(examples: Sequence[Example], predictions: Sequence[Classification]) -> Scores:
    """Kind macro-F1 (over the kinds seen in truth or prediction), unit accuracy, urgency."""
    n = len(examples)
    if n == 0:
        return Scores(0.0, 0.0, 0.0, 0.0, 0)
    truth = [e.kind for e in examples]
    guess = [p.kind for p in predictions]
    f1s = []
    for label in sorted(set(truth) | set(guess)):
        tp = sum(1 for t, g in zip(truth, guess, strict=True) if t == g == label)
        fp = sum(1 for t, g in zip(truth, guess, strict=True) if g == label != t)
        fn = sum(1 for t, g in zip(truth, guess, strict=True) if t == label != g)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    units = sum(1 for e, p in zip(examples, predictions, strict=True) if e.unit == p.unit)
    tp = sum(1 for e, p in zip(examples, predictions, strict=True) if e.urgent and p.urgent)
    predicted = sum(1 for p in predictions if p.urgent)
    actual = sum(1 for e in examples if e.urgent)
    return Scores(
        kind_macro_f1=sum(f1s) / len(f1s),
        unit_accuracy=units / n,
        urgent_recall=tp / actual if actual else 1.0,
        urgent_precision=tp / predicted if predicted else 1.0,
        n=n,
    )


def _score_dict(scores: Scores) -> dict[str, float]:
    values = {k: round(float(v), 4) for k, v in asdict(scores).items()}
    values["overall"] = round(scores.overall, 4)
    return values


def _meta(n_examples: int, thresholds: Thresholds, now: datetime | None) -> ModelMeta:
    created = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return ModelMeta(FORMAT, 0, created, n_examples, sklearn.__version__, thresholds)


def save_model(model: Model, directory: Path) -> Path:
    """Save `model` as the next version under `directory` (v1, v2, …); returns its folder.

    Earlier versions stay, so a bad model can be rolled back by deleting its folder.
    """
    directory.mkdir(parents=True, exist_ok=True)
    version = max(saved_versions(directory), default=0) + 1
    meta = replace(model.meta, version=version)
    # Written beside and renamed into place: a crash never leaves a half-written version.
    staging = Path(tempfile.mkdtemp(prefix=".saving-", dir=directory))
    try:
        payload = {
            "features": model.features,
            "kind": model.kind,
            "unit": model.unit,
            "urgent": model.urgent,
        }
        joblib.dump(payload, staging / "model.joblib", compress=3)
        (staging / "meta.json").write_text(
            json.dumps(asdict(meta), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        target = directory / f"v{version}"
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    model.meta = meta
    return target


def load_model(directory: Path, version: int | None = None) -> Model:
    """The newest saved model under `directory` (or `version`).

    The file is a pickle: load only models this installation saved itself.
    """
    versions = sorted(saved_versions(directory))
    if not versions:
        raise ModelError(f"{directory}: no saved classifier model")
    chosen = versions[-1] if version is None else version
    folder = directory / f"v{chosen}"
    try:
        raw = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            raise ModelError(f"{folder}: model format {raw.get('format')}, expected {FORMAT}")
        meta = ModelMeta(**{**raw, "thresholds": Thresholds(**raw["thresholds"])})
        if meta.sklearn_version != sklearn.__version__:
            log.warning(
                "classifier model %s was saved with scikit-learn %s, running %s",
                folder,
                meta.sklearn_version,
                sklearn.__version__,
            )
        payload = joblib.load(folder / "model.joblib")
        return Model(payload["features"], payload["kind"], payload["unit"], payload["urgent"], meta)
    except ModelError:
        raise
    except Exception as err:  # unpickling can fail in any way a changed library allows
        raise ModelError(f"{folder}: cannot load classifier model ({err})") from err


def saved_versions(directory: Path) -> list[int]:
    """The model versions saved under `directory` (v1, v2, …), in no particular order."""
    if not directory.is_dir():
        return []
    found = (_VERSION_DIR.match(path.name) for path in directory.iterdir() if path.is_dir())
    return [int(m.group(1)) for m in found if m]
