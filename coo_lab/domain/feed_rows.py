"""The change feed's row form: each document flattened into the rows the DuckDB mirror keeps.

A change's document (a certificate, a receipt, a product filing, a base record) is JSON; the
workbench's mirror (``coo_lab.mirror``) keeps its fields as typed columns, its goods lines (a
filing's areas and materials) as rows of their own. Parsing a 3 KB certificate on every sync
cost more than everything else the sync did, so the service flattens each document ONCE, when
it records the change (``flatten``), and stores the result beside it; the feed's row form
(``GET /api/v1/changes?form=rows``) hands the stored rows out as they are, and DuckDB reads
them as plain tab-separated text. This module is the one place that says which columns each
kind of row has, in which order (``KINDS``): the service writes them, the mirror reads them.

A row, as stored: ``kind, key, op, version`` and its payload, tab-separated:

- ``kind`` names the row (``certificate``, ``goods_line``…); ``key`` is the document's id (a
  child row carries its parent's); ``op`` and ``version`` are the change's;
- the payload is the kind's fields (``KINDS``) joined by ``FIELD`` (the group separator; a
  child's first field is its place in the document's list, from 1): strings as they are,
  numbers and dates as the JSON had them, booleans ``true``/``false``, lists and objects as
  compact JSON, a missing value ``NULL`` (the substitute character); a payload holding a tab,
  a newline or a carriage return is quoted with ``QUOTE`` (the unit separator);
- the four separators never occur in a value (compact JSON and trade documents hold no such
  control characters; one that did would become U+FFFD);
- the rows of one change are joined by ``SEPARATOR`` (the record separator); a delete is one
  row with an empty payload; a change of another entity (an enterprise profile, a data-sync
  run) has no rows (``""``).

On the wire the service puts the change's sequence number in front of each row and ends each
with a newline (see ``coo_lab.server.feed``): a page is a tab-separated file of six columns,
which DuckDB reads without splitting the payloads it does not need.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NULL = "\x1a"  # substitute: a missing value
FIELD = "\x1d"  # group separator: between the fields of a payload
SEPARATOR = "\x1e"  # record separator: between the stored rows of one change
QUOTE = "\x1f"  # unit separator: quotes a payload that holds a tab or a newline

Getter = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Column:
    name: str  # the mirror's column
    sql_type: str  # its DuckDB type (the mirror casts the text with TRY_CAST)
    get: Getter  # its value from the document (or a list item)


@dataclass(frozen=True)
class Kind:
    """One kind of row: its columns, and for a child the list of the document it comes from."""

    name: str
    columns: tuple[Column, ...]
    entity: str  # the feed entity whose changes carry it
    items: str | None = None  # a child: the document's list (``goods``); None: the document


def _at(path: str) -> Getter:
    """A getter for a key, or a dotted path through nested objects (``exporter.name_en``)."""
    first, *rest = path.split(".")
    if not rest:
        return lambda d: d.get(first)

    def get(d: dict[str, Any]) -> Any:
        value: Any = d.get(first)
        for part in rest:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    return get


def _columns(*groups: tuple[str, str] | Column) -> tuple[Column, ...]:
    """Columns from (DuckDB type, space-separated names) pairs and ``Column``s; a name
    ``a=b.c`` is column ``a`` read from the path ``b.c``."""
    out = []
    for group in groups:
        if isinstance(group, Column):
            out.append(group)
            continue
        sql_type, names = group
        for name in names.split():
            column, _, path = name.partition("=")
            out.append(Column(column, sql_type, _at(path or column)))
    return tuple(out)


_V = "VARCHAR"
_TS = "TIMESTAMPTZ"


def _statuses(filing: dict[str, Any]) -> str:
    return " ".join(f"{a.get('agreement')}:{a.get('status')}" for a in filing.get("areas") or ())


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "certificate",
            _columns(
                (_V, "cert_type category status"),
                ("INTEGER", "version"),
                (
                    _V,
                    "internal_number certificate_number original_certificate_number invoice_number",
                ),
                ("DATE", "invoice_date application_date shipment_date signing_date"),
                (
                    _V,
                    "enterprise_code ccpit_code exporter_name=exporter.name_en "
                    "importer_name=importer.name_en importer_country=importer.country "
                    "destination_country transport_mode",
                ),
                ("DECIMAL(18,2)", "fob_usd invoice_amount"),
                (_V, "invoice_currency trade_mode hand_signer"),
                (_TS, "created_at submitted_at approved_at"),
                ("INTEGER", "print_count"),
                (_V, "void_reason"),
                ("BIGINT", "original_id"),
                Column("goods_count", "INTEGER", lambda d: len(d.get("goods") or ())),
                ("JSON", "findings"),
            ),
            "certificate",
        ),
        Kind(
            "goods_line",
            _columns(
                ("INTEGER", "line_no"),
                (_V, "hs_code"),
                (_V, "description"),
                ("DECIMAL(18,4)", "quantity"),
                (_V, "unit"),
                ("DECIMAL(18,4)", "unit_price"),
                ("DECIMAL(18,2)", "amount"),
                ("DECIMAL(18,3)", "net_weight gross_weight"),
                ("INTEGER", "packages"),
                ("DECIMAL(18,2)", "fob_usd"),
                (_V, "origin_criterion product_filing_number"),
            ),
            "certificate",
            items="goods",
        ),
        Kind(
            "receipt",
            _columns(
                (_V, "kind"),
                ("BIGINT", "document_id"),
                (_V, "document_number from_status to_status actor"),
                (_TS, "at"),
                (_V, "reason"),
                ("JSON", "findings"),
            ),
            "receipt",
        ),
        Kind(
            "product_filing",
            _columns(
                ("INTEGER", "version"),
                (_V, "hs_code name_en name_cn manufacturer"),
                ("DECIMAL(18,2)", "ex_works_unit_price fob_unit_price"),
                ("BOOLEAN", "wholly_obtained"),
                Column("statuses", _V, _statuses),
                (_TS, "created_at"),
                Column("doc", _V, lambda d: d),
            ),
            "product_filing",
        ),
        Kind(
            "filing_area",
            _columns(
                (_V, "agreement status criterion filing_number"),
                (_TS, "submitted_at reviewed_at"),
                (_V, "review_remark"),
            ),
            "product_filing",
            items="areas",
        ),
        Kind(
            "filing_material",
            _columns(
                (_V, "hs_code name origin_country"),
                ("DECIMAL(18,2)", "value"),
                ("BOOLEAN", "originating"),
            ),
            "product_filing",
            items="materials",
        ),
        Kind(
            "base_record",
            _columns(
                (_V, "kind"),
                ("INTEGER", "version"),
                (_V, "code"),
                Column("name", _V, lambda d: d.get("name_en") or d.get("text")),
                (_TS, "created_at updated_at"),
                Column("doc", _V, lambda d: d),
            ),
            "base_record",
        ),
    )
}
# the kinds each entity's change carries: the document's row first, then its children's
BY_ENTITY: dict[str, tuple[Kind, ...]] = {}
for _kind in KINDS.values():
    BY_ENTITY.setdefault(_kind.entity, ())
    BY_ENTITY[_kind.entity] += (_kind,)
_CONTROL = str.maketrans(dict.fromkeys(map(ord, NULL + FIELD + SEPARATOR + QUOTE), "\ufffd"))
_SPECIAL = re.compile("[\t\n\r]")


def field(value: Any) -> str:
    """A value as a payload's field (see the module docstring)."""
    if value is None:
        return NULL
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        return str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if not text.isprintable():  # the usual text needs no look at each character
        text = text.translate(_CONTROL)
    return text


def _row(kind: str, head: str, fields: list[str]) -> str:
    payload = FIELD.join(fields)
    if _SPECIAL.search(payload):
        payload = QUOTE + payload + QUOTE
    return f"{kind}\t{head}\t{payload}"


def flatten(entity: str, entity_id: int, op: str, version: int, data: dict[str, Any] | None) -> str:
    """A change's rows as the service stores them: ``""`` for an entity the mirror does not
    keep, one row with an empty payload for a delete."""
    kinds = BY_ENTITY.get(entity)
    if not kinds:
        return ""
    head = f"{entity_id}\t{op}\t{version}"
    if data is None:
        return f"{kinds[0].name}\t{head}\t"
    rows = []
    for kind in kinds:
        if kind.items is None:
            rows.append(_row(kind.name, head, [field(c.get(data)) for c in kind.columns]))
            continue
        for position, item in enumerate(data.get(kind.items) or (), 1):
            item = item if isinstance(item, dict) else {}
            fields = [str(position), *(field(c.get(item)) for c in kind.columns)]
            rows.append(_row(kind.name, head, fields))
    return SEPARATOR.join(rows)
