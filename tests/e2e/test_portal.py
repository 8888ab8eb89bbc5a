"""The customer portal and web form in a real browser, as a customer meets them: the form
(with a file) opens a ticket, the acknowledgement brings a one-time sign-in link, the portal
lists that ticket and an earlier chat of the same address, a reply reaches the agent, the
customer closes it; a used link and an expired one are refused politely. axe and screenshots
at a phone's, a laptop's and a desktop's width: the customer's whole way through runs once, on
a phone, each page and state of it checked at all three widths (at_every_width)."""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from chalicelib.domain.chat import email_hash, user_hash
from chalicelib.domain.clock import utcnow
from tests.desk_env import desk_clock, settle
from tests.e2e.browser import at_every_width
from tests.e2e.chat_client import ChatClient

LINK = re.compile(r"https?://\S+/portal#link=[A-Za-z0-9_-]+")


def mails_to(anonymous, address: str) -> list[dict]:
    """What the portal mailed to the address (the chat's answer by mail left aside)."""
    settle()  # the acknowledgement goes out from the table's stream
    items = anonymous.get("/_local/outbox.json").json()["items"]
    return [m for m in items if address in m["to"] and "/portal#link=" in m["text"]]


def earlier_chat(stack, anonymous, agent, address: str) -> dict:
    """A chat of this address's owner, signed in on the business's site (its server vouched
    for the address), answered by an agent."""
    user, secret = f"user-{uuid.uuid4().hex[:8]}", os.environ["DESK_IDENTITY_SECRET"]
    session = anonymous.post("/widget/sessions", json={
        "user_id": user, "user_hash": user_hash(secret, user), "email": address,
        "email_hash": email_hash(secret, address),
    }).json()
    client = ChatClient(stack.gateway.url, visitor=session["token"])
    try:
        conversation = client.say("Is the brass lamp dimmable?")["conversation_id"]
    finally:
        client.close()
    agent.post(f"/tickets/{conversation}/messages", json={"body": "Yes, with any dimmer."})
    agent.post(f"/tickets/{conversation}/messages", json={"body": "Internal: check stock", "kind": "note"})
    return agent.get(f"/tickets/{conversation}").json()


def sign_in_with(page, link: str, *, check: bool = False) -> None:
    page.goto(link)
    if check:  # the page a link opens, before it is used, at every width
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        at_every_width(page)
    page.get_by_role("button", name="Sign in").click()


PHONE = 390  # the customer's whole way through runs on a phone


def test_a_customer_writes_in_signs_in_replies_and_closes(browser, stack, anonymous, agent):
    address = f"portal-{uuid.uuid4().hex[:8]}@customer.example"
    chat = earlier_chat(stack, anonymous, agent, address)
    context = browser.new_context(viewport={"width": PHONE, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{stack.api_url}/portal/new")
        expect(page.get_by_role("heading", name="Contact us")).to_be_visible()
        page.get_by_label("Your e-mail address").fill(address)
        page.get_by_label("Your name").fill("Ann Portal")
        page.get_by_label("Subject").fill("Lamp arrived broken")
        page.get_by_label("How can we help?").fill("The shade is cracked, photo attached.")
        page.get_by_label("Attach files").set_input_files(
            files=[{"name": "shade.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * 64}]
        )
        expect(page.get_by_text("shade.png")).to_be_visible()
        at_every_width(page, "portal-form")
        page.wait_for_timeout(3200)  # a person takes a moment; the form refuses faster sends
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("status")).to_contain_text("We have your request")
        number = int(re.search(r"#(\d+)", page.get_by_role("status").inner_text()).group(1))
        at_every_width(page, "portal-form-sent", fit=())

        ticket = agent.get(f"/tickets/{number}").json()
        assert (ticket["channel"], ticket["customer"]["email"]) == ("web", address)
        first = agent.get(f"/tickets/{ticket['id']}/messages").json()["items"][0]
        assert first["body"] == "The shade is cracked, photo attached."
        assert [a["filename"] for a in first["attachments"]] == ["shade.png"]

        (ack,) = mails_to(anonymous, address)
        assert f"#{number}" in ack["text"]
        # Only fixed text, the number and the link: nothing the visitor typed is mailed.
        assert "Lamp arrived broken" not in ack["text"] and "cracked" not in ack["text"]
        assert "Lamp arrived broken" not in ack["subject"]
        link = LINK.search(ack["text"]).group(0)

        sign_in_with(page, link, check=True)
        expect(page.get_by_role("heading", name="Your requests")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(f"#{number}"))).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(f"#{chat['number']}"))).to_be_visible()
        at_every_width(page, "portal-list")

        page.get_by_role("link", name=re.compile(f"#{chat['number']}")).click()
        expect(page.get_by_text("Yes, with any dimmer.")).to_be_visible()
        expect(page.get_by_text("Internal: check stock")).to_have_count(0)  # notes stay inside

        page.get_by_role("link", name="All requests").click()
        page.get_by_role("link", name=re.compile(f"#{number}")).click()
        expect(page.get_by_text("The shade is cracked, photo attached.")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("shade.png"))).to_be_visible()
        page.get_by_label("Your reply").fill("It is the 40 cm shade.")
        page.get_by_role("button", name="Send reply").click()
        expect(page.locator(".portal-message").filter(has_text="It is the 40 cm shade.")).to_be_visible()
        at_every_width(page, "portal-ticket")
        replies = agent.get(f"/tickets/{ticket['id']}/messages").json()["items"]
        assert (replies[-1]["body"], replies[-1]["author_type"]) == ("It is the 40 cm shade.", "customer")

        page.get_by_role("button", name="Close this request").click()
        expect(page.get_by_text("Solved", exact=True)).to_be_visible()
        assert agent.get(f"/tickets/{number}").json()["status"] == "solved"
        at_every_width(page, "portal-closed", axe=False, fit=())

        # The link was used: a second visit is refused politely, with a way to a new one.
        used = context.new_page()
        sign_in_with(used, link)
        expect(used.get_by_role("alert")).to_contain_text("already been used")
        expect(used.get_by_role("button", name="Send me a new link")).to_be_visible()
        at_every_width(used, "portal-link-used")
    finally:
        context.close()


def test_an_expired_link_is_refused_politely_and_a_new_one_can_be_asked_for(browser, stack, anonymous, agent):
    """Once, on a phone; each page checked at all three widths in place."""
    address = f"late-{uuid.uuid4().hex[:8]}@customer.example"
    earlier_chat(stack, anonymous, agent, address)
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        with desk_clock(utcnow()) as clock:
            page.goto(f"{stack.api_url}/portal")
            page.get_by_label("Your e-mail address").fill(address)
            page.get_by_role("button", name="Send me a sign-in link").click()
            expect(page.get_by_role("status")).to_contain_text("If we know this address")
            at_every_width(page, "portal-link-sent", fit=())
            (mail,) = mails_to(anonymous, address)
            link = LINK.search(mail["text"]).group(0)
            clock[0] += timedelta(minutes=16)
            sign_in_with(page, link)
            expect(page.get_by_role("alert")).to_contain_text("has expired")
            at_every_width(page, "portal-link-expired")
            page.get_by_label("Your e-mail address").fill(address)
            page.get_by_role("button", name="Send me a new link").click()
            expect(page.get_by_role("status")).to_contain_text("If we know this address")
            fresh = [m for m in mails_to(anonymous, address) if m["id"] != mail["id"]]
            sign_in_with(page, LINK.search(fresh[0]["text"]).group(0))
            expect(page.get_by_role("heading", name="Your requests")).to_be_visible()
    finally:
        context.close()


def test_the_form_speaks_hebrew_right_to_left_and_embeds_in_a_shop_page(browser, stack):
    """Each page opened once, on a phone, and checked at all three widths in place."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{stack.api_url}/portal/new?lang=he")
        expect(page.get_by_role("heading", name="צרו קשר")).to_be_visible()
        assert page.evaluate("document.documentElement.dir") == "rtl"
        expect(page.get_by_label("כתובת המייל שלך")).to_be_visible()
        at_every_width(page, "portal-form-he", also=lambda _: expect(page.get_by_label("כתובת המייל שלך")).to_be_visible())

        page.goto(f"{stack.api_url}/portal?lang=de")
        expect(page.get_by_role("heading", name="Bei Ihren Anfragen anmelden")).to_be_visible()
        at_every_width(page)

        # The snippet a business pastes: the form in an iframe on its own site.
        shop = context.new_page()
        shop.goto(stack.demo.url)  # another origin than the desk, as a business's site is
        shop.set_content(
            '<html lang="en"><body><h1>Lamp shop</h1>'
            f'<iframe src="{stack.api_url}/portal/new" title="Contact us" style="width:100%;height:900px;border:0">'
            "</iframe></body></html>"
        )
        frame = shop.frame_locator("iframe")

        def embedded(width: int) -> None:
            expect(frame.get_by_role("heading", name="Contact us")).to_be_visible()
            expect(frame.get_by_label("Your e-mail address")).to_be_editable()

        # the business's own page: not the desk's to pass axe or to fit
        at_every_width(shop, "portal-form-embedded", axe=False, fit=(), also=embedded)
    finally:
        context.close()
