"""Login, the menu by role and filing state, user filing, announcements, readable errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from service.conftest import NEW_CODE

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.ui import DeclarationApp
from coo_lab.ui.i18n import Language
from coo_lab.ui.navigation import Navigator
from coo_lab.ui.widgets.common import Words
from coo_lab.ui.widgets.screens import AnnouncementsPage, UserFilingPage

from .conftest import SHOWN_AS_MESSAGE, login


def test_login_first_then_the_decks_menu(live) -> None:
    app = DeclarationApp(live.url)
    assert app.login_view.layout.display != "none" and app.main.layout.display == "none"

    login(app, "hx_operator", "wrong password")
    notice = app.session.notice
    assert notice.is_error and notice.zh == "用户名或密码错误"
    assert "用户名或密码错误" in app.login_view.children[-1].message.value
    app.language.click()  # the English toggle
    assert "wrong username or password" in app.login_view.children[-1].message.value
    assert app.login_view.button.description == "Log in"
    app.language.click()

    login(app, "hx_operator")
    assert app.session.me["role"] == "operator"
    assert app.main.layout.display != "none" and app.login_view.layout.display == "none"
    assert app.nav.page == "announcements"  # the home page shows the announcements
    assert isinstance(app.page.children[0], AnnouncementsPage)
    assert [b.description.strip() for b in app.menu.children] == [
        "用户备案", "原产地证", "创建原产地证", "优惠原产地证查询", "一般原产地证查询",
        "作废原产地证查询", "商品备案", "商品备案", "商品备案查询", "基础资料", "出口商管理",
        "进口商管理", "生产商管理", "特殊条款管理", "数据同步", "状态推送", "系统公告",
    ]  # fmt: skip
    assert "大连海兴国际贸易有限公司" in app.welcome.value

    app.language.click()
    assert app.session.language == Language.EN
    assert app.menu_buttons["create"].description.strip() == "New certificate"

    app.logout.click()
    assert not app.session.logged_in and app.login_view.layout.display != "none"
    assert app.pages == {} and app.page.children == ()


def test_before_user_filing_only_filing_is_open_then_the_admin_files(live) -> None:
    app = login(DeclarationApp(live.url), "new_operator")
    assert app.nav.page == "user_filing"
    assert app.menu_buttons["create"].disabled and not app.menu_buttons["user_filing"].disabled
    assert not app.go("preferential")
    assert app.nav.notice.zh == "请先完成用户备案，才能使用其他功能。"
    page = app.page.children[0]
    assert isinstance(page, UserFilingPage) and page.button.disabled  # admins file
    assert "未备案" in page.state.value

    admin = login(DeclarationApp(live.url), "new_admin")
    page = admin.page.children[0]
    form = admin.models["user_filing"]
    page.bindings["ccpit_code"].widget.value = "2102"  # not six digits
    page.bindings["enterprise_code"].widget.value = NEW_CODE
    page.bindings["hand_signer"].widget.value = "孙悟"
    page.button.click()
    assert not admin.session.filed
    assert "6位贸促会机构编码" in page.bindings["ccpit_code"].messages.value
    assert "贸促会编码" in form.notice.text(Language.ZH)

    page.bindings["ccpit_code"].widget.value = samples.CCPIT_CODE
    page.bindings["hand_signer"].widget.value = "猪八戒"  # not registered with the office
    page.button.click()
    assert form.notice.is_error and "猪八戒" in form.notice.text(Language.ZH)
    assert "registered with the authority" in form.notice.text(Language.EN)
    assert "未注销的手签员" in page.bindings["hand_signer"].messages.value  # next to the field

    page.bindings["hand_signer"].widget.value = "孙悟"
    page.button.click()
    assert form.notice.zh == "用户备案成功。"
    assert admin.session.filed and "已备案" in page.state.value
    assert not admin.menu_buttons["create"].disabled
    assert Client(live.url, username="new_admin", password="pw-new_admin").me()["user_filing_done"]


def test_announcements_open_on_a_click(live) -> None:
    reviewer = Client(live.url, username="dl_reviewer", password="pw-dl_reviewer")
    reviewer.request(
        "POST",
        "/api/v1/announcements",
        json={"title": "关于贸促会原产地证书自主打印的通知", "body": "自5月20日起……"},
    )
    app = login(DeclarationApp(live.url), "hx_manager")
    page = app.page.children[0]
    assert [b.description for b in page.table.link_buttons] == [
        "关于贸促会原产地证书自主打印的通知"
    ]
    page.table.link_buttons[0].click()
    assert "自5月20日起" in page.body.value


def test_an_unreachable_service_is_a_message_not_a_traceback(live) -> None:
    app = login(DeclarationApp("http://127.0.0.1:9"), "hx_operator")
    notice = app.session.notice
    assert notice.is_error and notice.zh.startswith("无法连接服务 http://127.0.0.1:9")
    assert not app.session.logged_in

    # a stale version: someone else saved the certificate in between
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    made = client.certificates.create(samples.certificate("C"))
    app = login(DeclarationApp(live.url), "hx_operator")
    app.open_certificate(made.id)
    client.certificates.update(made.id, made, version=made.version)
    page = app.pages["certificate"]
    page.bindings["remarks"].widget.value = "changed here too"
    page.buttons["save"].click()
    notice = app.form.notice
    assert notice.is_error and "version" in notice.en and "Traceback" not in notice.text("en")
    assert notice.zh in page.notice.message.value


def test_importing_the_ui_package_is_light() -> None:
    code = (
        "import sys, coo_lab.ui; "
        "heavy = [m for m in ('ipywidgets', 'pandas', 'plotly', 'requests') if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    code = (
        "import sys; from coo_lab.ui import DeclarationApp; "
        "print([m for m in ('pandas', 'plotly', 'duckdb') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_defect_in_a_screen_is_a_message_not_a_traceback(
    live, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(Words, "unexpected", SHOWN_AS_MESSAGE)  # as on a real screen
    app = login(DeclarationApp(live.url), "hx_operator")

    def broken(self, key: str) -> bool:
        raise RuntimeError(f"page {key} is broken")

    monkeypatch.setattr(Navigator, "go", broken)
    app.menu_buttons["exporters"].click()  # nothing escapes the click
    notice = app.nav.notice
    assert notice.is_error and notice.zh == "系统错误：RuntimeError: page exporters is broken"
    assert "page exporters is broken" in app.nav_notice.message.value
    assert "Traceback" not in app.nav_notice.message.value
    assert any("unexpected error" in r.message for r in caplog.records)  # for the developer
