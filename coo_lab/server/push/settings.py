"""How status push is configured: explicit arguments first, ``COO_LAB_*`` variables second.

    COO_LAB_SMTP_HOST / _PORT / _FROM      the mail server and sender (e-mail off without a host)
    COO_LAB_SMTP_USER / _PASSWORD          login, when the server wants one
    COO_LAB_SMTP_STARTTLS=1                upgrade the connection before logging in
    COO_LAB_SMS_PROVIDER                   dotted path of the SMS provider (default: the outbox)
    COO_LAB_WECHAT_PROVIDER                dotted path of the WeChat provider (default: the outbox)
    COO_LAB_PUSH=off                       do not start the dispatcher in this process
    COO_LAB_PUSH_POLL_SECONDS              how often the dispatcher looks at the feed (0.2)
    COO_LAB_PUSH_RETRY_SECONDS             first retry delay; it doubles each time (30)
    COO_LAB_PUSH_MAX_ATTEMPTS              attempts before a delivery is given up (8)
    COO_LAB_PUSH_TIMEOUT_SECONDS           one webhook or SMTP exchange at most (10)

``coo-lab serve`` has options for the SMTP server and the providers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, fields, replace
from typing import Any

from coo_lab.errors import FieldError, ValidationFailed

OUTBOX = "coo_lab.server.push.providers:OutboxProvider"


@dataclass(frozen=True, slots=True)
class PushSettings:
    enabled: bool = True
    poll_seconds: float = 0.2
    retry_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 8
    timeout_seconds: float = 10.0
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "coo-lab@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    sms_provider: str = OUTBOX
    wechat_provider: str = OUTBOX
    code_ttl_seconds: float = 300.0  # a verification code is good for 5 minutes
    code_max_tries: int = 5  # wrong codes before it is spent
    code_resend_seconds: float = 60.0  # one code per address and minute

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure: 1×, 2×, 4×… the first delay."""
        return min(self.retry_seconds * 2 ** max(attempts - 1, 0), self.retry_max_seconds)

    def with_(self, **changes: Any) -> PushSettings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> PushSettings:
        """Settings from ``COO_LAB_*`` variables; ``overrides`` (not None) win."""
        env = os.environ if environ is None else environ
        found: dict[str, Any] = {}
        for name, var in _ENV.items():
            if var in env and env[var] != "":
                found[name] = _parse(name, env[var])
        found.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**found)


def to_env(settings: PushSettings, environ: MutableMapping[str, str]) -> None:
    """Write the settings as ``COO_LAB_*`` variables (how ``--workers`` processes get them)."""
    for name, var in _ENV.items():
        value = getattr(settings, name)
        if value is not None:
            environ[var] = ("1" if value else "0") if isinstance(value, bool) else str(value)


_ENV = {
    "enabled": "COO_LAB_PUSH",
    "poll_seconds": "COO_LAB_PUSH_POLL_SECONDS",
    "retry_seconds": "COO_LAB_PUSH_RETRY_SECONDS",
    "max_attempts": "COO_LAB_PUSH_MAX_ATTEMPTS",
    "timeout_seconds": "COO_LAB_PUSH_TIMEOUT_SECONDS",
    "smtp_host": "COO_LAB_SMTP_HOST",
    "smtp_port": "COO_LAB_SMTP_PORT",
    "smtp_from": "COO_LAB_SMTP_FROM",
    "smtp_user": "COO_LAB_SMTP_USER",
    "smtp_password": "COO_LAB_SMTP_PASSWORD",
    "smtp_starttls": "COO_LAB_SMTP_STARTTLS",
    "sms_provider": "COO_LAB_SMS_PROVIDER",
    "wechat_provider": "COO_LAB_WECHAT_PROVIDER",
}
_TYPES = {f.name: f.type for f in fields(PushSettings)}


_EXPECTED = {"int": ("a whole number", "整数"), "float": ("a number of seconds", "秒数")}


def _parse(name: str, text: str) -> Any:
    kind = _TYPES[name]
    try:
        if kind == "bool":
            return text.strip().lower() not in ("0", "off", "false", "no")
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    except ValueError:
        en, zh = _EXPECTED[kind]
        raise ValidationFailed([FieldError(_ENV[name], text, en, zh)], model="settings") from None
    return text
