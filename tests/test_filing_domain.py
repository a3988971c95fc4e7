"""Product filing in the domain: the areas a filing may name, its status as a whole, and the
shape of filing numbers."""

from __future__ import annotations

import pytest

from coo_lab import samples
from coo_lab.domain.filing import (
    ProductFiling,
    check_area_codes,
    filing_number,
    filing_status,
    parse_filing_number,
)
from coo_lab.errors import ValidationFailed


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["draft"], "draft"),
        (["draft", "draft"], "draft"),
        (["approved", "approved"], "approved"),
        (["approved", "submitted"], "submitted"),
        (["returned", "submitted"], "submitted"),
        (["approved", "returned"], "returned"),
        (["returned", "draft"], "returned"),
        (["draft", "approved"], "draft"),
    ],
)
def test_a_filing_s_status_follows_its_areas(statuses: list[str], expected: str) -> None:
    assert filing_status(statuses) == expected


@pytest.mark.parametrize(
    ("codes", "words"),
    [
        (["H", "K"], "must be filed alone"),
        (["K", "C"], "needs no product filing"),
        (["E", "E"], "named once"),
    ],
)
def test_the_areas_a_filing_may_not_name(codes: list[str], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        check_area_codes(codes)
    data = samples.product_filings()[0].model_dump()
    data["areas"] = [{"agreement": c} for c in codes]
    with pytest.raises(ValidationFailed) as refused:
        ProductFiling.model_validate(data)
    assert refused.value.errors[0].field == "areas"


def test_ecfa_alone_and_other_areas_together_are_fine() -> None:
    check_area_codes(["H"])
    check_area_codes(["K", "E", "A", "B"])


def test_filing_numbers_round_trip_and_name_their_series() -> None:
    number = filing_number(2026, "K", "311120218", 7)
    assert number == "26K311120218/00007"
    parsed = parse_filing_number(number)
    assert parsed is not None
    assert (parsed.year, parsed.agreement, parsed.enterprise_code, parsed.serial) == (
        2026,
        "K",
        "311120218",
        7,
    )
    assert parsed.series == "filing:311120218:2026"
    assert parse_filing_number("18S2102M9997/00054").agreement == "S"  # the deck's example
    assert parse_filing_number("26HM311120218/00001").agreement == "HM"
    for bad in ("", "K311120218/00001", "26K311120218-00001", "26K31112021/00001"):
        assert parse_filing_number(bad) is None
    with pytest.raises(ValueError):
        filing_number(2026, "K", "311120218", 100_000)
