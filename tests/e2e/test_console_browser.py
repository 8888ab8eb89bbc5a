"""Both sides in a real browser (Debian's headless Chromium, driven by Playwright): a visitor on
the demo shop chats with an agent signed in to the console in a second browser context; the
agent replies, tags and solves; the visitor rates. axe-core checks the widget and the console.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.desk_env import desk_settings
from tests.e2e.browser import (
    ARTIFACTS,
    LIVE_TIMEOUT,
    at_every_width,
    sign_in,
    violations,
    widget_conversation,
)


def test_guesses_at_an_agents_password_do_not_lock_her_own_browser_out(browser, stack, admin, anonymous):
    """Once, on a phone; the refused sign-in and her console checked at every width in place."""
    email, password = f"own-{uuid.uuid4().hex[:8]}@tests.example", f"Right-{uuid.uuid4().hex[:10]}"
    assert admin.post("/agents", json={"email": email, "name": "Olga Own", "password": password}).status_code == 201
    hers = browser.new_context(viewport={"width": 390, "height": 800})
    stranger = browser.new_context(viewport={"width": 390, "height": 800})
    try:  # with the sign-in limits the suite turns off (every test's client is 127.0.0.1)
        with desk_settings(DESK_RATE_LIMIT_LOGIN_EMAIL=None, DESK_RATE_LIMIT_LOGIN_DEVICE=None):
            page = hers.new_page()
            sign_in(page, stack.api_url, email, password)
            page.get_by_role("button", name="Sign out").click()
            for _ in range(4):  # someone else guessing her password
                assert anonymous.post("/auth/login", json={"email": email, "password": "Guess-1234"}).status_code == 401
            elsewhere = stranger.new_page()
            elsewhere.goto(f"{stack.api_url}/console")
            elsewhere.get_by_label("Email", exact=True).fill(email)
            elsewhere.get_by_label("Password", exact=True).fill(password)
            elsewhere.get_by_role("button", name="Sign in").click()
            expect(elsewhere.locator("#signin-error")).to_have_text("Too many requests; try again later.")
            at_every_width(elsewhere, fit=())
            sign_in(page, stack.api_url, email, password)  # her own browser gets in
            at_every_width(page, fit=())
    finally:
        hers.close()
        stranger.close()


def test_a_visitor_and_an_agent_in_the_console_chat_solve_and_rate(browser, stack):
    agent_context = browser.new_context(viewport={"width": 1440, "height": 900})
    visitor_context = browser.new_context(locale="en-GB")
    console = agent_context.new_page()
    shop = visitor_context.new_page()
    question = f"Is the Aino lamp dimmable? ({uuid.uuid4().hex[:4]})"
    try:
        sign_in(console, stack.api_url)
        assert violations(console) == []
        console.get_by_role("button", name="All", exact=True).click()

        shop.goto(stack.demo.url)
        launcher = shop.get_by_role("button", name="Chat with us")
        assert violations(shop) == []  # closed
        launcher.click()
        expect(shop.get_by_label("Your message")).to_be_focused()
        assert violations(shop) == []  # open
        shop.get_by_label("Your message").fill(question)
        shop.get_by_label("Your message").press("Enter")
        expect(shop.locator("li.desk-mine .desk-text")).to_have_text([question])

        # The console's list updates without a reload.
        item = console.get_by_role("button", name=question)
        expect(item).to_be_visible()
        item.click()
        expect(console.locator("#conversation-title")).to_contain_text(question)
        expect(console.locator("#timeline li .body")).to_have_text([question])
        assert violations(console) == []

        console.get_by_label("Message", exact=True).fill("Yes - it has a dimmer in the cable.")
        console.get_by_role("button", name="Send", exact=True).click()
        expect(shop.locator("li.desk-theirs .desk-text")).to_have_text(["Yes - it has a dimmer in the cable."])

        console.get_by_label("Tags").fill("product-question")
        console.get_by_label("Status", exact=True).select_option("solved")
        console.get_by_role("button", name="Save").click()
        expect(console.locator("#toasts")).to_contain_text("Saved.")

        # The visitor is asked to rate, and rates.
        expect(shop.get_by_text("How did we do?")).to_be_visible()
        shop.screenshot(path=str(ARTIFACTS / "widget-rating.png"))
        assert violations(shop) == []
        shop.get_by_label("5 out of 5").check(force=True)
        shop.get_by_role("button", name="Send rating").click()
        expect(shop.locator("#desk-status")).to_have_text("Thank you for your rating!")

        console.reload()
        expect(console.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        console.get_by_role("button", name="All", exact=True).click()
        console.get_by_role("button", name=question).click()
        expect(console.locator("#sla")).to_contain_text("Rated 5/5")
        expect(console.locator("#timeline li .body")).to_have_text([question, "Yes - it has a dimmer in the cable."])
        expect(console.get_by_label("My status")).to_have_value("online")
        expect(console.get_by_label("Tags")).to_have_value("product-question")
        console.screenshot(path=str(ARTIFACTS / "console-conversation.png"))
        shop.screenshot(path=str(ARTIFACTS / "widget-solved.png"))
    finally:
        agent_context.close()
        visitor_context.close()


def test_the_hebrew_widget_reads_right_to_left(browser, stack):
    context = browser.new_context(locale="he-IL")
    page = context.new_page()
    try:
        page.goto(stack.demo.url)
        launcher = page.get_by_role("button", name="צ'אט איתנו")
        launcher.click()
        expect(page.locator("#desk-panel")).to_have_attribute("dir", "rtl")
        expect(page.locator(".root")).to_have_attribute("lang", "he")
        # Text reads right to left; the widget stays in its corner (bottom right by default).
        box = page.locator("#desk-panel").bounding_box()
        launcher_box = launcher.bounding_box()
        assert box is not None and launcher_box is not None
        assert abs((launcher_box["x"] + launcher_box["width"]) - (box["x"] + box["width"])) < 2
        expect(page.get_by_label("ההודעה שלך")).to_be_focused()
        assert violations(page) == []
        page.get_by_label("ההודעה שלך").fill("שלום, האם המנורה מתעמעמת?")
        page.get_by_label("ההודעה שלך").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["שלום, האם המנורה מתעמעמת?"])
        page.screenshot(path=str(ARTIFACTS / "widget-hebrew.png"))
    finally:
        context.close()


def test_the_widget_is_usable_by_keyboard_alone(browser, stack):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        page.goto(stack.demo.url)
        launcher = page.get_by_role("button", name="Chat starten")
        launcher.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_label("Ihre Nachricht")).to_be_focused()
        page.keyboard.type("Hallo, ich habe eine Frage zur Lieferung.")
        page.keyboard.press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["Hallo, ich habe eine Frage zur Lieferung."])
        page.keyboard.press("Escape")  # closes, and focus goes back to the launcher
        expect(launcher).to_have_attribute("aria-expanded", "false")
        expect(launcher).to_be_focused()
    finally:
        context.close()


def test_a_mobile_visitor_gets_the_whole_screen(browser, stack):
    context = browser.new_context(viewport={"width": 390, "height": 780}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(stack.demo.url)
        page.get_by_role("button", name="Chat with us").click()
        box = page.locator("#desk-panel").bounding_box()
        assert box is not None and box["width"] >= 389 and box["height"] >= 779
        page.screenshot(path=str(ARTIFACTS / "widget-mobile.png"))
    finally:
        context.close()


@pytest.fixture
def shop_page(stack, tmp_path):
    """A business page with the snippet and the options the test gives (another origin)."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    servers = []

    def make(attributes: str = "", before: str = "") -> str:
        name = f"page-{len(servers)}.html"
        (tmp_path / name).write_text(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Shop</title></head><body>"
            f"<main><h1>Shop</h1></main>{before}"
            f'<script src="{stack.api_url}/widget.js" {attributes} async></script></body></html>'
        )
        handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
        handler.log_message = lambda *args: None
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield make
    for server in servers:
        server.shutdown()


def test_a_required_pre_chat_form_comes_first_and_names_the_customer(browser, shop_page, stack, agent):
    url = shop_page('data-prechat="required" data-color="#7a2e8c" data-position="left"')
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url)
        page.get_by_role("button", name="Chat with us").click()
        expect(page.get_by_label("Your name")).to_be_focused()
        expect(page.get_by_label("Your message")).to_be_hidden()
        page.get_by_role("button", name="Start chat").click()  # empty: the browser asks for the fields
        expect(page.get_by_label("Your message")).to_be_hidden()
        page.get_by_label("Your name").fill("Kadri Tamm")
        page.locator("#desk-pre-email").fill("kadri@example.ee")
        page.get_by_role("button", name="Start chat").click()
        expect(page.get_by_label("Your message")).to_be_focused()
        page.get_by_label("Your message").fill("Hi, a question about delivery times.")
        page.get_by_label("Your message").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["Hi, a question about delivery times."])
        box = page.locator("#desk-panel").bounding_box()
        assert box is not None and box["x"] < 100  # on the left, as configured
        page.screenshot(path=str(ARTIFACTS / "widget-prechat-left.png"))
        conversation = widget_conversation(page, stack.api_url)
    finally:
        context.close()
    mine = agent.get(f"/tickets/{conversation}").json()
    assert mine["subject"] == "Hi, a question about delivery times." and mine["channel"] == "chat"
    assert mine["customer"]["name"] == "Kadri Tamm" and mine["customer"]["email"] == "kadri@example.ee"


def test_a_signed_in_user_of_the_business_is_identified_by_the_hash(browser, shop_page, stack, agent):
    import hashlib
    import hmac

    user_id = f"user-{uuid.uuid4().hex[:8]}"
    digest = hmac.new(os.environ["DESK_IDENTITY_SECRET"].encode(), user_id.encode(), hashlib.sha256).hexdigest()
    before = (
        f"<script>window.DeskWidget = {{user: {{id: '{user_id}', hash: '{digest}', email: 'liis@example.ee',"
        " name: 'Liis'}, strings: {en: {launcher: 'Questions? Ask us'}}};</script>"
    )
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(shop_page(before=before))
        page.get_by_role("button", name="Questions? Ask us").click()  # the business's own wording
        page.get_by_label("Your message").fill("Where is my order 5521?")
        page.get_by_label("Your message").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["Where is my order 5521?"])
        conversation = widget_conversation(page, stack.api_url)
    finally:
        context.close()
    mine = agent.get(f"/tickets/{conversation}").json()
    assert mine["subject"] == "Where is my order 5521?"
    assert mine["customer"]["external_id"] == user_id and mine["customer"]["email"] == "liis@example.ee"


def test_a_reply_to_a_hidden_tab_shows_in_its_title(browser, stack, agent):
    from tests.e2e.chat_client import ChatClient

    context = browser.new_context()
    page = context.new_page()
    desk = ChatClient(stack.gateway.url, token=agent.token)
    try:
        page.goto(stack.demo.url)
        page.get_by_role("button", name="Chat with us").click()
        page.get_by_label("Your message").fill("Anyone there? (title test)")
        page.get_by_label("Your message").press("Enter")
        created = desk.wait_for("conversation.created", lambda f: f["message"]["body"] == "Anyone there? (title test)")
        # The visitor switches to another tab. Headless Chromium keeps every tab "visible", so
        # the page is told what a real browser would tell it.
        hide = """(hidden) => {
            Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event('visibilitychange'));
        }"""
        page.evaluate(hide, True)
        desk.send(action="join", conversation_id=created["conversation_id"])
        desk.wait_for("joined")
        desk.say("Yes, here!", created["conversation_id"])
        page.wait_for_function("document.title.startsWith('(1) New message')")
        expect(page.locator(".badge")).to_have_text("1")
        page.evaluate(hide, False)  # back to the tab: the notice goes
        page.wait_for_function("!document.title.startsWith('(')")
        expect(page.locator(".badge")).to_be_hidden()
    finally:
        desk.close()
        context.close()


def test_canned_responses_and_the_agent_card_reach_both_sides(browser, stack, admin, agent, agent_account):
    from tests.e2e.chat_client import ChatClient

    r = admin.request("PUT", "/canned-responses/delivery", json={
        "title": "Delivery times", "body": "Hi {{customer.first_name}}, lamps ship within 2 days. {{agent.name}}",
    })
    assert r.status_code == 200, r.text
    profile = {"title": "Lighting expert", "timezone": "Europe/Tallinn",
               "avatar_url": "https://images.example.com/alex.png"}
    assert agent.patch("/agents/me", json=profile).status_code == 200

    visitor_context = browser.new_context()
    shop = visitor_context.new_page()
    agent_context = browser.new_context(viewport={"width": 1440, "height": 900})
    console = agent_context.new_page()
    desk = ChatClient(stack.gateway.url, token=agent.token)
    try:
        shop.goto(stack.demo.url)
        shop.get_by_role("button", name="Chat with us").click()
        shop.get_by_label("Your message").fill("When do you ship? (canned)")
        shop.get_by_label("Your message").press("Enter")
        created = desk.wait_for("conversation.created", lambda f: f["message"]["body"] == "When do you ship? (canned)")
        desk.send(action="join", conversation_id=created["conversation_id"])
        desk.wait_for("joined")
        # The visitor sees who answers: name, role and local time.
        expect(shop.locator("#desk-title")).to_have_text("Alex Agent")
        expect(shop.locator("#desk-agent")).to_contain_text("Lighting expert")
        expect(shop.locator("#desk-agent")).to_contain_text("local time")

        console.goto(f"{stack.api_url}/console")
        console.get_by_label("Email", exact=True).fill(agent_account["email"])
        console.get_by_label("Password", exact=True).fill(agent_account["password"])
        console.get_by_role("button", name="Sign in").click()
        expect(console.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        console.get_by_role("button", name="Chat", exact=True).click()
        console.get_by_role("button", name="When do you ship? (canned)").click()
        console.get_by_label("Canned response").select_option(label="Delivery times")
        expect(console.get_by_label("Message", exact=True)).to_have_value("Hi there, lamps ship within 2 days. Alex Agent")
        console.get_by_role("button", name="Send", exact=True).click()
        expect(shop.locator("li.desk-theirs .desk-text")).to_have_text(["Hi there, lamps ship within 2 days. Alex Agent"])
        assert violations(console) == []
        shop.screenshot(path=str(ARTIFACTS / "widget-agent-card.png"))
    finally:
        desk.close()
        agent_context.close()
        visitor_context.close()
        # The agent is shared by the session's tests: back to no profile.
        agent.patch("/agents/me", json={"title": None, "timezone": None, "avatar_url": None})


def test_a_page_view_alone_opens_no_websocket_and_the_pages_reach_the_agent_later(browser, stack, agent):
    context = browser.new_context()
    page = context.new_page()
    try:
        before = set(stack.gateway.connections)
        page.goto(stack.demo.url)
        expect(page.locator("#desk-status")).to_have_text(re.compile("^We're (online|away)"))  # from the session
        page.goto(stack.demo.url + "?page=shipping")  # browsing on, widget closed
        expect(page.locator("#desk-status")).not_to_have_text("Connecting…")
        page.wait_for_timeout(500)
        # Nothing opened for a page view (an earlier test's connection may close meanwhile).
        assert set(stack.gateway.connections) - before == set()
        page.get_by_role("button", name="Chat with us").click()
        page.get_by_label("Your message").fill("Which lamp for a reading corner?")
        page.get_by_label("Your message").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["Which lamp for a reading corner?"])
        conversation = widget_conversation(page, stack.api_url)
    finally:
        context.close()
    ticket = agent.get(f"/tickets/{conversation}").json()
    assert ticket["subject"] == "Which lamp for a reading corner?"
    pages = agent.get(f"/customers/{ticket['customer']['id']}").json()["visit_pages"]
    assert [p["url"] for p in pages] == [stack.demo.url, stack.demo.url + "?page=shipping"]


def test_an_agent_answers_an_email_ticket_from_the_console_and_the_customer_gets_the_mail(browser, stack, smtp, agent_account):
    from tests.e2e.test_mail import mail, sent_to

    customer = f"mailer-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Invoice copy", "Could you send me a copy of invoice 2231, please?"))
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    console = context.new_page()
    try:
        console.goto(f"{stack.api_url}/console")
        console.get_by_label("Email", exact=True).fill(agent_account["email"])
        console.get_by_label("Password", exact=True).fill(agent_account["password"])
        console.get_by_role("button", name="Sign in").click()
        expect(console.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        console.get_by_role("button", name="Email", exact=True).click()
        console.get_by_role("button", name="Invoice copy").first.click()
        expect(console.locator("#reply-label")).to_have_text("Reply by email")
        expect(console.get_by_role("link", name="Original message")).to_be_visible()
        console.get_by_label("Internal note").check()
        console.get_by_label("Message", exact=True).fill("Invoice is in the billing system, checking.")
        console.get_by_role("button", name="Send", exact=True).click()
        expect(console.locator("#timeline li.note .body")).to_have_text(["Invoice is in the billing system, checking."])
        console.get_by_label("Reply by email").check()
        console.get_by_label("Message", exact=True).fill("Here it is: I attached invoice 2231 to your account page.")
        console.get_by_role("button", name="Send and solve").click()
        expect(console.get_by_label("Status", exact=True)).to_have_value("solved")
        # The mail goes out after the reply is saved (from the table's stream); the agent sees it.
        expect(console.locator("#timeline li.from-agent .delivery").last).to_have_text("Sent by email")
    finally:
        context.close()
    bodies = [m.get_body(("plain",)).get_content().strip() for m in sent_to(customer)]
    assert "Here it is: I attached invoice 2231 to your account page." in bodies
    assert not any("billing system" in b for b in bodies)  # notes never leave the desk


def test_a_reply_that_could_not_be_sent_shows_it_and_an_admin_sends_it_from_failed_events(browser, stack, smtp, admin):
    from tests.desk_env import settle
    from tests.e2e.test_event_backbone import ses_refusing, tickets_of
    from tests.e2e.test_mail import mail, sent_to

    customer = f"unsent-{uuid.uuid4().hex[:6]}@customer.example"
    subject = f"Warranty {uuid.uuid4().hex[:4]}"
    smtp(mail(customer, subject, "Is my lamp still under warranty?"))
    [ticket] = tickets_of(admin, customer)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    console = context.new_page()
    try:
        sign_in(console, stack.api_url)
        console.get_by_role("button", name="All", exact=True).click()
        console.get_by_role("button", name=subject).first.click()
        with ses_refusing() as allow:
            console.get_by_label("Message", exact=True).fill("Yes, until next spring.")
            console.get_by_role("button", name="Send", exact=True).click()
            note = console.locator("#timeline li.from-agent .delivery").last
            expect(note).to_contain_text("Not sent: MessageRejected: Did not have authority")  # parked
            expect(note).to_contain_text("send it again from Failed events")
            badge = console.get_by_role("button", name=re.compile("Failed events"))
            expect(badge).to_be_visible()
            badge.click()
            dialog = console.get_by_role("dialog", name="Failed events")
            mine = dialog.locator("li").filter(has_text="A reply by email was not sent").filter(
                has=console.get_by_text("MessageRejected", exact=False))
            expect(mine.first).to_be_visible()
            assert violations(console) == []
            console.set_viewport_size({"width": 390, "height": 844})
            box = dialog.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert violations(console) == []
            console.screenshot(path=str(ARTIFACTS / "console-failed-events-phone.png"))
            console.set_viewport_size({"width": 1024, "height": 768})
            allow()  # the cause is fixed: the admin tries again
            [failure] = [f for f in admin.get("/events/failed", params={"limit": "100"}).json()["items"]
                         if f["event"]["ticket_id"] == ticket["id"]]
            dialog.locator(f'li[data-failure="{failure["id"]}"]').get_by_role("button", name="Try again").click()
            expect(dialog.locator(f'li[data-failure="{failure["id"]}"]')).to_have_count(0)
        dialog.get_by_role("button", name="Close").click()
        expect(console.locator("#timeline li.from-agent .delivery").last).to_have_text("Sent by email")
    finally:
        context.close()
    settle()
    assert [m for m in sent_to(customer) if "Yes, until next spring." in m.get_body(("plain",)).get_content()]
