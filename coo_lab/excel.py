"""The bulk sheet as an Excel workbook (openpyxl): the template, and reading a filled one.

The template (``coo-lab template PATH`` or ``client.bulk_template(path)``) has three sheets:

- 证书 Certificates — the columns of ``coo_lab.sheet`` with a Chinese header row and an
  English one under it, required columns shaded; code columns are text cells (an HS code
  keeps its leading zero), coded columns offer their list, dates and numbers are checked;
- 代码表 Code lists — certificate types, countries, units, currencies, transport modes,
  price terms, trade modes and payment methods, each code with its Chinese and English name;
- 说明 Instructions — every column: key, headers, level, format and code list.

``read(path)`` finds the header rows (Chinese, English or keys; either row may be deleted)
and returns the rows as a DataFrame indexed by their Excel row numbers, with the column
letters in ``frame.attrs["letters"]``, so findings point at cells; ``annotate`` writes them
back, as comments on those cells (``BulkCreateReport.to_excel``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import BadZipFile

from coo_lab.errors import FieldError, ValidationFailed
from coo_lab.sheet import (
    CODE_LIST_TITLES,
    COLUMNS,
    Column,
    blank,
    code_lists,
    column_for,
    normalize,
)

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

DATA_SHEET = "证书 Certificates"
CODES_SHEET = "代码表 Code lists"
HELP_SHEET = "说明 Instructions"
HEADER_ROWS = 2
TEMPLATE_ROWS = 5000  # data validation reaches this far
_HEADER_SCAN = 6  # header rows are looked for among the first rows


def template(path: str | Path) -> Path:
    """Write the bulk template to ``path`` (.xlsx) and return the path."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    lists = book.create_sheet(CODES_SHEET)
    ranges = _write_code_lists(lists)
    _write_data_sheet(data, ranges)
    _write_instructions(book.create_sheet(HELP_SHEET))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _write_data_sheet(sheet: Worksheet, ranges: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    required = PatternFill("solid", fgColor="FCE4D6")
    plain = PatternFill("solid", fgColor="DDEBF7")
    bold = Font(bold=True)
    last = HEADER_ROWS + TEMPLATE_ROWS
    for index, column in enumerate(COLUMNS, start=1):
        letter = _letter(index)
        for row, text in ((1, column.zh), (2, column.en)):
            head = sheet.cell(row=row, column=index, value=text)
            head.font, head.fill = bold, required if column.required else plain
            head.alignment = Alignment(wrap_text=True, vertical="top")
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, min(40, len(column.en) + 4))
        if column.kind in ("code", "text"):
            dimension.number_format = "@"  # typed codes stay text: 010121, 035
        elif column.kind == "date":
            dimension.number_format = "yyyy-mm-dd"
        rule = _validation(column, ranges)
        if rule is not None:
            rule.add(f"{letter}{HEADER_ROWS + 1}:{letter}{last}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 1, column=3)


def _validation(column: Column, ranges: dict[str, str]) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    def made(**kwargs: Any) -> DataValidation:
        rule = DataValidation(allow_blank=True, showErrorMessage=True, **kwargs)
        rule.errorTitle = f"{column.zh} / {column.en}"
        return rule

    if column.codes:
        rule = made(type="list", formula1=ranges[column.codes])
        rule.error = (
            f"请从代码表选择 / choose from the code list ({CODE_LIST_TITLES[column.codes][1]})"
        )
        return rule
    if column.kind == "date":
        rule = made(type="date", operator="greaterThan", formula1="DATE(2000,1,1)")
        rule.error = "日期，如 2026-03-01 / a date such as 2026-03-01"
        return rule
    if column.kind in ("number", "integer"):
        kind = "whole" if column.kind == "integer" else "decimal"
        rule = made(type=kind, operator="greaterThanOrEqual", formula1="0")
        rule.error = "不小于 0 的数字 / a number ≥ 0"
        return rule
    return None


def _write_code_lists(sheet: Worksheet) -> dict[str, str]:
    """Each list in three columns (code, 中文, English) side by side; returns the ranges of
    their codes for data validation."""
    from openpyxl.styles import Font

    ranges: dict[str, str] = {}
    bold = Font(bold=True)
    for n, (name, entries) in enumerate(code_lists().items()):
        first = n * 4 + 1
        zh, en = CODE_LIST_TITLES[name]
        title = sheet.cell(row=1, column=first, value=f"{zh} / {en}")
        title.font = bold
        for offset, head in enumerate(("代码 Code", "中文", "English")):
            sheet.cell(row=2, column=first + offset, value=head).font = bold
        for row, entry in enumerate(entries, start=3):
            for offset, value in enumerate(entry):
                sheet.cell(row=row, column=first + offset, value=value).number_format = "@"
        letter = _letter(first)
        ranges[name] = f"'{sheet.title}'!${letter}$3:${letter}${len(entries) + 2}"
        for offset, width in enumerate((10, 24, 28)):
            sheet.column_dimensions[_letter(first + offset)].width = width
    return ranges


def _write_instructions(sheet: Worksheet) -> None:
    from openpyxl.styles import Alignment, Font

    notes = [
        "每行一条商品；同一发票号的各行合并为一份证书，证书级字段在各行重复或只填一行。",
        "One row per goods line; the rows of one invoice make one certificate. Certificate-level "
        "columns repeat on each row, or are filled on one row of the invoice.",
        "出口商、进口商、生产商可只填编码（从基础资料选取），或填写完整信息。",
        "A party given by its code alone is taken from base data; otherwise give it whole.",
        "导入前先预检：client.bulk_create(path) 只检查不保存；dry_run=False 才保存为暂存证书。",
        "Check first: client.bulk_create(path) writes nothing; dry_run=False saves drafts.",
    ]
    for row, text in enumerate(notes, start=1):
        sheet.cell(row=row, column=1, value=text)
    top = len(notes) + 2
    heads = (
        "键 Key",
        "中文表头",
        "English header",
        "层级 Level",
        "必填 Required",
        "格式 Format",
        "代码表 Code list",
    )
    for index, head in enumerate(heads, start=1):
        sheet.cell(row=top, column=index, value=head).font = Font(bold=True)
    for row, column in enumerate(COLUMNS, start=top + 1):
        values = (
            column.key,
            column.zh,
            column.en,
            "证书 certificate" if column.level == "certificate" else "商品 goods",
            "是 yes" if column.required else "",
            column.kind,
            " / ".join(CODE_LIST_TITLES[column.codes]) if column.codes else "",
        )
        for index, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=value).alignment = Alignment(vertical="top")
    for index, width in enumerate((28, 20, 34, 16, 14, 10, 26), start=1):
        sheet.column_dimensions[_letter(index)].width = width


# --- reading --------------------------------------------------------------------------------


def read(path: str | Path) -> pd.DataFrame:
    """The rows of a filled bulk sheet, indexed by Excel row number, columns named by key."""
    import pandas as pd
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, BadZipFile, InvalidFileException) as exc:
        raise ValidationFailed(
            [
                FieldError(
                    str(path),
                    None,
                    "an Excel workbook (.xlsx)",
                    "Excel 工作簿（.xlsx）",
                    "not_excel",
                )
            ]
        ) from exc
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header_rows = [i for i, r in enumerate(rows[:_HEADER_SCAN]) if _is_header(r)]
    if not header_rows:
        raise ValidationFailed(
            [
                FieldError(
                    f"{path.name}: {sheet.title}",
                    None,
                    "a header row of the bulk template (发票号 / Invoice number …) in the first "
                    f"{_HEADER_SCAN} rows",
                    f"前 {_HEADER_SCAN} 行中有批量导入模板的表头（发票号 / Invoice number …）",
                    "no_header",
                )
            ],
            model="sheet",
        )
    width = max(len(r) for r in rows)
    names = [_header(rows, header_rows, i) for i in range(width)]
    start = header_rows[-1] + 1
    body = [(n, r + [None] * (width - len(r))) for n, r in enumerate(rows[start:], start + 1)]
    body = [(n, r) for n, r in body if not all(blank(v) for v in r)]
    frame = pd.DataFrame(
        [r for _n, r in body], columns=names, index=[n for n, _r in body], dtype=object
    )
    letters = {
        column.key: _letter(i + 1)
        for i, name in enumerate(names)
        if (column := column_for(name)) is not None
    }
    frame = normalize(frame)
    frame.attrs["letters"] = letters
    return frame


def _is_header(row: list[Any]) -> bool:
    names = [v for v in row if not blank(v)]
    return len(names) >= 2 and sum(column_for(v) is not None for v in names) * 2 > len(names)


def _header(rows: list[list[Any]], header_rows: list[int], index: int) -> str:
    texts = [rows[r][index] for r in header_rows if index < len(rows[r])]
    for text in texts:
        if not blank(text) and column_for(text) is not None:
            return str(text)
    named = [str(t) for t in texts if not blank(t)]
    return named[0] if named else f"Unnamed: {_letter(index + 1)}"


# --- findings back into the workbook ----------------------------------------------------------

FINDINGS_SHEET = "检查结果 Findings"
OUTCOME_SHEET = "证书 Outcome"
_SHADE = {"error": "F8CBAD", "warning": "FFE699"}


def annotate(
    target: str | Path,
    findings: pd.DataFrame,
    certificates: pd.DataFrame,
    source: str | Path | None = None,
) -> Path:
    """Write a bulk report as a workbook: a copy of the ``source`` sheet (when the report came
    from one) with each finding as a comment on its cell, the cell shaded, and two sheets
    listing the findings and each certificate's outcome."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = load_workbook(source) if source is not None else Workbook()
    if source is None:
        book.remove(book.active)
    else:
        data = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        notes: dict[str, list[Any]] = {}
        for finding in findings.itertuples():
            if finding.cell:
                notes.setdefault(finding.cell, []).append(finding)
        for ref, found in notes.items():
            text = "\n".join(f"[{f.code}] {f.message_zh}\n{f.message_en}" for f in found)
            data[ref].comment = Comment(text, "coo_lab", width=360, height=120)
            worst = "error" if any(f.severity == "error" for f in found) else "warning"
            data[ref].fill = PatternFill("solid", fgColor=_SHADE.get(worst, _SHADE["warning"]))
    for title, frame in ((FINDINGS_SHEET, findings), (OUTCOME_SHEET, certificates)):
        if title in book.sheetnames:
            book.remove(book[title])
        sheet = book.create_sheet(title)
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_plain(v) for v in row])
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _plain(value: Any) -> Any:
    """A report value as a cell takes it (lists of rows as text, missing as blank)."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if blank(value):
        return None
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()
    return value if isinstance(value, str | int | float) else str(value)
