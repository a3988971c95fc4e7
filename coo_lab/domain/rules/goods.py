"""Goods rules (DOMAIN.md §5): lines, HS codes, descriptions, marks, quantities, FOB."""

from __future__ import annotations

from decimal import Context, Decimal

from coo_lab.domain import codes
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.rules.base import CheckContext, Severity, review_lists, rule

E, W = Severity.ERROR, Severity.WARNING
CENT = Decimal("0.01")
_EXACT = Context(prec=50)  # 18-digit × 18-digit overflows the default 28 digits


@rule(
    "CO-GOODS-001",
    "goods",
    E,
    en="The certificate has at least one goods line",
    zh="证书至少有一条商品信息",
)
def has_goods(cert: Certificate, ctx: CheckContext):
    if not cert.goods:
        return [
            (
                "goods",
                "no goods lines: add at least one (save the basic info first)",
                "没有商品信息：请至少录入一条（先保存基本信息）",
            )
        ]
    return None


@rule(
    "CO-GOODS-002",
    "goods",
    E,
    en="The number of goods lines is within the form's cap",
    zh="商品条数不超过该证书类型的上限",
)
def line_cap(cert: Certificate, ctx: CheckContext):
    cap = cert.agreement.line_cap
    if cap and len(cert.goods) > cap:
        return [
            (
                "goods",
                f"{len(cert.goods)} goods lines; a {cert.cert_type} certificate "
                f"holds at most {cap} (split the shipment)",
                f"商品 {len(cert.goods)} 条，{cert.cert_type} 证书最多 {cap} 条（请拆分）",
            )
        ]
    return None


@rule(
    "CO-GOODS-003",
    "goods[].hs_code",
    E,
    en="Each HS code is in the HS 2022 nomenclature (first 6 digits)",
    zh="商品HS编码（前6位）须在HS 2022目录中",
)
def hs_in_nomenclature(cert: Certificate, ctx: CheckContext):
    return [
        (
            f"goods.{i}.hs_code",
            f"HS {line.hs_code} is not in the HS 2022 nomenclature "
            f"(subheading {line.hs_code[:6]} does not exist)",
            f"HS编码 {line.hs_code} 不在HS 2022目录中（子目 {line.hs_code[:6]} 不存在）",
        )
        for i, line in enumerate(cert.goods)
        if not codes.hs_exists(line.hs_code[:6])
    ]


def _bare(description: str) -> str:
    return description.strip().removesuffix("***").strip().upper()


@rule(
    "CO-GOODS-004",
    "goods[].description",
    E,
    en='Each description names the goods specifically (not just "PARTS", "GARMENT"…)',
    zh="货物描述须具体（不得仅写“PARTS”“GARMENT”等笼统名称）",
)
def description_specific(cert: Certificate, ctx: CheckContext):
    generic = review_lists()["generic_descriptions"]
    hits = []
    for i, line in enumerate(cert.goods):
        bare = _bare(line.description)
        if not bare:
            hits.append(
                (f"goods.{i}.description", "the goods description is blank", "货物描述为空")
            )
        elif bare in generic:
            hits.append(
                (
                    f"goods.{i}.description",
                    f"{bare!r} alone is too generic; say what the goods are "
                    '(e.g. "MEN\'S COTTON KNITTED T-SHIRTS")',
                    f"“{bare}”过于笼统，请具体描述货物（如 MEN'S COTTON KNITTED T-SHIRTS）",
                )
            )
    return hits


@rule(
    "CO-GOODS-005",
    "goods[].description",
    E,
    en='The end marker "***" closes the description (the form prints it when absent)',
    zh="结束符“***”只能位于货物描述末尾（未填写时打印自动添加）",
)
def description_end_marker(cert: Certificate, ctx: CheckContext):
    return [
        (
            f"goods.{i}.description",
            'text follows the "***" end marker; nothing may come after it on the form',
            "“***”结束符后还有文字，结束符须在描述末尾",
        )
        for i, line in enumerate(cert.goods)
        if "***" in line.description and not line.description.rstrip().endswith("***")
    ]


@rule(
    "CO-GOODS-006",
    "goods[].marks",
    E,
    en='Shipping marks are stated ("N/M" when none), never "AS PER INVOICE" or "AS PER B/L"',
    zh="唛头须如实填写（无唛头填 N/M），不得填写“AS PER INVOICE”“AS PER B/L”",
)
def marks_stated(cert: Certificate, ctx: CheckContext):
    forbidden = review_lists()["forbidden_marks"]
    hits = []
    for i, line in enumerate(cert.goods):
        marks = " ".join(line.marks.upper().split())
        if not marks and not line.mark_images:
            hits.append(
                (
                    f"goods.{i}.marks",
                    "shipping marks are blank; write N/M when the goods carry none",
                    "唛头为空，无唛头请填写 N/M",
                )
            )
        elif marks in forbidden:
            hits.append(
                (
                    f"goods.{i}.marks",
                    f"{marks!r} refers elsewhere; copy the marks themselves (or N/M)",
                    f"唛头不得填写“{marks}”，请填写实际唛头或 N/M",
                )
            )
    return hits


@rule(
    "CO-GOODS-007",
    "goods[].quantity",
    E,
    en="Quantities, weights and values are positive",
    zh="数量、重量和金额须为正数",
)
def positive_amounts(cert: Certificate, ctx: CheckContext):
    hits = []
    for i, line in enumerate(cert.goods):
        for name, en, zh in (("quantity", "quantity", "数量"), ("fob_usd", "FOB value", "FOB值")):
            value = getattr(line, name)
            if value is None or value <= 0:
                hits.append(
                    (
                        f"goods.{i}.{name}",
                        f"{en} must be greater than 0, got {'(blank)' if value is None else value}",
                        f"{zh}须大于0，当前为 {'空' if value is None else value}",
                    )
                )
        for name, en, zh in (
            ("net_weight", "net weight", "净重"),
            ("gross_weight", "gross weight", "毛重"),
            ("unit_price", "unit price", "单价"),
        ):
            value = getattr(line, name)
            if value is not None and value <= 0:
                hits.append(
                    (
                        f"goods.{i}.{name}",
                        f"{en} must be greater than 0, got {value}",
                        f"{zh}须大于0，当前为 {value}",
                    )
                )
    return hits


@rule(
    "CO-GOODS-008",
    "fob_usd",
    E,
    en="The certificate's FOB value equals the sum of the lines' FOB values (to the cent)",
    zh="证书FOB值须等于各商品FOB值之和（精确到分）",
)
def fob_adds_up(cert: Certificate, ctx: CheckContext):
    if cert.fob_usd is None or not cert.goods:
        return None
    total = cert.goods_fob_total()
    if cert.fob_usd.quantize(CENT) != total.quantize(CENT):
        return [
            (
                "fob_usd",
                f"FOB {cert.fob_usd} USD differs from the goods lines' total "
                f"{total.quantize(CENT)} USD",
                f"FOB值 {cert.fob_usd} 美元与商品合计 {total.quantize(CENT)} 美元不一致",
            )
        ]
    return None


@rule(
    "CO-GOODS-009",
    "goods[].unit",
    E,
    en="Each unit of quantity is a customs unit code",
    zh="计量单位须为海关计量单位代码",
)
def unit_known(cert: Certificate, ctx: CheckContext):
    hits = []
    for i, line in enumerate(cert.goods):
        for name in ("unit", "net_weight_unit"):
            code = getattr(line, name)
            if code is not None and codes.unit(code) is None:
                hits.append(
                    (
                        f"goods.{i}.{name}",
                        f"{code!r} is not a customs unit code",
                        f"{code} 不是海关计量单位代码",
                    )
                )
    return hits


@rule(
    "CO-GOODS-010",
    "goods[].amount",
    W,
    en="Each line's amount equals quantity × unit price (to the cent)",
    zh="商品金额应等于数量×单价（精确到分）",
)
def amount_adds_up(cert: Certificate, ctx: CheckContext):
    hits = []
    for i, line in enumerate(cert.goods):
        if line.amount is None or line.quantity is None or line.unit_price is None:
            continue
        product = _EXACT.multiply(line.quantity, line.unit_price)
        expected = product.quantize(CENT, context=_EXACT)
        if line.amount.quantize(CENT) != expected:
            hits.append(
                (
                    f"goods.{i}.amount",
                    f"amount {line.amount} differs from "
                    f"{line.quantity} × {line.unit_price} = {expected}",
                    f"金额 {line.amount} 与 {line.quantity}×{line.unit_price}={expected} 不符",
                )
            )
    return hits
