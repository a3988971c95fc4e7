"""Pieces of the list queries' WHERE clauses that several documents share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from coo_lab.server.clock import CHINA


def contains(text: str) -> str:
    """A LIKE pattern (used with ``ESCAPE '\\'``) matching ``text`` anywhere, literally: its
    ``%``, ``_`` and ``\\`` are not wildcards."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def date_ranges(
    where: list[str], params: list[Any], ranges: Iterable[tuple[str, date | None, date | None]]
) -> None:
    """``(column, from, to)``: the column's ISO timestamp (UTC) within the China calendar days
    ``from`` to ``to``, both included — from China's midnight starting ``from`` to the one
    ending ``to`` (a user in Dalian asking for today's submissions at 07:00 gets them, though
    UTC's date is still yesterday's); a missing bound is open."""
    for column, low, high in ranges:
        if low:
            where.append(f"{column} >= ?")
            params.append(_china_midnight(low))
        if high:
            where.append(f"{column} < ?")
            params.append(_china_midnight(high + timedelta(days=1)))


def _china_midnight(day: date) -> str:
    """The UTC instant at which a China calendar day begins, as the ISO prefix the stored
    timestamps are compared with (``2025-02-15T16:00:00`` for 2025-02-16)."""
    return datetime.combine(day, time(), CHINA).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
