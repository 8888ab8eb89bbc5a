"""The widget as a business configured it in the console, on the demo shop, in a real browser:
the pre-chat form asks for the fields it was told to, a required name and address keep the
chat from starting until they are given (with an error each that a screen reader announces
and the field points to), and the widget speaks only the languages offered. At a phone's,
a laptop's and a desktop's width, with axe and screenshots: each form is filled once, on a
phone (where the widget's panel fills the screen), and each state it reaches is checked at
all three widths by resizing the page in place (at_every_width)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import at_every_width


@pytest.fixture
def widget_settings(admin) -> Iterator[dict[str, Any]]:
    before = admin.get("/settings/widget").json()
    before.pop("widget_key")
    yield dict(before)
    assert admin.request("PUT", "/settings/widget", json=before).status_code == 200


PHONE = 390


def configure(admin, settings: dict[str, Any], **changes: Any) -> None:
    r = admin.request("PUT", "/settings/widget", json={**settings, **changes})
    assert r.status_code == 200, r.text


def test_the_pre_chat_form_asks_what_was_configured_in_the_languages_offered(browser, stack, admin, widget_settings):
    configure(admin, widget_settings, languages=["de", "fr"], prechat={"name": "required", "email": "required"},
              allowed_origins=[])
    # A Spanish browser: Spanish is not offered, so the widget speaks the first language offered.
    spanish = browser.new_context(viewport={"width": PHONE, "height": 800}, locale="es-ES")
    try:
        page = spanish.new_page()
        page.goto(stack.demo.url)
        launcher = page.get_by_role("button", name="Chat starten")
        launcher.click()
        form = page.locator("#desk-widget-host #desk-prechat")
        expect(form).to_be_visible()
        name, address = form.get_by_label("Ihr Name"), form.get_by_label("Ihre E-Mail-Adresse f\u00fcr unsere Antwort")
        start = form.get_by_role("button", name="Chat beginnen")
        composer = page.locator("#desk-widget-host #desk-input")

        start.click()  # nothing given: the chat does not start, and each field says why
        expect(composer).to_be_hidden()
        for field in (name, address):
            expect(field).to_have_attribute("aria-invalid", "true")
            expect(field).to_have_accessible_description("Dieses Feld ist erforderlich.")
        expect(form.get_by_role("alert")).to_have_text(["Dieses Feld ist erforderlich."] * 2)
        expect(name).to_be_focused()
        at_every_width(page, "widget-prechat-errors", fit=())

        name.fill("Karl Kunde")
        address.fill("not an address")
        start.click()
        expect(composer).to_be_hidden()
        expect(name).not_to_have_attribute("aria-invalid", "true")
        expect(address).to_have_accessible_description("Bitte geben Sie eine g\u00fcltige E-Mail-Adresse ein.")
        expect(address).to_be_focused()

        address.fill("karl@kunde.example")
        start.click()
        expect(composer).to_be_visible()
        expect(form).to_be_hidden()
        expect(page.get_by_role("button", name="Chat starten")).to_have_attribute("aria-expanded", "true")
        at_every_width(page, fit=())
    finally:
        spanish.close()

    # A French browser gets French; a name only, optional: the chat starts without one.
    configure(admin, widget_settings, languages=["de", "fr"], prechat={"name": "optional", "email": "off"},
              allowed_origins=[])
    french = browser.new_context(viewport={"width": PHONE, "height": 800}, locale="fr-FR")
    try:
        page = french.new_page()
        page.goto(stack.demo.url)
        page.get_by_role("button", name="Discuter avec nous").click()
        form = page.locator("#desk-widget-host #desk-prechat")
        expect(form.get_by_label("Votre nom")).to_be_visible()
        expect(form.locator("#desk-pre-email")).to_be_hidden()
        form.get_by_role("button", name="Commencer").click()
        expect(page.locator("#desk-widget-host #desk-input")).to_be_visible()
        at_every_width(page, "widget-prechat-fr", fit=())
    finally:
        french.close()
