"""The service's clock: instants in UTC, calendar dates in China.

Timestamps are stored as ISO 8601 in UTC. A date on a certificate (signing date, "today" for
the date rules, a query's date range: ``filters.date_ranges``) is China's calendar date
(UTC+8, no daylight saving): between 16:00 and 24:00 UTC that is already tomorrow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def china_today() -> date:
    return china_date(now())
