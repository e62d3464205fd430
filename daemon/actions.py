"""What a staff member does to an entry, from the command line or the web console.

`aduan register correct` / `update` and the console's forms call these, so a change made in
either place is the same change: the same register functions, the same events (with the
person's name as `by`), the same mail queued in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from aduan.daemon.errors import UsageError
from aduan.daemon.register import (
    Correction,
    Update,
    correct_entry,
    get_entry,
    reclassify,
    revise_text,
    update_entry,
)
from aduan.models.db import transaction
from aduan.models.tables import KINDS

if TYPE_CHECKING:  # the runtime loads intake and OCR; this module is imported by the CLI
    from aduan.daemon.runtime import Runtime


@dataclass(frozen=True)
class Corrected:
    text_changed: bool  # the text was replaced (and classified again, unless labels given)
    changes: list[str] = field(default_factory=list)  # label changes, in words


def correct(
    runtime: Runtime,
    register_no: str,
    labels: Correction,
    *,
    text: str | None = None,
    reviewed: bool = False,
    by: str,
    now: datetime,
) -> Corrected:
    """Correct the labels, or the text read from a slip (which ends the review; the text is
    then classified again unless labels are given). Urgent mail the correction calls for is
    queued at once."""
    if text is not None and not text.strip():
        raise UsageError("the text is empty; write what the slip says")
    if labels.kind is not None and labels.kind not in KINDS:
        raise UsageError(f"kind {labels.kind!r} is not known; use one of: {', '.join(KINDS)}")
    units = runtime.classifier.units
    if labels.unit is not None and labels.unit not in units:
        raise UsageError(f"unit {labels.unit!r} is not known; use one of: {', '.join(units)}")
    text_changed = False
    changes: list[str] = []
    with transaction(runtime.engine) as session:
        if text is not None or reviewed:
            entry = get_entry(session, register_no)
            text_changed = revise_text(session, entry, text and text.strip(), by, now)
            if text_changed and labels == Correction():
                reclassify(session, entry, runtime.classifier.classify(entry.text), now)
        if labels != Correction():
            changes = correct_entry(session, register_no, labels, by, now)
        runtime.escalator.catch_up_urgent(session, now)  # the head is told now
    return Corrected(text_changed, changes)


@dataclass(frozen=True)
class Updated:
    status: str  # the entry's status afterwards
    answer_mailed: bool  # the answer was queued for a reporter who wrote by mail
    referral: int  # the number of the referral to the district office made now; 0: none


def update(
    runtime: Runtime,
    register_no: str,
    change: Update,
    *,
    refer_to_dinkes: bool = False,
    reason: str | None = None,
    by: str,
    now: datetime,
) -> Updated:
    """Record progress (status, RTL, answer, note, confidentiality) and/or refer the entry
    to the district health office with `reason`; an answer is mailed to a reporter who
    wrote by mail."""
    if change == Update() and not refer_to_dinkes:
        raise UsageError("nothing to update")
    referral = 0
    with transaction(runtime.engine) as session:
        entry = (
            update_entry(session, register_no, change, by, now)
            if change != Update()
            else get_entry(session, register_no)
        )
        mailed = change.response is not None and runtime.escalator.send_answer(session, entry, now)
        if refer_to_dinkes:
            referral = runtime.escalator.refer_to_dinkes(session, entry, reason, by, now)
        status = entry.status
    return Updated(status, mailed, referral)
