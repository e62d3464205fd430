"""What the daemon has handled, so that nothing is handled twice: outcomes and dedupe keys.

Every raw item (a mail, a scanned page, a manual entry, a quarantined file) leaves a
`ProcessedItem` row with a unique dedupe key, written in the transaction of its outcome.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from aduan.models.tables import Entry, ProcessedItem


class Outcome(StrEnum):
    REGISTERED = "registered"
    DUPLICATE = "duplicate"
    AUTOREPLY = "autoreply"
    BOUNCE = "bounce"
    QUARANTINED = "quarantined"
    THREADED = "threaded"  # a reply, added to the entry it continues
    BLANK = "blank"  # a scanned page with nothing on it: skipped
    SLIPS = "slips"  # a scan-to-email mail, registered as the slips it carries


def processed_row(
    source: str, key: str, source_id: str, outcome: Outcome, entry_id: int | None, now: datetime
) -> dict[str, Any]:
    return {
        "dedupe_key": key,
        "source": source,
        "source_id": source_id,
        "outcome": outcome.value,
        "entry_id": entry_id,
        "at": now,
    }


def registered_keys(session: Session, keys: set[str]) -> dict[str, str | None]:
    """Dedupe keys already processed → the register number they produced (None: skipped)."""
    rows = session.exec(
        select(ProcessedItem.dedupe_key, Entry.register_no)
        .join(Entry, col(ProcessedItem.entry_id) == col(Entry.id), isouter=True)
        .where(col(ProcessedItem.dedupe_key).in_(keys))
    )
    return dict(rows.all())
