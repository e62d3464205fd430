"""Working days, holidays and quiet hours of a facility (daemon/calendar.py), and the due
dates the register computes with them."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aduan.daemon.calendar import WorkCalendar, national_holidays, working_days_for
from aduan.daemon.config import Calendar, Deadlines, Facility, Settings, parse_settings
from aduan.daemon.errors import ConfigError
from aduan.daemon.register import due_dates

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
MONDAY_TO_FRIDAY = range(5)


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def calendar(**kwargs: object) -> WorkCalendar:
    return WorkCalendar(WIB, **kwargs)  # type: ignore[arg-type]


# --- holidays -----------------------------------------------------------------------------


def test_national_holidays_include_cuti_bersama() -> None:
    days = national_holidays(2026)
    assert date(2026, 8, 17) in days  # Hari Kemerdekaan
    # Cuti bersama around Idul Fitri 1447 H (21–22 March) and before Christmas.
    assert {date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)} <= days
    assert date(2026, 12, 24) in days
    assert date(2026, 11, 23) not in days
    assert national_holidays(2026) is days  # computed once per year


def test_working_days_are_the_weekdays_minus_every_kind_of_day_off() -> None:
    default = calendar()
    assert default.is_working_day(date(2026, 11, 21))  # Saturday: most Puskesmas serve
    assert not default.is_working_day(date(2026, 11, 22))  # Sunday
    assert not default.is_working_day(date(2026, 8, 17))
    assert not default.is_working_day(date(2026, 3, 23))  # cuti bersama
    assert not calendar(weekdays=MONDAY_TO_FRIDAY).is_working_day(date(2026, 11, 21))
    assert calendar(national=False).is_working_day(date(2026, 8, 17))
    own = calendar(days_off=[date(2026, 11, 24)])  # the regency's anniversary
    assert not own.is_working_day(date(2026, 11, 24))


def test_working_time_is_the_opening_hours_of_a_working_day() -> None:
    cal = calendar()
    assert cal.is_working_time(wib("2026-11-23T07:30"))
    assert cal.is_working_time(wib("2026-11-23T14:29"))
    assert not cal.is_working_time(wib("2026-11-23T14:30"))
    assert not cal.is_working_time(wib("2026-11-23T07:29"))
    assert not cal.is_working_time(wib("2026-11-22T10:00"))  # Sunday
    assert not cal.is_working_time(wib("2026-08-17T10:00"))


# --- deadlines in working days ------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Saturday is a working day by default; Sunday is not.
        ("2026-11-19T10:00", 2, "2026-11-21T10:00"),  # Thursday → Saturday
        ("2026-11-20T10:00", 2, "2026-11-23T10:00"),  # Friday → Monday
        ("2026-11-21T10:00", 1, "2026-11-23T10:00"),  # Saturday → Monday
        # Received outside working hours: counted from the next opening.
        ("2026-11-20T23:30", 2, "2026-11-24T07:30"),  # Friday night → from Saturday 07:30
        ("2026-11-23T06:00", 2, "2026-11-25T07:30"),  # before opening → from today's
        ("2026-11-23T15:00", 2, "2026-11-26T07:30"),  # after closing → from tomorrow's
        ("2026-11-22T10:00", 2, "2026-11-25T07:30"),  # Sunday → from Monday 07:30
        # 17 Agustus 2026 is a Monday.
        ("2026-08-14T10:00", 2, "2026-08-18T10:00"),
        ("2026-08-17T10:00", 1, "2026-08-19T07:30"),  # on the holiday itself
        # Cuti bersama: Nyepi 18–19, Idul Fitri 20–24 March 2026 (21 is Saturday).
        ("2026-03-17T10:00", 2, "2026-03-26T10:00"),
        ("2026-03-20T09:00", 1, "2026-03-26T07:30"),
        # 24 December is cuti bersama, 25 Christmas, 26 a Saturday.
        ("2026-12-23T10:00", 2, "2026-12-28T10:00"),
        ("2026-11-23T10:00", 0, "2026-11-23T10:00"),
    ],
)
def test_add_working_days_on_the_default_calendar(received: str, days: int, due: str) -> None:
    assert calendar().add_working_days(wib(received), days) == wib(due)


def test_a_monday_to_friday_week_skips_saturday_too() -> None:
    cal = calendar(weekdays=MONDAY_TO_FRIDAY)
    assert cal.add_working_days(wib("2026-11-20T10:00"), 2) == wib("2026-11-24T10:00")
    assert cal.add_working_days(wib("2026-11-20T23:30"), 2) == wib("2026-11-25T07:30")


def test_national_holidays_can_be_switched_off_and_local_days_added() -> None:
    off = calendar(national=False)
    assert off.add_working_days(wib("2026-03-17T10:00"), 2) == wib("2026-03-19T10:00")
    own = calendar(days_off=[date(2026, 11, 24)])
    assert own.add_working_days(wib("2026-11-23T10:00"), 1) == wib("2026-11-25T10:00")


def test_the_facility_zone_decides_the_local_day_and_hours() -> None:
    # Friday 23:30 WIB is Saturday 01:30 WIT: a different local date for the same instant.
    instant = wib("2026-11-20T23:30").astimezone(UTC)
    in_jakarta, in_jayapura = WorkCalendar(WIB), WorkCalendar(WIT)
    assert instant.astimezone(WIB).date() == date(2026, 11, 20)
    assert instant.astimezone(WIT).date() == date(2026, 11, 21)
    # Both are outside working hours; each counts from its own Saturday 07:30.
    jakarta_due = in_jakarta.add_working_days(instant, 2)
    jayapura_due = in_jayapura.add_working_days(instant, 2)
    assert jakarta_due == datetime(2026, 11, 24, 7, 30, tzinfo=WIB)
    assert jayapura_due == datetime(2026, 11, 24, 7, 30, tzinfo=WIT)
    assert jakarta_due - jayapura_due == timedelta(hours=2)
    # 14:00 WIB is still open in Jakarta, while Jayapura (16:00 WIT) has closed.
    afternoon = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert in_jakarta.add_working_days(afternoon, 2) == datetime(2026, 11, 23, 14, tzinfo=WIB)
    assert in_jayapura.add_working_days(afternoon, 2) == datetime(2026, 11, 24, 7, 30, tzinfo=WIT)
    # Sunday 23:30 in Makassar is Monday 00:30 in Jayapura, both quiet until their 07:00.
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=WITA)
    assert WorkCalendar(WITA).next_unquiet(sunday_night) == datetime(2026, 11, 23, 7, tzinfo=WITA)
    assert in_jayapura.next_unquiet(sunday_night) == datetime(2026, 11, 23, 7, tzinfo=WIT)


def test_hours_become_working_days_rounded_up() -> None:
    assert [working_days_for(h) for h in (12, 24, 36, 48, 72)] == [1, 1, 2, 2, 3]


# --- due dates of an entry ----------------------------------------------------------------


def test_wall_clock_deadlines_are_exact_hours_and_days_by_default() -> None:
    received = wib("2026-11-21T22:15")  # Saturday night: the wall clock does not care
    forward, answer, resolve = due_dates(received, "email", Deadlines(), calendar())
    assert forward == received + timedelta(hours=48)
    assert answer == received + timedelta(hours=72)
    assert resolve == received + timedelta(days=60)
    _, no_answer, _ = due_dates(received, "langsung", Deadlines(), calendar())
    assert no_answer is None  # the answer deadline is for electronic channels


def test_working_day_deadlines_follow_the_calendar() -> None:
    deadlines = Deadlines(
        forward=36,
        forward_count="hari_kerja",
        answer_count="hari_kerja",
        resolve_count="hari_kerja",
    )
    # Christmas the only day off: 2027's Islamic holidays are still estimates.
    cal = calendar(national=False, days_off=[date(2026, 12, 25)])
    forward, answer, resolve = due_dates(wib("2026-11-20T10:00"), "web", deadlines, cal)
    assert forward == wib("2026-11-23T10:00")  # 36 h → 2 working days
    assert answer == wib("2026-11-24T10:00")  # 72 h → 3 working days
    # 60 working days: ten six-day weeks from Friday 20 November, plus Christmas.
    assert resolve == wib("2027-01-30T10:00")
    mixed = Deadlines(answer_count="hari_kerja")
    forward, answer, _ = due_dates(wib("2026-11-20T10:00"), "email", mixed, calendar())
    assert forward == wib("2026-11-22T10:00")  # still 48 h on the clock, Sunday or not
    assert answer == wib("2026-11-24T10:00")


# --- quiet hours --------------------------------------------------------------------------


def test_quiet_hours_and_days_off_hold_mail_until_a_working_morning() -> None:
    cal = calendar()
    assert not cal.is_quiet(wib("2026-11-23T19:59"))
    assert cal.is_quiet(wib("2026-11-23T20:00"))
    assert cal.is_quiet(wib("2026-11-24T06:59"))
    assert cal.next_unquiet(wib("2026-11-23T22:00")) == wib("2026-11-24T07:00")
    assert cal.next_unquiet(wib("2026-11-24T03:00")) == wib("2026-11-24T07:00")
    # Saturday night → Monday: Sunday is a day off.
    assert cal.next_unquiet(wib("2026-11-21T22:00")) == wib("2026-11-23T07:00")
    assert cal.is_quiet(wib("2026-11-22T12:00"))
    # Sunday 16 August → Tuesday 18: 17 Agustus is off.
    assert cal.next_unquiet(wib("2026-08-15T21:00")) == wib("2026-08-18T07:00")
    # Lebaran: from Nyepi's eve to the Wednesday after the cuti bersama.
    assert cal.next_unquiet(wib("2026-03-17T20:30")) == wib("2026-03-25T07:00")
    assert cal.next_unquiet(wib("2026-11-23T10:00")) == wib("2026-11-23T10:00")
    assert cal.next_quiet(wib("2026-11-23T10:00")) == wib("2026-11-23T20:00")


def test_quiet_hours_within_a_day_and_none_at_all() -> None:
    lunch = calendar(quiet_start=time(12), quiet_end=time(13))
    assert lunch.is_quiet(wib("2026-11-23T12:30"))
    assert not lunch.is_quiet(wib("2026-11-23T23:00"))
    assert lunch.next_unquiet(wib("2026-11-23T12:30")) == wib("2026-11-23T13:00")
    # From Monday afternoon the next quiet moment is Tuesday noon (midnight is no break)…
    assert lunch.next_quiet(wib("2026-11-23T14:00")) == wib("2026-11-24T12:00")
    # … and from Saturday afternoon it is Sunday, a day off.
    assert lunch.next_quiet(wib("2026-11-21T14:00")) == wib("2026-11-22T00:00")
    never = calendar(quiet_start=time(0), quiet_end=time(0))
    assert not never.is_quiet(wib("2026-11-22T23:00"))  # not even on a Sunday night
    assert never.next_quiet(wib("2026-11-22T23:00")) is None


def test_a_reminder_whose_window_is_all_quiet_goes_in_the_last_working_stretch() -> None:
    cal, before = calendar(), timedelta(hours=12)
    # Due Wednesday 10:00: the window opens Tuesday 22:00 (quiet) and goes at 07:00.
    due = wib("2026-11-25T10:00")
    assert not cal.notice_due(due, before, wib("2026-11-24T22:00"))
    assert cal.notice_due(due, before, wib("2026-11-25T07:00"))
    assert not cal.notice_due(due, before, wib("2026-11-24T19:00"))  # not early: 07:00 is in time
    # Due Sunday 10:00: all of the window is quiet; it goes on Saturday, not after the due.
    sunday = wib("2026-11-22T10:00")
    assert not cal.notice_due(sunday, before, wib("2026-11-20T19:00"))
    assert cal.notice_due(sunday, before, wib("2026-11-21T07:00"))
    assert cal.notice_reach(wib("2026-11-21T07:00"), before) == wib("2026-11-23T07:00")
    assert not cal.notice_due(sunday, before, wib("2026-11-21T21:00"))
    assert not cal.notice_due(sunday, before, wib("2026-11-23T07:00"))  # past: too late


def test_a_shorter_friday_ends_working_time_and_deadlines_earlier() -> None:
    # Friday 07:30-11:00, Saturday 07:30-12:30, other days 07:30-14:30 (a common Puskesmas week).
    cal = calendar(day_hours={4: (time(7, 30), time(11)), 5: (time(7, 30), time(12, 30))})
    friday = datetime(2026, 11, 27, 11, 30, tzinfo=WIB)
    assert not cal.is_working_time(friday)
    assert cal.is_working_time(friday.replace(hour=10))
    assert cal.next_opening(friday) == datetime(2026, 11, 28, 7, 30, tzinfo=WIB)
    # Thursday 13:00 + 1 working day: Friday closes at 11:00, so the deadline is then.
    thursday = datetime(2026, 11, 26, 13, tzinfo=WIB)
    assert cal.add_working_days(thursday, 1) == datetime(2026, 11, 27, 11, tzinfo=WIB)
    # ... and + 2 lands on Saturday at 12:30, its closing.
    assert cal.add_working_days(thursday, 2) == datetime(2026, 11, 28, 12, 30, tzinfo=WIB)
    assert cal.add_working_days(thursday, 3) == datetime(2026, 11, 30, 13, tzinfo=WIB)


# --- configuration ------------------------------------------------------------------------


def test_calendar_section_from_toml(tmp_path: Path) -> None:
    text = """
[facility]
timezone = "Asia/Jayapura"
[calendar]
working_days = ["senin", "selasa", "rabu", "kamis", "jumat"]
work_start = "08:00"
work_end = "15:00"
holidays = [2026-11-24]
quiet_start = "21:00"
quiet_end = "06:30"
quiet_applies_to_urgent = true
day_hours = {jumat = ["08:00", "11:00"]}
[deadlines]
forward_count = "hari_kerja"
resolve_count = "hari_kerja"
"""
    settings = parse_settings(tomllib.loads(text), tmp_path / "aduan.toml")
    cal = WorkCalendar.from_settings(settings)
    assert cal.tz == WIT and cal.weekdays == frozenset(range(5))
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.next_unquiet(datetime(2026, 11, 23, 22, tzinfo=WIT)) == datetime(
        2026, 11, 25, 6, 30, tzinfo=WIT
    )
    assert settings.calendar.quiet_applies_to_urgent
    assert cal.hours[4] == (time(8), time(11)) and cal.hours[0] == (time(8), time(15))
    assert settings.deadlines.forward == 48 and settings.deadlines.answer_count == "jam"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[calendar]\nwork_start = "15:00"', "must be before work_end"),
        ('[calendar]\nday_hours = {jumat = ["11:00", "07:30"]}', "day_hours.jumat"),
        ('[calendar]\nday_hours = {friday = ["07:30", "11:00"]}', "calendar.day_hours"),
        ("[calendar]\nworking_days = []", "calendar.working_days"),
        ('[calendar]\nworking_days = ["sunday"]', "calendar.working_days"),
        ('[calendar]\nquiet_end = "7:00"', "calendar.quiet_end"),
        ('[deadlines]\nresolve_count = "jam"', "deadlines.resolve_count"),
        ('[deadlines]\nforward_count = "hari"', "deadlines.forward_count"),
    ],
)
def test_calendar_mistakes_are_config_errors(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_settings(tomllib.loads(text), tmp_path / "aduan.toml")


def test_default_settings_keep_the_sop_defaults() -> None:
    settings = Settings(facility=Facility())
    assert settings.calendar == Calendar()
    assert (settings.deadlines.forward_count, settings.deadlines.resolve_count) == ("jam", "hari")
    assert settings.calendar.working_days[-1] == "sabtu"
