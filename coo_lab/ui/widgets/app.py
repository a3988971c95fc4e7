"""The declaration app: login first, then the deck's menu on the left and a page on the right.

    app = DeclarationApp()          # service from COO_LAB_URL, else http://127.0.0.1:8700
    app.widget                      # display this (a notebook cell, or Voilà)

Pages are built the first time they are opened and kept until logout. Their modules (and
with them the client, the domain models and the rules) load at that moment too, so the
login screen appears as soon as ipywidgets is there.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from coo_lab.ui.navigation import CERTIFICATE_PAGE, Navigator
from coo_lab.ui.session import Session
from coo_lab.ui.state import error_notice
from coo_lab.ui.widgets.common import NoticeBar, Words, esc, hidden, tag

if TYPE_CHECKING:
    from coo_lab.ui.form import CertificateForm

PRELOAD = (
    "coo_lab.client",
    "coo_lab.ui.form",
    "coo_lab.ui.queries",
    "coo_lab.ui.widgets.certificate",
    "coo_lab.ui.widgets.query",
    "coo_lab.ui.widgets.screens",
)


def preload(done: threading.Event) -> None:
    """Import what the pages need while the login screen waits for a password.

    Runs on a background thread: Python's import locks make a page that needs a module
    meanwhile simply wait for it. A failure here changes nothing — the page's own import
    raises it again where the app shows it as a message."""
    try:
        for name in PRELOAD:
            importlib.import_module(name)
        from coo_lab.ui import lookups

        lookups.country_options()
    except Exception:  # reported by the page's own import, where it is shown
        pass
    finally:
        done.set()


GROUPS = frozenset({"certificates", "filings", "basedata", "review"})  # headings, no page
BASE_PAGES = {
    "exporters": "exporters",
    "importers": "importers",
    "producers": "producers",
    "special_clauses": "special-clauses",
}


class LoginView(w.VBox):
    def __init__(self, session: Session, words: Words) -> None:
        super().__init__(layout=w.Layout(width="460px", padding="16px"))
        self.session, self.words = session, words
        self.username = w.Text(layout=w.Layout(width="300px"))
        self.password = w.Password(layout=w.Layout(width="300px"))
        words.label(self.username, "username")
        words.label(self.password, "password")
        self.button = words.button("login", style="primary", width="300px")
        self.button.on_click(lambda b: self.words.busy(b, self.login, lambda: None))
        tag(self, "login")
        for widget, name in ((self.username, "username"), (self.password, "password")):
            tag(widget, "login", name)
        tag(self.button, "login", "button")
        self.notice = tag(NoticeBar(session, words), "login", "notice")
        self.children = [
            words.label(w.HTML(), "app_title", "value"),
            w.HTML(f"<small>{esc(session.url)}</small>"),
            self.username,
            self.password,
            self.button,
            self.notice,
        ]

    def login(self) -> bool:
        ok = self.session.login(self.username.value, self.password.value)
        if ok:
            self.password.value = ""
        return ok


class DeclarationApp:
    """The whole app; ``widget`` is what to display. Tests reach its models and pages."""

    def __init__(self, url: str | None = None, *, session: Session | None = None) -> None:
        self.session = session or Session(url)
        self.words = Words(self.session)
        self.nav = Navigator(self.session)
        self.form: CertificateForm | None = None
        self.pages: dict[str, w.Widget] = {}
        self.models: dict[str, object] = {}
        self.login_view = LoginView(self.session, self.words)
        self.language = tag(w.Button(layout=w.Layout(width="auto")), "language")
        self.words.label(self.language, "language")
        self.language.on_click(lambda _b: self.words.guard(lambda: self.session.toggle_language()))
        self.logout = tag(self.words.button("logout"), "logout")
        self.logout.on_click(lambda _b: self.words.guard(lambda: self.session.logout()))
        self.welcome = tag(w.HTML(), "welcome")
        self.menu = w.VBox(layout=w.Layout(width="210px"))
        self.menu_buttons: dict[str, w.Button] = {}
        self.page = w.VBox(layout=w.Layout(flex="1", padding="0 0 0 12px"))
        self.header = w.HBox(
            [self.words.label(w.HTML(), "app_title", "value"), self.welcome, self.language,
             self.logout],
            layout=w.Layout(justify_content="space-between", border_bottom="2px solid #2874a6"),
        )  # fmt: skip
        self.nav_notice = tag(NoticeBar(self.nav, self.words), "nav", "notice")
        self.main = w.VBox(
            [self.header, self.nav_notice, w.HBox([self.menu, self.page])],
        )
        self.widget = w.VBox([self.login_view, self.main])
        self.words.on_unexpected = self._unexpected
        self.session.observe(self._on_session)
        self.nav.observe(self._on_nav)
        self._show_login()
        self.preloaded = threading.Event()
        threading.Thread(target=preload, args=(self.preloaded,), daemon=True).start()

    def _unexpected(self, exc: BaseException) -> None:
        """A defect in a screen: its one-line message where the user looks, no traceback."""
        (self.nav if self.session.logged_in else self.session).tell(error_notice(exc))

    # --- navigation ------------------------------------------------------------------------

    def go(self, key: str) -> bool:
        return self.nav.go(key)

    def open_new(self, cert_type: str) -> None:
        """A new certificate of that type (the create page's buttons)."""
        if self.nav.go(CERTIFICATE_PAGE):
            self._form().new(cert_type)

    def open_certificate(self, cert_id: int) -> None:
        """A saved certificate (an invoice number clicked in a query)."""
        if self.nav.go(CERTIFICATE_PAGE):
            self._form().load(cert_id)

    def open_filing(self, filing_id: int) -> None:
        """A saved product filing (its HS code clicked in the filing query)."""
        if self.nav.go("filing_form"):
            self.models["filing_form"].load(filing_id)

    def page_of(self, key: str) -> w.Widget:
        """The page (built on first use)."""
        if key not in self.pages:
            self.pages[key] = self._build(key)
        return self.pages[key]

    # --- building pages ---------------------------------------------------------------------

    def _form(self) -> CertificateForm:
        from coo_lab.ui.form import CertificateForm

        if self.form is None:
            self.form = CertificateForm(self.session)
        return self.form

    def _build(self, key: str) -> w.Widget:
        from coo_lab.ui.accounts import Announcements, UserFilingForm
        from coo_lab.ui.basedata import BaseDataBook
        from coo_lab.ui.datasync import DataSyncDesk
        from coo_lab.ui.filings import FilingForm
        from coo_lab.ui.push import PushDesk
        from coo_lab.ui.queries import CertificateQuery
        from coo_lab.ui.review import FilingReviewDesk, ReviewDesk
        from coo_lab.ui.widgets.basedata import BaseDataPage
        from coo_lab.ui.widgets.certificate import CertificatePage
        from coo_lab.ui.widgets.datasync import DataSyncPage
        from coo_lab.ui.widgets.filings import FilingPage, FilingQueryPage
        from coo_lab.ui.widgets.push import PushPage
        from coo_lab.ui.widgets.query import QueryPage
        from coo_lab.ui.widgets.review import FilingReviewPage, ReviewPage
        from coo_lab.ui.widgets.screens import (
            AnnouncementsPage,
            CreatePage,
            UserFilingPage,
        )

        words, session = self.words, self.session
        builders: dict[str, Callable[[], w.Widget]] = {
            "user_filing": lambda: UserFilingPage(self._model(key, UserFilingForm), words),
            "create": lambda: CreatePage(words, self.open_new),
            CERTIFICATE_PAGE: lambda: CertificatePage(self._form(), words),
            "announcements": lambda: AnnouncementsPage(self._model(key, Announcements), words),
            "review_queue": lambda: ReviewPage(self._model(key, ReviewDesk), words),
            "review_filings": lambda: FilingReviewPage(self._model(key, FilingReviewDesk), words),
            "filing_form": lambda: FilingPage(self._model(key, FilingForm), words),
            "filing_query": lambda: FilingQueryPage(self._filing_query(), words),
            "sync": lambda: DataSyncPage(self._model(key, DataSyncDesk), words),
            "push": lambda: PushPage(self._model(key, PushDesk), words),
        }
        if key in ("preferential", "general", "void"):
            query = CertificateQuery(session, key)
            query.on_open = self.open_certificate
            self.models[key] = query
            return QueryPage(query, words)
        if key in BASE_PAGES:
            book = BaseDataBook(session, BASE_PAGES[key])
            self.models[key] = book
            return BaseDataPage(book, words)
        return builders[key]()

    def _filing_query(self) -> object:
        from coo_lab.ui.filings import FilingQuery

        query = self._model("filing_query", FilingQuery)
        query.on_open = self.open_filing
        return query

    def _model(self, key: str, cls: type) -> object:
        if key not in self.models:
            self.models[key] = cls(self.session)
        return self.models[key]

    def _on_open(self, key: str) -> None:
        """What a page loads each time it is opened (the queries, lists and queue anew)."""
        model = self.models.get(key)
        if model is not None:
            model.reload()

    # --- drawing ----------------------------------------------------------------------------

    def _on_session(self, what: str) -> None:
        if what == "login":
            if self.session.logged_in:
                self._show_main()
            else:
                self._show_login()
        elif what == "language":
            self._mark_menu()

    def _on_nav(self, what: str) -> None:
        if what == "page" and self.nav.page is not None:
            page = self.page_of(self.nav.page)
            self.page.children = [page]
            self._on_open(self.nav.page)
            self._mark_menu()

    def _show_login(self) -> None:
        self.pages.clear()
        self.models.clear()
        self.form = None
        self.nav.page = None
        self.page.children = []
        hidden(self.login_view, False)
        hidden(self.main, True)

    def _show_main(self) -> None:
        hidden(self.login_view, True)
        hidden(self.main, False)
        self._build_menu()
        self.nav.go(self.nav.home())

    def _build_menu(self) -> None:
        """The menu for this user's role (built at login; navigation only marks it)."""
        for button in self.menu_buttons.values():
            button.close()
        self.menu_buttons = {}
        children = []
        for entry in self.nav.menu():
            children.append(self._menu_button(entry.key, bold=True))
            children += [self._menu_button(child, indent=True) for child in entry.children]
        self.menu.children = children
        self._mark_menu()

    def _mark_menu(self) -> None:
        """Labels in the current language, the open page highlighted, closed ones disabled."""
        for key, button in self.menu_buttons.items():
            indent = "   " if key in self._children else ""
            button.description = indent + self.words(f"menu_{key}")
            button.button_style = "info" if key == self.nav.page else ""
            if key not in GROUPS:
                button.disabled = not self.nav.may_open(key)
        if self.session.logged_in:
            self.welcome.value = f"{esc(self.words('welcome'))}{esc(self.session.display_name)}"

    @property
    def _children(self) -> set[str]:
        return {child for entry in self.nav.menu() for child in entry.children}

    def _menu_button(self, key: str, *, bold: bool = False, indent: bool = False) -> w.Button:
        button = w.Button(
            layout=w.Layout(width="200px", margin="0 0 0 16px" if indent else "0"),
            style={"font_weight": "bold"} if bold else {},
        )
        if key not in GROUPS:
            button.on_click(lambda _b: self.words.guard(lambda: self.nav.go(key)))
        self.menu_buttons[key] = tag(button, "menu", key)
        return button
