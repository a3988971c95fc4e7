"""Party rules (DOMAIN.md §5): user filing, hand-signer, exporter name, consignee."""

from __future__ import annotations

import re
from functools import lru_cache

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.rules.base import CheckContext, Severity, describe, review_lists, rule

E, W = Severity.ERROR, Severity.WARNING

_NOISE = re.compile(r"[^0-9A-Z\u4e00-\u9fff]+")


def same_name(a: str, b: str) -> bool:
    """Names compared as the reviewer reads them: case, spaces and punctuation aside."""
    return a == b or _name_key(a) == _name_key(b)


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    return _NOISE.sub("", name.upper())


@rule(
    "CO-PARTY-001",
    "enterprise_code",
    E,
    needs=("enterprise",),
    en="The enterprise has completed user filing (用户备案)",
    zh="企业须先完成用户备案",
)
def user_filing_done(cert: Certificate, ctx: CheckContext):
    if not ctx.enterprise.filed:
        return [
            (
                "enterprise_code",
                "user filing is required: link the account to its CCPIT registration "
                "(CCPIT code, enterprise code, hand-signer) before declaring",
                "请先完成用户备案（贸促会编码、企业编码、手签员）后再申报",
            )
        ]
    return None


@rule(
    "CO-PARTY-002",
    "enterprise_code",
    E,
    needs=("enterprise",),
    en="The certificate's enterprise and CCPIT codes are those of the registration",
    zh="证书的企业编码、贸促会编码须与备案一致",
)
def codes_match_registration(cert: Certificate, ctx: CheckContext):
    hits = []
    reg = ctx.enterprise
    if cert.enterprise_code != reg.enterprise_code:
        hits.append(
            (
                "enterprise_code",
                f"enterprise code {describe(cert.enterprise_code)} is not the registered "
                f"{reg.enterprise_code!r}",
                f"企业编码 {describe(cert.enterprise_code)} 与备案的 {reg.enterprise_code} 不一致",
            )
        )
    if cert.ccpit_code != reg.ccpit_code:
        hits.append(
            (
                "ccpit_code",
                f"CCPIT code {describe(cert.ccpit_code)} is not the registered {reg.ccpit_code!r}",
                f"贸促会编码 {describe(cert.ccpit_code)} 与备案的 {reg.ccpit_code} 不一致",
            )
        )
    return hits


@rule(
    "CO-PARTY-003",
    "hand_signer",
    E,
    needs=("enterprise",),
    en="The hand-signer is registered with the authority and not cancelled",
    zh="手签员须在贸促会备案且未注销",
)
def hand_signer_active(cert: Certificate, ctx: CheckContext):
    name = cert.hand_signer
    if not name or name in ctx.active_signers:
        return None  # a blank hand-signer is CO-REQ-001's to report
    if ctx.enterprise.hand_signer(name) is None:
        why_en, why_zh = f"{name!r} is not a registered hand-signer", f"{name} 不是已备案的手签员"
    else:
        why_en, why_zh = f"hand-signer {name!r} was cancelled", f"手签员 {name} 已注销"
    active = ", ".join(sorted(ctx.active_signers)) or "none"
    return [
        (
            "hand_signer",
            f"{why_en}; active hand-signers: {active}",
            f"{why_zh}；有效手签员：{active}",
        )
    ]


@rule(
    "CO-PARTY-004",
    "exporter.name_en",
    E,
    needs=("enterprise",),
    en="The exporter's English name matches the registered English name",
    zh="出口商英文名称须与贸促会登记的英文名称一致",
)
def exporter_is_registered(cert: Certificate, ctx: CheckContext):
    if cert.exporter is None:
        return None  # CO-REQ-001 reports the missing exporter
    if not same_name(cert.exporter.name_en, ctx.enterprise.name_en):
        return [
            (
                "exporter.name_en",
                f"exporter {cert.exporter.name_en!r} is not the registered name "
                f"{ctx.enterprise.name_en!r}",
                f"出口商 {cert.exporter.name_en} 与登记名称 {ctx.enterprise.name_en} 不一致",
            )
        ]
    return None


@rule(
    "CO-PARTY-005",
    "importer.name_en",
    E,
    en='The consignee is not blank ("TO ORDER" is allowed)',
    zh="收货人不得为空（可填写 TO ORDER）",
)
def consignee_present(cert: Certificate, ctx: CheckContext):
    if cert.importer is None or not cert.importer.name_en.strip():
        return [
            (
                "importer.name_en",
                "the consignee (box 2) is blank; name the importer or write TO ORDER",
                "收货人（第2栏）为空，请填写进口商或 TO ORDER",
            )
        ]
    return None


@rule(
    "CO-PARTY-006",
    "importer.country",
    E,
    en="An APTA consignee is the final consignee, not an intermediary in HK, Macao or Taiwan",
    zh="亚太贸易协定证书的收货人须为最终收货人，不得为港澳台中间商",
)
def apta_final_consignee(cert: Certificate, ctx: CheckContext):
    if cert.cert_type != "B" or cert.importer is None or cert.importer.country is None:
        return None
    if cert.importer.country in review_lists()["apta_consignee_excluded"]:
        return [
            (
                "importer.country",
                f"consignee {cert.importer.name_en!r} is in {cert.importer.country}; APTA "
                "needs the final consignee in the importing member",
                f"收货人 {cert.importer.name_en} 位于 {cert.importer.country}，"
                "亚太贸易协定须填写进口成员国的最终收货人",
            )
        ]
    return None


@rule(
    "CO-PARTY-007",
    "exporter.name_cn",
    E,
    en="An ECFA certificate names exporter and importer in Chinese",
    zh="海峡两岸（ECFA）证书须以中文填写出口商和进口商名称",
)
def ecfa_chinese_names(cert: Certificate, ctx: CheckContext):
    if cert.cert_type != "H":
        return None
    hits = []
    for role, party in (("exporter", cert.exporter), ("importer", cert.importer)):
        if party is not None and not party.name_cn.strip():
            hits.append(
                (
                    f"{role}.name_cn",
                    f"the ECFA form is filled in simplified Chinese: {role}.name_cn is blank",
                    f"ECFA 证书以简体中文填写：{role}.name_cn 为空",
                )
            )
    return hits
