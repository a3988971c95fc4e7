"""An enterprise's base data: exporters, importers, producers and special clauses, saved as
``basedata.create`` saves them, each with its feed entry."""

from __future__ import annotations

import json
from typing import Any

from coo_lab.domain import codes
from coo_lab.domain.parties import Exporter, Importer, Producer, SpecialClause
from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.destinations import IMPORTERS, PARTNER
from coo_lab.server.demo.firms import HAIXING, FirmSpec
from coo_lab.server.demo.timeline import MINUTE, iso, odd
from coo_lab.server.feed import record_change


def _importer_records(spec: FirmSpec) -> dict[str, list[tuple[Importer, str]]]:
    countries: list[str] = []
    for t in spec.types:
        if t == "C":
            continue
        for iso3, _w in spec.destinations.get(t, ((PARTNER[t], 1.0),)):
            if iso3 not in countries:
                countries.append(iso3)
    for iso3, _w in spec.destinations.get("C", ()):
        if iso3 not in countries:
            countries.append(iso3)
    out: dict[str, list[tuple[Importer, str]]] = {}
    for i, iso3 in enumerate(countries):
        choices = IMPORTERS[iso3]
        name, name_cn, port, address = choices[spec.buyer % len(choices)]
        country = codes.country(iso3)
        importer = Importer(
            code=f"{iso3}{i + 1:02d}",
            name_en=name,
            name_cn=name_cn,
            address_en=f"{address}, {country.route_name if country else iso3}",
            country=iso3,
            contact="PURCHASING DEPT.",
            notes=f"USUAL PORT OF DISCHARGE: {port}",
        )
        out[iso3] = [(importer, port)]
    return out


def file_base_data(tx: Any, firm: Firm, at_us: int) -> int:
    """Exporters, importers, producers and special clauses, as ``basedata.create`` saves them."""
    spec = firm.spec
    exporters = [
        Exporter(
            code="010001" if spec is HAIXING else f"{spec.prefix}EX1",
            name_en=spec.name_en,
            name_cn=spec.name_cn,
            address_en=spec.address_en,
            address_cn=spec.address_cn,
            phone=spec.phone or None,
            email=spec.email or None,
        )
    ]
    if not spec.key.startswith("firm"):
        exporters.append(
            Exporter(
                code=f"{spec.prefix}EX2",
                name_en=spec.name_en,
                name_cn=spec.name_cn,
                address_en=f"EXPORT DEPT., {spec.address_en}",
                address_cn=f"{spec.address_cn}（出口部）",
                phone=spec.phone or None,
            )
        )
    importers = _importer_records(spec)
    producers = [
        Producer(code=c, name_en=n, name_cn=ncn, address_en=a, address_cn=acn)
        for c, n, ncn, a, acn in spec.producers
    ]
    clauses = [SpecialClause(code=f"SC{i + 1:02d}", text=t) for i, t in enumerate(spec.clauses)]
    records: list[tuple[str, Any]] = [("exporter", e) for e in exporters]
    records += [("importer", i) for group in importers.values() for i, _port in group]
    records += [("producer", p) for p in producers]
    records += [("special_clause", s) for s in clauses]
    t = at_us
    for kind, record in records:
        t = odd(t + 7 * MINUTE + 13)
        moment = iso(t)
        doc = record.model_dump_json()
        exists = tx.scalar(
            "SELECT id FROM base_records WHERE company_id = ? AND kind = ? AND code = ?",
            (firm.company_id, kind, record.code),
        )
        if exists is None:
            name = getattr(record, "name_en", "") or getattr(record, "text", "")
            row = {
                "company_id": firm.company_id,
                "kind": kind,
                "code": record.code,
                "name": name,
                "version": 1,
                "doc": doc,
                "created_at": moment,
                "updated_at": moment,
            }
            row["id"] = tx.insert("base_records", row)
            shown = {
                "id": row["id"],
                "kind": kind,
                "version": 1,
                "created_at": moment,
                "updated_at": moment,
                **json.loads(doc),
            }
            record_change(
                tx, firm.company_id, "base_record", row["id"], "create", 1, shown, at=moment
            )
    firm.exporters = [e.model_dump_json() for e in exporters]
    firm.producers = [p.model_dump_json() for p in producers]
    firm.clauses = [s.model_dump_json() for s in clauses]
    firm.importers = {
        iso3: [(i.model_dump_json(), port, i.name_en) for i, port in group]
        for iso3, group in importers.items()
    }
    return t
