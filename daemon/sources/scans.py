"""The scan folder: files the scanner drops in `inbox` become slips, then move to `done`.

A file is taken only once it has settled (unchanged for `settle_seconds`, and unchanged while
it was read): a scanner writes big files slowly. It is moved only after intake has committed
its entries, so a crash retakes it, and the file's sha256 makes the retake add nothing.
Files that are no readable scan are moved to `quarantine` (their bytes are also kept in the
store, with the reason, for `aduan quarantine retry`).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aduan.daemon.config import Scans
from aduan.daemon.errors import SourceUnavailable
from aduan.daemon.intake import Intake, RawItem
from aduan.daemon.processed import Outcome
from aduan.daemon.sources import PollReport, StopRequested

log = logging.getLogger(__name__)

BATCH = 20  # files per commit; each may hold many pages
BATCH_BYTES = 64 * 1024 * 1024  # and at most this much in memory (unless one file is bigger)
# Names scanners and copy tools use while a file is still being written.
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", "~")


@dataclass(frozen=True)
class _Found:
    path: Path
    size: int
    mtime_ns: int


class ScanFolderSource:
    name = "scans"

    def __init__(self, cfg: Scans) -> None:
        self.cfg = cfg

    def poll(self, intake: Intake, stop: StopRequested) -> PollReport:
        report = PollReport(self.name)
        try:
            for folder in (self.cfg.inbox, self.cfg.done, self.cfg.quarantine):
                folder.mkdir(parents=True, exist_ok=True)
            found = sorted(self._settled(), key=lambda f: f.path)
        except OSError as exc:
            raise SourceUnavailable(
                f"scan folder {self.cfg.inbox} cannot be read: {exc.strerror}"
            ) from exc
        for done, batch in _batches(found):
            if stop():
                report.pending = len(found) - done
                break
            self._take_batch(intake, batch, report)
        return report

    def _settled(self) -> Iterator[_Found]:
        """Files in the inbox (and its subfolders) that nobody has written for a while."""
        now_ns = time.time_ns()
        settle_ns = int(self.cfg.settle_seconds * 1e9)
        for root, dirs, names in os.walk(self.cfg.inbox):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                if name.startswith(".") or name.endswith(PARTIAL_SUFFIXES):
                    continue
                path = Path(root) / name
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                if now_ns - st.st_mtime_ns >= settle_ns:
                    yield _Found(path, st.st_size, st.st_mtime_ns)

    def _take_batch(self, intake: Intake, found: list[_Found], report: PollReport) -> None:
        items: list[RawItem] = []
        taken: list[_Found] = []
        for f in found:
            try:
                data = f.path.read_bytes()
                st = f.path.stat()
            except FileNotFoundError:
                continue  # moved away meanwhile
            if (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns):
                report.pending += 1  # still being written: the next poll takes it
                continue
            received = datetime.fromtimestamp(f.mtime_ns / 1e9, UTC)
            ref = str(f.path.relative_to(self.cfg.inbox))
            items.append(RawItem(self.name, ref, data, received))
            taken.append(f)
        if not items:
            return
        for f, result in zip(taken, intake.take_scans(items), strict=True):
            report.outcomes[result.outcome.value] += 1
            # Only now, after the commit: a crash before this retakes the file, and its
            # sha256 makes the second take add nothing.
            target = self.cfg.quarantine if result.outcome == Outcome.QUARANTINED else self.cfg.done
            _move(f.path, target / f.path.relative_to(self.cfg.inbox))


def _batches(found: list[_Found]) -> Iterator[tuple[int, list[_Found]]]:
    """Consecutive batches of at most BATCH files and BATCH_BYTES, each with how many files
    came before it."""
    batch: list[_Found] = []
    size = done = 0
    for f in found:
        if batch and (len(batch) == BATCH or size + f.size > BATCH_BYTES):
            yield done, batch
            done += len(batch)
            batch, size = [], 0
        batch.append(f)
        size += f.size
    if batch:
        yield done, batch


def _move(path: Path, target: Path) -> None:
    """Move without overwriting: a second scan named like an earlier one gets a suffix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate, n = target, 1
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    # shutil.move: `done` may be on another file system (a mounted share) than the inbox.
    try:
        shutil.move(path, candidate)
    except FileNotFoundError:
        log.info("a scan was moved away by another process meanwhile")
