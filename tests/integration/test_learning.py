"""The learning loop through the CLI: staff corrections → `aduan train` → later results."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import aduan, entries

VILLAGES = [
    "Sukamaju jarang ada di tempat",
    "Cibodas tutup padahal jam kerja",
    "Mekarsari tidak melayani sore hari",
    "Sindangsari kunci pintu siang",
    "Karangsari petugasnya sering telat",
    "Sukaresmi tidak ada obat sama sekali",
    "Cijati pelayanannya lama",
    "Margahayu kotor dan bau",
    "Pasirjaya bidannya pergi terus",
    "Babakan tidak buka hari Sabtu",
    "Sukamulya antriannya tidak teratur",
    "Cikalong petugas kasar",
]


def test_corrections_change_later_results_after_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "aduan.toml"
    config.write_text('[database]\nurl = "sqlite:///var/aduan.db"\n')
    new = "Pustu desa Cibeber sering tutup pagi"
    # The built-in lexicon does not know the village health posts (pustu).
    assert aduan(capsys, config, "--json", "classify", new).json()["unit"] != "administrasi"

    for n, text in enumerate(VILLAGES, 1):
        added = aduan(
            capsys, config, "register", "add", "--channel", "sms", "--text", f"Pustu desa {text}",
            "--received-at", f"2026-11-{n:02d}T08:00",
        )  # fmt: skip
        assert added.code == 0, added.err
    for entry in entries(capsys, config):
        fixed = aduan(capsys, config, "register", "correct", entry["register_no"],
                      "--kind", "keluhan", "--unit", "administrasi")  # fmt: skip
        assert fixed.code == 0, fixed.err

    trained = aduan(capsys, config, "--json", "train").json()
    assert trained["kept"] and trained["version"] == 1
    assert trained["rules_model"] > trained["rules"]
    assert (tmp_path / "var" / "berkas" / "model" / "v1").is_dir()

    after = aduan(capsys, config, "--json", "classify", new).json()
    assert after["unit"] == "administrasi"
    assert any("(model)" in reason for reason in after["reasons"])
