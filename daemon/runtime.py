"""Builds the running parts from `Settings`: database, file store, intake, escalation, sources."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from aduan.daemon.clock import Clock, utc_now
from aduan.daemon.config import DEFAULT_MAX_MESSAGE_BYTES, Settings
from aduan.daemon.errors import SchemaOutdated, SourceUnavailable
from aduan.daemon.escalation import Escalator
from aduan.daemon.filestore import FileStore
from aduan.daemon.intake import Intake
from aduan.daemon.learning import ClassifierSpec, current_spec
from aduan.daemon.sources import Source
from aduan.daemon.sources.imap import ImapSource
from aduan.daemon.sources.maildir import MaildirSource
from aduan.daemon.sources.scans import ScanFolderSource
from aduan.daemon.workers import WorkerPool
from aduan.models import db


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    store: FileStore
    intake: Intake
    escalator: Escalator
    clock: Clock

    @classmethod
    def open(cls, settings: Settings, clock: Clock = utc_now) -> Runtime:
        engine = open_database(settings)
        store = FileStore(settings.storage.path / "blobs")
        escalator = Escalator(settings, store)
        classifier = current_spec(settings)
        intake = Intake(engine, settings, store, clock, escalator, classifier, WorkerPool())
        return cls(settings, engine, store, intake, escalator, clock)

    @property
    def classifier(self) -> ClassifierSpec:
        return self.intake.classifier

    def reload_classifier(self) -> None:
        """Use the newest trained model from now on (after `retrain`)."""
        self.intake.classifier = current_spec(self.settings)

    def close(self) -> None:
        self.intake.pool.close()
        self.engine.dispose()

    def sources(self) -> list[Source]:
        found: list[Source] = []
        if self.settings.maildir is not None:
            found.append(MaildirSource(self.settings.maildir.path, DEFAULT_MAX_MESSAGE_BYTES))
        if self.settings.mailbox is not None:
            found.append(ImapSource(self.settings.mailbox))
        found.append(ScanFolderSource(self.settings.scans))
        return found


def open_database(settings: Settings) -> Engine:
    """Connect; the embedded SQLite upgrades itself, any other database must be current."""
    engine = db.make_engine(settings.database.url)
    is_sqlite = make_url(settings.database.url).get_backend_name() == "sqlite"
    try:
        if is_sqlite:
            db.upgrade(engine)
        elif not db.is_current(engine):
            raise SchemaOutdated(
                "the database schema is not current; run `aduan db upgrade` once, then start again"
            )
    except OperationalError as exc:
        raise SourceUnavailable(f"database unreachable: {exc.orig}") from exc
    return engine
