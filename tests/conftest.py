from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from sqlalchemy import Engine

from aduan.models import db
from tests.servers.dovecot import DOVECOT_BINARY, Dovecot, ImapAccount
from tests.servers.oauth import OAuthProvider
from tests.servers.smtp import SmtpServer, make_certificate

if TYPE_CHECKING:  # imported when first needed: it needs psycopg, which SQLite runs do not
    from tests.servers.postgres import Postgres

# --- IMAP server ----------------------------------------------------------


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    """One real Dovecot for the whole session; tests isolate by user."""
    if not DOVECOT_BINARY.exists():
        _missing(f"{DOVECOT_BINARY} not found (Debian package dovecot-imapd)")
    with Dovecot.start(tmp_path_factory.mktemp("dovecot")) as server:
        yield server


def _missing(message: str) -> NoReturn:
    # A CI run that silently skips every test on a real server would look green.
    if "CI" in os.environ:
        pytest.fail(f"{message}, and CI is set", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh user, so every test starts with an empty mailbox."""
    return dovecot.new_account()


# --- OAuth2: a stand-in for Google / Microsoft, and a Dovecot that asks it ---


@pytest.fixture(scope="session")
def oauth_provider_session() -> Iterator[OAuthProvider]:
    with OAuthProvider.started() as provider:
        yield provider


@pytest.fixture
def oauth_provider(oauth_provider_session: OAuthProvider) -> OAuthProvider:
    """The session's token endpoint with its knobs as new; tests isolate by client and user."""
    provider = oauth_provider_session
    provider.rotate = False
    provider.access_ttl = 3600
    provider.deny_consent = False
    return provider


@pytest.fixture(scope="session")
def oauth_dovecot(
    tmp_path_factory: pytest.TempPathFactory, oauth_provider_session: OAuthProvider
) -> Iterator[Dovecot]:
    """A second Dovecot that also takes XOAUTH2, checking tokens with the provider."""
    if not DOVECOT_BINARY.exists():
        _missing(f"{DOVECOT_BINARY} not found (Debian package dovecot-imapd)")
    root = tmp_path_factory.mktemp("dovecot-oauth")
    url = oauth_provider_session.introspection_url
    with Dovecot.start(root, oauth2_introspection_url=url) as server:
        yield server


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
#
# Tests run on SQLite. A test (or a module, with `pytestmark`) marked `both_databases` runs
# once per database: SQLite in the test's own folder, and a fresh database on one real
# PostgreSQL for the whole session (tests/servers/postgres.py), started on first use.

DATABASES = ("sqlite", "postgresql")
_TEMPLATE = "aduan_migrated"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_databases: run on SQLite and on PostgreSQL (parametrises the `database` fixture)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marked = metafunc.definition.get_closest_marker("both_databases") is not None
    if marked and "database" in metafunc.fixturenames:
        metafunc.parametrize("database", DATABASES, indirect=True)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """One real PostgreSQL for the whole session; tests isolate by database."""
    try:
        from tests.servers.postgres import Postgres, find_bin_dir
    except ImportError as exc:
        _missing(f"{exc.name} not importable (pip install 'psycopg[binary]')")
    if find_bin_dir() is None:
        _missing("initdb not found (Debian package postgresql)")
    with Postgres.start(tmp_path_factory.mktemp("postgres")) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_template(postgres: Postgres) -> str:
    """The name of a database migrated to head once: each test gets a copy of it."""
    engine = db.make_engine(postgres.create_database(_TEMPLATE))
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()  # CREATE DATABASE … TEMPLATE needs it without sessions
    return _TEMPLATE


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: "sqlite", unless marked `both_databases`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def empty_database_url(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a database of the test's own, without any table."""
    if database == "postgresql":
        server: Postgres = request.getfixturevalue("postgres")
        return server.create_database()
    return f"sqlite:///{tmp_path}/aduan.db"


@pytest.fixture
def database_url(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a fresh register of the test's own, migrated to head."""
    if database == "postgresql":
        server: Postgres = request.getfixturevalue("postgres")
        return server.create_database(template=request.getfixturevalue("postgres_template"))
    url: str = request.getfixturevalue("empty_database_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A fresh, migrated register: SQLite in the test's own folder, or PostgreSQL (above)."""
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()
