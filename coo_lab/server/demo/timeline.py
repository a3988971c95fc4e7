"""The demo's time: microsecond timestamps in UTC, China's calendar dates, the working
calendar (weekends, Spring Festival, National Day) and reviewers' office hours.

The simulation counts in integer microseconds since 1970-01-01 UTC; texts are cached because
dates and timestamps are written by the million.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SEC = 1_000_000
MINUTE = 60 * _SEC
HOUR = 60 * MINUTE
DAY = 24 * HOUR
CHINA = 8 * HOUR  # dates on a certificate are China's calendar dates (``clock.china_date``)
# Spring Festival (the week from New Year's Eve is nearly dead, the next one slow)
_SPRING_FESTIVAL = tuple(
    date.fromisoformat(d)
    for d in (
        "2022-02-01",
        "2023-01-22",
        "2024-02-10",
        "2025-01-29",
        "2026-02-17",
        "2027-02-06",
        "2028-01-26",
        "2029-02-13",
        "2030-02-03",
    )
)


def to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def to_datetime(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


_DAY_TEXT: dict[int, str] = {}


def day_text(index: int) -> str:
    """A day (counted from 1970-01-01) as an ISO date, cached: dates are written by the
    million."""
    text = _DAY_TEXT.get(index)
    if text is None:
        text = _DAY_TEXT[index] = (_EPOCH + timedelta(days=index)).date().isoformat()
    return text


def utc_day(us: int) -> str:
    """The date of a timestamp, ISO."""
    return day_text(us // DAY)


def utc_date(us: int) -> date:
    return (_EPOCH + timedelta(microseconds=us)).date()


_MINUTE_TEXT: dict[int, str] = {}


def iso(us: int) -> str:
    """``auth.iso``: the service's timestamp columns (``datetime.isoformat``, microseconds)."""
    minute, rest = divmod(us, MINUTE)
    text = _MINUTE_TEXT.get(minute)
    if text is None:
        if len(_MINUTE_TEXT) > 200_000:
            _MINUTE_TEXT.clear()
        h, m = divmod(minute % 1440, 60)
        text = _MINUTE_TEXT[minute] = f"{utc_day(us)}T{h:02d}:{m:02d}:"
    return f"{text}{rest // _SEC:02d}.{rest % _SEC:06d}+00:00"


def odd(us: int) -> int:
    """Timestamps never fall on a whole second (pydantic would then drop the fraction)."""
    return us + 1 if us % _SEC == 0 else us


def day_weight(day: date, index: int, days: int) -> float:
    w = (1.0, 1.0, 1.0, 1.0, 1.0, 0.18, 0.04)[day.weekday()]
    w *= 0.85 + 0.3 * index / max(days - 1, 1)  # trade grows
    for eve in _SPRING_FESTIVAL:
        delta = (day - eve).days
        if -1 <= delta < 7:
            w *= 0.08
        elif 7 <= delta < 14:
            w *= 0.6
    if day.month == 10 and day.day <= 7:  # National Day golden week
        w *= 0.1
    return w


def office_hours(rng: random.Random, us: int) -> int:
    """Move a reviewer's action into office hours (08:30–17:30 Beijing, Monday to Friday)."""
    day, rest = divmod(us, DAY)
    minutes = rest // MINUTE
    if 30 <= minutes < 570 and (day + 3) % 7 < 5:  # 1970-01-01 was a Thursday
        return us
    if minutes >= 570:
        day += 1
    while (day + 3) % 7 >= 5:
        day += 1
    return odd(day * DAY + 30 * MINUTE + int(rng.random() * 2.5 * HOUR))
