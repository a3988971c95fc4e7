"""The Python client of the Single Window service: what analysts import in a notebook.

    import coo_lab
    client = coo_lab.Client("http://127.0.0.1:8700", username="haixing_operator",
                            password="...")
    drafts = client.certificates.list(status="draft")      # a pandas DataFrame
    cert = client.certificates.get(42)                      # a coo_lab.Certificate
    client.check(cert)                                      # the authority's rules, locally

Reads and writes that are safe to repeat are retried on connection errors and 502/503/504;
creates and submits carry an ``Idempotency-Key`` so their retries are safe too. Errors come
back as the ``CooLabError`` tree (``ValidationFailed`` with its fields, ``Conflict``,
``NotFound``…), never as bare HTTP errors.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from coo_lab.domain.certificate import NOT_BASIC_INFO, Certificate, GoodsLine
from coo_lab.domain.rules import CheckContext, Finding, check
from coo_lab.errors import (
    Conflict,
    CooLabError,
    FieldError,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    import pandas as pd

    from coo_lab.bulk import BulkCreateReport
    from coo_lab.corrections import BulkUpdateReport

DEFAULT_TIMEOUT = 30.0
RETRY_STATUSES = frozenset({502, 503, 504})
PAGE_SIZE = 500


class Client:
    """A logged-in session with the service; see the module docstring."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retries = retries
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        elif username is not None:
            self.login(username, password or "")
        self.exporters = BaseData(self, "exporters")
        self.importers = BaseData(self, "importers")
        self.producers = BaseData(self, "producers")
        self.special_clauses = BaseData(self, "special-clauses")
        self.certificates = Certificates(self)
        self.review = Review(self)
        self.filings = Filings(self)
        self.data_sync = DataSync(self)
        self.push = Push(self)

    # --- transport -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        json_bytes: bytes | None = None,
    ) -> Any:
        """One API call; retried when safe; the JSON answer, or a ``CooLabError``.
        ``json_bytes`` is a body already encoded as JSON (instead of ``json``)."""
        headers = dict(headers or {})
        if json_bytes is not None:
            headers["Content-Type"] = "application/json"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        safe = method in ("GET", "PUT", "DELETE", "HEAD") or bool(idempotency_key)
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    method,
                    self.base_url + path,
                    json=json,
                    data=json_bytes,
                    params=params,
                    headers=headers,
                    timeout=self.timeout,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if safe and attempt <= self.retries:
                    time.sleep(0.2 * 2 ** (attempt - 1))
                    continue
                raise ServiceUnavailable(
                    f"cannot reach the service at {self.base_url}: {exc}",
                    f"无法连接服务 {self.base_url}：{exc}",
                ) from exc
            if response.status_code in RETRY_STATUSES and safe and attempt <= self.retries:
                time.sleep(0.2 * 2 ** (attempt - 1))
                continue
            return _answer(response)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paged list, page after page."""
        page = 1
        while True:
            body = self.get(path, page=page, page_size=PAGE_SIZE, **params)
            yield from body["items"]
            if page * PAGE_SIZE >= body["total"] or not body["items"]:
                return
            page += 1

    def frame(self, path: str, **params: Any) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(list(self.pages(path, **params)))

    # --- accounts --------------------------------------------------------------------------

    def login(self, username: str, password: str) -> dict[str, Any]:
        body = self.request(
            "POST", "/api/v1/auth/login", json={"username": username, "password": password}
        )
        self.session.headers["Authorization"] = f"Bearer {body['token']}"
        return body

    def logout(self) -> None:
        self.request("POST", "/api/v1/auth/logout")
        self.session.headers.pop("Authorization", None)

    def me(self) -> dict[str, Any]:
        return self.get("/api/v1/auth/me")

    def user_filing(self) -> dict[str, Any]:
        return self.get("/api/v1/user-filing")

    def file_user(self, ccpit_code: str, enterprise_code: str, hand_signer: str) -> dict:
        """用户备案: link this account's company to its CCPIT registration."""
        return self.request(
            "POST",
            "/api/v1/user-filing",
            json={
                "ccpit_code": ccpit_code,
                "enterprise_code": enterprise_code,
                "hand_signer": hand_signer,
            },
        )

    def announcements(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.get("/api/v1/announcements"))

    def receipts(self, kind: str | None = None) -> pd.DataFrame:
        """The enterprise's receipts (回执), newest first."""
        return self.frame("/api/v1/receipts", kind=kind)

    def changes(self, after: int = 0, limit: int = 1000) -> dict[str, Any]:
        """One page of the change feed after sequence ``after``."""
        return self.get("/api/v1/changes", after=after, limit=limit)

    # --- review before submission --------------------------------------------------------

    def check(
        self, certificate: Certificate | Mapping[str, Any], context: CheckContext | None = None
    ) -> list[Finding]:
        """The authority's rules, run here and now on a certificate (nothing is sent)."""
        return check(certificate, context)

    # --- bulk work (coo_lab.bulk, coo_lab.corrections, coo_lab.excel) ------------------------

    def bulk_create(
        self, source: Any, dry_run: bool = True, *, chunk_size: int = 500
    ) -> BulkCreateReport:
        """Certificates from a DataFrame or an Excel file (one row per goods line, grouped by
        invoice): a dry run reports what would be created and the findings per row; with
        ``dry_run=False`` they are saved as drafts, idempotently. See ``coo_lab.bulk``."""
        from coo_lab.bulk import bulk_create

        return bulk_create(self, source, dry_run=dry_run, chunk_size=chunk_size)

    def bulk_update(
        self, frame: pd.DataFrame, dry_run: bool = True, *, all_or_nothing: bool = False
    ) -> BulkUpdateReport:
        """Corrections to many drafts: the dry run gives the diff and findings, ``.apply()``
        or ``dry_run=False`` makes them (audited). See ``coo_lab.corrections``."""
        from coo_lab.corrections import bulk_update

        return bulk_update(self, frame, dry_run=dry_run, all_or_nothing=all_or_nothing)

    def bulk_template(self, path: str | Path) -> Path:
        """Write the Excel template for bulk creation (columns, code lists, instructions)."""
        from coo_lab.excel import template

        return template(path)

    def audit(
        self,
        certificate_id: int | None = None,
        *,
        user: str | None = None,
        field: str | None = None,
        batch: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
    ) -> pd.DataFrame:
        """The audit trail (who changed which field, when, before and after), newest first."""
        return self.frame(
            "/api/v1/audit",
            certificate_id=certificate_id,
            user=user,
            field=field,
            batch=batch,
            date_from=date_from,
            date_to=date_to,
        )


def new_key() -> str:
    return uuid.uuid4().hex


class BaseData:
    """One kind of base data (exporters, importers, producers, special clauses)."""

    def __init__(self, client: Client, path: str) -> None:
        self._client, self._path = client, f"/api/v1/{path}"

    def list(self, q: str | None = None) -> pd.DataFrame:
        return self._client.frame(self._path, q=q)

    def get(self, record_id: int) -> dict[str, Any]:
        return self._client.get(f"{self._path}/{record_id}")

    def create(self, record: Any, *, idempotency_key: str | None = None) -> dict[str, Any]:
        return self._client.request(
            "POST", self._path, json=_json(record), idempotency_key=idempotency_key or new_key()
        )

    def update(self, record_id: int, record: Any, version: int) -> dict[str, Any]:
        data = {
            k: v
            for k, v in _json(record).items()
            if k not in ("id", "kind", "version", "created_at", "updated_at")
        }
        return self._client.request(
            "PUT", f"{self._path}/{record_id}", json=data, headers={"If-Match": str(version)}
        )

    def delete(self, record_id: int, version: int) -> None:
        self._client.request(
            "DELETE", f"{self._path}/{record_id}", headers={"If-Match": str(version)}
        )


_NOT_BASIC_INFO = NOT_BASIC_INFO | {"findings", "print_count", "void_reason", "original_id"}
"""What a basic-info body leaves out: the certificate's own and the service's view of it."""


class Certificates:
    """Certificates of origin: the deck's screens as methods."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._path = "/api/v1/certificates"

    def list(self, view: str | None = None, **filters: Any) -> pd.DataFrame:
        """Query (general / preferential / void view; invoice_number, cert_type, status,
        hand_signer, created_from/to, submitted_from/to, sort, order) — every page."""
        return self._client.frame(self._path, view=view, **filters)

    def get(self, cert_id: int) -> Certificate:
        return _certificate(self._client.get(f"{self._path}/{cert_id}"))

    def raw(self, cert_id: int) -> dict[str, Any]:
        """The service's view: the certificate plus findings, print count, void reason."""
        return self._client.get(f"{self._path}/{cert_id}")

    def create(
        self, certificate: Certificate | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Certificate:
        """Save the basic info as a draft, then the goods lines (two calls, as in the deck)."""
        data = _json(certificate)
        goods = data.get("goods") or []
        basic = {k: v for k, v in data.items() if k not in _NOT_BASIC_INFO}
        key = idempotency_key or new_key()
        created = self._client.request("POST", self._path, json=basic, idempotency_key=key)
        if goods:
            try:
                created = self._client.request(
                    "PUT",
                    f"{self._path}/{created['id']}/goods",
                    json={"goods": goods},
                    headers={"If-Match": str(created["version"])},
                )
            except Conflict:
                # a retry with the same key: the first call may already have saved the goods
                current = self._client.get(f"{self._path}/{created['id']}")
                if _same_goods(current["goods"], goods):
                    return _certificate(current)
                raise
        return _certificate(created)

    def update(
        self, cert_id: int, certificate: Certificate | Mapping[str, Any], version: int
    ) -> Certificate:
        basic = {k: v for k, v in _json(certificate).items() if k not in _NOT_BASIC_INFO}
        return _certificate(
            self._client.request(
                "PUT", f"{self._path}/{cert_id}", json=basic, headers={"If-Match": str(version)}
            )
        )

    def save_goods(
        self, cert_id: int, goods: list[GoodsLine | Mapping[str, Any]], version: int
    ) -> Certificate:
        return _certificate(
            self._client.request(
                "PUT",
                f"{self._path}/{cert_id}/goods",
                json={"goods": [_json(g) for g in goods]},
                headers={"If-Match": str(version)},
            )
        )

    def delete(self, cert_id: int, version: int) -> None:
        self._client.request(
            "DELETE", f"{self._path}/{cert_id}", headers={"If-Match": str(version)}
        )

    def copy(self, cert_id: int) -> Certificate:
        return _certificate(
            self._client.request("POST", f"{self._path}/{cert_id}/copy", idempotency_key=new_key())
        )

    def check(self, cert_id: int) -> list[dict[str, Any]]:
        """What the service's review would find now, with its full context."""
        return self._client.request("POST", f"{self._path}/{cert_id}/check")

    def submit(self, cert_id: int, *, idempotency_key: str | None = None) -> dict[str, Any]:
        """申报. The answer has the new status and the findings (a returned certificate
        carries the rule errors that returned it)."""
        return self._client.request(
            "POST", f"{self._path}/{cert_id}/submit", idempotency_key=idempotency_key or new_key()
        )

    def amend_reissue(self, cert_id: int) -> Certificate:
        return _certificate(
            self._client.request(
                "POST", f"{self._path}/{cert_id}/amend-reissue", idempotency_key=new_key()
            )
        )

    def void(self, cert_id: int, reason: str, version: int | None = None) -> Certificate:
        headers = {"If-Match": str(version)} if version is not None else None
        return _certificate(
            self._client.request(
                "POST", f"{self._path}/{cert_id}/void", json={"reason": reason}, headers=headers
            )
        )

    def receipts(self, cert_id: int) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._client.get(f"{self._path}/{cert_id}/receipts"))

    # --- self-print and supporting documents ----------------------------------------------

    def pdf(self, cert_id: int, path: str | os.PathLike[str] | None = None) -> bytes:
        """打印: the approved certificate's PDF (written to ``path`` too, if given). Every call
        is a logged print — never retried behind your back."""
        return _save(_fetch(self._client, "GET", f"{self._path}/{cert_id}/pdf").content, path)

    def preview(self, cert_id: int, path: str | os.PathLike[str] | None = None) -> bytes:
        """预览: any certificate as a PDF watermarked "DRAFT / 草稿", without a number."""
        response = _fetch(self._client, "GET", f"{self._path}/{cert_id}/preview", retry=True)
        return _save(response.content, path)

    def prints(self, cert_id: int) -> pd.DataFrame:
        """The print log (who printed which copy when)."""
        import pandas as pd

        return pd.DataFrame(self._client.get(f"{self._path}/{cert_id}/prints"))

    def verify(self, certificate_number: str, code: str | None = None) -> dict[str, Any]:
        """The public verification of a certificate (as its QR code answers): its number and
        the check code printed with the QR code; without the code, ``genuine`` is None."""
        response = _fetch(
            self._client,
            "GET",
            f"/verify/{certificate_number}",
            retry=True,
            params={"format": "json", "code": code},
        )
        return response.json()

    def documents(self, cert_id: int) -> pd.DataFrame:
        """The supporting documents (佐证材料) of a certificate."""
        import pandas as pd

        return pd.DataFrame(self._client.get(f"{self._path}/{cert_id}/documents"))

    def upload(
        self,
        cert_id: int,
        file: str | os.PathLike[str] | bytes,
        *,
        name: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Add a PDF, JPEG or PNG file (a path, or bytes with a ``name``) to a draft or
        returned certificate."""
        if isinstance(file, bytes):
            content, name = file, name or "document"
        else:
            content, name = Path(file).read_bytes(), name or Path(file).name
        response = _fetch(
            self._client,
            "POST",
            f"{self._path}/{cert_id}/documents",
            retry=True,  # safe: the key makes a retry answer the first upload
            files={"file": (name, content)},
            headers={"Idempotency-Key": idempotency_key or new_key()},
        )
        return response.json()

    def download(self, document_id: int, path: str | os.PathLike[str] | None = None) -> bytes:
        """A supporting document's bytes (written to ``path`` too, if given)."""
        response = _fetch(self._client, "GET", f"/api/v1/documents/{document_id}", retry=True)
        return _save(response.content, path)

    def delete_document(self, document_id: int) -> None:
        self._client.request("DELETE", f"/api/v1/documents/{document_id}")


class Review:
    """The authority's side (reviewer accounts)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def queue(self) -> pd.DataFrame:
        return self._client.frame("/api/v1/review/queue")

    def get(self, cert_id: int) -> dict[str, Any]:
        return self._client.get(f"/api/v1/review/certificates/{cert_id}")

    def approve(self, cert_id: int) -> dict[str, Any]:
        return self._client.request("POST", f"/api/v1/review/certificates/{cert_id}/approve")

    def return_(self, cert_id: int, reason: str) -> dict[str, Any]:
        return self._client.request(
            "POST", f"/api/v1/review/certificates/{cert_id}/return", json={"reason": reason}
        )

    # product filings (商品备案)

    def filing_queue(self) -> pd.DataFrame:
        """Filings of the office's enterprises with an area waiting, oldest first."""
        return self._client.frame("/api/v1/review/filing-queue")

    def filing(self, filing_id: int) -> dict[str, Any]:
        """A declared filing with the origin engine's verdict per area (``assessments``)."""
        return self._client.get(f"/api/v1/review/filings/{filing_id}")

    def approve_area(self, filing_id: int, agreement: str, remark: str = "") -> dict[str, Any]:
        """审核通过 one area of a filing: it gets its filing number (申请备案号)."""
        return self._client.request(
            "POST",
            f"/api/v1/review/filings/{filing_id}/areas/{agreement}/approve",
            json={"remark": remark},
        )

    def return_area(self, filing_id: int, agreement: str, reason: str) -> dict[str, Any]:
        return self._client.request(
            "POST",
            f"/api/v1/review/filings/{filing_id}/areas/{agreement}/return",
            json={"reason": reason},
        )

    def record_counter_filing(self, enterprise_code: str, filing: Any) -> dict[str, Any]:
        """A filing approved at the office's counter, held for the enterprise to sync."""
        return self._client.request(
            "POST",
            f"/api/v1/registry/enterprises/{enterprise_code}/product-filings",
            json=_filing_body(filing),
        )

    def held_filings(self, enterprise_code: str) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            self._client.get(f"/api/v1/registry/enterprises/{enterprise_code}/product-filings")
        )


class Filings:
    """Product filings (商品备案): the deck's filing form and query as methods.

    A filing may be given as a ``ProductFiling``, its JSON, or a dict whose ``areas`` are
    agreement codes (``["K", "E"]``); what the service owns (ids, statuses, criteria,
    numbers) is left out of what is sent."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._path = "/api/v1/product-filings"

    def list(self, **filters: Any) -> pd.DataFrame:
        """商品备案查询 (hs_code, name_en, name_cn, status, agreement, created_from/to,
        submitted_from/to, sort, order) — every page; ``areas`` holds each row's areas."""
        return self._client.frame(self._path, **filters)

    def get(self, filing_id: int) -> dict[str, Any]:
        return self._client.get(f"{self._path}/{filing_id}")

    def create(self, filing: Any, *, idempotency_key: str | None = None) -> dict[str, Any]:
        """Save as a draft (暂存)."""
        return self._client.request(
            "POST",
            self._path,
            json=_filing_body(filing),
            idempotency_key=idempotency_key or new_key(),
        )

    def update(self, filing_id: int, filing: Any, version: int) -> dict[str, Any]:
        """Replace a filing whose areas are all drafts or returned."""
        return self._client.request(
            "PUT",
            f"{self._path}/{filing_id}",
            json=_filing_body(filing),
            headers={"If-Match": str(version)},
        )

    def copy(self, filing_id: int) -> dict[str, Any]:
        return self._client.request(
            "POST", f"{self._path}/{filing_id}/copy", idempotency_key=new_key()
        )

    def delete(self, filing_id: int, version: int) -> None:
        self._client.request(
            "DELETE", f"{self._path}/{filing_id}", headers={"If-Match": str(version)}
        )

    def check(self, filing_id: int) -> pd.DataFrame:
        """The origin engine's verdict per area now (nothing is saved)."""
        import pandas as pd

        return pd.DataFrame(self._client.request("POST", f"{self._path}/{filing_id}/check"))

    def submit(self, filing_id: int, *, idempotency_key: str | None = None) -> dict[str, Any]:
        """申报 the draft and returned areas; one the product does not qualify for comes back
        returned at once, with the reason in ``review_remark``."""
        return self._client.request(
            "POST",
            f"{self._path}/{filing_id}/submit",
            idempotency_key=idempotency_key or new_key(),
        )

    def receipts(self, filing_id: int) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._client.get(f"{self._path}/{filing_id}/receipts"))

    def usable_areas(
        self, agreement: str | None = None, hs_code: str | None = None, q: str | None = None
    ) -> pd.DataFrame:
        """Approved areas a preferential goods line may name (filing number, HS, names,
        criterion): the certificate form's picker."""
        return self._client.frame("/api/v1/filing-areas", agreement=agreement, hs_code=hs_code, q=q)


class DataSync:
    """数据同步: pull the registration and the authority-held filings; the runs' history."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def sync_enterprise_info(self) -> dict[str, Any]:
        """同步企业信息: registration and hand-signers into the enterprise's profile."""
        return self._client.request("POST", "/api/v1/data-sync/enterprise-info")

    def sync_product_filings(self) -> dict[str, Any]:
        """同步商品备案信息: import the approved filings the authority holds and we lack."""
        return self._client.request("POST", "/api/v1/data-sync/product-filings")

    def history(self, sync_type: str | None = None) -> pd.DataFrame:
        """同步列表: type, status, user, requested, updated, count, remark; newest first."""
        return self._client.frame("/api/v1/data-sync/runs", sync_type=sync_type)

    def profile(self) -> dict[str, Any]:
        """The registration and hand-signers as last synced."""
        return self._client.get("/api/v1/enterprise-profile")


def _fetch(
    client: Client, method: str, path: str, *, retry: bool = False, **kwargs: Any
) -> requests.Response:
    """A call whose answer is not JSON (a PDF, a file) or whose body is not (an upload);
    retried like ``Client.request`` when ``retry``; an error answer raised as usual."""
    attempt = 0
    while True:
        attempt += 1
        try:
            response = client.session.request(
                method, client.base_url + path, timeout=client.timeout, **kwargs
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            if retry and attempt <= client.retries:
                time.sleep(0.2 * 2 ** (attempt - 1))
                continue
            raise ServiceUnavailable(
                f"cannot reach the service at {client.base_url}: {exc}",
                f"无法连接服务 {client.base_url}：{exc}",
            ) from exc
        if response.status_code in RETRY_STATUSES and retry and attempt <= client.retries:
            time.sleep(0.2 * 2 ** (attempt - 1))
            continue
        if not response.ok:
            _answer(response)  # raises the error's CooLabError
        return response


def _save(content: bytes, path: str | os.PathLike[str] | None) -> bytes:
    if path is not None:
        Path(path).write_bytes(content)
    return content


class Push:
    """Status push (状态推送): subscriptions, phone/WeChat binding, deliveries, the outbox.

    phone = client.push.request_code("13800138000")        # 获取验证码 (SMS)
    client.push.verify(phone["id"], "123456")               # the code received
    client.push.subscribe("enterprise", "sms", phone="13800138000")
    hook = client.push.subscribe("person", "webhook", webhook_url="https://erp/hook")
    hook["webhook_secret"]                                   # shown once: keep it
    client.push.deliveries(status="failed")                 # the delivery log
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._path = "/api/v1/push"

    def subscribe(
        self,
        mode: str,
        channel: str,
        *,
        content: str = "certificate",
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """订阅: ``mode`` document / enterprise / person; ``channel`` webhook / email / sms /
        wechat with its target (``webhook_url=``, ``email=``, ``phone=``, ``wechat_openid=``);
        ``document_number=`` or ``person=`` as the mode needs; ``webhook_secret=`` optional."""
        body = {"mode": mode, "channel": channel, "content": content, **fields}
        return self._client.request(
            "POST",
            f"{self._path}/subscriptions",
            json={k: v for k, v in body.items() if v is not None},
            idempotency_key=idempotency_key or new_key(),
        )

    def subscriptions(self, active: bool | None = None, **filters: Any) -> pd.DataFrame:
        """订阅信息记录 (filters: active, mode, channel, content)."""
        return self._client.frame(f"{self._path}/subscriptions", active=active, **filters)

    def subscription(self, subscription_id: int) -> dict[str, Any]:
        return self._client.get(f"{self._path}/subscriptions/{subscription_id}")

    def cancel(self, subscription_id: int, version: int | None = None) -> dict[str, Any]:
        """取消订阅; its deliveries not yet sent are dropped."""
        headers = {"If-Match": str(version)} if version is not None else None
        return self._client.request(
            "POST", f"{self._path}/subscriptions/{subscription_id}/cancel", headers=headers
        )

    def deliveries(
        self,
        subscription_id: int | None = None,
        status: str | None = None,
        channel: str | None = None,
    ) -> pd.DataFrame:
        """The delivery log, newest first; ``log`` holds each attempt."""
        return self._client.frame(
            f"{self._path}/deliveries",
            subscription_id=subscription_id,
            status=status,
            channel=channel,
        )

    def outbox(self, channel: str | None = None, address: str | None = None) -> pd.DataFrame:
        """What the default SMS/WeChat provider kept (when no real provider is configured)."""
        return self._client.frame(f"{self._path}/outbox", channel=channel, address=address)

    def status(self) -> dict[str, Any]:
        return self._client.get(f"{self._path}/status")

    def bindings(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._client.get(f"{self._path}/bindings"))

    def request_code(self, address: str, channel: str = "sms") -> dict[str, Any]:
        """获取验证码: a 6-digit code goes to the phone (or WeChat account); returns the binding."""
        return self._client.request(
            "POST", f"{self._path}/bindings", json={"channel": channel, "address": address}
        )

    def verify(self, binding_id: int, code: str) -> dict[str, Any]:
        """The code received: the phone (or WeChat account) is bound."""
        return self._client.request(
            "POST", f"{self._path}/bindings/{binding_id}/verify", json={"code": code}
        )

    def unbind(self, binding_id: int) -> dict[str, Any]:
        """解除绑定; the subscriptions that pushed to it are cancelled."""
        return self._client.request("DELETE", f"{self._path}/bindings/{binding_id}")

    @staticmethod
    def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
        """For a webhook receiver: whether ``X-CooLab-Signature`` matches the body received."""
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return header is not None and hmac.compare_digest(expected, header)


def _json(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=False)
    if isinstance(value, Mapping):
        return dict(value)
    return value


_FILING_OWNED = frozenset({"id", "version", "created_at", "status", "source"})


def _filing_body(filing: Any) -> dict[str, Any]:
    """What a filing body may carry: the product, materials and the areas' agreements."""
    data = {k: v for k, v in _json(filing).items() if k not in _FILING_OWNED}
    data["areas"] = [
        {"agreement": a} if isinstance(a, str) else {"agreement": _json(a)["agreement"]}
        for a in data.get("areas") or []
    ]
    return data


def _same_goods(saved: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> bool:
    as_lines = [GoodsLine.model_validate(g).model_dump(exclude={"line_no"}) for g in wanted]
    return as_lines == [GoodsLine.model_validate(g).model_dump(exclude={"line_no"}) for g in saved]


def _certificate(body: dict[str, Any]) -> Certificate:
    fields = Certificate.model_fields
    return Certificate.model_validate({k: v for k, v in body.items() if k in fields})


_ERRORS: dict[str, type[CooLabError]] = {
    "not_found": NotFound,
    "conflict": Conflict,
    "illegal_transition": Conflict,  # IllegalTransition is a Conflict; its parts stay server-side
    "permission_denied": PermissionDenied,
    "service_unavailable": ServiceUnavailable,
}


def _answer(response: requests.Response) -> Any:
    """The JSON of a successful answer; an error answer raised as its ``CooLabError``."""
    if response.status_code == 204:
        return None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.ok:
        return body
    if not isinstance(body, dict) or "message_en" not in body:
        text = response.text[:300]
        raise ServiceUnavailable(
            f"HTTP {response.status_code} from the service: {text}",
            f"服务返回 HTTP {response.status_code}：{text}",
        )
    name = body.get("error", "")
    if response.status_code == 422 and body.get("errors"):
        errors = [
            FieldError(
                e["field"],
                e.get("value"),
                e["expected_en"],
                e["expected_zh"],
                e.get("code", "invalid"),
            )
            for e in body["errors"]
        ]
        raise ValidationFailed(errors, model="request")
    cls = _ERRORS.get(name) or _by_status(response.status_code)
    exc = cls(body["message_en"], body["message_zh"])
    exc.status_code = response.status_code
    exc.body = body  # the whole answer, findings included
    raise exc


def _by_status(status: int) -> type[CooLabError]:
    known = {
        401: PermissionDenied,
        403: PermissionDenied,
        404: NotFound,
        409: Conflict,
        429: PermissionDenied,
    }
    return known.get(status, CooLabError if status < 500 else ServiceUnavailable)
