"""The Alembic migrations build exactly the schema the models describe, on every database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

import aduan.models.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from aduan.models import db

pytestmark = pytest.mark.both_databases


@pytest.fixture
def empty_engine(empty_database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(empty_database_url)
    yield engine
    engine.dispose()


def test_migrations_match_the_models(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_upgrade_is_a_no_op_the_second_time(empty_engine: Engine) -> None:
    first = db.upgrade(empty_engine)
    assert first == (None, db.head_revision())
    assert db.upgrade(empty_engine) == (db.head_revision(), db.head_revision())
