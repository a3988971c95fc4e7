"""The domain models: every field format of SPEC §3–§5, bilingual errors, model invariants."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

import coo_lab.samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import (
    Attachment,
    Certificate,
    GoodsLine,
    ImportedMaterial,
    ProcessingDeclaration,
)
from coo_lab.domain.events import Announcement, Receipt, Subscription
from coo_lab.domain.filing import FilingArea, Material, ProductFiling
from coo_lab.domain.formats import DomainModel, Locode
from coo_lab.domain.lifecycle import CertificateStatus, FilingStatus
from coo_lab.domain.parties import (
    EnterpriseFiling,
    Exporter,
    HandSigner,
    Importer,
    Producer,
    SpecialClause,
    UserFiling,
)
from coo_lab.errors import CooLabError, FieldError, ValidationFailed

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


class Port(DomainModel):
    """A throwaway model for the one format no shipped model uses directly."""

    port: Locode


# --- building one model with one field set ----------------------------------------------------

MATERIAL = {
    "hs_code": "7209",
    "name": "steel sheet",
    "origin_country": "KOR",
    "value": "30",
    "originating": False,
}

BASES: dict[str, tuple[type[DomainModel], dict[str, Any]]] = {
    "exporter": (Exporter, {"code": "EXP01", "name_en": "HAIXING TRADING"}),
    "importer": (Importer, {"code": "IMP01", "name_en": "BUSAN ELECTRONICS"}),
    "producer": (Producer, {"code": "PRD01", "name_en": "HAIXING MANUFACTURING"}),
    "clause": (SpecialClause, {"code": "SC01", "text": "THIRD-PARTY INVOICING"}),
    "user_filing": (
        UserFiling,
        {"ccpit_code": "210200", "enterprise_code": "311120218", "hand_signer": "王丹"},
    ),
    "certificate": (Certificate, {"cert_type": "C"}),
    "goods": (GoodsLine, {"hs_code": "851660"}),
    "imported": (ImportedMaterial, {"hs_heading": "3926", "cif_unit_price_usd": "0.85"}),
    "processing": (
        ProcessingDeclaration,
        {
            "hs_heading": "8516",
            "product_name": "OVEN",
            "delivery_unit_price": "10",
            "processing_steps": "assembly",
        },
    ),
    "material": (Material, dict(MATERIAL)),
    "port": (Port, {"port": "CNDLC"}),
}


def build(kind: str, field: str, value: Any) -> DomainModel:
    model, base = BASES[kind]
    return model(**{**base, field: value})


def test_every_base_builds() -> None:
    for kind, (model, base) in BASES.items():
        assert isinstance(model(**base), model), kind


GOOD: list[tuple[str, str, str, str]] = [
    # codes: 3–8 letters/digits (exporter 受益人编码, importer 客户编码, producer, clause)
    ("exporter", "code", "abc", "abc"),
    ("exporter", "code", "12345678", "12345678"),
    ("importer", "code", "IMPKOR01", "IMPKOR01"),
    ("producer", "code", "2019002", "2019002"),
    ("clause", "code", "TPI", "TPI"),
    # phone / fax: up to 20 digits and symbols
    ("exporter", "phone", "+86-411-82732333", "+86-411-82732333"),
    ("exporter", "phone", "1" * 20, "1" * 20),
    ("exporter", "fax", "(0411) 8273 2333#12", "(0411) 8273 2333#12"),
    ("importer", "phone2", "+82 51 123 4567", "+82 51 123 4567"),
    ("importer", "fax1", "0411-82732334", "0411-82732334"),
    # bank account: exactly 19 letters/digits
    ("importer", "bank_account", "MA10231223647829ABB", "MA10231223647829ABB"),
    ("importer", "bank_account", "6222021234567890123", "6222021234567890123"),
    # HS code: 6, 8 or 10 digits, dots and spaces stripped
    ("goods", "hs_code", "8516.60", "851660"),
    ("goods", "hs_code", "8516 60 00", "85166000"),
    ("goods", "hs_code", "8516.60.00.90", "8516600090"),
    ("goods", "hs_code", "851660", "851660"),
    # a material may be filed by heading
    ("material", "hs_code", "72.09", "7209"),
    ("material", "hs_code", "720916", "720916"),
    # HS heading: 4 digits (processing declaration)
    ("imported", "hs_heading", "39.26", "3926"),
    ("imported", "hs_heading", "3926", "3926"),
    ("processing", "hs_heading", "8516", "8516"),
    # CCPIT organisation code: 6 digits; enterprise code: 9 digits
    ("user_filing", "ccpit_code", "210200", "210200"),
    ("certificate", "ccpit_code", "210200", "210200"),
    ("user_filing", "enterprise_code", "311120218", "311120218"),
    ("certificate", "enterprise_code", "311120218", "311120218"),
    # e-mail
    ("exporter", "email", "export@haixing.example.cn", "export@haixing.example.cn"),
    ("importer", "email", "buyer.kim@busan-elec.co.kr", "buyer.kim@busan-elec.co.kr"),
    # ISO3, upper-cased
    ("importer", "country", "kor", "KOR"),
    ("certificate", "destination_country", "vnm", "VNM"),
    ("certificate", "departure_country", "CHN", "CHN"),
    ("material", "origin_country", "deu", "DEU"),
    # currency
    ("certificate", "invoice_currency", "usd", "USD"),
    ("certificate", "invoice_currency", "EUR", "EUR"),
    # UN/LOCODE
    ("port", "port", "cndlc", "CNDLC"),
    ("port", "port", "CN DLC", "CN DLC"),
    ("port", "port", "USLAX", "USLAX"),
    # customs unit code: 3 digits
    ("goods", "unit", "035", "035"),
    ("goods", "net_weight_unit", "011", "011"),
    # customs: declaration number 18 digits, office 4 digits, enterprise 10 characters
    ("certificate", "customs_declaration_number", "090020241000123456", "090020241000123456"),
    ("certificate", "exit_customs", "0900", "0900"),
    ("certificate", "enterprise_customs_code", "2102960abc", "2102960ABC"),
]


@pytest.mark.parametrize(
    ("kind", "field", "value", "stored"), GOOD, ids=[f"{k}.{f}={v!r}" for k, f, v, _ in GOOD]
)
def test_good_values_are_accepted_and_normalised(kind, field, value, stored) -> None:
    assert getattr(build(kind, field, value), field) == stored


BAD: list[tuple[str, str, str]] = [
    ("exporter", "code", "ab"),
    ("exporter", "code", "123456789"),
    ("exporter", "code", "ab-c"),
    ("importer", "code", "x"),
    ("producer", "code", "大连海兴"),
    ("clause", "code", "A B C"),
    ("exporter", "phone", "1" * 21),
    ("exporter", "phone", "+86-411-8273-2333-999"),  # 21 characters
    ("exporter", "phone", "+86-411-CALLME"),
    ("exporter", "fax", "fax 82732333"),
    ("importer", "phone1", "ext. 12"),
    ("importer", "bank_account", "MA1023122364782ABB"),  # 18
    ("importer", "bank_account", "MA10231223647829ABB1"),  # 20
    ("importer", "bank_account", "MA10231223647829-AB"),
    ("goods", "hs_code", "85166"),
    ("goods", "hs_code", "1234567"),
    ("goods", "hs_code", "123456789"),
    ("goods", "hs_code", "85166000001"),
    ("goods", "hs_code", "8516A0"),
    ("material", "hs_code", "720"),
    ("imported", "hs_heading", "392"),
    ("imported", "hs_heading", "392690"),
    ("processing", "hs_heading", "85A6"),
    ("user_filing", "ccpit_code", "21020"),
    ("user_filing", "ccpit_code", "2102000"),
    ("certificate", "ccpit_code", "21020A"),
    ("user_filing", "enterprise_code", "31112021"),
    ("certificate", "enterprise_code", "3111202180"),
    ("exporter", "email", "export.haixing.example.cn"),
    ("exporter", "email", "export@haixing"),
    ("importer", "email", "buyer kim@busan.co.kr"),
    ("importer", "country", "KO"),
    ("importer", "country", "K0R"),
    ("certificate", "destination_country", "KOREA"),
    ("material", "origin_country", "DE"),
    ("certificate", "invoice_currency", "US$"),
    ("certificate", "invoice_currency", "DOLLAR"),
    ("port", "port", "CN1"),
    ("port", "port", "CNDLCX"),
    ("port", "port", "C DLC"),
    ("goods", "unit", "35"),
    ("goods", "unit", "KGM"),
    ("goods", "net_weight_unit", "0350"),
    ("certificate", "customs_declaration_number", "09002024100012345"),  # 17
    ("certificate", "customs_declaration_number", "0900202410001234567"),  # 19
    ("certificate", "customs_declaration_number", "09002024100012345X"),
    ("certificate", "exit_customs", "900"),
    ("certificate", "enterprise_customs_code", "2102960AB"),
]


@pytest.mark.parametrize(("kind", "field", "value"), BAD, ids=[f"{k}.{f}={v!r}" for k, f, v in BAD])
def test_bad_value_names_field_value_and_expectation(kind, field, value) -> None:
    with pytest.raises(ValidationFailed) as info:
        build(kind, field, value)
    exc = info.value
    assert isinstance(exc, CooLabError)
    assert isinstance(exc, ValueError)
    assert exc.status_code == 422
    assert exc.model == BASES[kind][0].__name__
    assert len(exc.errors) == 1, exc.errors
    (err,) = exc.errors
    assert isinstance(err, FieldError)
    assert err.field == field
    assert err.value == value
    assert err.expected_en.strip()
    assert err.expected_zh.strip()
    assert HAN.search(err.expected_zh)
    text = str(exc)
    assert HAN.search(text) and LATIN_WORD.search(text)
    assert err.expected_en in text and err.expected_zh in text
    assert field in text
    assert exc.message_en != exc.message_zh


def test_field_error_to_dict_is_jsonable() -> None:
    with pytest.raises(ValidationFailed) as info:
        build("goods", "hs_code", "85166")
    data = info.value.to_dict()
    assert data["model"] == "GoodsLine"
    (err,) = data["errors"]
    assert err["field"] == "hs_code"
    assert err["value"] == "85166"
    assert err["code"] == "coo_format"
    assert "85166" in err["message_en"] and "85166" in err["message_zh"]


def test_required_code_cannot_be_blank() -> None:
    with pytest.raises(ValidationFailed) as info:
        Exporter(code="", name_en="X")
    assert [e.field for e in info.value.errors] == ["code"]


def test_missing_required_field_is_named() -> None:
    with pytest.raises(ValidationFailed) as info:
        Exporter(code="EXP01")
    (err,) = info.value.errors
    assert (err.field, err.code, err.value) == ("name_en", "missing", None)
    assert "required" in err.expected_en and "必填" in err.expected_zh


# --- several bad fields ------------------------------------------------------------------------


def test_every_bad_field_is_reported_at_once_with_nested_paths() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate(
            cert_type="C",
            exporter={"code": "ab-c", "name_en": "HAIXING"},
            importer={"code": "IMP01", "name_en": "X", "bank_account": "123"},
            goods=[
                {"hs_code": "851660"},
                {"hs_code": "85166"},
                {"hs_code": "851660", "unit": "KG"},
            ],
            invoice_currency="US$",
            invoice_date="30/05/2024",
        )
    exc = info.value
    fields = {e.field: e for e in exc.errors}
    assert set(fields) == {
        "exporter.code",
        "importer.bank_account",
        "goods.1.hs_code",
        "goods.2.unit",
        "invoice_currency",
        "invoice_date",
    }
    assert fields["exporter.code"].value == "ab-c"
    assert fields["goods.1.hs_code"].value == "85166"
    for name in fields:
        assert name in exc.message_en and name in exc.message_zh


def test_deeply_nested_path() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate(
            cert_type="C",
            goods=[
                {
                    "hs_code": "851660",
                    "processing": {
                        "hs_heading": "8516",
                        "product_name": "OVEN",
                        "delivery_unit_price": "10",
                        "processing_steps": "assembly",
                        "imported_materials": [
                            {"hs_heading": "3926", "cif_unit_price_usd": "1"},
                            {"hs_heading": "39", "cif_unit_price_usd": "1"},
                        ],
                    },
                }
            ],
        )
    assert [e.field for e in info.value.errors] == [
        "goods.0.processing.imported_materials.1.hs_heading"
    ]


def test_wrong_type_for_nested_model() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate(cert_type="C", exporter="HAIXING")
    (err,) = info.value.errors
    assert (err.field, err.code) == ("exporter", "model_type")


def test_model_validate_raises_validation_failed() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate.model_validate({"cert_type": "C", "goods": [{"hs_code": "1"}]})
    assert [e.field for e in info.value.errors] == ["goods.0.hs_code"]
    assert info.value.model == "Certificate"


# --- certificate type and transport mode ---------------------------------------------------------


@pytest.mark.parametrize("code", CERTIFICATE_TYPES)
def test_every_cert_type_is_accepted_in_any_case(code: str) -> None:
    assert Certificate(cert_type=code.lower()).cert_type == code


def test_unknown_cert_type() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate(cert_type="ZZ")
    (err,) = info.value.errors
    assert err.field == "cert_type" and err.value == "ZZ"
    assert "HM" in err.expected_en and "HM" in err.expected_zh


def test_transport_mode() -> None:
    assert Certificate(cert_type="C", transport_mode="air").transport_mode == "AIR"
    with pytest.raises(ValidationFailed) as info:
        Certificate(cert_type="C", transport_mode="CAMEL")
    assert [e.field for e in info.value.errors] == ["transport_mode"]


# --- assignment -------------------------------------------------------------------------------


def test_assignment_is_validated_and_keeps_the_old_value() -> None:
    cert = Certificate(cert_type="C", invoice_date="2024-05-30")
    with pytest.raises(ValidationFailed) as info:
        cert.invoice_date = "2024-13-40"
    (err,) = info.value.errors
    assert err.field == "invoice_date"
    assert err.value == "2024-13-40"
    assert cert.invoice_date == date(2024, 5, 30)


def test_assignment_converts_good_values() -> None:
    cert = Certificate(cert_type="C")
    cert.invoice_date = "2024-06-01"
    cert.destination_country = "kor"
    assert cert.invoice_date == date(2024, 6, 1)
    assert cert.destination_country == "KOR"


def test_assignment_on_nested_line() -> None:
    cert = Certificate(cert_type="C", goods=[{"hs_code": "851660"}])
    with pytest.raises(ValidationFailed) as info:
        cert.goods[0].hs_code = "85166"
    assert [e.field for e in info.value.errors] == ["hs_code"]
    assert cert.goods[0].hs_code == "851660"
    cert.goods[0].hs_code = "8516.60.90"
    assert cert.goods[0].hs_code == "85166090"


def test_assigning_unknown_field_is_refused() -> None:
    cert = Certificate(cert_type="C")
    with pytest.raises(ValidationFailed) as info:
        cert.colour = "red"
    assert [e.field for e in info.value.errors] == ["colour"]


# --- blanks -----------------------------------------------------------------------------------


def test_blank_optional_formatted_field_is_none() -> None:
    cert = Certificate(
        cert_type="C",
        exit_customs="",
        customs_declaration_number="",
        destination_country="",
        enterprise_code="",
    )
    assert cert.exit_customs is None
    assert cert.customs_declaration_number is None
    assert cert.destination_country is None
    assert cert.enterprise_code is None
    exporter = Exporter(code="EXP01", name_en="X", phone="", email="", fax="")
    assert (exporter.phone, exporter.email, exporter.fax) == (None, None, None)


def test_blank_assignment_clears_optional_field() -> None:
    cert = Certificate(cert_type="C", exit_customs="0900")
    cert.exit_customs = ""
    assert cert.exit_customs is None


def test_blank_plain_text_stays_blank() -> None:
    assert Certificate(cert_type="C", remarks="").remarks == ""


def test_surrounding_whitespace_is_stripped() -> None:
    assert Exporter(code="  EXP01 ", name_en=" HAIXING ").code == "EXP01"
    assert GoodsLine(hs_code=" 8516.60 ").hs_code == "851660"


# --- processing declaration --------------------------------------------------------------------


def _processing(materials: list[dict[str, str]], price: str = "10.00") -> ProcessingDeclaration:
    return ProcessingDeclaration(
        hs_heading="8516",
        product_name="ELECTRIC OVEN",
        delivery_unit_price=price,
        processing_steps="assembly",
        imported_materials=materials,
    )


def test_processing_declaration_takes_up_to_five_materials() -> None:
    five = [{"hs_heading": "3926", "cif_unit_price_usd": "0.10"}] * 5
    assert len(_processing(five).imported_materials) == 5
    with pytest.raises(ValidationFailed) as info:
        _processing([*five, {"hs_heading": "7209", "cif_unit_price_usd": "0.10"}])
    (err,) = info.value.errors
    assert err.field == "imported_materials"
    assert err.code == "too_long"
    assert "5" in err.expected_en and "5" in err.expected_zh


def test_ad_valorem_percentage_worked_example() -> None:
    decl = _processing(
        [
            {"hs_heading": "3926", "cif_unit_price_usd": "0.85"},
            {"hs_heading": "7209", "cif_unit_price_usd": "0.85"},
        ]
    )
    assert decl.ad_valorem_percentage == Decimal(17)


def test_ad_valorem_percentage_edges() -> None:
    assert _processing([]).ad_valorem_percentage == Decimal(0)
    assert (
        _processing(
            [{"hs_heading": "3926", "cif_unit_price_usd": "1"}], price="0"
        ).ad_valorem_percentage
        is None
    )
    # rounded half up to a whole percent
    assert _processing(
        [{"hs_heading": "3926", "cif_unit_price_usd": "0.125"}], price="1"
    ).ad_valorem_percentage == Decimal(13)


def test_processing_declaration_needs_name_and_steps() -> None:
    with pytest.raises(ValidationFailed) as info:
        ProcessingDeclaration(
            hs_heading="8516", product_name="", delivery_unit_price="1", processing_steps=""
        )
    assert {e.field for e in info.value.errors} == {"product_name", "processing_steps"}


def test_negative_money_is_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        ImportedMaterial(hs_heading="3926", cif_unit_price_usd="-1")
    (err,) = info.value.errors
    assert err.field == "cif_unit_price_usd" and err.code == "greater_than_equal"


# --- product filing ----------------------------------------------------------------------------


def _filing(areas: list[Any], materials: list[Any] | None = None) -> ProductFiling:
    return ProductFiling(
        hs_code="851660",
        name_en="ELECTRIC OVEN",
        materials=[MATERIAL] if materials is None else materials,
        areas=areas,
    )


def test_filing_needs_a_material_and_an_area() -> None:
    with pytest.raises(ValidationFailed) as info:
        _filing([{"agreement": "E"}], materials=[])
    assert [e.field for e in info.value.errors] == ["materials"]
    with pytest.raises(ValidationFailed) as info:
        _filing([])
    assert [e.field for e in info.value.errors] == ["areas"]
    with pytest.raises(ValidationFailed) as info:
        _filing([], materials=[])
    assert {e.field for e in info.value.errors} == {"materials", "areas"}


def test_ecfa_must_be_filed_alone() -> None:
    assert _filing([{"agreement": "H"}]).area("H") is not None
    with pytest.raises(ValidationFailed) as info:
        _filing([{"agreement": "E"}, {"agreement": "H"}])
    exc = info.value
    (err,) = exc.errors
    assert err.field == "areas"
    assert "H" in err.expected_en and "filed alone" in err.expected_en
    assert "H" in err.expected_zh and "单独备案" in err.expected_zh
    assert "filed alone" in str(exc) and "单独备案" in str(exc)


def test_filing_area_named_twice() -> None:
    with pytest.raises(ValidationFailed) as info:
        _filing([{"agreement": "E"}, {"agreement": "K"}, {"agreement": "e"}])
    (err,) = info.value.errors
    assert err.field == "areas"
    assert "once" in err.expected_en and "一次" in err.expected_zh


def test_general_co_is_not_a_filing_area() -> None:
    with pytest.raises(ValidationFailed) as info:
        _filing([{"agreement": "C"}])
    (err,) = info.value.errors
    assert err.field == "areas"
    assert "(C)" in err.expected_en and "C" in err.expected_zh


def test_unknown_filing_area() -> None:
    with pytest.raises(ValidationFailed) as info:
        _filing([{"agreement": "ZZ"}])
    assert [e.field for e in info.value.errors] == ["areas.0.agreement"]


def test_bad_material_is_named_by_path() -> None:
    with pytest.raises(ValidationFailed) as info:
        _filing([{"agreement": "E"}], materials=[MATERIAL, {**MATERIAL, "origin_country": "X"}])
    assert [e.field for e in info.value.errors] == ["materials.1.origin_country"]


def test_approved_for() -> None:
    filing = _filing(
        [
            FilingArea(agreement="E", status=FilingStatus.APPROVED, filing_number="26E311120218/1"),
            FilingArea(agreement="K", status=FilingStatus.SUBMITTED),
            {"agreement": "a", "status": "returned"},
        ]
    )
    assert filing.approved_for("E")
    assert not filing.approved_for("K")
    assert not filing.approved_for("A")
    assert not filing.approved_for("B")
    assert filing.area("A").status == FilingStatus.RETURNED
    assert filing.area("B") is None
    assert filing.area("E").filing_number == "26E311120218/1"


def test_material_non_originating() -> None:
    material = Material(**MATERIAL)
    assert material.non_originating
    assert not Material(**{**MATERIAL, "originating": True}).non_originating


def test_sample_filings_are_valid_and_ecfa_alone() -> None:
    filings = coo_lab.samples.product_filings()
    assert filings
    for f in filings:
        codes = [a.agreement for a in f.areas]
        assert "C" not in codes
        assert "H" not in codes or codes == ["H"]


# --- parties ---------------------------------------------------------------------------------


def test_enterprise_filing_hand_signers() -> None:
    ent = EnterpriseFiling(
        enterprise_code="311120218",
        ccpit_code="210200",
        name_en="HAIXING",
        hand_signers=[HandSigner(name="王丹"), {"name": "张伟", "status": "cancelled"}],
    )
    assert ent.hand_signer(" 王丹 ").active
    assert not ent.hand_signer("张伟").active
    assert ent.hand_signer("李明") is None
    assert ent.hand_signer("") is None
    assert ent.active_signer_names() == frozenset({"王丹"})


def test_enterprise_filing_formats() -> None:
    with pytest.raises(ValidationFailed) as info:
        EnterpriseFiling(enterprise_code="31112021", ccpit_code="2102", name_en="")
    assert {e.field for e in info.value.errors} == {"enterprise_code", "ccpit_code", "name_en"}


def test_hand_signer_status() -> None:
    with pytest.raises(ValidationFailed) as info:
        HandSigner(name="王丹", status="retired")
    (err,) = info.value.errors
    assert err.field == "status" and err.code == "enum"
    with pytest.raises(ValidationFailed):
        HandSigner(name="")


def test_user_filing_needs_hand_signer() -> None:
    with pytest.raises(ValidationFailed) as info:
        UserFiling(ccpit_code="210200", enterprise_code="311120218", hand_signer="")
    assert [e.field for e in info.value.errors] == ["hand_signer"]


def test_special_clause_needs_text() -> None:
    with pytest.raises(ValidationFailed) as info:
        SpecialClause(code="SC01", text="")
    assert [e.field for e in info.value.errors] == ["text"]


# --- events ----------------------------------------------------------------------------------

TARGETS = {
    "sms": ("phone", "13800138000"),
    "email": ("email", "ops@haixing.example.cn"),
    "webhook": ("webhook_url", "https://hooks.example.com/coo"),
    "wechat": ("wechat_openid", "oAbC123xyz"),
}


@pytest.mark.parametrize("channel", sorted(TARGETS))
def test_subscription_channel_needs_its_target(channel: str) -> None:
    field, value = TARGETS[channel]
    sub = Subscription(mode="enterprise", channel=channel, **{field: value})
    assert getattr(sub, field) == value
    assert sub.active
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="enterprise", channel=channel)
    (err,) = info.value.errors
    assert err.field == field
    assert channel in err.expected_en and channel in err.expected_zh
    assert HAN.search(str(info.value))


@pytest.mark.parametrize("channel", sorted(TARGETS))
def test_subscription_other_target_does_not_do(channel: str) -> None:
    field, _ = TARGETS[channel]
    others = {f: v for c, (f, v) in TARGETS.items() if c != channel}
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="person", channel=channel, **others)
    assert [e.field for e in info.value.errors] == [field]


def test_webhook_must_be_http() -> None:
    assert Subscription(mode="enterprise", channel="webhook", webhook_url="http://x.test/h")
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="enterprise", channel="webhook", webhook_url="ftp://x.test/h")
    (err,) = info.value.errors
    assert err.field == "webhook_url"
    assert err.value == "ftp://x.test/h"
    assert "http" in err.expected_en and "http" in err.expected_zh


def test_subscription_target_format_is_checked() -> None:
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="enterprise", channel="sms", phone="call me")
    assert [e.field for e in info.value.errors] == ["phone"]
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="enterprise", channel="email", email="nobody")
    assert [e.field for e in info.value.errors] == ["email"]


def test_subscription_by_document_needs_number() -> None:
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="document", channel="sms", phone="13800138000")
    (err,) = info.value.errors
    assert err.field == "document_number"
    assert HAN.search(err.expected_zh)
    sub = Subscription(
        mode="document",
        channel="sms",
        phone="13800138000",
        document_number="26C311120218/00004",
        content="product_filing",
    )
    assert sub.document_number == "26C311120218/00004"


def test_subscription_unknown_mode_and_channel() -> None:
    with pytest.raises(ValidationFailed) as info:
        Subscription(mode="weekly", channel="pigeon")
    assert {e.field for e in info.value.errors} == {"mode", "channel"}


def test_receipt_and_announcement() -> None:
    receipt = Receipt(
        document_id=1,
        from_status="draft",
        to_status="submitted",
        actor="op1",
        at=datetime(2024, 5, 30, 9, 0),
        findings=[{"code": "CO-DATE-001"}],
    )
    assert receipt.kind == "certificate"
    with pytest.raises(ValidationFailed) as info:
        Receipt(document_id="x", to_status="submitted", actor="op1", at="yesterday")
    assert {e.field for e in info.value.errors} == {"document_id", "at"}
    note = Announcement(title="系统升级通知", published_on="2019-08-01", publisher="辽宁单一窗口")
    assert note.published_on == date(2019, 8, 1)
    with pytest.raises(ValidationFailed) as info:
        Announcement(title="", published_on="2019-08-01", publisher="")
    assert {e.field for e in info.value.errors} == {"title", "publisher"}


def test_attachment() -> None:
    assert Attachment(name="invoice.pdf", size=1024).content_type == "application/octet-stream"
    with pytest.raises(ValidationFailed) as info:
        Attachment(name="", size=-1)
    assert {e.field for e in info.value.errors} == {"name", "size"}


# --- round trip and samples ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def filings() -> list[ProductFiling]:
    return coo_lab.samples.product_filings()


@pytest.mark.parametrize("cert_type", CERTIFICATE_TYPES)
def test_sample_round_trips_through_json(cert_type: str, filings) -> None:
    cert = coo_lab.samples.certificate(cert_type, filings=filings)
    assert cert.cert_type == cert_type
    assert cert.status == CertificateStatus.DRAFT
    assert cert.goods
    data = cert.model_dump(mode="json")
    again = Certificate.model_validate(data)
    assert again == cert
    assert Certificate.model_validate_json(cert.model_dump_json()) == cert
    assert again.model_dump(mode="json") == data


@pytest.mark.parametrize("cert_type", CERTIFICATE_TYPES)
def test_sample_properties(cert_type: str, filings) -> None:
    cert = coo_lab.samples.certificate(cert_type, filings=filings)
    assert cert.agreement.code == cert_type
    assert cert.preferential == (cert_type != "C")
    assert cert.goods_fob_total() == cert.fob_usd
    assert cert.agreement.covers(cert.destination_country)


def test_certificate_keeps_its_own_copy_of_base_data() -> None:
    exporter = Exporter(code="EXP01", name_en="HAIXING")
    cert = Certificate(cert_type="C", exporter=exporter)
    exporter.name_en = "RENAMED"
    assert cert.exporter.name_en == "HAIXING"


def test_goods_fob_total_ignores_blank_lines() -> None:
    cert = Certificate(
        cert_type="C", goods=[{"hs_code": "851660", "fob_usd": "10.50"}, {"hs_code": "851660"}]
    )
    assert cert.goods_fob_total() == Decimal("10.50")


# --- unknown fields ----------------------------------------------------------------------------


def test_unknown_field_is_named() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate(cert_type="C", colour="red")
    (err,) = info.value.errors
    assert (err.field, err.value, err.code) == ("colour", "red", "extra_forbidden")
    assert "colour" in str(info.value)


def test_unknown_nested_field_is_named() -> None:
    with pytest.raises(ValidationFailed) as info:
        Certificate(
            cert_type="C",
            goods=[{"hs_code": "851660", "colour": "red"}],
            exporter={"code": "EXP01", "name_en": "X", "vat": "1"},
        )
    assert {e.field for e in info.value.errors} == {"goods.0.colour", "exporter.vat"}
