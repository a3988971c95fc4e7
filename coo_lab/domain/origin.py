"""The origin engine: does a product qualify under an agreement, and what criterion to print.

Everything is driven by each agreement's ``[X.origin]`` table (``agreements.toml``): the
engine knows three kinds of value test ("rvc", "apta", "substantial") and the tariff-shift
levels, never an agreement by name, so correcting a threshold needs no release.

Money maths is exact ``Decimal``. Percentages are kept to 0.01 and rounded *against* the
exporter — RVC and value added down, the non-originating share up — so a figure shown as
passing really passes and a printed percentage never overstates origin. Every test run is
kept in the result with its numbers, so a user can see why a product qualifies or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from typing import Any, NamedTuple

from coo_lab.domain.agreements import GENERAL, OriginRules, agreement, agreements, covering
from coo_lab.errors import FieldError, ValidationFailed

_HUNDRED, _CENT, _ZERO = Decimal(100), Decimal("0.01"), Decimal("0.00")
_LIMIT = Decimal(10) ** 15  # amounts are bounded so exact maths stays cheap
_PREC = 200  # digits: wide enough that sums and products of bounded amounts are exact
_LEVELS = {  # tariff-shift level: (digits compared, unit in English, unit in Chinese)
    "CC": (2, "chapter", "章"),
    "CTH": (4, "heading", "品目"),
    "CTSH": (6, "subheading", "子目"),
}
_BASIS_RANK = {"WO": 0, "WP": 1, "CTC": 2, "VALUE": 3}  # strength of a criterion's basis


@dataclass(frozen=True, slots=True)
class Product:
    """The product under assessment; prices are USD per unit."""

    hs_code: str
    fob_unit_price: Decimal
    ex_works_unit_price: Decimal | None = None
    wholly_obtained: bool = False

    @classmethod
    def from_filing(cls, filing: Any) -> Product:
        """From a ``ProductFiling``: FOB is optional there, but every FTA value test needs it."""
        if filing.fob_unit_price is None:
            en = "a FOB unit price in USD (the value tests use it)"
            raise _error("fob_unit_price", None, en, "美元离岸单价（价值标准需要）", "missing")
        ex_works, wo = filing.ex_works_unit_price, bool(filing.wholly_obtained)
        return cls(filing.hs_code, filing.fob_unit_price, ex_works, wo)


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test run, passed or not, with the figures behind it (for the user to check)."""

    __test__ = False  # not a pytest test class

    name: str
    passed: bool
    figures: dict[str, Decimal]
    detail_en: str
    detail_zh: str
    failing_materials: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class OriginResult:
    """The verdict for one agreement; ``criterion`` is what the goods line prints."""

    agreement: str
    qualifies: bool
    criterion: str | None
    tests: tuple[TestResult, ...]
    vnm: Decimal
    rvc_pct: Decimal | None
    non_originating_pct: Decimal | None
    basis: str | None = None  # "WO" | "WP" | "CTC" | "VALUE": what the criterion rests on

    def test(self, name: str) -> TestResult | None:
        return next((t for t in self.tests if t.name == name), None)


class _Mat(NamedTuple):
    hs: str
    value: Decimal
    originating: bool


def _error(field: str, value: Any, en: str, zh: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed([FieldError(field, value, en, zh, code)], model="origin")


def _amount(value: Any, field: str) -> Decimal:
    """A USD amount as an exact Decimal (a float is read by its shortest repr)."""
    try:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
            raise InvalidOperation
        d = Decimal(repr(value) if isinstance(value, float) else value)
        ok = d.is_finite() and abs(d) < _LIMIT and (d == 0 or d.as_tuple().exponent >= -20)
    except InvalidOperation:
        ok = False
    if not ok:
        en = "a USD amount below 10^15 with at most 20 decimal places"
        raise _error(field, value, en, "低于10^15、最多20位小数的美元金额")
    return d


def _price(value: Any, field: str) -> Decimal:
    """A unit price: the value tests divide by it, so it must be > 0."""
    d = _amount(value, field)
    if d <= 0:
        raise _error(field, value, "a price greater than 0", "大于0的价格", "greater_than")
    return d


def _hs(code: Any, field: str, lengths: tuple[int, ...]) -> str:
    text = str(code or "").replace(".", "").replace(" ", "")
    if not (text.isascii() and text.isdigit() and len(text) in lengths):
        n = ", ".join(map(str, lengths))
        raise _error(field, code, f"an HS code of {n} digits", f"{n}位纯数字的HS编码")
    return text


def _materials(materials: Iterable[Any]) -> list[_Mat]:
    """Materials as (hs, value, originating); dicts go through the ``Material`` model."""
    if isinstance(materials, list) and all(isinstance(m, _Mat) for m in materials):
        return materials
    from coo_lab.domain.filing import Material  # lazy: filing pulls in the certificate models

    out: list[_Mat] = []
    for i, m in enumerate(materials or ()):
        if isinstance(m, dict):
            try:
                m = Material.model_validate(m)
            except ValidationFailed as exc:
                errors = [
                    FieldError(
                        f"materials.{i}.{e.field}", e.value, e.expected_en, e.expected_zh, e.code
                    )
                    for e in exc.errors
                ]
                raise ValidationFailed(errors, model="origin") from None
        value = _amount(getattr(m, "value", None), f"materials.{i}.value")
        if value < 0:
            raise _error(f"materials.{i}.value", value, "a value ≥ 0", "不小于0的金额")
        hs = _hs(getattr(m, "hs_code", None), f"materials.{i}.hs_code", (4, 6, 8, 10))
        out.append(_Mat(hs, value, bool(getattr(m, "originating", False))))
    return out


def _pct(num: Decimal, den: Decimal, rounding: str) -> Decimal:
    """num / den × 100 to 0.01, rounded in the given direction from the exact quotient.

    The division itself rounds the same way, so the 0.01 step is never crossed wrongly.
    """
    with localcontext(prec=_PREC, rounding=rounding):
        return (num * _HUNDRED / den).quantize(_CENT, rounding=rounding)


def _txt(d: Decimal | float) -> str:
    """A threshold for people: 40, not 40.0 or 4E+1."""
    return format(Decimal(str(d)).normalize(), "f")


def _cmp(ok: bool, le: bool = False) -> str:
    return ("≤" if ok else ">") if le else ("≥" if ok else "<")


def vnm(materials: Iterable[Any]) -> Decimal:
    """Value of non-originating materials per unit of product (USD)."""
    with localcontext(prec=_PREC):
        return sum((m.value for m in _materials(materials) if not m.originating), _ZERO)


def non_originating_share(fob: Decimal, vnm: Decimal) -> Decimal:
    """VNM / FOB × 100, to 0.01 rounded UP (never understate the foreign content)."""
    return _pct(_amount(vnm, "vnm"), _price(fob, "fob_unit_price"), ROUND_CEILING)


def rvc(fob: Decimal, vnm: Decimal) -> Decimal:
    """Build-down RVC (FOB − VNM) / FOB × 100, to 0.01 rounded DOWN (never overstate).

    With the share rounded up this makes ``rvc + non_originating_share == 100`` exactly.
    """
    fob, vnm_ = _price(fob, "fob_unit_price"), _amount(vnm, "vnm")
    with localcontext(prec=_PREC):
        return _pct(fob - vnm_, fob, ROUND_FLOOR)


def _shift(product_hs: str, mats: list[_Mat], level: str) -> TestResult:
    n, unit, unit_zh = _LEVELS[level]
    own = product_hs[:n]
    # A material code shorter than the level (4 digits for CTSH) proves a shift only when
    # its heading already differs.
    failing = tuple(
        i
        for i, m in enumerate(mats)
        if not m.originating and (m.hs[:n] == own if len(m.hs) >= n else m.hs == own[:4])
    )
    with localcontext(prec=_PREC):
        failing_value = sum((mats[i].value for i in failing), _ZERO)
    count = sum(1 for m in mats if not m.originating)
    figures = {"failing_value": failing_value, "non_originating_count": Decimal(count)}
    if not failing:
        en = f"{level}: all {count} non-originating material(s) change {unit} from {own}"
        zh = f"{level}：{count}种非原产材料均改变{unit_zh}（产品{unit_zh} {own}）"
    else:
        nums = ", ".join(f"#{i + 1}" for i in failing)
        en = (
            f"{level}: {len(failing)} non-originating material(s) ({nums}, "
            f"{failing_value:f} USD) stay in {unit} {own}"
        )
        zh = f"{level}：{len(failing)}种非原产材料（{nums}，{failing_value:f} 美元）"
        zh += f"未改变{unit_zh} {own}"
    return TestResult(level, not failing, figures, en, zh, failing)


def tariff_shift(product_hs: str, materials: Iterable[Any], level: str) -> TestResult:
    """Change of tariff classification of every non-originating material.

    CC = other 2-digit chapter, CTH = other 4-digit heading, CTSH = other 6-digit subheading.
    A 4-digit material code inside the product's own heading cannot prove a CTSH shift,
    so it counts as failing. Originating materials are ignored.
    """
    if level not in _LEVELS:
        raise _error("level", level, "one of CC, CTH, CTSH", "CC、CTH、CTSH 之一")
    return _shift(_hs(product_hs, "hs_code", (6, 8, 10)), _materials(materials), level)


def _all_originating(mats: list[_Mat]) -> TestResult:
    foreign = tuple(i for i, m in enumerate(mats) if not m.originating)
    figures = {"materials": Decimal(len(mats)), "non_originating_count": Decimal(len(foreign))}
    if not mats:
        return TestResult("WP", False, figures, "no materials declared", "未申报原材料")
    if not foreign:
        en, zh = f"all {len(mats)} material(s) originating", f"全部{len(mats)}种原材料均为原产"
        return TestResult("WP", True, figures, en, zh)
    en = f"{len(foreign)} of {len(mats)} material(s) non-originating"
    zh = f"{len(mats)}种原材料中{len(foreign)}种非原产"
    return TestResult("WP", False, figures, en, zh, foreign)


def _de_minimis(fob: Decimal, shift: TestResult, pct: Decimal) -> TestResult:
    """The materials failing the shift may together be ≤ pct % of FOB (ACFTA: 10 %)."""
    failing_value = shift.figures["failing_value"]
    with localcontext(prec=_PREC):
        ok = failing_value * _HUNDRED <= pct * fob  # exact, no rounded share involved
        allowance = fob * pct / _HUNDRED
    share = _pct(failing_value, fob, ROUND_CEILING)
    figures = {"failing_value": failing_value, "fob": fob, "share_pct": share}
    figures |= {"threshold_pct": pct, "allowance": allowance}
    tail = f"{share}% {_cmp(ok, le=True)} {_txt(pct)}%"
    en = f"de minimis: materials failing {shift.name} {failing_value:f} USD = FOB × {tail}"
    zh = f"微小含量：未满足{shift.name}的材料 {failing_value:f} 美元，占离岸价 {tail}"
    return TestResult("DE_MINIMIS", ok, figures, en, zh, shift.failing_materials)


def _value_added(product: Product, v: Decimal, minimum: Decimal) -> TestResult:
    """General CO: (ex-works − VNM) / ex-works ≥ 30 %, on FOB when no ex-works price is given."""
    base, en_b, zh_b = product.ex_works_unit_price, "ex-works price", "出厂价"
    if base is None:
        base, en_b, zh_b = (
            product.fob_unit_price,
            "FOB (no ex-works price given)",
            "离岸价，无出厂价",
        )
    with localcontext(prec=_PREC):
        pct = _pct(base - v, base, ROUND_FLOOR)
    ok = pct >= minimum
    figures = {"vnm": v, "price": base, "value_added_pct": pct, "threshold_pct": minimum}
    en = f"value added {pct}% of the {en_b} {_cmp(ok)} {_txt(minimum)}%"
    zh = f"增值 {pct}%（按{zh_b}）{_cmp(ok)} {_txt(minimum)}%"
    return TestResult("VALUE_ADDED", ok, figures, en, zh)


def _value_test(
    rules: OriginRules, ldc: bool, dest: str, product: Product, v: Decimal, shift_ok: bool
) -> tuple[list[TestResult], bool, str]:
    """The agreement's value test: (results, passed, criterion text when it is the basis)."""
    fob = product.fob_unit_price
    share, rvc_pct = non_originating_share(fob, v), rvc(fob, v)
    if rules.value_test == "rvc":
        minimum = Decimal(str(rules.rvc_min))
        ok = rvc_pct >= minimum
        figures = {"vnm": v, "fob": fob, "rvc_pct": rvc_pct, "threshold_pct": minimum}
        tail = f"{rvc_pct}% {_cmp(ok)} {_txt(minimum)}%"
        result = TestResult("RVC", ok, figures, f"RVC {tail}", f"区域价值成分 {tail}")
        pct = int(rvc_pct.to_integral_value(rounding=ROUND_FLOOR))  # never overstate
        return [result], ok, rules.rvc_print.format(pct=pct)
    if rules.value_test == "apta":
        limit = rules.non_originating_max_ldc if ldc else rules.non_originating_max
        maximum = Decimal(str(limit))
        ok = share <= maximum
        figures = {"vnm": v, "fob": fob, "share_pct": share, "threshold_pct": maximum}
        tail = f"{share}% {_cmp(ok, le=True)} {_txt(maximum)}%"
        note_en, note_zh = (f" (LDC {dest})", f"（最不发达国家 {dest}）") if ldc else ("", "")
        en = f'"B": non-originating materials = FOB × {tail}{note_en}'
        zh = f'"B"：非原产材料占离岸价 {tail}{note_zh}'
        pct = int(share.to_integral_value(rounding=ROUND_CEILING))  # never understate
        return [TestResult("APTA_B", ok, figures, en, zh)], ok, rules.rvc_print.format(pct=pct)
    if rules.value_test == "substantial":
        va = _value_added(product, v, Decimal(str(rules.value_added_min)))
        ok = shift_ok or va.passed
        why = [(rules.ctc, rules.ctc)] if shift_ok else []
        why += [("value added", "增值标准")] if va.passed else []
        en = " and ".join(w for w, _ in why) or f"neither {rules.ctc} nor value added"
        zh = "、".join(w for _, w in why) or f"{rules.ctc}与增值标准均未满足"
        en, zh = f"substantial transformation: {en}", f"实质性改变：{zh}"
        return [va, TestResult("SUBSTANTIAL_TRANSFORMATION", ok, va.figures, en, zh)], ok, ""
    return [], False, ""


def assess(
    product: Product,
    materials: Iterable[Any],
    agreement_code: str,
    *,
    destination: str | None = None,
) -> OriginResult:
    """Qualify a product under one agreement and choose the criterion to print.

    Every test the agreement uses is run and kept; the criterion comes from the strongest
    passing basis: wholly obtained, all materials originating, tariff shift (when the
    agreement prints one), then the value test. ``destination`` only matters for LDC
    thresholds (APTA).
    """
    agr = agreement(agreement_code)
    rules, general = agr.origin, not agr.preferential
    fob = _price(product.fob_unit_price, "fob_unit_price")
    ex_works = product.ex_works_unit_price
    if ex_works is not None:
        ex_works = _price(ex_works, "ex_works_unit_price")
    hs = _hs(product.hs_code, "hs_code", (6, 8, 10))
    product = Product(hs, fob, ex_works, bool(product.wholly_obtained))
    mats = _materials(materials)
    dest = (destination or "").strip().upper()

    v = vnm(mats)
    share, rvc_pct = non_originating_share(fob, v), rvc(fob, v)
    figures = {"vnm": v, "fob": fob, "share_pct": share, "rvc_pct": rvc_pct}
    en, zh = f"VNM {v:f} USD = {share}% of FOB {fob:f}", f"非原产材料 {v:f} 美元，占离岸价 {share}%"
    wo = product.wholly_obtained
    wo_en, wo_zh = ("wholly obtained", "完全获得") if wo else ("not wholly obtained", "非完全获得")
    tests = [
        TestResult("VNM", True, figures, en, zh),
        TestResult("WO", wo, {}, wo_en, wo_zh),
        _all_originating(mats),
    ]
    found: list[tuple[str, str]] = []  # (basis, criterion) in preference order
    if wo and (rules.wholly_obtained or general):
        found.append(("WO", rules.wholly_obtained))
    if tests[2].passed and (rules.all_originating or general):
        found.append(("WP", rules.all_originating))
    shift_ok = False
    if rules.ctc:
        tests.append(shift := _shift(hs, mats, rules.ctc))
        shift_ok = shift.passed
        if not shift_ok and rules.de_minimis_pct > 0:
            tests.append(_de_minimis(fob, shift, Decimal(str(rules.de_minimis_pct))))
            shift_ok = tests[-1].passed
        if shift_ok and (rules.ctc_print or general):
            found.append(("CTC", rules.ctc_print))
    value_tests, value_ok, printed = _value_test(
        rules, dest in agr.ldc_partners, dest, product, v, shift_ok
    )
    tests += value_tests
    if value_ok:
        found.append(("VALUE", printed))
    basis, criterion = found[0] if found else (None, None)
    if criterion is not None and general:
        criterion = ""  # the general CO prints no criterion
    return OriginResult(agr.code, bool(found), criterion, tuple(tests), v, rvc_pct, share, basis)


def best_agreements(
    product: Product, materials: Iterable[Any], destination: str
) -> list[OriginResult]:
    """Every agreement usable for the destination, best first; the general CO last.

    Qualifying preferential agreements first, by strength of criterion (WO, all originating,
    tariff shift, value test), ties in the deck's order; then the ones that do not qualify;
    then C unless the goods go to China.
    """
    dest = (destination or "").strip().upper()
    if not (len(dest) == 3 and dest.isascii() and dest.isalpha()):
        en = "an ISO 3166 alpha-3 country code such as KOR"
        raise _error("destination", destination, en, "三位字母国家代码，如 KOR")
    order = {a.code: i for i, a in enumerate(agreements())}
    mats = _materials(materials)
    results = [assess(product, mats, a.code, destination=dest) for a in covering(dest)]

    def rank(r: OriginResult) -> tuple[bool, int, int]:
        strength = _BASIS_RANK.get(r.basis or "", 9) if r.qualifies else 0
        return (not r.qualifies, strength, order[r.agreement])

    results.sort(key=rank)
    if dest != "CHN":
        results.append(assess(product, mats, GENERAL, destination=dest))
    return results
