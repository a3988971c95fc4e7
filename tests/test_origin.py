"""Worked examples for the origin engine; every figure is checked by hand in the comments."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from coo_lab.domain.filing import Material, ProductFiling
from coo_lab.domain.origin import (
    OriginResult,
    Product,
    assess,
    best_agreements,
    non_originating_share,
    rvc,
    tariff_shift,
    vnm,
)
from coo_lab.errors import ValidationFailed


def mat(hs: str, value: str, originating: bool = False, country: str = "KOR") -> Material:
    return Material(
        hs_code=hs,
        name=f"material {hs}",
        origin_country=country,
        value=value,
        originating=originating,
    )


# Electric oven (HS 8516.60), FOB 100.00 USD per unit.
OVEN = Product("8516.60", D("100.00"))
STEEL = mat("7209.16", "30.00", country="KOR")  # non-originating, heading 7209
THERMOSTAT = mat("9032.10", "12.00", country="DEU")  # non-originating, heading 9032
GLASS = mat("7007", "10.00", originating=True, country="CHN")  # originating: ignored
BASE = [STEEL, THERMOSTAT, GLASS]  # VNM = 30 + 12 = 42.00; RVC = 58.00 %; share 42.00 %


def criteria(results: list[OriginResult]) -> list[tuple[str, str | None]]:
    return [(r.agreement, r.criterion) for r in results]


# --- the arithmetic -------------------------------------------------------------------------


def test_vnm_sums_non_originating_materials_only():
    assert vnm(BASE) == D("42.00")  # 30.00 + 12.00; the glass (10.00) is originating
    assert vnm([]) == 0
    assert vnm([GLASS]) == 0


def test_rvc_and_share_of_the_oven():
    assert rvc(D("100.00"), D("42.00")) == D("58.00")  # (100 − 42) / 100 × 100
    assert non_originating_share(D("100.00"), D("42.00")) == D("42.00")  # 42 / 100 × 100


def test_percentages_round_against_the_exporter_and_add_up_to_100():
    # 1 / 3 = 33.333… %: the share rounds up to 33.34, the RVC down to 66.66.
    assert non_originating_share(D("3"), D("1")) == D("33.34")
    assert rvc(D("3"), D("1")) == D("66.66")
    assert rvc(D("3"), D("1")) + non_originating_share(D("3"), D("1")) == 100


def test_rvc_may_be_negative_when_materials_cost_more_than_fob():
    assert rvc(D("50"), D("75")) == D("-50.00")  # (50 − 75) / 50 × 100


@pytest.mark.parametrize("fob", [D("0"), D("0.00"), D("-1")])
def test_fob_must_be_positive(fob):
    with pytest.raises(ValidationFailed) as info:
        rvc(fob, D("1"))
    err = info.value.errors[0]
    assert err.field == "fob_unit_price"
    assert err.value == fob
    assert err.expected_en == "a price greater than 0"
    assert err.expected_zh == "大于0的价格"
    assert "fob_unit_price" in str(info.value)


def test_assess_rejects_zero_fob_naming_the_field():
    with pytest.raises(ValidationFailed) as info:
        assess(Product("851660", D("0.00")), BASE, "E")
    assert info.value.errors[0].field == "fob_unit_price"
    with pytest.raises(ValidationFailed) as info:
        non_originating_share(D("0"), D("0"))
    assert info.value.errors[0].field == "fob_unit_price"


# --- tariff shift ---------------------------------------------------------------------------


def test_tariff_shift_levels():
    motor = [mat("8501.10", "20.00")]  # chapter 85 like the oven, heading 8501 ≠ 8516
    assert not tariff_shift("8516.60", motor, "CC").passed  # 85 == 85
    assert tariff_shift("8516.60", motor, "CTH").passed  # 8501 ≠ 8516
    parts = [mat("8516.90", "20.00")]  # same heading, other subheading
    assert not tariff_shift("851660", parts, "CTH").passed  # 8516 == 8516
    assert tariff_shift("851660", parts, "CTSH").passed  # 851690 ≠ 851660


def test_ctsh_with_four_digit_material_codes():
    # "8516" cannot show which subheading it is in: it cannot prove a CTSH shift.
    result = tariff_shift("851660", [mat("8516", "5.00")], "CTSH")
    assert not result.passed
    assert result.failing_materials == (0,)
    # A 4-digit code in another heading is in another subheading too.
    assert tariff_shift("851660", [mat("8501", "5.00")], "CTSH").passed


def test_tariff_shift_ignores_originating_materials_and_lists_failing_ones():
    mats = [STEEL, mat("8516.90", "8.00", originating=True), mat("8516.80", "3.00")]
    result = tariff_shift("8516.60", mats, "CTH")
    assert not result.passed
    assert result.failing_materials == (2,)  # only the non-originating 8516.80
    assert result.figures["failing_value"] == D("3.00")
    assert "8516" in result.detail_en and "8516" in result.detail_zh


def test_tariff_shift_unknown_level():
    with pytest.raises(ValidationFailed) as info:
        tariff_shift("851660", BASE, "CTX")
    assert info.value.errors[0].field == "level"


# --- ACFTA (E): CTH with de minimis, else RVC 40 % ------------------------------------------


def test_e_cth_passes():
    result = assess(OVEN, BASE, "E")
    assert result.qualifies and result.criterion == "CTH"  # 7209, 9032 ≠ 8516
    assert result.vnm == D("42.00")
    assert result.rvc_pct == D("58.00")
    assert result.non_originating_pct == D("42.00")
    # every test is recorded, the RVC too, although CTH wins
    rvc_test = result.test("RVC")
    assert rvc_test is not None and rvc_test.passed
    assert rvc_test.figures["rvc_pct"] == D("58.00")
    assert rvc_test.detail_en == "RVC 58.00% ≥ 40%"
    assert rvc_test.detail_zh == "区域价值成分 58.00% ≥ 40%"
    assert result.test("DE_MINIMIS") is None  # not needed
    assert result.test("VNM").figures["vnm"] == D("42.00")
    assert result.test("NOPE") is None


def test_e_de_minimis_rescues_the_shift():
    # Heating element in the oven's own heading 8516, 8.00 ≤ 10 % × 100.00 = 10.00.
    mats = [*BASE, mat("8516.80", "8.00")]
    result = assess(OVEN, mats, "E")
    assert result.criterion == "CTH"
    assert not result.test("CTH").passed
    de_minimis = result.test("DE_MINIMIS")
    assert de_minimis.passed
    assert de_minimis.figures["failing_value"] == D("8.00")
    assert de_minimis.figures["allowance"] == D("10")
    assert de_minimis.failing_materials == (3,)
    assert result.vnm == D("50.00")  # 30 + 12 + 8


def test_e_above_de_minimis_falls_to_rvc():
    # Heating element 15.00 > 10.00: shift fails; VNM = 30 + 12 + 15 = 57.00,
    # RVC = (100 − 57) / 100 = 43.00 % ≥ 40 % → "RVC 43%".
    result = assess(OVEN, [*BASE, mat("8516.80", "15.00")], "E")
    assert not result.test("DE_MINIMIS").passed
    assert result.rvc_pct == D("43.00")
    assert result.criterion == "RVC 43%"


def test_e_rvc_is_printed_rounded_down():
    # VNM = 27.10 + 12.00 + 15.00 = 54.10 → RVC 45.90 % → printed 45 (never overstate).
    mats = [mat("7209.16", "27.10"), THERMOSTAT, mat("8516.80", "15.00")]
    result = assess(OVEN, mats, "E")
    assert result.rvc_pct == D("45.90")
    assert result.criterion == "RVC 45%"


def test_e_fails_below_40():
    # VNM = 45.00 + 15.01 = 60.01 → RVC 39.99 % < 40 %; 8516.80 15.01 > 10 % de minimis.
    result = assess(OVEN, [mat("7209.16", "45.00"), mat("8516.80", "15.01")], "E")
    assert not result.qualifies and result.criterion is None and result.basis is None
    assert result.test("RVC").detail_en == "RVC 39.99% < 40%"


def test_e_all_originating_prints_pe_and_wholly_obtained_wo():
    assert assess(OVEN, [GLASS], "E").criterion == "PE"
    wo = Product("030389", D("10.00"), wholly_obtained=True)  # frozen fish
    assert assess(wo, [], "E").criterion == "WO"


# --- APTA (B): non-originating share ≤ 55 % (65 % LDC) --------------------------------------


def test_apta_to_korea():
    result = assess(OVEN, BASE, "B", destination="KOR")
    assert result.criterion == '"B" 42%'  # 42 / 100
    apta = result.test("APTA_B")
    assert apta.figures["share_pct"] == D("42.00")
    assert apta.figures["threshold_pct"] == 55


def test_apta_share_is_printed_rounded_up():
    # 47.20 / 100 = 47.2 % → printed 48 (never understate the foreign content).
    result = assess(OVEN, [mat("7209.16", "47.20")], "B", destination="KOR")
    assert result.criterion == '"B" 48%'


def test_apta_ldc_threshold():
    sixty = [mat("7209.16", "60.00")]  # share 60 %
    bgd = assess(OVEN, sixty, "B", destination="BGD")  # LDC: ≤ 65 %
    assert bgd.qualifies and bgd.criterion == '"B" 60%'
    assert bgd.test("APTA_B").figures["threshold_pct"] == 65
    ind = assess(OVEN, sixty, "B", destination="IND")  # not LDC: ≤ 55 %
    assert not ind.qualifies and ind.criterion is None
    assert ind.test("APTA_B").detail_en.startswith('"B": non-originating')


def test_apta_boundary():
    assert assess(OVEN, [mat("7209.16", "55.00")], "B", destination="IND").criterion == '"B" 55%'
    assert not assess(OVEN, [mat("7209.16", "55.01")], "B", destination="IND").qualifies


def test_apta_all_originating_and_wholly_obtained_print_a():
    assert assess(OVEN, [GLASS], "B", destination="KOR").criterion == "A"
    wo = Product("0303.89", D("10.00"), wholly_obtained=True)
    assert assess(wo, [], "B", destination="KOR").criterion == "A"


# --- other FTAs -----------------------------------------------------------------------------


def test_georgia_prints_the_percentage_when_only_the_value_test_passes():
    # Oven parts 8516.90 (same heading) 30.00 + thermostat 12.00: CTH fails, RVC 58 % → "58%".
    result = assess(OVEN, [mat("8516.90", "30.00"), THERMOSTAT, GLASS], "GE")
    assert not result.test("CTH").passed
    assert result.criterion == "58%"


def test_georgia_prefers_the_tariff_shift():
    # CTH passes on the base materials: the shift comes before the value test ("PSR").
    result = assess(OVEN, BASE, "GE")
    assert result.criterion == "PSR" and result.basis == "CTC"
    assert result.test("RVC").passed


def test_singapore_x():
    assert assess(OVEN, BASE, "X").criterion == "RVC"  # RVC 58 %; X prints "RVC"
    # X has no all-originating code: falls through to RVC 100 %, printed "RVC".
    all_orig = assess(OVEN, [GLASS], "X")
    assert all_orig.criterion == "RVC" and all_orig.rvc_pct == 100
    wo = Product("0303.89", D("10.00"), wholly_obtained=True)
    assert assess(wo, [], "X").criterion == "P"
    assert assess(OVEN, [mat("7209.16", "60.01")], "X").criterion is None  # RVC 39.99 %


def test_product_without_materials_is_not_wholly_obtained():
    result = assess(OVEN, [], "K")
    assert not result.test("WO").passed and not result.test("WP").passed
    assert result.criterion == "PSR"  # RVC 100 % (and CTH trivially), not "WO"/"WP"
    assert result.basis == "CTC"


def test_hm_and_peru_formats():
    mats = [mat("8516.90", "30.00"), THERMOSTAT]  # CTH fails, RVC 58 %
    assert assess(OVEN, mats, "HM").criterion == "RVC 58%"
    assert assess(OVEN, mats, "R").criterion == "PSR 58%"
    assert assess(OVEN, BASE, "HM").criterion == "CTH"
    assert assess(OVEN, [GLASS], "N").criterion == "WP"


# --- the general CO (C) ---------------------------------------------------------------------


def test_general_co_value_added_uses_ex_works():
    # Parts 8516.90 (same heading: CTH fails) 63.00; ex-works 90.00:
    # (90 − 63) / 90 = 30.00 % ≥ 30 % → qualifies, criterion "".
    product = Product("8516.60", D("100.00"), ex_works_unit_price=D("90.00"))
    result = assess(product, [mat("8516.90", "63.00")], "C")
    assert result.qualifies and result.criterion == ""
    assert result.test("VALUE_ADDED").figures["value_added_pct"] == D("30.00")
    assert result.test("SUBSTANTIAL_TRANSFORMATION").passed
    # 63.01: (90 − 63.01) / 90 = 29.9888… % → 29.98 % < 30 % (on FOB it would be 36.99 %).
    result = assess(product, [mat("8516.90", "63.01")], "C")
    assert not result.qualifies and result.criterion is None
    assert result.test("VALUE_ADDED").figures["value_added_pct"] == D("29.98")
    assert not result.test("SUBSTANTIAL_TRANSFORMATION").passed


def test_general_co_value_added_falls_back_to_fob():
    # No ex-works price: (100 − 63.01) / 100 = 36.99 % ≥ 30 %.
    result = assess(OVEN, [mat("8516.90", "63.01")], "C")
    assert result.qualifies and result.criterion == ""
    assert result.test("VALUE_ADDED").figures["value_added_pct"] == D("36.99")


def test_general_co_cth_alone_suffices():
    # Steel 80.00: value added (100 − 80) / 100 = 20 % < 30 %, but 7209 → 8516 is a CTH.
    result = assess(OVEN, [mat("7209.16", "80.00")], "C")
    assert not result.test("VALUE_ADDED").passed
    assert result.test("CTH").passed
    assert result.qualifies and result.criterion == ""


def test_general_co_wholly_obtained_and_all_originating():
    wo = Product("0303.89", D("10.00"), wholly_obtained=True)
    assert assess(wo, [mat("0303", "9.99")], "C").criterion == ""  # flag wins
    assert assess(OVEN, [GLASS], "C").basis == "WP"


def test_general_co_rejects_bad_ex_works():
    with pytest.raises(ValidationFailed) as info:
        assess(Product("851660", D("100"), D("0")), BASE, "C")
    assert info.value.errors[0].field == "ex_works_unit_price"


# --- best_agreements ------------------------------------------------------------------------


def test_best_for_korea():
    # KOR: APTA (B) and China–Korea (K). K passes by CTH ("PSR"), B by value: K first.
    assert criteria(best_agreements(OVEN, BASE, "KOR")) == [
        ("K", "PSR"),
        ("B", '"B" 42%'),
        ("C", ""),
    ]


def test_best_for_korea_ties_follow_the_deck_order():
    # all originating: both "WP"-strength; B comes before K in the deck.
    assert criteria(best_agreements(OVEN, [GLASS], "kor")) == [("B", "A"), ("K", "WP"), ("C", "")]


def test_best_for_singapore():
    # SGP: X (RVC, value test) and E (CTH, tariff shift): E first although X is earlier.
    assert criteria(best_agreements(OVEN, BASE, "SGP")) == [("E", "CTH"), ("X", "RVC"), ("C", "")]


def test_best_non_qualifying_after_qualifying():
    # Parts 8516.90 70.00: CTH fails (70 > 10 de minimis), RVC 30 % < 40 %.
    # X and E both fail (deck order X, E); C passes on value added 30 %.
    results = best_agreements(OVEN, [mat("8516.90", "70.00")], "SGP")
    assert criteria(results) == [("X", None), ("E", None), ("C", "")]
    # Parts 8516.90 40.00: CTH fails; B passes on share 40 % ≤ 55 %, K on RVC 60 % ≥ 40 %.
    # Both rest on a value test: the deck order decides (B before K).
    results = best_agreements(OVEN, [mat("8516.90", "40.00")], "KOR")
    assert criteria(results) == [("B", '"B" 40%'), ("K", "PSR"), ("C", "")]
    # One failing, one passing: the qualifying one first whatever the deck order.
    # Parts 60.00: share 60 % > 55 % (B fails); RVC 40 % ≥ 40 % (K passes, "PSR").
    results = best_agreements(OVEN, [mat("8516.90", "60.00")], "KOR")
    assert criteria(results) == [("K", "PSR"), ("B", None), ("C", "")]


def test_best_for_other_destinations():
    assert criteria(best_agreements(OVEN, BASE, "USA")) == [("C", "")]
    assert criteria(best_agreements(OVEN, BASE, "ZZZ")) == [("C", "")]
    assert best_agreements(OVEN, BASE, "CHN") == []
    with pytest.raises(ValidationFailed) as info:
        best_agreements(OVEN, BASE, "12")
    assert info.value.errors[0].field == "destination"


# --- inputs ---------------------------------------------------------------------------------


def test_dict_materials_are_validated():
    as_dicts = [m.model_dump() for m in BASE]
    assert assess(OVEN, as_dicts, "E").criterion == "CTH"
    bad = {**as_dicts[0], "hs_code": "72A9"}
    with pytest.raises(ValidationFailed) as info:
        assess(OVEN, [bad], "E")
    assert info.value.errors[0].field == "materials.0.hs_code"


def test_product_hs_code_and_agreement_are_checked():
    with pytest.raises(ValidationFailed) as info:
        assess(Product("8516", D("100")), BASE, "E")
    assert info.value.errors[0].field == "hs_code"
    with pytest.raises(ValidationFailed) as info:
        assess(OVEN, BASE, "ZZ")
    assert info.value.errors[0].field == "cert_type"


def _filing(**changes) -> ProductFiling:
    data = dict(
        hs_code="8516.60",
        name_en="ELECTRIC OVEN",
        ex_works_unit_price=D("90.00"),
        fob_unit_price=D("100.00"),
        materials=[m.model_dump() for m in BASE],
        areas=[{"agreement": "E"}],
    )
    return ProductFiling(**(data | changes))


def test_product_from_filing():
    filing = _filing()
    product = Product.from_filing(filing)
    assert product == Product("851660", D("100.00"), D("90.00"), False)
    assert assess(product, filing.materials, "E").criterion == "CTH"


def test_product_from_filing_needs_fob():
    with pytest.raises(ValidationFailed) as info:
        Product.from_filing(_filing(fob_unit_price=None))
    assert info.value.errors[0].field == "fob_unit_price"
