"""Scanned slips into the register through the real tesseract: the scan folder, `aduan scan`,
and a scanner's scan-to-email through the real Dovecot — one entry per slip, exactly once."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.mailcorpus import make_mail
from tests.servers.dovecot import Dovecot, ImapAccount
from tests.slipgen import SlipSpec, cer, generate, load_corpus, multipage_tiff, pdf
from tests.support import SimulatedCrash, aduan, entries, write_config

SCANNER = "scanner@puskesmas.example.id"
SCANS = f"""
[scans]
inbox = "masuk"
done = "selesai"
quarantine = "karantina"
settle_seconds = 0
senders = ["{SCANNER}"]
"""


@pytest.fixture(scope="module")
def corpus() -> dict[str, SlipSpec]:
    return {spec.id: spec for spec in load_corpus()}


def by_category(corpus: dict[str, SlipSpec], category: str) -> list[SlipSpec]:
    return [spec for spec in corpus.values() if spec.category == category]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, extra=SCANS)


def drop(config: Path, name: str, data: bytes) -> None:
    inbox = config.parent / "masuk"
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_bytes(data)


def slips(capsys: pytest.CaptureFixture[str], config: Path) -> list[dict[str, Any]]:
    return [e for e in entries(capsys, config) if e["channel"] == "kotak_saran"]


def test_a_folder_of_mixed_scans_gives_one_entry_per_real_slip_exactly_once(
    config: Path, corpus: dict[str, SlipSpec], capsys: pytest.CaptureFixture[str]
) -> None:
    clean = by_category(corpus, "clean")
    blank = by_category(corpus, "blank")[0]
    upside_down = by_category(corpus, "upside_down")[0]
    drop(config, "bersih.png", generate(clean[0]))
    drop(config, "miring.jpg", generate(replace(clean[1], rotation=4.0, format="jpeg")))
    drop(config, "terbalik.png", generate(upside_down))
    drop(config, "kosong.png", generate(blank))
    drop(config, "tumpukan.tif", multipage_tiff([clean[2], blank, clean[3]]))
    drop(config, "dua.pdf", pdf([clean[4], clean[5]]))
    drop(config, "rusak.png", generate(clean[6])[:5000])
    drop(config, "nol.jpg", b"")
    drop(config, "catatan.txt", b"bukan gambar")

    first = aduan(capsys, config, "run", "--once")
    assert first.code == 0, first.err
    registered = slips(capsys, config)
    assert len(registered) == 7  # 3 single images, 2 of the TIFF's 3 pages, 2 PDF pages
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(slips(capsys, config)) == 7

    source_ids = {e["source_id"] for e in registered}
    assert sum(1 for s in source_ids if s.endswith("#p1")) == 2  # the TIFF and the PDF
    assert sum(1 for s in source_ids if s.endswith("#p3")) == 1  # the TIFF's page 2 was blank
    assert sorted(os.listdir(config.parent / "selesai")) == [
        "bersih.png",
        "dua.pdf",
        "kosong.png",
        "miring.jpg",
        "terbalik.png",
        "tumpukan.tif",
    ]
    assert sorted(os.listdir(config.parent / "karantina")) == [
        "catatan.txt",
        "nol.jpg",
        "rusak.png",
    ]
    assert os.listdir(config.parent / "masuk") == []

    listed = aduan(capsys, config, "quarantine", "list", "--json").json()
    reasons = {item["ref"]: item["reason"] for item in listed}
    assert set(reasons) == {"catatan.txt", "nol.jpg", "rusak.png"}
    assert "empty" in reasons["nol.jpg"]
    status = aduan(capsys, config, "status", "--json").json()
    assert status["quarantine"] == 3
    assert status["blank_pages"] == 2  # kosong.png and the TIFF's middle page

    texts = {e["text"] for e in registered}
    for spec in (clean[0], clean[1], upside_down, clean[2], clean[3], clean[4], clean[5]):
        best = min(cer(spec.body, text) for text in texts)
        assert best <= 0.05, (spec.id, best)
    shown = aduan(
        capsys,
        config,
        "register",
        "show",
        _entry_for(registered, clean[0])["register_no"],
        "--json",
    ).json()
    assert shown["reporter"]["name"] == clean[0].name
    assert shown["reporter"]["contact"] == clean[0].contact
    assert shown["slip_date"] == clean[0].date
    assert shown["ocr_confidence"] > 0.8
    assert shown["files"][0]["content_type"] == "image/png"
    assert any(e["type"] == "ocr" for e in shown["events"])
    tiff_entries = [
        e
        for e in registered
        if e["source_id"].endswith(("#p1", "#p3")) and e["files"][0]["content_type"] == "image/tiff"
    ]
    assert len(tiff_entries) == 2
    for entry in tiff_entries:
        detail = aduan(capsys, config, "register", "show", entry["register_no"], "--json").json()
        assert any(e["type"] == "blank_page" for e in detail["events"])
        (image,) = detail["review"]["images"]
        assert image["filename"] == "tumpukan.tif"
        assert image["page"] == int(entry["source_id"].rsplit("#p", 1)[1])


def _entry_for(registered: list[dict[str, Any]], spec: SlipSpec) -> dict[str, Any]:
    return min(registered, key=lambda e: cer(spec.body, e["text"]))


def test_a_crash_before_the_file_is_moved_registers_it_once(
    config: Path,
    corpus: dict[str, SlipSpec],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clean = by_category(corpus, "clean")
    drop(config, "dua.pdf", pdf([clean[0], clean[1]]))

    def crash(*_args: object) -> None:
        raise SimulatedCrash

    with monkeypatch.context() as patch:
        patch.setattr("aduan.daemon.sources.scans.shutil.move", crash)
        with pytest.raises(SimulatedCrash):
            aduan(capsys, config, "run", "--once")
    assert len(slips(capsys, config)) == 2
    assert (config.parent / "masuk" / "dua.pdf").exists()
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(slips(capsys, config)) == 2
    assert (config.parent / "selesai" / "dua.pdf").exists()


def test_a_file_still_being_written_waits(
    tmp_path: Path, corpus: dict[str, SlipSpec], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path, extra=SCANS.replace("settle_seconds = 0", "settle_seconds = 60")
    )
    drop(config, "baru.png", generate(by_category(corpus, "clean")[0]))
    assert aduan(capsys, config, "run", "--once").code == 0
    assert slips(capsys, config) == []
    assert (config.parent / "masuk" / "baru.png").exists()
    old = (config.parent / "masuk" / "baru.png").stat().st_mtime - 120
    os.utime(config.parent / "masuk" / "baru.png", (old, old))
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(slips(capsys, config)) == 1


def test_scan_command_registers_once_and_quarantines_bad_files(
    config: Path, tmp_path: Path, corpus: dict[str, SlipSpec], capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "slip.jpg"
    good.write_bytes(generate(replace(by_category(corpus, "clean")[2], format="jpeg")))
    bad = tmp_path / "rahasia.pdf"
    bad.write_bytes(b"%PDF-1.4\n%garbage that is no PDF\n")

    first = aduan(capsys, config, "scan", str(good), str(bad))
    assert first.code == 1  # a file could not be read: said so, and the rest went on
    assert "slip.jpg" in first.out and "rahasia.pdf" in first.out
    assert "quarantine list" in first.err
    assert len(slips(capsys, config)) == 1
    assert good.exists() and bad.exists()  # the command leaves the person's files alone

    again = aduan(capsys, config, "--json", "scan", str(good))
    assert again.code == 0
    (result,) = again.json()
    assert result["outcome"] == "duplicate"
    assert len(slips(capsys, config)) == 1
    (item,) = aduan(capsys, config, "quarantine", "list", "--json").json()
    assert item["ref"].endswith("rahasia.pdf")
    retry = aduan(capsys, config, "quarantine", "retry", str(item["id"]))
    assert retry.code != 0


def test_doubtful_reads_are_reviewed_and_a_corrected_text_keeps_both_versions(
    config: Path, tmp_path: Path, corpus: dict[str, SlipSpec], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = replace(
        by_category(corpus, "clean")[0],
        body="Ok.",
        name=None,
        contact=None,
        contact_written=None,
        address=None,
    )
    path = tmp_path / "pendek.png"
    path.write_bytes(generate(spec))
    assert aduan(capsys, config, "scan", str(path)).code == 0
    (doubtful,) = aduan(capsys, config, "review", "--json").json()
    assert doubtful["review"]["needed"] is True
    assert doubtful["review"]["reason"]
    assert doubtful["review"]["images"][0]["filename"] == "pendek.png"
    listing = aduan(capsys, config, "review")
    assert doubtful["register_no"] in listing.out
    assert "pendek.png" in listing.out

    fixed = "Pasien ditolak di UGD padahal sesak napas, tolong segera ditindak."
    no = doubtful["register_no"]
    result = aduan(capsys, config, "register", "correct", no, "--text", fixed, "--by", "Rina")
    assert result.code == 0, result.err
    assert aduan(capsys, config, "review", "--json").json() == []
    shown = aduan(capsys, config, "register", "show", no, "--json").json()
    assert shown["text"] == fixed
    assert shown["review"]["needed"] is False
    (change,) = [e for e in shown["events"] if e["type"] == "text_corrected"]
    assert doubtful["text"] in change["detail"] and fixed in change["detail"]
    assert change["by"] == "Rina"
    assert shown["urgent"] is True  # classified again on the corrected text
    assert not any(e["type"] == "corrected" for e in shown["events"])  # not training data


def test_scan_to_email_becomes_one_entry_per_slip_exactly_once(
    dovecot: Dovecot,
    imap_account: ImapAccount,
    tmp_path: Path,
    corpus: dict[str, SlipSpec],
    capsys: pytest.CaptureFixture[str],
) -> None:
    acct = imap_account
    clean = by_category(corpus, "clean")
    scanner_mail = make_mail(
        subject="Scan from MFP",
        body="Scanned document attached.",
        sender=f"Scanner <{SCANNER}>",
        attachments=[
            (
                "scan0001.pdf",
                "application/pdf",
                pdf([clean[0], clean[1], by_category(corpus, "blank")[0]]),
            ),
            ("scan0002.jpg", "image/jpeg", generate(replace(clean[2], format="jpeg"))),
        ],
    )
    photo_mail = make_mail(
        subject="Toilet rusak",
        body="Lihat foto terlampir.",
        attachments=[("foto.png", "image/png", generate(by_category(corpus, "blank")[0]))],
    )
    dovecot.append(acct.user, acct.password, [scanner_mail, photo_mail])
    config = write_config(tmp_path, acct, extra=SCANS)

    first = aduan(capsys, config, "run", "--once")
    assert first.code == 0, first.err
    registered = entries(capsys, config)
    kotak = [e for e in registered if e["channel"] == "kotak_saran"]
    mail = [e for e in registered if e["channel"] == "email"]
    assert len(kotak) == 3  # two PDF pages (the third is blank) and the JPEG
    assert len(mail) == 1 and mail[0]["subject"] == "Toilet rusak"  # a photo is no slip
    assert all(e["reporter"]["contact"] != SCANNER for e in kotak)
    for spec in clean[:3]:
        assert min(cer(spec.body, e["text"]) for e in kotak) <= 0.05

    # The same scan dropped in the folder later is recognised: still one entry per slip.
    drop(config, "scan0002.jpg", generate(replace(clean[2], format="jpeg")))
    assert aduan(capsys, config, "run", "--once").code == 0
    assert len(entries(capsys, config)) == 4
