"""``check`` never raises, whatever it is given, and only ever returns known findings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import Certificate, GoodsLine
from coo_lab.domain.rules import FORMAT_RULE, REGISTRY, CheckContext, Finding, Severity, check

TODAY = date(2026, 11, 27)
FILINGS = samples.product_filings()
CONTEXT = samples.context(today=TODAY, filings=FILINGS)
BASE = {
    t: samples.certificate(t, today=TODAY, filings=FILINGS).model_dump(mode="json")
    for t in CERTIFICATE_TYPES
}
KNOWN = set(REGISTRY) | {FORMAT_RULE}
SEVERITY = {code: r.severity for code, r in REGISTRY.items()} | {FORMAT_RULE: Severity.ERROR}

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_sound(findings: Any) -> None:
    assert isinstance(findings, list)
    for f in findings:
        assert isinstance(f, Finding)
        assert f.code in KNOWN, f.code
        assert f.severity == SEVERITY[f.code]
        assert isinstance(f.field, str) and f.field
        assert isinstance(f.message_en, str) and f.message_en
        assert isinstance(f.message_zh, str) and f.message_zh
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != Severity.ERROR)


# --- (a) arbitrary data ------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "",
            "C",
            "e",
            "hm",
            "2026-11-27",
            "N/M",
            "-1",
            "0",
            "1e400",
            "NaN",
            "851660",
            "USD",
            "CHN",
            "AS PER INVOICE",
            "***",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)
cert_fields = sorted(Certificate.model_fields)
line_fields = sorted(GoodsLine.model_fields)
goods_lines = st.dictionaries(st.sampled_from(line_fields), json_values, max_size=8)
cert_dicts = st.dictionaries(
    st.sampled_from(cert_fields),
    json_values,
    max_size=12,
).flatmap(
    lambda d: st.fixed_dictionaries(
        {
            "cert_type": st.sampled_from([*CERTIFICATE_TYPES, "Z", "", "e"]),
            "goods": st.lists(goods_lines, max_size=3) | json_values,
        }
    ).map(lambda extra: {**extra, **d} if "cert_type" not in d else {**d, **extra})
)


@SETTINGS
@given(value=json_values)
def test_any_json_value_as_certificate(value: Any) -> None:
    assert_sound(check(value, CONTEXT))


@SETTINGS
@given(data=cert_dicts)
def test_known_fields_with_wrong_types(data: dict[str, Any]) -> None:
    assert_sound(check(data, CONTEXT))


@SETTINGS
@given(
    base_type=st.sampled_from(CERTIFICATE_TYPES),
    field=st.sampled_from(cert_fields),
    value=json_values,
)
def test_one_field_of_a_valid_certificate_replaced(base_type: str, field: str, value: Any) -> None:
    data = {**BASE[base_type], field: value}
    assert_sound(check(data, CONTEXT))


@SETTINGS
@given(
    base_type=st.sampled_from(CERTIFICATE_TYPES),
    index=st.integers(0, 2),
    field=st.sampled_from(line_fields),
    value=json_values,
)
def test_one_field_of_a_goods_line_replaced(
    base_type: str, index: int, field: str, value: Any
) -> None:
    data = dict(BASE[base_type])
    goods = [dict(g) for g in data["goods"]]
    goods[index][field] = value
    data["goods"] = goods
    assert_sound(check(data, CONTEXT))


# --- (b) valid certificates, randomly mutated --------------------------------------------

dates = st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)) | st.dates()
amounts = (
    st.decimals(
        min_value=-1000, max_value=10**14 - 1, places=4, allow_nan=False, allow_infinity=False
    )
    | st.sampled_from(
        [Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal("99999999999999.9999")]
    )
    | st.none()
)
hs_codes = st.sampled_from([6, 8, 10]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
) | st.sampled_from(["851660", "61091000", "0306170000", "940360", "731815", "691110"])
destinations = (
    st.sampled_from(
        [
            "USA",
            "CHN",
            "IND",
            "BGD",
            "KOR",
            "NZL",
            "SGP",
            "VNM",
            "TWN",
            "HKG",
            "MAC",
            "CHE",
            "LIE",
            "AUS",
            "PER",
            "CRI",
            "ISL",
            "GEO",
            "CHL",
            "QQQ",
            "kor",
        ]
    )
    | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
    | st.none()
)
criteria = st.sampled_from(
    [
        "",
        "WO",
        "WP",
        "PE",
        "P",
        "PSR",
        "CTH",
        "RVC",
        "RVC 45%",
        "45%",
        '"B" 42%',
        "A",
        "D",
        "RVC 999%",
    ]
)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@st.composite
def mutated_certificates(draw: st.DrawFn) -> dict[str, Any]:
    base = dict(BASE[draw(st.sampled_from(CERTIFICATE_TYPES))])
    data = dict(base)
    data["cert_type"] = draw(st.sampled_from(CERTIFICATE_TYPES))
    data["destination_country"] = draw(destinations)
    for name in ("invoice_date", "application_date", "signing_date", "shipment_date"):
        if draw(st.booleans()):
            data[name] = _json(draw(dates))
    if draw(st.booleans()):
        data["fob_usd"] = _json(draw(amounts))
    n = draw(st.integers(0, 60))
    lines = base["goods"]
    goods = []
    for i in range(n):
        line = dict(lines[i % len(lines)], line_no=i + 1)
        if draw(st.integers(0, 3)) == 0:
            line["hs_code"] = draw(hs_codes)
            line["origin_criterion"] = draw(criteria)
            for name in ("quantity", "unit_price", "amount", "fob_usd", "net_weight"):
                if draw(st.booleans()):
                    line[name] = _json(draw(amounts))
        goods.append(line)
    data["goods"] = goods
    return data


contexts = st.sampled_from(["full", "bare", "no-filings"]).flatmap(
    lambda kind: st.dates().map(lambda today: _context(kind, today))
)


def _context(kind: str, today: date) -> CheckContext:
    if kind == "full":
        return samples.context(
            today=today, filings=FILINGS, used_invoices={("E", f"HX{TODAY:%y%m%d}E001")}
        )
    if kind == "no-filings":
        return CheckContext(today=today, enterprise=samples.ENTERPRISE, approved_filings=[])
    return CheckContext(today=today)


@SETTINGS
@given(data=mutated_certificates(), context=contexts)
def test_mutated_valid_certificates(data: dict[str, Any], context: CheckContext) -> None:
    findings = check(data, context)
    assert_sound(findings)
    try:
        model = Certificate.model_validate(data)
    except ValueError:
        assert {f.code for f in findings} == {FORMAT_RULE}
        return
    assert FORMAT_RULE not in {f.code for f in findings}
    assert check(model, context) == findings  # the model and its data are reviewed alike


@SETTINGS
@given(
    cert_type=st.sampled_from(CERTIFICATE_TYPES), n=st.integers(0, 60), shift=st.integers(-400, 400)
)
def test_clean_certificates_of_any_size(cert_type: str, n: int, shift: int) -> None:
    """Only the line cap, the missing goods and the dates can object to a resized sample."""
    c = samples.certificate(cert_type, today=TODAY, filings=FILINGS, lines=max(n, 1))
    if n == 0:
        c.goods = []
    c.shipment_date = c.application_date + timedelta(days=shift)
    findings = check(c, CONTEXT)
    assert_sound(findings)
    assert {f.code for f in findings} <= {
        "CO-GOODS-001",
        "CO-GOODS-002",
        "CO-DATE-004",
        "CO-DATE-005",
    }
    cap = c.agreement.line_cap
    assert ("CO-GOODS-002" in {f.code for f in findings}) == bool(cap and n > cap)
    assert ("CO-GOODS-001" in {f.code for f in findings}) == (n == 0)


money_range = st.decimals(
    min_value=0, max_value=10**14 - 1, places=4, allow_nan=False, allow_infinity=False
)
big_money = st.integers(0, 10**18 - 1).map(lambda n: Decimal(n).scaleb(-4))  # 18 digits, 4 places


@SETTINGS
@given(
    quantity=money_range | big_money,
    unit_price=money_range | big_money,
    amount=money_range | big_money,
    fob=big_money,
    delivery=big_money,
    cif=st.lists(big_money, max_size=5),
)
def test_extreme_amounts_never_raise(
    quantity: Decimal,
    unit_price: Decimal,
    amount: Decimal,
    fob: Decimal,
    delivery: Decimal,
    cif: list[Decimal],
) -> None:
    """Every amount within its format (18 digits, 4 places) is reviewed without overflow."""
    data = dict(BASE["C"])
    goods = [dict(g) for g in data["goods"]]
    goods[0].update(
        quantity=str(quantity),
        unit_price=str(unit_price),
        amount=str(amount),
        fob_usd=str(fob),
        net_weight=str(quantity),
    )
    goods[1]["processing"] = {
        "hs_heading": "6109",
        "product_name": "T-SHIRTS",
        "delivery_unit_price": str(delivery),
        "processing_steps": "knitting, sewing",
        "declared_percentage": "50",
        "imported_materials": [{"hs_heading": "6109", "cif_unit_price_usd": str(v)} for v in cif],
    }
    data["goods"] = goods
    data["fob_usd"] = str(fob)
    assert_sound(check(data, CONTEXT))
