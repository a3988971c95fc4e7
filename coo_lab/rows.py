"""The bulk sheet's rows as certificates: one per invoice number, and back.

``groups(frame)`` turns a sheet (columns named by key, see ``coo_lab.sheet``) into one
``Group`` per invoice: its rows, its certificate-level values (given on every row or on one;
rows that disagree are a ``Problem``) and its goods lines, each with the row it came from, so
that whatever is found later — by the models or the review rules — is reported at its row
and column (``Group.locate``). ``to_rows`` makes the rows of an existing certificate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coo_lab.sheet import BY_KEY, COLUMNS, PARTIES, Column, cell

if TYPE_CHECKING:
    import pandas as pd

    from coo_lab.domain.certificate import Certificate

Label = Any  # a row's label: the DataFrame's index value, or the Excel row number


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the sheet itself, at a row and column."""

    row: Label
    column: str | None
    code: str
    value: Any
    message_en: str
    message_zh: str


@dataclass(slots=True)
class Group:
    """The rows of one invoice: one certificate."""

    invoice: str
    rows: list[Label] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # certificate-level key → value
    first_seen: dict[str, Label] = field(default_factory=dict)  # key → row that gave it
    lines: list[tuple[Label, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def body(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(basic info with parties nested or as ``*_code``, goods lines numbered from 1) for
        the models."""
        basic: dict[str, Any] = {}
        for key, value in self.values.items():
            party, dot, name = key.partition(".")
            if dot:
                basic.setdefault(party, {})[name] = value
            else:
                basic[key] = value
        for party in PARTIES:
            given = basic.get(party)
            if given is not None and set(given) == {"code"}:  # the code alone: base data
                basic[f"{party}_code"] = basic.pop(party)["code"]
        return basic, [{**line, "line_no": n} for n, (_row, line) in enumerate(self.lines, 1)]

    def locate(self, path: str) -> tuple[Label, str | None]:
        """The sheet row and column of a field path of this certificate (``goods.2.unit``)."""
        parts = path.split(".")
        if parts[0] == "goods" and len(parts) > 1 and parts[1].isdigit():
            n = int(parts[1])
            row = self.lines[n][0] if n < len(self.lines) else self.rows[0]
            key = "goods." + ".".join(parts[2:3])
            return row, key if key in BY_KEY else None
        if parts[0].endswith("_code") and parts[0][: -len("_code")] in PARTIES:
            key = parts[0][: -len("_code")] + ".code"
        else:
            key = ".".join(parts[:2]) if ".".join(parts[:2]) in BY_KEY else parts[0]
        if key not in BY_KEY:
            return self.rows[0], None
        return self.first_seen.get(key, self.rows[0]), key


def groups(frame: pd.DataFrame) -> tuple[list[Group], list[Problem]]:
    """The certificates a sheet describes, one per invoice number, in order of appearance;
    rows that cannot be placed (no invoice number) come back as problems."""
    columns = [BY_KEY[k] for k in frame.columns]
    values = {c.key: _cells(c, frame[c.key].tolist()) for c in columns}
    top = [(c, values[c.key]) for c in columns if c.level == "certificate"]
    goods = [(c.field, values[c.key]) for c in columns if c.level == "goods"]
    invoices = values.get("invoice_number") or [None] * len(frame)
    found: dict[str, Group] = {}
    orphans: list[Problem] = []
    for i, label in enumerate(frame.index.tolist()):
        invoice = invoices[i]
        if invoice is None:
            if any(v[i] is not None for v in values.values()):
                orphans.append(_no_invoice(label))
            continue
        group = found.get(invoice)
        if group is None:
            group = found[invoice] = Group(invoice)
        group.rows.append(label)
        known = group.values
        for column, cells in top:
            value = cells[i]
            if value is None:
                continue
            if column.key not in known:
                known[column.key] = value
                group.first_seen[column.key] = label
            elif known[column.key] != value:
                _disagree(group, label, column, value)
        line = {name: cells[i] for name, cells in goods if cells[i] is not None}
        if line:
            group.lines.append((label, line))
    return list(found.values()), orphans


def _cells(column: Column, values: list[Any]) -> list[Any]:
    """``cell`` of each value of a column, the common case (text, no number) inline."""
    if column.kind == "number":
        return [cell(column, v) for v in values]
    return [(v.strip() or None) if type(v) is str else cell(column, v) for v in values]


def _disagree(group: Group, label: Label, column: Column, value: Any) -> None:
    known = group.values[column.key]
    first = group.first_seen[column.key]
    group.problems.append(
        Problem(
            label,
            column.key,
            "BULK-ROWS-002",
            value,
            f"invoice {group.invoice}: {column.en} is {known!r} on row {first} but "
            f"{value!r} here; the rows of one invoice are one certificate",
            f"发票 {group.invoice}：{column.zh}在第 {first} 行为 {known!r}，本行为 "
            f"{value!r}；同一发票的各行属于同一份证书，应一致",
        )
    )


def _no_invoice(label: Label) -> Problem:
    return Problem(
        label,
        "invoice_number",
        "BULK-ROWS-001",
        None,
        "no invoice number: rows are grouped into certificates by invoice number",
        "缺少发票号：各行按发票号归并为证书",
    )


def to_rows(certificate: Certificate) -> list[dict[str, Any]]:
    """A certificate as rows of the sheet, one per goods line (the inverse of ``groups``):
    to start a sheet from existing certificates, or to build one in code."""
    data = certificate.model_dump(mode="json")
    top: dict[str, Any] = {}
    for column in COLUMNS:
        if column.level == "certificate":
            value: Any = data
            for part in column.key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            top[column.key] = value
    lines = data["goods"] or [{}]
    return [
        {**top, **{c.key: line.get(c.field) for c in COLUMNS if c.level == "goods"}}
        for line in lines
    ]
