"""The FAQ bot in live chat, through the real websocket gateway: a covered question gets an
article from the bot, labelled as the bot, in the visitor's language; an uncovered one, or
the visitor's "talk to a person", hands the conversation to the agents, who hear of it then
(not before) with the bot's exchange in its timeline. Each test publishes its own articles
(a word of its own in each) and turns the bot on for its duration (the test stack keeps it off)."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from tests.desk_env import settle
from tests.e2e.chat_client import ChatClient


@pytest.fixture
def ws_url(stack) -> str:
    return stack.gateway.url


@contextmanager
def bot_on(admin):
    before = admin.get("/kb/settings").json()
    assert admin.patch("/kb/settings", json={"bot_enabled": True, "name": "Lamps & Co."}).status_code == 200
    try:
        yield
    finally:
        admin.patch("/kb/settings", json={"bot_enabled": False, "name": before["name"]})


def publish(admin, slug, locale, title, body, keywords=()):
    r = admin.request("PUT", f"/kb/articles/{slug}/{locale}", json={
        "title": title, "body": body, "category": "bot-tests", "keywords": list(keywords), "status": "published"})
    assert r.status_code == 200, r.text


def visitor_client(anonymous, ws_url):
    r = anonymous.post("/widget/sessions", json={"name": "Vera Visitor"})
    assert r.status_code == 201, r.text
    return ChatClient(ws_url, visitor=r.json()["token"])


@pytest.fixture
def agent_ws(agent, ws_url):
    client = ChatClient(ws_url, token=agent.token)
    client.send(action="presence", status="online")
    client.wait_for("presence")
    yield client
    client.close()


def test_the_bot_answers_a_covered_question_and_hands_off_when_asked(admin, anonymous, agent, agent_ws, ws_url,
                                                                      unique):
    word = f"zq{unique}"
    publish(admin, f"descale-{unique}", "en", f"Descaling the {word} humidifier lamp",
            f"Fill the {word} tank with **vinegar**, wait an hour and rinse it twice.",
            keywords=[f"{word} limescale"])
    publish(admin, f"descale-{unique}", "de", f"Die {word} Luftbefeuchter-Lampe entkalken",
            f"Füllen Sie den {word} Tank mit **Essig**, warten Sie eine Stunde und spülen Sie zweimal.")
    settle()
    with bot_on(admin):
        visitor = visitor_client(anonymous, ws_url)
        try:
            # (words the few articles of a test stack know: how confident the bot is on real
            # questions is measured on the test knowledge base, tests/unit/test_kb_bot_threshold.py)
            first = visitor.say(f"descaling the {word} humidifier lamp", language="en")
            conversation = first["conversation_id"]
            answer = visitor.wait_for("message", lambda f: f["conversation_id"] == conversation
                                      and f["message"]["author_type"] == "bot", timeout=30)["message"]
            assert answer["author"] == {"role": "bot", "name": "Lamps & Co. assistant"}
            assert answer["articles"][0] == {"slug": f"descale-{unique}", "title": f"Descaling the {word} humidifier lamp",
                                             "url": f"/help/en/descale-{unique}"}
            assert answer["body"].startswith("I'm the automated assistant.")
            # the agents have not been called: the bot has it
            assert not [f for f in agent_ws.drain(0.5) if f.get("conversation_id") == conversation
                        and f["type"] == "conversation.created"]
            ticket = agent.get(f"/tickets/{conversation}").json()
            assert ticket["bot"] == "active" and ticket["status"] == "new"

            visitor.send(action="handoff", conversation_id=conversation)
            assert visitor.wait_for("handoff")["conversation_id"] == conversation
            note = visitor.wait_for("message", lambda f: f["conversation_id"] == conversation
                                    and f["message"].get("marker") == "handoff")["message"]
            assert note["author_type"] == "bot" and "passed your conversation to our team" in note["body"]
            created = agent_ws.wait_for("conversation.created", lambda f: f["conversation_id"] == conversation)
            assert created["conversation"]["channel"] == "chat"
            timeline = agent.get(f"/tickets/{conversation}/messages").json()["items"]
            assert [m["author_type"] for m in timeline] == ["customer", "bot", "bot"]
            assert agent.get(f"/tickets/{conversation}").json()["bot"] == "handed_off"
            visitor.send(action="handoff", conversation_id=conversation)  # pressed again: nothing more
            visitor.wait_for("handoff")
            settle()
            assert len(agent.get(f"/tickets/{conversation}/messages").json()["items"]) == 3
        finally:
            visitor.close()


def test_a_german_question_gets_a_german_answer_and_an_uncovered_one_a_person(admin, anonymous, agent, agent_ws,
                                                                             ws_url, unique):
    word = f"zq{unique}"
    publish(admin, f"entkalken-{unique}", "en", f"Descaling the {word} lamp", f"Use vinegar on the {word}.")
    publish(admin, f"entkalken-{unique}", "de", f"Wie kann ich die {word} Lampe entkalken?",
            f"Nehmen Sie Essig für die {word} Lampe und spülen Sie danach gründlich mit Wasser.")
    settle()
    with bot_on(admin):
        visitor = visitor_client(anonymous, ws_url)
        try:
            # German enough for the language detector, whatever the test's random word
            first = visitor.say(f"Wie kann ich die {word} Lampe mit Essig entkalken?", language="de")
            conversation = first["conversation_id"]
            answer = visitor.wait_for("message", lambda f: f["conversation_id"] == conversation
                                      and f["message"]["author_type"] == "bot", timeout=30)["message"]
            assert answer["body"].startswith("Ich bin der automatische Assistent.")
            assert answer["articles"][0]["url"] == f"/help/de/entkalken-{unique}"

            other = visitor.say(f"Do you sell garden gnomes in {unique}x colours with free engraving?", language="en")
            asked = other["conversation_id"]
            assert asked != conversation
            note = visitor.wait_for("message", lambda f: f["conversation_id"] == asked
                                    and f["message"].get("marker") == "handoff", timeout=30)["message"]
            assert note["author"]["role"] == "bot" and note["body"].startswith("I don't have an answer to that")
            assert agent_ws.wait_for("conversation.created", lambda f: f["conversation_id"] == asked)
            assert agent.get(f"/tickets/{asked}").json()["bot"] == "handed_off"
        finally:
            visitor.close()


def test_with_the_bot_off_a_chat_goes_straight_to_the_agents(admin, anonymous, agent_ws, ws_url, unique):
    publish(admin, f"off-{unique}", "en", f"Off topic zq{unique}", "Text.")
    settle()
    visitor = visitor_client(anonymous, ws_url)  # the test stack's bot is off
    try:
        first = visitor.say(f"Off topic zq{unique}?")
        created = agent_ws.wait_for("conversation.created", lambda f: f["conversation_id"] == first["conversation_id"])
        assert created["message"]["author_type"] == "customer"
        assert not [f for f in visitor.drain(1.0) if f.get("type") == "message"
                    and f["message"]["author_type"] == "bot"]
    finally:
        visitor.close()


def test_a_mails_acknowledgement_links_the_articles_that_answer_it(smtp, admin, unique, stack):
    """Through SMTP: the acknowledgement suggests the published article on the desk's address."""
    from tests.e2e.test_mail import mail, sent_to

    word = f"zq{unique}"
    publish(admin, f"mail-descale-{unique}", "en", f"Descaling the {word} humidifier lamp",
            f"Fill the {word} tank with vinegar.")
    settle()
    customer = f"mia-{unique}@customer.example"
    smtp(mail(customer, f"{word} humidifier lamp", f"descaling the {word} humidifier lamp"))
    [ack] = sent_to(customer)
    text = ack.get_body(("plain",)).get_content()
    assert f"- Descaling the {word} humidifier lamp: {stack.api_url}/help/en/mail-descale-{unique}" in text


def test_the_console_shows_the_bots_exchange_after_a_hand_off(browser, stack, admin, anonymous, ws_url, unique):
    from playwright.sync_api import expect

    from tests.e2e.browser import sign_in, violations

    word = f"zq{unique}"
    publish(admin, f"console-bot-{unique}", "en", f"Descaling the {word} humidifier lamp",
            f"Fill the {word} tank with vinegar.")
    settle()
    with bot_on(admin):
        visitor = visitor_client(anonymous, ws_url)
        try:
            conversation = visitor.say(f"descaling the {word} humidifier lamp", language="en")["conversation_id"]
            visitor.wait_for("message", lambda f: f["conversation_id"] == conversation
                             and f["message"]["author_type"] == "bot", timeout=30)
            visitor.send(action="handoff", conversation_id=conversation)
            visitor.wait_for("handoff")
        finally:
            visitor.close()
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        page.goto(f"{stack.api_url}/console#ticket/{conversation}")
        bot_says = page.locator("li.msg.from-bot")
        expect(bot_says).to_have_count(2)
        expect(bot_says.first.locator(".author")).to_have_text("Bot")
        link = bot_says.first.get_by_role("link", name=f"Descaling the {word} humidifier lamp")
        expect(link).to_have_attribute("href", f"/help/en/console-bot-{unique}")
        # (this stack's other tests' articles may be offered too: "These articles ...")
        expect(bot_says.first.locator(".body")).to_have_text(re.compile(r"^I'm the automated assistant\. Th"))
        expect(bot_says.last.locator(".body")).to_contain_text("passed your conversation to our team")
        assert violations(page) == []
    finally:
        context.close()
