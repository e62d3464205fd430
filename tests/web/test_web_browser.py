"""End to end in a real browser: `aduan web` (uvicorn) on loopback, Debian's chromium driven
by Playwright. A slip is scanned for real (`aduan scan`, tesseract), corrected from the review
queue, given an RTL and an answer; the register says so afterwards. Screenshots of the main
pages, on a desktop and a phone, are kept in build/screenshots/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.servers.net import LOOPBACK, free_port, wait_for_port
from tests.slipgen import generate, load_corpus
from tests.support import aduan

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "sandi-panjang-untuk-uji"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _missing(message: str) -> None:
    if "CI" in os.environ:  # a CI run that skips the browser would look green
        pytest.fail(f"{message}, and CI is set", pytrace=False)
    pytest.skip(message)


@dataclass
class Console:
    url: str
    config: Path
    slip_no: str
    phone_no: str


@pytest.fixture
def console(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Console]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found (Debian package chromium)")
    port = free_port()
    config = tmp_path / "aduan.toml"
    config.write_text(
        "\n".join(
            [
                "[facility]",
                'name = "Puskesmas Sukamaju"',
                "[database]",
                'url = "sqlite:///var/aduan.db"',
                "[escalation]",
                'quality_team = ["mutu@puskesmas.example"]',
                "[web]",
                f"port = {port}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    password_file = tmp_path / "sandi"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    added = aduan(capsys, config, "user", "add", "rina", "--role", "tim_mutu",
                  "--password-file", str(password_file))  # fmt: skip
    assert added.code == 0, added.err
    # A slip the machine reads with doubt (its text is too short): it goes to the review.
    spec = next(s for s in load_corpus() if "isi terlalu pendek" in s.expect_review)
    slip = tmp_path / "kotak-saran.png"
    slip.write_bytes(generate(spec))
    scanned = aduan(capsys, config, "--json", "scan", str(slip))
    assert scanned.code == 0, scanned.err
    (slip_no,) = scanned.json()[0]["register_nos"]
    phoned = aduan(capsys, config, "--json", "register", "add", "--channel", "telepon",
                   "--text", "Antrean pendaftaran lama, petugas tidak ada di loket.",
                   "--name", "Siti Aminah", "--contact", "0812-3456-7890")  # fmt: skip
    assert phoned.code == 0, phoned.err
    server = subprocess.Popen(
        [sys.executable, "-m", "aduan.daemon", "--config", str(config), "web"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(LOOPBACK, port, timeout=30)
        yield Console(f"http://{LOOPBACK}:{port}", config, slip_no, phoned.json()["register_no"])
    finally:
        server.terminate()
        _, err = server.communicate(timeout=15)
        assert server.returncode == 0, err.decode()
        # The server's log: account names and register numbers, never the reporter.
        assert b"Siti" not in err and b"0812" not in err


@pytest.fixture
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright not importable (pip install playwright; never `playwright install`)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _login(page: Any, url: str) -> None:
    page.goto(url + "/")
    assert "/masuk" in page.url
    page.fill("input[name=nama]", "rina")
    page.fill("input[name=sandi]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _shoot(page: Any, name: str) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_review_correct_plan_and_answer_in_the_browser(
    console: Console, browser: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The main pages as staff first see them, on a desktop and a phone: look at them.
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        _login(page, console.url)
        _shoot(page, f"dashboard-{device}")
        page.goto(f"{console.url}/register")
        _shoot(page, f"register-{device}")
        page.goto(f"{console.url}/entri/{console.slip_no}")
        _shoot(page, f"entry-{device}")
        page.goto(f"{console.url}/tinjau/{console.slip_no}")
        _shoot(page, f"review-{device}")
        context.close()

    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    _login(page, console.url)
    assert page.locator("h1").inner_text() == "Ringkasan"

    # The review queue: the slip's image beside its text.
    page.click("nav >> text=Periksa slip")
    page.click("text=Mulai memeriksa")
    page.wait_for_url(f"{console.url}/tinjau/{console.slip_no}")
    image = page.locator("figure.slip img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 500")
    page.fill("textarea[name=teks]", "Pelayanan bagus, petugas ramah sekali.")
    page.click("text=Simpan & berikutnya")
    page.wait_for_url(f"{console.url}/tinjau")
    assert "Tidak ada slip yang perlu diperiksa" in page.content()

    # The entry: a follow-up plan, then the answer; it is then `selesai`.
    page.goto(f"{console.url}/entri/{console.slip_no}")
    page.fill(
        "form[action$='/rtl'] textarea", "Disampaikan kepada petugas loket sebagai apresiasi."
    )
    page.click("text=Simpan RTL")
    assert "Ditindaklanjuti" in page.locator(".entry-head").inner_text()
    page.fill("form[action$='/tanggapan'] textarea", "Terima kasih atas apresiasinya.")
    page.click("text=Simpan tanggapan")
    assert "Selesai" in page.locator(".entry-head").inner_text()
    _shoot(page, "entry-done-desktop")
    page.emulate_media(media="print")
    _shoot(page, "entry-print")
    page.emulate_media(media="screen")

    shown = aduan(capsys, console.config, "register", "show", console.slip_no, "--json").json()
    assert shown["text"] == "Pelayanan bagus, petugas ramah sekali."
    assert shown["review"]["needed"] is False
    assert shown["status"] == "selesai"
    assert shown["rtl"] == "Disampaikan kepada petugas loket sebagai apresiasi."
    assert shown["response"] == "Terima kasih atas apresiasinya."
    by_type = {e["type"]: e["by"] for e in shown["events"]}
    for kind in ("text_corrected", "reviewed", "rtl", "response", "status"):
        assert by_type[kind] == "rina", kind

    # The search finds the phone complaint by the reporter's name; the URL stays clean.
    page.goto(f"{console.url}/register")
    page.fill("input[name=cari]", "Siti")
    page.click("form.search button")
    assert console.phone_no in page.content()
    assert "Siti" not in page.url
    context.close()
