"""The feed's row form (coo_lab.domain.feed_rows): the rows the service stores for each change
are what the DuckDB mirror's tables hold, values of every awkward kind included."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from coo_lab import samples
from coo_lab.domain.feed_rows import FIELD, KINDS, NULL, QUOTE, SEPARATOR, field, flatten
from coo_lab.mirror import SCHEMA, _apply, _open, _spool

TABLES = {  # kind: (the mirror's table, its columns the rows do not carry)
    "certificate": ("certificates", {"id", "doc", "approved_on", "approved_month", "approval_us"}),
    "goods_line": ("goods_lines", {"certificate_id", "hs6"}),
    "receipt": ("receipts", {"id"}),
    "product_filing": ("product_filings", {"id"}),
    "filing_area": ("filing_areas", {"filing_id"}),
    "filing_material": ("filing_materials", {"filing_id", "idx"}),
    "base_record": ("base_records", {"id"}),
}


def test_each_kind_of_row_has_the_columns_and_types_of_its_mirror_table() -> None:
    con = duckdb.connect()
    con.execute(SCHEMA)
    assert set(TABLES) == set(KINDS)
    for kind, (table, own) in TABLES.items():
        described = {
            name: sql_type for name, sql_type, *_ in con.sql(f"DESCRIBE {table}").fetchall()
        }
        carried = {  # the type's name as DuckDB spells it
            c.name: con.execute(f"SELECT typeof(CAST(NULL AS {c.sql_type}))").fetchall()[0][0]
            for c in KINDS[kind].columns
        }
        assert carried == {k: v for k, v in described.items() if k not in own}, kind


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, NULL),
        ("", ""),
        ("中文 ok", "中文 ok"),
        (True, "true"),
        (False, "false"),
        (7, "7"),
        ([{"code": "X"}], '[{"code":"X"}]'),
        (f"a{FIELD}b{SEPARATOR}c{QUOTE}d{NULL}e", "a\ufffdb\ufffdc\ufffdd\ufffde"),
        ("tab\there", "tab\there"),  # kept: the whole payload is quoted instead
    ],
)
def test_a_value_as_a_field(value, text) -> None:
    assert field(value) == text


def test_the_rows_of_a_change() -> None:
    cert = samples.certificate("E").model_dump(mode="json")
    rows = flatten("certificate", 5, "update", 3, cert).split(SEPARATOR)
    assert [r.split("\t")[0] for r in rows] == ["certificate"] + ["goods_line"] * len(cert["goods"])
    assert all(r.split("\t")[1:4] == ["5", "update", "3"] for r in rows)
    lines = [r.split("\t", 4)[4].strip(QUOTE).split(FIELD) for r in rows[1:]]
    assert [line[0] for line in lines] == [str(i) for i in range(1, len(cert["goods"]) + 1)]
    assert flatten("certificate", 5, "delete", 4, None) == "certificate\t5\tdelete\t4\t"
    assert flatten("enterprise_profile", 1, "create", 1, {"name": "x"}) == ""


def test_awkward_values_reach_the_mirror_as_they_were(tmp_path: Path) -> None:
    cert = samples.certificate("C").model_dump(mode="json")
    cert |= {"id": 11, "version": 2, "hand_signer": "\\N", "void_reason": "", "remarks": NULL}
    cert["goods"][0]["description"] = 'SHIRTS\t"BLUE"\nSIZE M \\ L'  # tab, quotes, newline
    cert["goods"][1]["description"] = None
    cert["exporter"]["name_en"] = "第三方\r公司"
    changes = [
        {"seq": 3, "entity": "certificate", "entity_id": 11, "op": "update", "version": 2,
         "at": "2026-11-01T08:00:00+00:00", "data": cert},
    ]  # fmt: skip
    path = tmp_path / "coo.duckdb"
    con, _cursor, keeps = _open(path, "test#op", 10, True)
    try:
        page = _spool(
            tmp_path / "2.tsv", {"changes": changes, "next_after": 3, "has_more": False}, 0, keeps
        )
        assert _apply(con, [page]) == (1, 1)
        got = con.execute(
            "SELECT hand_signer, void_reason, certificate_number, exporter_name, doc "
            "FROM certificates"
        ).fetchall()
        doc = json.dumps(cert, ensure_ascii=False, separators=(",", ":"))  # as sent
        assert got == [("\\N", "", None, "第三方\r公司", doc)]
        lines = con.execute(
            "SELECT line_no, description FROM goods_lines ORDER BY line_no LIMIT 2"
        ).fetchall()
        assert lines == [(1, 'SHIRTS\t"BLUE"\nSIZE M \\ L'), (2, None)]
    finally:
        con.close()
