"""A facility's own lexicon file, laid over the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from aduan.parsers.classify import LexiconError, classify, load_lexicon


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kamus.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_lexicon_is_compiled_once() -> None:
    assert load_lexicon() is load_lexicon()


def test_an_override_adds_cues_units_and_spellings_and_keeps_the_rest(tmp_path: Path) -> None:
    lexicon = load_lexicon(
        write(
            tmp_path,
            """
[normalise.words]
konsul = "konseling"

[unit.gizi]
"konseling gizi" = 4

[unit.farmasi]
"puyer racik" = 5
""",
        )
    )
    result = classify("jadwal konsul gizi kok lama", lexicon=lexicon)
    assert result.unit == "gizi"
    assert "'konseling gizi' → gizi" in result.reasons
    assert "gizi" in lexicon.units
    # The default's own cues are still there, in the table that was extended too.
    assert classify("antri lama di loket", lexicon=lexicon).unit == "pendaftaran"
    assert classify("apotek kasar", lexicon=lexicon).unit == "farmasi"


def test_an_override_replaces_a_weight_and_zero_removes_a_cue(tmp_path: Path) -> None:
    lexicon = load_lexicon(write(tmp_path, '[kind.keluhan]\n"=lama" = 0\n'))
    assert "'lama' → keluhan" in classify("antri lama").reasons
    assert "'lama' → keluhan" not in classify("antri lama", lexicon=lexicon).reasons

    lexicon = load_lexicon(write(tmp_path, "[unit.poli_gigi]\ngigi = 0.1\n"))
    assert classify("obat gigi", lexicon=lexicon).unit == "farmasi"


def test_a_negation_word_can_be_switched_off(tmp_path: Path) -> None:
    lexicon = load_lexicon(write(tmp_path, '[negation.words]\nkurang = "off"\n'))
    assert "'kurang ramah' → keluhan (negasi)" in classify("kurang ramah").reasons
    assert (
        "'kurang ramah' → keluhan (negasi)" not in classify("kurang ramah", lexicon=lexicon).reasons
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[kinds]\nx = 1\n", "unknown section [kinds]"),
        ("[kind.marah]\nx = 1\n", "unknown section [kind.marah]"),
        ('[unit.farmasi]\nobat = "banyak"\n', "unit.farmasi.obat must be a number"),
        ('[negation.words]\ntidak = "mungkin"\n', "negation.tidak must be one of"),
        ("[unit.farmasi\n", "kamus.toml"),
    ],
)
def test_a_broken_file_names_itself_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_a_missing_file_is_a_lexicon_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError):
        load_lexicon(tmp_path / "absent.toml")
