"""Retroactive issue (后发/补发) and working days, with hand-checked calendar dates.

Calendar used below (2026): Fri 20 Nov, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25, Thu 26,
Fri 27, Sat 28, Sun 29, Mon 30 Nov; 2025-11-26 is exactly 365 days before 2026-11-26.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coo_lab.domain.agreements import CERTIFICATE_TYPES, agreement
from coo_lab.domain.retro import RetroKind, RetroStatus, retroactive_status, working_days_between

FRI = date(2026, 11, 20)
SAT, SUN, MON, TUE, WED, THU = (FRI + timedelta(days=i) for i in range(1, 7))
NEXT_FRI, NEXT_SAT, NEXT_SUN, NEXT_MON = (FRI + timedelta(days=i) for i in range(7, 11))

IN_TIME, RETRO, REFUSED = RetroKind.IN_TIME, RetroKind.RETROACTIVE, RetroKind.REFUSED


def test_calendar_assumptions() -> None:
    assert [d.strftime("%a") for d in (FRI, SAT, SUN, MON, TUE, WED, THU, NEXT_MON)] == [
        "Fri",
        "Sat",
        "Sun",
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Mon",
    ]


# --- working days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (FRI, FRI, 0),  # the same day
        (FRI, SAT, 0),
        (FRI, SUN, 0),
        (FRI, MON, 1),
        (FRI, TUE, 2),
        (FRI, WED, 3),
        (FRI, THU, 4),
        (FRI, NEXT_FRI, 5),  # a full week
        (FRI, NEXT_SUN, 5),
        (FRI, NEXT_MON, 6),
        (SAT, SUN, 0),
        (SAT, MON, 1),
        (SUN, MON, 1),
        (MON, FRI + timedelta(days=14), 9),  # Tue..Fri (4) + Mon..Fri (5)
        (MON, TUE, 1),
        (THU, MON + timedelta(days=7), 2),  # Fri 27, Mon 30
        (MON, MON + timedelta(days=14), 10),  # two full weeks
        (date(2025, 12, 31), date(2026, 1, 2), 2),  # holidays are not modelled: Thu, Fri
        (WED, MON, 0),  # end before start
        (date(2026, 1, 1), date(2027, 1, 1), 261),  # 2026: 52 weeks + Fri 1 Jan 2027
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_working_days_agree_with_counting_day_by_day() -> None:
    base = date(2026, 2, 23)  # a Monday
    for offset in range(8):
        start = base + timedelta(days=offset)
        for length in range(-3, 40):
            end = start + timedelta(days=length)
            brute = sum(
                1 for i in range(1, length + 1) if (start + timedelta(days=i)).weekday() < 5
            )
            assert working_days_between(start, end) == brute, (start, end)


# --- retroactive status ------------------------------------------------------------------


def status(code: str, shipped: date | None, applied: date | None) -> RetroStatus:
    return retroactive_status(agreement(code), shipped, applied)


def after(days: int, start: date = date(2026, 11, 26)) -> tuple[date, date]:
    """(shipment, application) with the application ``days`` calendar days after shipment."""
    return start - timedelta(days=days), start


@pytest.mark.parametrize(
    ("code", "days", "kind", "mark", "limit"),
    [
        # E: none needed within 3 days, then "Issued Retroactively" up to a year
        ("E", 3, IN_TIME, "", 3),
        ("E", 4, RETRO, "Issued Retroactively", 365),
        ("E", 365, RETRO, "Issued Retroactively", 365),
        ("E", 366, REFUSED, "", 365),
        # X: same 3-day grace, its own mark
        ("X", 3, IN_TIME, "", 3),
        ("X", 4, RETRO, "ISSUED RETROSPECTIVELY", 365),
        # K: 7 days without a mark
        ("K", 7, IN_TIME, "", 7),
        ("K", 8, RETRO, "ISSUED RETROACTIVELY", 365),
        ("K", 366, REFUSED, "", 365),
        # N: no grace at all, a year's window
        ("N", 1, RETRO, "ISSUED RETROSPECTIVELY", 365),
        ("N", 365, RETRO, "ISSUED RETROSPECTIVELY", 365),
        ("N", 366, REFUSED, "", 365),
        # H: 补发 within 90 days of the export declaration
        ("H", 1, RETRO, "补发", 90),
        ("H", 90, RETRO, "补发", 90),
        ("H", 91, REFUSED, "", 90),
        # the other one-year agreements
        *((code, 366, REFUSED, "", 365) for code in ("R", "L", "HM", "I", "S", "A", "GE", "F")),
        *(
            (code, 30, RETRO, "ISSUED RETROSPECTIVELY", 365)
            for code in ("R", "L", "HM", "I", "S", "A", "GE", "F")
        ),
    ],
)
def test_retroactive_status_by_agreement(
    code: str, days: int, kind: RetroKind, mark: str, limit: int
) -> None:
    shipped, applied = after(days)
    got = status(code, shipped, applied)
    assert got == RetroStatus(kind, days, mark, limit)


@pytest.mark.parametrize(
    ("applied", "kind", "days"),
    [
        (SAT, IN_TIME, 1),
        (SUN, IN_TIME, 2),
        (MON, IN_TIME, 3),  # 1 working day
        (TUE, IN_TIME, 4),
        (WED, IN_TIME, 5),  # the 3rd working day after a Friday shipment: in time
        (THU, REFUSED, 6),  # the 4th: APTA allows no retroactive issue
        (NEXT_MON, REFUSED, 10),
        (FRI + timedelta(days=200), REFUSED, 200),
    ],
)
def test_apta_counts_working_days_and_allows_no_retroactive_issue(
    applied: date, kind: RetroKind, days: int
) -> None:
    got = status("B", FRI, applied)
    assert got.kind == kind
    assert got.days_after_shipment == days
    assert got.mark == ""
    assert got.limit_days == 3


def test_apta_weekend_shipment() -> None:
    # shipped Saturday: Mon, Tue, Wed are the three working days
    assert status("B", SAT, WED).kind == IN_TIME
    assert status("B", SAT, THU).kind == REFUSED
    # shipped Wednesday: Thu, Fri, Mon; Tuesday is the 4th
    assert status("B", WED, NEXT_MON).kind == IN_TIME
    assert status("B", WED, NEXT_MON + timedelta(days=1)).kind == REFUSED


@pytest.mark.parametrize("code", CERTIFICATE_TYPES)
def test_at_or_before_shipment_is_in_time(code: str) -> None:
    expected = RetroKind.NOT_APPLICABLE if code == "C" else IN_TIME
    assert status(code, MON, MON) == RetroStatus(expected, 0)
    assert status(code, MON, FRI) == RetroStatus(expected, 0)


@pytest.mark.parametrize("code", CERTIFICATE_TYPES)
def test_missing_dates_are_never_retroactive(code: str) -> None:
    expected = RetroKind.NOT_APPLICABLE if code == "C" else IN_TIME
    assert status(code, None, MON).kind == expected
    assert status(code, MON, None).kind == expected
    assert status(code, None, None).kind == expected


def test_general_co_is_never_retroactive() -> None:
    shipped, applied = after(1000)
    assert status("C", shipped, applied) == RetroStatus(RetroKind.NOT_APPLICABLE, 0)


def test_grace_and_window_boundaries_for_every_agreement() -> None:
    """Walk day by day: in time through the grace, marked through the window, then refused."""
    for code in CERTIFICATE_TYPES:
        retro = agreement(code).retro
        if not retro.applicable or retro.grace_working_days:
            continue
        kinds = [status(code, *after(d)).kind for d in range(0, retro.window_days + 3)]
        expected = (
            [IN_TIME] * (retro.grace_days + 1)
            + [RETRO] * (retro.window_days - retro.grace_days)
            + [REFUSED] * 2
        )
        assert kinds == expected, code
