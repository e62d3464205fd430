"""A local Maildir as a source: mail dropped in `new/` is registered, then moved to `cur/`."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from aduan.daemon.errors import SourceUnavailable
from aduan.daemon.intake import Intake, RawItem
from aduan.daemon.sources import PollReport, StopRequested

log = logging.getLogger(__name__)

BATCH = 100  # files per transaction


class MaildirSource:
    name = "maildir"

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def ensure(self) -> None:
        for sub in ("new", "cur", "tmp"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def poll(self, intake: Intake, stop: StopRequested) -> PollReport:
        report = PollReport(self.name)
        try:
            self.ensure()
            names = sorted(n for n in os.listdir(self.path / "new") if not n.startswith("."))
        except OSError as exc:
            raise SourceUnavailable(f"Maildir {self.path} cannot be read: {exc.strerror}") from exc
        for start in range(0, len(names), BATCH):
            if stop():
                report.pending = len(names) - start
                break
            self._take_batch(intake, names[start : start + BATCH], report)
        return report

    def _take_batch(self, intake: Intake, names: list[str], report: PollReport) -> None:
        items = []
        for name in names:
            path = self.path / "new" / name
            try:
                data = path.read_bytes()
                received = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            except FileNotFoundError:
                continue  # taken by someone else (a mail client) meanwhile
            items.append(RawItem(self.name, name, data, received))
        for result in intake.take_mails(items, max_bytes=self.max_bytes):
            report.add(result)
        # Only now, after the commit: a crash before this retakes the files, and intake
        # recognises them.
        for item in items:
            target = self.path / "cur" / (item.ref.split(":", 1)[0] + ":2,S")
            try:
                os.replace(self.path / "new" / item.ref, target)
            except FileNotFoundError:  # a second daemon on the same Maildir moved it first
                log.info("maildir file moved by another process meanwhile")
