"""Certificate numbers (证书号) and internal numbers (统一编号), DOMAIN.md §3."""

from __future__ import annotations

import pytest

from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.numbers import (
    MAX_SERIAL,
    CertificateNumber,
    certificate_number,
    internal_number,
    parse_certificate_number,
)
from coo_lab.errors import CooLabError, ValidationFailed

ENT = "311120218"


def test_the_public_sample() -> None:
    assert certificate_number(2026, "C", ENT, 4) == "26C311120218/00004"
    parsed = parse_certificate_number("26C311120218/00004")
    assert parsed == CertificateNumber(2026, "C", ENT, 4)
    assert str(parsed) == "26C311120218/00004"


def test_two_letter_types() -> None:
    assert certificate_number(2024, "HM", ENT, 12) == "24HM311120218/00012"
    assert certificate_number(2030, "GE", ENT, 99999) == "30GE311120218/99999"
    assert parse_certificate_number("24HM311120218/00012").cert_type == "HM"
    assert parse_certificate_number("30GE311120218/99999").cert_type == "GE"
    # H and HM do not shadow each other
    assert parse_certificate_number("24H311120218/00012").cert_type == "H"


@pytest.mark.parametrize("cert_type", CERTIFICATE_TYPES)
@pytest.mark.parametrize("serial", [1, 42, MAX_SERIAL])
def test_round_trip(cert_type: str, serial: int) -> None:
    text = certificate_number(2025, cert_type, "210200001", serial)
    assert text.startswith(f"25{cert_type}210200001/")
    assert len(text) == 2 + len(cert_type) + 9 + 1 + 5
    parsed = parse_certificate_number(text)
    assert parsed == CertificateNumber(2025, cert_type, "210200001", serial)
    assert str(parsed) == text
    assert parsed.series == ("210200001", cert_type, 2025)


def test_years_at_the_edges() -> None:
    assert certificate_number(2000, "E", ENT, 1) == "00E311120218/00001"
    assert certificate_number(2099, "E", ENT, 1) == "99E311120218/00001"
    assert parse_certificate_number("00E311120218/00001").year == 2000
    assert parse_certificate_number("99E311120218/00001").year == 2099


def test_parse_is_lenient_about_case_and_spaces() -> None:
    assert parse_certificate_number(" 26hm311120218/00004 ") == CertificateNumber(
        2026, "HM", ENT, 4
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "26C31112021/00004",  # 8-digit enterprise code
        "26C3111202180/00004",  # 10-digit enterprise code
        "26C311120218/0004",  # 4-digit serial
        "26C311120218/000004",  # 6-digit serial
        "2026C311120218/00004",  # 4-digit year
        "6C311120218/00004",  # 1-digit year
        "26Z311120218/00004",  # unknown type
        "26CN311120218/00004",  # unknown type
        "26311120218/00004",  # no type
        "26C31112021800004",  # missing slash
        "26C311120218-00004",  # wrong separator
        "26C311120218/0000A",
        "26C311120218/00004/1",
        "AAC311120218/00004",
    ],
)
def test_malformed_number(text: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_certificate_number(text)
    exc = info.value
    assert isinstance(exc, CooLabError) and isinstance(exc, ValueError)
    (err,) = exc.errors
    assert err.field == "certificate_number"
    assert err.value == text
    assert "26C311120218/00004" in err.expected_en
    assert "26C311120218/00004" in err.expected_zh
    assert "certificate_number" in str(exc)


def test_none_is_malformed() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_certificate_number(None)  # type: ignore[arg-type]
    assert info.value.errors[0].field == "certificate_number"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": 2100}, "year"),
        ({"year": 26}, "year"),
        ({"cert_type": "Z"}, "cert_type"),
        ({"cert_type": ""}, "cert_type"),
        ({"enterprise_code": "31112021"}, "enterprise_code"),
        ({"enterprise_code": "3111202180"}, "enterprise_code"),
        ({"enterprise_code": "31112021A"}, "enterprise_code"),
        ({"enterprise_code": 311120218}, "enterprise_code"),
        ({"serial": 0}, "serial"),
        ({"serial": -1}, "serial"),
        ({"serial": MAX_SERIAL + 1}, "serial"),
        ({"year": "2026"}, "year"),
        ({"serial": "4"}, "serial"),
    ],
)
def test_bad_part_is_named(kwargs, field: str) -> None:
    args = {"year": 2026, "cert_type": "C", "enterprise_code": ENT, "serial": 4, **kwargs}
    with pytest.raises(ValidationFailed) as info:
        certificate_number(**args)
    (err,) = info.value.errors
    assert err.field == field
    assert err.value == kwargs[field]
    assert err.expected_en and err.expected_zh
    assert field in str(info.value)


def test_all_bad_parts_at_once() -> None:
    with pytest.raises(ValidationFailed) as info:
        certificate_number(1990, "ZZ", "123", 0)
    assert [e.field for e in info.value.errors] == [
        "year",
        "cert_type",
        "enterprise_code",
        "serial",
    ]
    assert info.value.model == "CertificateNumber"


def test_internal_number() -> None:
    assert internal_number(ENT, 2026, 1) == "311120218202600000001"
    assert internal_number(ENT, 2026, 12345678) == "311120218202612345678"
    assert len(internal_number(ENT, 2024, 7)) == 9 + 4 + 8
    # distinct sequences give distinct numbers
    assert len({internal_number(ENT, 2026, n) for n in range(1, 200)}) == 199
