"""Basic-info rules: required fields, destination, currency, duplicates, amend-reissue."""

from __future__ import annotations

from coo_lab.domain import codes
from coo_lab.domain.certificate import Certificate, CertificateCategory
from coo_lab.domain.rules.base import CheckContext, Severity, rule

E, W = Severity.ERROR, Severity.WARNING

REQUIRED: tuple[tuple[str, str, str], ...] = (
    ("invoice_number", "invoice number", "发票号"),
    ("invoice_date", "invoice date", "发票日期"),
    ("application_place", "application place", "申请地点"),
    ("application_date", "application date", "申请日期"),
    ("exporter", "exporter", "出口商"),
    ("importer", "importer (consignee)", "进口商（收货人）"),
    ("destination_country", "destination country", "目的国"),
    ("transport_route", "transport route", "运输路线"),
    ("fob_usd", "FOB value in USD", "FOB值（美元）"),
    ("hand_signer", "hand-signer", "手签员"),
)
"""The basic-info fields without which no certificate can be reviewed."""


@rule(
    "CO-REQ-001",
    "invoice_number, invoice_date, application_place, application_date, "
    "exporter, importer, destination_country, transport_route, fob_usd, hand_signer",
    E,
    en="The basic-info fields a reviewer needs are filled",
    zh="审核所需的基本信息已填写",
)
def required_fields(cert: Certificate, ctx: CheckContext):
    hits = []
    for name, en, zh in REQUIRED:
        value = getattr(cert, name)
        if value is None or value == "":
            hits.append((name, f"{en} is required", f"{zh}为必填项"))
    return hits


@rule(
    "CO-DEST-001",
    "destination_country",
    E,
    en="The destination country is a known country code",
    zh="目的国须为有效的国家代码",
)
def destination_known(cert: Certificate, ctx: CheckContext):
    dest = cert.destination_country
    if dest and codes.country(dest) is None:
        return [
            (
                "destination_country",
                f"{dest!r} is not a known ISO3 country code",
                f"{dest} 不是有效的国家代码",
            )
        ]
    return None


@rule(
    "CO-DEST-002",
    "destination_country",
    E,
    en="A preferential certificate goes to a partner of its agreement",
    zh="优惠原产地证的目的国须为该协定的成员",
)
def destination_is_partner(cert: Certificate, ctx: CheckContext):
    dest = cert.destination_country
    agreement = cert.agreement
    if not dest or not agreement.preferential or agreement.covers(dest):
        return None
    partners = ", ".join(sorted(agreement.partners))
    return [
        (
            "destination_country",
            f"{dest} is not a partner of {agreement.name_en} ({cert.cert_type}); partners: "
            f"{partners}",
            f"{dest} 不是{agreement.name_zh}（{cert.cert_type}）的成员；成员：{partners}",
        )
    ]


@rule(
    "CO-DEST-003",
    "destination_country",
    E,
    en="A general certificate is not issued for goods going to China",
    zh="一般原产地证的目的国不得为中国",
)
def general_not_to_china(cert: Certificate, ctx: CheckContext):
    if cert.cert_type == "C" and cert.destination_country == "CHN":
        return [
            (
                "destination_country",
                "the destination of a certificate of Chinese origin cannot be China",
                "一般原产地证目的国不能为中国",
            )
        ]
    return None


@rule(
    "CO-VALUE-001",
    "invoice_currency",
    E,
    en="The invoice currency is an ISO 4217 code",
    zh="发票币种须为有效的 ISO 4217 币种",
)
def currency_known(cert: Certificate, ctx: CheckContext):
    if codes.currency(cert.invoice_currency) is None:
        return [
            (
                "invoice_currency",
                f"{cert.invoice_currency!r} is not an ISO 4217 currency",
                f"{cert.invoice_currency} 不是有效币种",
            )
        ]
    return None


@rule(
    "CO-DUP-001",
    "invoice_number",
    E,
    needs=("used_invoices",),
    en="An invoice number is on one live certificate of a type only (split: -1, -2 …)",
    zh="同一发票号在同类型有效证书中只能使用一次（分批出运请加后缀 -1、-2）",
)
def invoice_not_reused(cert: Certificate, ctx: CheckContext):
    if cert.invoice_number and (cert.cert_type, cert.invoice_number) in ctx.used_invoices:
        return [
            (
                "invoice_number",
                f"invoice {cert.invoice_number!r} is already on a live {cert.cert_type} "
                "certificate; for a split shipment add a suffix such as -1, -2",
                f"发票号 {cert.invoice_number} 已用于有效的 {cert.cert_type} 证书，"
                "分批出运请加后缀如 -1、-2",
            )
        ]
    return None


@rule(
    "CO-REISSUE-001",
    "original_certificate_number",
    E,
    en="An amend-and-reissue certificate cites the original certificate number",
    zh="改证重发须注明原证书号",
)
def reissue_cites_original(cert: Certificate, ctx: CheckContext):
    if cert.category == CertificateCategory.AMEND_REISSUE and not cert.original_certificate_number:
        return [
            (
                "original_certificate_number",
                "the original certificate number is required for an amend-and-reissue",
                "改证重发须填写原证书号",
            )
        ]
    return None


@rule(
    "CO-REISSUE-002",
    "category",
    E,
    en="ASEAN (E) certificates are amended by hand on the original, not reissued",
    zh="中国-东盟（E）证书不办理改证重发，须在原证上更正",
)
def acfta_no_reissue(cert: Certificate, ctx: CheckContext):
    if cert.cert_type == "E" and cert.category == CertificateCategory.AMEND_REISSUE:
        return [
            (
                "category",
                "ACFTA requires changes to be made on the original certificate; "
                "amend-and-reissue is not available for Form E",
                "中国-东盟原产地证须在原证上更改，不能改证重发",
            )
        ]
    return None
