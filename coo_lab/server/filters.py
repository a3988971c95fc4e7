"""Pieces of the list queries' WHERE clauses that several documents share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


def contains(text: str) -> str:
    """A LIKE pattern (used with ``ESCAPE '\\'``) matching ``text`` anywhere, literally: its
    ``%``, ``_`` and ``\\`` are not wildcards."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def date_ranges(
    where: list[str], params: list[Any], ranges: Iterable[tuple[str, date | None, date | None]]
) -> None:
    """``(column, from, to)``: the column's ISO timestamp on or after ``from`` and before the
    day after ``to`` (both days included); a missing bound is open."""
    for column, low, high in ranges:
        if low:
            where.append(f"{column} >= ?")
            params.append(low.isoformat())
        if high:
            where.append(f"{column} < ?")
            params.append(date.fromordinal(high.toordinal() + 1).isoformat())
