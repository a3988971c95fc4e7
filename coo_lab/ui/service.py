"""The reads the screens need, one page at a time, as plain dicts.

The client's list methods return every page as a DataFrame — right for analysis, wrong for a
screen over a store of thousands of certificates, and pandas is a slow import for a page
that should appear at once. These go through the same ``Client`` (its session, retries and
error mapping), asking for one page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coo_lab.client import Client

V1 = "/api/v1"
BASE_KINDS = ("exporters", "importers", "producers", "special-clauses")


def certificate_page(
    client: Client, *, page: int, page_size: int, **filters: Any
) -> tuple[list[dict[str, Any]], int]:
    """One page of the certificate query (view, invoice_number, cert_type, status, …)."""
    params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    body = client.get(f"{V1}/certificates", page=page, page_size=page_size, **params)
    return body["items"], body["total"]


def review_queue_page(
    client: Client, *, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    body = client.get(f"{V1}/review/queue", page=page, page_size=page_size)
    return body["items"], body["total"]


def base_records(client: Client, kind: str, q: str | None = None) -> list[dict[str, Any]]:
    """Every record of one kind of base data (an enterprise keeps tens, not thousands)."""
    if kind not in BASE_KINDS:
        raise ValueError(f"unknown base-data kind {kind!r}")
    return list(client.pages(f"{V1}/{kind}", q=q or None))


def certificate_view(client: Client, cert_id: int) -> dict[str, Any]:
    """The service's view of one certificate: the form plus findings, print count, reason."""
    return client.certificates.raw(cert_id)


def receipts(client: Client, cert_id: int) -> list[dict[str, Any]]:
    """The certificate's receipts (回执), newest first."""
    return client.get(f"{V1}/certificates/{cert_id}/receipts")


def announcements(client: Client) -> list[dict[str, Any]]:
    return client.get(f"{V1}/announcements")
