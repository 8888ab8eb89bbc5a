"""Business-hours arithmetic: opening, closing and counting open minutes across DST and holidays.

Expected instants are written out in UTC, worked out by hand from the 2026 transition dates in
``DST_2026`` (which ``test_the_2026_transition_dates_used_below_are_right`` checks against the
system time zone database).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.hours import (
    SEARCH_HORIZON_DAYS,
    Calendar,
    CalendarError,
    SearchHorizonError,
    Slot,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)
EVERY_DAY = tuple(range(7))
ONE_US = timedelta(microseconds=1)

# Local dates of 2026's clock changes: (spring forward, fall back).
DST_2026 = {
    "Europe/Berlin": (date(2026, 3, 29), date(2026, 10, 25)),
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Asia/Jerusalem": (date(2026, 3, 27), date(2026, 10, 25)),
    "Australia/Sydney": (date(2026, 10, 4), date(2026, 4, 5)),
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def week(days: tuple[int, ...], *slots: str) -> dict[int, tuple[Slot, ...]]:
    return {day: tuple(Slot.parse(text) for text in slots) for day in days}


def local_day_minutes(zone: str, day: date) -> float:
    tz = ZoneInfo(zone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz).astimezone(UTC)
    return (end - start) / timedelta(minutes=1)


def day_minutes(calendar: Calendar, zone: str, day: date) -> float:
    nxt = day + timedelta(days=1)
    return calendar.business_minutes_between(
        local(zone, day.year, day.month, day.day), local(zone, nxt.year, nxt.month, nxt.day)
    )


def intervals_on(calendar: Calendar, zone: str, day: date) -> list[tuple[datetime, datetime]]:
    nxt = day + timedelta(days=2)
    return list(
        calendar.open_intervals(
            local(zone, day.year, day.month, day.day), local(zone, nxt.year, nxt.month, nxt.day)
        )
    )


# -- the calendar data the DST cases rely on -------------------------------------------------------


@pytest.mark.parametrize("zone", sorted(DST_2026))
def test_the_2026_transition_dates_used_below_are_right(zone):
    spring, autumn = DST_2026[zone]
    short = [d for d in _days_of(2026) if local_day_minutes(zone, d) == 23 * 60]
    long = [d for d in _days_of(2026) if local_day_minutes(zone, d) == 25 * 60]
    assert (short, long) == ([spring], [autumn])


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


# -- Slot ------------------------------------------------------------------------------------------


def test_slots_parse_from_clock_text():
    assert Slot.parse("09:00-17:00") == Slot(540, 1020)
    assert Slot.parse("18:00-24:00") == Slot(1080, 1440)
    assert Slot.parse("22:00-02:00").overnight
    assert Slot.parse("22:00-02:00").length == 240
    assert not Slot.parse("00:00-24:00").overnight
    assert str(Slot(540, 1440)) == "09:00-24:00"


@pytest.mark.parametrize(
    "build",
    [
        lambda: Slot(-1, 60),
        lambda: Slot(1440, 60),
        lambda: Slot(0, 0),
        lambda: Slot(0, 1441),
        lambda: Slot(9.5, 60),
        lambda: Slot.parse("24:00-02:00"),
        lambda: Slot.parse("09:60-10:00"),
        lambda: Slot.parse("9am-5pm"),
    ],
)
def test_bad_minutes_are_refused(build):
    with pytest.raises(CalendarError):
        build()


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(timezone="Mars/Olympus_Mons", week={}), "unknown timezone"),
        (dict(timezone="../etc/passwd", week={}), "unknown timezone"),
        (dict(timezone="UTC", week=week((MON,), "09:00-12:00", "11:00-13:00")), "overlaps"),
        (dict(timezone="UTC", week=week((MON,), "09:00-12:00", "09:00-12:00")), "overlaps"),
        (
            dict(timezone="UTC", week=week((MON,), "11:59-13:00", "09:00-12:00")),
            "Monday 09:00-12:00 overlaps",
        ),
        (
            dict(timezone="UTC", week={**week((FRI,), "22:00-02:00"), **week((SAT,), "01:00-05:00")}),
            "overlaps",
        ),
        (
            dict(timezone="UTC", week={**week((SUN,), "22:00-02:00"), **week((MON,), "00:00-05:00")}),
            "overlaps",
        ),
        (dict(timezone="UTC", week={7: (Slot(0, 60),)}), "weekdays"),
        (dict(timezone="UTC", week={MON: ((540, 1020),)}), "expected Slot"),
        (dict(timezone="UTC", week={}, holidays=frozenset({datetime(2026, 12, 25)})), "dates"),
        (dict(timezone="UTC", week={}, closures=((utc(2026, 6, 2), utc(2026, 6, 1)),)), "ends before"),
        (
            dict(timezone="UTC", week={}, closures=((datetime(2026, 6, 1), utc(2026, 6, 2)),)),
            "timezone-aware",
        ),
    ],
)
def test_bad_calendars_are_refused_with_a_clear_error(kwargs, message):
    with pytest.raises(CalendarError, match=message):
        Calendar(**kwargs)


def test_touching_slots_are_not_an_overlap():
    Calendar("UTC", {**week((MON,), "09:00-12:00", "12:00-24:00"), **week((TUE,), "00:00-02:00")})
    Calendar("UTC", {**week((SUN,), "22:00-02:00"), **week((MON,), "02:00-05:00")})


def test_calendar_errors_are_value_errors_and_equal_calendars_hash_alike():
    assert issubclass(CalendarError, ValueError) and issubclass(SearchHorizonError, CalendarError)
    one = Calendar("UTC", week(WEEKDAYS, "09:00-17:00"), frozenset({date(2026, 1, 1)}))
    two = Calendar("UTC", week(WEEKDAYS, "09:00-17:00"), frozenset({date(2026, 1, 1)}))
    assert one == two and hash(one) == hash(two)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_open(datetime(2026, 6, 1, 10)),
        lambda c: c.next_opening(datetime(2026, 6, 1, 10)),
        lambda c: c.next_closing(datetime(2026, 6, 1, 10)),
        lambda c: c.add_business_minutes(datetime(2026, 6, 1, 10), 5),
        lambda c: c.business_minutes_between(utc(2026, 6, 1), datetime(2026, 6, 2)),
        lambda c: c.open_intervals(datetime(2026, 6, 1), utc(2026, 6, 2)),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(CalendarError, match="timezone-aware"):
        call(Calendar("UTC", week(WEEKDAYS, "09:00-17:00")))


@pytest.mark.parametrize("minutes", [-1, -0.5, math.nan, math.inf, "10"])
def test_minutes_must_be_a_finite_non_negative_number(minutes):
    with pytest.raises(CalendarError, match="minutes"):
        Calendar("UTC", week(WEEKDAYS, "09:00-17:00")).add_business_minutes(utc(2026, 6, 1), minutes)


# -- DST: Europe/Berlin ----------------------------------------------------------------------------

BERLIN = "Europe/Berlin"


def test_berlin_an_hour_slot_vanishes_in_spring_and_lasts_two_hours_in_autumn():
    desk = Calendar(BERLIN, week(EVERY_DAY, "02:00-03:00"))
    assert day_minutes(desk, BERLIN, date(2026, 3, 28)) == 60
    assert day_minutes(desk, BERLIN, date(2026, 3, 29)) == 0
    assert day_minutes(desk, BERLIN, date(2026, 10, 25)) == 120
    assert not desk.is_open(utc(2026, 3, 29, 1, 0))  # 03:00 CEST, the instant of the jump
    assert desk.next_opening(utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 30, 0, 0)  # 02:00 CEST next day
    # 02:00 CEST (first occurrence) to 03:00 CET
    assert desk.next_opening(utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 0)
    assert desk.next_closing(utc(2026, 10, 25, 0, 0)) == utc(2026, 10, 25, 2, 0)
    assert desk.is_open(utc(2026, 10, 25, 1, 30))  # 02:30 CET, the second time round


def test_berlin_nine_to_five_is_eight_real_hours_on_both_clock_change_days():
    desk = Calendar(BERLIN, week(EVERY_DAY, "09:00-17:00"))
    assert intervals_on(desk, BERLIN, date(2026, 3, 28))[0] == (utc(2026, 3, 28, 8), utc(2026, 3, 28, 16))
    assert intervals_on(desk, BERLIN, date(2026, 3, 29))[0] == (utc(2026, 3, 29, 7), utc(2026, 3, 29, 15))
    assert intervals_on(desk, BERLIN, date(2026, 10, 25))[0] == (utc(2026, 10, 25, 8), utc(2026, 10, 25, 16))
    for day in DST_2026[BERLIN]:
        assert day_minutes(desk, BERLIN, day) == 480


def test_berlin_a_slot_starting_in_the_spring_gap_opens_at_the_jump():
    desk = Calendar(BERLIN, week((SUN,), "02:30-04:00"))
    assert intervals_on(desk, BERLIN, date(2026, 3, 29)) == [(utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 2, 0))]
    assert intervals_on(desk, BERLIN, date(2026, 3, 22)) == [
        (utc(2026, 3, 22, 1, 30), utc(2026, 3, 22, 3, 0))
    ]
    assert desk.next_opening(utc(2026, 3, 29, 0, 0)) == utc(2026, 3, 29, 1, 0)


def test_berlin_an_ambiguous_start_is_the_first_occurrence_and_an_ambiguous_end_the_second():
    early = Calendar(BERLIN, week((SUN,), "01:00-02:30"))
    late = Calendar(BERLIN, week((SUN,), "02:30-05:00"))
    both = Calendar(BERLIN, week((SUN,), "01:00-02:30", "02:30-05:00"))
    autumn = date(2026, 10, 25)
    assert intervals_on(early, BERLIN, autumn) == [(utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 1, 30))]
    assert intervals_on(late, BERLIN, autumn) == [(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 4, 0))]
    # The two overlap in real time; the overlap is counted once.
    assert intervals_on(both, BERLIN, autumn) == [(utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 4, 0))]
    assert day_minutes(both, BERLIN, autumn) == 300


# -- DST: America/New_York -------------------------------------------------------------------------

NEW_YORK = "America/New_York"


def test_new_york_adding_across_the_spring_forward_weekend():
    desk = Calendar(NEW_YORK, week(EVERY_DAY, "09:00-17:00"))
    # Sat 16:00 EST + 2 h: one hour on Saturday, one from Sunday 09:00 EDT.
    assert desk.add_business_minutes(utc(2026, 3, 7, 21, 0), 120) == utc(2026, 3, 8, 14, 0)
    assert desk.business_minutes_between(utc(2026, 3, 7, 21, 0), utc(2026, 3, 8, 14, 0)) == 120


def test_new_york_a_saturday_night_shift_is_five_hours_in_spring_and_seven_in_autumn():
    desk = Calendar(NEW_YORK, week((SAT,), "22:00-04:00"))
    assert intervals_on(desk, NEW_YORK, date(2026, 3, 7)) == [(utc(2026, 3, 8, 3), utc(2026, 3, 8, 8))]
    assert intervals_on(desk, NEW_YORK, date(2026, 10, 31)) == [(utc(2026, 11, 1, 2), utc(2026, 11, 1, 9))]
    assert intervals_on(desk, NEW_YORK, date(2026, 6, 6)) == [(utc(2026, 6, 7, 2), utc(2026, 6, 7, 8))]
    assert desk.add_business_minutes(utc(2026, 10, 31, 12), 7 * 60) == utc(2026, 11, 1, 9)


# -- DST: Asia/Jerusalem (the week runs Sunday to Thursday) ----------------------------------------

JERUSALEM = "Asia/Jerusalem"


def test_jerusalem_adding_from_thursday_across_the_weekend_and_the_autumn_change():
    desk = Calendar(JERUSALEM, week((SUN, MON, TUE, WED, THU), "08:00-17:00"))
    # Thu 16:00 IDT (+3) + 2 h: one hour on Thursday, one from Sunday 08:00 IST (+2).
    assert desk.add_business_minutes(utc(2026, 10, 22, 13, 0), 120) == utc(2026, 10, 25, 7, 0)
    assert desk.next_opening(utc(2026, 10, 23, 9, 0)) == utc(2026, 10, 25, 6, 0)
    assert not desk.is_open(utc(2026, 10, 24, 9, 0))


def test_jerusalem_a_friday_slot_across_the_spring_gap():
    desk = Calendar(JERUSALEM, week((FRI,), "01:00-04:00"))
    assert intervals_on(desk, JERUSALEM, date(2026, 3, 27)) == [(utc(2026, 3, 26, 23), utc(2026, 3, 27, 1))]
    assert day_minutes(desk, JERUSALEM, date(2026, 3, 27)) == 120


# -- DST: Australia/Sydney (southern hemisphere: falls back in April) ------------------------------

SYDNEY = "Australia/Sydney"


def test_sydney_always_open_counts_real_minutes_and_never_closes():
    desk = Calendar.always_open(SYDNEY)
    assert day_minutes(desk, SYDNEY, date(2026, 4, 5)) == 25 * 60
    assert day_minutes(desk, SYDNEY, date(2026, 10, 4)) == 23 * 60
    start, end = local(SYDNEY, 2026, 4, 4), local(SYDNEY, 2026, 4, 7)
    assert list(desk.open_intervals(start, end)) == [(utc(2026, 4, 3, 13), utc(2026, 4, 6, 14))]
    t = utc(2026, 4, 4, 15, 17, 3, 5)
    assert desk.is_open(t) and desk.next_opening(t) == t
    assert desk.add_business_minutes(t, 600) == t + timedelta(hours=10)
    with pytest.raises(SearchHorizonError, match="stays open"):
        desk.next_closing(t)


def test_sydney_an_hour_slot_doubles_in_april_and_vanishes_in_october():
    desk = Calendar(SYDNEY, week((SUN,), "02:00-03:00"))
    # 02:00 AEDT (+11), first occurrence, to 03:00 AEST (+10).
    assert intervals_on(desk, SYDNEY, date(2026, 4, 5)) == [(utc(2026, 4, 4, 15), utc(2026, 4, 4, 17))]
    assert day_minutes(desk, SYDNEY, date(2026, 10, 4)) == 0
    assert desk.next_opening(utc(2026, 10, 3, 12)) == utc(2026, 10, 10, 15)  # a week later, 02:00 AEDT


# -- shapes of a week ------------------------------------------------------------------------------

KOLKATA = "Asia/Kolkata"


def test_split_hours_skip_the_lunch_break():
    desk = Calendar(KOLKATA, week(WEEKDAYS, "09:00-12:00", "13:00-17:00"))
    # Mon 8 June 2026, IST is +05:30.
    assert desk.add_business_minutes(utc(2026, 6, 8, 6, 0), 60) == utc(2026, 6, 8, 8, 0)  # 11:30 -> 13:30
    assert desk.business_minutes_between(local(KOLKATA, 2026, 6, 8), local(KOLKATA, 2026, 6, 9)) == 420
    assert not desk.is_open(utc(2026, 6, 8, 7, 0))  # 12:30
    assert desk.next_opening(utc(2026, 6, 8, 7, 0)) == utc(2026, 6, 8, 7, 30)
    assert desk.next_closing(utc(2026, 6, 8, 4, 0)) == utc(2026, 6, 8, 6, 30)
    assert list(desk.open_intervals(local(KOLKATA, 2026, 6, 8), local(KOLKATA, 2026, 6, 9))) == [
        (utc(2026, 6, 8, 3, 30), utc(2026, 6, 8, 6, 30)),
        (utc(2026, 6, 8, 7, 30), utc(2026, 6, 8, 11, 30)),
    ]


def test_adding_across_a_weekend():
    desk = Calendar(KOLKATA, week(WEEKDAYS, "09:00-17:00"))
    # Fri 12 June 16:00 IST + 2 h = Mon 15 June 10:00 IST.
    assert desk.add_business_minutes(utc(2026, 6, 12, 10, 30), 120) == utc(2026, 6, 15, 4, 30)
    assert desk.next_opening(utc(2026, 6, 13, 9)) == utc(2026, 6, 15, 3, 30)


def test_adding_zero_returns_the_instant_itself_even_when_closed_and_a_closing_time_is_a_deadline():
    desk = Calendar("UTC", week(WEEKDAYS, "09:00-17:00"))
    saturday = utc(2026, 6, 13, 9)
    assert desk.add_business_minutes(saturday, 0) == saturday
    assert desk.add_business_minutes(saturday, 1) == utc(2026, 6, 15, 9, 1)
    # Used up exactly at Friday's closing: the deadline is 17:00 Friday, not Monday's opening.
    assert desk.add_business_minutes(utc(2026, 6, 12, 16), 60) == utc(2026, 6, 12, 17)
    assert desk.add_business_minutes(utc(2026, 6, 12, 16), 60.5) == utc(2026, 6, 15, 9, 0, 30)


def test_a_slot_ending_at_midnight_runs_on_into_one_starting_at_midnight():
    desk = Calendar(BERLIN, {**week((MON,), "18:00-24:00"), **week((TUE,), "00:00-06:00")})
    # Mon 8 June 2026, CEST is +02:00.
    assert list(desk.open_intervals(utc(2026, 6, 8), utc(2026, 6, 10))) == [
        (utc(2026, 6, 8, 16), utc(2026, 6, 9, 4))
    ]
    assert desk.next_closing(utc(2026, 6, 8, 20)) == utc(2026, 6, 9, 4)
    assert desk.add_business_minutes(utc(2026, 6, 8, 21, 30), 60) == utc(2026, 6, 8, 22, 30)


def test_an_overnight_slot_belongs_to_the_day_it_starts_on():
    shift = week((FRI,), "22:00-02:00")
    plain = Calendar(BERLIN, shift)
    friday_off = Calendar(BERLIN, shift, holidays=frozenset({date(2026, 6, 5)}))
    saturday_off = Calendar(BERLIN, shift, holidays=frozenset({date(2026, 6, 6)}))
    night = [(utc(2026, 6, 5, 20), utc(2026, 6, 6, 0))]  # Fri 22:00 to Sat 02:00 CEST
    assert intervals_on(plain, BERLIN, date(2026, 6, 5)) == night
    assert intervals_on(saturday_off, BERLIN, date(2026, 6, 5)) == night
    assert intervals_on(friday_off, BERLIN, date(2026, 6, 5)) == []
    assert plain.is_open(utc(2026, 6, 5, 23, 30)) and not friday_off.is_open(utc(2026, 6, 5, 23, 30))
    assert plain.next_closing(utc(2026, 6, 5, 21)) == utc(2026, 6, 6, 0)
    # Starting in Saturday's small hours, the tail of Friday's shift counts.
    assert plain.add_business_minutes(utc(2026, 6, 5, 23), 30) == utc(2026, 6, 5, 23, 30)


# -- holidays and closures -------------------------------------------------------------------------


def test_holidays_close_whole_local_days():
    christmas = frozenset({date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)})
    desk = Calendar(BERLIN, week(WEEKDAYS, "09:00-17:00"), holidays=christmas)
    # Wed 23 Dec 16:00 CET + 2 h = Mon 28 Dec 10:00 CET.
    assert desk.add_business_minutes(utc(2026, 12, 23, 15), 120) == utc(2026, 12, 28, 9)
    assert not desk.is_open(utc(2026, 12, 24, 10))
    assert desk.business_minutes_between(utc(2026, 12, 21), utc(2026, 12, 28)) == 3 * 480


def test_a_holiday_does_not_spill_into_the_next_day():
    whit_monday = frozenset({date(2026, 5, 25)})
    desk = Calendar(BERLIN, week(WEEKDAYS, "09:00-17:00"), holidays=whit_monday)
    # Fri 22 May 16:00 CEST + 2 h = Tue 26 May 10:00 CEST.
    assert desk.add_business_minutes(utc(2026, 5, 22, 14), 120) == utc(2026, 5, 26, 8)
    assert desk.next_opening(utc(2026, 5, 25, 8)) == utc(2026, 5, 26, 7)


def test_three_weeks_of_holidays_are_stepped_over():
    first = date(2026, 12, 21)
    break_ = frozenset(first + timedelta(days=i) for i in range(19))  # Mon 21 Dec to Fri 8 Jan
    desk = Calendar(BERLIN, week(WEEKDAYS, "09:00-17:00"), holidays=break_)
    assert desk.next_opening(utc(2026, 12, 18, 16)) == utc(2027, 1, 11, 8)
    assert desk.add_business_minutes(utc(2026, 12, 18, 15), 120) == utc(2027, 1, 11, 9)


def test_a_one_off_closure_cuts_a_day():
    lunch_meeting = (local(BERLIN, 2026, 6, 10, 12), local(BERLIN, 2026, 6, 10, 14))  # Wednesday
    desk = Calendar(BERLIN, week(WEEKDAYS, "09:00-17:00"), closures=(lunch_meeting,))
    assert desk.closures == ((utc(2026, 6, 10, 10), utc(2026, 6, 10, 12)),)
    assert list(desk.open_intervals(utc(2026, 6, 10), utc(2026, 6, 11))) == [
        (utc(2026, 6, 10, 7), utc(2026, 6, 10, 10)),
        (utc(2026, 6, 10, 12), utc(2026, 6, 10, 15)),
    ]
    assert desk.add_business_minutes(utc(2026, 6, 10, 9), 120) == utc(2026, 6, 10, 13)
    assert not desk.is_open(utc(2026, 6, 10, 10, 30))
    assert not desk.is_open(utc(2026, 6, 10, 10)) and desk.is_open(utc(2026, 6, 10, 12))
    assert desk.next_opening(utc(2026, 6, 10, 10, 30)) == utc(2026, 6, 10, 12)
    assert desk.next_closing(utc(2026, 6, 10, 8)) == utc(2026, 6, 10, 10)


def test_a_closure_over_several_days_and_overlapping_closures():
    move = (utc(2026, 6, 11, 13), utc(2026, 6, 15, 10))  # Thu 15:00 to Mon 12:00 CEST
    overlapping = (utc(2026, 6, 15, 9), utc(2026, 6, 15, 11))
    desk = Calendar(BERLIN, week(WEEKDAYS, "09:00-17:00"), closures=(overlapping, move))
    assert desk.add_business_minutes(utc(2026, 6, 11, 12), 120) == utc(2026, 6, 15, 12)
    assert desk.business_minutes_between(utc(2026, 6, 11), utc(2026, 6, 16)) == 6 * 60 + 4 * 60


def test_a_calendar_without_slots_never_opens():
    desk = Calendar(BERLIN, {})
    t = utc(2026, 6, 10, 12)
    assert not desk.is_open(t)
    assert desk.next_opening(t) is None
    assert desk.next_closing(t) is None
    assert desk.add_business_minutes(t, 0) == t
    assert desk.business_minutes_between(t, t + timedelta(days=400)) == 0
    assert list(desk.open_intervals(t, t + timedelta(days=400))) == []
    with pytest.raises(SearchHorizonError, match="no opening hours"):
        desk.add_business_minutes(t, 5)


def test_a_utc_desk_open_all_week():
    desk = Calendar.always_open()
    t = utc(2026, 6, 10, 12, 0, 0, 1)
    assert desk.add_business_minutes(t, 10 * 366 * 24 * 60) == t + timedelta(days=10 * 366)
    assert desk.business_minutes_between(t, t + timedelta(days=2)) == 2 * 24 * 60
    assert list(desk.open_intervals(t, t + timedelta(days=2))) == [(t, t + timedelta(days=2))]


# -- long closed stretches: a search steps days and gives up at the horizon -------------------------


def test_a_desk_open_one_hour_a_week_is_searched_quickly():
    desk = Calendar("UTC", week((MON,), "09:00-10:00"))
    monday = utc(2026, 1, 5)
    assert desk.add_business_minutes(monday, 150 * 60) == monday + timedelta(weeks=149, hours=10)


def test_searches_give_up_after_the_horizon_of_closed_days():
    mondays = frozenset(date(2026, 1, 5) + timedelta(weeks=i) for i in range(4 * 53))
    desk = Calendar("UTC", week((MON,), "09:00-10:00"), holidays=mondays)
    t = utc(2026, 1, 1)
    with pytest.raises(SearchHorizonError, match=f"no opening within {SEARCH_HORIZON_DAYS} days"):
        desk.next_opening(t)
    with pytest.raises(SearchHorizonError):
        desk.add_business_minutes(t, 1)
    # Bounded questions stay answerable.
    assert not desk.is_open(utc(2026, 1, 5, 9, 30))
    assert desk.next_closing(t) is None
    assert desk.business_minutes_between(t, utc(2030, 1, 1)) == 0


def test_a_closure_shorter_than_the_horizon_is_waited_out():
    sabbatical = (utc(2026, 1, 1), utc(2028, 1, 1, 12))
    desk = Calendar("UTC", week(EVERY_DAY, "00:00-24:00"), closures=(sabbatical,))
    assert desk.next_opening(utc(2026, 3, 1)) == utc(2028, 1, 1, 12)
    endless = Calendar("UTC", week(EVERY_DAY, "00:00-24:00"), closures=((utc(2026, 1, 1), utc(2031, 1, 1)),))
    with pytest.raises(SearchHorizonError):
        endless.next_opening(utc(2026, 3, 1))


# -- properties over random calendars --------------------------------------------------------------

ZONES = (*sorted(DST_2026), "UTC", KOLKATA)
EARLIEST, LATEST = utc(2025, 9, 1), utc(2027, 9, 1)
WEEK_MINUTES = 7 * 24 * 60
PROPERTIES = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def weeks(draw) -> dict[int, tuple[Slot, ...]]:
    """Disjoint spans on the weekly clock, turned into slots (overnight ones included)."""
    on_the_half_hour = st.integers(0, WEEK_MINUTES // 30 - 1).map(lambda k: k * 30)
    points = sorted(draw(st.sets(st.one_of(on_the_half_hour, st.integers(0, WEEK_MINUTES - 1)), max_size=12)))
    turn = draw(on_the_half_hour)  # rotating lets a Sunday night run into Monday
    slots: dict[int, list[Slot]] = {}
    for begin, finish in zip(points[::2], points[1::2], strict=False):
        length = min(finish - begin, 24 * 60)
        start = (begin + turn) % WEEK_MINUTES
        day, minute = divmod(start, 24 * 60)
        end = minute + length
        slots.setdefault(day, []).append(Slot(minute, end if end <= 24 * 60 else end - 24 * 60))
    return {day: tuple(found) for day, found in slots.items()}


def instants(zone: str) -> st.SearchStrategy[datetime]:
    anywhere = st.datetimes(
        EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None), timezones=st.just(UTC)
    )
    changes = [local(zone, d.year, d.month, d.day).astimezone(UTC) for d in DST_2026.get(zone, ())]
    # Whole half-hours of local time land on slot edges, where off-by-one mistakes live.
    on_the_clock = st.builds(
        lambda day, half_hours: datetime.combine(
            day, time(half_hours // 2, 30 * (half_hours % 2)), ZoneInfo(zone)
        ),
        st.dates(EARLIEST.date(), LATEST.date()),
        st.integers(0, 47),
    ).map(lambda t: t.astimezone(UTC))
    if not changes:
        return st.one_of(anywhere, on_the_clock)
    near_a_change = st.builds(
        lambda change, minutes: change + timedelta(minutes=minutes),
        st.sampled_from(changes),
        st.integers(-2 * 24 * 60, 2 * 24 * 60),
    )
    return st.one_of(anywhere, on_the_clock, near_a_change)


@st.composite
def calendars(draw) -> Calendar:
    zone = draw(st.sampled_from(ZONES))
    if draw(st.integers(0, 15)) == 0:
        return Calendar.always_open(zone)
    days = st.dates(EARLIEST.date(), LATEST.date())
    holidays = set(draw(st.sets(days, max_size=20)))
    first, run = draw(days), draw(st.integers(0, 25))
    holidays |= {first + timedelta(days=i) for i in range(run)}
    closures = draw(
        st.lists(
            st.builds(
                lambda t, m: (t, t + timedelta(minutes=m)), instants(zone), st.integers(0, 10 * 24 * 60)
            ),
            max_size=3,
        )
    )
    return Calendar(zone, draw(weeks()), frozenset(holidays), tuple(closures))


business_minutes = st.one_of(st.integers(0, 20_000), st.floats(0, 20_000, allow_nan=False))


def has_slots(calendar: Calendar) -> bool:
    return any(calendar.week.values())


@PROPERTIES
@given(data=st.data(), minutes=business_minutes)
def test_adding_then_measuring_gives_back_the_minutes(data, minutes):
    calendar = data.draw(calendars())
    t = data.draw(instants(calendar.timezone))
    if not has_slots(calendar) and minutes > 0:
        with pytest.raises(SearchHorizonError):
            calendar.add_business_minutes(t, minutes)
        return
    result = calendar.add_business_minutes(t, minutes)
    assert result >= t and result.tzinfo is UTC
    assert calendar.business_minutes_between(t, result) == pytest.approx(minutes, abs=1e-6)
    if minutes > 0:  # work ends while open, or exactly as the desk closes
        around = calendar.open_intervals(result - timedelta(days=2), result + timedelta(days=2))
        assert calendar.is_open(result) or any(a < result <= b for a, b in around)


@PROPERTIES
@given(data=st.data())
def test_measuring_is_additive(data):
    calendar = data.draw(calendars())
    a, b, c = sorted(data.draw(st.lists(instants(calendar.timezone), min_size=3, max_size=3)))
    whole = calendar.business_minutes_between(a, c)
    assert whole == pytest.approx(
        calendar.business_minutes_between(a, b) + calendar.business_minutes_between(b, c), abs=1e-6
    )
    assert 0 <= whole <= (c - a) / timedelta(minutes=1) + 1e-6
    assert calendar.business_minutes_between(c, a) == 0 or a == c


@PROPERTIES
@given(data=st.data())
def test_is_open_agrees_with_open_intervals(data):
    calendar = data.draw(calendars())
    t = data.draw(instants(calendar.timezone))
    start, end = t - timedelta(days=3), t + timedelta(days=3)
    intervals = list(calendar.open_intervals(start, end))
    assert calendar.is_open(t) == any(a <= t < b for a, b in intervals)
    for a, b in intervals:
        assert start <= a < b <= end
        assert calendar.is_open(a) and calendar.is_open(b - ONE_US)
        if b < end:
            assert not calendar.is_open(b)
    for (_, b), (a, _) in zip(intervals, intervals[1:], strict=False):
        assert b < a  # merged: never touching, never overlapping
    total = sum(((b - a) for a, b in intervals), timedelta()) / timedelta(minutes=1)
    assert total == calendar.business_minutes_between(start, end)


@PROPERTIES
@given(data=st.data())
def test_next_opening_and_next_closing_bracket_open_time(data):
    calendar = data.draw(calendars())
    t = data.draw(instants(calendar.timezone))
    opening = calendar.next_opening(t)
    if not has_slots(calendar):
        assert opening is None
        return
    assert opening is not None and opening >= t
    assert calendar.is_open(opening)
    assert calendar.business_minutes_between(t, opening) == 0
    assert (opening == t) == calendar.is_open(t)
    if not calendar.is_open(t):
        assert calendar.next_closing(t) is None
        return
    try:
        closing = calendar.next_closing(t)
    except SearchHorizonError:
        assert calendar.week == Calendar.always_open(calendar.timezone).week and not calendar.closures
        return
    assert closing is not None and closing > t and not calendar.is_open(closing)
    assert calendar.business_minutes_between(t, closing) == (closing - t) / timedelta(minutes=1)


@PROPERTIES
@given(data=st.data(), minutes=st.lists(business_minutes, min_size=2, max_size=2))
def test_more_minutes_or_a_later_start_never_finish_earlier(data, minutes):
    calendar = data.draw(calendars())
    if not has_slots(calendar):
        return
    t, later = sorted(data.draw(st.lists(instants(calendar.timezone), min_size=2, max_size=2)))
    fewer, more = sorted(minutes)
    assert calendar.add_business_minutes(t, fewer) <= calendar.add_business_minutes(t, more)
    assert calendar.add_business_minutes(t, more) <= calendar.add_business_minutes(later, more)
