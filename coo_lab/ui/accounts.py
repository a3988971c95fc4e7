"""User filing (用户备案) and the announcements (系统公告) — the screens around the work."""

from __future__ import annotations

from typing import Any

from coo_lab.domain.parties import UserFiling
from coo_lab.errors import ValidationFailed
from coo_lab.ui import messages, service
from coo_lab.ui.messages import Message
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice, error_notice

FILING_FIELDS = ("ccpit_code", "enterprise_code", "hand_signer")


class UserFilingForm(Model):
    """Link the account's enterprise to its CCPIT registration (admin only, as in the deck)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.values: dict[str, str] = dict.fromkeys(FILING_FIELDS, "")
        self.errors: dict[str, list[Message]] = {}
        self.load()

    @property
    def state(self) -> dict[str, Any]:
        return self.session.filing or {}

    def load(self) -> None:
        state = self.state
        for field in FILING_FIELDS:
            self.values[field] = state.get(field) or ""
        self.changed("all")

    def reload(self) -> None:
        self.load()

    def display(self, field: str) -> str:
        return self.values[field]

    def set(self, field: str, value: Any) -> None:
        self.values[field] = "" if value is None else str(value)
        self.errors.pop(field, None)
        self.changed(field)

    def messages(self, field: str) -> list[Message]:
        return messages.under(self.errors, field)

    def file(self) -> bool:
        """备案: the service checks the codes and the hand-signer against the registry."""
        try:
            filing = UserFiling.model_validate(self.values)
            self.session.client.file_user(
                filing.ccpit_code, filing.enterprise_code, filing.hand_signer
            )
        except ValidationFailed as exc:
            self.errors = messages.from_validation(exc)
            self.tell(error_notice(exc))
            self.changed("all")
            return False
        except Exception as exc:  # a refusal of the service, shown as a message
            self.tell(error_notice(exc))
            return False
        self.session.refresh()
        self.load()
        self.tell(Notice.of("ok", "filed_ok"))
        return True


class Announcements(Model):
    """系统公告: title, date, publisher; one opened to read its text."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[dict[str, Any]] = []
        self.opened: dict[str, Any] | None = None

    def load(self) -> bool:
        def go() -> None:
            self.rows = service.announcements(self.session.client)

        ok = self.perform(go)
        self.changed("rows")
        return ok

    def reload(self) -> None:
        self.load()

    def open(self, announcement_id: int) -> None:
        self.opened = next((r for r in self.rows if r["id"] == announcement_id), None)
        self.changed("opened")
