"""A certificate being simulated: its fields as raw JSON (or, while it carries a mistake, as
a plain document), its row's state, and the planned steps of its life."""

from __future__ import annotations

import json
from typing import Any

from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.documents import dumps

# the kinds of step in a certificate's life (``DemoCertificate.steps``)
CREATE, GOODS, SUBMIT, APPROVE, RETURN, EDIT, PRINT, VOID, VOID_BY_REISSUE = range(9)


def next_serial(counters: dict[str, int], series: str) -> int:
    """The next number of a series, as the service's ``counters`` table hands it out."""
    value = counters.get(series, 0) + 1
    counters[series] = value
    return value


class DemoCertificate:
    """A certificate being simulated: raw JSON fields (``vals``) or, while it carries a
    mistake, a plain document (``full``); and its row's state."""

    __slots__ = (
        "approved",
        "category",
        "created",
        "findings",
        "firm",
        "full",
        "id",
        "importer_name",
        "internal",
        "number",
        "original",
        "print_count",
        "signed",
        "status",
        "steps",
        "submitted",
        "type",
        "vals",
        "version",
        "void_reason",
        "with_goods",
    )

    def __init__(self, firm: Firm, cert_type: str, vals: dict[str, str]) -> None:
        self.firm = firm
        self.type = cert_type
        self.vals = vals
        self.full: dict[str, Any] | None = None
        self.importer_name = ""
        self.id = 0
        self.internal = ""
        self.number: str | None = None
        self.category = "new"
        self.original: DemoCertificate | None = None
        self.version = 0
        self.status = "draft"
        self.findings = "[]"
        self.print_count = 0
        self.void_reason = ""
        self.created = ""  # ISO timestamps, as in the row
        self.submitted: str | None = None
        self.approved: str | None = None
        self.signed = ""
        self.steps: list[tuple[int, int, Any]] = []
        self.with_goods = False

    def put(self, name: str, value: str | None, raw: str) -> None:
        """Set a field: ``value`` in a plain document, ``raw`` (its JSON) otherwise."""
        if self.full is not None:
            self.full[name] = value
        else:
            self.vals[name] = raw

    def render(self) -> str:
        if self.full is not None:
            return dumps(self.full)
        assert self.firm.template is not None
        return self.firm.template.render(self.vals)

    def document(self) -> dict[str, Any]:
        return json.loads(self.render())
