"""A day's work in the console, in a real browser: finding a ticket by a word of its body and
by its customer's address, merging two tickets, a bulk status change, j / k and / on the
keyboard, the shortcuts' help, and the notice that another agent has the same ticket open.
The day runs once, on a phone (one pane at a time: the ticket's properties fold behind a
button, the list is behind Back); each state it passes through is checked at a phone's, a
laptop's and a desktop's width with axe (at_every_width). Notifications at each width."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import WIDTHS, at_every_width, sign_in


def new_agent(admin, name):
    email, password = f"dw-{uuid.uuid4().hex[:8]}@tests.example", f"Daily-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": name, "password": password})
    assert r.status_code == 201, r.text
    return {**r.json(), "password": password}


def open_ticket(api, email, subject, body, assignee):
    r = api.post("/tickets", json={"subject": subject, "body": body, "customer": {"email": email},
                                   "assignee_id": assignee})
    assert r.status_code == 201, r.text
    return r.json()


def title(page):
    return page.locator("#conversation-title")


PHONE = 390  # the day's width: where its path differs (details folded, the list behind Back)
# The phone's whole page waits on the console's header (issue #13, defect 7): its own test checks it.
FITS = tuple(w for w in WIDTHS if w > PHONE)


def test_search_merge_bulk_shortcuts_and_presence(browser, stack, admin):
    me = new_agent(admin, "Dana Daily")
    other = new_agent(admin, "Omar Other")
    word = f"wq{uuid.uuid4().hex[:8]}"
    customer = f"kim.{uuid.uuid4().hex[:6]}@example.com"
    first = open_ticket(admin, customer, "Lamp arrived broken", f"The {word} lamp arrived in pieces.", me["id"])
    second = open_ticket(admin, customer, "Photo of the lamp", "Here is a photo of it.", me["id"])
    third = open_ticket(admin, f"lee.{uuid.uuid4().hex[:6]}@example.com", "Invoice please", "Send the invoice.", me["id"])
    settle()  # the search index is written from the table's stream

    context = browser.new_context(viewport={"width": PHONE, "height": 900})
    watcher = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url, me["email"], me["password"])
        expect(page.locator("#tickets [data-ticket]")).to_have_count(3)  # "Mine": this agent's three
        # unread counts per view: three new tickets she has not opened
        expect(page.locator('li:has([data-view="mine"]) .count')).to_have_attribute("data-unread", "3")

        # ---- search by a word of the body, then by the customer's address
        page.get_by_label("Search tickets and customers").fill(word[:6])  # a prefix is enough
        page.get_by_label("Search tickets and customers").press("Enter")
        results = page.locator("#search-results [data-result]")
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text(f"#{first['number']} Lamp arrived broken")
        at_every_width(page, "console-search", fit=())
        page.get_by_role("button", name="Close").click()

        page.get_by_label("Search tickets and customers").fill(customer.upper())
        page.get_by_label("Search tickets and customers").press("Enter")
        expect(results).to_have_count(2)
        expect(page.locator(".search-customers")).to_contain_text(customer)
        results.filter(has_text="Photo of the lamp").click()
        expect(title(page)).to_have_text(f"#{second['number']} Photo of the lamp")

        # ---- keyboard: j / k move through the list, / goes to search, ? shows the help
        page.locator("#main").focus()
        page.keyboard.press("k")  # the list is newest first: third, second, first
        expect(title(page)).to_have_text(f"#{third['number']} Invoice please")
        page.keyboard.press("j")
        expect(title(page)).to_have_text(f"#{second['number']} Photo of the lamp")
        page.keyboard.press("j")
        expect(title(page)).to_have_text(f"#{first['number']} Lamp arrived broken")
        page.keyboard.press("n")  # an internal note, ready to write
        expect(page.get_by_label("Internal note")).to_be_checked()
        expect(page.locator("#reply")).to_be_focused()
        page.locator("#main").focus()
        page.keyboard.press("r")
        expect(page.locator('input[name="kind"][value="reply"]')).to_be_checked()
        expect(page.locator("#reply")).to_be_focused()
        page.locator("#main").focus()
        page.keyboard.press("/")
        expect(page.get_by_label("Search tickets and customers")).to_be_focused()
        page.get_by_label("Search tickets and customers").blur()  # on a phone "/" left the ticket
        page.keyboard.press("?")
        expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
        at_every_width(page, fit=())
        page.keyboard.press("Escape")
        expect(page.locator("#shortcuts-view")).to_be_hidden()

        # ---- another agent opens the same ticket: she sees who
        other_page = watcher.new_page()
        sign_in(other_page, stack.api_url, other["email"], other["password"])
        other_page.evaluate("id => window.Desk.open(id)", first["id"])
        expect(page.locator("#viewers")).to_have_text("Omar Other is also viewing this ticket.")
        expect(other_page.locator("#viewers")).to_have_text("Dana Daily is also viewing this ticket.")
        merge = page.get_by_role("button", name="Merge…")

        def beside_the_ticket(w):  # wider than a phone, its properties (and Merge…) are in view
            if w > PHONE:
                expect(merge).to_be_visible()

        at_every_width(page, "console-presence", fit=(), also=beside_the_ticket)
        other_page.evaluate("id => window.Desk.open(id)", third["id"])  # he moves on: the notice goes
        expect(page.locator("#viewers")).to_be_hidden()

        # ---- merge the second ticket into the first (same customer)
        page.evaluate("id => window.Desk.open(id)", second["id"])
        expect(title(page)).to_have_text(f"#{second['number']} Photo of the lamp")
        page.get_by_role("button", name="Ticket details").click()  # on a phone they fold behind a button
        merge.press("Enter")
        page.locator("#merge-view").get_by_label(re.compile(rf"#{first['number']} Lamp arrived broken")).check()
        at_every_width(page, "console-merge", fit=())
        page.locator("#merge-form").get_by_role("button", name="Merge").click()
        expect(page.locator(".toast").last).to_have_text(f"Merged #{second['number']} into #{first['number']}.")
        expect(title(page)).to_have_text(f"#{first['number']} Lamp arrived broken")
        expect(page.locator("#timeline")).to_contain_text("Here is a photo of it.")
        merged = admin.get(f"/tickets/{second['id']}").json()
        assert (merged["status"], merged["merged_into"]) == ("closed", first["id"])

        # ---- bulk: both remaining tickets to pending
        expect(page.locator(f'[data-ticket="{second["id"]}"] .pill', has_text="closed")).to_have_count(1)
        page.get_by_role("button", name="Back to the list").click()  # one pane at a time on a phone
        page.get_by_label(f"Select #{first['number']} Lamp arrived broken").check()
        page.get_by_label(f"Select #{third['number']} Invoice please").check()
        expect(page.locator("#bulk-count")).to_have_text("2 tickets selected")
        page.locator("#bulk").get_by_label("Set status").select_option("pending")
        apply = page.get_by_role("button", name="Apply to selected")
        at_every_width(page, "console-bulk", fit=(), also=lambda _: expect(apply).to_be_visible())
        apply.click()
        expect(page.locator(".toast", has_text="Changed 2 of 2 tickets.")).to_be_visible()
        expect(page.locator("#bulk")).to_be_hidden()
        for t in (first, third):
            assert admin.get(f"/tickets/{t['id']}").json()["status"] == "pending"
        expect(page.locator("#tickets .pill", has_text="pending")).to_have_count(2)
        # e solves the open ticket (the merge target)
        page.locator("#main").focus()
        page.keyboard.press("e")
        expect(page.locator(".toast", has_text=f"#{first['number']} solved.")).to_be_visible()
        assert admin.get(f"/tickets/{first['id']}").json()["status"] == "solved"
        at_every_width(page, axe=False, fit=FITS)
    finally:
        context.close()
        watcher.close()


# The browser's notification and audio APIs, recorded: headless Chromium shows no notification
# and plays to no speaker, so the test sees what the console asked of them.
RECORD_NOTIFICATIONS = """
window.__desk = {notes: [], tones: 0, asked: 0};
window.Notification = function (title, options) { window.__desk.notes.push([title, options && options.body]); };
window.Notification.permission = "default";
window.Notification.requestPermission = function () {
  window.__desk.asked += 1; window.Notification.permission = "granted"; return Promise.resolve("granted");
};
const RealAudio = window.AudioContext;
window.AudioContext = function () {
  const context = new RealAudio();
  const make = context.createOscillator.bind(context);
  context.createOscillator = function () {
    const osc = make(); const start = osc.start.bind(osc);
    osc.start = function (...args) { window.__desk.tones += 1; return start(...args); };
    return osc;
  };
  return context;
};
"""


def test_new_conversations_notify_only_an_agent_who_opted_in(browser, stack, admin):
    """Once, on a phone; the opted-in console checked at all three widths in place."""
    me = new_agent(admin, "Nia Notify")
    context = browser.new_context(viewport={"width": PHONE, "height": 900})
    context.add_init_script(RECORD_NOTIFICATIONS)
    try:
        page = context.new_page()
        sign_in(page, stack.api_url, me["email"], me["password"])
        quiet = f"Before opting in {uuid.uuid4().hex[:6]}"
        open_ticket(admin, f"q.{uuid.uuid4().hex[:6]}@example.com", quiet, "text", None)
        expect(page.locator(".toast", has_text=quiet)).to_be_visible()  # the console heard of it
        assert page.evaluate("window.__desk") == {"notes": [], "tones": 0, "asked": 0}

        toggle = page.get_by_label("Notify me of new conversations")
        toggle.check()
        page.wait_for_function("window.__desk.asked === 1")  # the browser's permission, asked once

        def reachable(width: int) -> None:  # the toggle is there to be seen at every width
            expect(toggle).to_be_visible()
            expect(toggle).to_be_checked()

        at_every_width(page, "console-notify", fit=(), also=reachable)
        loud = f"After opting in {uuid.uuid4().hex[:6]}"
        open_ticket(admin, f"l.{uuid.uuid4().hex[:6]}@example.com", loud, "text", None)
        page.wait_for_function("s => window.__desk.notes.some(n => n[1] === s)", arg=loud)
        state = page.evaluate("window.__desk")
        assert ["New conversation", loud] in state["notes"] and state["tones"] >= 1
        assert not any(n[1] == quiet for n in state["notes"])

        page.reload()  # the choice is kept in this browser
        expect(page.get_by_label("Notify me of new conversations")).to_be_checked()
    finally:
        context.close()
