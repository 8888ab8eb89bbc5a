"""Defects a new user met in the agent console (issue #13), in a real browser at a phone's, a
laptop's and a desktop's width, with axe: customer messages that vanished at 1100 px and less,
agents' typing the visitor never saw, a header that scrolled away and a timeline that stopped
short, a console wider than a phone, a session lost on reload or in a new tab, a rating
without its comment, repeated page titles, and one customer known by two names.

Each flow runs once, on a phone (where the list and the conversation take turns and the
customer panel hides behind a button), and each state it reaches is checked at all three
widths by resizing the page in place (at_every_width): the console lays out by CSS alone."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in as sign_in_api
from tests.e2e.browser import (
    LIVE_TIMEOUT,
    at_every_width,
    fits,
    screenshot,
    sign_in,
    violations,
    widget_conversation,
)
from tests.e2e.chat_client import ChatClient

PHONE = 390
PNG = base64.b64decode(  # one pixel, for an agent's picture
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def new_agent(admin, name: str) -> tuple[str, str, str]:
    """An agent of the test's own (its "Mine" holds only what the test gives it)."""
    email, password = f"def-{uuid.uuid4().hex[:8]}@tests.example", f"Right-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": name, "password": password})
    assert r.status_code == 201, r.text
    return email, password, r.json()["id"]


def api_ticket(admin, unique: str, **extra) -> dict:
    r = admin.post("/tickets", json={"subject": f"Lamp flickers {unique}", "body": f"It flickers, {unique}.",
                                     "customer": {"email": f"ann-{unique}@customer.example", "name": "Ann Example"},
                                     **extra})
    assert r.status_code == 201, r.text
    return r.json()


def visitor_chat(anonymous, stack, text: str) -> tuple[ChatClient, str]:
    session = anonymous.post("/widget/sessions", json={})
    assert session.status_code == 201, session.text
    client = ChatClient(stack.gateway.url, visitor=session.json()["token"])
    return client, client.say(text)["conversation_id"]


def open_from_list(page, ticket_id: str) -> None:
    page.get_by_role("button", name="All", exact=True).click()
    page.locator(f'#tickets [data-ticket="{ticket_id}"]').click()


def customer_panel(page, width: int):
    """The customer panel: beside the conversation on a desktop, behind a button when narrower."""
    panel = page.locator("#customer")
    if width <= 1100:
        expect(panel).to_be_hidden()
        page.get_by_role("button", name="Customer details").click()
    expect(panel).to_be_visible()
    return panel


@pytest.fixture
def context_at(browser):
    contexts = []

    def make(width: int):
        context = browser.new_context(viewport={"width": width, "height": 700})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def test_customer_messages_show_at_every_width_under_one_name_in_bubbles(
    context_at, stack, admin, anonymous, unique
):
    email, password, agent_id = new_agent(admin, "Dana Defects")
    dana = anonymous.as_token(sign_in_api(anonymous, email, password))
    picture = f"https://avatars.example.com/dana-{unique}.png"
    assert dana.patch("/agents/me", json={"avatar_url": picture}).status_code == 200
    visitor, conversation = visitor_chat(anonymous, stack, f"Is the lamp dimmable? {unique}")
    try:
        customer_id = admin.get(f"/tickets/{conversation}").json()["customer"]["id"]
        name = "Visitor " + customer_id[-4:].upper()  # no name, no e-mail: one name everywhere
        page = context_at(PHONE).new_page()
        page.route(picture, lambda route: route.fulfill(status=200, content_type="image/png", body=PNG))
        sign_in(page, stack.api_url, email, password)
        open_from_list(page, conversation)
        theirs = page.locator("#timeline li", has_text=f"Is the lamp dimmable? {unique}")
        expect(theirs).to_be_visible()  # not squashed to nothing by the side panel's media rule
        assert theirs.bounding_box()["height"] > 20

        expect(page.locator(f'#tickets [data-ticket="{conversation}"] .meta')).to_contain_text(name)
        expect(theirs.locator(".author")).to_have_text(name)
        expect(theirs.locator(".avatar")).to_have_text("V" + customer_id[-4].upper())  # initials
        expect(theirs.locator("time")).to_be_visible()

        page.get_by_label("Message", exact=True).fill("Yes, with the dimmer in the cable.")
        page.get_by_role("button", name="Send", exact=True).click()
        ours = page.locator("#timeline li", has_text="Yes, with the dimmer in the cable.")
        expect(ours.locator(".author")).to_have_text("Dana Defects")
        expect(ours.locator("img.avatar")).to_have_attribute("src", picture)  # her picture
        page.wait_for_function("() => (document.querySelector('#timeline li:last-child img.avatar') || {}).naturalWidth === 1")
        expect(ours.locator("time")).to_be_visible()

        def at(width: int) -> None:
            expect(theirs).to_be_visible()
            assert theirs.bounding_box()["height"] > 20
            panel = customer_panel(page, width)
            expect(panel.get_by_role("heading", level=2)).to_have_text(name)
            assert violations(page) == [], f"at {width} px"
            fits(page)
            screenshot(page, f"console-defects-bubbles-{width}")
            if width <= 1100:
                page.get_by_role("button", name="Close customer details").click()
                expect(panel).to_be_hidden()

        # the panel's state at each width is checked by at() itself (axe with it open)
        at_every_width(page, axe=False, fit=(), also=at)

        # The reply made the unassigned conversation Dana's.
        page.get_by_role("button", name="Back to the list").click()
        page.get_by_role("button", name="Mine", exact=True).click()
        expect(page.locator(f'#tickets [data-ticket="{conversation}"]')).to_be_visible()
        assert admin.get(f"/tickets/{conversation}").json()["assignee_id"] == agent_id
    finally:
        visitor.close()


def test_the_visitor_sees_the_agent_typing_a_reply_but_not_a_note(context_at, stack, admin):
    email, password, _ = new_agent(admin, "Tess Typist")
    shop = context_at(1280).new_page()
    shop.goto(stack.demo.url)
    shop.get_by_role("button", name="Chat with us").click()
    shop.get_by_label("Your message").fill("Hello, a question about lamps")
    shop.get_by_label("Your message").press("Enter")
    expect(shop.locator("li.desk-mine .desk-text")).to_have_text(["Hello, a question about lamps"])
    conversation = widget_conversation(shop, stack.api_url)

    page = context_at(PHONE).new_page()
    sign_in(page, stack.api_url, email, password)
    open_from_list(page, conversation)
    expect(page.locator("#conversation-title")).to_contain_text("Hello, a question about lamps")
    status = shop.locator("#desk-status")
    expect(status).to_have_text("Tess Typist joined the chat")

    page.get_by_label("Message", exact=True).press_sequentially("Let me check", delay=30)
    expect(status).to_have_text("Tess Typist is typing\u2026")
    expect(status).not_to_have_text(re.compile("typing"), timeout=10000)  # stopped typing: it goes away

    page.get_by_label("Internal note").check()
    page.get_by_label("Message", exact=True).fill("")
    page.get_by_label("Message", exact=True).press_sequentially("only for us", delay=30)
    shop.wait_for_timeout(1500)
    expect(status).not_to_have_text(re.compile("typing"))
    at_every_width(page, fit=())


def test_after_a_reply_the_header_stays_and_the_newest_message_shows(context_at, stack, admin, unique):
    email, password, _ = new_agent(admin, "Hal Header")
    ticket = api_ticket(admin, unique)
    for i in range(14):  # a long history: the timeline scrolls
        note = admin.post(f"/tickets/{ticket['id']}/messages",
                          json={"kind": "note", "body": f"Note {i}: checked the cable, the bulb and the socket."})
        assert note.status_code == 201, note.text
    page = context_at(PHONE).new_page()
    sign_in(page, stack.api_url, email, password)
    open_from_list(page, ticket["id"])
    expect(page.locator("#timeline li")).to_have_count(15)

    page.get_by_label("Message", exact=True).fill(f"A new lamp is on its way {unique}.")
    page.get_by_role("button", name="Send", exact=True).click()
    newest = page.locator("#timeline li").last
    expect(newest).to_contain_text(f"A new lamp is on its way {unique}.")
    expect(newest).to_be_in_viewport()
    page.wait_for_timeout(400)  # any smooth scrolling has ended

    def uncovered(selector: str, at: str) -> bool:
        """Whether the element is what a person sees at its centre (at="middle") or just above
        its bottom edge (at="bottom"), not something drawn over it or nothing at all."""
        return page.evaluate(
            """([selector, at]) => {
                const el = document.querySelector(selector);
                const r = el.getBoundingClientRect();
                const y = at === "bottom" ? r.bottom - 6 : r.top + r.height / 2;
                const found = document.elementFromPoint(r.left + Math.min(r.width / 2, 40), y);
                return !!found && el.contains(found);
            }""",
            [selector, at],
        )

    def at(width: int) -> None:
        expect(newest).to_be_in_viewport()
        assert uncovered("#timeline li:last-child", "bottom"), f"at {width} px the newest message is cut off or covered"
        # a toast (the console says something) never stands between the agent and Send
        page.evaluate("() => { for (let i = 0; i < 3; i++) Desk.toast('Saved: a note long enough to wrap on a phone.'); }")
        expect(page.locator(".toast").first).to_be_visible()
        send = page.get_by_role("button", name="Send", exact=True)
        box = send.bounding_box()
        assert box is not None
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('button, .toast')?.textContent",
                            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit == send.text_content(), f"at {width} px Send is under a toast ({hit!r})"
        assert uncovered("#conversation-title", "middle"), f"at {width} px the ticket's header scrolled away"
        expect(page.locator("#sla")).to_be_in_viewport()

    at_every_width(page, "console-defects-after-reply", fit=(), also=at)


def test_the_console_fits_the_screen_list_then_conversation_then_back(context_at, stack, admin, unique):
    email, password, _ = new_agent(admin, "Phil Phone")
    ticket = api_ticket(admin, unique)
    page = context_at(PHONE).new_page()
    sign_in(page, stack.api_url, email, password)

    def header(width: int) -> None:
        expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
        expect(page.get_by_role("button", name="Settings")).to_be_in_viewport()

    at_every_width(page, "console-defects-list", also=header)

    open_from_list(page, ticket["id"])
    title = page.locator("#conversation-title")
    expect(title).to_contain_text(f"Lamp flickers {unique}")
    row = page.locator(f'#tickets [data-ticket="{ticket["id"]}"]')

    def conversation(width: int) -> None:
        expect(title).to_be_in_viewport()
        expect(page.get_by_label("Message", exact=True)).to_be_in_viewport()
        if width == PHONE:  # one thing at a time on a phone: the list is behind a Back button
            expect(page.locator("#tickets")).to_be_hidden()
        else:
            expect(row).to_be_in_viewport()

    at_every_width(page, "console-defects-conversation", also=conversation)
    page.get_by_role("button", name="Back to the list").click()
    expect(row).to_be_in_viewport()
    expect(title).to_be_hidden()
    fits(page)


def test_the_session_and_the_open_ticket_survive_a_reload_and_a_new_tab_until_signing_out(
    context_at, stack, admin, unique
):
    email, password, _ = new_agent(admin, "Rita Reload")
    ticket = api_ticket(admin, unique)
    context = context_at(PHONE)
    first = context.new_page()
    sign_in(first, stack.api_url, email, password)
    open_from_list(first, ticket["id"])
    expect(first).to_have_url(f"{stack.api_url}/console#ticket/{ticket['id']}")

    first.reload()
    expect(first.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
    expect(first.locator("#conversation-title")).to_contain_text(f"Lamp flickers {unique}")
    expect(first.get_by_label("Password", exact=True)).to_be_hidden()

    second = context.new_page()  # a new tab: signed in, straight to a ticket's address
    second.goto(f"{stack.api_url}/console#ticket/{ticket['id']}")
    expect(second.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
    expect(second.locator("#conversation-title")).to_contain_text(f"Lamp flickers {unique}")
    second.goto(f"{stack.api_url}/console#settings")  # the settings keep their own addresses
    expect(second.get_by_role("heading", name="My profile")).to_be_visible()
    second.get_by_role("button", name="Back to conversations").click()
    expect(second.locator("#settings")).to_be_hidden()
    at_every_width(second, fit=())

    second.get_by_role("button", name="Sign out").click()
    expect(second.get_by_label("Password", exact=True)).to_be_visible()
    expect(first.get_by_label("Password", exact=True)).to_be_visible()  # signed out in every tab
    first.reload()
    expect(first.get_by_label("Password", exact=True)).to_be_visible()
    at_every_width(first, fit=())


def test_the_rating_shows_its_comment_and_repeated_pages_are_counted(
    context_at, stack, admin, anonymous, unique
):
    email, password, _ = new_agent(admin, "Cora Comment")
    visitor, conversation = visitor_chat(anonymous, stack, f"Where is my order? {unique}")
    try:
        # As the widget sends them, with when the visitor saw each page; the cart (seen last)
        # arrives first, as frames handled concurrently may: the history is in the order seen.
        seen = datetime.now(UTC) - timedelta(minutes=5)
        pages = [("https://shop.example.com/lamps", "Lamps")] * 3 + [("https://shop.example.com/cart", "Cart")]
        for n in (3, 0, 1, 2):
            at = (seen + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            visitor.send(action="page", url=pages[n][0], title=pages[n][1], seen_at=at)
            visitor.drain(0.2)
        ticket = admin.get(f"/tickets/{conversation}")
        solved = admin.patch(f"/tickets/{conversation}", json={"status": "solved"},
                             headers={"If-Match": ticket.headers["ETag"]})
        assert solved.status_code == 200, solved.text
        visitor.wait_for("conversation.updated", lambda f: f["conversation"]["status"] == "solved")
        visitor.send(action="rate", conversation_id=conversation, score=4, comment=f"Quick and kind {unique}")
        visitor.wait_for("rated")
        pages = [p["title"] for p in admin.get(f"/customers/{ticket.json()['customer']['id']}").json()["visit_pages"]]
        assert pages == ["Lamps", "Lamps", "Lamps", "Cart"]

        page = context_at(PHONE).new_page()
        sign_in(page, stack.api_url, email, password)
        open_from_list(page, conversation)

        def at(width: int) -> None:
            expect(page.locator("#sla")).to_contain_text("Rated 4/5")
            expect(page.locator("#sla")).to_contain_text(f"Quick and kind {unique}")
            panel = customer_panel(page, width)
            expect(panel.locator("#pages li")).to_have_text(["Lamps (3 times)", "Cart"])
            assert violations(page) == [], f"at {width} px"
            fits(page)
            if width <= 1100:  # closed again, for the next width's button
                page.get_by_role("button", name="Close customer details").click()
                expect(panel).to_be_hidden()

        at_every_width(page, axe=False, fit=(), also=at)
    finally:
        visitor.close()
