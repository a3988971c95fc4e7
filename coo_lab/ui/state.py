"""What every screen model shares: change notification, a notice for the user, progress.

Screen models are plain classes; widgets subscribe to them (``model.observe(callback)``) and
redraw from their state. A model's action never lets an error escape to the widget: a
``CooLabError`` (a refusal of the service, bad input) becomes a readable ``Notice`` in both
languages, and anything else becomes an "unexpected error" notice with its one-line text —
never a traceback on a user's screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from coo_lab.errors import CooLabError, ValidationFailed
from coo_lab.ui.i18n import LABELS, Language, field_label

T = TypeVar("T")


@dataclass(frozen=True)
class Notice:
    """A message for the user: ``kind`` is info, ok, warning or error; lines in zh and en."""

    kind: str
    zh: str
    en: str
    details: tuple[tuple[str, str], ...] = field(default=())  # (zh, en) per line

    def text(self, lang: Language) -> str:
        head = self.zh if lang == Language.ZH else self.en
        lines = [zh if lang == Language.ZH else en for zh, en in self.details]
        return "\n".join([head, *lines]) if lines else head

    @property
    def is_error(self) -> bool:
        return self.kind == "error"

    @classmethod
    def of(cls, kind: str, key: str, **values: object) -> Notice:
        zh, en = LABELS[key]
        return cls(kind, zh.format(**values), en.format(**values))


def field_error_lines(exc: ValidationFailed) -> tuple[tuple[str, str], ...]:
    """One line per bad field: its name, the value given and what is expected."""
    lines = []
    for e in exc.errors:
        value = "（空）" if e.value in (None, "") else repr(e.value)
        value_en = "(blank)" if e.value in (None, "") else repr(e.value)
        lines.append(
            (
                f"{field_label(e.field, Language.ZH)}：{value} 无效，应为{e.expected_zh}",
                f"{field_label(e.field, Language.EN)}: {value_en} is not valid; "
                f"expected {e.expected_en}",
            )
        )
    return tuple(lines)


def error_notice(exc: BaseException) -> Notice:
    """Any error as a message a person can read (no traceback, ever)."""
    if isinstance(exc, ValidationFailed):
        zh, en = LABELS["fix_fields"]
        return Notice("error", zh, en, field_error_lines(exc))
    if isinstance(exc, CooLabError):
        return Notice("error", exc.message_zh, exc.message_en)
    zh, en = LABELS["unexpected"]
    one_line = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return Notice("error", zh + one_line, en + one_line)


class Model:
    """Observable state of one screen: ``observe`` a callback, ``changed`` tells them."""

    def __init__(self) -> None:
        self._observers: list[Callable[[str], None]] = []
        self.notice: Notice | None = None
        self.progress: tuple[int, int] | None = None  # (done, total) of a long action

    def observe(self, callback: Callable[[str], None]) -> None:
        self._observers.append(callback)

    def changed(self, what: str = "all") -> None:
        for callback in list(self._observers):
            callback(what)

    def tell(self, notice: Notice | None) -> None:
        self.notice = notice
        self.changed("notice")

    def attempt(self, action: Callable[[], T], *, ok: Notice | None = None) -> T | None:
        """Run ``action``; its error becomes the notice. Returns its result or ``None``."""
        try:
            result = action()
        except Exception as exc:  # a user's screen shows a message, never a traceback
            self.tell(error_notice(exc))
            return None
        if ok is not None:
            self.tell(ok)
        return result

    def perform(self, action: Callable[[], object], *, ok: Notice | None = None) -> bool:
        """Run ``action``; its error becomes the notice. Returns whether it succeeded."""
        try:
            action()
        except Exception as exc:  # a user's screen shows a message, never a traceback
            self.tell(error_notice(exc))
            return False
        if ok is not None:
            self.tell(ok)
        return True

    def each(self, items: Iterable[Any], action: Callable[[Any], object]) -> list[Notice]:
        """A long action over many items, with progress; returns the failures' notices."""
        todo = list(items)
        failures: list[Notice] = []
        self.progress = (0, len(todo))
        self.changed("progress")
        for done, item in enumerate(todo, start=1):
            try:
                action(item)
            except Exception as exc:
                failures.append(error_notice(exc))
            self.progress = (done, len(todo))
            self.changed("progress")
        self.progress = None
        self.changed("progress")
        return failures
