"""The periods a recap covers: a month, a semester (half year) or an ISO week.

Bounds are wall-clock midnights in the facility's zone: a complaint received on 30 November
at 23.50 WIB belongs to November, whatever its UTC date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aduan.daemon.errors import UsageError

KINDS = ("bulanan", "semester", "mingguan")

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_SEMESTER = re.compile(r"(\d{4})-[Ss]?([12])")
_WEEK = re.compile(r"(\d{4})-[Ww](\d{1,2})")


@dataclass(frozen=True)
class Period:
    kind: str  # "bulanan" | "semester" | "mingguan"
    key: str  # "2026-11" | "2026-S2" | "2026-W48"
    start: datetime  # aware, facility zone, inclusive
    end: datetime  # aware, facility zone, exclusive

    def previous(self) -> Period:
        tz = _zone(self.start)
        if self.kind == "bulanan":
            year, month_no = self.start.year, self.start.month - 1
            return _month(year - 1, 12, tz) if month_no == 0 else _month(year, month_no, tz)
        if self.kind == "semester":
            if self.start.month == 1:
                return _semester(self.start.year - 1, 2, tz)
            return _semester(self.start.year, 1, tz)
        year, week_no, _ = (self.start.date() - timedelta(days=7)).isocalendar()
        return _week(year, week_no, tz)

    def months(self) -> list[Period]:
        """The calendar months inside the period (a semester's six; a month itself)."""
        tz = _zone(self.start)
        found: list[Period] = []
        cursor = self.start
        while cursor < self.end:
            current = _month(cursor.year, cursor.month, tz)
            found.append(current)
            cursor = current.end
        return found


def month(text: str, tz: ZoneInfo) -> Period:
    """ "2026-11" → November 2026."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise UsageError(f"month {text!r} is not valid; write YYYY-MM, e.g. 2026-11")
    return _month(int(match[1]), int(match[2]), tz)


def semester(text: str, tz: ZoneInfo) -> Period:
    """ "2026-S1" (January–June) or "2026-S2" (July–December); "2026-1"/"2026-2" too."""
    match = _SEMESTER.fullmatch(text.strip())
    if match is None:
        raise UsageError(
            f"semester {text!r} is not valid; write YYYY-S1 (January-June) or YYYY-S2 "
            "(July-December), e.g. 2026-S2"
        )
    return _semester(int(match[1]), int(match[2]), tz)


def week(text: str, tz: ZoneInfo) -> Period:
    """ISO week "2026-W48": Monday 00.00 to the next Monday."""
    match = _WEEK.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"week {text!r} is not valid; write an ISO week YYYY-Www, e.g. 2026-W48")
    year, week_no = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, week_no, 1)
    except ValueError:
        raise UsageError(
            f"week {text!r} does not exist: {year} has no ISO week {week_no}"
        ) from None
    return _week(year, week_no, tz)


def parse(kind: str, text: str, tz: ZoneInfo) -> Period:
    """The period of `kind` ("bulanan", "semester", "mingguan") written as `text`."""
    if kind == "bulanan":
        return month(text, tz)
    if kind == "semester":
        return semester(text, tz)
    if kind == "mingguan":
        return week(text, tz)
    raise UsageError(f"report kind {kind!r} is not known; use one of: {', '.join(KINDS)}")


def last_complete(kind: str, now: datetime, tz: ZoneInfo) -> Period:
    """The last period of `kind` that has ended by `now`: what a scheduled run reports on."""
    local = now.astimezone(tz)
    if kind == "bulanan":
        return _month(local.year, local.month, tz).previous()
    if kind == "semester":
        return _semester(local.year, 1 if local.month <= 6 else 2, tz).previous()
    if kind == "mingguan":
        year, week_no, _ = local.date().isocalendar()
        return _week(year, week_no, tz).previous()
    raise UsageError(f"report kind {kind!r} is not known; use one of: {', '.join(KINDS)}")


def _month(year: int, month_no: int, tz: ZoneInfo) -> Period:
    start = datetime(year, month_no, 1, tzinfo=tz)
    end = datetime(year + month_no // 12, month_no % 12 + 1, 1, tzinfo=tz)
    return Period("bulanan", f"{year:04d}-{month_no:02d}", start, end)


def _semester(year: int, half: int, tz: ZoneInfo) -> Period:
    start = datetime(year, 1 if half == 1 else 7, 1, tzinfo=tz)
    end = datetime(year, 7, 1, tzinfo=tz) if half == 1 else datetime(year + 1, 1, 1, tzinfo=tz)
    return Period("semester", f"{year:04d}-S{half}", start, end)


def _week(year: int, week_no: int, tz: ZoneInfo) -> Period:
    monday = date.fromisocalendar(year, week_no, 1)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=tz)
    after = monday + timedelta(days=7)
    end = datetime(after.year, after.month, after.day, tzinfo=tz)
    return Period("mingguan", f"{year:04d}-W{week_no:02d}", start, end)


def _zone(value: datetime) -> ZoneInfo:
    # Periods are only ever built by this module, always with a ZoneInfo.
    assert isinstance(value.tzinfo, ZoneInfo)
    return value.tzinfo
