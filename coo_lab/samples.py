"""Realistic sample data: an enterprise, its base data, product filings and certificates.

Used by ``coo-lab demo``, the benchmarks and the tests. Every certificate built here passes
every review rule for its type, so a test that breaks one field at a time knows that the
finding it sees comes from that field.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from coo_lab.domain.agreements import agreements
from coo_lab.domain.certificate import Certificate, GoodsLine
from coo_lab.domain.filing import FilingArea, Material, ProductFiling
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.domain.origin import Product, assess
from coo_lab.domain.parties import EnterpriseFiling, Exporter, HandSigner, Importer, Producer
from coo_lab.domain.route import transport_route
from coo_lab.domain.rules import CheckContext

ENTERPRISE_CODE = "311120218"
CCPIT_CODE = "210200"

ENTERPRISE = EnterpriseFiling(
    enterprise_code=ENTERPRISE_CODE,
    ccpit_code=CCPIT_CODE,
    name_en="DALIAN HAIXING INTERNATIONAL TRADING CO., LTD.",
    name_cn="大连海兴国际贸易有限公司",
    hand_signers=[
        HandSigner(name="王丹", registered_on=date(2019, 5, 20)),
        HandSigner(name="李明", registered_on=date(2020, 3, 2)),
        HandSigner(name="张伟", status="cancelled", registered_on=date(2018, 1, 8)),
    ],
    filed=True,
)

EXPORTER = Exporter(
    code="010001",
    name_en=ENTERPRISE.name_en,
    name_cn=ENTERPRISE.name_cn,
    address_en="NO. 23 GANJINGZI ROAD, DALIAN, LIAONING, CHINA",
    address_cn="辽宁省大连市甘井子区甘井子路23号",
    phone="+86-411-82732333",
    email="export@haixing.example.cn",
)

PRODUCER = Producer(
    code="2019002",
    name_en="DALIAN HAIXING MANUFACTURING CO., LTD.",
    name_cn="大连海兴制造有限公司",
    address_en="NO. 8 JINZHOU ROAD, DALIAN, CHINA",
    address_cn="辽宁省大连市金州区金州路8号",
)

# destination of each type: (ISO3, port UN/LOCODE, consignee, consignee in Chinese)
DESTINATIONS: dict[str, tuple[str, str, str, str]] = {
    "C": ("USA", "USLAX", "PACIFIC HOME GOODS INC.", "太平洋家居用品公司"),
    "B": ("IND", "INNSA", "MUMBAI APPLIANCES PVT. LTD.", "孟买电器有限公司"),
    "N": ("NZL", "NZAKL", "AUCKLAND KITCHEN SUPPLIES LTD.", "奥克兰厨具有限公司"),
    "X": ("SGP", "SGSIN", "LION CITY TRADING PTE. LTD.", "狮城贸易有限公司"),
    "R": ("PER", "PECLL", "LIMA IMPORTACIONES S.A.C.", "利马进口公司"),
    "H": ("TWN", "TWKHH", "KAOHSIUNG HOME APPLIANCE CO., LTD.", "高雄家电股份有限公司"),
    "L": ("CRI", "CRLIO", "SAN JOSE DISTRIBUIDORA S.A.", "圣何塞分销公司"),
    "HM": ("HKG", "HKHKG", "HONG KONG GOLDEN HARBOUR LTD.", "香港金港有限公司"),
    "I": ("ISL", "ISREY", "REYKJAVIK HEIMILI EHF.", "雷克雅未克家居公司"),
    "S": ("CHE", "CHBSL", "BASEL HAUSHALT AG", "巴塞尔家居股份公司"),
    "A": ("AUS", "AUSYD", "SYDNEY HOMEWARES PTY LTD", "悉尼家居用品有限公司"),
    "K": ("KOR", "KRPUS", "BUSAN ELECTRONICS CO., LTD.", "釜山电子株式会社"),
    "E": ("VNM", "VNHPH", "HAI PHONG IMPORT EXPORT JSC", "海防进出口股份公司"),
    "GE": ("GEO", "GEPTI", "POTI TRADING LLC", "波季贸易有限公司"),
    "F": ("CHL", "CLVAP", "VALPARAISO COMERCIAL LTDA.", "瓦尔帕莱索商贸有限公司"),
}


def _m(hs: str, name: str, country: str, value: str, originating: bool) -> Material:
    return Material(
        hs_code=hs, name=name, origin_country=country, value=Decimal(value), originating=originating
    )


# (HS, English name, Chinese name, unit, FOB unit price, ex-works price, wholly obtained,
#  materials, process)
PRODUCTS = (
    (
        "851660",
        "ELECTRIC OVENS FOR DOMESTIC USE, 1500W",
        "家用电烤箱",
        "001",
        "100.00",
        "92.00",
        False,
        (
            _m("720916", "cold-rolled steel sheet", "KOR", "30.00", False),
            _m("903210", "thermostat", "DEU", "12.00", False),
            _m("700719", "tempered glass door", "CHN", "10.00", True),
        ),
        "stamping, welding, coating, assembly, testing",
    ),
    (
        "610910",
        "MEN'S COTTON KNITTED T-SHIRTS",
        "男式棉制针织T恤衫",
        "011",
        "4.50",
        "4.10",
        False,
        (
            _m("520512", "combed cotton yarn", "CHN", "1.60", True),
            _m("320416", "reactive dyes", "DEU", "0.20", False),
        ),
        "knitting, dyeing, cutting, sewing",
    ),
    (
        "030617",
        "FROZEN SHRIMPS (PENAEUS VANNAMEI), SHELL-ON",
        "冻南美白对虾",
        "035",
        "9.00",
        "8.50",
        True,
        (_m("030617", "farmed shrimps", "CHN", "6.00", True),),
        "farming, harvesting, freezing",
    ),
    (
        "731815",
        "STAINLESS STEEL HEXAGON BOLTS M12",
        "不锈钢六角螺栓",
        "007",
        "1.20",
        "1.10",
        False,
        (_m("722100", "stainless steel wire rod", "IDN", "0.40", False),),
        "cold heading, threading, passivation",
    ),
    (
        "691110",
        "PORCELAIN DINNER PLATES, 27 CM",
        "瓷质餐盘",
        "007",
        "3.00",
        "2.70",
        False,
        (_m("250700", "kaolin", "CHN", "0.50", True), _m("320710", "glaze", "CHN", "0.20", True)),
        "forming, glazing, firing",
    ),
)


def product_filings() -> list[ProductFiling]:
    """One approved filing per product for every agreement it qualifies under (ECFA alone)."""
    filings: list[ProductFiling] = []
    serial = 0
    for hs, name_en, name_cn, _unit, fob, exw, wo, materials, process in PRODUCTS:
        product = Product(hs, Decimal(fob), Decimal(exw), wo)
        groups = [[a.code for a in agreements() if a.preferential and a.code != "H"], ["H"]]
        for codes in groups:
            areas = []
            for code in codes:
                result = assess(product, materials, code, destination=DESTINATIONS[code][0])
                if not result.qualifies:
                    continue
                serial += 1
                areas.append(
                    FilingArea(
                        agreement=code,
                        status=FilingStatus.APPROVED,
                        criterion=result.criterion,
                        filing_number=f"{date.today():%y}{code}{ENTERPRISE_CODE}/{serial:05d}",
                    )
                )
            if areas:
                filings.append(
                    ProductFiling(
                        hs_code=hs,
                        name_en=name_en,
                        name_cn=name_cn,
                        process_description=process,
                        manufacturer="大连海兴制造有限公司，辽宁省大连市金州区金州路8号",
                        fob_unit_price=Decimal(fob),
                        ex_works_unit_price=Decimal(exw),
                        wholly_obtained=wo,
                        materials=list(materials),
                        areas=areas,
                    )
                )
    return filings


def importer(cert_type: str) -> Importer:
    iso3, _port, name, name_cn = DESTINATIONS[cert_type]
    return Importer(
        code=f"IMP{cert_type}01",
        name_en=name,
        name_cn=name_cn,
        country=iso3,
        address_en=f"{name} WAREHOUSE 1",
        contact="PURCHASING DEPT.",
    )


def certificate(
    cert_type: str,
    *,
    today: date | None = None,
    lines: int = 3,
    invoice_number: str | None = None,
    filings: list[ProductFiling] | None = None,
) -> Certificate:
    """A certificate of that type that passes every rule, with up to ``lines`` goods lines."""
    today = today or date.today()
    code = cert_type.upper()
    iso3, port, _name, _cn = DESTINATIONS[code]
    goods = []
    by_hs = {}
    if code != "C":
        for f in filings if filings is not None else product_filings():
            area = f.area(code)
            if area is not None and area.status == FilingStatus.APPROVED:
                by_hs[f.hs_code] = area
    candidates = [p for p in PRODUCTS if code == "C" or p[0] in by_hs]
    for i in range(lines):
        hs, name_en, _cn_name, unit, fob, _exw, _wo, _mats, _process = candidates[
            i % len(candidates)
        ]
        qty = Decimal(100 * (i + 1))
        area = by_hs.get(hs)
        goods.append(
            GoodsLine(
                line_no=i + 1,
                hs_code=hs,
                description=f"{name_en}***",
                quantity=qty,
                unit=unit,
                unit_price=Decimal(fob),
                amount=qty * Decimal(fob),
                net_weight=qty * Decimal("1.5"),
                gross_weight=qty * Decimal("1.8"),
                packages=int(qty // 10),
                package_kind="CARTONS",
                fob_usd=qty * Decimal(fob),
                marks=f"HX-{code}\nNO.1-{int(qty // 10)}\nMADE IN CHINA",
                origin_criterion=area.criterion if area else "",
                product_filing_number=area.filing_number if area else None,
            )
        )
    fob_total = sum((g.fob_usd for g in goods), Decimal(0))
    return Certificate(
        cert_type=code,
        enterprise_code=ENTERPRISE_CODE,
        ccpit_code=CCPIT_CODE,
        company_name_cn=ENTERPRISE.name_cn,
        invoice_number=invoice_number or f"HX{today:%y%m%d}{code}001",
        invoice_date=today - timedelta(days=5),
        application_place="DALIAN, CHINA",
        application_date=today - timedelta(days=1),
        signing_place="DALIAN, CHINA",
        signing_date=today,
        exporter=EXPORTER,
        importer=importer(code),
        producer=PRODUCER,
        departure_port="CNDLC",
        destination_country=iso3,
        destination_port=port,
        transport_mode="SEA",
        shipment_date=today + timedelta(days=3),
        first_leg_vessel="COSCO HARMONY V.026E",
        transport_route=transport_route("CNDLC", port, mode="SEA"),
        weight_flag="G",
        weight_quantity=sum((g.gross_weight for g in goods), Decimal(0)),
        contract_number=f"HX-{today:%Y}-{code}-01",
        fob_usd=fob_total,
        invoice_amount=fob_total,
        invoice_currency="USD",
        price_term="FOB",
        payment_method="T/T",
        hand_signer="王丹",
        exit_customs="0900",
        goods=goods,
    )


def context(
    *,
    today: date | None = None,
    filings: list[ProductFiling] | None = None,
    used_invoices: set[tuple[str, str]] | None = None,
) -> CheckContext:
    """The check context the service would build for the sample enterprise."""
    return CheckContext(
        today=today or date.today(),
        enterprise=ENTERPRISE,
        approved_filings=filings if filings is not None else product_filings(),
        used_invoices=used_invoices if used_invoices is not None else set(),
    )


__all__ = [
    "CCPIT_CODE",
    "DESTINATIONS",
    "ENTERPRISE",
    "ENTERPRISE_CODE",
    "EXPORTER",
    "PRODUCER",
    "PRODUCTS",
    "certificate",
    "context",
    "importer",
    "product_filings",
]
