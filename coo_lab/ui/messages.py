"""Messages shown next to the fields they concern: input errors and rule findings.

A finding's field is a dotted path (``goods.1.description``, ``exporter.name_en``); a widget
showing ``exporter`` shows the messages of ``exporter`` and of everything under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from coo_lab.errors import ValidationFailed
from coo_lab.ui.i18n import LABELS, Language, field_label
from coo_lab.ui.state import Notice


@dataclass(frozen=True)
class Message:
    severity: str  # error | warning
    zh: str
    en: str
    code: str = ""

    def text(self, lang: Language) -> str:
        words = self.zh if lang == Language.ZH else self.en
        return f"[{self.code}] {words}" if self.code else words


def from_findings(findings: Iterable[Any]) -> dict[str, list[Message]]:
    """Findings (``Finding`` objects or the service's dicts) grouped by field path."""
    grouped: dict[str, list[Message]] = {}
    seen: set[tuple[str, str, str]] = set()
    for f in findings:
        get = f.get if isinstance(f, Mapping) else lambda k, f=f: getattr(f, k)
        key = (get("code"), get("field"), get("message_en"))
        if key in seen:
            continue
        seen.add(key)
        severity = str(getattr(get("severity"), "value", get("severity")))
        message = Message(severity, get("message_zh"), get("message_en"), get("code"))
        for path in str(get("field")).split(", "):  # CO-REQ-001 names several fields
            grouped.setdefault(path.strip(), []).append(message)
    return grouped


def from_validation(exc: ValidationFailed, prefix: str = "") -> dict[str, list[Message]]:
    """A ``ValidationFailed``'s fields as messages (``prefix`` re-roots nested paths)."""
    grouped: dict[str, list[Message]] = {}
    for e in exc.errors:
        value = "（空）" if e.value in (None, "") else repr(e.value)
        value_en = "(blank)" if e.value in (None, "") else repr(e.value)
        path = prefix + e.field if e.field != "(model)" else prefix.rstrip(".") or e.field
        grouped.setdefault(path, []).append(
            Message(
                "error",
                f"{value} 无效，应为{e.expected_zh}",
                f"{value_en} is not valid; expected {e.expected_en}",
            )
        )
    return grouped


def under(grouped: Mapping[str, list[Message]], field: str) -> list[Message]:
    """The messages of ``field`` and of every path beneath it."""
    out: list[Message] = []
    for path, messages in grouped.items():
        if path == field or path.startswith(field + "."):
            out.extend(messages)
    return out


def count(grouped: Mapping[str, list[Message]], severity: str | None = None) -> int:
    return sum(
        1 for messages in grouped.values() for m in messages if severity in (None, m.severity)
    )


def lines(grouped: Mapping[str, list[Message]]) -> tuple[tuple[str, str], ...]:
    """One (zh, en) line per message, each led by the name of its field."""
    zh, en = Language.ZH, Language.EN
    return tuple(
        (f"{field_label(p, zh)}：{m.text(zh)}", f"{field_label(p, en)}: {m.text(en)}")
        for p, ms in grouped.items()
        for m in ms
    )


def fix_first(grouped: Mapping[str, list[Message]]) -> Notice:
    """ "Correct these fields first", with the fields."""
    zh, en = LABELS["fix_fields"]
    return Notice("error", zh, en, lines(grouped))


def findings_notice(grouped: Mapping[str, list[Message]], *, local_only: bool) -> Notice:
    """The outcome of a check: how many findings, which, and whether only local rules ran."""
    found = lines(grouped)
    note_zh, note_en = ("（本地检查）", " (local check)") if local_only else ("", "")
    worst = "error" if count(grouped, "error") else "warning"
    return Notice(
        worst, f"发现 {len(found)} 个问题{note_zh}：", f"{len(found)} finding(s){note_en}:", found
    )
