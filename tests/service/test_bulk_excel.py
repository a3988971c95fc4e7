"""The Excel template and importing a filled one, against the real service: Chinese text
round-trips, findings point at cells, codes keep their leading zeros."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coo_lab import samples
from coo_lab.cli import main
from coo_lab.client import Client
from coo_lab.errors import ValidationFailed
from coo_lab.excel import CODES_SHEET, DATA_SHEET, FINDINGS_SHEET, HELP_SHEET, OUTCOME_SHEET, read
from coo_lab.rows import to_rows
from coo_lab.sheet import COLUMNS

CHINESE = {
    "exporter.name_cn": "大连海兴国际贸易有限公司",
    "exporter.address_cn": "辽宁省大连市甘井子区甘井子路23号",
    "importer.name_cn": "釜山电子株式会社（仓库一）",
    "remarks": "请于周一前寄出正本；联系人：王丹 ☎ 0411-8273",
}


@pytest.fixture
def op(live) -> Client:
    return Client(live.url, username="hx_operator", password="pw-hx_operator")


def fill(path: Path, rows: list[dict], *, numeric_codes: bool = False) -> None:
    """Type rows into the template as a user would, below its two header rows."""
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    for r, row in enumerate(rows, start=3):
        for c, column in enumerate(COLUMNS, start=1):
            value = row.get(column.key)
            if value is None:
                continue
            if column.kind == "date":
                value = date.fromisoformat(value)
            elif column.kind in ("number", "integer"):
                value = float(value) if column.kind == "number" else int(value)
            elif numeric_codes and column.key in ("goods.hs_code", "goods.unit"):
                value = int(value)  # typed into a cell formatted as a number
            sheet.cell(row=r, column=c, value=value)
    book.save(path)


def test_the_template_has_both_headers_code_lists_and_validation(op, tmp_path) -> None:
    path = op.bulk_template(tmp_path / "模板.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [DATA_SHEET, CODES_SHEET, HELP_SHEET]
    data = book[DATA_SHEET]
    assert [c.value for c in data[1]] == [c.zh for c in COLUMNS]
    assert [c.value for c in data[2]] == [c.en for c in COLUMNS]
    hs_letter = data.cell(row=1, column=[c.key for c in COLUMNS].index("goods.hs_code") + 1)
    assert data.column_dimensions[hs_letter.column_letter].number_format == "@"
    rules = {str(v.sqref).split(":")[0][:-1]: v for v in data.data_validations.dataValidation}
    type_rule = rules["A"]  # cert_type, the first column
    assert type_rule.type == "list" and CODES_SHEET in type_rule.formula1
    assert len(rules) >= 20
    codes = book[CODES_SHEET]
    values = {c.value for row in codes.iter_rows() for c in row if c.value}
    assert {"KOR", "韩国", "035", "千克", "USD", "SEA", "海运", "FOB", "一般贸易"} <= values
    assert {"K", "中国-韩国自贸协定"} <= values
    help_rows = [r[0].value for r in book[HELP_SHEET].iter_rows() if r[0].value]
    assert "goods.hs_code" in help_rows and "invoice_number" in help_rows


def test_a_filled_template_imports_with_chinese_intact(op, tmp_path) -> None:
    path = op.bulk_template(tmp_path / "orders.xlsx")
    cert = samples.certificate("K")
    cert.invoice_number = "XL-001"
    rows = [{**row, **CHINESE} for row in to_rows(cert)]
    fill(path, rows)
    frame = read(path)
    assert list(frame.index) == [3, 4, 5]
    assert frame.loc[3, "remarks"] == CHINESE["remarks"]
    dry = op.bulk_create(path)
    assert dry.ok and dry.certificates["outcome"].tolist() == ["would_create"]
    done = op.bulk_create(str(path), dry_run=False)
    (cert_id,) = done.ids
    stored = op.certificates.get(cert_id)
    assert stored.remarks == CHINESE["remarks"]
    assert stored.exporter.address_cn == CHINESE["exporter.address_cn"]
    assert stored.importer.name_cn == CHINESE["importer.name_cn"]
    assert [g.hs_code for g in stored.goods] == [g.hs_code for g in cert.goods]
    assert stored.invoice_date == cert.invoice_date
    assert op.bulk_create(path, dry_run=False).certificates["outcome"].tolist() == ["exists"]


def test_findings_point_at_cells_and_numeric_codes_get_their_zeros_back(op, tmp_path) -> None:
    path = op.bulk_template(tmp_path / "cells.xlsx")
    cert = samples.certificate("C")  # its third line: frozen shrimps, HS 030617
    cert.invoice_number = "XL-002"
    rows = to_rows(cert)
    fill(path, rows, numeric_codes=True)  # 030617 typed as a number: 30617
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    keys = [c.key for c in COLUMNS]
    assert sheet.cell(row=5, column=keys.index("goods.hs_code") + 1).value == 30617
    assert sheet.cell(row=5, column=keys.index("goods.unit") + 1).value == 35
    description = sheet.cell(row=4, column=keys.index("goods.description") + 1)
    description.value = "PARTS"  # the second goods line: too generic
    book.save(path)
    report = op.bulk_create(path)
    (finding,) = report.findings.itertuples()
    assert (finding.row, finding.cell, finding.header) == (
        4,
        f"{description.column_letter}4",
        "货物描述",
    )
    assert finding.code == "CO-GOODS-004" and finding.value == "PARTS"
    created = op.bulk_create(path, dry_run=False)
    stored = op.certificates.get(created.ids[0])
    assert [g.hs_code for g in stored.goods] == ["851660", "610910", "030617"]
    assert stored.goods[2].unit == "035"
    # the findings written back: a copy of the sheet with a comment on the cell
    annotated = load_workbook(report.to_excel(tmp_path / "checked.xlsx"))
    marked = annotated[DATA_SHEET][finding.cell]
    assert marked.value == "PARTS" and "CO-GOODS-004" in marked.comment.text
    assert "“PARTS”过于笼统" in marked.comment.text
    listed = [[c.value for c in r] for r in annotated[FINDINGS_SHEET].iter_rows()]
    assert listed[0][:3] == ["row", "cell", "column"] and listed[1][1] == finding.cell
    outcome = [[c.value for c in r] for r in annotated[OUTCOME_SHEET].iter_rows()]
    assert outcome[1][0] == "XL-002" and outcome[1][2] == "3, 4, 5"
    assert load_workbook(path)[DATA_SHEET][finding.cell].comment is None  # the source as it was


def test_a_sheet_that_is_not_the_template_is_refused_clearly(op, tmp_path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    book = Workbook()
    book.active.append(["name", "amount"])
    book.active.append(["x", 1])
    book.save(path)
    with pytest.raises(ValidationFailed) as refused:
        op.bulk_create(path)
    assert refused.value.errors[0].code == "no_header"
    (tmp_path / "not.xlsx").write_text("plain text")
    with pytest.raises(ValidationFailed) as broken:
        read(tmp_path / "not.xlsx")
    assert broken.value.errors[0].code == "not_excel"


def test_coo_lab_template_writes_it_from_the_shell(tmp_path, capsys) -> None:
    target = tmp_path / "sub" / "bulk.xlsx"
    assert main(["template", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert load_workbook(target).sheetnames[0] == DATA_SHEET
