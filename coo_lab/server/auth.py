"""Accounts: password hashing, bearer tokens, login rate limits, and who may do what.

Passwords are hashed with scrypt (a deliberately slow, memory-hard hash from the standard
library). Tokens are random, stored only as their SHA-256, and expire. Failed logins are
counted per username in the database, so the limit holds across service processes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from coo_lab.errors import CooLabError, PermissionDenied
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction

TOKEN_TTL = timedelta(hours=8)
LOGIN_WINDOW = timedelta(minutes=5)
LOGIN_MAX_FAILURES = 5
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class Role(StrEnum):
    ADMIN = "admin"  # enterprise administrator: user filing, users, subscriptions, all data
    OPERATOR = "operator"  # 制单员: base data, filings, certificates
    MANAGER = "manager"  # read only
    REVIEWER = "reviewer"  # authority (CCPIT visa office)


class Unauthenticated(CooLabError):
    status_code = 401


class TooManyAttempts(CooLabError):
    status_code = 429


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """The user behind a request, with the enterprise or office whose data they may see."""

    user_id: int
    username: str
    role: Role
    display_name: str
    company_id: int | None
    office_id: int | None
    office_code: str | None
    enterprise_code: str | None = None  # set once the company has done user filing
    company_ccpit_code: str | None = None

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise PermissionDenied(
                f"role `{self.role.value}` may not do this; it needs one of: {allowed}",
                f"角色 `{self.role.value}` 无权执行此操作，需要：{allowed}",
            )

    def require_writer(self) -> None:
        """Enterprise users who may change data (managers only read)."""
        self.require(Role.ADMIN, Role.OPERATOR)


def login(tx: Transaction, username: str, password: str) -> tuple[str, datetime, Principal]:
    """Check a password and issue a token; too many recent failures refuse even a right one."""
    moment = now()
    failures = tx.scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE username = ? AND at > ? AND success = 0",
        (username, iso(moment - LOGIN_WINDOW)),
    )
    if failures >= LOGIN_MAX_FAILURES:
        minutes = int(LOGIN_WINDOW.total_seconds() // 60)
        raise TooManyAttempts(
            f"too many failed logins for `{username}`; try again in {minutes} minutes",
            f"用户 `{username}` 登录失败次数过多，请 {minutes} 分钟后再试",
        )
    row = tx.one("SELECT id, password_hash FROM users WHERE username = ?", (username,))
    # an unknown user costs the same hash as a known one: timing must not tell them apart
    ok = verify_password(password, row["password_hash"] if row else _dummy_hash()) and bool(row)
    tx.execute(
        "INSERT INTO login_attempts (username, at, success) VALUES (?, ?, ?)",
        (username, iso(moment), int(ok)),
    )
    if not ok:
        raise Unauthenticated("wrong username or password", "用户名或密码错误")
    token = secrets.token_urlsafe(32)
    expires = moment + TOKEN_TTL
    tx.execute(
        "INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (_token_hash(token), row["id"], iso(moment), iso(expires)),
    )
    principal = principal_for_user(tx, row["id"])
    return token, expires, principal


def logout(tx: Transaction, token: str) -> None:
    tx.execute("DELETE FROM tokens WHERE token_hash = ?", (_token_hash(token),))


_PRINCIPAL_SQL = """
    SELECT u.id, u.username, u.role, u.display_name, u.company_id, u.office_id,
           o.ccpit_code AS office_code, c.enterprise_code, c.ccpit_code AS company_ccpit_code,
           c.filed_at
    FROM users u LEFT JOIN offices o ON o.id = u.office_id
    LEFT JOIN companies c ON c.id = u.company_id
"""


def principal_for_user(tx: Transaction, user_id: int) -> Principal:
    row = tx.one(_PRINCIPAL_SQL + " WHERE u.id = ?", (user_id,))
    assert row is not None
    return _principal(row)


def authenticate(tx: Transaction, token: str | None) -> Principal:
    """The principal of a bearer token; a missing, unknown or expired token is refused."""
    if not token:
        raise Unauthenticated(
            "log in first: send `Authorization: Bearer <token>` (POST /api/v1/auth/login)",
            "请先登录：请求须携带 `Authorization: Bearer <token>`",
        )
    row = tx.one(
        _PRINCIPAL_SQL + " JOIN tokens t ON t.user_id = u.id WHERE t.token_hash = ? "
        "AND t.expires_at > ?",
        (_token_hash(token), iso(now())),
    )
    if row is None:
        raise Unauthenticated(
            "the token is unknown or has expired; log in again", "令牌无效或已过期，请重新登录"
        )
    return _principal(row)


def _principal(row: dict) -> Principal:
    return Principal(
        user_id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        company_id=row["company_id"],
        office_id=row["office_id"],
        office_code=row["office_code"],
        enterprise_code=row["enterprise_code"] if row["filed_at"] else None,
        company_ccpit_code=row["company_ccpit_code"] if row["filed_at"] else None,
    )


def create_user(
    tx: Transaction,
    username: str,
    password: str,
    role: Role,
    *,
    company_id: int | None = None,
    office_id: int | None = None,
    display_name: str = "",
) -> int:
    if (role == Role.REVIEWER) != (office_id is not None) or (
        role != Role.REVIEWER and company_id is None
    ):
        raise ValueError("reviewers belong to an office, everyone else to a company")
    return tx.insert(
        "users",
        {
            "username": username,
            "password_hash": hash_password(password),
            "role": role.value,
            "company_id": company_id,
            "office_id": office_id,
            "display_name": display_name or username,
            "created_at": iso(now()),
        },
    )
