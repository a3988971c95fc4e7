"""Certificates as compiled JSON.

``json.dumps`` of a 3 KB certificate costs more than everything else a certificate needs, so
a document is kept as the JSON fragments of the fields that vary, and written by filling a
template compiled from the model's own dump (the fields, their order and the constant
values all come from ``Certificate.model_dump``). The result is byte for byte
``Certificate.model_dump_json()``; the tests check it for every certificate.
"""

from __future__ import annotations

import json
import re
from operator import itemgetter
from typing import Any

_SENTINEL = re.compile(r'"\\u0000(\w+)\\u0000"')

CERT_FIELDS = (
    "id", "version", "cert_type", "category", "status", "internal_number", "certificate_number",
    "original_certificate_number", "invoice_number", "invoice_date", "application_date",
    "signing_place", "signing_date", "exporter", "importer", "producer", "destination_country",
    "destination_port", "transshipment_port", "transport_mode", "shipment_date",
    "first_leg_vessel", "second_leg_vessel", "transport_route", "weight_quantity",
    "contract_number", "fob_usd", "invoice_amount", "invoice_currency", "price_term",
    "lc_number", "lc_date", "payment_method", "hand_signer", "customs_declaration_number",
    "special_clauses", "remarks", "goods", "created_at", "submitted_at", "approved_at",
)  # fmt: skip
LINE_FIELDS = (
    "line_no", "quantity", "unit_price", "amount", "net_weight", "gross_weight", "packages",
    "fob_usd", "marks", "processing",
)  # fmt: skip


class Template:
    """A model dump with some fields left open: ``render(values)`` fills them (raw JSON)."""

    __slots__ = ("fields", "fmt", "get")

    def __init__(self, dump: dict[str, Any], fields: tuple[str, ...]) -> None:
        data = dict(dump)
        for name in fields:
            if name not in data:
                raise KeyError(f"the model has no field {name!r}")
            data[name] = f"\x00{name}\x00"
        parts = _SENTINEL.split(dumps(data))
        self.fields = tuple(parts[1::2])
        self.fmt = "%s".join(chunk.replace("%", "%%") for chunk in parts[0::2])
        self.get = itemgetter(*self.fields)

    def render(self, values: dict[str, str]) -> str:
        return self.fmt % self.get(values)


def quote(text: str) -> str:
    """A JSON string for text known to need no escaping (codes, numbers, dates, ASCII names)."""
    return f'"{text}"'


def to_json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def dumps(data: Any) -> str:
    """``feed.dumps``: how the service writes JSON into findings, receipts and the feed."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def unquote(raw: str) -> str:
    """The Python value of a JSON string fragment made by ``quote`` or ``to_json`` (no escapes)."""
    return raw[1:-1]
