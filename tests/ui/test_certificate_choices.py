"""The certificate screen's choice lists: rebuilt for another type or language without
touching what the certificate holds."""

from __future__ import annotations

from coo_lab import samples
from coo_lab.client import Client


def test_opening_another_type_keeps_its_destination(hx: Client, open_app) -> None:
    general = hx.certificates.create(samples.certificate("C", invoice_number="HX-CH-C"))
    korean = hx.certificates.create(samples.certificate("K", invoice_number="HX-CH-K"))
    app = open_app("hx_operator")
    app.open_certificate(general.id)
    assert app.form.draft.destination_country == general.destination_country
    app.open_certificate(korean.id)  # the destination list changes: partners first
    page, form = app.pages["certificate"], app.form
    assert form.draft.destination_country == "KOR" and not form.dirty
    assert page.bindings["destination_country"].widget.value == "KOR"
    assert page.bindings["destination_country"].widget.options[1][1] == "KOR"


def test_the_fixed_lists_follow_the_language(hx: Client, open_app) -> None:
    app = open_app("hx_operator")
    app.open_new("C")
    page, form = app.pages["certificate"], app.form
    mode, trade = page.bindings["transport_mode"].widget, page.bindings["trade_mode"].widget
    mode.value, trade.value = "AIR", "border"
    assert mode.label == "空运" and trade.label == "边境贸易"
    app.language.click()
    assert (mode.label, mode.value, form.draft.transport_mode) == ("AIR", "AIR", "AIR")
    assert (trade.value, form.draft.trade_mode) == ("border", "border")
    assert trade.label == "border"
    app.language.click()
    assert mode.label == "空运" and trade.label == "边境贸易"


def test_an_empty_choice_shows_its_dash_not_a_blank_box(hx: Client, open_app) -> None:
    app = open_app("hx_operator")
    app.open_new("C")
    page, form = app.pages["certificate"], app.form
    flag = page.bindings["weight_flag"].widget
    assert form.draft.weight_flag is None and flag.label == "—"  # a new draft
    flag.index = 1
    assert form.draft.weight_flag is not None
    flag.value = None  # cleared again, as a reset or another certificate does
    assert (flag.label, flag.index, form.draft.weight_flag) == ("—", 0, None)
    app.language.click()  # the options are rebuilt: still the dash, still empty
    assert (flag.label, form.draft.weight_flag) == ("—", None)
