"""Opening the register's database: the one place that decides about schema upgrades.

Kept apart from the runtime so that `aduan status` opens the database without loading
intake, OCR and the classifier.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from aduan.daemon.config import Settings
from aduan.daemon.errors import SchemaOutdated, SourceUnavailable
from aduan.models import db


def open_database(settings: Settings) -> Engine:
    """Connect; the embedded SQLite upgrades itself, any other database must be current."""
    engine = db.make_engine(settings.database.url)
    is_sqlite = make_url(settings.database.url).get_backend_name() == "sqlite"
    try:
        if db.is_current(engine):
            return engine
        if is_sqlite:
            db.upgrade(engine)
        else:
            raise SchemaOutdated(
                "the database schema is not current; run `aduan db upgrade` once, then start again"
            )
    except OperationalError as exc:
        raise SourceUnavailable(f"database unreachable: {exc.orig}") from exc
    return engine
