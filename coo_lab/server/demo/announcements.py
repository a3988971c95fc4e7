"""The notices the CCPIT office has published (系统公告): what an enterprise user reads first
after logging in. Dated relative to the demo's last day; added once (a build that adds data
to an existing store does not repeat them)."""

from __future__ import annotations

from typing import Any

from coo_lab.server.demo.timeline import DAY, HOUR, MINUTE, iso

PUBLISHER = "大连市贸促会原产地证签证科 · CCPIT Dalian, certificate of origin desk"
# days before the demo's last day, title, body
NOTICES = (
    (
        2,
        "系统维护通知 · Scheduled maintenance",
        "原产地证申报系统将于本周六 22:00 至周日 02:00（北京时间）进行维护，期间暂停申报和自助"
        "打印；已暂存的证书不受影响。\n"
        "The declaration system is down for maintenance from Saturday 22:00 to Sunday 02:00 "
        "(China time): no submissions or self-printing meanwhile. Saved drafts are kept.",
    ),
    (
        21,
        "优惠原产地证书须使用已备案商品 · Preferential certificates need approved product filings",
        "申报优惠原产地证书时，每一项商品须来自该协定项下已审核通过的商品备案（备案号如 "
        "26K311120218/00007）；被退回的备案区域不能用于该协定的证书。\n"
        "Every goods line of a preferential certificate must come from a product filing "
        "approved for that agreement (e.g. 26K311120218/00007); an area that was returned "
        "cannot be used for that agreement.",
    ),
    (
        46,
        "自助打印须知 · Printing certificates yourself",
        "审核通过的证书可在原产地证查询页自助打印：请使用 A4 白纸，按 100% 比例打印，不得缩放。"
        "每次打印均有记录；证书上的二维码供进口国海关核验真伪。\n"
        "Approved certificates are printed from the query pages on plain white A4 paper at "
        "100 %, never scaled. Every print is logged; the QR code lets the importing country's "
        "customs verify the certificate.",
    ),
    (
        93,
        "中国—东盟（E 证）原产地标准填写提示 · Origin criteria on Form E",
        "E 证原产地标准栏填写 WO（完全获得）、PE（完全由原产材料生产）、区域价值成分百分比"
        "（不低于离岸价格的 40%）、CTH 或 PSR；补发证书须在装运后一年内申请，并勾选"
        "“Issued Retroactively”。\n"
        "Box 8 of Form E takes WO, PE, the regional value content as a percentage (at least "
        "40 % of the FOB value), CTH or PSR. A certificate issued after shipment must be "
        "asked for within one year and is marked 'Issued Retroactively'.",
    ),
)


def publish(tx: Any, end_us: int) -> None:
    """Write the notices not in the store yet."""
    for days, title, body in NOTICES:
        if tx.scalar("SELECT 1 FROM announcements WHERE title = ?", (title,)):
            continue
        at_us = end_us - days * DAY + HOUR + 30 * MINUTE  # 09:30 in China
        tx.insert(
            "announcements",
            {
                "title": title,
                "published_on": iso(at_us)[:10],
                "publisher": PUBLISHER,
                "body": body,
                "created_at": iso(at_us),
            },
        )
