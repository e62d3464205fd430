"""PostgreSQL for district deployments: `aduan db upgrade` builds the schema, the daemon
refuses to start on a database whose schema is not current (SQLite upgrades itself; a shared
PostgreSQL is upgraded once, on purpose, by a person), and a database it cannot reach is
reported as unreachable (exit 3: the service retries), not as outdated.

The register, outbox and intake tests run on PostgreSQL too (marked `both_databases`), and
tests/integration/test_two_daemons.py runs two daemons on one database."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from aduan.daemon.config import load_settings
from aduan.daemon.errors import ExitCode, SchemaOutdated
from aduan.daemon.runtime import Runtime
from aduan.models import db
from tests.servers.net import free_port
from tests.servers.postgres import Postgres
from tests.support import aduan

OUTDATED = "the database schema is not current; run `aduan db upgrade` once, then start again"


def write_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "aduan.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("revision", [None, "0001", "0002"], ids=["empty", "0001", "0002"])
def test_daemon_refuses_an_outdated_schema_until_db_upgrade(
    postgres: Postgres, tmp_path: Path, capsys: pytest.CaptureFixture[str], revision: str | None
) -> None:
    url = postgres.create_database()
    engine = db.make_engine(url)
    if revision is not None:
        command.upgrade(db._alembic_config(engine), revision)
    config = write_config(tmp_path, url)

    with pytest.raises(SchemaOutdated) as refused:
        Runtime.open(load_settings(config))
    assert str(refused.value) == OUTDATED
    run = aduan(capsys, config, "run", "--once")
    assert (run.code, run.err.strip()) == (ExitCode.USAGE, f"aduan: {OUTDATED}")

    upgraded = aduan(capsys, config, "db", "upgrade")
    assert upgraded.code == 0, upgraded.err
    assert f"{revision or '-'} → {db.HEAD}" in upgraded.out
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()
    again = aduan(capsys, config, "db", "upgrade")
    assert f"{db.HEAD} → {db.HEAD}" in again.out

    runtime = Runtime.open(load_settings(config))
    runtime.close()
    assert aduan(capsys, config, "register", "list", "--json").json() == []


@pytest.mark.parametrize("where", ["no-database", "no-server"])
def test_a_database_that_cannot_be_reached_is_unreachable_not_outdated(
    postgres: Postgres, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    url = make_url(postgres.url())
    # Nothing listens on a free port.
    url = url.set(database="tidak_ada") if where == "no-database" else url.set(port=free_port())
    config = write_config(tmp_path, url.render_as_string())
    for command_ in (["run", "--once"], ["status"], ["db", "upgrade"]):
        result = aduan(capsys, config, *command_)
        assert result.code == ExitCode.UNREACHABLE, (command_, result.err)
        # "database unreachable: …" or "database upgrade failed: …", not a crash
        assert result.err.startswith("aduan: database u"), result.err


def test_the_test_server_is_loopback_only_fast_and_never_root(postgres: Postgres) -> None:
    settings = dict(
        postgres.query(
            "postgres",
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
            [["listen_addresses", "unix_socket_directories", "fsync", "TimeZone"]],
        )
    )
    assert settings == {
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": "",
        "fsync": "off",
        "TimeZone": "Asia/Jakarta",
    }
    [(backend,)] = postgres.query("postgres", "SELECT pg_backend_pid()")
    status = Path(f"/proc/{backend}/status").read_text(encoding="utf-8")
    [uids] = [line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")]
    expected = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else os.geteuid()
    assert {int(uid) for uid in uids} == {expected}  # real, effective, saved, filesystem

    name = make_url(postgres.create_database()).database
    assert name is not None
    postgres.drop_database(name)
    assert postgres.query("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [name]) == []
