"""Base data screens (基础资料): create, edit, save-and-add, delete — checked as typed."""

from __future__ import annotations

from coo_lab.client import Client
from coo_lab.ui.i18n import Language


def test_exporters_through_the_screen(live, open_app) -> None:
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    app = open_app("hx_operator")
    app.menu_buttons["exporters"].click()
    page, book = app.pages["exporters"], app.models["exporters"]
    assert (
        page.editor.layout.display == "none" and "未查询到相关信息" in page.table.children[-1].value
    )
    assert page.buttons["edit"].disabled and page.buttons["delete"].disabled

    page.buttons["new"].click()
    assert page.editor.layout.display != "none"
    fields = page.bindings
    fields["email"].widget.value = "not-an-email"
    assert "电子邮箱地址" in fields["email"].messages.value
    assert fields["code"].messages.value == ""  # untouched fields wait for the save
    page.save_button.click()
    assert book.notice.is_error
    assert "3-8位字母或数字" in fields["code"].messages.value
    assert client.exporters.list().empty  # nothing half-written
    fields["code"].widget.value = "010001"
    assert fields["code"].messages.value == ""

    fields["email"].widget.value = "export@haixing.example.cn"
    fields["name_en"].widget.value = "DALIAN HAIXING INTERNATIONAL TRADING CO., LTD."
    fields["name_cn"].widget.value = "大连海兴国际贸易有限公司"
    fields["phone"].widget.value = "+86-411-82732333"
    page.save_new_button.click()  # 保存并新增: saved, and a blank form for the next one
    assert book.notice.zh == "保存成功。" and fields["code"].widget.value == ""
    assert list(client.exporters.list()["code"]) == ["010001"]
    fields["code"].widget.value = "010002"
    fields["name_en"].widget.value = "HAIXING SECOND BRANCH"
    page.save_button.click()
    assert page.editor.layout.display == "none"
    assert [b.description for b in page.table.link_buttons] == ["010001", "010002"]

    # edit: tick one, 编辑, change, save
    page.table.tick_boxes[0].value = True
    assert not page.buttons["edit"].disabled
    page.buttons["edit"].click()
    assert fields["name_cn"].widget.value == "大连海兴国际贸易有限公司"
    fields["phone"].widget.value = "0411-1234567"
    page.save_button.click()
    assert client.exporters.get(book.rows[0]["id"])["phone"] == "0411-1234567"

    # a stale edit is refused readably
    page.table.link_buttons[1].click()  # the code opens it for editing too
    client.exporters.update(book.rows[1]["id"], {"code": "010002", "name_en": "X"}, 1)
    fields["name_en"].widget.value = "HAIXING BRANCH 2"
    page.save_button.click()
    assert book.notice.is_error and "version" in book.notice.text(Language.EN)
    page.cancel_button.click()

    # search, then delete the ticked
    page.search.value = "SECOND"
    page.search_button.click()
    assert book.rows == []  # renamed to X meanwhile
    page.search.value = ""
    page.search_button.click()
    for box in page.table.tick_boxes:
        box.value = True
    page.buttons["delete"].click()
    assert book.notice.zh == "已删除。" and client.exporters.list().empty


def test_importers_producers_and_clauses(live, open_app) -> None:
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    app = open_app("hx_operator")
    app.menu_buttons["importers"].click()
    page = app.pages["importers"]
    page.buttons["new"].click()
    f = page.bindings
    f["code"].widget.value = "2019001"
    f["name_en"].widget.value = "Die Bayerischen Motoren Werke AG"
    f["name_cn"].widget.value = "巴伐利亚发动机制造股份公司"
    f["bank_account"].widget.value = "MA1023122364782"  # 19 needed
    assert "19位字母或数字" in f["bank_account"].messages.value
    f["bank_account"].widget.value = "MA10231223647829ABB"
    f["country"].widget.value = "DEU"
    f["contact"].widget.value = "TOM"
    page.save_button.click()
    saved = client.importers.list().iloc[0]
    assert saved["country"] == "DEU" and saved["bank_account"] == "MA10231223647829ABB"

    app.menu_buttons["producers"].click()
    page = app.pages["producers"]
    page.buttons["new"].click()
    page.bindings["code"].widget.value = "2019002"
    page.bindings["name_en"].widget.value = "SHIPING PRODUCTION CO., LTD."
    page.bindings["address_cn"].widget.value = "辽宁省大连市甘井子区23号"
    page.save_button.click()
    assert list(client.producers.list()["code"]) == ["2019002"]

    app.menu_buttons["special_clauses"].click()
    page = app.pages["special_clauses"]
    page.buttons["new"].click()
    page.bindings["code"].widget.value = "0111"
    page.save_button.click()
    assert "至少1个字符" in page.bindings["text"].messages.value
    page.bindings["text"].widget.value = "测试文本，请忽略"
    page.save_button.click()
    assert list(client.special_clauses.list()["text"]) == ["测试文本，请忽略"]

    manager = open_app("hx_manager")
    manager.menu_buttons["special_clauses"].click()
    assert manager.pages["special_clauses"].buttons["new"].disabled
