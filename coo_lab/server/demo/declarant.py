"""An enterprise as the simulation knows it: its accounts, filings and base data once set up,
and prepared from them what its certificates are drawn from (per type the products it may
declare with their goods-line templates, the consignees, the certificate template)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from coo_lab.domain.certificate import Certificate, GoodsLine, ProcessingDeclaration
from coo_lab.domain.filing import ProductFiling
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.domain.parties import EnterpriseFiling
from coo_lab.domain.route import transport_route
from coo_lab.server.demo.destinations import PARTNER, TRANSSHIP
from coo_lab.server.demo.documents import CERT_FIELDS, LINE_FIELDS, Template, quote, to_json
from coo_lab.server.demo.draws import Pick
from coo_lab.server.demo.firms import FirmSpec
from coo_lab.server.demo.products import PRODUCTS, ProductSpec


@dataclass
class ProductLine:
    """A product a firm may put on a certificate of one type, with its line template."""

    spec: ProductSpec
    dump: dict[str, Any]
    template: Template
    price_cents: int
    processing: str  # raw JSON: the processing declaration, or null


@dataclass
class Firm:
    """An enterprise during the build: filled in by registration, then ``prepare``."""

    spec: FirmSpec
    company_id: int = 0
    operator_id: int = 0
    operator: str = ""
    enterprise: EnterpriseFiling | None = None
    filings: list[ProductFiling] = field(default_factory=list)
    lines: dict[str, list[ProductLine]] = field(default_factory=dict)  # type → products
    unfiled: dict[str, list[ProductLine]] = field(default_factory=dict)  # type → products not filed
    importers: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    exporters: list[str] = field(default_factory=list)  # raw JSON
    producers: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    template: Template | None = None
    types: Pick | None = None
    destinations: dict[str, Pick] = field(default_factory=dict)
    signers: list[str] = field(default_factory=list)  # raw JSON
    cancelled: str | None = None
    reviewers: Pick | None = None
    bases: dict[str, list[tuple[dict[str, str], str]]] = field(default_factory=dict)
    log_fob: float = 0.0
    place: str = ""  # raw JSON: the office's place, printed in box 12


def _processing(p: ProductSpec) -> str:
    """The general CO's processing declaration (加工工序) of a product with imported materials."""
    imported = [m for m in p.materials if not m.originating][:5]
    if not imported:
        return "null"
    decl = ProcessingDeclaration(
        hs_heading=p.hs[:4],
        product_name=p.name_en,
        delivery_unit_price=Decimal(p.fob),
        processing_steps=p.process.upper(),
        imported_materials=[
            {"hs_heading": m.hs_code[:4], "cif_unit_price_usd": m.value} for m in imported
        ],
    )
    decl.declared_percentage = decl.ad_valorem_percentage
    return decl.model_dump_json()


def _line(
    p: ProductSpec, criterion: str, filing_number: str | None, processing: str
) -> ProductLine:
    dump = GoodsLine(
        line_no=1,
        hs_code=p.hs,
        description=f"{p.name_en}***",
        quantity=Decimal(1),
        unit=p.unit,
        unit_price=Decimal(p.fob),
        amount=Decimal(p.fob),
        net_weight=Decimal(1),
        gross_weight=Decimal(1),
        packages=1,
        package_kind=p.package_kind,
        fob_usd=Decimal(p.fob),
        marks="N/M",
        origin_criterion=criterion,
        product_filing_number=filing_number,
    ).model_dump(mode="json")
    price = int(Decimal(p.fob) * 100)
    template = Template(dump, LINE_FIELDS)
    if template.fields != LINE_FIELDS:  # lines are rendered from tuples in this order
        raise RuntimeError(f"GoodsLine fields moved: {template.fields}")
    return ProductLine(p, dump, template, price, processing)


def prepare(firm: Firm, office_place: str, reviewers: list[tuple[str, float]]) -> None:
    """Templates, candidate products per type, importers… everything a certificate needs."""
    spec = firm.spec
    by_type: dict[str, list[ProductLine]] = {}
    unfiled: dict[str, list[ProductLine]] = {}
    for t in spec.types:
        by_type[t], unfiled[t] = [], []
        for key in spec.products:
            p = PRODUCTS[key]
            if t == "C":
                by_type[t].append(_line(p, "", None, _processing(p)))
                continue
            area = next(
                (a for f in firm.filings if f.hs_code == p.hs and (a := f.area(t)) is not None),
                None,
            )
            if area is None or area.status != FilingStatus.APPROVED:
                unfiled[t].append(_line(p, "", None, "null"))
            else:
                by_type[t].append(_line(p, area.criterion, area.filing_number, "null"))
    firm.lines = {t: v for t, v in by_type.items() if v}
    firm.unfiled = unfiled
    types = [t for t in spec.types if t in firm.lines]
    firm.types = Pick(types, [spec.types[t] for t in types])
    for t in types:
        dests = spec.destinations.get(t) or ((PARTNER.get(t, "USA"), 1.0),)
        firm.destinations[t] = Pick([d for d, _w in dests], [w for _d, w in dests])
    firm.signers = [to_json(name) for name, status, _on in spec.signers if status == "active"]
    firm.cancelled = next((n for n, s, _on in spec.signers if s == "cancelled"), None)
    firm.reviewers = Pick([r for r, _w in reviewers], [w for _r, w in reviewers])
    template = Certificate(
        cert_type="C",
        enterprise_code=spec.code,
        ccpit_code=spec.office,
        company_name_cn=spec.name_cn,
        application_place=spec.place,
        signing_place=office_place,
        departure_port="CNDLC",
        weight_flag="G",
        exit_customs="0900",
        enterprise_customs_code=spec.customs_code,
    )
    firm.template = Template(template.model_dump(mode="json"), CERT_FIELDS)
    firm.log_fob = math.log(spec.fob_median)
    firm.place = quote(office_place)
    for iso3, group in firm.importers.items():
        firm.bases[iso3] = [
            (_base_fields(firm, iso3, raw, port, office_place), name) for raw, port, name in group
        ]


def _base_fields(firm: Firm, iso3: str, importer: str, port: str, place: str) -> dict[str, str]:
    """The fields of a new certificate to that consignee before anything is drawn."""
    via = TRANSSHIP.get(iso3, "")
    route = transport_route("CNDLC", port, via=via or None, mode="SEA")
    return {
        "id": "null",
        "version": "0",
        "category": '"new"',
        "status": '"draft"',
        "internal_number": "null",
        "certificate_number": "null",
        "original_certificate_number": "null",
        "importer": importer,
        "destination_country": quote(iso3),
        "destination_port": quote(port),
        "transshipment_port": quote(via),
        "transport_mode": '"SEA"',
        "second_leg_vessel": quote(f"TRANSSHIPMENT AT {via}" if via else ""),
        "transport_route": to_json(route),
        "exporter": firm.exporters[0],
        "producer": firm.producers[0],
        "price_term": '"FOB"',
        "invoice_currency": '"USD"',
        "special_clauses": "[]",
        "remarks": '""',
        "customs_declaration_number": "null",
        "lc_number": '""',
        "lc_date": "null",
        "signing_place": quote(place),
        "created_at": "null",
        "submitted_at": "null",
        "approved_at": "null",
    }
