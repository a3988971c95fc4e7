"""The public verification of a certificate number (the page a printed QR code opens).

Anyone holding a printed certificate — a customs officer, a bank, the importer — may ask
whether it is genuine. The answer says that, and the certificate's status, type, exporter,
destination and issue date: nothing more (no goods, no values, no consignee).

The question needs the certificate's number and its check code: eight characters derived
from the number with the store's secret key (``service_keys``), printed in the URL of the
QR code. Without the code nothing is said about the number, and a wrong code gets the same
answer as a number never issued; so the page cannot be walked through the numbers of a
series to list who exports what to where (the numbers are sequential).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
from typing import Any

from coo_lab.domain.agreements import agreement
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.codes import country
from coo_lab.domain.lifecycle import CertificateStatus
from coo_lab.server.db import Transaction

MAX_NUMBER = 40  # longer than any certificate number: not looked up at all
CODE_LENGTH = 8  # base32 characters: 40 bits

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


def check_code(tx: Transaction, number: str) -> str:
    """The check code of a certificate number (``K7Q2M9XD``): printed with its QR code."""
    key = tx.scalar("SELECT value FROM service_keys WHERE name = 'verification'")
    digest = hmac.new(str(key).encode(), normalise(number).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def _unanswered(number: str, genuine: bool | None, message_en: str, message_zh: str) -> dict:
    return {
        "certificate_number": number[:MAX_NUMBER],
        "genuine": genuine,
        "status": None,
        "cert_type": None,
        "cert_type_name_en": None,
        "cert_type_name_zh": None,
        "exporter": None,
        "destination": None,
        "issue_date": None,
        "message_en": message_en,
        "message_zh": message_zh,
    }


def verify(tx: Transaction, number: str, code: str | None) -> dict[str, Any]:
    """What the public may know about a certificate number with its check code."""
    wanted = normalise(number)
    plausible = 0 < len(wanted) <= MAX_NUMBER and wanted.isprintable()  # never NUL and such
    given = "".join((code or "").split()).upper()
    if not given:
        return _unanswered(
            wanted,
            None,
            "Give the check code printed with the certificate's QR code (the end of its web "
            "address): without it the service does not say whether a number was issued.",
            "请输入证书二维码网址末尾的校验码：没有校验码，系统不回答该编号是否签发过。",
        )
    row = None
    if plausible and hmac.compare_digest(given.encode(), check_code(tx, wanted).encode()):
        row = tx.one("SELECT status, doc FROM certificates WHERE certificate_number = ?", (wanted,))
    if row is None or row["status"] not in {s.value for s in _VERDICTS}:
        return _unanswered(
            wanted,
            False,
            "No certificate with this number and check code has been issued: it is not genuine.",
            "未签发过该编号和校验码的证书：该证书不是真实证书。",
        )
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
    resources: it opens on any phone that scanned the code); without a genuine answer, a
    form to type the check code."""
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
    tone = {None: "ask", False: "bad"}.get(result["genuine"], "bad")
    if result["genuine"] and result["status"] != "void":
        tone = "ok"
    ask = (
        ""
        if result["genuine"]
        else "<form method='get'><label>校验码 / Check code "
        f"<input name='code' maxlength='{CODE_LENGTH}' size='10' autocomplete='off' required>"
        "</label> <button>验证 / Verify</button></form>"
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>原产地证书验证 / Certificate of origin verification</title>
<style>
body{{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}}
.ok{{color:#0a6b2d}}.bad{{color:#b00020}}.ask{{color:#444}}
th{{text-align:left;padding:.3em 1em .3em 0}}
</style></head><body>
<h1>原产地证书验证<br><small>Certificate of origin verification</small></h1>
<p class="{tone}"><strong>{e(result["message_zh"])}</strong><br>{e(result["message_en"])}</p>
<table>{rows}</table>
{ask}
</body></html>
"""
