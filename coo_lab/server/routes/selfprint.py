"""Self-print (证书自助打印): the PDF of an approved certificate, the preview of any
certificate, the print log, and the public verification page its QR code opens."""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from coo_lab.printing import preview as render_preview
from coo_lab.printing import render
from coo_lab.server import certificates, selfprint, verification
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
from coo_lab.server.routes.common import RecordId

router = APIRouter(tags=["self-print"])
ERRORS_AS_JSON = {
    status: {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for status, text in (
        (401, "not logged in, or the token expired"),
        (403, "the role may not do this, or user filing is required first"),
        (404, "no such record (or not yours)"),
        (409, "the certificate's status does not allow it"),
        (422, "bad input: the fields, values and what was expected"),
        (429, "too many failed logins"),
    )
}
"""A binary route's errors are JSON all the same (FastAPI would document them in the
route's own media type)."""
PDF = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    **ERRORS_AS_JSON,
    503: {
        **ERRORS_AS_JSON[404],
        "description": "the Chinese font is missing (install Debian's fonts-noto-cjk)",
    },
}


class PdfResponse(Response):
    media_type = "application/pdf"


class PrintOut(BaseModel):
    """One print of a certificate (打印记录)."""

    id: int
    certificate_id: int
    certificate_number: str
    copy_no: int
    printed_by: str
    printed_at: datetime
    size: int
    sha256: str


class VerificationOut(BaseModel):
    """What the public may know about a certificate number."""

    certificate_number: str
    genuine: bool | None = Field(
        description="null when no check code was given: nothing is said about the number"
    )
    status: str | None
    cert_type: str | None
    cert_type_name_en: str | None
    cert_type_name_zh: str | None
    exporter: str | None
    destination: str | None
    issue_date: date | None
    message_en: str
    message_zh: str


def public_url(request: Request) -> str:
    """Where the public reaches this service: ``app.state.public_url`` if set, else
    ``COO_LAB_PUBLIC_URL``, else the address this request came to."""
    configured = getattr(request.app.state, "public_url", None)
    base = configured or os.environ.get("COO_LAB_PUBLIC_URL") or str(request.base_url)
    return base.rstrip("/")


def verification_url(request: Request, number: str, code: str) -> str:
    return f"{public_url(request)}/verify/{number}?code={code}"


def _pdf(content: bytes, filename: str, **headers: str) -> PdfResponse:
    return PdfResponse(
        content,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
            **headers,
        },
    )


@router.get(
    "/api/v1/certificates/{cert_id}/pdf",
    response_class=PdfResponse,
    responses=PDF,
    summary="Print an approved certificate (打印)",
)
def print_pdf(cert_id: RecordId, scope: WriterScope, db: DB, request: Request) -> Response:
    """The certificate in its form's layout, with its number and a QR code to the public
    verification page. Every call is a print: logged with who, when and the copy number
    (answered in `X-Copy-Number`); the first one moves the certificate to `printed`. A void
    certificate, or one not yet approved, answers 409."""
    with db.read() as tx:
        _row, cert = selfprint.printable(tx, scope.company_id, cert_id)
        issuer = selfprint.issuer(tx, cert)
        number = cert.certificate_number or ""
        url = verification_url(request, number, verification.check_code(tx, number))
    pdf = render(cert, verification_url=url, issuer=issuer)
    with db.transaction() as tx:
        entry = selfprint.record(tx, scope, cert_id, pdf)
    filename = f"{number.replace('/', '-')}.pdf"
    return _pdf(pdf, filename, **{"X-Copy-Number": str(entry["copy_no"])})


@router.get(
    "/api/v1/certificates/{cert_id}/preview",
    response_class=PdfResponse,
    responses=PDF,
    summary="Preview a certificate (预览)",
)
def preview(cert_id: RecordId, scope: EnterpriseScope, db: DB) -> Response:
    """Any certificate, in any status, in its form's layout, watermarked "DRAFT / 草稿",
    without a number or QR code. Nothing is logged."""
    with db.read() as tx:
        _row, cert = certificates.load(tx, scope.company_id, cert_id)
    return _pdf(render_preview(cert), f"preview-{cert.internal_number or cert_id}.pdf")


@router.get("/api/v1/certificates/{cert_id}/prints", response_model=list[PrintOut])
def prints(cert_id: RecordId, scope: EnterpriseScope, db: DB) -> list[dict]:
    """The print log of a certificate (打印记录), first copy first."""
    with db.read() as tx:
        return selfprint.log(tx, scope.company_id, cert_id)


@router.get(
    "/verify/{certificate_number:path}",
    response_model=VerificationOut,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
    tags=["public"],
    summary="Verify a certificate number (no login)",
)
def verify(
    certificate_number: Annotated[str, Path(max_length=200)],
    db: DB,
    code: Annotated[str | None, Query(max_length=40)] = None,
    format: Annotated[Literal["html", "json"] | None, Query()] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Whether a certificate is genuine, with its status, type, exporter, destination and
    issue date — nothing more. It takes the number and the check code printed with the
    certificate's QR code (`?code=`, in the code's own URL): without a code the answer says
    nothing of the number (`genuine: null`), and a wrong code answers as a number never
    issued (`genuine: false`). An HTML page, or JSON when asked (`?format=json` or
    `Accept: application/json`)."""
    with db.read() as tx:
        result = verification.verify(tx, certificate_number, code)
    wants_json = format == "json" or (
        format is None and "application/json" in (accept or "") and "text/html" not in accept
    )
    if wants_json:
        return JSONResponse(VerificationOut(**result).model_dump(mode="json"))
    return HTMLResponse(verification.page(result))
