"""How the daemon finds its classifier: the lexicon from the config, the newest model."""

from __future__ import annotations

from pathlib import Path

import pytest

from aduan.daemon.config import Classification, Settings, Storage
from aduan.daemon.errors import ConfigError, ExitCode
from aduan.daemon.learning import current_spec


def test_the_newest_saved_model_version_is_used(tmp_path: Path) -> None:
    settings = Settings(storage=Storage(path=tmp_path))
    assert current_spec(settings).version is None  # no model yet: rules only
    for name in ("v1", "v3", "v10", "v2-broken", ".saving-x"):
        (tmp_path / "model" / name).mkdir(parents=True)
    (tmp_path / "model" / "v11").write_text("a file, not a saved model")
    assert current_spec(settings).version == 10


def test_rules_classify_without_a_model(tmp_path: Path) -> None:
    spec = current_spec(Settings(storage=Storage(path=tmp_path)))
    result = spec.classify("Obat di apotek sering kosong, saya harus beli di luar.")
    assert (result.kind, result.unit) == ("keluhan", "farmasi")
    assert "farmasi" in spec.units and "lainnya" in spec.units


def test_a_broken_facility_lexicon_is_a_config_error(tmp_path: Path) -> None:
    missing = Settings(
        storage=Storage(path=tmp_path),
        classification=Classification(lexicon=tmp_path / "leksikon.toml"),
    )
    with pytest.raises(ConfigError) as caught:
        current_spec(missing)
    assert "leksikon.toml" in str(caught.value) and caught.value.exit_code == ExitCode.USAGE

    (tmp_path / "ok.toml").write_text('[unit.pustu]\n"pustu" = 2\n')
    extended = Settings(
        storage=Storage(path=tmp_path),
        classification=Classification(lexicon=tmp_path / "ok.toml"),
    )
    assert "pustu" in current_spec(extended).units
