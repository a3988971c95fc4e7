"""Field formats of the declaration system and the bilingual errors they raise.

Each format is an ``Annotated`` type: the regex the original system enforces plus the words
a user sees when a value does not fit ("3–8 letters or digits" / "3-8位字母或数字").
``DomainModel`` turns pydantic's errors into one ``ValidationFailed`` naming every bad field,
its value and what was expected, in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from coo_lab.errors import FieldError, ValidationFailed


def _format(pattern: str, expected_en: str, expected_zh: str, *, upper: bool = False):
    regex = re.compile(pattern)

    def check(value: str) -> str:
        text = value.strip()
        if upper:
            text = text.upper()
        if not regex.fullmatch(text):
            raise PydanticCustomError(
                "coo_format",
                "expected {expected_en}",
                {"expected_en": expected_en, "expected_zh": expected_zh},
            )
        return text

    return AfterValidator(check)


Code = Annotated[str, _format(r"[A-Za-z0-9]{3,8}", "3-8 letters or digits", "3-8位字母或数字")]
"""Base-data codes: exporter (受益人编码), importer (客户编码), producer, special clause."""

Phone = Annotated[
    str,
    _format(
        r"[0-9+\-() /#*.,]{1,20}", "up to 20 digits and symbols (+-() /#)", "20位以内数字、符号组合"
    ),
]
BankAccount = Annotated[
    str, _format(r"[A-Za-z0-9]{19}", "exactly 19 letters or digits", "19位字母或数字")
]
Email = Annotated[
    str,
    _format(
        r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
        "an e-mail address such as name@example.com",
        "电子邮箱地址，如 name@example.com",
    ),
]
HSCode = Annotated[
    str,
    AfterValidator(lambda v: v.replace(".", "").replace(" ", "")),
    _format(r"\d{6}|\d{8}|\d{10}", "an HS code of 6, 8 or 10 digits", "6、8或10位纯数字的HS编码"),
]
HSHeading = Annotated[
    str,
    AfterValidator(lambda v: v.replace(".", "").replace(" ", "")),
    _format(r"\d{4}", "a 4-digit HS heading such as 3926", "4位海关税则号，如 3926"),
]
MaterialHS = Annotated[
    str,
    AfterValidator(lambda v: v.replace(".", "").replace(" ", "")),
    _format(
        r"\d{4}|\d{6}|\d{8}|\d{10}",
        "an HS code of 4, 6, 8 or 10 digits",
        "4、6、8或10位纯数字的HS编码",
    ),
]
CcpitCode = Annotated[
    str, _format(r"\d{6}", "the 6-digit CCPIT organisation code", "6位贸促会机构编码")
]
EnterpriseCode = Annotated[
    str, _format(r"\d{9}", "the 9-digit CCPIT enterprise code", "9位贸促会企业编码")
]
Iso3 = Annotated[
    str,
    _format(
        r"[A-Z]{3}",
        "an ISO 3166 alpha-3 country code such as KOR",
        "三位字母国家代码，如 KOR",
        upper=True,
    ),
]
CurrencyCode = Annotated[
    str,
    _format(
        r"[A-Z]{3}", "an ISO 4217 currency code such as USD", "三位字母币种代码，如 USD", upper=True
    ),
]
Locode = Annotated[
    str,
    _format(
        r"[A-Z]{2} ?[A-Z2-9]{3}",
        "a UN/LOCODE such as CNDLC",
        "联合国贸易地点代码，如 CNDLC",
        upper=True,
    ),
]
UnitCode = Annotated[
    str,
    _format(
        r"\d{3}",
        "a 3-digit customs unit code such as 035 (kilogram)",
        "3位海关计量单位代码，如 035（千克）",
    ),
]
CustomsDeclarationNumber = Annotated[
    str, _format(r"\d{18}", "an 18-digit customs declaration number", "18位报关单号")
]
CustomsCode = Annotated[
    str,
    _format(
        r"\d{4}", "a 4-digit customs office code such as 0900", "4位关区代码，如 0900（大连海关）"
    ),
]
EnterpriseCustomsCode = Annotated[
    str,
    _format(
        r"[0-9A-Z]{10}", "the 10-character enterprise customs code", "10位企业海关编码", upper=True
    ),
]

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
Text = Annotated[str, Field(max_length=4000)]
Name = Annotated[str, Field(max_length=400)]
OptionalDate = date | None


_EXPECTED: dict[str, tuple[str, str]] = {
    "missing": ("a value (the field is required)", "填写该项（必填）"),
    "string_type": ("text", "文本"),
    "string_too_long": ("at most {max_length} characters", "不超过{max_length}个字符"),
    "string_too_short": ("at least {min_length} characters", "至少{min_length}个字符"),
    "too_long": ("at most {max_length} items", "不超过{max_length}项"),
    "too_short": ("at least {min_length} item(s)", "至少{min_length}项"),
    "date_from_datetime_parsing": ("a date such as 2024-05-30", "日期，如 2024-05-30"),
    "date_parsing": ("a date such as 2024-05-30", "日期，如 2024-05-30"),
    "date_type": ("a date such as 2024-05-30", "日期，如 2024-05-30"),
    "decimal_parsing": ("a number", "数字"),
    "decimal_type": ("a number", "数字"),
    "greater_than_equal": ("a number ≥ {ge}", "不小于{ge}的数字"),
    "greater_than": ("a number > {gt}", "大于{gt}的数字"),
    "less_than_equal": ("a number ≤ {le}", "不大于{le}的数字"),
    "decimal_max_places": ("at most {decimal_places} decimal places", "最多{decimal_places}位小数"),
    "decimal_max_digits": ("at most {max_digits} digits", "最多{max_digits}位数字"),
    "int_parsing": ("a whole number", "整数"),
    "bool_parsing": ("true or false", "是或否"),
    "literal_error": ("one of {expected}", "以下之一：{expected}"),
    "enum": ("one of {expected}", "以下之一：{expected}"),
    "extra_forbidden": ("no such field", "不存在该字段"),
    "model_type": ("an object", "对象"),
    "list_type": ("a list", "列表"),
}


def field_errors(exc: pydantic.ValidationError | Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """pydantic's errors as ``FieldError``s: dotted field path, value, expected (zh/en).

    Takes a ``ValidationError`` or its ``errors()`` list (as FastAPI hands them over).
    """
    out: list[FieldError] = []
    errors = exc.errors(include_url=False) if isinstance(exc, pydantic.ValidationError) else exc
    for err in errors:
        path = ".".join(str(p) for p in err["loc"]) or "(model)"
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        kind = err["type"]
        nested = ctx.get("error")
        if kind == "json_invalid":
            # FastAPI could not parse the body; its loc is ("body", character position)
            at = err["loc"][-1] if len(err["loc"]) > 1 else 0
            out.append(
                FieldError(
                    str(err["loc"][0]) if err["loc"] else "body",
                    None,
                    f"a well-formed JSON document ({nested} at character {at})",
                    f"格式正确的 JSON 文档（第 {at} 个字符处有误：{nested}）",
                    kind,
                )
            )
            continue
        if isinstance(nested, ValidationFailed):
            # a nested DomainModel (pydantic calls its custom __init__) already translated
            prefix = f"{path}." if err["loc"] else ""
            out.extend(
                FieldError(prefix + e.field, e.value, e.expected_en, e.expected_zh, e.code)
                for e in nested.errors
            )
            continue
        if kind == "coo_format" or "expected_en" in ctx:
            en, zh = ctx["expected_en"], ctx["expected_zh"]
        elif kind == "value_error":
            en = zh = str(ctx.get("error", err["msg"]))
            if "|" in en:
                en, zh = (s.strip() for s in en.split("|", 1))
        elif kind in _EXPECTED:
            en_t, zh_t = _EXPECTED[kind]
            en, zh = en_t.format_map(_Lenient(ctx)), zh_t.format_map(_Lenient(ctx))
        else:
            en = zh = err["msg"]
        value = err.get("input") if kind != "missing" else None
        if kind == "value_error" and (not err["loc"] or isinstance(value, dict)):
            path, value, en, zh = _name_model_error(path, value, en, zh)
        out.append(FieldError(field=path, value=value, expected_en=en, expected_zh=zh, code=kind))
    return out


_FIELD_PREFIX_EN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.+)", re.S)
_FIELD_PREFIX_ZH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[：:]\s*(.+)", re.S)


def _name_model_error(path: str, data: Any, en: str, zh: str) -> tuple[str, Any, str, str]:
    """A model validator's ``bilingual("field: ...", "field：...")`` names its field: report it
    under that field with that field's value, not under ``(model)`` (or the nested model's
    path) with the whole input."""
    m_en = _FIELD_PREFIX_EN.fullmatch(en)
    if not m_en:
        return path, data, en, zh
    name, en = m_en[1], m_en[2]
    m_zh = _FIELD_PREFIX_ZH.fullmatch(zh)
    if m_zh and m_zh[1] == name:
        zh = m_zh[2]
    value = data.get(name) if isinstance(data, dict) else getattr(data, name, None)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return (name if path == "(model)" else f"{path}.{name}"), value, en, zh


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def bilingual(en: str, zh: str) -> ValueError:
    """A ``ValueError`` for a model validator, carrying both languages (``en | zh``)."""
    return ValueError(f"{en} | {zh}")


class DomainModel(BaseModel):
    """Base of every coo_lab model: bilingual errors, validated assignment, no unknown fields.

    Building or assigning a bad value raises ``ValidationFailed`` (a ``CooLabError`` and a
    ``ValueError``) listing every bad field at once.
    """

    model_config = ConfigDict(
        validate_assignment=True,
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        # a nested model given as an instance is copied, so a later edit of a base record
        # (exporter, importer…) never changes a certificate that carries it (SPEC §3)
        revalidate_instances="always",
    )
    _label: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data: Any) -> Any:
        """A blank form field means "not given" for optional formatted fields."""
        if isinstance(data, dict) and "" in data.values():
            fields = cls.model_fields
            data = {
                k: (None if v == "" and k in fields and fields[k].default is None else v)
                for k, v in data.items()
            }
        return data

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise ValidationFailed(field_errors(exc), model=type(self).__name__) from None

    # Only translates errors: pydantic-core may validate a nested model without calling it
    # (a call into Python per nested model cost a fifth of a request body's validation);
    # ``field_errors`` names the nested errors alike.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any):  # type: ignore[override]
        try:
            return super().model_validate(obj, **kwargs)
        except pydantic.ValidationError as exc:
            raise ValidationFailed(field_errors(exc), model=cls.__name__) from None

    def __setattr__(self, name: str, value: Any) -> None:
        fields = type(self).model_fields
        if value == "" and name in fields and fields[name].default is None:
            value = None
        try:
            super().__setattr__(name, value)
        except pydantic.ValidationError as exc:
            raise ValidationFailed(field_errors(exc), model=type(self).__name__) from None
