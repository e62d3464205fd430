"""The console's pages and forms through Starlette's test client, on a real SQLite register:
who may see and do what, that every change is an event with the person's name, and the
security rules (CSRF, logins, rate limits, files, headers, no personal data in URLs)."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from aduan.daemon.intake import RawItem
from aduan.models.tables import QuarantineItem, StaffSession
from tests.web.conftest import PASSWORD, USERS, Browser, Site, slip_png

ROLES = {role: name for name, role in USERS.items()}  # role → account name
EVERYONE = ("staf", "tim_mutu", "kepala")


def pages(site: Site) -> dict[str, tuple[str, ...]]:
    """Every page, and the roles that may open it."""
    return {
        "/": EVERYONE,
        "/register": EVERYONE,
        "/register?status=selesai&kanal=email&terlambat=1": EVERYONE,
        f"/entri/{site.mail_no}": EVERYONE,
        f"/entri/{site.secret_no}": EVERYONE,
        "/entri/baru": ("staf", "tim_mutu"),
        "/tinjau": EVERYONE,
        f"/tinjau/{site.slip_no}": EVERYONE,
        "/karantina": EVERYONE,
        "/kotak": EVERYONE,
        "/laporan": ("tim_mutu", "kepala"),
        "/pengguna": ("tim_mutu",),
        "/akun": EVERYONE,
    }


class Links(HTMLParser):
    """Every URL a page links to or sends a form to."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.urls.append(value)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.urls


# --- logging in ------------------------------------------------------------------------


def test_every_page_sends_a_stranger_to_the_login(site: Site) -> None:
    client = site.client()
    for path in pages(site):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/masuk"), path
    login = client.get("/masuk")
    assert login.status_code == 200
    assert "Kata sandi" in login.text and "Masuk" in login.text


def test_login_returns_to_the_page_asked_for(site: Site) -> None:
    client = site.client()
    first = client.get(f"/entri/{site.mail_no}")
    assert first.headers["location"] == f"/masuk?lanjut=/entri/{site.mail_no}"
    form = client.get(first.headers["location"])
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    assert f'name="lanjut" value="/entri/{site.mail_no}"' in form.text
    done = client.post(
        "/masuk",
        data={
            "nama": "sari",
            "sandi": PASSWORD,
            "csrf": token[1],
            "lanjut": f"/entri/{site.mail_no}",
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/entri/{site.mail_no}"


def test_wrong_password_and_unknown_name_get_the_same_refusal(site: Site) -> None:
    wrong = Browser(site.client())
    response = wrong.login("sari", "bukan-kata-sandinya")
    assert response.status_code == 401
    assert "Nama atau kata sandi salah" in response.text
    assert wrong.get("/").status_code == 303  # not logged in
    unknown = Browser(site.client()).login("siapa", PASSWORD)
    assert unknown.status_code == 401
    assert "Nama atau kata sandi salah" in unknown.text


def test_a_disabled_account_cannot_log_in(site: Site) -> None:
    from aduan.daemon.web.accounts import set_disabled

    browser = site.login("sari")
    set_disabled(site.runtime.engine, "sari", True)
    assert browser.get("/").status_code == 303  # its session ended with it
    assert Browser(site.client()).login("sari").status_code == 401


def test_login_is_rate_limited_per_name(site: Site) -> None:
    for _ in range(5):
        assert Browser(site.client()).login("sari", "salah-salah-salah").status_code == 401
    refused = Browser(site.client()).login("sari")  # even with the right password
    assert refused.status_code == 429
    assert "Coba lagi dalam 15 menit" in refused.text
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    # Someone else at the same desk is held up by the address's count, not the name's.
    site.console.limiter.clock = lambda: 10**9  # fifteen minutes on: forgiven
    assert Browser(site.client()).login("sari").status_code == 303


def test_login_is_rate_limited_per_address(site: Site) -> None:
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert Browser(site.client()).login(name, "x" * 12).status_code == 401
    assert Browser(site.client()).login("rina").status_code == 429


def test_a_login_form_from_elsewhere_is_refused(site: Site) -> None:
    client = site.client()
    response = client.post("/masuk", data={"nama": "sari", "sandi": PASSWORD, "csrf": "x"})
    assert response.status_code == 403
    assert "aduan_sesi" not in response.headers.get("set-cookie", "")


def test_logout_ends_the_session_for_a_copied_cookie_too(site: Site) -> None:
    browser = site.login("rina")
    cookie = browser.client.cookies["aduan_sesi"]
    thief = site.client()
    thief.cookies.set("aduan_sesi", cookie)
    assert thief.get("/").status_code == 200
    assert browser.post("/keluar").status_code == 303
    assert thief.get("/").status_code == 303
    with Session(site.runtime.engine) as session:
        assert session.exec(select(StaffSession)).all() == []


def test_session_cookie_is_httponly_and_samesite(site: Site) -> None:
    browser = Browser(site.client())
    response = browser.login("sari")
    cookie = response.headers["set-cookie"]
    assert "aduan_sesi=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on the LAN; with an https base_url it is


def test_an_https_console_sets_secure_host_cookies(site: Site) -> None:
    from aduan.daemon.web.app import Console, create_app

    settings = site.settings.model_copy(
        update={"web": site.settings.web.model_copy(update={"base_url": "https://aduan.example"})}
    )
    site.runtime.settings = settings
    client = TestClient(
        create_app(Console(site.runtime, "id")),
        base_url="https://testserver",
        follow_redirects=False,
    )
    site.clients.append(client)
    response = Browser(client).login("sari")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-aduan_sesi=") and "Secure" in cookie
    assert "max-age=31536000" in client.get("/").headers["strict-transport-security"]


# --- pages and roles -------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_every_page_renders_for_the_roles_that_may_see_it(site: Site, role: str) -> None:
    browser = site.login(ROLES[role])
    for path, allowed in pages(site).items():
        response = browser.get(path)
        if role in allowed:
            assert response.status_code == 200, (path, response.text[:500])
            assert "<main" in response.text
        else:
            assert response.status_code == 403, path
            assert "tidak berwenang" in response.text, path


def test_pages_carry_security_headers(site: Site) -> None:
    response = site.login("rina").get("/")
    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_register_lists_newest_first_with_filters_and_paging(site: Site) -> None:
    browser = site.login("sari")
    everything = browser.get("/register")
    assert "Halaman 1 dari 2" in everything.text
    numbers = re.findall(r'class="no">([A-Z0-9-]+)<', everything.text)
    assert len(numbers) == 50
    assert numbers[0] in (site.slip_no, site.slip2_no, site.mail_no, site.secret_no)
    second = browser.get("/register?halaman=2")
    assert "Halaman 2 dari 2" in second.text
    overdue = browser.get("/register?terlambat=1")
    shown = set(re.findall(r'class="no">([A-Z0-9-]+)<', overdue.text))
    assert set(site.fixture.overdue) <= shown
    whatsapp = browser.get("/register?kanal=whatsapp&jenis=keluhan")
    assert "Kanal" in whatsapp.text
    rows = re.findall(r'data-label="Kanal">([^<]+)<', whatsapp.text)
    assert rows and set(rows) == {"WhatsApp"}


def test_search_is_posted_and_finds_names_and_numbers(site: Site) -> None:
    browser = site.login("sari")
    found = browser.post("/register", {"cari": "Wulan"})
    assert found.status_code == 200
    assert site.mail_no in found.text
    assert re.findall(r'class="no">([A-Z0-9-]+)<', found.text) == [site.mail_no]
    by_number = browser.post("/register", {"cari": site.slip2_no})
    assert re.findall(r'class="no">([A-Z0-9-]+)<', by_number.text) == [site.slip2_no]
    nothing = browser.post("/register", {"cari": "100%_tidak_ada"})
    assert "Tidak ada entri yang cocok" in nothing.text


def test_a_confidential_entry_is_marked_and_kept_out_of_the_list(site: Site) -> None:
    browser = site.login("sari")
    listing = browser.get("/register")
    assert "membocorkan" not in listing.text
    assert "rahasia — buka entri untuk membaca" in listing.text
    page = browser.get(f"/entri/{site.secret_no}")
    assert "RAHASIA — isi dan identitas pelapor hanya dibaca di Puskesmas" in page.text
    assert "membocorkan hasil tes" in page.text  # inside the building it can be read


def test_unknown_entries_are_404(site: Site) -> None:
    browser = site.login("rina")
    assert browser.get("/entri/ADU-2030-01-0001").status_code == 404
    assert browser.get("/entri/bukan-nomor").status_code == 404
    assert browser.get("/tinjau/ADU-2030-01-0001").status_code == 404
    missing = browser.post("/entri/ADU-2030-01-0001/rtl", {"rtl": "x"})
    assert missing.status_code == 404
    assert "tidak ditemukan" in missing.text
    assert browser.get("/tidak-ada").status_code == 404


# --- forms: each change an event with the person's name --------------------------------


def _last(site: Site, number: str, type_: str) -> tuple[str, str]:
    found = [(e.by, e.detail) for e in site.events(number) if e.type == type_]
    assert found, f"no {type_} event on {number}"
    return found[-1]


def test_correcting_the_classification(site: Site) -> None:
    browser = site.login("sari")
    response = browser.post(
        f"/entri/{site.mail_no}/klasifikasi",
        {"jenis": "saran", "unit": "farmasi", "mendesak": "tidak"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/entri/{site.mail_no}"
    entry = site.entry(site.mail_no)
    assert (entry.kind, entry.unit) == ("saran", "farmasi")
    by, detail = _last(site, site.mail_no, "corrected")
    assert by == "sari" and "keluhan → saran" in detail
    page = browser.get(response.headers["location"])
    assert "Dikoreksi" in page.text  # the message after the redirect


def test_marking_urgent_mails_the_head_at_once(site: Site) -> None:
    browser = site.login("sari")
    browser.post(
        f"/entri/{site.mail_no}/klasifikasi",
        {"jenis": "keluhan", "unit": "poli_umum", "mendesak": "ya"},
    )
    assert site.entry(site.mail_no).urgent
    assert any(site.mail_no in m.message_id for m in site.outbox("segera"))


def test_correcting_the_text_keeps_both_versions_and_ends_the_review(site: Site) -> None:
    browser = site.login("sari")
    response = browser.post(
        f"/entri/{site.slip_no}/teks", {"teks": "Pelayanan bagus.", "aksi": "simpan"}
    )
    assert response.status_code == 303
    entry = site.entry(site.slip_no)
    assert entry.text == "Pelayanan bagus." and entry.review_reason is None
    by, detail = _last(site, site.slip_no, "text_corrected")
    assert by == "sari" and "bagvs" in detail and "bagus" in detail
    assert _last(site, site.slip_no, "reviewed")[0] == "sari"


def test_the_review_queue_goes_from_slip_to_slip(site: Site) -> None:
    browser = site.login("sari")
    queue = browser.get("/tinjau")
    assert "2 slip menunggu" in queue.text
    first = browser.get(f"/tinjau/{site.slip_no}")
    assert f"/berkas/{site.slip_sha}/halaman/1" in first.text
    assert "Pelayanan bagvs." in first.text and "Slip 1 dari 2" in first.text
    saved = browser.post(f"/tinjau/{site.slip_no}", {"teks": "Pelayanan bagus.", "aksi": "simpan"})
    assert saved.headers["location"] == f"/tinjau/{site.slip2_no}"
    confirmed = browser.post(f"/tinjau/{site.slip2_no}", {"aksi": "benar"})
    assert confirmed.headers["location"] == "/tinjau"
    assert site.entry(site.slip2_no).text == "Obat hbis."  # confirmed as read
    assert _last(site, site.slip2_no, "reviewed")[0] == "sari"
    assert "Tidak ada slip yang perlu diperiksa" in browser.get("/tinjau").text


def test_a_handwritten_slip_shows_both_engines_readings_to_start_from(site: Site) -> None:
    browser = site.login("sari")
    page = browser.get(f"/tinjau/{site.slip2_no}")
    assert "Bacaan kedua mesin OCR" in page.text
    assert "«Obat hbis.»" in page.text and "«Obat habis.»" in page.text
    assert '<textarea name="teks" rows="14" class="ocr">Obat hbis.</textarea>' in page.text
    other = browser.get(f"/tinjau/{site.slip2_no}?bacaan=ppocr")
    assert '<textarea name="teks" rows="14" class="ocr">Obat habis.</textarea>' in other.text
    # The first slip has no second reading.
    assert "Bacaan kedua mesin OCR" not in browser.get(f"/tinjau/{site.slip_no}").text


def test_rtl_then_answer_closes_the_entry_and_mails_the_reporter(site: Site) -> None:
    browser = site.login("rina")
    browser.post(f"/entri/{site.mail_no}/rtl", {"rtl": "Jadwal dokter ditata ulang."})
    assert site.entry(site.mail_no).status == "ditindaklanjuti"
    assert _last(site, site.mail_no, "rtl") == ("rina", "Jadwal dokter ditata ulang.")
    response = browser.post(
        f"/entri/{site.mail_no}/tanggapan", {"tanggapan": "Mulai Senin dokter datang 07.30."}
    )
    page = browser.get(response.headers["location"])
    assert "jawaban diantrekan untuk dikirim ke pelapor" in page.text
    entry = site.entry(site.mail_no)
    assert entry.status == "selesai" and entry.response == "Mulai Senin dokter datang 07.30."
    assert _last(site, site.mail_no, "response")[0] == "rina"
    assert _last(site, site.mail_no, "status") == ("rina", "ditindaklanjuti → selesai")
    (answer,) = site.outbox("jawaban")
    assert answer.recipients == ["wulan.sari@warga.example"]


def test_status_and_an_empty_field(site: Site) -> None:
    browser = site.login("sari")
    browser.post(f"/entri/{site.mail_no}/status", {"status": "bukan_aduan"})
    assert site.entry(site.mail_no).status == "bukan_aduan"
    assert _last(site, site.mail_no, "status")[0] == "sari"
    empty = browser.post(f"/entri/{site.mail_no}/rtl", {"rtl": "  "})
    assert empty.status_code == 303
    assert "kosong" in browser.get(empty.headers["location"]).text
    assert site.entry(site.mail_no).rtl is None


def test_the_head_may_add_a_note_and_nothing_else(site: Site) -> None:
    browser = site.login("budi")
    assert (
        browser.post(f"/entri/{site.mail_no}/catatan", {"catatan": "Bahas di rapat."}).status_code
        == 303
    )
    assert _last(site, site.mail_no, "note") == ("budi", "Bahas di rapat.")
    before = len(site.events(site.mail_no))
    for form, data in (
        ("rtl", {"rtl": "x"}),
        ("tanggapan", {"tanggapan": "x"}),
        ("status", {"status": "selesai"}),
        ("klasifikasi", {"jenis": "saran"}),
        ("teks", {"teks": "x"}),
        ("rujuk", {"alasan": "x"}),
        ("rahasia", {"rahasia": "ya"}),
    ):
        response = browser.post(f"/entri/{site.mail_no}/{form}", data)
        assert response.status_code == 403, form
        assert "tidak berwenang" in response.text
    assert len(site.events(site.mail_no)) == before
    page = browser.get(f"/entri/{site.mail_no}")
    assert 'action="/entri/' + site.mail_no + '/catatan"' in page.text
    assert 'action="/entri/' + site.mail_no + '/rtl"' not in page.text


def test_referral_to_dinkes_is_the_quality_teams(site: Site) -> None:
    assert (
        site.login("sari").post(f"/entri/{site.mail_no}/rujuk", {"alasan": "x"}).status_code == 403
    )
    browser = site.login("rina")
    browser.post(f"/entri/{site.mail_no}/rujuk", {"alasan": "Perlu tambahan dokter."})
    by, detail = _last(site, site.mail_no, "escalated")
    assert by == "rina" and "Perlu tambahan dokter" in detail
    (mail,) = site.outbox("dinkes")
    assert mail.recipients == ["aduan@dinkes.example"]
    assert b"Wulan" not in mail.raw  # no identity leaves for the district office


def test_confidential_on_and_off(site: Site) -> None:
    assert (
        site.login("sari").post(f"/entri/{site.mail_no}/rahasia", {"rahasia": "ya"}).status_code
        == 403
    )
    browser = site.login("rina")
    browser.post(f"/entri/{site.mail_no}/rahasia", {"rahasia": "ya"})
    assert site.entry(site.mail_no).confidential
    assert _last(site, site.mail_no, "confidential") == ("rina", "ya")
    browser.post(f"/entri/{site.mail_no}/rahasia", {"rahasia": "tidak"})
    assert not site.entry(site.mail_no).confidential


def test_a_phone_complaint_is_registered_by_its_taker(site: Site) -> None:
    browser = site.login("sari")
    response = browser.post(
        "/entri/baru",
        {
            "kanal": "telepon",
            "isi": "Ambulans desa tidak bisa dihubungi semalam.",
            "nama": "Pak Darmo",
            "kontak": "0812-1111-2222",
            "diterima": "",
        },
    )
    assert response.status_code == 303
    number = response.headers["location"].removeprefix("/entri/")
    entry = site.entry(number)
    assert entry.channel == "telepon" and entry.reporter_name == "Pak Darmo"
    assert ("daemon", "dicatat manual oleh sari") in [(e.by, e.detail) for e in site.events(number)]
    assert site.login("budi").post("/entri/baru", {"kanal": "sms", "isi": "x"}).status_code == 403
    future = browser.post(
        "/entri/baru", {"kanal": "sms", "isi": "x", "diterima": "2099-01-01T08:00"}
    )
    assert "masa depan" in browser.get(future.headers["location"]).text


def test_quarantine_retry_that_still_fails_and_one_that_works(site: Site) -> None:
    from tests.slipgen import generate, load_corpus

    intake = site.runtime.intake
    (bad,) = intake.take_scans([RawItem("scan", "rusak.png", b"\x89PNG\r\n\x1a\nrusak", site.now)])
    good_slip = next(s for s in load_corpus() if s.category == "clean" and s.form)
    good_sha = site.runtime.store.put(generate(good_slip))
    with Session(site.runtime.engine) as session:
        good = QuarantineItem(
            source="scan", source_ref="baik.png", sha256=good_sha, filename="baik.png",
            reason="disk penuh", created_at=site.now, updated_at=site.now,
        )  # fmt: skip
        session.add(good)
        session.commit()
        good_id = good.id
        bad_id = session.exec(
            select(QuarantineItem.id).where(QuarantineItem.source_ref == "rusak.png")
        ).one()
    browser = site.login("sari")
    listing = browser.get("/karantina")
    assert "rusak.png" in listing.text and "disk penuh" in listing.text
    failed = browser.post(f"/karantina/{bad_id}/ulang")
    assert failed.headers["location"] == "/karantina"
    assert "Masih gagal" in browser.get("/karantina").text
    download = browser.get(f"/karantina/{bad_id}/berkas")
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment")
    worked = browser.post(f"/karantina/{good_id}/ulang")
    number = worked.headers["location"].removeprefix("/entri/")
    assert _last(site, number, "retried")[0] == "sari"
    assert site.login("budi").post(f"/karantina/{bad_id}/ulang").status_code == 403
    assert bad.outcome.value == "quarantined"


def test_box_openings_are_recorded_and_closed(site: Site) -> None:
    browser = site.login("sari")
    response = browser.post(
        "/kotak", {"dibuka": "2026-12-01T08:00", "oleh": "Rina", "jumlah": "12", "catatan": "rutin"}
    )
    assert response.status_code == 303
    page = browser.get("/kotak")
    assert "Rina" in page.text and "menunggu pemindaian" in page.text
    box_id = re.search(r'action="/kotak/(\d+)/tutup"', page.text)
    assert box_id is not None
    browser.post(f"/kotak/{box_id[1]}/tutup")
    assert "KURANG 12 slip" in browser.get("/kotak").text
    bad = browser.post("/kotak", {"dibuka": "", "jumlah": "dua belas"})
    assert "bukan angka" in browser.get(bad.headers["location"]).text


def test_recaps_are_made_and_downloaded_by_team_and_head(site: Site) -> None:
    head = site.login("budi")
    made = head.post(
        "/laporan", {"jenis": "bulanan", "periode": site.fixture.month, "format": ["csv", "html"]}
    )
    assert made.status_code == 303
    page = head.get("/laporan")
    name = f"rekap-bulanan-{site.fixture.month}.csv"
    assert name in page.text and "Dibuat:" in page.text
    csv = head.get(f"/laporan/berkas/{name}")
    assert csv.status_code == 200 and csv.headers["content-disposition"].startswith("attachment")
    html = head.get(f"/laporan/berkas/rekap-bulanan-{site.fixture.month}.html")
    assert "sandbox" in html.headers["content-security-policy"]
    # The head may not mail it out, nor make the board (it publishes entries).
    assert (
        head.post("/laporan", {"jenis": "bulanan", "format": "csv", "kirim": "ya"}).status_code
        == 403
    )
    assert head.post("/papan", {"format": "html"}).status_code == 403
    assert (
        site.login("sari").post("/laporan", {"jenis": "bulanan", "format": "csv"}).status_code
        == 403
    )
    assert head.get("/laporan/berkas/..%2Faduan.db").status_code == 404
    assert head.get("/laporan/berkas/aduan.toml").status_code == 404


def test_the_board_is_made_by_the_team_and_publishes(site: Site) -> None:
    team = site.login("rina")
    response = team.post("/papan", {"sejak": "2026-10-01", "format": "html", "kirim": "ya"})
    assert response.status_code == 303
    page = team.get("/laporan")
    assert "Papan dibuat" in page.text and "papan-" in page.text
    published = [
        n for n in site.fixture.monthly.register_nos if site.entry(n).status == "dipublikasikan"
    ]
    assert published
    assert any(e.type == "status" and e.by == "rina" for n in published for e in site.events(n))
    assert site.outbox("papan")


def test_users_page_lists_accounts_for_the_team(site: Site) -> None:
    page = site.login("rina").get("/pengguna")
    for name in USERS:
        assert name in page.text


def test_changing_ones_password_ends_the_old_sessions(site: Site) -> None:
    other = site.login("sari")
    browser = site.login("sari")
    wrong = browser.post(
        "/akun", {"sekarang": "salah", "baru": "baru-sekali-123", "ulang": "baru-sekali-123"}
    )
    assert wrong.status_code == 400 and "salah" in wrong.text
    short = browser.post("/akun", {"sekarang": PASSWORD, "baru": "pendek", "ulang": "pendek"})
    assert short.status_code == 400
    done = browser.post(
        "/akun", {"sekarang": PASSWORD, "baru": "baru-sekali-123", "ulang": "baru-sekali-123"}
    )
    assert done.headers["location"] == "/masuk"
    assert other.get("/").status_code == 303
    assert Browser(site.client()).login("sari", "baru-sekali-123").status_code == 303


# --- CSRF ------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "salah", "x" * 43])
def test_a_form_without_the_sessions_token_changes_nothing(site: Site, token: str | None) -> None:
    browser = site.login("rina")
    before = len(site.events(site.mail_no))
    forms = {
        f"/entri/{site.mail_no}/rtl": {"rtl": "x"},
        f"/entri/{site.mail_no}/tanggapan": {"tanggapan": "x"},
        f"/entri/{site.mail_no}/status": {"status": "selesai"},
        f"/entri/{site.mail_no}/catatan": {"catatan": "x"},
        f"/entri/{site.mail_no}/klasifikasi": {"jenis": "saran"},
        f"/entri/{site.mail_no}/rahasia": {"rahasia": "ya"},
        f"/entri/{site.mail_no}/rujuk": {"alasan": "x"},
        f"/tinjau/{site.slip_no}": {"aksi": "benar"},
        "/entri/baru": {"kanal": "sms", "isi": "x"},
        "/kotak": {"jumlah": "3"},
        "/papan": {"format": "html"},
        "/akun": {"sekarang": PASSWORD, "baru": "x" * 12, "ulang": "x" * 12},
    }
    for path, data in forms.items():
        form = dict(data) if token is None else {**data, "csrf": token}
        response = browser.post(path, form, csrf=False)
        assert response.status_code == 403, path
        assert "token keamanan" in response.text
    assert len(site.events(site.mail_no)) == before
    assert site.entry(site.slip_no).review_reason is not None
    assert browser.get("/").status_code == 200  # still logged in: the password was not changed


def test_a_token_from_another_session_is_refused(site: Site) -> None:
    mine, theirs = site.login("rina"), site.login("sari")
    response = mine.post(f"/entri/{site.mail_no}/catatan", {"catatan": "x", "csrf": theirs.csrf})
    assert response.status_code == 403


# --- files -----------------------------------------------------------------------------


def test_slip_images_only_for_logged_in_staff(site: Site) -> None:
    stranger = site.client()
    for path in (f"/berkas/{site.slip_sha}", f"/berkas/{site.slip_sha}/halaman/1"):
        response = stranger.get(path)
        assert response.status_code == 303 and response.content[:4] != b"\x89PNG"
    browser = site.login("budi")
    original = browser.get(f"/berkas/{site.slip_sha}")
    assert original.status_code == 200
    assert original.headers["content-type"] == "image/png"
    assert original.content == slip_png()
    assert original.headers["x-content-type-options"] == "nosniff"
    assert original.headers["cache-control"] == "private, no-store"
    page = browser.get(f"/berkas/{site.slip_sha}/halaman/1")
    assert page.headers["content-type"] == "image/jpeg" and page.content[:2] == b"\xff\xd8"
    assert page.headers["cache-control"] == "private, no-store"
    assert browser.get(f"/berkas/{site.slip_sha}/halaman/9").status_code == 404
    assert browser.get("/berkas/" + "0" * 64).status_code == 404
    assert browser.get("/berkas/../../etc/passwd").status_code == 404


def test_an_attachment_that_is_not_a_picture_is_downloaded(site: Site) -> None:
    from aduan.daemon.register import StoredFile, add_files, get_entry

    sha = site.runtime.store.put(b"<script>alert(1)</script>")
    with Session(site.runtime.engine) as session:
        entry = get_entry(session, site.mail_no)
        assert entry.id is not None
        add_files(session, entry.id, [StoredFile(sha, "surat.html", "text/html", 25)])
        session.commit()
    response = site.login("rina").get(f"/berkas/{sha}")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in response.headers["content-security-policy"]


# --- personal data ---------------------------------------------------------------------


def test_no_personal_data_in_any_url_the_pages_link_to(site: Site) -> None:
    browser = site.login("rina")
    personal = (*site.fixture.personal, "Wulan Sari", "wulan.sari@warga.example", "Ratna Dewi",
                "+628196270107", "Anonim Rahasia")  # fmt: skip
    seen: set[str] = set()
    todo = [
        "/",
        "/register",
        "/register?halaman=2",
        f"/entri/{site.mail_no}",
        f"/entri/{site.secret_no}",
    ]
    todo += [f"/entri/{n}" for n in site.fixture.monthly.register_nos[:15]]
    todo += ["/tinjau", f"/tinjau/{site.slip_no}", "/karantina", "/kotak", "/laporan", "/pengguna"]
    searched = browser.post("/register", {"cari": "Wulan"})
    assert searched.url.path == "/register" and not searched.url.query
    pages_html = [browser.get(path).text for path in todo] + [searched.text]
    for html in pages_html:
        seen.update(links(html))
    assert len(seen) > 40
    for url in seen:
        decoded = unquote(url)
        for value in personal:
            assert value not in decoded, (url, value)
            assert value.lower() not in urlsplit(decoded).path.lower()


def test_the_log_names_numbers_and_accounts_but_no_reporter(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    Browser(site.client()).login("rina", "Wulan Sari bukan sandi")
    Browser(site.client()).login("wulan.sari@warga.example", "x")  # a name that is no account
    browser = site.login("rina")
    browser.post("/register", {"cari": "Wulan"})
    browser.post(f"/entri/{site.mail_no}/rtl", {"rtl": "Hubungi Wulan Sari di 0812"})
    browser.post(f"/entri/{site.mail_no}/tanggapan", {"tanggapan": "Terima kasih Bu Wulan"})
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert f"register_no={site.mail_no}" in log and "user=rina" in log
    for value in ("Wulan", "wulan.sari", "0812", "bukan sandi", PASSWORD):
        assert value not in log


def test_mail_links_the_entry_in_the_console_when_base_url_is_set(site: Site) -> None:
    from aduan.daemon.intake import ManualItem
    from aduan.daemon.runtime import Runtime

    web = site.settings.web.model_copy(update={"base_url": "https://aduan.puskesmas.example"})
    runtime = Runtime.open(site.settings.model_copy(update={"web": web}), clock=lambda: site.now)
    try:
        result = runtime.intake.take_manual(
            ManualItem(channel="sms", text="Obat habis di apotek.", received_at=site.now, by="sari")
        )
    finally:
        runtime.close()
    (mail,) = [m for m in site.outbox("eskalasi") if result.register_no in m.message_id]
    assert f"https://aduan.puskesmas.example/entri/{result.register_no}".encode() in mail.raw


def test_every_page_renders_in_english_too(site: Site) -> None:
    from aduan.daemon.web.app import Console, create_app

    client = TestClient(create_app(Console(site.runtime, "en")), follow_redirects=False)
    site.clients.append(client)
    browser = Browser(client)
    assert browser.login("rina").status_code == 303
    for path in pages(site):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert "Log out" in response.text and 'lang="en"' in response.text
    assert "Complaint register" in browser.get("/register").text


def test_the_dashboard_says_what_aduan_status_says(site: Site) -> None:
    from datetime import timedelta

    from aduan.daemon.sources import PollReport
    from aduan.daemon.status import record_poll_error, record_poll_ok

    engine = site.runtime.engine
    record_poll_ok(engine, PollReport("maildir"), site.now - timedelta(minutes=5))
    record_poll_error(engine, "imap", "connection refused; is the server running?", site.now)
    page = site.login("budi").get("/").text
    assert "maildir" in page and "imap" in page
    assert "GANGGUAN" in page and "connection refused" in page
    overdue = len(site.fixture.overdue)
    assert re.search(r'<span class="big">(\d+)</span><span>Melewati tenggat', page)
    shown = re.search(r'<span class="big">(\d+)</span><span>Melewati tenggat', page)
    assert shown is not None and int(shown[1]) >= overdue
    assert re.search(r'<span class="big">2</span><span>Slip perlu diperiksa', page)
