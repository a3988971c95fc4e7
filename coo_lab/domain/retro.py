"""Retroactive issue (后发/补发): when an application after shipment needs a mark, or is refused.

Each agreement's ``[x.retro]`` table in ``agreements.toml`` says whether retroactive issue is
allowed, within how many days of shipment, and how many days after shipment need no mark at
all (the grace, counted in working days for APTA).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from coo_lab.domain.agreements import Agreement


class RetroKind(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # general CO: no shipment date on the form
    IN_TIME = "in_time"  # at or before shipment, or within the grace
    RETROACTIVE = "retroactive"  # allowed, printed with the agreement's mark
    REFUSED = "refused"  # the agreement allows none, or the window has passed


@dataclass(frozen=True, slots=True)
class RetroStatus:
    kind: RetroKind
    days_after_shipment: int
    mark: str = ""
    limit_days: int = 0  # the grace or window that decided it


def working_days_between(start: date, end: date) -> int:
    """Working days (Mon–Fri) after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    days = full_weeks * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=i)).weekday() < 5:
            days += 1
    return days


def retroactive_status(
    agreement: Agreement, shipment_date: date | None, application_date: date | None
) -> RetroStatus:
    """Classify an application date against the shipment (B/L) date for that agreement."""
    retro = agreement.retro
    if not retro.applicable:
        return RetroStatus(RetroKind.NOT_APPLICABLE, 0)
    if shipment_date is None or application_date is None or application_date <= shipment_date:
        return RetroStatus(RetroKind.IN_TIME, 0)
    days = (application_date - shipment_date).days
    late = (
        working_days_between(shipment_date, application_date) if retro.grace_working_days else days
    )
    if late <= retro.grace_days:
        return RetroStatus(RetroKind.IN_TIME, days, limit_days=retro.grace_days)
    if not retro.allowed:
        return RetroStatus(RetroKind.REFUSED, days, limit_days=retro.grace_days)
    if days > retro.window_days:
        return RetroStatus(RetroKind.REFUSED, days, limit_days=retro.window_days)
    return RetroStatus(RetroKind.RETROACTIVE, days, retro.mark, retro.window_days)
