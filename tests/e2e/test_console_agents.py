"""An admin who only uses the console runs the team, in a real browser at a phone's, a laptop's
and a desktop's width: she invites an agent; the agent opens the mailed link (from the local
outbox), signs up, signs in and answers a visitor's chat; the admin removes the agent, who
then cannot sign in. Teams are made and joined on screen. axe on every new page and state."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import LIVE_TIMEOUT, WIDTHS, fits, screenshot, sign_in, violations
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


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_invites_an_agent_who_answers_a_chat_and_is_removed(browser, stack, anonymous, width):
    address = f"new-{uuid.uuid4().hex[:8]}@tests.example"
    name, password = f"Nora {uuid.uuid4().hex[:4]}", f"Nora-{uuid.uuid4().hex[:8]}-Pw1!"
    slug = f"lamps-{uuid.uuid4().hex[:4]}"
    team = f"Lamps {slug[-4:]}"
    admin_context = browser.new_context(viewport={"width": width, "height": 900})
    agent_context = browser.new_context(viewport={"width": width, "height": 900})
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
        assert violations(console) == []
        fits(console)
        screenshot(console, f"settings-teams-{width}")

        console.get_by_role("link", name="Agents").click()
        expect(console.get_by_role("heading", name="Invite an agent")).to_be_visible()
        console.get_by_label("Address to invite").fill(address)
        console.get_by_role("button", name="Send invitation").click()
        expect(console.locator(".toast").last).to_contain_text(f"Invitation sent to {address}.")
        expect(console.locator(".invites")).to_contain_text(address)
        assert violations(console) == []
        fits(console)
        screenshot(console, f"settings-agents-invited-{width}")

        # The invited agent opens the mailed link, chooses a name and password: signed in.
        link = mailed_link(stack.api_url, address)
        page = agent_context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name="Join the support desk")).to_be_visible()
        expect(page.locator("#invite-intro")).to_contain_text(address)
        assert violations(page) == []
        fits(page)
        screenshot(page, f"invite-accept-{width}")
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Choose a password").fill(password)
        page.get_by_role("button", name="Join and sign in").click()
        expect(page.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        expect(page.locator("#me")).to_have_text(name)
        expect(page).to_have_url(f"{stack.api_url}/console")
        fits(page)

        # The link works once (tried from another browser: this one is signed in now, and a
        # signed-in console leaves an invitation link alone).
        elsewhere = browser.new_context(viewport={"width": width, "height": 900})
        used = elsewhere.new_page()
        used.goto(link)
        expect(used.locator("#invite-intro")).to_contain_text("does not work any more")
        assert violations(used) == []
        fits(used)
        screenshot(used, f"invite-used-{width}")
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
        fits(page)
        answer = f"Yes, it dims. {name}"
        page.get_by_label("Message", exact=True).fill(answer)
        page.get_by_role("button", name="Send", exact=True).click()  # as a person does, at every width
        got = visitor.wait_for("message", lambda f: f["message"]["body"] == answer, timeout=20)
        assert got["conversation_id"] == conversation and got["message"]["author"]["name"] == name

        # The admin puts her in the team, then removes her; she cannot sign in any more.
        console.reload()
        card = console.locator(".agent-card", has_text=address)
        card.get_by_label(team).check()
        card.get_by_role("button", name=f"Save {name}").click()
        expect(console.locator(".toast").last).to_contain_text(f"{name} saved.")
        expect(console.locator(".agent-card", has_text=address).get_by_label(team)).to_be_checked()
        assert violations(console) == []
        fits(console)
        screenshot(console, f"settings-agents-{width}")
        console.locator(".agent-card", has_text=address).get_by_role("button", name=f"Remove {name}").click()
        expect(console.locator(".toast").last).to_contain_text(f"{name} was removed.")
        expect(console.locator(".agent-card", has_text=address)).to_have_count(0)

        # Her open console signs itself out (the desk closes her connection), no reload needed.
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
        expect(page.locator("#signin-error")).to_have_text(
            "You were signed out: this account is not active any more.")
        page.get_by_label("Email").fill(address)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#signin-error")).to_have_text("The e-mail address or password is not right.")
        assert violations(page) == []
        fits(page)
        screenshot(page, f"removed-agent-sign-in-{width}")
    finally:
        if visitor is not None:
            visitor.close()
        admin_context.close()
        agent_context.close()
