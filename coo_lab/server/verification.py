"""The public verification of a certificate number (the page a printed QR code opens).

Anyone holding a printed certificate — a customs officer, a bank, the importer — may ask
whether its number is genuine. The answer says that, and the certificate's status, type,
exporter, destination and issue date: nothing more (no goods, no values, no consignee).
"""

from __future__ import annotations

import html
from typing import Any

from coo_lab.domain.agreements import agreement
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.codes import country
from coo_lab.domain.lifecycle import CertificateStatus
from coo_lab.server.db import Transaction

MAX_NUMBER = 40  # longer than any certificate number: not looked up at all

_VERDICTS = {
    CertificateStatus.APPROVED: ("valid: issued by the certifying authority", "有效：已签发"),
    CertificateStatus.PRINTED: ("valid: issued by the certifying authority", "有效：已签发"),
    CertificateStatus.VOID: (
        "NOT valid: this certificate has been cancelled",
        "无效：该证书已作废",
    ),
}


def normalise(number: str) -> str:
    return "".join(number.split()).upper()


def verify(tx: Transaction, number: str) -> dict[str, Any]:
    """What the public may know about a certificate number."""
    wanted = normalise(number)
    row = None
    if 0 < len(wanted) <= MAX_NUMBER and wanted.isprintable():  # never NUL and the like
        row = tx.one("SELECT status, doc FROM certificates WHERE certificate_number = ?", (wanted,))
    if row is None or row["status"] not in {s.value for s in _VERDICTS}:
        return {
            "certificate_number": wanted[:MAX_NUMBER],
            "genuine": False,
            "status": None,
            "cert_type": None,
            "cert_type_name_en": None,
            "cert_type_name_zh": None,
            "exporter": None,
            "destination": None,
            "issue_date": None,
            "message_en": "No certificate with this number has been issued: it is not genuine.",
            "message_zh": "未签发过该编号的证书：该证书不是真实证书。",
        }
    cert = Certificate.model_validate_json(row["doc"])
    status = CertificateStatus(row["status"])
    found = country(cert.destination_country) if cert.destination_country else None
    kind = agreement(cert.cert_type)
    verdict_en, verdict_zh = _VERDICTS[status]
    return {
        "certificate_number": cert.certificate_number,
        "genuine": True,
        "status": status.value,
        "cert_type": cert.cert_type,
        "cert_type_name_en": kind.name_en,
        "cert_type_name_zh": kind.name_zh,
        "exporter": cert.exporter.name_en if cert.exporter else "",
        "destination": found.route_name if found else (cert.destination_country or ""),
        "issue_date": cert.signing_date.isoformat() if cert.signing_date else None,
        "message_en": f"Genuine certificate, {verdict_en}.",
        "message_zh": f"真实证书，{verdict_zh}。",
    }


def page(result: dict[str, Any]) -> str:
    """The verification answer as a small bilingual HTML page (no scripts, no outside
    resources: it opens on any phone that scanned the code)."""
    e = html.escape
    rows = ""
    if result["genuine"]:
        fields = (
            ("证书编号 / Certificate No.", result["certificate_number"]),
            ("状态 / Status", result["status"]),
            ("证书类型 / Type", f"{result['cert_type_name_zh']} / {result['cert_type_name_en']}"),
            ("出口商 / Exporter", result["exporter"]),
            ("目的国 / Destination", result["destination"]),
            ("签发日期 / Issue date", result["issue_date"] or ""),
        )
        rows = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in fields)
    else:
        rows = (
            f"<tr><th>证书编号 / Certificate No.</th>"
            f"<td>{e(result['certificate_number'])}</td></tr>"
        )
    tone = "ok" if result["genuine"] and result["status"] != "void" else "bad"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>原产地证书验证 / Certificate of origin verification</title>
<style>
body{{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}}
.ok{{color:#0a6b2d}}.bad{{color:#b00020}}th{{text-align:left;padding:.3em 1em .3em 0}}
</style></head><body>
<h1>原产地证书验证<br><small>Certificate of origin verification</small></h1>
<p class="{tone}"><strong>{e(result["message_zh"])}</strong><br>{e(result["message_en"])}</p>
<table>{rows}</table>
</body></html>
"""
