"""The bulk sheet: its columns, cell values as spreadsheets and pandas give them, rows into
certificates."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from coo_lab import samples
from coo_lab.domain.certificate import Certificate
from coo_lab.errors import ValidationFailed
from coo_lab.rows import groups, to_rows
from coo_lab.sheet import BY_KEY, COLUMNS, cell, code_lists, column_for, normalize


def test_every_column_is_a_field_of_the_certificate_with_unique_headers() -> None:
    cert = samples.certificate("K").model_dump(mode="json")
    for column in COLUMNS:
        value = cert["goods"][0] if column.level == "goods" else cert
        for part in column.field.split("."):
            assert isinstance(value, dict) and part in value, column.key
            value = value[part]
    for attr in ("key", "zh", "en"):
        names = [getattr(c, attr) for c in COLUMNS]
        assert len(set(names)) == len(names), attr
    assert all(c.codes in code_lists() for c in COLUMNS if c.codes)


@pytest.mark.parametrize(
    "name",
    ["invoice_number", "发票号", "Invoice number", "发票号 / Invoice number", " INVOICE  number "],
)
def test_a_column_answers_to_its_key_and_both_headers(name: str) -> None:
    assert column_for(name) is BY_KEY["invoice_number"]


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("goods.hs_code", 10121, "010121"),  # a numeric cell lost the leading zero
        ("goods.hs_code", 61091000.0, "61091000"),
        ("goods.hs_code", " 8516.60 ", "8516.60"),  # text is left to the model
        ("goods.unit", 35, "035"),
        ("exit_customs", 900, "0900"),
        ("customs_declaration_number", np.int64(90020240000123456), "090020240000123456"),
        ("goods.quantity", 12.3, "12.3"),
        ("goods.quantity", "1,234.50", "1234.50"),
        ("goods.quantity", Decimal("7.10"), "7.10"),
        ("goods.packages", 40.0, 40),
        ("invoice_date", datetime(2026, 3, 2, 0, 0), "2026-03-02"),
        ("invoice_date", pd.Timestamp("2026-03-02"), "2026-03-02"),
        ("invoice_date", date(2026, 3, 2), "2026-03-02"),
        ("invoice_number", 20260302.0, "20260302"),
        ("remarks", "  大连海兴  ", "大连海兴"),
        ("remarks", "   ", None),
        ("remarks", math.nan, None),
        ("remarks", pd.NA, None),
        ("invoice_date", pd.NaT, None),
        ("remarks", None, None),
    ],
)
def test_cells_come_back_as_typed(key: str, raw, expected) -> None:
    assert cell(BY_KEY[key], raw) == expected


def test_rows_of_an_invoice_make_one_certificate_that_round_trips() -> None:
    k, c = samples.certificate("K"), samples.certificate("C")
    c.invoice_number = "OTHER-1"
    c.remarks = "中文备注：海兴"
    frame = pd.DataFrame(to_rows(k) + to_rows(c))
    found, orphans = groups(normalize(frame))
    assert orphans == [] and [g.invoice for g in found] == [k.invoice_number, "OTHER-1"]
    n = len(k.goods)
    assert [g.rows for g in found] == [list(range(n)), list(range(n, n + len(c.goods)))]
    for group, original in zip(found, (k, c), strict=True):
        basic, goods = group.body()
        rebuilt = Certificate.model_validate({**basic, "goods": goods})
        assert to_rows(rebuilt) == to_rows(original)
    assert found[1].values["remarks"] == "中文备注：海兴"


def test_certificate_columns_may_be_given_once_and_must_not_disagree() -> None:
    rows = to_rows(samples.certificate("K"))
    for row in rows[1:]:
        row["importer.name_en"] = None  # given once, on the first row only
    rows[2]["destination_country"] = "JPN"  # the third row disagrees
    frame = pd.DataFrame(rows, index=[10, 11, 12])
    (group,), _orphans = groups(normalize(frame))
    assert group.values["importer.name_en"] == rows[0]["importer.name_en"]
    (problem,) = group.problems
    assert (problem.row, problem.column, problem.code) == (
        12,
        "destination_country",
        "BULK-ROWS-002",
    )
    assert "KOR" in problem.message_en and "第 10 行" in problem.message_zh


def test_a_row_without_an_invoice_is_reported_and_a_blank_row_ignored() -> None:
    rows = to_rows(samples.certificate("C"))
    orphan = {**rows[0], "invoice_number": None}
    frame = pd.DataFrame([*rows, orphan, dict.fromkeys(rows[0])])
    found, orphans = groups(normalize(frame))
    assert len(found) == 1 and len(found[0].rows) == len(rows)
    assert [(p.row, p.code) for p in orphans] == [(len(rows), "BULK-ROWS-001")]


def test_a_party_given_by_code_alone_is_picked_from_base_data() -> None:
    rows = to_rows(samples.certificate("C"))
    for row in rows:
        for key in [k for k in row if k.startswith("exporter.")]:
            row[key] = None
        row["exporter.code"] = "010001"
    (group,), _ = groups(normalize(pd.DataFrame(rows)))
    basic, _goods = group.body()
    assert basic["exporter_code"] == "010001" and "exporter" not in basic
    assert isinstance(basic["importer"], dict)


def test_findings_point_back_at_rows_and_columns() -> None:
    frame = pd.DataFrame(to_rows(samples.certificate("K")), index=[5, 6, 7])
    (group,), _ = groups(normalize(frame))
    assert group.locate("goods.2.description") == (7, "goods.description")
    assert group.locate("goods.1.processing.hs_heading") == (6, None)
    assert group.locate("importer.name_en") == (5, "importer.name_en")
    assert group.locate("importer_code") == (5, "importer.code")
    assert group.locate("hand_signer") == (5, "hand_signer")
    assert group.locate("goods") == (5, None)


def test_unknown_repeated_or_missing_columns_are_refused_up_front() -> None:
    frame = pd.DataFrame({"invoice_number": ["A"], "发票号": ["A"], "importer.adress": ["x"]})
    with pytest.raises(ValidationFailed) as refused:
        normalize(frame)
    fields = {e.field: e.code for e in refused.value.errors}
    assert fields == {"发票号": "repeated_column", "importer.adress": "unknown_column"}
    assert all(e.expected_zh for e in refused.value.errors)
    with pytest.raises(ValidationFailed) as missing:
        normalize(pd.DataFrame({"remarks": ["x"]}))
    assert [e.field for e in missing.value.errors] == ["invoice_number"]
    empty_unnamed = pd.DataFrame({"invoice_number": ["A"], "Unnamed: 3": [None]})
    assert list(normalize(empty_unnamed).columns) == ["invoice_number"]


def test_code_lists_hold_what_the_coded_columns_take() -> None:
    lists = code_lists()
    types = {code: zh for code, zh, _en in lists["cert_types"]}
    assert len(types) == 15 and types["C"] == "一般原产地证"
    assert any(c == "KOR" and zh == "韩国" for c, zh, _en in lists["countries"])
    assert any(code == "035" and zh == "千克" for code, zh, _en in lists["units"])
    assert {"USD", "CNY", "EUR"} <= {c for c, _zh, _en in lists["currencies"]}
    assert {c for c, _zh, _en in lists["transport_modes"]} >= {"SEA", "AIR", "RAIL"}
