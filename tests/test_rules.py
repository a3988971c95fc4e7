"""Every review rule (DOMAIN.md §5), one field at a time.

Each case starts from ``samples.certificate(t)`` (which passes every rule), changes ONE thing
and asserts the exact finding: code, field path, severity, and that both messages name the
offending value. The tables ``FAILING`` and ``PASSING`` must between them name every
registered rule (see ``test_every_rule_has_a_failing_and_a_passing_case``).

Dates are fixed: ``TODAY`` is Friday 2026-11-27, so the sample's application date is
Thursday 2026-11-26, its invoice date 2026-11-22, its signing date 2026-11-27 and its
shipment date 2026-11-30.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.catalogue import render
from coo_lab.domain.certificate import (
    Certificate,
    CertificateCategory,
    GoodsLine,
    ImportedMaterial,
    ProcessingDeclaration,
)
from coo_lab.domain.filing import ProductFiling
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.domain.rules import (
    FORMAT_RULE,
    REGISTRY,
    CheckContext,
    Finding,
    Severity,
    check,
    errors_only,
    rules,
)
from coo_lab.domain.rules.basics import REQUIRED
from coo_lab.errors import ValidationFailed

TODAY = date(2026, 11, 27)  # a Friday
APPLIED = TODAY - timedelta(days=1)  # the sample's application date, Thursday 2026-11-26
FILINGS = samples.product_filings()
E, W = Severity.ERROR, Severity.WARNING
D = Decimal
ROOT = Path(__file__).resolve().parents[1]


# --- helpers -----------------------------------------------------------------------------


def cert(cert_type: str = "N", **kwargs: Any) -> Certificate:
    """A fresh clean sample, deep-copied so that edits never reach the shared base data."""
    built = samples.certificate(cert_type, today=TODAY, filings=FILINGS, **kwargs)
    return built.model_copy(deep=True)


def ctx(**kwargs: Any) -> CheckContext:
    kwargs.setdefault("filings", FILINGS)
    return samples.context(today=TODAY, **kwargs)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def edit(c: Certificate, **fields: Any) -> Certificate:
    """Assign fields one by one (assignment is validated)."""
    for name, value in fields.items():
        setattr(c, name, value)
    return c


def edit_line(c: Certificate, index: int = 0, **fields: Any) -> Certificate:
    for name, value in fields.items():
        setattr(c.goods[index], name, value)
    return c


def edit_party(c: Certificate, role: str, **fields: Any) -> Certificate:
    for name, value in fields.items():
        setattr(getattr(c, role), name, value)
    return c


def with_lines(c: Certificate, n: int) -> Certificate:
    """``n`` goods lines copied (cyclically) from the sample's own; the FOB total follows."""
    base = list(c.goods)
    c.goods = [
        base[i % len(base)].model_copy(deep=True, update={"line_no": i + 1}) for i in range(n)
    ]
    c.fob_usd = c.goods_fob_total()
    return c


def _line_fob(c: Certificate, index: int, value: Decimal) -> Certificate:
    """Change one line's FOB value and keep the certificate total consistent."""
    c.goods[index].fob_usd = value
    c.fob_usd = c.goods_fob_total()
    return c


def filing_number(hs: str, agreement: str) -> str:
    for f in FILINGS:
        area = f.area(agreement)
        if f.hs_code == hs and area is not None:
            assert area.filing_number
            return area.filing_number
    raise LookupError((hs, agreement))


def filings_changed(hs: str, agreement: str, *, status: str | None = None) -> list[ProductFiling]:
    """The sample filings with ``hs``'s ``agreement`` area dropped (or given ``status``)."""
    out = []
    for f in FILINGS:
        if f.hs_code == hs and f.area(agreement) is not None:
            areas = [
                a.model_copy(update={"status": FilingStatus(status)}) if status else a
                for a in f.areas
                if status or a.agreement != agreement
            ]
            f = f.model_copy(update={"areas": areas})
        out.append(f)
    return out


def processing(
    heading: str, delivery: str, materials: list[tuple[str, str]], declared: str | None = None
) -> ProcessingDeclaration:
    return ProcessingDeclaration(
        hs_heading=heading,
        product_name="ELECTRIC OVEN",
        delivery_unit_price=D(delivery),
        processing_steps="stamping, welding, coating, assembly",
        imported_materials=[
            ImportedMaterial(hs_heading=h, cif_unit_price_usd=D(v)) for h, v in materials
        ],
        declared_percentage=None if declared is None else D(declared),
    )


# --- the clean samples -------------------------------------------------------------------


@pytest.mark.parametrize("cert_type", CERTIFICATE_TYPES)
def test_every_sample_passes_every_rule(cert_type: str) -> None:
    c = cert(cert_type)
    assert check(c, ctx()) == []
    assert check(c.model_dump(), ctx()) == []  # the same certificate given as data
    assert check(c.model_dump(mode="json"), ctx()) == []


# --- failing cases -----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    field: str
    mutate: Callable[[Certificate], Certificate]
    cert_type: str = "N"
    mentions: tuple[str, ...] = ()  # in both message_en and message_zh
    en: tuple[str, ...] = ()  # in message_en only
    zh: tuple[str, ...] = ()  # in message_zh only
    also: frozenset[str] = field(default_factory=frozenset)  # other codes expected too
    context: Callable[[], CheckContext] = ctx

    @property
    def severity(self) -> Severity:
        return REGISTRY[self.code].severity


def _ship(days_before_application: int) -> Callable[[Certificate], Certificate]:
    return lambda c: edit(c, shipment_date=APPLIED - timedelta(days=days_before_application))


def _retro(days: int, code: str, cert_type: str, mark: str) -> Case:
    shipped = APPLIED - timedelta(days=days)
    return Case(
        f"{cert_type}-day-{days}",
        code,
        "shipment_date",
        _ship(days),
        cert_type,
        mentions=(str(shipped), str(days), *((mark,) if mark else ())),
    )


UNFILED_HS = "940360"  # wooden furniture: in HS 2022, never filed by the sample enterprise
FIRST_HS = "851660"  # the sample's first goods line
NOT_ACCEPTED_ON_N = "CTH"

# fmt: off
FAILING: list[Case] = [
    # dates
    Case("invoice-after-application", "CO-DATE-001", "invoice_date",
         lambda c: edit(c, invoice_date=APPLIED + timedelta(days=1)),
         mentions=(str(APPLIED + timedelta(days=1)), str(APPLIED))),
    Case("signing-before-application", "CO-DATE-002", "signing_date",
         lambda c: edit(c, signing_date=APPLIED - timedelta(days=1)),
         mentions=(str(APPLIED - timedelta(days=1)), str(APPLIED))),
    Case("application-tomorrow", "CO-DATE-003", "application_date",
         lambda c: edit(c, application_date=TODAY + timedelta(days=1),
                        signing_date=TODAY + timedelta(days=1)),
         mentions=(str(TODAY + timedelta(days=1)), str(TODAY))),
    _retro(4, "CO-DATE-004", "E", "Issued Retroactively"),
    _retro(4, "CO-DATE-004", "X", "ISSUED RETROSPECTIVELY"),
    _retro(8, "CO-DATE-004", "K", "ISSUED RETROACTIVELY"),
    _retro(1, "CO-DATE-004", "N", "ISSUED RETROSPECTIVELY"),
    _retro(365, "CO-DATE-004", "N", "ISSUED RETROSPECTIVELY"),
    _retro(90, "CO-DATE-004", "H", "补发"),
    _retro(91, "CO-DATE-005", "H", ""),
    _retro(366, "CO-DATE-005", "N", ""),
    _retro(366, "CO-DATE-005", "F", ""),
    _retro(366, "CO-DATE-005", "E", ""),
    # APTA: shipped Friday 2026-11-20; Thursday 2026-11-26 is the 4th working day after it
    Case("B-thursday-after-friday-shipment", "CO-DATE-005", "shipment_date",
         lambda c: edit(c, shipment_date=date(2026, 11, 20), application_date=date(2026, 11, 26)),
         "B", mentions=("2026-11-20",), en=("no retroactive issue", "3 working days"),
         zh=("不允许后补", "3个工作日")),
    # parties
    Case("user-filing-not-done", "CO-PARTY-001", "enterprise_code", lambda c: c,
         en=("user filing",), zh=("用户备案",),
         context=lambda: CheckContext(
             today=TODAY, enterprise=samples.ENTERPRISE.model_copy(update={"filed": False}),
             approved_filings=FILINGS, used_invoices=set())),
    Case("other-enterprise-code", "CO-PARTY-002", "enterprise_code",
         lambda c: edit(c, enterprise_code="311120219"), mentions=("311120219", "311120218")),
    Case("other-ccpit-code", "CO-PARTY-002", "ccpit_code",
         lambda c: edit(c, ccpit_code="210201"), mentions=("210201", "210200")),
    Case("signer-cancelled", "CO-PARTY-003", "hand_signer", lambda c: edit(c, hand_signer="张伟"),
         mentions=("张伟", "王丹", "李明"), en=("cancelled",), zh=("已注销",)),
    Case("signer-unknown", "CO-PARTY-003", "hand_signer", lambda c: edit(c, hand_signer="赵六"),
         mentions=("赵六",), en=("not a registered",), zh=("不是已备案",)),
    Case("exporter-other-company", "CO-PARTY-004", "exporter.name_en",
         lambda c: edit_party(c, "exporter", name_en="DALIAN HAIXIN TRADING CO., LTD."),
         mentions=("DALIAN HAIXIN TRADING CO., LTD.", samples.ENTERPRISE.name_en)),
    Case("consignee-blank", "CO-PARTY-005", "importer.name_en",
         lambda c: edit_party(c, "importer", name_en=""), en=("blank",), zh=("为空",)),
    Case("apta-consignee-in-hong-kong", "CO-PARTY-006", "importer.country",
         lambda c: edit_party(c, "importer", country="HKG"), "B",
         mentions=("HKG", "MUMBAI APPLIANCES")),
    Case("ecfa-exporter-no-chinese-name", "CO-PARTY-007", "exporter.name_cn",
         lambda c: edit_party(c, "exporter", name_cn=""), "H", mentions=("exporter.name_cn",)),
    Case("ecfa-importer-no-chinese-name", "CO-PARTY-007", "importer.name_cn",
         lambda c: edit_party(c, "importer", name_cn=""), "H", mentions=("importer.name_cn",)),
    # basic info
    Case("destination-unknown", "CO-DEST-001", "destination_country",
         lambda c: edit(c, destination_country="QQQ"), "C", mentions=("QQQ",)),
    Case("destination-unknown-preferential", "CO-DEST-001", "destination_country",
         lambda c: edit(c, destination_country="QQQ"), "N", mentions=("QQQ",),
         also=frozenset({"CO-DEST-002"})),
    Case("nzl-form-to-australia", "CO-DEST-002", "destination_country",
         lambda c: edit(c, destination_country="AUS"), "N", mentions=("AUS", "NZL")),
    Case("acfta-form-to-korea", "CO-DEST-002", "destination_country",
         lambda c: edit(c, destination_country="KOR"), "E", mentions=("KOR", "VNM", "SGP")),
    Case("general-co-to-china", "CO-DEST-003", "destination_country",
         lambda c: edit(c, destination_country="CHN"), "C", en=("China",), zh=("中国",)),
    Case("currency-unknown", "CO-VALUE-001", "invoice_currency",
         lambda c: edit(c, invoice_currency="QQQ"), mentions=("QQQ",)),
    Case("invoice-used-on-e", "CO-DUP-001", "invoice_number", lambda c: c, "E",
         mentions=("HX261127E001",), en=("-1",),
         context=lambda: ctx(used_invoices={("E", "HX261127E001")})),
    Case("reissue-without-original", "CO-REISSUE-001", "original_certificate_number",
         lambda c: edit(c, category=CertificateCategory.AMEND_REISSUE),
         en=("original certificate number",), zh=("原证书号",)),
    Case("acfta-reissue", "CO-REISSUE-002", "category",
         lambda c: edit(c, category=CertificateCategory.AMEND_REISSUE,
                        original_certificate_number="26E311120218/00001"), "E",
         en=("Form E",), zh=("原证",)),
    *(
        Case(f"required-{name}", "CO-REQ-001", name,
             lambda c, name=name: edit(c, **{name: ""}),  # blank: None where optional
             en=(en_name, "required"), zh=(zh_name, "必填"),
             also=frozenset({"CO-PARTY-005"}) if name == "importer" else frozenset())
        for name, en_name, zh_name in REQUIRED
    ),
    # goods
    Case("no-goods", "CO-GOODS-001", "goods", lambda c: edit(c, goods=[]),
         en=("no goods lines",), zh=("没有商品",)),
    Case("N-21-lines", "CO-GOODS-002", "goods", lambda c: with_lines(c, 21), "N",
         mentions=("21", "20")),
    Case("B-21-lines", "CO-GOODS-002", "goods", lambda c: with_lines(c, 21), "B",
         mentions=("21", "20")),
    Case("F-51-lines", "CO-GOODS-002", "goods", lambda c: with_lines(c, 51), "F",
         mentions=("51", "50")),
    Case("hs-not-in-nomenclature", "CO-GOODS-003", "goods.1.hs_code",
         lambda c: edit_line(c, 1, hs_code="9999990000"), "C", mentions=("9999990000", "999999")),
    Case("description-parts", "CO-GOODS-004", "goods.1.description",
         lambda c: edit_line(c, 1, description="PARTS"), mentions=("PARTS",)),
    Case("description-parts-lowercase-marker", "CO-GOODS-004", "goods.0.description",
         lambda c: edit_line(c, 0, description="parts***"), mentions=("PARTS",)),
    Case("description-garment", "CO-GOODS-004", "goods.2.description",
         lambda c: edit_line(c, 2, description="GARMENT"), mentions=("GARMENT",)),
    Case("description-fruit-spaced", "CO-GOODS-004", "goods.0.description",
         lambda c: edit_line(c, 0, description="  Fruit ***"), "C", mentions=("FRUIT",)),
    Case("description-blank", "CO-GOODS-004", "goods.0.description",
         lambda c: edit_line(c, 0, description=""), en=("blank",), zh=("为空",)),
    Case("description-text-after-marker", "CO-GOODS-005", "goods.0.description",
         lambda c: edit_line(c, 0, description="ELECTRIC OVENS*** 1500W"),
         en=("***",), zh=("***",)),
    Case("marks-as-per-invoice", "CO-GOODS-006", "goods.0.marks",
         lambda c: edit_line(c, 0, marks="AS PER INVOICE"), mentions=("AS PER INVOICE",)),
    Case("marks-as-per-bl-lowercase", "CO-GOODS-006", "goods.2.marks",
         lambda c: edit_line(c, 2, marks="as per  b/l"), mentions=("AS PER B/L",)),
    Case("marks-blank", "CO-GOODS-006", "goods.0.marks", lambda c: edit_line(c, 0, marks=""),
         mentions=("N/M",)),
    Case("quantity-zero", "CO-GOODS-007", "goods.0.quantity",
         lambda c: edit_line(c, 0, quantity=D(0), amount=D(0)), mentions=("0",)),
    Case("quantity-blank", "CO-GOODS-007", "goods.0.quantity",
         lambda c: edit_line(c, 0, quantity=None), en=("(blank)",), zh=("空",)),
    Case("gross-weight-zero", "CO-GOODS-007", "goods.1.gross_weight",
         lambda c: edit_line(c, 1, gross_weight=D(0)), mentions=("0",)),
    Case("line-fob-zero", "CO-GOODS-007", "goods.0.fob_usd",
         lambda c: _line_fob(c, 0, D(0)), mentions=("0",)),
    Case("fob-one-cent-over", "CO-GOODS-008", "fob_usd",
         lambda c: edit(c, fob_usd=c.fob_usd + D("0.01")), mentions=("13600.01", "13600.00")),
    Case("fob-one-cent-under", "CO-GOODS-008", "fob_usd",
         lambda c: edit(c, fob_usd=c.fob_usd - D("0.01")), mentions=("13599.99", "13600.00")),
    Case("unit-unknown", "CO-GOODS-009", "goods.0.unit", lambda c: edit_line(c, 0, unit="999"),
         mentions=("999",)),
    Case("weight-unit-unknown", "CO-GOODS-009", "goods.2.net_weight_unit",
         lambda c: edit_line(c, 2, net_weight_unit="998"), mentions=("998",)),
    Case("amount-off-by-a-cent", "CO-GOODS-010", "goods.0.amount",
         lambda c: edit_line(c, 0, amount=D("10000.01")), mentions=("10000.01", "10000.00")),
    # origin
    Case("hs-never-filed", "CO-ORIGIN-001", "goods.0.product_filing_number",
         lambda c: edit_line(c, 0, hs_code=UNFILED_HS), mentions=(UNFILED_HS, "N")),
    Case("filing-for-another-agreement", "CO-ORIGIN-001", "goods.0.product_filing_number",
         lambda c: c, mentions=(FIRST_HS,), en=("no product filing approved for N",),
         context=lambda: ctx(filings=filings_changed(FIRST_HS, "N"))),
    Case("filing-not-yet-approved", "CO-ORIGIN-001", "goods.0.product_filing_number",
         lambda c: c, mentions=(FIRST_HS,),
         context=lambda: ctx(filings=filings_changed(FIRST_HS, "N", status="submitted"))),
    Case("filing-number-of-another-agreement", "CO-ORIGIN-001", "goods.0.product_filing_number",
         lambda c: edit_line(c, 0, product_filing_number=filing_number(FIRST_HS, "K")),
         mentions=(filing_number(FIRST_HS, "K"), FIRST_HS)),
    Case("filing-number-of-another-product", "CO-ORIGIN-001", "goods.1.product_filing_number",
         lambda c: edit_line(c, 1, product_filing_number=filing_number(FIRST_HS, "N")),
         mentions=(filing_number(FIRST_HS, "N"), "610910")),
    Case("criterion-not-accepted", "CO-ORIGIN-002", "goods.0.origin_criterion",
         lambda c: edit_line(c, 0, origin_criterion=NOT_ACCEPTED_ON_N),
         mentions=(NOT_ACCEPTED_ON_N, "WO, WP, PSR"), also=frozenset({"CO-ORIGIN-003"})),
    Case("criterion-blank", "CO-ORIGIN-002", "goods.1.origin_criterion",
         lambda c: edit_line(c, 1, origin_criterion=""), en=("(blank)",), zh=("空",)),
    Case("apta-criterion-unquoted", "CO-ORIGIN-002", "goods.0.origin_criterion",
         lambda c: edit_line(c, 0, origin_criterion="B 42%"), "B", mentions=("B 42%",),
         also=frozenset({"CO-ORIGIN-003"})),
    Case("criterion-not-the-filed-one", "CO-ORIGIN-003", "goods.0.origin_criterion",
         lambda c: edit_line(c, 0, origin_criterion="WO"), mentions=("WO", "PSR")),
    Case("apta-percentage-not-the-filed-one", "CO-ORIGIN-003", "goods.0.origin_criterion",
         lambda c: edit_line(c, 0, origin_criterion='"B" 40%'), "B",
         mentions=('"B" 40%', '"B" 42%')),
    Case("processing-percentage-mismatch", "CO-ORIGIN-004",
         "goods.0.processing.declared_percentage",
         lambda c: edit_line(c, 0, processing=processing(
             "8516", "100.00", [("7209", "30.00"), ("9032", "12.00")], declared="17")), "C",
         mentions=("17", "42")),
    Case("no-substantial-transformation", "CO-ORIGIN-005", "goods.0.processing",
         lambda c: edit_line(c, 0, processing=processing(
             "8516", "100.00", [("8516", "70.50"), ("9032", "1.00")], declared="72")), "C",
         mentions=("8516", "71.50", "28.50", "30")),
]
# fmt: on


@pytest.mark.parametrize("case", FAILING, ids=lambda case: f"{case.code}:{case.id}")
def test_rule_fails(case: Case) -> None:
    c = case.mutate(cert(case.cert_type))
    findings = check(c, case.context())
    assert codes(findings) == {case.code, *case.also}, findings
    hits = [f for f in findings if f.code == case.code]
    assert [f.field for f in hits] == [case.field]
    hit = hits[0]
    assert hit.severity == case.severity
    assert hit.is_error == (case.severity == E)
    for text in case.mentions:
        assert text in hit.message_en, (text, hit.message_en)
        assert text in hit.message_zh, (text, hit.message_zh)
    for text in case.en:
        assert text in hit.message_en, (text, hit.message_en)
    for text in case.zh:
        assert text in hit.message_zh, (text, hit.message_zh)


# --- passing cases (edges on the right side of the line) ---------------------------------


@dataclass(frozen=True)
class Pass:
    id: str
    code: str  # the rule this case sits next to
    mutate: Callable[[Certificate], Certificate]
    cert_type: str = "N"
    context: Callable[[], CheckContext] = ctx


def _filed_line(hs: str, agreement: str, criterion: str) -> Callable[[Certificate], Certificate]:
    return lambda c: edit_line(
        c,
        0,
        hs_code=hs,
        origin_criterion=criterion,
        product_filing_number=filing_number(hs, agreement),
    )


# fmt: off
PASSING: list[Pass] = [
    Pass("invoice-same-day-as-application", "CO-DATE-001", lambda c: edit(c, invoice_date=APPLIED)),
    Pass("signed-same-day", "CO-DATE-002", lambda c: edit(c, signing_date=APPLIED)),
    Pass("applied-today", "CO-DATE-003", lambda c: edit(c, application_date=TODAY)),
    Pass("E-day-3", "CO-DATE-004", _ship(3), "E"),
    Pass("X-day-3", "CO-DATE-004", _ship(3), "X"),
    Pass("K-day-7", "CO-DATE-004", _ship(7), "K"),
    Pass("N-same-day", "CO-DATE-004", _ship(0), "N"),
    Pass("C-never-retroactive", "CO-DATE-005", _ship(400), "C"),
    Pass("B-wednesday-after-friday", "CO-DATE-005",
         lambda c: edit(c, shipment_date=date(2026, 11, 20), application_date=date(2026, 11, 25)),
         "B"),
    Pass("B-monday-after-friday", "CO-DATE-005",
         lambda c: edit(c, shipment_date=date(2026, 11, 20), application_date=date(2026, 11, 23)),
         "B"),
    Pass("B-before-shipment", "CO-DATE-005", lambda c: c, "B"),
    Pass("user-filing-done", "CO-PARTY-001", lambda c: c),
    Pass("registered-codes", "CO-PARTY-002", lambda c: c),
    Pass("other-active-signer", "CO-PARTY-003", lambda c: edit(c, hand_signer="李明")),
    Pass("exporter-punctuation-and-case", "CO-PARTY-004",
         lambda c: edit_party(c, "exporter",
                              name_en="Dalian Haixing International Trading Co Ltd")),
    Pass("consignee-to-order", "CO-PARTY-005",
         lambda c: edit_party(c, "importer", name_en="TO ORDER")),
    Pass("hk-consignee-on-general-co", "CO-PARTY-006",
         lambda c: edit_party(c, "importer", country="HKG"), "C"),
    Pass("no-chinese-names-outside-ecfa", "CO-PARTY-007",
         lambda c: edit_party(edit_party(c, "exporter", name_cn=""), "importer", name_cn="")),
    Pass("general-co-to-korea", "CO-DEST-001", lambda c: edit(c, destination_country="KOR"), "C"),
    Pass("cepa-to-macao", "CO-DEST-002", lambda c: edit(c, destination_country="MAC"), "HM"),
    Pass("swiss-form-to-liechtenstein", "CO-DEST-002",
         lambda c: edit(c, destination_country="LIE"), "S"),
    Pass("acfta-to-singapore", "CO-DEST-002", lambda c: edit(c, destination_country="SGP"), "E"),
    Pass("general-co-to-hong-kong", "CO-DEST-003", lambda c: edit(c, destination_country="HKG"),
         "C"),
    Pass("euro-invoice", "CO-VALUE-001", lambda c: edit(c, invoice_currency="EUR")),
    Pass("same-invoice-other-type", "CO-DUP-001", lambda c: c, "X",
         context=lambda: ctx(used_invoices={("E", "HX261127X001")})),
    Pass("split-shipment-suffix", "CO-DUP-001", lambda c: edit(c, invoice_number="HX261127E001-2"),
         "E", context=lambda: ctx(used_invoices={("E", "HX261127E001"),
                                                 ("E", "HX261127E001-1")})),
    Pass("reissue-citing-original", "CO-REISSUE-001",
         lambda c: edit(c, category=CertificateCategory.AMEND_REISSUE,
                        original_certificate_number="26N311120218/00004")),
    Pass("reissue-on-nzl-form", "CO-REISSUE-002",
         lambda c: edit(c, category=CertificateCategory.AMEND_REISSUE,
                        original_certificate_number="26N311120218/00004")),
    Pass("optional-fields-blank", "CO-REQ-001",
         lambda c: edit(c, signing_place="", producer=None, contract_number="", remarks="",
                        payment_method=None, exit_customs=None)),
    Pass("one-line", "CO-GOODS-001", lambda c: with_lines(c, 1)),
    Pass("N-20-lines", "CO-GOODS-002", lambda c: with_lines(c, 20), "N"),
    Pass("K-21-lines", "CO-GOODS-002", lambda c: with_lines(c, 21), "K"),
    Pass("E-60-lines", "CO-GOODS-002", lambda c: with_lines(c, 60), "E"),
    Pass("F-50-lines", "CO-GOODS-002", lambda c: with_lines(c, 50), "F"),
    Pass("C-60-lines", "CO-GOODS-002", lambda c: with_lines(c, 60), "C"),
    Pass("hs-10-digits", "CO-GOODS-003", lambda c: edit_line(c, 1, hs_code="8516.60.00.00"), "C"),
    Pass("hs-8-digits-on-filed-product", "CO-GOODS-003",
         lambda c: edit_line(c, 0, hs_code="85166010")),
    Pass("specific-description", "CO-GOODS-004",
         lambda c: edit_line(c, 0, description="AUTO PARTS FOR TOYOTA COROLLA BRAKE PADS"), "C"),
    Pass("specific-description-with-marker", "CO-GOODS-005",
         lambda c: edit_line(c, 0, description="AUTO PARTS FOR TOYOTA COROLLA BRAKE PADS ***")),
    Pass("no-end-marker", "CO-GOODS-005",
         lambda c: edit_line(c, 1, description="MEN'S COTTON KNITTED T-SHIRTS")),
    Pass("marks-n-m", "CO-GOODS-006", lambda c: edit_line(c, 0, marks="N/M")),
    Pass("optional-weights-blank", "CO-GOODS-007",
         lambda c: edit_line(c, 0, net_weight=None, gross_weight=None, unit_price=None)),
    Pass("fob-equal-to-the-cent", "CO-GOODS-008", lambda c: edit(c, fob_usd=D("13600.0040"))),
    Pass("fob-lines-with-fractions", "CO-GOODS-008",
         lambda c: edit(edit_line(c, 0, fob_usd=D("10000.004")), fob_usd=D("13600"))),
    Pass("unit-kilogram", "CO-GOODS-009", lambda c: edit_line(c, 0, unit="035")),
    Pass("amount-blank", "CO-GOODS-010", lambda c: edit_line(c, 0, amount=None)),
    Pass("amount-rounds-to-the-cent", "CO-GOODS-010",
         lambda c: edit_line(c, 0, quantity=D("3"), unit_price=D("0.3333"), amount=D("1.00"))),
    Pass("other-filed-product", "CO-ORIGIN-001", _filed_line("731815", "N", "PSR")),
    Pass("no-filing-needed-on-general-co", "CO-ORIGIN-001",
         lambda c: edit_line(c, 0, hs_code=UNFILED_HS), "C"),
    Pass("criterion-on-general-co-ignored", "CO-ORIGIN-002",
         lambda c: edit_line(c, 0, origin_criterion="ANYTHING"), "C"),
    Pass("apta-b-percentage", "CO-ORIGIN-002", lambda c: c, "B"),
    Pass("filed-wp-product", "CO-ORIGIN-003", _filed_line("691110", "N", "WP")),
    Pass("acfta-pe-product", "CO-ORIGIN-003", _filed_line("691110", "E", "PE"), "E"),
    Pass("processing-percentage-right", "CO-ORIGIN-004",
         lambda c: edit_line(c, 0, processing=processing(
             "8516", "100.00", [("7209", "30.00"), ("9032", "12.00")], declared="42.5")), "C"),
    Pass("value-added-exactly-30", "CO-ORIGIN-005",
         lambda c: edit_line(c, 0, processing=processing(
             "8516", "100.00", [("8516", "70.00")], declared="70")), "C"),
    Pass("heading-changes", "CO-ORIGIN-005",
         lambda c: edit_line(c, 0, processing=processing(
             "8516", "100.00", [("7209", "90.00")], declared="90")), "C"),
    Pass("substantial-transformation-general-co-only", "CO-ORIGIN-005",
         lambda c: edit_line(c, 0, processing=processing(
             "8516", "100.00", [("8516", "90.00")], declared="90")), "N"),
]
# fmt: on


@pytest.mark.parametrize("case", PASSING, ids=lambda case: f"{case.code}:{case.id}")
def test_rule_passes(case: Pass) -> None:
    c = case.mutate(cert(case.cert_type))
    assert check(c, case.context()) == []


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    assert {case.code for case in FAILING} == set(REGISTRY)
    assert {case.code for case in PASSING} == set(REGISTRY)
    for case in FAILING:
        assert case.also <= set(REGISTRY)


# --- specific behaviours -----------------------------------------------------------------


def test_one_finding_per_offending_line() -> None:
    c = cert("C")
    for i in range(3):
        edit_line(c, i, description="PARTS***", marks="AS PER INVOICE")
    findings = check(c, ctx())
    assert [(f.code, f.field) for f in findings] == [
        (code, f"goods.{i}.{name}")
        for code, name in (("CO-GOODS-004", "description"), ("CO-GOODS-006", "marks"))
        for i in range(3)
    ]


def test_negative_values_cannot_be_assigned_and_are_format_findings_as_data() -> None:
    c = cert("C")
    with pytest.raises(ValidationFailed):
        c.goods[0].quantity = D(-1)
    with pytest.raises(ValidationFailed):
        c.fob_usd = D("-0.01")
    data = c.model_dump(mode="json")
    data["goods"][0]["quantity"] = "-1"
    data["fob_usd"] = -0.01
    findings = check(data, ctx())
    assert {(f.code, f.field) for f in findings} == {
        (FORMAT_RULE, "goods.0.quantity"),
        (FORMAT_RULE, "fob_usd"),
    }


def test_huge_amounts_do_not_overflow() -> None:
    """18-digit quantity × unit price exceeds decimal's default 28-digit precision."""
    c = cert("C")
    edit_line(c, 0, quantity=D("99999999999999.9999"), unit_price=D("99999999999999.9999"))
    findings = check(c, ctx())
    assert [(f.code, f.field) for f in findings] == [("CO-GOODS-010", "goods.0.amount")]
    assert "9999999999999999980000000000.00" in findings[0].message_en


NEEDY = {
    "CO-PARTY-001",
    "CO-PARTY-002",
    "CO-PARTY-003",
    "CO-PARTY-004",
    "CO-DUP-001",
    "CO-ORIGIN-001",
    "CO-ORIGIN-003",
}


def test_rules_with_needs_are_skipped_without_them() -> None:
    assert {r.code for r in rules() if r.needs} == NEEDY
    c = cert("N")
    edit(c, enterprise_code="311120219", hand_signer="张伟")
    edit_party(c, "exporter", name_en="SOMEONE ELSE LTD")
    edit_line(c, 0, hs_code=UNFILED_HS)
    edit_line(c, 1, origin_criterion="WO")
    unfiled = samples.ENTERPRISE.model_copy(update={"filed": False})
    used = {("N", c.invoice_number)}
    full = CheckContext(
        today=TODAY, enterprise=unfiled, approved_filings=FILINGS, used_invoices=used
    )
    assert codes(check(c, full)) == NEEDY  # every one of them fires when it can run
    assert check(c, CheckContext(today=TODAY)) == []
    assert codes(check(c, CheckContext(today=TODAY, enterprise=unfiled))) == {
        "CO-PARTY-001",
        "CO-PARTY-002",
        "CO-PARTY-003",
        "CO-PARTY-004",
    }
    assert codes(check(c, CheckContext(today=TODAY, used_invoices=used))) == {"CO-DUP-001"}
    assert codes(check(c, CheckContext(today=TODAY, approved_filings=FILINGS))) == {
        "CO-ORIGIN-001",
        "CO-ORIGIN-003",
    }
    # an empty list is known (nothing filed), unlike None (not known here)
    assert codes(check(c, CheckContext(today=TODAY, approved_filings=[]))) == {"CO-ORIGIN-001"}
    assert {r.code for r in CheckContext(today=TODAY).active_rules} == set(REGISTRY) - NEEDY


def test_check_without_context_uses_today() -> None:
    c = samples.certificate("C", filings=FILINGS)  # dated from the real today
    assert check(c) == []
    edit(
        c,
        application_date=date.today() + timedelta(days=1),
        signing_date=date.today() + timedelta(days=1),
    )
    assert codes(check(c)) == {"CO-DATE-003"}


def test_findings_are_sorted_errors_first() -> None:
    c = cert("E")
    edit(c, shipment_date=APPLIED - timedelta(days=10), destination_country="KOR", fob_usd=D(1))
    edit_line(c, 0, amount=D(1), marks="SEE INVOICE")
    findings = check(c, ctx())
    assert [(f.code, f.field, f.severity) for f in findings] == [
        ("CO-DEST-002", "destination_country", E),
        ("CO-GOODS-006", "goods.0.marks", E),
        ("CO-GOODS-008", "fob_usd", E),
        ("CO-DATE-004", "shipment_date", W),
        ("CO-GOODS-010", "goods.0.amount", W),
    ]
    assert errors_only(findings) == findings[:3]
    assert all(isinstance(f.to_dict()["severity"], str) for f in findings)


def test_dict_that_does_not_fit_gives_format_findings() -> None:
    data = cert("N").model_dump(mode="json")
    data["invoice_date"] = "31/02/2026"
    data["destination_country"] = "NZ"
    data["goods"][1]["hs_code"] = "85166"
    data["goods"][2]["unit"] = "kg"
    data["colour"] = "red"
    findings = check(data, ctx())
    assert {f.code for f in findings} == {FORMAT_RULE}
    assert {f.severity for f in findings} == {E}
    by_field = {f.field: f for f in findings}
    assert set(by_field) == {
        "invoice_date",
        "destination_country",
        "goods.1.hs_code",
        "goods.2.unit",
        "colour",
    }
    for name, value in (
        ("invoice_date", "31/02/2026"),
        ("destination_country", "NZ"),
        ("goods.1.hs_code", "85166"),
        ("goods.2.unit", "kg"),
    ):
        assert value in by_field[name].message_en
        assert value in by_field[name].message_zh
    assert "6, 8 or 10 digits" in by_field["goods.1.hs_code"].message_en
    assert "6、8或10位" in by_field["goods.1.hs_code"].message_zh


@pytest.mark.parametrize(
    "value", [None, "a certificate", 42, ["C"], [("cert_type", "C", 1)], {1: 2}, {None: "C"}]
)
def test_non_mappings_never_raise(value: Any) -> None:
    findings = check(value, ctx())
    assert findings
    assert {(f.code, f.severity) for f in findings} == {(FORMAT_RULE, E)}


def test_missing_type_is_a_format_finding() -> None:
    findings = check({}, ctx())
    assert [(f.code, f.field) for f in findings] == [(FORMAT_RULE, "cert_type")]
    findings = check({"cert_type": "Z"}, ctx())
    assert [(f.code, f.field) for f in findings] == [(FORMAT_RULE, "cert_type")]
    assert "HM" in findings[0].message_en


def test_a_draft_with_only_a_type_gets_rule_findings_not_an_exception() -> None:
    findings = check({"cert_type": "e"}, ctx())
    assert {"CO-REQ-001", "CO-GOODS-001", "CO-PARTY-002"} <= codes(findings)
    req = {f.field for f in findings if f.code == "CO-REQ-001"}
    assert req == {name for name, _en, _zh in REQUIRED}


# --- the catalogue -----------------------------------------------------------------------


def test_catalogue_is_up_to_date() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text == render(), "docs/rules.md is stale: run `make rules-doc`"
    for r in rules():
        assert f"`{r.code}`" in text
    assert f"`{FORMAT_RULE}`" in text


def test_rule_metadata() -> None:
    assert len(REGISTRY) >= 35
    assert [r.code for r in rules()] == sorted(REGISTRY)
    for r in rules():
        assert re.fullmatch(r"CO-[A-Z]+-\d{3}", r.code), r.code
        assert r.title_en.strip() and r.title_zh.strip(), r.code
        assert re.search(r"[\u4e00-\u9fff]", r.title_zh), r.code
        assert r.field.strip(), r.code
        assert r.severity in (E, W)
        assert all(n in CheckContext.__dataclass_fields__ for n in r.needs), r.code
    assert re.fullmatch(r"CO-[A-Z]+-\d{3}", FORMAT_RULE)
    assert FORMAT_RULE not in REGISTRY


def test_helpers_build_what_they_say() -> None:
    """The helpers above build what they say (guards the tables' assumptions)."""
    c = with_lines(cert("N"), 7)
    assert [g.line_no for g in c.goods] == list(range(1, 8))
    assert c.fob_usd == sum((g.fob_usd for g in c.goods), D(0))
    assert cert("N").fob_usd == D("13600.00")
    assert cert("E").invoice_number == "HX261127E001"
    assert isinstance(cert("N").goods[0], GoodsLine)
    assert TODAY.weekday() == 4 and date(2026, 11, 20).weekday() == 4
    changed = filings_changed(FIRST_HS, "N")
    assert not any(f.hs_code == FIRST_HS and f.area("N") for f in changed)
    assert any(f.hs_code == FIRST_HS and f.area("K") for f in changed)
