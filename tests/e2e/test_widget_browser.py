"""The widget in a real browser (Debian's headless Chromium, driven by Playwright): a visitor
on a business's page chats with an agent, and the conversation survives a reload."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import ARTIFACTS
from tests.e2e.chat_client import ChatClient


@pytest.fixture
def business_site(stack, tmp_path):
    """A stand-in for the business's own website, on another origin than the desk."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Lamps &amp; Co</title></head>"
        "<body><h1>Lamps &amp; Co</h1><p>Beautiful lamps since 1999.</p>"
        f'<script src="{stack.api_url}/widget.js" async></script></body></html>'
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_visitor_chats_with_an_agent_from_the_widget(browser, business_site, stack, agent):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    desk_agent = ChatClient(stack.gateway.url, token=agent.token)
    page = browser.new_context().new_page()
    try:
        page.goto(business_site)
        launcher = page.get_by_role("button", name="Chat with us")
        launcher.click()
        expect(launcher).to_have_attribute("aria-expanded", "true")
        page.get_by_label("Your message").fill("Do you ship to Tallinn?")
        page.get_by_label("Your message").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["Do you ship to Tallinn?"])

        created = desk_agent.wait_for(
            "conversation.created", lambda f: f["message"]["body"] == "Do you ship to Tallinn?"
        )
        conversation = created["conversation_id"]
        desk_agent.send(action="join", conversation_id=conversation)
        desk_agent.wait_for("joined")
        expect(page.locator("#desk-status")).to_have_text("Alex Agent joined the chat")
        desk_agent.say("Yes! Delivery takes 2-3 days. <b>not bold</b>", conversation)
        reply = page.locator("li.desk-theirs .desk-text")
        expect(reply).to_have_text(["Yes! Delivery takes 2-3 days. <b>not bold</b>"])  # text, not HTML
        page.screenshot(path=str(ARTIFACTS / "widget-chat.png"))

        page.reload()  # the visitor navigates: the conversation comes back, still open
        expect(page.get_by_role("button", name="Chat with us")).to_have_attribute("aria-expanded", "true")
        expect(page.locator("li .desk-text")).to_have_text(
            ["Do you ship to Tallinn?", "Yes! Delivery takes 2-3 days. <b>not bold</b>"]
        )
        page.get_by_label("Your message").fill("Great, thanks!")
        page.get_by_label("Your message").press("Enter")
        assert desk_agent.wait_for("message")["message"]["body"] == "Great, thanks!"
        bodies = [m["body"] for m in agent.get(f"/tickets/{conversation}/messages").json()["items"]]
        assert bodies == ["Do you ship to Tallinn?", "Yes! Delivery takes 2-3 days. <b>not bold</b>", "Great, thanks!"]
    finally:
        desk_agent.close()


def test_outside_business_hours_the_widget_says_when_we_are_back_and_takes_a_message(
    browser, business_site, stack, agent, clock, desk_hours
):
    from datetime import UTC, datetime

    clock.at = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # a Saturday: back Monday 09:00 Berlin
    context = browser.new_context(timezone_id="Europe/Tallinn", locale="en-GB")
    context.clock.set_fixed_time(clock.at)  # the visitor's browser lives at the desk's instant too
    page = context.new_page()
    try:
        page.goto(business_site)
        page.get_by_role("button", name="Chat with us").click()
        # Monday 09:00 in Berlin is 10:00 in Tallinn, where this visitor is.
        expect(page.locator("#desk-status")).to_contain_text("We're away until Monday 30 November at 10:00")
        page.locator("#desk-email").fill("mari@example.ee")  # the away form's (the pre-chat form has one too)
        page.get_by_label("Your message").fill("My order never came.")
        page.get_by_label("Your message").press("Enter")
        notice = page.locator("li.desk-theirs .desk-text")
        expect(notice).to_contain_text(["back on Monday, 30 November at 10:00 (Europe/Tallinn time)"])
        page.screenshot(path=str(ARTIFACTS / "widget-away.png"))
        from tests.e2e.browser import violations, widget_conversation

        assert violations(page) == []
        conversation = widget_conversation(page, stack.api_url)
    finally:
        context.close()
    left = agent.get(f"/tickets/{conversation}").json()
    assert left["subject"] == "My order never came."
    assert left["channel"] == "chat" and left["customer"]["email"] == "mari@example.ee"


def test_a_visitor_the_desk_no_longer_knows_gets_a_new_conversation_not_a_hang(
    browser, business_site, stack, admin, agent
):
    """Issue #12: when session renewal answers 404 (the visitor was erased, or lost), the
    widget drops its stored session and starts a new one, live and after a reload."""
    from tests.e2e.browser import violations, widget_conversation

    def erase(conversation: str) -> str:
        customer = agent.get(f"/tickets/{conversation}").json()["customer"]["id"]
        r = admin.post(f"/customers/{customer}/erase", json={"confirm": customer, "reason": "customer_request"})
        assert r.status_code == 200, r.text
        return customer

    def chat(page, text: str) -> None:
        page.get_by_label("Your message").fill(text)
        page.get_by_label("Your message").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text([text])

    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone's width
    page = context.new_page()
    try:
        page.goto(business_site)
        page.get_by_role("button", name="Chat with us").click()
        chat(page, "Please forget me.")
        first = widget_conversation(page, stack.api_url)
        erased = erase(first)  # the desk closes the widget's connection

        # Live: the widget notices, forgets the conversation and can start another.
        expect(page.locator("li .desk-text")).to_have_count(0)
        expect(page.locator("#desk-status")).not_to_have_text("Reconnecting\u2026", timeout=10_000)
        chat(page, "I am back.")
        second = widget_conversation(page, stack.api_url)
        assert second != first
        assert agent.get(f"/tickets/{second}").json()["customer"]["id"] != erased
        box = page.locator("#desk-panel").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.screenshot(path=str(ARTIFACTS / "widget-after-erasure-390.png"))
        assert violations(page) == []

        # After a reload: the stored visitor is gone by then (erased while no page was open).
        page.close()
        erase(second)
        page = context.new_page()
        page.goto(business_site)
        expect(page.get_by_role("button", name="Chat with us")).to_have_attribute("aria-expanded", "true")
        expect(page.locator("li .desk-text")).to_have_count(0)
        chat(page, "Third time lucky.")
        third = widget_conversation(page, stack.api_url)
        assert third not in (first, second)
        expect(page.locator("#desk-status")).not_to_have_text("Reconnecting\u2026")
        assert violations(page) == []
    finally:
        context.close()


def test_messages_typed_fast_are_stored_in_the_order_typed(browser, business_site, stack, agent):
    """The widget sends one message at a time, numbered, each after the ack of the one before:
    eight typed in a burst (the first still opening the conversation) keep their order."""
    page = browser.new_context().new_page()
    texts = [f"line {i}" for i in range(1, 9)]
    try:
        page.goto(business_site)
        page.get_by_role("button", name="Chat with us").click()
        box = page.get_by_label("Your message")
        for text in texts:
            box.fill(text)
            box.press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(texts, timeout=20000)
        conversation = page.evaluate(
            "() => Object.entries(localStorage).map(([k, v]) => JSON.parse(v).conversation).find(Boolean)"
        )
    finally:
        page.close()
    items = agent.get(f"/tickets/{conversation}/messages").json()["items"]
    assert [m["body"] for m in sorted(items, key=lambda m: m["seq"]) if m["author_type"] == "customer"] == texts
