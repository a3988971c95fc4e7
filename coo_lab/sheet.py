"""The bulk sheet (批量导入表): its columns, defined once, and its code lists.

One row per goods line; the rows of one invoice make one certificate. Certificate-level
columns repeat on each row of the invoice, or are given once on any of its rows (rows that
disagree are an error). Each column has a key — the field's dotted path in the certificate
(``invoice_number``, ``importer.name_en``; goods columns start with ``goods.``) — and a
Chinese and an English header, as the original system's screens name the field. A DataFrame
may use any of the three as column names; the Excel template (``coo_lab.excel``) shows both
headers.

A party (exporter, importer, producer) is given whole (code, name, address…) or by its code
alone, which picks the saved base record (基础资料) on the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from coo_lab.domain.certificate import PaymentMethod, PriceTerm, TradeMode
from coo_lab.domain.route import TRANSPORT_MODES
from coo_lab.errors import FieldError, ValidationFailed

if TYPE_CHECKING:
    import pandas as pd


Level = Literal["certificate", "goods"]
Kind = Literal["text", "code", "date", "number", "integer"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the bulk sheet."""

    key: str  # the field's dotted path: "invoice_number", "importer.name_en", "goods.hs_code"
    zh: str
    en: str
    kind: Kind = "text"
    codes: str | None = None  # the code list its values come from (see ``code_lists``)
    digits: int = 0  # a code typed as a number loses its leading zeros: pad back to this
    required: bool = False

    @property
    def level(self) -> Level:
        return "goods" if self.key.startswith("goods.") else "certificate"

    @property
    def field(self) -> str:
        """The field's path within its level: ``hs_code`` for ``goods.hs_code``."""
        return self.key.removeprefix("goods.")

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"


def _c(key: str, zh: str, en: str, kind: Kind = "text", **more) -> Column:
    return Column(key, zh, en, kind, **more)


COLUMNS: tuple[Column, ...] = (
    _c("cert_type", "证书类型", "Certificate type", "code", codes="cert_types", required=True),
    _c("invoice_number", "发票号", "Invoice number", required=True),
    _c("invoice_date", "发票日期", "Invoice date", "date"),
    _c("exporter.code", "出口商编码", "Exporter code", "code"),
    _c("exporter.name_en", "出口商英文名称", "Exporter name (English)"),
    _c("exporter.name_cn", "出口商中文名称", "Exporter name (Chinese)"),
    _c("exporter.address_en", "出口商英文地址", "Exporter address (English)"),
    _c("exporter.address_cn", "出口商中文地址", "Exporter address (Chinese)"),
    _c("importer.code", "进口商编码", "Importer code", "code"),
    _c("importer.name_en", "进口商英文名称", "Importer name (English)"),
    _c("importer.name_cn", "进口商中文名称", "Importer name (Chinese)"),
    _c("importer.address_en", "进口商英文地址", "Importer address (English)"),
    _c("importer.country", "进口商国家", "Importer country", "code", codes="countries"),
    _c("producer.code", "生产商编码", "Producer code", "code"),
    _c("producer.name_en", "生产商英文名称", "Producer name (English)"),
    _c("producer.name_cn", "生产商中文名称", "Producer name (Chinese)"),
    _c("producer.address_en", "生产商英文地址", "Producer address (English)"),
    _c("application_place", "申请地点", "Place of application"),
    _c("application_date", "申请日期", "Date of application", "date"),
    _c("departure_port", "起运地/港", "Port of departure"),
    _c("destination_country", "目的国", "Destination country", "code", codes="countries"),
    _c("destination_port", "目的地/港", "Port of destination"),
    _c("transshipment_port", "转运港", "Port of transshipment"),
    _c("transport_mode", "运输方式", "Transport mode", "code", codes="transport_modes"),
    _c("shipment_date", "提单/运输日期", "Shipment date", "date"),
    _c("first_leg_vessel", "一程", "First leg (vessel, flight…)"),
    _c("second_leg_vessel", "二程", "Second leg"),
    _c("transport_route", "运输路线", "Transport route"),
    _c("contract_number", "合同号", "Contract number"),
    _c("fob_usd", "FOB值(以美元计)", "FOB value (USD)", "number"),
    _c("invoice_amount", "发票金额", "Invoice amount", "number"),
    _c("invoice_currency", "发票币种", "Invoice currency", "code", codes="currencies"),
    _c("price_term", "价格条款", "Price term", "code", codes="price_terms"),
    _c("trade_mode", "贸易方式", "Trade mode", "code", codes="trade_modes"),
    _c("payment_method", "付款方式", "Payment method", "code", codes="payment_methods"),
    _c("hand_signer", "手签员", "Hand-signer"),
    _c("exit_customs", "出境海关", "Exit customs", "code", digits=4),
    _c("enterprise_customs_code", "企业海关编码", "Enterprise customs code", "code"),
    _c("customs_declaration_number", "报关单号", "Customs declaration number", "code", digits=18),
    _c("remarks", "备注", "Remarks"),
    _c("goods.hs_code", "商品HS编码", "HS code", "code", digits=-1, required=True),
    _c("goods.description", "货物描述", "Description of goods"),
    _c("goods.quantity", "数量", "Quantity", "number"),
    _c("goods.unit", "单位", "Unit", "code", codes="units", digits=3),
    _c("goods.unit_price", "单价", "Unit price", "number"),
    _c("goods.amount", "金额", "Amount", "number"),
    _c("goods.net_weight", "净重", "Net weight", "number"),
    _c("goods.net_weight_unit", "净重单位", "Net weight unit", "code", codes="units", digits=3),
    _c("goods.gross_weight", "毛重", "Gross weight", "number"),
    _c("goods.packages", "包装件数", "Number of packages", "integer"),
    _c("goods.package_kind", "包装种类", "Kind of packages"),
    _c("goods.fob_usd", "商品FOB价值(美元)", "FOB value of the line (USD)", "number"),
    _c("goods.marks", "文字唛头", "Marks and numbers"),
    _c("goods.origin_criterion", "原产地标准", "Origin criterion"),
    _c("goods.product_filing_number", "产品备案号", "Product filing number"),
)
"""Every column, in the template's order: certificate level first, then the goods line."""

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
PARTIES = ("exporter", "importer", "producer")


@cache
def header_index() -> dict[str, Column]:
    """Every name a column goes by — key, Chinese, English, "中文 / English" — folded."""
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (column.key, column.zh, column.en, column.header, f"{column.zh}\n{column.en}"):
            index.setdefault(fold(name), column)
    return index


def fold(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def column_for(name: object) -> Column | None:
    return header_index().get(fold(name))


# --- code lists ---------------------------------------------------------------------------

CodeList = tuple[tuple[str, str, str], ...]  # (code, Chinese, English)

_TRADE_MODES_ZH = {
    TradeMode.GENERAL: ("一般贸易", "general trade"),
    TradeMode.PROCESSING_SUPPLIED: ("来料加工", "processing with supplied materials"),
    TradeMode.PROCESSING_IMPORTED: ("进料加工", "processing with imported materials"),
    TradeMode.BORDER: ("边境贸易", "border trade"),
    TradeMode.OTHER: ("其他", "other"),
}
_PAYMENT_ZH = {
    "M/T": "信汇", "T/T": "电汇", "D/D": "票汇", "L/C": "信用证", "D/P": "付款交单",
    "D/A": "承兑交单", "O/A": "赊销",
}  # fmt: skip
CODE_LIST_TITLES: dict[str, tuple[str, str]] = {
    "cert_types": ("证书类型", "Certificate types"),
    "countries": ("国家（地区）", "Countries"),
    "units": ("计量单位", "Units"),
    "currencies": ("币种", "Currencies"),
    "transport_modes": ("运输方式", "Transport modes"),
    "price_terms": ("价格条款", "Price terms"),
    "trade_modes": ("贸易方式", "Trade modes"),
    "payment_methods": ("付款方式", "Payment methods"),
}


@cache
def code_lists() -> dict[str, CodeList]:
    """The values a coded column takes, each with its Chinese and English name."""
    from coo_lab.domain import codes
    from coo_lab.domain.agreements import agreements

    return {
        "cert_types": tuple((a.code, a.name_zh, a.name_en) for a in agreements()),
        "countries": tuple((c.iso3, c.name_cn, c.name_en) for c in codes.countries() if c.iso3),
        "units": tuple((u.code, u.name_cn, u.name_en) for u in codes.units()),
        "currencies": tuple((c.code, "", c.name) for c in codes.currencies()),
        "transport_modes": tuple((k, zh, en) for k, (en, zh) in TRANSPORT_MODES.items()),
        "price_terms": tuple((p.value, p.value, p.value) for p in PriceTerm),
        "trade_modes": tuple((m.value, *_TRADE_MODES_ZH[m]) for m in TradeMode),
        "payment_methods": tuple((p.value, _PAYMENT_ZH[p.value], p.value) for p in PaymentMethod),
    }


# --- cells ----------------------------------------------------------------------------------


def blank(value: Any) -> bool:
    """Empty in a spreadsheet's sense: None, NaN, NaT, pandas' NA or blank text."""
    if value is None or type(value).__name__ == "NAType":
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def cell(column: Column | None, value: Any) -> Any:
    """A cell's value as the models take it (``None`` for a blank cell).

    Spreadsheets and pandas change what was typed: a code typed as a number loses its leading
    zeros (HS 010121 → 10121, unit 035 → 35), a date becomes a timestamp, a number a float.
    This undoes it as far as it can be undone; the models judge the rest."""
    if value is None:
        return None
    if type(value) is str:  # the common case, first
        text = value.strip()
        if not text:
            return None
        if column is not None and column.kind == "number" and "," in text:
            return text.replace(",", "")  # 1,234.50
        return text
    return _typed(column, value)


def _typed(column: Column | None, value: Any) -> Any:
    if blank(value):
        return None
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
    kind = column.kind if column else "text"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        value = (
            int(value) if kind in ("code", "integer") and value == value.to_integral() else value
        )
        if isinstance(value, Decimal):
            return str(value)
    if kind == "code":
        return _code(value, column.digits if column else 0)
    if kind == "number":
        return repr(value) if isinstance(value, float) else value  # 12.3, not 12.300000000001
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind in ("text", "date") and isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return value


def _code(value: Any, digits: int) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        return value
    text = str(value)
    if digits > 0:
        return text.zfill(digits)
    if digits < 0 and len(text) % 2:  # HS codes have 6, 8 or 10 digits
        return "0" + text
    return text


def normalize(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its columns named by key; an unknown or repeated column is refused
    (a misspelt header must not drop a field silently)."""
    keys: dict[object, str] = {}
    errors: list[FieldError] = []
    seen: dict[str, object] = {}
    for name in frame.columns:
        column = column_for(name)
        if column is None:
            if _unnamed(name) and all(blank(v) for v in frame[name]):
                continue  # an empty column without a header, as spreadsheets leave them
            errors.append(
                FieldError(
                    str(name),
                    None,
                    "a column of the bulk sheet (a key such as invoice_number or goods.hs_code, "
                    "or its Chinese or English header)",
                    "批量导入表的列（如 invoice_number、goods.hs_code，或其中文、英文表头）",
                    "unknown_column",
                )
            )
        elif column.key in seen:
            errors.append(
                FieldError(
                    str(name),
                    None,
                    f"one column per field ({seen[column.key]!r} is {column.key} already)",
                    f"每个字段一列（{seen[column.key]!r} 已是 {column.key}）",
                    "repeated_column",
                )
            )
        else:
            seen[column.key] = name
            keys[name] = column.key
    missing = [k for k in ("invoice_number",) if k not in seen]
    errors += [
        FieldError(k, None, "the column (rows are grouped by it)", "该列（按其归并行）", "missing")
        for k in missing
    ]
    if errors:
        raise ValidationFailed(errors, model="sheet")
    return frame[list(keys)].rename(columns=keys)


def _unnamed(name: object) -> bool:
    return blank(name) or str(name).startswith("Unnamed:")
