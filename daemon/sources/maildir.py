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
        for index, name in enumerate(names):
            if stop():
                report.pending = len(names) - index
                break
            path = self.path / "new" / name
            try:
                data = path.read_bytes()
                received = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            except FileNotFoundError:
                continue  # taken by someone else (a mail client) meanwhile
            item = RawItem(self.name, name, data, received)
            report.add(intake.take_mail(item, max_bytes=self.max_bytes))
            # Only now, after the commit: a crash before this line retakes the file, and
            # intake recognises it.
            os.replace(path, self.path / "cur" / (name.split(":", 1)[0] + ":2,S"))
        return report
