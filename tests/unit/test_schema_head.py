"""The schema version the daemon checks at start without Alembic is the scripts' real head."""

from __future__ import annotations

from pathlib import Path

from aduan.models import db


def test_head_constant_is_the_newest_migration() -> None:
    assert db.head_revision() == db.HEAD


def test_a_fresh_database_is_not_current_until_upgraded(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    assert not db.is_current(engine)
    db.upgrade(engine)
    assert db.is_current(engine)
    engine.dispose()
