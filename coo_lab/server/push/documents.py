"""The documents a subscription can name: certificates and product filings.

Push works from receipts, which every kind of document writes the same way, so it needs to
know only three things per kind: the table, the columns that hold its numbers, and the column
naming who created it. A column a table does not have (yet) is simply not used; the numbers
receipts carried are always searched too.
"""

from __future__ import annotations

from dataclasses import dataclass

from coo_lab.server.db import Transaction


@dataclass(frozen=True, slots=True)
class DocumentTable:
    table: str
    number_columns: tuple[str, ...]
    creator_column: str
    name_en: str
    name_zh: str


DOCUMENTS = {
    "certificate": DocumentTable(
        "certificates",
        ("internal_number", "certificate_number"),
        "created_by",
        "certificate",
        "原产地证",
    ),
    "product_filing": DocumentTable(
        "product_filings",
        ("filing_number", "internal_number"),
        "created_by",
        "product filing",
        "商品备案",
    ),
}


def _columns(tx: Transaction, table: str) -> set[str]:
    """The table's column names (read from an empty result: the same on every store)."""
    return {d[0] for d in tx.execute(f"SELECT * FROM {table} WHERE 1 = 0").description}


def resolve_number(tx: Transaction, company_id: int, kind: str, number: str) -> int | None:
    """The id of the company's document of that kind carrying that number, if any."""
    doc = DOCUMENTS[kind]
    present = _columns(tx, doc.table)
    for column in (c for c in doc.number_columns if c in present):
        found = tx.scalar(
            f"SELECT id FROM {doc.table} WHERE company_id = ? AND {column} = ? "
            "ORDER BY id DESC LIMIT 1",
            (company_id, number),
        )
        if found is not None:
            return int(found)
    found = tx.scalar(
        "SELECT document_id FROM receipts WHERE company_id = ? AND kind = ? "
        "AND document_number = ? ORDER BY id DESC LIMIT 1",
        (company_id, kind, number),
    )
    return int(found) if found is not None else None


def creator(tx: Transaction, kind: str, document_id: int) -> int | None:
    """The user id that created the document, where its table records one."""
    doc = DOCUMENTS.get(kind)
    if doc is None or doc.creator_column not in _columns(tx, doc.table):
        return None
    return tx.scalar(f"SELECT {doc.creator_column} FROM {doc.table} WHERE id = ?", (document_id,))


def actors(tx: Transaction, kind: str, document_id: int, up_to_receipt: int) -> set[str]:
    """Who acted on the document (created, submitted, voided…) up to a receipt."""
    rows = tx.all(
        "SELECT DISTINCT actor FROM receipts WHERE kind = ? AND document_id = ? AND id <= ?",
        (kind, document_id, up_to_receipt),
    )
    return {row["actor"] for row in rows}
