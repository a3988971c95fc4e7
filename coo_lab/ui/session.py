"""Who is using the app: the service address, the login, the role and the language.

Login comes first (as in the original system); the role decides the menu: enterprise users
see the declaration screens (everything but user filing waits until user filing is done),
reviewers see the review queue.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coo_lab.ui.i18n import Language
from coo_lab.ui.state import Model, Notice, error_notice

if TYPE_CHECKING:
    from coo_lab.client import Client

DEFAULT_URL = "http://127.0.0.1:8700"


# feature -> how to find it on a client: (attribute path, method it must have)
def service_url(url: str | None = None) -> str:
    """The service address: the argument, else ``COO_LAB_URL``, else the local default."""
    return (url or os.environ.get("COO_LAB_URL") or DEFAULT_URL).rstrip("/")


class Session(Model):
    def __init__(
        self, url: str | None = None, *, connect: Callable[..., Client] | None = None
    ) -> None:
        super().__init__()
        self.url = service_url(url)
        self._connect = connect
        self.language = Language.ZH
        self.client: Client | None = None
        self.me: dict[str, Any] | None = None
        self.filing: dict[str, Any] | None = None

    # --- login -------------------------------------------------------------------------

    def login(self, username: str, password: str) -> bool:
        if self._connect is None:  # the client (requests, the domain models) loads at login,
            from coo_lab.client import Client  # so the login screen appears without it

            self._connect = Client
        try:
            client = self._connect(self.url, username=username.strip(), password=password)
            me = client.me()
            filing = client.user_filing() if me["role"] != "reviewer" else None
        except Exception as exc:  # shown as a message, never a traceback
            self.tell(error_notice(exc))
            return False
        self.client, self.me, self.filing = client, me, filing
        self.notice = Notice.of("ok", "login_ok")
        self.changed("login")
        return True

    def logout(self) -> None:
        client, self.client, self.me, self.filing = self.client, None, None, None
        if client is not None:
            with contextlib.suppress(Exception):  # the token is dropped whatever the answer
                client.logout()
        self.notice = None
        self.changed("login")

    def refresh(self) -> None:
        """Reload who I am and my filing (after user filing, for instance)."""
        if self.client is None:
            return

        def go() -> None:
            self.me = self.client.me()
            if not self.is_reviewer:
                self.filing = self.client.user_filing()

        self.attempt(go)
        self.changed("login")

    # --- who ---------------------------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return self.client is not None

    @property
    def role(self) -> str:
        return self.me["role"] if self.me else ""

    @property
    def is_reviewer(self) -> bool:
        return self.role == "reviewer"

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "operator")

    @property
    def filed(self) -> bool:
        return bool(self.me and self.me.get("user_filing_done"))

    @property
    def display_name(self) -> str:
        if not self.me:
            return ""
        company = self.me.get("company")
        return f"{self.me['display_name']} ({company})" if company else self.me["display_name"]

    # --- language ---------------------------------------------------------------

    def toggle_language(self) -> None:
        self.language = Language.EN if self.language == Language.ZH else Language.ZH
        self.changed("language")
