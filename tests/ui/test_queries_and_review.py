"""The query screens (filters, pages, row actions, invoice link) and the reviewer's page."""

from __future__ import annotations

from datetime import date

import pytest

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.ui.i18n import Language
from coo_lab.ui.queries import CertificateQuery


def _make(hx: Client) -> dict[str, int]:
    ids = {}
    for cert_type, invoice in (("C", "GEN-1"), ("C", "GEN-2"), ("K", "KOR-1"), ("E", "VNM-1")):
        ids[invoice] = hx.certificates.create(
            samples.certificate(cert_type, invoice_number=invoice)
        ).id
    for n in range(3):
        hx.certificates.create(samples.certificate("K", invoice_number=f"KOR-P{n}"))
    return ids


def test_queries_filter_page_and_open_a_certificate(hx: Client, open_app) -> None:
    ids = _make(hx)
    hx.certificates.submit(ids["KOR-1"])
    app = open_app("hx_operator")

    app.menu_buttons["general"].click()
    page, query = app.pages["general"], app.models["general"]
    assert [b.description for b in page.table.link_buttons] == ["GEN-2", "GEN-1"]
    assert [v for _, v in page.inputs["cert_type"].options] == [None, "C"]

    app.menu_buttons["preferential"].click()
    page, query = app.pages["preferential"], app.models["preferential"]
    assert query.total == 5 and "共 5 条记录" in page.pager.value
    page.inputs["cert_type"].value = "K"
    page.inputs["status"].value = "submitted"
    page.search_button.click()
    assert [r["invoice_number"] for r in query.rows] == ["KOR-1"]
    assert "已申报" in page.table.children[1].children[-1].value  # the status cell
    page.reset_button.click()
    assert query.total == 5 and page.inputs["cert_type"].value is None
    page.inputs["invoice_number"].value = "P1"
    page.search_button.click()
    assert [r["invoice_number"] for r in query.rows] == ["KOR-P1"]
    page.inputs["invoice_number"].value = ""
    page.inputs["submitted_from"].value = date.today()
    page.search_button.click()
    assert [r["invoice_number"] for r in query.rows] == ["KOR-1"]
    page.inputs["submitted_from"].value = None
    page.inputs["created_to"].value = date(2000, 1, 1)
    page.search_button.click()
    assert query.rows == [] and "未查询到相关信息" in page.table.children[-1].value
    page.reset_button.click()

    query.page_size = 2  # pages
    query.run()
    assert query.pages == 3 and page.prev_button.disabled and not page.next_button.disabled
    page.next_button.click()
    page.next_button.click()
    assert query.page == 3 and len(query.rows) == 1 and page.next_button.disabled
    page.prev_button.click()
    assert query.page == 2

    # clicking the blue invoice number opens the certificate
    query.page_size = 20
    query.run()
    link = next(b for b in page.table.link_buttons if b.description == "VNM-1")
    link.click()
    assert app.nav.page == "certificate" and app.form.cert_id == ids["VNM-1"]
    assert app.pages["certificate"].bindings["invoice_number"].widget.value == "VNM-1"


def test_row_actions_on_ticked_rows_with_progress(hx: Client, open_app) -> None:
    _make(hx)
    app = open_app("hx_operator")
    app.menu_buttons["preferential"].click()
    page, query = app.pages["preferential"], app.models["preferential"]
    assert all(page.action_buttons[a].disabled for a in ("copy", "submit", "delete"))

    seen: list[tuple[int, int] | None] = []
    query.observe(lambda what: what == "progress" and seen.append(query.progress))
    for box, row in zip(page.table.tick_boxes, page.table.rows, strict=True):
        box.value = row["invoice_number"].startswith("KOR-P")
    assert len(query.ticked) == 3 and not page.action_buttons["submit"].disabled
    page.action_buttons["submit"].click()
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3), None]  # a progress bar meanwhile
    assert query.notice.en == "3 done."
    assert {r["status"] for r in query.rows if r["invoice_number"].startswith("KOR-P")} == {
        "submitted"
    }

    # a refusal per row is a readable line; the others still happen
    query.ticked = {r["id"] for r in query.rows if r["invoice_number"] in ("KOR-P0", "KOR-1")}
    page.action_buttons["delete"].click()
    assert query.notice.is_error and query.notice.en.startswith("1 of 2 done")
    assert "submitted" in query.notice.text(Language.EN)
    assert "KOR-1" not in {r["invoice_number"] for r in query.rows}

    query.ticked = {next(r["id"] for r in query.rows if r["invoice_number"] == "VNM-1")}
    page.action_buttons["copy"].click()
    assert [r["invoice_number"] for r in query.rows].count("VNM-1") == 2

    query.ticked = {query.rows[0]["id"]}
    page.action_buttons["edit"].click()
    assert app.nav.page == "certificate" and app.form.cert_id == query.rows[0]["id"]


def test_the_void_query_lists_voided_certificates(hx: Client, open_app) -> None:
    made = hx.certificates.create(samples.certificate("C", invoice_number="TO-VOID"))
    hx.certificates.submit(made.id)
    reviewer = Client(hx.base_url, username="dl_reviewer", password="pw-dl_reviewer")
    reviewer.review.approve(made.id)
    app = open_app("hx_operator")
    app.menu_buttons["general"].click()
    general = app.models["general"]
    general.ticked = {made.id}
    app.pages["general"].reason.value = "作废测试"
    app.pages["general"].action_buttons["void"].click()
    assert general.notice.en == "1 done." and general.rows == []
    app.menu_buttons["void"].click()
    void_page = app.pages["void"]
    assert [b.description for b in void_page.table.link_buttons] == ["TO-VOID"]
    assert set(void_page.action_buttons) == {"copy", "preview"}


def test_a_query_model_needs_a_known_view(live) -> None:
    from coo_lab.ui.session import Session

    with pytest.raises(ValueError, match="drafts"):
        CertificateQuery(Session(live.url), "drafts")


def test_the_reviewer_page_approves_and_returns(hx: Client, open_app) -> None:
    first = hx.certificates.create(samples.certificate("K", invoice_number="REV-1"))
    second = hx.certificates.create(samples.certificate("C", invoice_number="REV-2"))
    for cert in (first, second):
        hx.certificates.submit(cert.id)

    app = open_app("dl_reviewer")
    assert app.nav.page == "review_queue"
    assert [b.description.strip() for b in app.menu.children] == [
        "审核",
        "待审核证书",
        "待审核商品备案",
        "系统公告",
    ]
    page, desk = app.pages["review_queue"], app.models["review_queue"]
    assert desk.total == 2 and page.decision.layout.display == "none"
    numbers = [b.description for b in page.table.link_buttons]
    assert numbers == [first.internal_number, second.internal_number]

    page.table.link_buttons[0].click()
    assert desk.current["id"] == first.id and page.decision.layout.display != "none"
    assert "REV-1" in page.detail.value and "ELECTRIC OVENS" in page.detail.value
    page.return_button.click()  # no reason
    assert desk.notice.zh == "请填写原因。" and hx.certificates.get(first.id).status == "submitted"
    page.reason.value = "发票金额与FOB不符"
    page.return_button.click()
    assert desk.notice.zh == "已退回。" and hx.certificates.get(first.id).status == "returned"
    assert desk.total == 1 and page.return_button.disabled  # decided: nothing more to do
    receipts = hx.certificates.receipts(first.id)
    assert receipts.iloc[0]["reason"] == "发票金额与FOB不符"

    page.table.link_buttons[0].click()
    page.approve_button.click()
    number = hx.certificates.get(second.id).certificate_number
    assert number and desk.notice.zh == f"审核通过，证书号 {number}"
    assert number in page.detail.value and desk.total == 0
    assert "未查询到相关信息" in page.table.children[-1].value
