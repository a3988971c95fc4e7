"""Properties of the origin engine on arbitrary products and materials."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coo_lab.domain.agreements import CERTIFICATE_TYPES, agreement
from coo_lab.domain.origin import Product, assess, best_agreements, non_originating_share, rvc
from coo_lab.errors import ValidationFailed

DESTINATIONS = ["KOR", "BGD", "LAO", "IND", "SGP", "VNM", "NZL", "GEO", "HKG", "TWN", "CHL"]
DESTINATIONS += ["CHE", "AUS", "USA", "DEU", "CHN", "ZZZ", "XXX", "kor", " sgp ", "", "1AB"]

money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


def digits(lengths: list[int]) -> st.SearchStrategy[str]:
    """HS-like digit strings of 4–10 digits, mostly of the valid lengths (listed often)."""
    return st.sampled_from(lengths).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
    )


material_hs = digits([4, 6, 8, 10] * 8 + [5, 7, 9])  # Material takes 4, 6, 8, 10 digits
product_hs = digits([6, 8, 10] * 6 + [4, 5, 7, 9])  # a product code has 6, 8 or 10
near_hs = st.sampled_from(["8516", "851660", "85166000", "851690", "7209", "720916", "0303"])

material = st.fixed_dictionaries(
    {
        "hs_code": st.one_of(material_hs, near_hs),
        "name": st.just("part"),
        "origin_country": st.sampled_from(["KOR", "DEU", "CHN", "USA"]),
        "value": money,
        "originating": st.booleans(),
    }
)
products = st.builds(
    Product,
    hs_code=st.one_of(product_hs, st.sampled_from(["851660", "85166000", "7209160000"])),
    fob_unit_price=money,
    ex_works_unit_price=st.one_of(st.none(), money),
    wholly_obtained=st.booleans(),
)
materials = st.lists(material, max_size=6)

SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(products, materials, st.sampled_from(CERTIFICATE_TYPES), st.sampled_from(DESTINATIONS))
def test_assess_raises_only_validation_failed(product, mats, code, dest):
    try:
        result = assess(product, mats, code, destination=dest)
    except ValidationFailed:
        return
    # criterion None iff not qualifying; the general CO prints "" when it qualifies
    assert (result.criterion is None) == (not result.qualifies)
    if code == "C" and result.qualifies:
        assert result.criterion == ""
    if result.qualifies and code != "C":
        assert agreement(code).accepts_criterion(result.criterion), result.criterion
    assert result.rvc_pct + result.non_originating_pct == 100


@SETTINGS
@given(products, materials, st.sampled_from(DESTINATIONS))
def test_best_agreements_raises_only_validation_failed(product, mats, dest):
    try:
        results = best_agreements(product, mats, dest)
    except ValidationFailed:
        return
    codes = [r.agreement for r in results]
    if "C" in codes:
        assert codes[-1] == "C" and codes.count("C") == 1
    preferential = [r for r in results if r.agreement != "C"]
    flags = [r.qualifies for r in preferential]
    assert flags == sorted(flags, reverse=True)  # qualifying ones first
    for r in results:
        assert (r.criterion is None) == (not r.qualifies)


@SETTINGS
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2),
    money,
)
def test_rvc_plus_share_is_exactly_100(fob, v):
    assert rvc(fob, v) + non_originating_share(fob, v) == 100


@SETTINGS
@given(
    st.decimals(min_value=Decimal("0.0001"), max_value=10**9, places=4),
    st.decimals(min_value=0, max_value=10**9, places=4),
)
def test_rvc_never_overstates(fob, v):
    exact_times_fob = (fob - v) * 100  # RVC × FOB, exact
    assert rvc(fob, v) * fob <= exact_times_fob
    assert non_originating_share(fob, v) * fob >= v * 100
