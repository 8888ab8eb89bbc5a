"""Issue #13's journey, as a new business meets the desk, in a real browser: an admin who only
uses the console invites an agent, who signs up from the mailed link and answers a visitor's
chat on the demo shop (the real widget, in a browser context of its own); the admin sets
business hours and a closed day (relative to today) and sees them in the week preview,
restyles the widget and sees it on the shop, greets the shop's lamp shoppers after 10 seconds
with a campaign from the new agent (once: not after a reload, nor on a second visit), and
removes the agent, who can then no longer sign in.

Every admin step is done on screen; the API only reads results and the local outbox. The
whole journey runs once, at a laptop's width (1024 px); every page and state of the console's
it passes through is checked at a phone's, a laptop's and a desktop's width (at_every_width),
the shop's at the laptop's. axe on every new page and state, screenshots as ``journey-*.png``.
The desk-wide settings the journey changes (the widget, the hours, its campaign) are put back
afterwards."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import (
    LIVE_TIMEOUT,
    CampaignClock,
    at_every_width,
    fits,
    screenshot,
    settings_section,
    sign_in,
    violations,
    widget_conversation,
)
from tests.e2e.test_console_agents import mailed_link

FULL = 1024  # the whole journey, shop and campaign timing included
ZONE = "Europe/Berlin"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
SECONDS = 10  # the scenario's own: a greeting after 10 seconds on the lamps page


@pytest.fixture
def desk_wide_settings_restored(admin):
    """The widget's settings, the desk's hours and the journey's campaigns are the desk's, not
    this test's: put back as they were (campaigns: whichever were not there before, by id)."""
    widget = admin.get("/settings/widget").json()
    widget.pop("widget_key", None)
    calendar = admin.get("/calendars/desk")
    campaigns_before = {c["id"] for c in admin.get("/campaigns").json()["items"]}
    yield
    for c in admin.get("/campaigns").json()["items"]:
        if c["id"] not in campaigns_before:
            admin.request("DELETE", f"/campaigns/{c['id']}")
    assert admin.request("PUT", "/settings/widget", json=widget).status_code == 200
    if calendar.status_code == 200:
        assert admin.request("PUT", "/calendars/desk", json=calendar.json()).status_code == 200
    else:
        admin.request("DELETE", "/calendars/desk")


def checked(page, name: str, *, whole_page: bool = True) -> None:
    """A new page or state: axe finds nothing, nothing scrolls sideways, a screenshot kept."""
    assert violations(page) == []
    if whole_page:
        fits(page)
    screenshot(page, f"journey-{name}")


def checked_at_every_width(page, name: str, also=None) -> None:
    """A new page or state of the console's, as checked() has it, at all three widths
    (screenshots ``journey-<name>-<width>``)."""
    at_every_width(page, f"journey-{name}", also=also)


def journey(browser, stack, admin) -> None:
    address = f"nora-{uuid.uuid4().hex[:8]}@tests.example"
    name, password = f"Nora {uuid.uuid4().hex[:4]}", f"Nora-{uuid.uuid4().hex[:8]}-Pw1!"
    campaign_name = f"Lamp help {uuid.uuid4().hex[:6]}"
    greeting_text = f"Hello from Lamps & Co. {uuid.uuid4().hex[:4]}! Ask us anything."
    campaign_text = f"Looking for a lamp? I can help you choose. {uuid.uuid4().hex[:4]}"
    admin_context = browser.new_context(viewport={"width": FULL, "height": 900})
    agent_context = browser.new_context(viewport={"width": FULL, "height": 900})
    shop_context = browser.new_context(viewport={"width": FULL, "height": 800})
    for context in (admin_context, agent_context):
        context.on("page", lambda p: p.on("dialog", lambda d: d.accept()))
    try:
        # ---- the admin signs in and invites an agent
        console = admin_context.new_page()
        sign_in(console, stack.api_url)
        checked_at_every_width(console, "console")
        settings_section(console, "Agents", "Agents")
        expect(console.get_by_role("heading", name="Invite an agent")).to_be_visible()
        checked_at_every_width(console, "agents")
        console.get_by_label("Address to invite").fill(address)
        console.get_by_role("button", name="Send invitation").click()
        expect(console.locator(".toast").last).to_contain_text(f"Invitation sent to {address}.")
        expect(console.locator(".invites")).to_contain_text(address)
        checked_at_every_width(console, "agents-invited")

        # ---- the agent signs up from the e-mail link
        link = mailed_link(stack.api_url, address)
        desk = agent_context.new_page()
        desk.goto(link)
        expect(desk.get_by_role("heading", name="Join the support desk")).to_be_visible()
        expect(desk.locator("#invite-intro")).to_contain_text(address)
        checked_at_every_width(desk, "invite")
        desk.get_by_label("Your name").fill(name)
        desk.get_by_label("Choose a password").fill(password)
        desk.get_by_role("button", name="Join and sign in").click()
        expect(desk.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        expect(desk.locator("#me")).to_have_text(name)
        checked_at_every_width(desk, "agent-console")
        agent_id = next(a["id"] for a in admin.get("/agents").json()["items"] if a["email"] == address)

        # ---- a visitor on the demo shop asks in the widget; the new agent answers
        shopper = shop_context.new_page()
        shopper.goto(stack.demo.url)
        question = f"Does the Aino lamp dim? {uuid.uuid4().hex[:4]}"
        shopper.get_by_role("button", name="Chat with us").click()
        shopper.get_by_label("Your message").fill(question)
        shopper.get_by_label("Your message").press("Enter")
        expect(shopper.locator("li.desk-mine .desk-text")).to_have_text([question])
        conversation = widget_conversation(shopper, stack.api_url)
        desk.get_by_role("button", name="All", exact=True).click()
        desk.locator(f'#tickets [data-ticket="{conversation}"]').click()
        expect(desk.locator("#conversation-title")).to_contain_text(question)
        answer = f"Yes, it dims. {name}"
        desk.get_by_label("Message", exact=True).fill(answer)
        desk.get_by_role("button", name="Send", exact=True).click()
        expect(desk.locator("#timeline li", has_text=answer)).to_be_visible()
        expect(shopper.locator("li.desk-theirs .desk-text", has_text=answer)).to_be_visible()
        checked_at_every_width(desk, "agent-answered")
        checked(shopper, "shop-chat-answered")
        assert admin.get(f"/tickets/{conversation}").json()["assignee_id"] == agent_id
        shopper.close()

        # ---- the admin (whose console opened before the agent joined) looks at that chat
        console.get_by_role("button", name="Back to conversations").click()
        console.get_by_role("button", name="All", exact=True).click()
        console.locator(f'#tickets [data-ticket="{conversation}"]').click()
        answered = console.locator("#timeline li", has_text=answer)
        expect(answered.locator(".author")).to_have_text(name)
        checked_at_every_width(console, "admin-sees-answer")

        # ---- business hours on weekdays and a closed day the day after tomorrow, in the week
        today = time_in_zone()
        closed = today + timedelta(days=2)
        settings_section(console, "Business hours", "Business hours")
        console.get_by_label("Time zone").fill(ZONE)
        for day in WEEKDAYS:
            console.get_by_role("button", name=f"Add hours on {day}").click()
            console.get_by_label(f"{day} range 1 opens").fill("09:00")
            console.get_by_label(f"{day} range 1 closes").fill("17:00")
        console.get_by_label("Closed on").fill(closed.isoformat())
        console.get_by_label("Name (optional)").fill("Stocktaking")
        console.get_by_role("button", name="Add closed day").click()
        console.get_by_role("button", name="Save business hours").click()
        expect(console.locator(".toast").last).to_have_text("Business hours saved.")
        week = console.locator("#hours-week li")
        expect(week).to_have_count(7)
        for n in range(7):
            day = today + timedelta(days=n)
            shown = console.locator(f'#hours-week li[data-date="{day.isoformat()}"]')
            if day == closed:
                expect(shown).to_contain_text("Closed (Stocktaking)")
            elif day.weekday() < 5:
                expect(shown).to_contain_text("Open 09:00–17:00")
            else:
                expect(shown).to_contain_text("Closed")
        checked_at_every_width(console, "hours")
        stored = admin.get("/calendars/desk").json()
        assert stored["closures"] == [{"date": closed.isoformat(), "reason": "Stocktaking"}]

        # ---- the widget restyled, seen in the preview and then on the shop
        settings_section(console, "Chat widget", "Chat widget")
        console.get_by_label("Colour", exact=True).fill("#7a2e8c")
        console.get_by_label("Position").select_option("left")
        console.get_by_label("Greeting").fill(greeting_text)
        preview = console.frame_locator("iframe[title='Widget preview']")
        expect(preview.locator(".desk-greeting")).to_have_text(greeting_text)
        expect(preview.locator(".launcher")).to_have_css("background-color", "rgb(122, 46, 140)")
        console.get_by_role("button", name="Save widget").click()
        expect(console.locator(".toast").last).to_contain_text("Widget saved.")
        checked_at_every_width(console, "widget")
        shop = shop_context.new_page()
        shop.goto(stack.demo.url)
        launcher = shop.locator("#desk-widget-host .launcher")
        expect(launcher).to_have_css("background-color", "rgb(122, 46, 140)")
        box = launcher.bounding_box()
        assert box is not None and box["x"] < FULL / 2  # on the left now
        launcher.click()
        expect(shop.locator("#desk-widget-host .desk-greeting")).to_have_text(greeting_text)
        checked(shop, "shop-restyled")
        shop.close()

        # ---- a campaign from the new agent on the lamps page, after 10 seconds
        settings_section(console, "Proactive chat", "Proactive chat")
        form = console.locator("#campaign-form")
        form.get_by_label("Name", exact=True).fill(campaign_name)
        form.get_by_label("Message", exact=True).fill(campaign_text)
        form.get_by_label("From (agent)").select_option(label=name)
        form.get_by_label("Page address").fill("/lamps*")
        form.get_by_label("Seconds on the page").fill(str(SECONDS))
        form.get_by_role("button", name="Save campaign").click()
        row = console.locator("#campaign-list tr", has_text=campaign_name)
        expect(row.locator(".from")).to_have_text(name)
        expect(row.locator(".shown")).to_have_text("0")
        campaign_id = row.get_attribute("data-campaign")
        assert admin.get(f"/campaigns/{campaign_id}").json()["agent_id"] == agent_id

        def labelled_on_a_phone(w):  # stacked on a phone, each figure still says what it counts
            if w <= 700:
                assert [shown_label(row.locator(f".{c}")) for c in ("shown", "replied")] == ["Shown", "Replied"]

        checked_at_every_width(console, "campaign", also=labelled_on_a_phone)
        lamps_shopper = browser.new_context(viewport={"width": FULL, "height": 800})
        try:
            greeted_once(lamps_shopper, stack, name, campaign_text)
        finally:
            lamps_shopper.close()
        settle()
        console.get_by_role("link", name="Chat widget", exact=True).click()
        console.get_by_role("link", name="Proactive chat", exact=True).click()
        expect(row.locator(".shown")).to_have_text("1")
        checked_at_every_width(console, "campaign-shown")

        # ---- the admin removes the agent, who can then no longer sign in
        settings_section(console, "Agents", "Agents")
        card = console.locator(f'.agent-card[data-agent="{agent_id}"]')
        card.get_by_role("button", name=f"Remove {name}").click()
        expect(console.locator(".toast").last).to_contain_text(f"{name} was removed.")
        expect(card).to_have_count(0)
        checked_at_every_width(console, "agent-removed")
        desk.reload()
        expect(desk.get_by_role("button", name="Sign in")).to_be_visible()
        desk.get_by_label("Email", exact=True).fill(address)
        desk.get_by_label("Password", exact=True).fill(password)
        desk.get_by_role("button", name="Sign in").click()
        expect(desk.locator("#signin-error")).to_have_text("The e-mail address or password is not right.")
        checked_at_every_width(desk, "removed-agent-sign-in")

        # ---- her campaign says it greets nobody now; the admin deletes it on screen
        settings_section(console, "Proactive chat", "Proactive chat")
        row = console.locator(f'#campaign-list tr[data-campaign="{campaign_id}"]')
        expect(row.locator(".from")).to_have_text(f"{name} (removed: greets nobody until you choose another agent)")
        checked_at_every_width(console, "campaign-sender-removed")

        console.locator(f'#campaign-list tr[data-campaign="{campaign_id}"]').get_by_role(
            "button", name=f"Delete {campaign_name}").click()
        expect(console.locator(".toast").last).to_contain_text("Campaign deleted.")
        expect(console.locator(f'#campaign-list tr[data-campaign="{campaign_id}"]')).to_have_count(0)
        assert admin.get(f"/campaigns/{campaign_id}").status_code == 404
    finally:
        admin_context.close()
        agent_context.close()
        shop_context.close()


def shown_label(cell) -> str:
    """The column's name as a phone shows it beside a table's cell (its ::before)."""
    return cell.evaluate("td => getComputedStyle(td, '::before').content.replace(/^\"|\"$/g, '')")


def time_in_zone():
    from datetime import datetime

    return datetime.now(ZoneInfo(ZONE)).date()


def greeted_once(context, stack, agent_name: str, text: str) -> None:
    """A new visitor on the lamps page is greeted after the campaign's seconds (on the page's
    clock, which the test runs), once: not after a reload, nor when they come back to the page."""
    clock = CampaignClock(context)
    page = context.new_page()
    lamps = stack.demo.url + "lamps.html"
    greeting = page.locator("#desk-widget-host .desk-campaign")
    clock.greets_after(page, lamps, SECONDS, greeting, text)
    expect(greeting.locator(".author")).to_have_text(agent_name)
    expect(page.locator("#desk-widget-host #desk-panel")).to_be_visible()
    checked(page, "shop-lamps-greeted")
    clock.not_again(page, lamps, SECONDS, greeting)


def test_a_new_business_runs_its_desk_from_the_console(browser, stack, admin, desk_wide_settings_restored):
    journey(browser, stack, admin)


@pytest.mark.parametrize("section,title", [("agents", "Agents"), ("teams", "Teams")])
def test_the_team_sections_are_named_while_their_lists_load(browser, stack, section, title):
    """On a slow connection the Agents and Teams sections show before their lists arrive: their
    regions are named by their headings all along (axe found them nameless meanwhile)."""
    context = browser.new_context(viewport={"width": FULL, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        held = []
        page.route("**/teams", lambda route: held.append(route))  # never answered while axe looks
        page.route("**/invites", lambda route: held.append(route))
        settings_section(page, title, title)
        page.wait_for_timeout(300)  # the section has asked for its lists and drawn what it has
        assert held, "the section asked for its list"
        assert violations(page) == []
    finally:
        context.close()


def test_a_reply_to_a_customer_without_an_address_shows_it_was_not_sent(browser, stack, admin, anonymous):
    """A phone call from a chat visitor who left no address, noted as a ticket: the admin's reply
    in the console is kept, and the console says, visibly, that nobody got it and why. (No route
    opens a mailable ticket for a customer without an address, so the ticket is opened the way
    the desk's own services do; the reply is made on screen, once, on a phone; what it shows
    is checked at all three widths in place.)"""
    from chalicelib import bootstrap
    from chalicelib.domain.people import Principal, Role
    from chalicelib.services.tickets import OpenTicket

    visitor = anonymous.post("/widget/sessions", json={"name": "Vera Caller"})
    assert visitor.status_code == 201, visitor.text
    me = admin.get("/agents/me").json()
    subject = f"Call back about the Kuu pendant {uuid.uuid4().hex[:6]}"
    ticket, _ = bootstrap.container().tickets.open(
        OpenTicket(subject=subject, customer_id=visitor.json()["customer_id"], channel="phone"),
        Principal(me["id"], me["email"], Role(me["role"])))
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        page.goto(f"{stack.api_url}/console#ticket/{ticket.id}")
        expect(page.locator("#conversation-title")).to_contain_text(subject)
        reply = f"We tried to call you back. {uuid.uuid4().hex[:4]}"
        page.get_by_label("Message", exact=True).fill(reply)
        page.get_by_role("button", name="Send", exact=True).click()
        settle()
        note = page.locator("#timeline li", has_text=reply).locator(".delivery")
        expect(note).to_have_attribute("data-delivery", "failed")
        expect(note).to_have_text("Not sent: The customer has no e-mail address.")
        expect(note).to_be_in_viewport()
        [stored] = [m for m in admin.get(f"/tickets/{ticket.id}/messages").json()["items"] if m["body"] == reply]
        assert stored["delivery"]["state"] == "failed"
        checked_at_every_width(page, "reply-not-sent", also=lambda _: expect(note).to_be_in_viewport())
    finally:
        context.close()
