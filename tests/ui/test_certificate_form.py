"""The certificate screen: a general and a preferential certificate made through the form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.ui.i18n import Language
from coo_lab.ui.widgets.certificate import CertificatePage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def uploaded(name: str, content_type: str, content: bytes) -> dict:
    """A file as the FileUpload widget hands it over after the browser sent it."""
    return {
        "name": name,
        "type": content_type,
        "size": len(content),
        "content": memoryview(content),
        "last_modified": datetime.now(UTC),
    }


def _fill_basic_info(page: CertificatePage, invoice: str) -> None:
    b = page.bindings
    b["invoice_number"].widget.value = invoice
    b["invoice_date"].widget.value = date.today() - timedelta(days=3)
    b["application_place"].widget.value = "DALIAN, CHINA"
    b["signing_place"].widget.value = "DALIAN, CHINA"
    page._parties["exporter"][0].value = "010001"
    page._parties["producer"][0].value = "2019002"
    page.port_pickers["departure_port"].pick("dalian", "CNDLC")
    b["first_leg_vessel"].widget.value = "COSCO HARMONY V.026E"
    b["shipment_date"].widget.value = date.today() + timedelta(days=2)
    b["payment_method"].widget.value = "T/T"
    b["exit_customs"].widget.value = "0900"


def test_a_general_certificate_through_the_form(hx: Client, open_app) -> None:
    app = open_app("hx_operator")
    app.menu_buttons["create"].click()
    app.pages["create"].type_buttons["C"].click()
    page, form = app.pages["certificate"], app.form
    assert app.nav.page == "certificate" and form.draft.cert_type == "C"
    assert "一般原产地证" in page.heading.value
    assert form.draft.hand_signer == "王丹" and form.draft.application_date == date.today()
    assert page.buttons["submit"].disabled and not page.buttons["save"].disabled

    _fill_basic_info(page, "HX-UI-C-001")
    page._parties["importer"][0].value = "IMPC01"
    assert form.draft.importer.name_en == "PACIFIC HOME GOODS INC."
    assert form.draft.destination_country == "USA"  # the importer's country filled it in
    page.port_pickers["destination_port"].pick("los angeles", "USLAX")
    assert form.draft.destination_port == "USLAX"
    page.bindings["transport_mode"].widget.value = "SEA"
    page.route_button.click()
    assert form.draft.transport_route == "FROM DALIAN, CHINA TO LOS ANGELES, USA BY SEA"
    assert page.bindings["transport_route"].widget.value == form.draft.transport_route
    page.bindings["transport_route"].widget.value += " (EDITED)"  # editable after generating
    assert form.draft.transport_route.endswith("(EDITED)")
    page.clauses.value = ("TPI01",)
    assert [c.code for c in form.draft.special_clauses] == ["TPI01"]
    page.uploads.value = [uploaded("invoice.pdf", "application/pdf", PDF)]
    assert "invoice.pdf" in page.documents.value  # recorded, or waiting for the first save

    goods = page.goods_tab
    assert "基本信息暂存成功后才允许录入商品信息" in goods.note.value
    assert goods.buttons["save"].disabled
    page.buttons["save"].click()
    assert form.notice.zh == "保存成功。" and form.saved and form.draft.internal_number
    assert not page.buttons["submit"].disabled and not goods.buttons["save"].disabled
    stored = hx.certificates.get(form.cert_id)
    assert stored.transport_route.endswith("(EDITED)") and stored.special_clauses[0].code == "TPI01"
    assert [(d.name, d.size) for d in stored.supporting_documents] == [("invoice.pdf", len(PDF))]

    # goods: add a line with the HS picker and the unit list
    goods.hs_picker.pick("porcelain", "691110")
    assert goods.bindings["hs_code"].widget.value == "691110"
    assert "porcelain" in goods.hs_text.value.lower()
    e = goods.bindings
    e["description"].widget.value = "PORCELAIN DINNER PLATES, 27 CM***"
    e["quantity"].widget.value = "abc"
    assert "数字" in e["quantity"].messages.value  # shown next to the field as typed
    e["quantity"].widget.value = "1000"
    assert e["quantity"].messages.value == ""
    e["unit"].widget.value = "007"
    e["unit_price"].widget.value = "3"
    e["amount"].widget.value = "3000"
    e["net_weight"].widget.value = "1500"
    e["fob_usd"].widget.value = "3000"
    e["marks"].widget.value = "HX\nNO.1-100\nMADE IN CHINA"

    # the processing declaration: two imported materials, the percentage computed
    goods.processing_button.click()
    dialog = goods.dialog
    assert dialog.layout.display != "none" and dialog.fields["hs_heading"].value == "6911"
    dialog.fields["product_name"].value = "PORCELAIN PLATES"
    dialog.fields["delivery_unit_price"].value = "3.00"
    dialog.fields["processing_steps"].value = "forming, glazing, firing"
    dialog.materials[0][0].value, dialog.materials[0][1].value = "2507", "0.30"
    dialog.materials[1][0].value, dialog.materials[1][1].value = "3207", "0.21"
    assert "17%" in dialog.computed.value
    dialog.ok.click()
    assert dialog.layout.display == "none"
    assert "PORCELAIN PLATES" in goods.processing_text.value
    goods.buttons["save"].click()
    assert goods.editor.notice.zh == "商品信息已保存。"
    line = hx.certificates.get(form.cert_id).goods[0]
    assert line.processing.ad_valorem_percentage == 17 and line.processing.declared_percentage == 17
    assert [m.hs_heading for m in line.processing.imported_materials] == ["2507", "3207"]
    assert line.unit == "007" and line.quantity == 1000

    # copy, then delete the copy
    goods.buttons["copy"].click()
    assert len(hx.certificates.get(form.cert_id).goods) == 2 and goods.grid.value == 1
    goods.buttons["delete"].click()
    assert len(hx.certificates.get(form.cert_id).goods) == 1
    assert len(goods.grid.options) == 1

    # a new line's declaration: "same as last time"
    goods.buttons["add"].click()
    goods.processing_button.click()
    assert dialog.fields["product_name"].value == ""
    dialog.mode.value = "same"
    assert dialog.fields["product_name"].value == "PORCELAIN PLATES"
    assert dialog.materials[1][0].value == "3207" and "17%" in dialog.computed.value
    dialog.cancel.click()
    assert goods.editor.buffer["processing"] is None

    # FOB from the goods, check, submit, receipt
    page.fob_button.click()
    assert form.draft.fob_usd == Decimal(3000)
    page.buttons["check"].click()
    assert form.notice.zh == "检查通过：未发现问题。", form.notice.text(Language.ZH)
    page.buttons["submit"].click()
    assert form.draft.status == "submitted", form.notice.text(Language.ZH)
    assert form.notice.zh == "已申报，状态：已申报"
    assert "草稿" not in page.receipts.value and "已申报" in page.receipts.value
    assert hx.certificates.get(form.cert_id).status == "submitted"
    assert [r["to_status"] for r in form.receipts] == ["submitted", "draft"]
    assert page.buttons["save"].disabled and page.buttons["delete"].disabled


def test_a_preferential_certificate_with_findings_next_to_its_fields(hx: Client, open_app) -> None:
    app = open_app("hx_operator")
    app.open_new("K")
    page, form = app.pages["certificate"], app.form
    destinations = [v for _, v in page.bindings["destination_country"].widget.options[:2]]
    assert destinations == [None, "KOR"]  # the agreement's partners come first
    _fill_basic_info(page, "HX-UI-K-001")
    page._parties["importer"][0].value = "IMPK01"
    page.port_pickers["destination_port"].pick("busan", "KRPUS")
    page.route_button.click()
    assert form.draft.transport_route == "FROM DALIAN, CHINA TO BUSAN, KOREA BY SEA"
    page.bindings["invoice_date"].widget.value = None  # left out on purpose
    page.buttons["save"].click()
    assert form.saved

    goods = page.goods_tab
    assert "已备案并审核通过" in goods.filings_note.value
    e = goods.bindings
    e["hs_code"].widget.value = "851660"
    e["description"].widget.value = "PARTS"  # too generic for the authority
    e["quantity"].widget.value = "100"
    e["unit"].widget.value = "001"
    e["fob_usd"].widget.value = "10000"
    goods.buttons["save"].click()
    assert goods.processing_button.layout.display == "none"  # general CO only

    page.buttons["check"].click()
    assert form.notice.is_error
    assert "发票日期为必填项" in page.bindings["invoice_date"].messages.value
    assert "FOB值（美元）为必填项" in page.bindings["fob_usd"].messages.value
    goods.grid.value = 0
    assert "过于笼统" in e["description"].messages.value
    assert "原产地标准" in e["origin_criterion"].messages.value
    assert goods.grid.options[0][0].endswith("⚠")
    assert "第1条商品 · 货物描述" in page.findings.value
    app.language.click()
    assert "too generic" in e["description"].messages.value
    assert "invoice date is required" in page.bindings["invoice_date"].messages.value
    assert "goods line 1 · Description" in page.findings.value
    app.language.click()

    # fix it as the rules say: criterion and filing number from the approved filing
    area = next(f for f in samples.product_filings() if f.hs_code == "851660").area("K")
    e["description"].widget.value = "ELECTRIC OVENS FOR DOMESTIC USE, 1500W***"
    e["origin_criterion"].widget.value = area.criterion
    e["product_filing_number"].widget.value = area.filing_number
    goods.buttons["save"].click()
    page.bindings["invoice_date"].widget.value = date.today() - timedelta(days=3)
    page.fob_button.click()
    page.buttons["save"].click()
    page.buttons["check"].click()
    assert form.notice.zh == "检查通过：未发现问题。", form.notice.text(Language.ZH)
    assert not form.checked_locally_only  # the service's full check ran too
    page.buttons["submit"].click()
    assert form.draft.status == "submitted"

    # the reviewer returns it; the enterprise reads why
    reviewer = Client(hx.base_url, username="dl_reviewer", password="pw-dl_reviewer")
    reviewer.review.return_(form.cert_id, "请补充合同号")
    app.open_certificate(form.cert_id)
    assert form.draft.status == "returned" and "请补充合同号" in page.receipts.value
    assert not page.buttons["save"].disabled and not page.buttons["submit"].disabled
    page.bindings["contract_number"].widget.value = "HX-2026-K-01"
    page.buttons["submit"].click()  # saves what changed, then submits
    assert hx.certificates.get(form.cert_id).contract_number == "HX-2026-K-01"
    assert form.draft.status == "submitted"


def test_returned_by_the_rules_shows_why_and_approved_ones_amend_and_void(
    hx: Client, open_app
) -> None:
    app = open_app("hx_operator")
    bad = samples.certificate("E")
    bad.goods[0].marks = "AS PER INVOICE"
    made = hx.certificates.create(bad)
    app.open_certificate(made.id)
    page, form = app.pages["certificate"], app.form
    page.buttons["submit"].click()
    assert form.draft.status == "returned" and form.notice.kind == "warning"
    assert "AS PER INVOICE" in form.notice.text(Language.ZH)
    assert "已申报，状态：退回" in page.notice.message.value
    page.goods_tab.grid.value = 0
    assert "唛头不得填写" in page.goods_tab.bindings["marks"].messages.value

    good = hx.certificates.create(samples.certificate("C", invoice_number="HX-APPROVED-1"))
    hx.certificates.submit(good.id)
    Client(hx.base_url, username="dl_reviewer", password="pw-dl_reviewer").review.approve(good.id)
    app.open_certificate(good.id)
    assert form.draft.certificate_number and form.draft.certificate_number in page.record.value
    assert not page.buttons["amend"].disabled and not page.buttons["void"].disabled
    assert page.buttons["delete"].disabled and page.buttons["submit"].disabled

    page.buttons["amend"].click()
    assert form.draft.category == "amend_reissue" and form.draft.status == "draft"
    assert form.draft.original_certificate_number == hx.certificates.get(good.id).certificate_number
    assert "改证重发" in page.record.value
    reissue = form.cert_id

    app.open_certificate(good.id)
    page.buttons["void"].click()  # no reason given
    assert form.notice.zh == "请填写原因。" and form.draft.status == "approved"
    page.void_reason.value = "客户取消订单"
    page.buttons["void"].click()
    assert form.draft.status == "void" and "客户取消订单" in page.record.value
    assert hx.certificates.get(good.id).status == "void"
    assert hx.certificates.get(reissue).status == "draft"


def test_a_manager_reads_but_cannot_write(hx: Client, open_app) -> None:
    made = hx.certificates.create(samples.certificate("C"))
    app = open_app("hx_manager")
    app.open_certificate(made.id)
    page = app.pages["certificate"]
    assert app.form.draft.invoice_number == made.invoice_number
    writes = ("save", "delete", "submit", "copy", "amend", "void")
    assert all(page.buttons[k].disabled for k in writes)
    assert not page.buttons["check"].disabled
    app.form.save()  # even if called, the service refuses and says so
    assert app.form.notice.is_error and "Traceback" not in app.form.notice.en
