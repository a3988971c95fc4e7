"""The declaration app in real Chromium, served by Voilà over the demo: a demo enterprise user
logs in, makes a general certificate through the form (parties from base data, countries and
ports from the pickers, a goods line with the HS, unit and currency pickers), saves and
submits it and reads the receipt; another certificate, opened from the query, is submitted
with a deliberate error and comes back with the finding next to its field, in Chinese and
then in English. The service (through ``coo_lab.Client``) confirms what the screen says.
Every page: no console error, no request leaving the machine, screenshots under
test-output/browser/.

The enterprise is the demo's machinery maker (automatic review: a clean certificate is
approved on submission), not the sample trading house whose figures the dashboard tests
sync and count in the same demo."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.parties import Exporter
from coo_lab.server.demo import password_for
from coo_lab.ui import lookups

from .conftest import BrowserLog, open_dashboard, screenshot

APP = "declaration.ipynb"
OPERATOR = "ronghua_operator"  # the demo's machinery maker (automatic review)
WAIT = 90_000  # ms for a step: a round trip through the kernel, a page of widgets drawn
# (generous: the 2 cores are shared, and under load a screen takes many times its usual time)


@pytest.fixture(scope="module")
def operator(demo_site) -> Client:
    """The service as the demo enterprise's operator sees it."""
    return Client(demo_site.url, username=OPERATOR, password=password_for(OPERATOR))


def unique_invoice(prefix: str) -> str:
    return f"{prefix}{datetime.now():%y%m%d%H%M%S%f}"[:20]


def own_certificate(client: Client, invoice: str) -> Certificate:
    """A general certificate that passes every rule, in the enterprise's own name (its
    registration, its exporter, its hand-signer)."""
    filing = client.user_filing()
    exporter = client.exporters.list().iloc[0].to_dict()
    cert = samples.certificate("C", invoice_number=invoice)
    cert.enterprise_code, cert.ccpit_code = filing["enterprise_code"], filing["ccpit_code"]
    cert.company_name_cn, cert.hand_signer = filing["name_cn"], filing["hand_signer"]
    cert.exporter = Exporter.model_validate(
        {k: v for k, v in exporter.items() if k in Exporter.model_fields and v == v}
    )
    return cert


# --- driving the widgets as a user does -------------------------------------------------------


def type_into(page, selector: str, value: str) -> None:
    """Type into a text input or area; leaving it hands the value to the kernel."""
    field = page.locator(f"{selector} input, {selector} textarea").first
    field.fill(value)
    field.blur()


def starting(text: str) -> re.Pattern:
    """A label that starts with ``text`` (a dropdown shows its spaces as no-break spaces)."""
    return re.compile("^\\s*" + re.escape(text).replace("\\ ", "\\s"))


def choose(page, selector: str, text: str) -> None:
    """Choose the option of a dropdown (or list) whose label starts with ``text``."""
    select = page.locator(f"{selector} select")
    option = select.locator("option", has_text=starting(text)).first
    option.wait_for(state="attached", timeout=WAIT)
    select.select_option(value=option.get_attribute("value"))


def pick(page, picker: str, query: str, text: str) -> None:
    """A search picker: type the search, then choose among the matches."""
    type_into(page, f"{picker} .coo-picker-query", query)
    choose(page, f"{picker} .coo-picker-results", text)


def value_of(page, selector: str) -> str:
    return page.locator(
        f"{selector} input, {selector} textarea, {selector} select"
    ).first.input_value()


def shows(page, selector: str, text: str) -> None:
    """Wait until the widget's text contains ``text``."""
    page.locator(selector, has_text=text).first.wait_for(timeout=WAIT)


def click(page, selector: str) -> None:
    page.locator(selector).click()


def log_in(page, voila_url: str, username: str) -> None:
    page.set_default_timeout(WAIT)  # every action waits as long as a step may take
    open_dashboard(page, voila_url, APP, ready=".coo-login-username input")
    type_into(page, ".coo-login-username", username)
    type_into(page, ".coo-login-password", password_for(username))
    click(page, "button.coo-login-button")
    page.locator("button.coo-menu-create").wait_for(timeout=WAIT)


def open_tab(page, title: str) -> None:
    page.locator(".coo-cert-tabs .lm-TabBar-tab", has_text=title).click()


def nothing_wrong(browser_log: BrowserLog) -> None:
    assert browser_log.outside() == []
    assert browser_log.errors() == []


# --- the tests --------------------------------------------------------------------------------


def test_a_certificate_made_and_submitted_in_the_browser(
    page, browser_log: BrowserLog, voila_url: str, operator: Client
) -> None:
    exporter = operator.exporters.list().iloc[0]
    importers = operator.importers.list()
    importer = importers[importers["country"] == "USA"].iloc[0]
    producer = operator.producers.list().iloc[0]
    invoice = unique_invoice("BRC")
    shipment = date.today() + timedelta(days=5)

    log_in(page, voila_url, OPERATOR)
    shows(page, ".coo-welcome", "大连荣华重型机械有限公司")
    screenshot(page, "declaration-logged-in")
    click(page, "button.coo-menu-create")
    click(page, "button.coo-type-C")
    shows(page, ".coo-cert-heading", "一般原产地证")

    # basic info: parties from base data, countries and ports from the pickers
    type_into(page, ".coo-cert-invoice-number", invoice)
    type_into(page, ".coo-cert-application-place", "DALIAN, CHINA")
    choose(page, ".coo-party-exporter", exporter["code"])
    choose(page, ".coo-cert-destination-country", lookups.country_label("USA"))
    choose(page, ".coo-party-importer", importer["code"])
    choose(page, ".coo-party-producer", producer["code"])
    shows(page, ".coo-party-importer-messages", importer["name_en"])
    pick(page, ".coo-picker-departure-port", "dalian", "CNDLC")
    pick(page, ".coo-picker-destination-port", "los angeles", "USLAX")
    choose(page, ".coo-cert-transport-mode", "海运")
    click(page, "button.coo-route")
    page.wait_for_function(
        "() => (document.querySelector('.coo-cert-transport-route textarea') || {}).value"
        " === 'FROM DALIAN, CHINA TO LOS ANGELES, USA BY SEA'",
        timeout=WAIT,
    )
    type_into(page, ".coo-cert-first-leg-vessel", "COSCO HARMONY V.026E")
    page.locator(".coo-cert-shipment-date input").fill(shipment.isoformat())
    type_into(page, ".coo-cert-invoice-amount", "2780.50")
    choose(page, ".coo-cert-invoice-currency", "EUR ")
    choose(page, ".coo-cert-payment-method", "T/T")
    type_into(page, ".coo-cert-exit-customs", "0900")
    click(page, "button.coo-action-save")
    shows(page, ".coo-cert-notice", "保存成功")
    shows(page, ".coo-cert-record", "暂存")

    # goods: a line with the HS and unit pickers
    open_tab(page, "商品信息")
    pick(page, ".coo-picker-hs-code", "centrifugal", "841370")
    shows(page, ".coo-hs-text", "Pumps; centrifugal")
    type_into(page, ".coo-line-description", "CENTRIFUGAL WATER PUMPS, 7.5 KW***")
    type_into(page, ".coo-line-quantity", "4")
    choose(page, ".coo-line-unit", "001 ")
    type_into(page, ".coo-line-unit-price", "750")
    type_into(page, ".coo-line-amount", "3000")
    type_into(page, ".coo-line-net-weight", "1500")
    type_into(page, ".coo-line-fob-usd", "3000")
    type_into(page, ".coo-line-marks", "RH\nNO.1-4\nMADE IN CHINA")
    click(page, "button.coo-line-action-save")
    shows(page, ".coo-goods-notice", "商品信息已保存")
    shows(page, ".coo-goods-grid option", "841370 | CENTRIFUGAL WATER PUMPS")
    screenshot(page, "declaration-goods")

    # FOB from the goods, submit, the receipt
    open_tab(page, "基本信息")
    click(page, "button.coo-fob-from-goods")
    page.wait_for_function(
        "() => document.querySelector('.coo-cert-fob-usd input').value === '3000'", timeout=WAIT
    )
    click(page, "button.coo-action-submit")
    shows(page, ".coo-cert-notice", "已申报，状态：审核通过")
    shows(page, ".coo-receipts", "审核回执")
    receipt = page.locator(".coo-receipts").inner_text()
    assert "暂存 → 已申报" in receipt and OPERATOR in receipt, receipt
    assert "已申报 → 审核通过" in receipt and "智能审核通过" in receipt, receipt
    shows(page, ".coo-cert-record", "审核通过")
    assert page.locator("button.coo-action-save").is_disabled()
    screenshot(page, "declaration-submitted")

    # the service holds what was typed, in the status the review gave
    rows = operator.certificates.list(invoice_number=invoice)
    assert len(rows) == 1
    cert = operator.certificates.get(int(rows["id"].iloc[0]))
    assert cert.status == "approved" and cert.cert_type == "C" and cert.certificate_number
    assert cert.certificate_number in page.locator(".coo-cert-record").inner_text()
    assert cert.application_place == "DALIAN, CHINA"
    assert (cert.exporter.code, cert.importer.code) == (exporter["code"], importer["code"])
    assert cert.producer.code == producer["code"]
    assert (cert.destination_country, cert.departure_port, cert.destination_port) == (
        "USA",
        "CNDLC",
        "USLAX",
    )
    assert cert.transport_route == "FROM DALIAN, CHINA TO LOS ANGELES, USA BY SEA"
    assert cert.first_leg_vessel == "COSCO HARMONY V.026E" and cert.shipment_date == shipment
    assert (cert.invoice_amount, cert.invoice_currency) == (Decimal("2780.50"), "EUR")
    assert (cert.payment_method, cert.exit_customs) == ("T/T", "0900")
    assert cert.fob_usd == Decimal(3000)
    [line] = cert.goods
    assert (line.hs_code, line.description) == ("841370", "CENTRIFUGAL WATER PUMPS, 7.5 KW***")
    assert (line.quantity, line.unit, line.unit_price) == (Decimal(4), "001", Decimal(750))
    assert (line.net_weight, line.fob_usd) == (Decimal(1500), Decimal(3000))
    assert line.marks == "RH\nNO.1-4\nMADE IN CHINA"
    receipts = operator.certificates.receipts(cert.id)
    assert list(receipts["to_status"]) == ["approved", "submitted", "draft"]
    nothing_wrong(browser_log)


def test_a_finding_shown_next_to_its_field(
    page, browser_log: BrowserLog, voila_url: str, operator: Client
) -> None:
    invoice = unique_invoice("BRF")
    draft = operator.certificates.create(own_certificate(operator, invoice))

    log_in(page, voila_url, OPERATOR)
    click(page, "button.coo-menu-general")
    type_into(page, ".coo-query-invoice-number", invoice)
    click(page, "button.coo-query-search")
    rows = page.locator(".coo-query-general button.coo-row-link")
    expect(rows).to_have_count(1, timeout=WAIT)  # the search's answer, not the opening list
    rows.filter(has_text=invoice).click()
    shows(page, ".coo-cert-record", draft.internal_number)
    assert value_of(page, ".coo-cert-invoice-number") == invoice

    # a deliberate error: the FOB value no longer the goods' sum
    type_into(page, ".coo-cert-fob-usd", "99999")
    click(page, "button.coo-action-submit")
    shows(page, ".coo-cert-notice", "退回")
    shows(page, ".coo-cert-fob-usd-messages", "FOB值 99999 美元与商品合计")
    shows(page, ".coo-findings", "审核规则检查结果")
    shows(page, ".coo-receipts", "已申报 → 退回")
    screenshot(page, "declaration-finding-zh")

    click(page, "button.coo-language")
    shows(page, ".coo-cert-fob-usd-messages", "FOB 99999 USD differs from the goods lines' total")
    shows(page, ".coo-findings", "Review-rule findings")
    assert "美元" not in page.locator(".coo-cert-fob-usd-messages").inner_text()
    screenshot(page, "declaration-finding-en")

    answer = operator.certificates.raw(draft.id)
    assert answer["status"] == "returned" and answer["fob_usd"] in ("99999", 99999, "99999.00")
    assert "CO-GOODS-008" in {f["code"] for f in answer["findings"]}
    nothing_wrong(browser_log)
