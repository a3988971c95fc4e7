"""Base data (基础资料): exporters, importers, producers and special clauses of a company.

Saved without review; a certificate filled from one keeps a copy. Each kind is keyed by its
code (3–8 letters or digits), unique within the company.
"""

from __future__ import annotations

import json
from typing import Any

from coo_lab.domain.formats import DomainModel
from coo_lab.domain.parties import Exporter, Importer, Producer, SpecialClause
from coo_lab.errors import Conflict, NotFound
from coo_lab.server.clock import iso, now
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Transaction
from coo_lab.server.feed import record_change
from coo_lab.server.filters import contains

KINDS: dict[str, type[DomainModel]] = {
    "exporter": Exporter,
    "importer": Importer,
    "producer": Producer,
    "special_clause": SpecialClause,
}
NAMES_ZH = {
    "exporter": "出口商",
    "importer": "进口商",
    "producer": "生产商",
    "special_clause": "特殊条款",
}
ENTITY = "base_record"


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        **json.loads(row["doc"]),
    }


def _name(record: DomainModel) -> str:
    return getattr(record, "name_en", "") or getattr(record, "text", "")


def _load(tx: Transaction, company_id: int, kind: str, record_id: int) -> dict[str, Any]:
    row = tx.one(
        "SELECT * FROM base_records WHERE id = ? AND company_id = ? AND kind = ?",
        (record_id, company_id, kind),
    )
    if row is None:
        raise NotFound(f"{kind} {record_id} not found", f"未找到{NAMES_ZH[kind]} {record_id}")
    return row


def _taken(tx: Transaction, company_id: int, kind: str, code: str, other_than: int = 0) -> None:
    if (
        tx.scalar(
            "SELECT id FROM base_records WHERE company_id = ? AND kind = ? AND code = ? "
            "AND id <> ?",
            (company_id, kind, code, other_than),
        )
        is not None
    ):
        raise Conflict(
            f"{kind} code {code!r} is already used; codes are unique",
            f"{NAMES_ZH[kind]}编码 {code} 已存在",
        )


def create(tx: Transaction, company_id: int, kind: str, record: DomainModel) -> dict:
    _taken(tx, company_id, kind, record.code)
    moment = iso(now())
    row = {
        "company_id": company_id,
        "kind": kind,
        "code": record.code,
        "name": _name(record),
        "version": 1,
        "doc": record.model_dump_json(),
        "created_at": moment,
        "updated_at": moment,
    }
    row["id"] = tx.insert("base_records", row)
    shown = _view(row)
    record_change(tx, company_id, ENTITY, row["id"], "create", 1, shown)
    return shown


def get(tx: Transaction, company_id: int, kind: str, record_id: int) -> dict[str, Any]:
    return _view(_load(tx, company_id, kind, record_id))


def update(
    tx: Transaction,
    company_id: int,
    kind: str,
    record_id: int,
    record: DomainModel,
    expected_version: int | None,
) -> dict[str, Any]:
    row = _load(tx, company_id, kind, record_id)
    check_version(row, expected_version, kind)
    _taken(tx, company_id, kind, record.code, record_id)
    values = {
        "code": record.code,
        "name": _name(record),
        "version": row["version"] + 1,
        "doc": record.model_dump_json(),
        "updated_at": iso(now()),
    }
    tx.update("base_records", record_id, values)
    shown = _view({**row, **values})
    record_change(tx, company_id, ENTITY, record_id, "update", values["version"], shown)
    return shown


def delete(
    tx: Transaction, company_id: int, kind: str, record_id: int, expected_version: int | None
) -> None:
    row = _load(tx, company_id, kind, record_id)
    check_version(row, expected_version, kind)
    tx.execute("DELETE FROM base_records WHERE id = ?", (record_id,))
    record_change(tx, company_id, ENTITY, record_id, "delete", row["version"] + 1, None)


# a record whose string values (not the JSON text it is stored as) contain the pattern
_VALUE_MATCHES = {
    "sqlite": " AND EXISTS (SELECT 1 FROM json_each(base_records.doc) AS f "
    "WHERE f.type = 'text' AND f.value LIKE ? ESCAPE '\\')",
    "postgresql": " AND EXISTS (SELECT 1 FROM jsonb_each(base_records.doc::jsonb) AS f "
    "WHERE jsonb_typeof(f.value) = 'string' AND f.value #>> '{}' LIKE ? ESCAPE '\\')",
}


def search(
    tx: Transaction, company_id: int, kind: str, q: str | None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    where, params = "company_id = ? AND kind = ?", [company_id, kind]
    if q:
        # match the record's values (not the JSON it is stored as), `%` and `_` literally
        where += _VALUE_MATCHES[tx.dialect]
        params.append(contains(q))
    total = tx.scalar(f"SELECT COUNT(*) FROM base_records WHERE {where}", params)
    rows = tx.all(
        f"SELECT * FROM base_records WHERE {where} ORDER BY code LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return [_view(r) for r in rows], total
