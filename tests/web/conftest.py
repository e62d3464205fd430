"""A console on a real SQLite register: the recap fixture's ~50 entries, a doubtful slip
with its image, a mail entry, a confidential one; three accounts, one per role."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PIL import Image
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from aduan.daemon.config import Settings, parse_settings
from aduan.daemon.register import EntryDraft, StoredFile, Update, create_entries, update_entry
from aduan.daemon.runtime import Runtime
from aduan.daemon.slips import reading_note
from aduan.daemon.web import accounts
from aduan.daemon.web.app import Console, create_app
from aduan.daemon.web.sessions import LoginLimiter
from aduan.models import db
from aduan.models.tables import Entry, Event, OutboxMessage, StaffUser
from aduan.parsers.classification import Classification
from aduan.parsers.fields import FieldReading
from tests.register_fixture import FixtureRegister, fill_register

PASSWORD = "kata-sandi-rahasia-1"
USERS = {"sari": "staf", "rina": "tim_mutu", "budi": "kepala"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the same code, a fraction of the time. The real
    parameters are checked in test_web_accounts.py and by the browser test's accounts."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "hasher", lambda: cheap)
    monkeypatch.setattr(accounts, "_dummy_hash", lambda: cheap.hash("nobody"))


def slip_png() -> bytes:
    image = Image.new("L", (600, 400), 245)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Site:
    """The console under test and what is in its register."""

    settings: Settings
    runtime: Runtime
    console: Console
    fixture: FixtureRegister
    now: datetime
    slip_no: str  # a slip whose reading must be checked, with its image
    slip2_no: str  # a second one, queued after the first
    slip_sha: str
    mail_no: str  # an email entry: its answer is mailed
    secret_no: str  # a confidential entry
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        client = TestClient(create_app(self.console), follow_redirects=False)
        self.clients.append(client)
        return client

    def login(self, name: str) -> Browser:
        browser = Browser(self.client())
        browser.login(name)
        return browser

    def entry(self, number: str) -> Entry:
        with Session(self.runtime.engine) as session:
            found = session.exec(select(Entry).where(Entry.register_no == number)).one()
            session.expunge(found)
            return found

    def events(self, number: str) -> list[Event]:
        with Session(self.runtime.engine) as session:
            entry = session.exec(select(Entry).where(Entry.register_no == number)).one()
            rows = session.exec(
                select(Event).where(Event.entry_id == entry.id).order_by(col(Event.id))
            ).all()
            for row in rows:
                session.expunge(row)
            return list(rows)

    def outbox(self, purpose: str) -> list[OutboxMessage]:
        with Session(self.runtime.engine) as session:
            return list(session.exec(select(OutboxMessage).where(OutboxMessage.purpose == purpose)))


class Browser:
    """A test client with a login: fetches pages and posts forms with their CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, name: str, password: str = PASSWORD) -> Any:
        page = self.client.get("/masuk")
        token = CSRF.search(page.text)
        assert token, page.text
        response = self.client.post(
            "/masuk", data={"nama": name, "sandi": password, "csrf": token.group(1)}
        )
        if response.status_code == 303:
            home = self.client.get("/")
            found = CSRF.search(home.text)
            assert found, home.text
            self.csrf = found.group(1)
        return response

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True) -> Any:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        return self.client.post(path, data=form)


def _settings(folder: Path, database: Path) -> Settings:
    return parse_settings(
        {
            "facility": {"name": "Puskesmas Uji"},
            "database": {"url": f"sqlite:///{database}"},
            "storage": {"path": str(folder / "berkas")},
            "reports": {"dir": str(folder / "laporan")},
            "smtp": {"outbox_dir": str(folder / "outbox")},
            "escalation": {
                "quality_team": ["mutu@puskesmas.example"],
                "head": ["kapus@puskesmas.example"],
                "dinkes": ["aduan@dinkes.example"],
            },
        },
        folder / "aduan.toml",
    )


@dataclass(frozen=True)
class Filled:
    """The register every test starts from (a copy of one file, made once)."""

    database: Path
    fixture: FixtureRegister
    numbers: tuple[str, str, str, str]  # slip, second slip, mail, confidential
    slip_sha: str


@pytest.fixture(scope="session")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    folder = tmp_path_factory.mktemp("register")
    database = folder / "aduan.db"
    settings = _settings(folder, database)
    engine = db.make_engine(settings.database.url)
    db.upgrade(engine)
    fixture = fill_register(engine, settings)
    now = fixture.now
    sha = hashlib.sha256(slip_png()).hexdigest()
    received = now - timedelta(days=2)

    def slip(page: str, text: str, reason: str, *notes: tuple[str, str]) -> EntryDraft:
        return EntryDraft(
            received_at=received,
            channel="kotak_saran",
            source_id=f"sha256:{sha}{page}",
            text=text,
            classification=Classification("pujian", "lainnya", False, 0.5, ("'bagus' → pujian",)),
            reporter_name="Ratna Dewi",
            reporter_contact="+628196270107",
            files=(StoredFile(sha, "kotak.png", "image/png", 1000),),
            ocr_confidence=0.61,
            review_reason=reason,
            notes=notes,
        )

    # The handwriting engine read the second slip otherwise: staff may start from its reading.
    readings = reading_note(FieldReading("body", "Obat hbis.", "Obat habis.", "tesseract"))

    mail = EntryDraft(
        received_at=received,
        channel="email",
        source_id="<keluhan-1@warga.example>",
        text="Dokter datang terlambat, antrean poli umum panjang.",
        classification=Classification("keluhan", "poli_umum", False, 0.8, ("'dokter' → poli",)),
        subject="Antrean poli umum",
        reporter_name="Wulan Sari",
        reporter_contact="wulan.sari@warga.example",
    )
    secret = EntryDraft(
        received_at=received,
        channel="langsung",
        source_id="manual:rahasia",
        text="Petugas membocorkan hasil tes pasien kepada tetangga.",
        classification=Classification("keluhan", "laboratorium", False, 0.8, ()),
        reporter_name="Anonim Rahasia",
    )
    with Session(engine) as session:
        made = create_entries(
            session,
            settings,
            [slip("#p1", "Pelayanan bagvs.", "isi terlalu pendek"),
             slip("#p2", "Obat hbis.", "keyakinan OCR rendah", ("ocr_readings", readings)),
             mail, secret],
            received,
        )  # fmt: skip
        update_entry(session, made[3].register_no, Update(confidential=True), "rina", now)
        session.commit()
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with Session(engine) as session:
        for name, role in USERS.items():
            session.add(
                StaffUser(name=name, role=role, password_hash=cheap.hash(PASSWORD), created_at=now)
            )
        session.commit()
    engine.dispose()
    numbers = (made[0].register_no, made[1].register_no, made[2].register_no, made[3].register_no)
    return Filled(database, fixture, numbers, sha)


@pytest.fixture
def site(tmp_path: Path, filled: Filled, quick_hashes: None) -> Iterator[Site]:
    database = tmp_path / "aduan.db"
    shutil.copy(filled.database, database)
    settings = _settings(tmp_path, database)
    now = filled.fixture.now
    runtime = Runtime.open(settings, clock=lambda: now)
    assert runtime.store.put(slip_png()) == filled.slip_sha
    console = Console(runtime, "id", limiter=LoginLimiter())
    slip_no, slip2_no, mail_no, secret_no = filled.numbers
    site = Site(
        settings, runtime, console, filled.fixture, now,
        slip_no, slip2_no, filled.slip_sha, mail_no, secret_no,
    )  # fmt: skip
    yield site
    for client in site.clients:
        client.close()
    runtime.close()
