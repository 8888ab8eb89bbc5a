"""An admin who only uses the console restyles the chat widget and sees it on the demo shop,
then greets the shop's visitors on the lamps page with a proactive chat campaign: a visitor
sees the greeting once (not after a reload, not on a second visit), answers it, and the
console counts the greeting and the answer. The flow runs once, on a phone (where the widget's
panel takes the whole screen); each state it passes through, the console's and the shop's, is
checked at a phone's, a laptop's and a desktop's width (at_every_width), with axe and
screenshots."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import CampaignClock, at_every_width, sign_in

SECONDS = 10  # the scenario's; the test runs the page's clock (CampaignClock), so they take no time


@pytest.fixture
def widget_settings_kept(admin):
    """The widget's settings are the desk's: put back what they were for the other tests."""
    before = admin.get("/settings/widget").json()
    before.pop("widget_key", None)
    yield
    assert admin.request("PUT", "/settings/widget", json=before).status_code == 200


PHONE = 390  # the flow's width: the widget's panel takes the whole screen there


def in_its_panel(page):
    """The widget section fits its panel (the console's own width on phones is defect 7, fixed
    elsewhere)."""
    def check(_width):
        assert page.evaluate("(n => n.scrollWidth <= n.clientWidth)(document.querySelector('.widget-settings'))")
    return check


def test_an_admin_restyles_the_widget_and_greets_lamp_shoppers_once(browser, stack, admin, widget_settings_kept):
    name = f"Lamp help {uuid.uuid4().hex[:6]}"
    console = browser.new_context(viewport={"width": PHONE, "height": 900})
    shop = browser.new_context(viewport={"width": PHONE, "height": 800})
    clock = CampaignClock(shop)
    try:
        page = console.new_page()
        sign_in(page, stack.api_url)
        page.get_by_role("button", name="Settings").click()
        page.get_by_role("link", name="Chat widget").click()
        expect(page.get_by_role("heading", name="Chat widget")).to_be_visible()
        page.get_by_label("Colour", exact=True).fill("#7a2e8c")
        page.get_by_label("Position").select_option("left")
        page.get_by_label("Greeting").fill("Hello from Lamps & Co.! Ask us anything.")
        page.get_by_label("Expected reply time").select_option("minutes")
        preview = page.frame_locator("iframe[title='Widget preview']")
        expect(preview.locator(".desk-greeting")).to_have_text("Hello from Lamps & Co.! Ask us anything.")
        expect(preview.locator(".launcher")).to_have_css("background-color", "rgb(122, 46, 140)")
        expect(page.get_by_label("Paste this before </body> on every page of your site:")).to_have_value(
            f'<script src="{stack.api_url}/widget.js" data-key="{admin.get("/settings/widget").json()["widget_key"]}" async></script>')
        page.get_by_role("button", name="Save widget").click()
        expect(page.locator(".toast")).to_contain_text(["Widget saved."])
        at_every_width(page, "settings-widget", fit=(), also=in_its_panel(page))

        visitor = shop.new_page()
        visitor.goto(stack.demo.url)
        launcher = visitor.locator("#desk-widget-host .launcher")
        expect(launcher).to_have_css("background-color", "rgb(122, 46, 140)")

        def on_the_left(width):  # bottom left now
            box = launcher.bounding_box()
            assert box is not None and box["x"] < width / 2, (width, box)

        at_every_width(visitor, axe=False, fit=(), also=on_the_left)
        launcher.click()
        expect(visitor.locator("#desk-widget-host .desk-greeting")).to_have_text("Hello from Lamps & Co.! Ask us anything.")
        expect(visitor.locator("#desk-agent")).to_have_text("We usually reply in a few minutes.")
        visitor.keyboard.press("Escape")

        page.get_by_role("link", name="Proactive chat").click()
        form = page.locator("#campaign-form")
        form.get_by_label("Name", exact=True).fill(name)
        form.get_by_label("Message", exact=True).fill("Looking for a lamp? I can help you choose.")
        form.get_by_label("Page address").fill("/lamps*")
        form.get_by_label("Seconds on the page").fill(str(SECONDS))
        form.get_by_role("button", name="Save campaign").click()
        row = page.locator("#campaign-list tr", has_text=name)
        expect(row.locator(".shown")).to_have_text("0")
        at_every_width(page, fit=())

        lamps = stack.demo.url + "lamps.html"
        greeting = visitor.locator("#desk-widget-host .desk-campaign")
        clock.greets_after(visitor, lamps, SECONDS, greeting, "Looking for a lamp? I can help you choose.")
        expect(visitor.locator("#desk-widget-host #desk-panel")).to_be_visible()
        at_every_width(visitor, "widget-campaign", fit=())
        visitor.locator("#desk-widget-host #desk-input").fill("Which lamp suits a reading corner?")
        visitor.locator("#desk-widget-host .send").click()
        messages = visitor.locator("#desk-widget-host #desk-messages li[data-seq]")
        expect(messages).to_have_count(2)  # the greeting opens the conversation, then the answer
        expect(messages.nth(0)).to_contain_text("Looking for a lamp?")
        expect(messages.nth(1)).to_contain_text("Which lamp suits a reading corner?")

        clock.not_again(visitor, lamps, SECONDS, greeting)  # once: not after a reload, nor on a second visit

        settle()
        page.get_by_role("link", name="Chat widget").click()
        page.get_by_role("link", name="Proactive chat").click()
        expect(row.locator(".shown")).to_have_text("1")
        expect(row.locator(".replied")).to_have_text("1")
        at_every_width(page, "settings-campaigns", fit=())
    finally:
        console.close()
        shop.close()
        for c in admin.get("/campaigns").json().get("items", []):
            if c["name"] == name:
                admin.request("DELETE", f"/campaigns/{c['id']}")
