"""The facility's working calendar: working days for deadlines, quiet hours for mail.

Two questions, both answered on the facility's wall clock (WIB, WITA or WIT):

- When is a deadline counted in working days (`hari_kerja`) due? `add_working_days`.
- May mail that is not urgent (digests, reminders, overdue alerts, recaps) go now, and if
  not, when? `is_quiet`, `next_unquiet`.

Working days are the configured weekdays minus Indonesia's national holidays and cuti
bersama (computed offline by the `holidays` package, one year at a time, cached) and the
facility's own days off. Pure logic: no database, no network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holiday_tables

from aduan.daemon.config import WEEKDAYS, Settings

# Longer than any run of days off (Lebaran with its cuti bersama is about a week): a
# calendar with no working day this far ahead is a configuration mistake, not a loop.
_SEARCH_DAYS = 400
_DAY = timedelta(days=1)
# `holidays` calls cuti bersama (collective leave decreed by the government) "government".
_CATEGORIES = ("public", "government")


@cache
def national_holidays(year: int) -> frozenset[date]:
    """Indonesia's national holidays and cuti bersama in `year`. Islamic dates of years
    without a government decree yet are the package's estimates; cuti bersama of such years
    are unknown (add them to `[calendar] holidays` when the decree is out)."""
    return frozenset(holiday_tables.country_holidays("ID", years=year, categories=_CATEGORIES))


def working_days_for(hours: int) -> int:
    """A deadline in hours counted in working days instead: 48 → 2, 72 → 3, 36 → 2."""
    return math.ceil(hours / 24)


class WorkCalendar:
    """Working days and hours, days off, and quiet hours of one facility.

    Methods take aware datetimes in any zone and answer in the facility's.
    """

    def __init__(
        self,
        tz: ZoneInfo,
        *,
        weekdays: Iterable[int] = range(6),  # Monday = 0: Monday to Saturday
        work_start: time = time(7, 30),
        work_end: time = time(14, 30),
        day_hours: Mapping[int, tuple[time, time]] | None = None,  # weekday → other hours
        national: bool = True,
        days_off: Iterable[date] = (),
        quiet_start: time = time(20),
        quiet_end: time = time(7),
    ) -> None:
        self.tz = tz
        self.weekdays = frozenset(weekdays)
        if not self.weekdays:
            raise ValueError("a calendar needs at least one working weekday")
        self.hours = {day: (work_start, work_end) for day in range(7)}
        self.hours.update(day_hours or {})
        for start, end in self.hours.values():
            if start >= end:
                raise ValueError(f"work_start {start} must be before work_end {end}")
        self.national = national
        self.days_off = frozenset(days_off)
        self.quiet_start, self.quiet_end = quiet_start, quiet_end
        # Equal ends: no quiet hours at all, and then days off hold nothing back either.
        self.holds = quiet_start != quiet_end
        # A bulk intake asks for the same few receipt days again and again.
        self._later: dict[tuple[date, int], date] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkCalendar:
        cfg = settings.calendar
        return cls(
            settings.facility.tz,
            weekdays=[WEEKDAYS.index(day) for day in cfg.working_days],
            work_start=time.fromisoformat(cfg.work_start),
            work_end=time.fromisoformat(cfg.work_end),
            day_hours={
                WEEKDAYS.index(day): (time.fromisoformat(start), time.fromisoformat(end))
                for day, (start, end) in cfg.day_hours.items()
            },
            national=cfg.national_holidays,
            days_off=cfg.holidays,
            quiet_start=time.fromisoformat(cfg.quiet_start),
            quiet_end=time.fromisoformat(cfg.quiet_end),
        )

    # --- working days and hours: deadlines ------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        """A national holiday, cuti bersama (when switched on) or one of the facility's own."""
        return day in self.days_off or (self.national and day in national_holidays(day.year))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not self.is_holiday(day)

    def is_working_time(self, at: datetime) -> bool:
        local = self.local(at)
        start, end = self.hours[local.weekday()]
        return self.is_working_day(local.date()) and start <= local.time() < end

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself in working time, else the next opening on a working day."""
        local = self.local(at)
        if self.is_working_time(local):
            return local
        day = local.date()
        if not (self.is_working_day(day) and local.time() < self.hours[day.weekday()][0]):
            day = self._working_day_after(day, 1)
        return datetime.combine(day, self.hours[day.weekday()][0], self.tz)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The deadline `days` working days after `start`.

        The count starts at `start` when it is working time, else at the next opening
        (work_start of the next working day, today's when `start` is before it). The
        deadline is that starting moment's local clock time on the `days`-th working day
        after the starting day, or that day's closing if it closes earlier. With the default
        calendar (Monday–Saturday, 07:30–14:30):
        Friday 10:00 + 2 → Monday 10:00; Friday 23:30 (closed) counts from Saturday 07:30
        → Tuesday 07:30; Saturday 10:00 before a Monday holiday + 1 → Tuesday 10:00.
        """
        if days < 0:
            raise ValueError("a deadline cannot lie before its start")
        anchor = self.next_opening(start)
        day = self._working_day_after(anchor.date(), days) if days else anchor.date()
        # On a shorter day (Friday to 11:00) a later clock time would fall after closing:
        # the deadline is then that day's closing, earlier rather than later.
        clock = min(anchor.time(), self.hours[day.weekday()][1])
        return datetime.combine(day, clock, self.tz)

    def _working_day_after(self, day: date, n: int) -> date:
        """The `n`-th working day after `day` (n ≥ 1)."""
        key = (day, n)
        found = self._later.get(key)
        if found is None:
            found, count = day, 0
            for _ in range(n * 7 + _SEARCH_DAYS):
                found += _DAY
                count += self.is_working_day(found)
                if count == n:
                    break
            else:
                raise ValueError(f"no working day within {_SEARCH_DAYS} days of {day}")
            self._later[key] = found
        return found

    # --- quiet hours: when mail that can wait may go --------------------------------------

    def is_quiet(self, at: datetime) -> bool:
        """Whether mail that can wait must wait at `at`: quiet hours, or a day off."""
        if not self.holds:
            return False
        local = self.local(at)
        return not self.is_working_day(local.date()) or self._in_quiet_hours(local.time())

    def next_unquiet(self, at: datetime) -> datetime:
        """`at` itself when it is not quiet, else the moment quiet time ends: quiet_end on
        the next working day (today's, if today is one and quiet_end is still to come)."""
        if not self.is_quiet(at):
            return self.local(at)
        for start, end in self._stretches(at):
            if end > at:
                return max(start, self.local(at))
        raise ValueError(f"no working day within {_SEARCH_DAYS} days of {at:%Y-%m-%d}")

    def next_quiet(self, at: datetime) -> datetime | None:
        """`at` itself when it is quiet, else the moment quiet time begins; None when
        nothing is ever quiet (quiet_start = quiet_end)."""
        if not self.holds:
            return None
        if self.is_quiet(at):
            return self.local(at)
        ends: datetime | None = None
        for start, end in self._stretches(at):
            if ends is not None and start > ends:
                break  # a gap: quiet time begins where the stretch holding `at` ends
            if end > at:
                ends = end
        assert ends is not None  # `at` is not quiet, so a stretch holds it
        return ends

    def notice_due(self, due: datetime, before: timedelta, now: datetime) -> bool:
        """Whether a notice meant for the `before` ahead of `due` (a reminder) goes at `now`.

        It goes in that window when it is not quiet. When the whole window is quiet (a
        deadline on Sunday morning), it goes in the last stretch of working time before it
        instead: a reminder that waits past its deadline reminds nobody.
        """
        if now >= due or self.is_quiet(now):
            return False
        opens = due - before
        if opens <= now:
            return True
        closes = self.next_quiet(now)
        return closes is not None and closes <= opens and self.next_unquiet(closes) >= due

    def notice_reach(self, now: datetime, before: timedelta) -> datetime:
        """The latest deadline `notice_due(due, before, now)` can be true for."""
        reach = now + before
        closes = self.next_quiet(now)
        if closes is None or closes == self.local(now):
            return reach
        return max(reach, self.next_unquiet(closes))

    def _in_quiet_hours(self, clock: time) -> bool:
        if self.quiet_start < self.quiet_end:  # e.g. 12:00–13:00
            return self.quiet_start <= clock < self.quiet_end
        return clock >= self.quiet_start or clock < self.quiet_end  # over midnight

    def _open(self, day: date) -> list[tuple[datetime, datetime]]:
        """The stretches of `day` in which mail that can wait may go."""
        if not self.is_working_day(day):
            return []
        midnight = datetime.combine(day, time(0), self.tz)
        next_midnight = datetime.combine(day + _DAY, time(0), self.tz)
        quiet_start = datetime.combine(day, self.quiet_start, self.tz)
        quiet_end = datetime.combine(day, self.quiet_end, self.tz)
        if self.quiet_start > self.quiet_end:  # over midnight: open between them
            return [(quiet_end, quiet_start)]
        pieces = [(midnight, quiet_start), (quiet_end, next_midnight)]
        return [(start, end) for start, end in pieces if start < end]

    def _stretches(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open stretches from the day of `at` on, in order (adjacent ones not merged)."""
        day = self.local(at).date()
        for offset in range(_SEARCH_DAYS):
            yield from self._open(day + offset * _DAY)

    def local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("naive datetime given to the calendar; use an aware one")
        return at.astimezone(self.tz)
