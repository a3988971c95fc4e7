"""Optimistic concurrency: an update names the version it read; a stale one gets 409."""

from __future__ import annotations

from typing import Any

from coo_lab.errors import Conflict


def check_version(row: dict[str, Any], expected: int | None, what: str = "record") -> None:
    if expected is None:
        raise Conflict(
            "send the version you read in an `If-Match` header (e.g. If-Match: 3); an update "
            "without it could overwrite someone else's change",
            "请在 `If-Match` 请求头中提供读取时的版本号（如 If-Match: 3），以免覆盖他人的修改",
        )
    if expected != row["version"]:
        raise Conflict(
            f"{what} {row['id']} changed since you read it (your version {expected}, now "
            f"{row['version']}); reload and apply your change again",
            f"{what} {row['id']} 已被修改（读取时版本 {expected}，当前 {row['version']}），"
            "请刷新后重试",
        )
