"""Learning beside the rules: train, judge by cross-validation, save, load, combine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import sklearn

from aduan.parsers.classification import Classification
from aduan.parsers.classify import (
    Example,
    ModelError,
    TrainResult,
    classify,
    load_examples,
    load_model,
    save_model,
    seed_examples,
    train,
)
from aduan.parsers.classify.model import (
    RECALL_TRADE,
    URGENT_PRECISION_MIN,
    Prediction,
    Scores,
    Thresholds,
    _choose_thresholds,
    beats,
    combine,
    score,
)
from aduan.parsers.classify.rules import Verdict

EXAMPLES = [
    Example(
        "obat puyer racikan untuk anak selalu tidak ada stoknya", None, "keluhan", "farmasi", False
    ),
    Example("petugas gizi menjelaskan menu dengan sabar", None, "pujian", "lainnya", False),
    Example("jadwal senam prolanis hari apa ya?", None, "pertanyaan", "poli_umum", False),
    Example("sebaiknya ada pojok baca di ruang tunggu", None, "saran", "kebersihan_sarana", False),
]


@pytest.fixture(scope="module")
def trained() -> TrainResult:
    return train(EXAMPLES, folds=3)


def test_the_seed_set_ships_with_the_package_and_is_well_formed() -> None:
    seed = seed_examples()
    assert len(seed) >= 150
    assert {e.kind for e in seed} == {"keluhan", "saran", "pujian", "pertanyaan", "lainnya"}
    assert any(e.urgent for e in seed)


def test_training_always_includes_the_seed_set_and_reports_both_scores(
    trained: TrainResult,
) -> None:
    # Fewer than 10 examples of its own: judged on the seed set plus them.
    assert len(trained.evaluated) == len(seed_examples()) + len(EXAMPLES)
    assert trained.candidate.meta.n_examples == len(trained.evaluated)
    assert trained.folds == 3
    for scores in (trained.rules, trained.combined):
        for value in (scores.kind_macro_f1, scores.unit_accuracy, scores.urgent_recall):
            assert 0.0 <= value <= 1.0
    assert trained.kept == (trained.combined.overall > trained.rules.overall)
    assert (trained.model is not None) == trained.kept
    assert len(trained.combined_predictions) == len(trained.evaluated)


def test_combination_never_loses_an_urgency_the_rules_found(trained: TrainResult) -> None:
    assert trained.combined.urgent_recall >= trained.rules.urgent_recall


def test_save_and_load_round_trip_with_versioned_metadata(
    trained: TrainResult, tmp_path: Path
) -> None:
    model = trained.candidate
    first = save_model(model, tmp_path)
    second = save_model(model, tmp_path)
    assert (first.name, second.name) == ("v1", "v2")
    meta = json.loads((second / "meta.json").read_text())
    assert meta["version"] == 2
    assert meta["format"] == 1
    assert meta["n_examples"] == len(trained.evaluated)
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["created"].endswith("+00:00")
    assert set(meta["scores"]) == {"rules", "combined"}
    assert "kind_macro_f1" in meta["scores"]["rules"]

    loaded = load_model(tmp_path)
    assert loaded.meta.version == 2
    assert load_model(tmp_path, version=1).meta.version == 1
    text = "obat puyer racikan anak saya tidak ada lagi"
    assert classify(text, model=loaded) == classify(text, model=model)
    assert loaded.predict([text]) == model.predict([text])


def test_loading_from_an_empty_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no saved classifier model"):
        load_model(tmp_path)


def test_a_save_of_another_format_is_refused(trained: TrainResult, tmp_path: Path) -> None:
    folder = save_model(trained.candidate, tmp_path)
    meta = json.loads((folder / "meta.json").read_text())
    (folder / "meta.json").write_text(json.dumps({**meta, "format": 99}))
    with pytest.raises(ModelError, match="format 99"):
        load_model(tmp_path)


def test_a_corrupt_save_is_a_model_error(trained: TrainResult, tmp_path: Path) -> None:
    folder = save_model(trained.candidate, tmp_path)
    (folder / "model.joblib").write_bytes(b"not a pickle")
    with pytest.raises(ModelError, match="cannot load"):
        load_model(tmp_path)


def test_classify_with_a_model_never_raises_on_bad_input(trained: TrainResult) -> None:
    for text in ("", "🙏", "x" * 1_000_000, "Is the clinic open?"):
        result = classify(text, model=trained.candidate)
        assert 0.0 <= result.confidence <= 1.0


def verdict(kind: str, unit: str, urgent: bool, kind_conf: float, unit_conf: float) -> Verdict:
    classification = Classification(kind, unit, urgent, 0.5, ("x",))
    return Verdict(classification, kind_conf, unit_conf)


def prediction(kind: str, unit: str, urgent_p: float, prob: float = 0.95) -> Prediction:
    return Prediction(kind, prob, unit, prob, urgent_p, ("lama",), ("obat",), ("pukul",))


def test_the_model_overrules_weak_rules_and_names_its_words() -> None:
    result = combine(
        verdict("lainnya", "lainnya", False, 0.1, 0.2),
        prediction("keluhan", "farmasi", 0.0),
        Thresholds(),
    )
    assert (result.kind, result.unit) == ("keluhan", "farmasi")
    assert "'obat' → farmasi (model)" in result.reasons
    assert "'lama' → keluhan (model)" in result.reasons


def test_the_model_does_not_overrule_confident_rules() -> None:
    result = combine(
        verdict("pujian", "poli_gigi", False, 0.9, 0.9),
        prediction("keluhan", "farmasi", 0.0),
        Thresholds(),
    )
    assert (result.kind, result.unit) == ("pujian", "poli_gigi")


def test_urgency_is_an_or_that_the_model_can_raise_but_never_lower() -> None:
    kept = combine(
        verdict("keluhan", "ugd", True, 0.95, 0.9),
        prediction("keluhan", "ugd", 0.0),
        Thresholds(),
    )
    assert kept.urgent
    raised = combine(
        verdict("keluhan", "ugd", False, 0.9, 0.9),
        prediction("keluhan", "ugd", 0.99),
        Thresholds(urgent_probability=0.6),
    )
    assert raised.urgent
    assert "'pukul' → mendesak (model)" in raised.reasons


def test_spam_found_by_the_rules_stays_spam() -> None:
    spam = Classification("lainnya", "lainnya", False, 0.8, ("'gacor' → spam (bukan aduan)",), True)
    result = combine(Verdict(spam, 0.8, 0.5), prediction("keluhan", "farmasi", 0.99), Thresholds())
    assert result == spam


def test_examples_load_from_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"text": "antri lama", "subject": null, "kind": "keluhan", "unit": "pendaftaran",'
        ' "urgent": false, "note": "ignored"}\n\n'
    )
    assert load_examples(path) == [Example("antri lama", None, "keluhan", "pendaftaran", False)]
    path.write_text('{"text": "x"}\n')
    with pytest.raises(ValueError, match=r"x\.jsonl:1"):
        load_examples(path)


def _urgency_case(
    urgent_ps: list[float], calm_ps: list[float], rules_found: int
) -> tuple[list[Example], list[Verdict], list[Prediction]]:
    """Examples with the model's urgency probabilities; the rules find the first few."""
    examples = [Example(f"u{i}", None, "keluhan", "ugd", True) for i in range(len(urgent_ps))]
    examples += [Example(f"c{i}", None, "keluhan", "ugd", False) for i in range(len(calm_ps))]
    verdicts = [verdict("keluhan", "ugd", i < rules_found, 0.9, 0.9) for i in range(len(urgent_ps))]
    verdicts += [verdict("keluhan", "ugd", False, 0.9, 0.9) for _ in calm_ps]
    predictions = [prediction("keluhan", "ugd", p) for p in [*urgent_ps, *calm_ps]]
    return examples, verdicts, predictions


def test_the_urgency_threshold_is_where_the_model_alone_still_finds_nearly_all() -> None:
    # The model by itself finds every urgent item from 0.3 on, and only 9 of 10 from 0.4:
    # its threshold is 0.3, even though the rules alone look perfect on half of them.
    urgent = [0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.95, 0.95, 0.99]
    calm = [0.05, 0.1, 0.1, 0.2, 0.3, 0.02, 0.05, 0.1, 0.15, 0.2]
    chosen = _choose_thresholds(*_urgency_case(urgent, calm, rules_found=5))
    assert chosen.urgent_probability == 0.3


def test_the_urgency_threshold_rises_until_the_alarms_are_mostly_right() -> None:
    # At the recall floor (0.3) half the alarms would be false: the lowest threshold that
    # keeps precision at URGENT_PRECISION_MIN is taken instead.
    urgent = [0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.95, 0.95, 0.99]
    calm = [0.3, 0.3, 0.4, 0.4, 0.45, 0.45, 0.5, 0.55, 0.6, 0.65]
    chosen = _choose_thresholds(*_urgency_case(urgent, calm, rules_found=0))
    examples, verdicts, predictions = _urgency_case(urgent, calm, rules_found=0)
    combined = [combine(v, p, chosen) for v, p in zip(verdicts, predictions, strict=True)]
    assert score(examples, combined).urgent_precision >= URGENT_PRECISION_MIN
    lower = replace(chosen, urgent_probability=round(chosen.urgent_probability - 0.1, 2))
    combined = [combine(v, p, lower) for v, p in zip(verdicts, predictions, strict=True)]
    assert score(examples, combined).urgent_precision < URGENT_PRECISION_MIN


def test_a_model_lifting_urgent_recall_toward_the_floor_beats_the_rules() -> None:
    rules = Scores(0.9, 0.9, 0.92, 1.0, 100)
    lifted = Scores(0.9, 0.9, 0.95, 0.80, 100)
    # A little lower overall (urgency counts as F2), but the recall the product needs.
    assert rules.overall - RECALL_TRADE <= lifted.overall < rules.overall
    assert beats(lifted, rules)
    # Not at any price: alarms mostly false, or the rules already at the floor.
    assert not beats(Scores(0.9, 0.9, 0.99, 0.40, 100), rules)
    at_floor = Scores(0.9, 0.9, 0.96, 0.95, 100)
    assert not beats(Scores(0.9, 0.9, 0.99, 0.75, 100), at_floor)
