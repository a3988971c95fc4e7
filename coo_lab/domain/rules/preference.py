"""Origin rules: preferential goods come from approved filings with an accepted criterion;
general-CO processing declarations add up and show a substantial transformation."""

from __future__ import annotations

from decimal import Decimal

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.rules.base import CheckContext, Severity, rule

E, W = Severity.ERROR, Severity.WARNING


@rule(
    "CO-ORIGIN-001",
    "goods[].product_filing_number",
    E,
    needs=("approved_filings",),
    en="Each preferential goods line comes from a product filing approved for the agreement "
    "with the same HS code (6 digits)",
    zh="优惠证书的每条商品须来自该协定下已审核通过、HS编码（前6位）相同的商品备案",
)
def line_from_approved_filing(cert: Certificate, ctx: CheckContext):
    if not cert.preferential:
        return None
    hits = []
    for i, line in enumerate(cert.goods):
        filed = ctx.filed_products.get((cert.cert_type, line.hs_code[:6]))
        if not filed:
            hits.append(
                (
                    f"goods.{i}.product_filing_number",
                    f"HS {line.hs_code} has no product filing approved for {cert.cert_type}; "
                    "file the product (商品备案) and wait for approval",
                    f"HS编码 {line.hs_code} 没有 {cert.cert_type} 协定下审核通过的商品备案，"
                    "请先办理商品备案",
                )
            )
        elif line.product_filing_number and line.product_filing_number not in {
            number for number, _ in filed
        }:
            hits.append(
                (
                    f"goods.{i}.product_filing_number",
                    f"filing {line.product_filing_number!r} is not an approved "
                    f"{cert.cert_type} filing for HS {line.hs_code[:6]}",
                    f"备案号 {line.product_filing_number} 不是 HS {line.hs_code[:6]} 在 "
                    f"{cert.cert_type} 协定下已审核通过的备案",
                )
            )
    return hits


@rule(
    "CO-ORIGIN-002",
    "goods[].origin_criterion",
    E,
    en="Each preferential goods line carries an origin criterion its agreement accepts",
    zh="优惠证书的每条商品须填写该协定认可的原产地标准",
)
def criterion_accepted(cert: Certificate, ctx: CheckContext):
    agreement = cert.agreement
    if not agreement.preferential:
        return None
    accepted = ", ".join(agreement.criteria)
    return [
        (
            f"goods.{i}.origin_criterion",
            f"criterion {line.origin_criterion or '(blank)'!r} is not one {cert.cert_type} "
            f"accepts ({accepted})",
            f"原产地标准 “{line.origin_criterion or '空'}” 不是 {cert.cert_type} 认可的标准"
            f"（{accepted}）",
        )
        for i, line in enumerate(cert.goods)
        if not agreement.accepts_criterion(line.origin_criterion)
    ]


@rule(
    "CO-ORIGIN-003",
    "goods[].origin_criterion",
    E,
    needs=("approved_filings",),
    en="A preferential goods line carries the criterion its product filing was approved with",
    zh="优惠证书商品的原产地标准须与商品备案审核通过的标准一致",
)
def criterion_as_filed(cert: Certificate, ctx: CheckContext):
    if not cert.preferential:
        return None
    hits = []
    for i, line in enumerate(cert.goods):
        filed = ctx.filed_products.get((cert.cert_type, line.hs_code[:6]))
        if not filed or not line.origin_criterion:
            continue
        if line.product_filing_number:
            filed = [f for f in filed if f[0] == line.product_filing_number] or filed
        criteria = {c for _, c in filed if c}
        if criteria and line.origin_criterion not in criteria:
            shown = ", ".join(sorted(criteria))
            hits.append(
                (
                    f"goods.{i}.origin_criterion",
                    f"criterion {line.origin_criterion!r} differs from the filed {shown}",
                    f"原产地标准 {line.origin_criterion} 与备案的 {shown} 不一致",
                )
            )
    return hits


@rule(
    "CO-ORIGIN-004",
    "goods[].processing.declared_percentage",
    W,
    en="A processing declaration's ad-valorem percentage is sum(CIF) / delivery price",
    zh="加工工序的从价百分比应等于进口原料CIF合计÷交货单价",
)
def processing_percentage(cert: Certificate, ctx: CheckContext):
    hits = []
    for i, line in enumerate(cert.goods):
        proc = line.processing
        if proc is None or proc.declared_percentage is None:
            continue
        computed = proc.ad_valorem_percentage
        if computed is not None and abs(proc.declared_percentage - computed) >= 1:
            hits.append(
                (
                    f"goods.{i}.processing.declared_percentage",
                    f"declared {proc.declared_percentage}% but the materials give {computed}%",
                    f"填写的从价百分比 {proc.declared_percentage}% 与计算值 {computed}% 不符",
                )
            )
    return hits


@rule(
    "CO-ORIGIN-005",
    "goods[].processing",
    E,
    en="A general-CO product with imported materials of its own heading adds ≥ 30 % value "
    "(substantial transformation)",
    zh="一般原产地证产品如使用同品目进口原料，增值须不低于30%（实质性改变）",
)
def substantial_transformation(cert: Certificate, ctx: CheckContext):
    if cert.cert_type != "C":
        return None
    minimum = Decimal(str(cert.agreement.origin.value_added_min)).normalize()
    hits = []
    for i, line in enumerate(cert.goods):
        proc = line.processing
        if proc is None or not proc.imported_materials:
            continue
        same_heading = any(m.hs_heading == proc.hs_heading for m in proc.imported_materials)
        share = proc.imported_share
        if same_heading and share is not None and 100 - share < minimum:
            hits.append(
                (
                    f"goods.{i}.processing",
                    f"imported materials of heading {proc.hs_heading} make up {share}% of "
                    f"the delivery price; value added {100 - share}% is below {minimum:f}%",
                    f"使用同品目 {proc.hs_heading} 进口原料，占交货单价 {share}%，"
                    f"增值 {100 - share}% 低于 {minimum:f}%",
                )
            )
    return hits
