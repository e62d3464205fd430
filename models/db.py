"""Engine and sessions; schema migrations with Alembic.

SQLite is tuned for a single small server that must survive power cuts: WAL, full fsync,
foreign keys on, and BEGIN IMMEDIATE so that two writers queue on the lock instead of
failing with "database is locked" when a read turns into a write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

if TYPE_CHECKING:  # Alembic loads only to migrate: `aduan status` must start fast
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration. Checking it needs no Alembic; tests/unit/test_migrations.py keeps it
# equal to the scripts' head.
HEAD = "0007"
SQLITE_BUSY_MS = 30_000


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_for(bind: Engine | Connection) -> Callable[[Any], PgInsert | SqliteInsert]:
    """The dialect's INSERT, which has ON CONFLICT: upserts without a racing SELECT first.

    aduan runs on SQLite and PostgreSQL only; both spell it the same way.
    """
    return postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any exception."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def _alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Apply every pending migration; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(engine)
    command.upgrade(_alembic_config(engine), "head")
    return before, current_revision(engine)


def is_current(engine: Engine) -> bool:
    """Whether the schema is at HEAD (False for an empty database).

    Asked on a bare DBAPI connection: no transaction, so on SQLite no BEGIN IMMEDIATE, and a
    writer holding the lock does not stall the question. A database that cannot be reached
    raises `OperationalError`, as connecting does.
    """
    try:
        raw = engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as exc:
        # Unlike connect(), raw_connection() lets the driver's own error out (psycopg's for a
        # PostgreSQL server down or a database missing): wrap it as connect() would.
        raise OperationalError(None, None, exc) from exc
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("SELECT version_num FROM alembic_version")
            row = cursor.fetchone()
        except engine.dialect.loaded_dbapi.Error:  # no version table yet
            return False
        finally:
            cursor.close()
    finally:
        raw.close()
    return row is not None and row[0] == HEAD
