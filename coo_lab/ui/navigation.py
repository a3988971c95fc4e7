"""The menu of the original system and which entries a user may open.

Enterprise users get the deck's menu: 用户备案, 原产地证 (create by type, the three queries),
商品备案, 基础资料, 数据同步, 状态推送, 系统公告 — all but user filing and the
announcements wait for user filing. Reviewers get the review queue and the announcements.
Entries whose service part the client does not offer stay in the menu and say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice


@dataclass(frozen=True)
class Entry:
    key: str  # the page it opens; also its label key ``menu_<key>``
    children: tuple[str, ...] = ()
    before_filing: bool = False  # open before user filing is done

    @property
    def label(self) -> str:
        return f"menu_{self.key}"


ENTERPRISE_MENU = (
    Entry("user_filing", before_filing=True),
    Entry("certificates", ("create", "preferential", "general", "void")),
    Entry("filings", ("filing_form", "filing_query")),
    Entry("basedata", ("exporters", "importers", "producers", "special_clauses")),
    Entry("sync"),
    Entry("push"),
    Entry("announcements", before_filing=True),
)
REVIEWER_MENU = (Entry("review", ("review_queue", "review_filings")), Entry("announcements"))
CERTIFICATE_PAGE = "certificate"  # the form itself: opened from the create page or a query


class Navigator(Model):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.page: str | None = None

    def menu(self) -> tuple[Entry, ...]:
        if not self.session.logged_in:
            return ()
        return REVIEWER_MENU if self.session.is_reviewer else ENTERPRISE_MENU

    def home(self) -> str:
        """Where a login lands: the queue, the announcements, or user filing if not done."""
        if self.session.is_reviewer:
            return "review_queue"
        return "announcements" if self.session.filed else "user_filing"

    def may_open(self, key: str) -> bool:
        entry = self._entry(key)
        if entry is None:
            return key == CERTIFICATE_PAGE and self.session.filed and not self.session.is_reviewer
        return self.session.is_reviewer or entry.before_filing or self.session.filed

    def go(self, key: str) -> bool:
        if not self.may_open(key):
            self.tell(Notice.of("error", "filing_required"))
            return False
        self.page = key
        self.notice = None
        self.changed("page")
        return True

    def _entry(self, key: str) -> Entry | None:
        for entry in self.menu():
            if entry.key == key and not entry.children:
                return entry
            if key in entry.children:
                return entry
        return None
