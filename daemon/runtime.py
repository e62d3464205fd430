"""Builds the running parts from `Settings`: database, file store, intake, escalation, sources."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from aduan.daemon.alerts import Alerts
from aduan.daemon.clock import Clock, utc_now
from aduan.daemon.config import DEFAULT_MAX_MESSAGE_BYTES, Settings
from aduan.daemon.database import open_database
from aduan.daemon.escalation import Escalator
from aduan.daemon.filestore import FileStore
from aduan.daemon.intake import Intake
from aduan.daemon.learning import ClassifierSpec, current_spec
from aduan.daemon.oauth import TokenSource, token_source
from aduan.daemon.sources import Source
from aduan.daemon.sources.imap import ImapSource
from aduan.daemon.sources.maildir import MaildirSource
from aduan.daemon.sources.scans import ScanFolderSource
from aduan.daemon.workers import WorkerPool


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    store: FileStore
    intake: Intake
    escalator: Escalator
    clock: Clock
    alerts: Alerts  # login trouble: noted, logged once, mailed when it lasts

    @classmethod
    def open(cls, settings: Settings, clock: Clock = utc_now) -> Runtime:
        engine = open_database(settings)
        store = FileStore(settings.storage.path / "blobs")
        escalator = Escalator(settings, store)
        classifier = current_spec(settings)
        intake = Intake(engine, settings, store, clock, escalator, classifier, WorkerPool())
        alerts = Alerts(settings, escalator.letters, escalator.domain)
        return cls(settings, engine, store, intake, escalator, clock, alerts)

    @property
    def classifier(self) -> ClassifierSpec:
        return self.intake.classifier

    def reload_classifier(self) -> None:
        """Use the newest trained model from now on (after `retrain`)."""
        self.intake.classifier = current_spec(self.settings)

    def close(self) -> None:
        self.intake.pool.close()
        self.engine.dispose()

    def mailbox_tokens(self) -> TokenSource | None:
        """OAuth2 access tokens for [mailbox]; None when it signs in with a password."""
        return token_source(self.settings, "mailbox", self.clock)

    def sources(self) -> list[Source]:
        found: list[Source] = []
        if self.settings.maildir is not None:
            found.append(MaildirSource(self.settings.maildir.path, DEFAULT_MAX_MESSAGE_BYTES))
        if self.settings.mailbox is not None:
            found.append(ImapSource(self.settings.mailbox, self.mailbox_tokens()))
        found.append(ScanFolderSource(self.settings.scans))
        return found
