from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from aduan.models import db
from tests.servers.dovecot import DOVECOT_BINARY, Dovecot, ImapAccount
from tests.servers.smtp import SmtpServer, make_certificate

# --- IMAP server ----------------------------------------------------------


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    """One real Dovecot for the whole session; tests isolate by user."""
    if not DOVECOT_BINARY.exists():
        message = f"{DOVECOT_BINARY} not found (Debian package dovecot-imapd)"
        # A CI run that silently skips every IMAP test would look green.
        if "CI" in os.environ:
            pytest.fail(f"{message}, and CI is set", pytrace=False)
        pytest.skip(message)
    with Dovecot.start(tmp_path_factory.mktemp("dovecot")) as server:
        yield server


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh user, so every test starts with an empty mailbox."""
    return dovecot.new_account()


# --- SMTP server ----------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("smtp-cert")
    cert, key = root / "cert.pem", root / "key.pem"
    make_certificate(cert, key)
    return cert, key


@pytest.fixture
def smtp_server(tmp_path: Path, smtp_certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    cert, key = smtp_certificate
    with SmtpServer.started(tmp_path, cert_file=cert, key_file=key) as server:
        yield server


# --- database -------------------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated SQLite register in the test's own folder."""
    engine = db.make_engine(f"sqlite:///{tmp_path}/aduan.db")
    db.upgrade(engine)
    yield engine
    engine.dispose()
