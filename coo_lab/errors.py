"""The one exception tree of coo_lab.

Everything coo_lab raises on purpose is a ``CooLabError``, so a notebook can catch one name::

    CooLabError
    ├── ValidationFailed      bad input: carries one ``FieldError`` per bad field (HTTP 422)
    ├── NotFound              an id or code that does not exist, or is not yours (HTTP 404)
    ├── Conflict              a stale version or a duplicate (HTTP 409)
    │   └── IllegalTransition a lifecycle action not allowed in the current status
    ├── PermissionDenied      the role or enterprise may not do this (HTTP 403)
    └── ServiceUnavailable    the service cannot be reached or is overloaded (HTTP 503)

Messages are for people: each names the field, the value and what is expected, in
Chinese and English (``message_zh`` / ``message_en``; ``str()`` gives both).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


class CooLabError(Exception):
    """Base of every error coo_lab raises on purpose."""

    status_code = 400

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        self.message_en = message_en
        self.message_zh = message_zh or message_en
        super().__init__(self.message_en)

    def __str__(self) -> str:
        if self.message_zh == self.message_en:
            return self.message_en
        return f"{self.message_zh} / {self.message_en}"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad field: where, what was given, and what was expected (zh/en)."""

    field: str
    value: Any
    expected_en: str
    expected_zh: str
    code: str = "invalid"

    @property
    def message_en(self) -> str:
        return f"`{self.field}`: {self.value!r} is not valid; expected {self.expected_en}"

    @property
    def message_zh(self) -> str:
        return f"字段 `{self.field}` 的值 {self.value!r} 无效，应为{self.expected_zh}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = _jsonable(self.value)
        data["message_en"] = self.message_en
        data["message_zh"] = self.message_zh
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no inf/nan: `1e999` or `NaN` sent in a body is echoed as text
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class ValidationFailed(CooLabError, ValueError):
    """Input that does not fit: one ``FieldError`` per bad field, all reported at once."""

    status_code = 422

    def __init__(self, errors: list[FieldError], model: str | None = None) -> None:
        self.errors = list(errors)
        self.model = model
        subject = f"{model}: " if model else ""
        super().__init__(
            subject + "; ".join(e.message_en for e in self.errors),
            subject + "；".join(e.message_zh for e in self.errors),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "errors": [e.to_dict() for e in self.errors]}


class NotFound(CooLabError):
    status_code = 404


class Conflict(CooLabError):
    status_code = 409


class IllegalTransition(Conflict):
    """A lifecycle action that the current status does not allow."""

    status_code = 409

    def __init__(self, kind: str, state: str, action: str, allowed: list[str]) -> None:
        self.kind, self.state, self.action, self.allowed = kind, state, action, allowed
        allowed_txt = ", ".join(allowed) or "none"
        super().__init__(
            f"cannot {action} a {kind} in status `{state}`; allowed actions there: {allowed_txt}",
            f"{kind} 当前状态为 `{state}`，不能执行 `{action}`；该状态允许：{allowed_txt}",
        )


class PermissionDenied(CooLabError):
    status_code = 403


class ServiceUnavailable(CooLabError):
    status_code = 503
