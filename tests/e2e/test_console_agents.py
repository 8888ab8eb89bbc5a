"""An admin who only uses the console runs the team, in a real browser: she invites an agent;
the agent opens the mailed link (from the local outbox), signs up, signs in and answers a
visitor's chat; the admin removes the agent, who then cannot sign in. Teams are made and
joined on screen. The flow runs once, on a phone (one pane at a time, the hardest way
through); every page and state it passes through is checked at a phone's, a laptop's and a
desktop's width (at_every_width): axe, no sideways scrolling, a screenshot."""

from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import LIVE_TIMEOUT, at_every_width, sign_in
from tests.e2e.chat_client import ChatClient
from tests.e2e.test_mail import wait_for


def mailed_link(api_url: str, address: str) -> str:
    """The link in the invitation mail to ``address``, read from the local outbox."""
    def newest():
        mails = requests.get(f"{api_url}/_local/outbox.json", timeout=10).json()["items"]  # newest first
        return next((m for m in mails if address in m["to"]), None)

    settle()
    mail = wait_for(newest)
    assert mail["subject"] == "You are invited to the support desk"
    return re.search(r"(http\S+#invite/\S+)", mail["text"]).group(1)


PHONE = 390  # the flow's width: one pane at a time, the list and the conversation in turn


def test_an_admin_invites_an_agent_who_answers_a_chat_and_is_removed(browser, stack, anonymous):
    address = f"new-{uuid.uuid4().hex[:8]}@tests.example"
    name, password = f"Nora {uuid.uuid4().hex[:4]}", f"Nora-{uuid.uuid4().hex[:8]}-Pw1!"
    slug = f"lamps-{uuid.uuid4().hex[:4]}"
    team = f"Lamps {slug[-4:]}"
    admin_context = browser.new_context(viewport={"width": PHONE, "height": 900})
    agent_context = browser.new_context(viewport={"width": PHONE, "height": 900})
    admin_context.on("page", lambda p: p.on("dialog", lambda d: d.accept()))
    visitor = None
    try:
        console = admin_context.new_page()
        console.on("dialog", lambda d: d.accept())
        sign_in(console, stack.api_url)
        console.get_by_role("button", name="Settings").click()
        console.get_by_role("link", name="Teams").click()
        expect(console.get_by_role("heading", name="New team")).to_be_visible()
        console.get_by_label("Team name").fill(team)
        console.get_by_label("Short id").fill(slug)
        console.get_by_role("button", name="Create team").click()
        expect(console.locator(".toast")).to_contain_text([f"Team {team} created."])
        expect(console.get_by_role("heading", name=f"{team} ({slug})")).to_be_visible()
        at_every_width(console, "settings-teams")

        console.get_by_role("link", name="Agents").click()
        expect(console.get_by_role("heading", name="Invite an agent")).to_be_visible()
        console.get_by_label("Address to invite").fill(address)
        console.get_by_role("button", name="Send invitation").click()
        expect(console.locator(".toast").last).to_contain_text(f"Invitation sent to {address}.")
        expect(console.locator(".invites")).to_contain_text(address)
        at_every_width(console, "settings-agents-invited")

        # The invited agent opens the mailed link, chooses a name and password: signed in.
        link = mailed_link(stack.api_url, address)
        page = agent_context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name="Join the support desk")).to_be_visible()
        expect(page.locator("#invite-intro")).to_contain_text(address)
        at_every_width(page, "invite-accept")
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Choose a password").fill(password)
        page.get_by_role("button", name="Join and sign in").click()
        expect(page.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        expect(page.locator("#me")).to_have_text(name)
        expect(page).to_have_url(f"{stack.api_url}/console")
        at_every_width(page, axe=False)

        # The link works once (tried from another browser: this one is signed in now, and a
        # signed-in console leaves an invitation link alone).
        elsewhere = browser.new_context(viewport={"width": PHONE, "height": 900})
        used = elsewhere.new_page()
        used.goto(link)
        expect(used.locator("#invite-intro")).to_contain_text("does not work any more")
        at_every_width(used, "invite-used")
        elsewhere.close()
        again = agent_context.new_page()
        again.goto(link)
        expect(again.locator(".toast")).to_contain_text(["You are signed in already"])
        expect(again.locator("#me")).to_have_text(name)
        again.close()

        # She signs out and in again with what she chose, and answers a visitor's chat.
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, stack.api_url, address, password)
        session = anonymous.post("/widget/sessions", json={"name": "Vera Visitor"}).json()
        visitor = ChatClient(stack.gateway.url, visitor=session["token"])
        question = f"Does the Aino lamp dim? {uuid.uuid4().hex[:4]}"
        conversation = visitor.say(question)["conversation_id"]
        page.get_by_role("button", name="All", exact=True).click()
        page.get_by_role("button", name=question).click()
        expect(page.locator("#conversation-title")).to_contain_text(question)
        send = page.get_by_role("button", name="Send", exact=True)
        at_every_width(page, axe=False, also=lambda _: expect(send).to_be_visible())
        answer = f"Yes, it dims. {name}"
        page.get_by_label("Message", exact=True).fill(answer)
        send.click()  # as a person does (on a phone, once the new conversation's toast is gone)
        got = visitor.wait_for("message", lambda f: f["message"]["body"] == answer, timeout=20)
        assert got["conversation_id"] == conversation and got["message"]["author"]["name"] == name

        # The admin puts her in the team, then removes her; she cannot sign in any more.
        console.reload()
        card = console.locator(".agent-card", has_text=address)
        card.get_by_label(team).check()
        card.get_by_role("button", name=f"Save {name}").click()
        expect(console.locator(".toast").last).to_contain_text(f"{name} saved.")
        expect(console.locator(".agent-card", has_text=address).get_by_label(team)).to_be_checked()
        remove = console.locator(".agent-card", has_text=address).get_by_role("button", name=f"Remove {name}")
        at_every_width(console, "settings-agents", also=lambda _: expect(remove).to_be_visible())
        remove.click()
        expect(console.locator(".toast").last).to_contain_text(f"{name} was removed.")
        expect(console.locator(".agent-card", has_text=address)).to_have_count(0)

        # Her open console signs itself out (the desk closes her connection), no reload needed.
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
        expect(page.locator("#signin-error")).to_have_text(
            "You were signed out: this account is not active any more.")
        page.get_by_label("Email", exact=True).fill(address)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#signin-error")).to_have_text("The e-mail address or password is not right.")
        at_every_width(page, "removed-agent-sign-in")
    finally:
        if visitor is not None:
            visitor.close()
        admin_context.close()
        agent_context.close()
