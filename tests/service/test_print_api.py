"""Self-print through the service (SPEC §7): the PDF of an approved certificate and its print
log, the preview, the refusal to print a void certificate, the public verification page, and
supporting documents (upload with type and size limits, list, download, delete).
"""

from __future__ import annotations

import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pdf_boxes import box, pages, text, within
from PIL import Image

from coo_lab import Client, samples
from coo_lab.domain.certificate import NOT_BASIC_INFO
from coo_lab.errors import Conflict, ValidationFailed
from coo_lab.printing import fonts
from coo_lab.printing.forms import form
from coo_lab.server import verification

from . import store

V1 = "/api/v1"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 30, 200)).save(out, format="JPEG")
    return out.getvalue()


def made_by_the_form(shown: dict[str, Any]) -> set[str]:
    """The fields of a shown certificate a basic-info body carries."""
    view_only = {"findings", "print_count", "void_reason", "original_id"}
    return set(shown) - NOT_BASIC_INFO - view_only


def draft(client, cert_type: str = "C", **change: Any) -> dict[str, Any]:
    cert = samples.certificate(cert_type)
    body = {**cert.model_dump(mode="json", exclude=NOT_BASIC_INFO), **change}
    r = client.post(f"{V1}/certificates", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    goods = cert.model_dump(mode="json")["goods"]
    r = client.put(
        f"{V1}/certificates/{created['id']}/goods",
        json={"goods": goods},
        headers={"If-Match": str(created["version"])},
    )
    assert r.status_code == 200, r.text
    return r.json()


def approved(api, cert_type: str = "C") -> dict[str, Any]:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    cert = draft(op, cert_type)
    assert op.post(f"{V1}/certificates/{cert['id']}/submit").json()["status"] == "submitted"
    r = reviewer.post(f"{V1}/review/certificates/{cert['id']}/approve")
    assert r.json()["status"] == "approved", r.text
    return r.json()


def upload(client, cert_id: int, content: bytes, name: str = "invoice.pdf", **headers):
    return client.post(
        f"{V1}/certificates/{cert_id}/documents",
        files={"file": (name, content, "application/octet-stream")},
        headers=headers,
    )


# --------------------------------------------------------------------------- printing


def test_printing_an_approved_certificate_logs_every_copy(api) -> None:
    cert = approved(api, "K")
    op = api.as_("hx_operator")
    number = cert["certificate_number"]
    r = op.get(f"{V1}/certificates/{cert['id']}/pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["X-Copy-Number"] == "1"
    assert number.replace("/", "-") in r.headers["content-disposition"]
    f = form("K")
    (page,) = pages(r.content)
    header = within(page, f.header)
    assert number in header
    url = f"http://testserver/verify/{number}?code={check_code(api, number)}"
    assert url in header.replace("\n", "")  # the service's own address, the check code
    assert box(page, f, "1").startswith(samples.EXPORTER.name_en)
    assert "CCPIT DALIAN" in box(page, f, "14")  # the office that certified it
    assert "王丹" in box(page, f, "13")

    after = op.get(f"{V1}/certificates/{cert['id']}").json()
    assert after["status"] == "printed" and after["print_count"] == 1
    assert after["version"] == cert["version"] + 1
    last = op.get(f"{V1}/certificates/{cert['id']}/receipts").json()[0]
    assert (last["from_status"], last["to_status"], last["actor"]) == (
        "approved",
        "printed",
        "hx_operator",
    )

    admin = api.as_("hx_admin")
    again = admin.get(f"{V1}/certificates/{cert['id']}/pdf")
    assert again.headers["X-Copy-Number"] == "2"
    assert again.content == r.content  # a reprint is the same document
    log = op.get(f"{V1}/certificates/{cert['id']}/prints").json()
    assert [(x["copy_no"], x["printed_by"]) for x in log] == [(1, "hx_operator"), (2, "hx_admin")]
    assert {x["sha256"] for x in log} == {hashlib.sha256(r.content).hexdigest()}
    assert all(x["certificate_number"] == number and x["size"] == len(r.content) for x in log)
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["print_count"] == 2
    feed = op.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()["changes"]
    assert [c["data"]["copy_no"] for c in feed if c["entity"] == "print"] == [1, 2]


def test_the_verification_url_comes_from_configuration(api, monkeypatch) -> None:
    cert = approved(api)
    op = api.as_("hx_operator")
    number = cert["certificate_number"]
    monkeypatch.setenv("COO_LAB_PUBLIC_URL", "https://coo.example.cn/")
    r = op.get(f"{V1}/certificates/{cert['id']}/pdf")
    expected = f"https://coo.example.cn/verify/{number}?code={check_code(api, number)}"
    assert expected in within(pages(r.content)[0], form("C").header).replace("\n", "")
    api.client.app.state.public_url = "https://verify.example.org"  # an explicit setting wins
    r = op.get(f"{V1}/certificates/{cert['id']}/pdf")
    expected = f"https://verify.example.org/verify/{number}?code={check_code(api, number)}"
    assert expected in within(pages(r.content)[0], form("C").header).replace("\n", "")


def test_a_void_certificate_cannot_be_printed_but_can_be_previewed(api, db_path) -> None:
    cert = approved(api, "A")
    op = api.as_("hx_operator")
    assert op.get(f"{V1}/certificates/{cert['id']}/pdf").status_code == 200
    r = op.post(f"{V1}/certificates/{cert['id']}/void", json={"reason": "wrong consignee"})
    assert r.json()["status"] == "void"
    before = store.scalar(db_path, "SELECT COUNT(*) FROM print_log")
    r = op.get(f"{V1}/certificates/{cert['id']}/pdf")
    assert r.status_code == 409, r.text
    body = r.json()
    assert "void" in body["message_en"] and "wrong consignee" in body["message_en"]
    assert "已作废" in body["message_zh"]
    after = store.scalar(db_path, "SELECT COUNT(*) FROM print_log")
    assert before == after
    shown = op.get(f"{V1}/certificates/{cert['id']}").json()
    assert shown["print_count"] == 1 and shown["status"] == "void"
    preview = op.get(f"{V1}/certificates/{cert['id']}/preview")
    assert preview.status_code == 200 and "DRAFT / 草稿" in text(preview.content)


def test_a_draft_is_previewed_not_printed(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op, "E")
    r = op.get(f"{V1}/certificates/{cert['id']}/pdf")
    assert r.status_code == 409 and "preview" in r.json()["message_en"], r.text
    r = op.get(f"{V1}/certificates/{cert['id']}/preview")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "X-Copy-Number" not in r.headers
    (page,) = pages(r.content)
    assert "DRAFT / 草稿" in text(r.content)
    assert box(page, form("E"), "1").startswith(samples.EXPORTER.name_en)
    assert op.get(f"{V1}/certificates/{cert['id']}/prints").json() == []
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["version"] == cert["version"]
    bare = op.post(f"{V1}/certificates", json={"cert_type": "H"}).json()
    assert op.get(f"{V1}/certificates/{bare['id']}/preview").status_code == 200


def test_a_manager_may_preview_but_not_print(api) -> None:
    cert = approved(api)
    manager = api.as_("hx_manager")
    assert manager.get(f"{V1}/certificates/{cert['id']}/pdf").status_code == 403
    assert manager.get(f"{V1}/certificates/{cert['id']}/preview").status_code == 200
    assert manager.get(f"{V1}/certificates/{cert['id']}/prints").json() == []


# --------------------------------------------------------------------------- verification


def check_code(api, number: str) -> str:
    with api.client.app.state.db.read() as tx:
        return verification.check_code(tx, number)


def test_the_verification_page_says_what_the_public_may_know(api) -> None:
    cert = approved(api, "E")
    number = cert["certificate_number"]
    code = check_code(api, number)
    assert len(code) == 8 and code.isalnum() and code.isupper()
    public = api.client  # no login
    public.params = {"code": code}
    r = public.get(f"/verify/{number}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert number in r.text and "真实证书" in r.text and "HAI PHONG" not in r.text
    assert samples.EXPORTER.name_en in r.text and "VIETNAM" in r.text
    r = public.get(f"/verify/{number}", params={"format": "json"})
    assert r.json() == {
        "certificate_number": number,
        "genuine": True,
        "status": "approved",
        "cert_type": "E",
        "cert_type_name_en": "ASEAN–China FTA (ACFTA)",
        "cert_type_name_zh": "中国-东盟自贸协定",
        "exporter": samples.EXPORTER.name_en,
        "destination": "VIETNAM",
        "issue_date": cert["signing_date"],
        "message_en": "Genuine certificate, valid: issued by the certifying authority.",
        "message_zh": "真实证书，有效：已签发。",
    }
    lower = public.get(
        f"/verify/{number.lower()}",
        params={"code": code.lower()},
        headers={"Accept": "application/json"},
    )
    assert lower.json()["genuine"] is True
    op = api.as_("hx_operator")
    op.post(f"{V1}/certificates/{cert['id']}/void", json={"reason": "cancelled"})
    void = public.get(f"/verify/{number}", params={"format": "json"}).json()
    assert void["genuine"] is True and void["status"] == "void"
    assert "NOT valid" in void["message_en"] and "已作废" in void["message_zh"]


@pytest.mark.parametrize(
    "number",
    ["26E311120218/99999", "not-a-number", "<script>alert(1)</script>", "x" * 150, "%00", "/"],
)
def test_an_unknown_number_is_said_to_be_not_genuine(api, number: str) -> None:
    code = check_code(api, number)  # even with its own valid code
    r = api.client.get(f"/verify/{number}", params={"format": "json", "code": code})
    assert r.status_code == 200, r.text
    assert r.json()["genuine"] is False and r.json()["status"] is None
    assert "not genuine" in r.json()["message_en"]
    page = api.client.get(f"/verify/{number}", params={"code": code})
    assert page.status_code == 200 and "<script>alert" not in page.text


def test_a_draft_s_internal_number_is_not_a_certificate(api) -> None:
    number = draft(api.as_("hx_operator"))["internal_number"]
    r = api.client.get(
        f"/verify/{number}", params={"format": "json", "code": check_code(api, number)}
    )
    assert r.json()["genuine"] is False


def test_without_the_check_code_nothing_is_said_about_a_number(api) -> None:
    """Certificate numbers are sequential: a page that answered any number could be walked
    through a series to list every exporter, destination and date."""
    issued = approved(api, "K")["certificate_number"]
    never = issued[:-5] + f"{int(issued[-5:]) + 1:05d}"  # the next number of the series
    answers = {}
    for number in (issued, never):
        for code in (None, "", "AAAAAAAA", check_code(api, never)):
            r = api.client.get(f"/verify/{number}", params={"format": "json", "code": code})
            answer = r.json()
            assert answer.pop("certificate_number") == number
            answers[number, code or None] = answer
    assert answers[issued, None] == answers[never, None]
    assert (
        answers[issued, None]["genuine"] is None
        and "check code" in answers[issued, None]["message_en"]
    )
    assert "校验码" in answers[issued, None]["message_zh"]
    wrong = answers[issued, "AAAAAAAA"]
    assert wrong["genuine"] is False and wrong["exporter"] is None
    assert wrong == answers[never, "AAAAAAAA"] == answers[never, check_code(api, never)]
    assert answers[issued, check_code(api, never)] == wrong  # another number's code
    page = api.client.get(f"/verify/{issued}")  # the page asks for the code
    assert "name='code'" in page.text and samples.EXPORTER.name_en not in page.text
    right = api.client.get(f"/verify/{issued}", params={"code": check_code(api, issued)})
    assert samples.EXPORTER.name_en in right.text and "name='code'" not in right.text


# --------------------------------------------------------------------------- documents


def test_supporting_documents_upload_list_download_delete(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op, "K")
    files = {"invoice.pdf": PDF_BYTES, "marks.png": png_bytes(), "箱单 photo.jpg": jpeg_bytes()}
    made = []
    for name, content in files.items():
        r = upload(op, cert["id"], content, name)
        assert r.status_code == 201, r.text
        made.append(r.json())
    assert [d["content_type"] for d in made] == ["application/pdf", "image/png", "image/jpeg"]
    assert [d["name"] for d in made] == list(files)
    assert made[0]["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    listed = op.get(f"{V1}/certificates/{cert['id']}/documents").json()
    assert [d["id"] for d in listed] == [d["id"] for d in made]
    shown = op.get(f"{V1}/certificates/{cert['id']}").json()
    assert [d["name"] for d in shown["supporting_documents"]] == list(files)
    assert shown["version"] == cert["version"] + 3
    basic_info = {k: v for k, v in shown.items() if k in made_by_the_form(shown)}
    r = op.put(
        f"{V1}/certificates/{cert['id']}",
        json={**basic_info, "supporting_documents": []},
        headers={"If-Match": f'"{shown["version"]}"'},
    )  # the list follows the files: a basic-info body may not rewrite it
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "supporting_documents"
    for document, content in zip(made, files.values(), strict=True):
        r = op.get(f"{V1}/documents/{document['id']}")
        assert r.status_code == 200 and r.content == content
        assert r.headers["content-type"] == document["content_type"]
        assert "attachment" in r.headers["content-disposition"]
    assert (
        "%E7%AE%B1%E5%8D%95"
        in op.get(f"{V1}/documents/{made[2]['id']}").headers["content-disposition"]
    )  # the Chinese name, percent-encoded (RFC 5987)
    manager = api.as_("hx_manager")
    assert manager.get(f"{V1}/documents/{made[0]['id']}").status_code == 200
    assert manager.delete(f"{V1}/documents/{made[0]['id']}").status_code == 403
    assert op.delete(f"{V1}/documents/{made[0]['id']}").status_code == 204
    assert op.get(f"{V1}/documents/{made[0]['id']}").status_code == 404
    shown = op.get(f"{V1}/certificates/{cert['id']}").json()
    assert [d["name"] for d in shown["supporting_documents"]] == list(files)[1:]
    feed = op.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()["changes"]
    ops = [(c["op"], c["entity_id"]) for c in feed if c["entity"] == "supporting_document"]
    assert ops == [("create", d["id"]) for d in made] + [("delete", made[0]["id"])]
    assert all("content" not in (c["data"] or {}) for c in feed)


def test_uploads_are_checked_by_content_and_size(api, db_path) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    r = upload(op, cert["id"], b"just some text, named like a PDF", "fake.pdf")
    assert r.status_code == 422, r.text
    error = r.json()["errors"][0]
    assert error["field"] == "file" and error["code"] == "unsupported_type"
    assert "PDF, JPEG or PNG" in error["expected_en"] and "PDF、JPEG 或 PNG" in error["expected_zh"]
    r = upload(op, cert["id"], b"", "empty.pdf")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "empty"
    api.client.app.state.max_document_bytes = 2000
    r = upload(op, cert["id"], PDF_BYTES + b"0" * 2000, "big.pdf")
    assert r.status_code == 422, r.text
    error = r.json()["errors"][0]
    assert error["code"] == "too_large" and "2,000 bytes" in error["expected_en"]
    assert error["value"] == f"{len(PDF_BYTES) + 2000:,} bytes"
    r = upload(op, cert["id"], PDF_BYTES + b"0" * 900_000, "huge.pdf")  # refused unread
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "too_large"
    r = op.post(f"{V1}/certificates/{cert['id']}/documents", json={"file": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "missing_file"
    r = op.post(
        f"{V1}/certificates/{cert['id']}/documents",
        content=b"--x\r\nbroken",
        headers={"content-type": "multipart/form-data"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    assert store.scalar(db_path, "SELECT COUNT(*) FROM supporting_documents") == 0
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["version"] == cert["version"]


def test_the_default_size_limit_is_ten_megabytes(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    content = PDF_BYTES + b"0" * (10 * 1024 * 1024 - len(PDF_BYTES))
    assert upload(op, cert["id"], content).status_code == 201
    r = upload(op, cert["id"], content + b"0")
    assert r.status_code == 422 and "10.0 MB" in r.json()["errors"][0]["expected_en"]


def test_documents_go_with_an_editable_certificate_only(api, db_path) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    document = upload(op, cert["id"], png_bytes()).json()
    assert op.post(f"{V1}/certificates/{cert['id']}/submit").json()["status"] == "submitted"
    r = upload(op, cert["id"], PDF_BYTES)
    assert r.status_code == 409 and "draft or returned" in r.json()["message_en"]
    r = op.delete(f"{V1}/documents/{document['id']}")
    assert r.status_code == 409 and "暂存或退回" in r.json()["message_zh"]
    assert op.get(f"{V1}/documents/{document['id']}").status_code == 200
    other = draft(op)
    upload(op, other["id"], PDF_BYTES)
    version = op.get(f"{V1}/certificates/{other['id']}").headers["ETag"]
    r = op.delete(f"{V1}/certificates/{other['id']}", headers={"If-Match": version})
    assert r.status_code == 204, r.text  # a deleted draft takes its documents with it
    left = store.rows(db_path, "SELECT certificate_id FROM supporting_documents")
    assert left == [(cert["id"],)]


def test_an_upload_retried_with_its_key_is_stored_once(api, db_path) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    first = upload(op, cert["id"], PDF_BYTES, **{"Idempotency-Key": "up-1"})
    again = upload(op, cert["id"], PDF_BYTES, **{"Idempotency-Key": "up-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = upload(op, cert["id"], png_bytes(), **{"Idempotency-Key": "up-1"})
    assert other.status_code == 409
    assert store.scalar(db_path, "SELECT COUNT(*) FROM supporting_documents") == 1


def test_a_certificate_holds_at_most_twenty_documents(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    for i in range(20):
        assert upload(op, cert["id"], png_bytes(8 + i), f"p{i}.png").status_code == 201
    r = upload(op, cert["id"], PDF_BYTES)
    assert r.status_code == 409 and "20 supporting documents" in r.json()["message_en"]


# --------------------------------------------------------------------------- the client


def test_the_client_prints_previews_and_handles_documents(live, tmp_path) -> None:
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    reviewer = Client(live.url, username="dl_reviewer", password="pw-dl_reviewer")
    cert = client.certificates.create(samples.certificate("N"))
    path = tmp_path / "invoice.pdf"
    path.write_bytes(PDF_BYTES)
    document = client.certificates.upload(cert.id, path)
    assert document["name"] == "invoice.pdf" and document["content_type"] == "application/pdf"
    assert client.certificates.documents(cert.id)["name"].tolist() == ["invoice.pdf"]
    assert client.certificates.download(document["id"], tmp_path / "back.pdf") == PDF_BYTES
    assert (tmp_path / "back.pdf").read_bytes() == PDF_BYTES
    with pytest.raises(ValidationFailed) as caught:
        client.certificates.upload(cert.id, b"plain text", name="notes.png")
    assert caught.value.errors[0].code == "unsupported_type"
    preview = client.certificates.preview(cert.id, tmp_path / "preview.pdf")
    assert "DRAFT / 草稿" in text(preview)
    with pytest.raises(Conflict):
        client.certificates.pdf(cert.id)
    assert client.certificates.submit(cert.id)["status"] == "submitted"
    number = reviewer.review.approve(cert.id)["certificate_number"]
    pdf = client.certificates.pdf(cert.id, tmp_path / "certificate.pdf")
    assert (tmp_path / "certificate.pdf").read_bytes() == pdf
    printed = within(pages(pdf)[0], form("N").header).replace("\n", "")
    code = re.search(rf"{re.escape(live.url)}/verify/{re.escape(number)}\?code=(\w{{8}})", printed)
    assert code, printed  # the QR code's address, printed beside it
    log = client.certificates.prints(cert.id)
    assert log["copy_no"].tolist() == [1] and log["printed_by"].tolist() == ["hx_operator"]
    verified = client.certificates.verify(number, code.group(1))
    assert verified["genuine"] is True and verified["status"] == "printed"
    assert client.certificates.verify(number)["genuine"] is None
    assert client.certificates.verify("26N311120218/99999", code.group(1))["genuine"] is False
    with pytest.raises(Conflict):
        client.certificates.delete_document(document["id"])


def test_prints_at_the_same_time_get_one_copy_number_each(live) -> None:
    """Eight prints of two certificates from eight threads over real sockets: every one is
    rendered and logged once, copy numbers 1–4 for each certificate."""
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    reviewer = Client(live.url, username="dl_reviewer", password="pw-dl_reviewer")
    ids = []
    for cert_type in ("C", "H"):
        cert = client.certificates.create(samples.certificate(cert_type))
        client.certificates.submit(cert.id)
        reviewer.review.approve(cert.id)
        ids.append(cert.id)
    with ThreadPoolExecutor(max_workers=8) as pool:
        pdfs = list(pool.map(client.certificates.pdf, ids * 4))
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    for cert_id in ids:
        log = client.certificates.prints(cert_id)
        assert sorted(log["copy_no"]) == [1, 2, 3, 4]
        assert client.certificates.raw(cert_id)["print_count"] == 4
        assert log["sha256"].nunique() == 1  # the same document each time


def test_without_the_chinese_font_a_print_is_a_clear_503(api, monkeypatch, tmp_path) -> None:
    cert = approved(api)
    monkeypatch.setattr(fonts, "_store", fonts.GlyphStore(tmp_path / "NotoSansCJK-Regular.ttc"))
    op = api.as_("hx_operator")
    r = op.get(f"{V1}/certificates/{cert['id']}/pdf")
    assert r.status_code == 503, r.text
    assert "fonts-noto-cjk" in r.json()["message_en"] and "fonts-noto-cjk" in r.json()["message_zh"]
    assert op.get(f"{V1}/certificates/{cert['id']}/prints").json() == []  # nothing printed
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["status"] == "approved"
