"""Recap timeliness judges each entry against the due date the register stored for it, so a
deadline counted in working days is judged in working days too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aduan.daemon.config import Deadlines
from aduan.daemon.reports.figures import timeliness
from aduan.daemon.reports.records import Record
from aduan.daemon.reports.texts import Texts, limit_text

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10.00 WIB


def record(forwarded_after: timedelta | None, due_after: timedelta) -> Record:
    return Record(
        register_no="ADU-2026-11-0001", received_at=FRIDAY, channel="langsung",
        kind="keluhan", unit="pendaftaran", urgent=False, status="diteruskan", reasons=(),
        text="", response=None, rtl=None, reporter_name=None, reporter_contact=None,
        reporter_address=None, confidential=False, electronic=False,
        due_forward=FRIDAY + due_after, due_answer=None,
        due_resolve=FRIDAY + timedelta(days=60),
        forwarded_at=None if forwarded_after is None else FRIDAY + forwarded_after,
        answered_at=None, resolved_at=None, missed=(),
    )  # fmt: skip


def test_forwarding_on_monday_is_on_time_when_the_deadline_is_two_working_days() -> None:
    deadlines = Deadlines(forward_count="hari_kerja")
    # Received Friday; two working days (Saturday is one) end Monday 10.00.
    monday = timedelta(days=3)
    on_time = record(forwarded_after=timedelta(days=3) - timedelta(hours=1), due_after=monday)
    late = record(forwarded_after=timedelta(days=3, hours=1), due_after=monday)
    pending = record(forwarded_after=None, due_after=monday)
    now = FRIDAY + timedelta(days=2)
    forward, _, _ = timeliness([on_time, late, pending], deadlines, now)
    assert (forward.on_time, forward.late, forward.pending) == (1, 1, 1)
    assert limit_text(Texts("id", WIB), forward) == "≤ 2 hari kerja"


def test_wall_clock_deadlines_read_as_before() -> None:
    forward, answer, resolve = timeliness([], Deadlines(), FRIDAY)
    t = Texts("id", WIB)
    assert [limit_text(t, d) for d in (forward, answer, resolve)] == [
        "≤ 48 jam",
        "≤ 72 jam",
        "≤ 60 hari",
    ]
