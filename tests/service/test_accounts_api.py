"""Accounts (SPEC §1) and user filing (SPEC §2) through the API: login, token expiry,
logout, ``/auth/me``, the login rate limit, what each role may do, and the user-filing gate
that keeps an enterprise out of everything until it has linked its CCPIT registration.

The role checks walk the app's OpenAPI document, so an endpoint added later is checked too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coo_lab import samples
from coo_lab.domain.certificate import NOT_BASIC_INFO

from . import store

V1 = "/api/v1"
LN_CODE, NEW_CODE = "210200777", "210200888"
CERT_OWNED = NOT_BASIC_INFO

# Paths that are not enterprise endpoints, by prefix, and why.
NOT_ENTERPRISE = {
    f"{V1}/health": "public",
    f"{V1}/announcements": "public list; reviewers publish",
    f"{V1}/auth/": "login, logout, who am I",
    f"{V1}/user-filing": "the step before everything else, on the caller's own company",
    f"{V1}/review/": "reviewer",
    f"{V1}/registry/": "reviewer",
    f"{V1}/changes": "every logged-in user, scoped by company or office",
    "/verify/": "public: the verification page a printed certificate's QR code opens",
}
REVIEWER_PREFIXES = (f"{V1}/review/", f"{V1}/registry/")
# POSTs that only read (a manager may call them)
READ_ONLY_POSTS = {
    ("POST", f"{V1}/certificates/{{cert_id}}/check"),
    ("POST", f"{V1}/product-filings/{{filing_id}}/check"),
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# --------------------------------------------------------------------------- helpers


def login(api, username: str, password: str | None = None):
    return api.client.post(
        f"{V1}/auth/login",
        json={"username": username, "password": password or f"pw-{username}"},
    )


def operations(app) -> list[tuple[str, str, str | None]]:
    """(METHOD, path template, request-body schema name) of every route in the document."""
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            schema = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            ref = schema.get("$ref", "")
            out.append((method.upper(), path, ref.rsplit("/", 1)[-1] or None))
    return out


def is_enterprise(path: str) -> bool:
    return not any(path.startswith(prefix) for prefix in NOT_ENTERPRISE)


def is_reviewer_only(method: str, path: str) -> bool:
    return path.startswith(REVIEWER_PREFIXES) or (method, path) == ("POST", f"{V1}/announcements")


def cert_body(cert_type: str = "C") -> dict[str, Any]:
    return samples.certificate(cert_type).model_dump(mode="json", exclude=CERT_OWNED)


def body_for(schema: str | None) -> Any:
    """A valid request body of that schema (so a refusal is the role's, not the input's)."""
    bodies = {
        None: None,
        "CertificateInput": lambda: cert_body(),
        "GoodsLines": lambda: {"goods": samples.certificate("C").model_dump(mode="json")["goods"]},
        "Reason": lambda: {"reason": "role test"},
        "Exporter": lambda: {**samples.EXPORTER.model_dump(mode="json"), "code": "ROLE1"},
        "Importer": lambda: {**samples.importer("C").model_dump(mode="json"), "code": "ROLE1"},
        "Producer": lambda: {**samples.PRODUCER.model_dump(mode="json"), "code": "ROLE1"},
        "SpecialClause": lambda: {"code": "ROLE1", "text": "THIRD PARTY INVOICING"},
        "UserFiling": lambda: {
            "ccpit_code": samples.CCPIT_CODE,
            "enterprise_code": NEW_CODE,
            "hand_signer": "孙悟",
        },
        "RegistrationIn": lambda: {"name_en": "ROLE TEST CO.", "hand_signers": []},
        "AnnouncementIn": lambda: {"title": "role test"},
        "ProductFilingInput": lambda: filing_body(),
        "AreaDecision": lambda: {"remark": "role test"},
        "CertificateBatch": lambda: {
            "items": [
                {
                    "idempotency_key": "role-test",
                    "certificate": cert_body(),
                    "goods": body_for("GoodsLines")["goods"],
                }
            ]
        },
        "Corrections": lambda: {"rows": [{"id": 1, "changes": {"remarks": "role test"}}]},
        "SubscriptionInput": lambda: {
            "mode": "enterprise",
            "channel": "webhook",
            "webhook_url": "http://127.0.0.1:9/role",
        },
        "BindingRequest": lambda: {"channel": "sms", "address": "13800138000"},
        "VerificationCode": lambda: {"code": "123456"},
    }
    if schema not in bodies:
        pytest.fail(f"no sample body for request schema {schema!r}: add one to body_for()")
    make = bodies[schema]
    return make() if callable(make) else make


def filing_body() -> dict[str, Any]:
    filing = samples.product_filings()[0]
    data = filing.model_dump(mode="json", exclude={"id", "version", "created_at", "areas"})
    return {**data, "areas": [{"agreement": a.agreement} for a in filing.areas]}


def fill(path: str, ids: dict[str, int] | None = None) -> str:
    """The path with each ``{param}`` replaced by an id (``ids`` by name, else 1)."""
    ids = ids or {}
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m[1], 1)), path)


def call(client, method: str, path: str, body: Any, version: int | None = None):
    headers = {"If-Match": f'"{version}"'} if version is not None else {}
    if body is None:
        return client.request(method, path, headers=headers)
    return client.request(method, path, json=body, headers=headers)


def feed_length(db_path) -> int:
    return store.scalar(db_path, "SELECT COUNT(*) FROM changes")


def hx_draft(op) -> dict[str, Any]:
    """A clean draft of hx with its goods saved."""
    r = op.post(f"{V1}/certificates", json=cert_body())
    assert r.status_code == 201, r.text
    r = op.put(
        f"{V1}/certificates/{r.json()['id']}/goods",
        json=body_for("GoodsLines"),
        headers={"If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    return r.json()


# --------------------------------------------------------------------------- login


def test_login_me_and_token(api) -> None:
    r = login(api, "hx_operator")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token"] and body["token_type"] == "bearer"
    assert body["username"] == "hx_operator" and body["role"] == "operator"
    expires = datetime.fromisoformat(body["expires_at"])
    assert datetime.now(UTC) < expires <= datetime.now(UTC) + timedelta(hours=24)

    headers = {"Authorization": f"Bearer {body['token']}"}
    me = api.client.get(f"{V1}/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json() == {
        "username": "hx_operator",
        "role": "operator",
        "display_name": "hx_operator",
        "company": "大连海兴国际贸易有限公司",
        "enterprise_code": samples.ENTERPRISE_CODE,
        "office_code": None,
        "user_filing_done": True,
    }

    rev = api.as_("dl_reviewer").get(f"{V1}/auth/me").json()
    assert rev["role"] == "reviewer" and rev["office_code"] == samples.CCPIT_CODE
    assert rev["company"] is None
    new = api.as_("new_admin").get(f"{V1}/auth/me").json()
    assert new["role"] == "admin" and new["user_filing_done"] is False


def test_wrong_password_and_unknown_user_are_401(api) -> None:
    for username, password in (("hx_operator", "pw-wrong"), ("nobody", "pw-nobody")):
        r = login(api, username, password)
        assert r.status_code == 401, r.text
        assert "token" not in r.json()
        assert r.json()["message_en"] and r.json()["message_zh"]
    # the same answer for both: a stranger cannot tell which usernames exist
    assert (
        login(api, "hx_operator", "x").json()["message_en"]
        == login(api, "nobody", "x").json()["message_en"]
    )


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic aHhfb3BlcmF0b3I6cHc=", "bearer  "],
)
def test_missing_or_bad_token_is_401(api, authorization) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    for path in (f"{V1}/auth/me", f"{V1}/certificates", f"{V1}/review/queue", f"{V1}/changes"):
        r = api.client.get(path, headers=headers)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["message_en"] and r.json()["message_zh"]


def test_an_expired_token_is_refused(api, db_path) -> None:
    client = api.as_("hx_operator")
    assert client.get(f"{V1}/auth/me").status_code == 200
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat(timespec="microseconds")
    store.run(db_path, ("UPDATE tokens SET expires_at = ?", (past,)))
    r = client.get(f"{V1}/auth/me")
    assert r.status_code == 401
    assert "expired" in r.json()["message_en"]
    assert client.get(f"{V1}/certificates").status_code == 401
    # logging in again gives a fresh, working token
    assert api.as_("hx_operator").get(f"{V1}/auth/me").status_code == 200


def test_logout_invalidates_only_that_token(api) -> None:
    first, second = api.as_("hx_operator"), api.as_("hx_operator")
    r = first.post(f"{V1}/auth/logout")
    assert r.status_code == 204
    assert first.get(f"{V1}/auth/me").status_code == 401
    assert first.post(f"{V1}/auth/logout").status_code == 401
    assert second.get(f"{V1}/auth/me").status_code == 200


def test_five_failures_lock_the_login_even_with_the_right_password(api, db_path) -> None:
    for _ in range(5):
        assert login(api, "hx_operator", "wrong").status_code == 401
    r = login(api, "hx_operator")
    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) > 0
    assert "token" not in r.json()
    assert r.json()["message_en"] and r.json()["message_zh"]
    # the limit is per user: someone else still logs in
    assert login(api, "hx_admin").status_code == 200
    # unknown usernames are limited too (no free guessing)
    for _ in range(5):
        assert login(api, "nobody", "x").status_code == 401
    assert login(api, "nobody", "x").status_code == 429
    # once the window has passed, the right password works again
    earlier = (datetime.now(UTC) - timedelta(minutes=6)).isoformat(timespec="microseconds")
    store.run(db_path, ("UPDATE login_attempts SET at = ?", (earlier,)))
    assert login(api, "hx_operator").status_code == 200


def test_failures_older_than_the_window_do_not_count(api, db_path) -> None:
    for _ in range(4):
        assert login(api, "hx_operator", "wrong").status_code == 401
    earlier = (datetime.now(UTC) - timedelta(minutes=6)).isoformat(timespec="microseconds")
    store.run(db_path, ("UPDATE login_attempts SET at = ?", (earlier,)))
    for _ in range(4):
        assert login(api, "hx_operator", "wrong").status_code == 401
    assert login(api, "hx_operator").status_code == 200


# --------------------------------------------------------------------------- roles


def test_the_manager_is_read_only(api, db_path) -> None:
    op, manager = api.as_("hx_operator"), api.as_("hx_manager")
    draft = hx_draft(op)
    r = op.post(f"{V1}/exporters", json={**samples.EXPORTER.model_dump(mode="json")})
    assert r.status_code == 201, r.text
    ids = {"cert_id": draft["id"], "record_id": r.json()["id"]}
    before = feed_length(db_path)
    checked = 0
    for method, path, schema in operations(api.client.app):
        if not (is_enterprise(path) or path == f"{V1}/user-filing"):
            continue
        if method not in WRITE_METHODS or (method, path) in READ_ONLY_POSTS:
            continue
        r = call(manager, method, fill(path, ids), body_for(schema), version=draft["version"])
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert "manager" in r.json()["message_en"], r.text
        checked += 1
    assert checked >= 20
    assert feed_length(db_path) == before, "a manager's refused request changed something"
    # …while reading works
    assert manager.get(f"{V1}/certificates").status_code == 200
    assert manager.get(f"{V1}/certificates/{draft['id']}").status_code == 200
    assert manager.post(f"{V1}/certificates/{draft['id']}/check").status_code == 200
    assert manager.get(f"{V1}/exporters").status_code == 200
    assert manager.get(f"{V1}/receipts").status_code == 200


def test_operators_and_managers_cannot_do_user_filing(api) -> None:
    body = body_for("UserFiling")
    for username in ("new_operator", "new_manager", "hx_operator", "hx_manager"):
        r = api.as_(username).post(f"{V1}/user-filing", json=body)
        assert r.status_code == 403, (username, r.text)
    # reading the state is fine for everyone of the company
    state = api.as_("new_operator").get(f"{V1}/user-filing")
    assert state.status_code == 200 and state.json()["filed"] is False


def test_reviewers_cannot_call_enterprise_endpoints(api) -> None:
    reviewer = api.as_("dl_reviewer")
    checked = 0
    for method, path, schema in operations(api.client.app):
        if not is_enterprise(path):
            continue
        r = call(reviewer, method, fill(path), body_for(schema), version=1)
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert "reviewer" in r.json()["message_en"], r.text
        checked += 1
    assert checked >= 30
    r = reviewer.post(f"{V1}/user-filing", json=body_for("UserFiling"))
    assert r.status_code == 403


def test_enterprise_users_cannot_call_reviewer_endpoints(api, db_path) -> None:
    op = api.as_("hx_operator")
    draft = hx_draft(op)
    r = op.post(f"{V1}/certificates/{draft['id']}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    ids = {"cert_id": draft["id"], "enterprise_code": samples.ENTERPRISE_CODE}
    before = feed_length(db_path)
    checked = 0
    for username in ("hx_admin", "hx_operator", "hx_manager", "new_admin"):
        client = api.as_(username)
        for method, path, schema in operations(api.client.app):
            if not is_reviewer_only(method, path):
                continue
            r = call(client, method, fill(path, ids), body_for(schema))
            assert r.status_code == 403, (username, method, path, r.status_code, r.text)
            checked += 1
    assert checked >= 4 * 6
    assert feed_length(db_path) == before
    assert op.get(f"{V1}/certificates/{draft['id']}").json()["status"] == "submitted"


# --------------------------------------------------------------------------- user filing


def test_unfiled_enterprise_gets_a_clear_403_everywhere(api) -> None:
    for username in ("new_admin", "new_operator", "new_manager"):
        client = api.as_(username)
        checked = 0
        for method, path, schema in operations(api.client.app):
            if not is_enterprise(path):
                continue
            r = call(client, method, fill(path), body_for(schema), version=1)
            assert r.status_code == 403, (username, method, path, r.status_code, r.text)
            body = r.json()
            assert "user filing" in body["message_en"], (method, path, body)
            assert "用户备案" in body["message_zh"], (method, path, body)
            checked += 1
        assert checked >= 30
        # what they may do before filing
        assert client.get(f"{V1}/auth/me").status_code == 200
        assert client.get(f"{V1}/user-filing").status_code == 200
        assert client.get(f"{V1}/announcements").status_code == 200


def _file(client, **change: str):
    body = {**body_for("UserFiling"), **change}
    return client.post(f"{V1}/user-filing", json=body)


def _only_field(r, field: str) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    error = errors[0]
    assert error["expected_en"] and error["expected_zh"]
    assert field in error["message_en"] and field in error["message_zh"]
    return error


def test_user_filing_checks_each_fact_against_the_registry(api) -> None:
    admin, reviewer = api.as_("new_admin"), api.as_("dl_reviewer")
    # the office's counter registers a second, cancelled hand-signer for NEWCO
    r = reviewer.put(
        f"{V1}/registry/enterprises/{NEW_CODE}",
        json={
            "name_en": "NEWCO TRADING LTD.",
            "name_cn": "新公司贸易有限公司",
            "hand_signers": [{"name": "猪八", "status": "cancelled"}],
        },
    )
    assert r.status_code == 200, r.text

    _only_field(_file(admin, enterprise_code="12345"), "enterprise_code")  # format
    err = _only_field(_file(admin, enterprise_code="210200999"), "enterprise_code")  # unknown
    assert err["value"] == "210200999" and "registered" in err["expected_en"]
    _only_field(_file(admin, ccpit_code="2102"), "ccpit_code")  # format
    err = _only_field(_file(admin, ccpit_code="210100"), "ccpit_code")  # another office
    assert err["value"] == "210100"
    err = _only_field(_file(admin, hand_signer="猪八"), "hand_signer")
    assert "cancelled" in err["expected_en"] and "注销" in err["expected_zh"]
    err = _only_field(_file(admin, hand_signer="无名氏"), "hand_signer")
    assert "not registered" in err["expected_en"]
    _only_field(_file(admin, hand_signer=""), "hand_signer")
    # a hand-signer of another enterprise is not NEWCO's
    _only_field(_file(admin, hand_signer="王丹"), "hand_signer")

    # nothing of that was saved
    assert admin.get(f"{V1}/user-filing").json()["filed"] is False
    operator = api.as_("new_operator")
    assert operator.get(f"{V1}/certificates").status_code == 403

    r = _file(admin)
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["filed"] is True
    assert state["enterprise_code"] == NEW_CODE and state["ccpit_code"] == samples.CCPIT_CODE
    assert state["hand_signer"] == "孙悟" and state["name_en"] == "NEWCO TRADING LTD."
    assert state["filed_at"]

    # the same tokens now work on enterprise endpoints
    assert operator.get(f"{V1}/auth/me").json()["user_filing_done"] is True
    assert operator.get(f"{V1}/certificates").json()["total"] == 0
    r = operator.post(f"{V1}/special-clauses", json={"code": "NC1", "text": "NEWCO CLAUSE"})
    assert r.status_code == 201, r.text
    r = operator.post(f"{V1}/certificates", json={"cert_type": "C", "hand_signer": "孙悟"})
    assert r.status_code == 201, r.text
    assert r.json()["enterprise_code"] == NEW_CODE
    assert r.json()["internal_number"].startswith(NEW_CODE)


def test_an_enterprise_filed_by_another_account_is_409(api) -> None:
    admin = api.as_("new_admin")
    for code, signer in ((samples.ENTERPRISE_CODE, "王丹"), (LN_CODE, "赵云")):
        r = _file(admin, enterprise_code=code, hand_signer=signer)
        assert r.status_code == 409, r.text
        assert code in r.json()["message_en"] and code in r.json()["message_zh"]
    assert admin.get(f"{V1}/user-filing").json()["filed"] is False
    # filing one's own enterprise again is not a conflict
    hx = api.as_("hx_admin")
    r = _file(hx, enterprise_code=samples.ENTERPRISE_CODE, hand_signer="李明")
    assert r.status_code == 200, r.text
    assert r.json()["hand_signer"] == "李明"
