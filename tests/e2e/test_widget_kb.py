"""The knowledge base in the widget, in a real browser (the demo shop, Debian's headless Chromium):
before a conversation exists, articles that may answer what the visitor types show above the
message box; one opens inside the widget; "Still need help?" goes back to the chat with the
question still typed, and one press of Send starts the conversation with it. A bot's answer is
labelled as a bot's, links its articles into the reader and offers a person (the websocket is
proxied by the test, which plays the desk's side of the handoff until the desk has one). At a
phone's, a laptop's and a desktop's width, with axe and screenshots.

The module publishes its own articles, all carrying one made-up word, so it finds them among
whatever other tests published on the same stack."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import at_every_width, fits, screenshot, violations, widget_conversation


@pytest.fixture(scope="module")
def kb(admin) -> dict[str, Any]:
    word = f"zq{uuid.uuid4().hex[:8]}"
    slugs = {name: f"{name}-{word}" for name in ("descaling", "bulb", "returns")}

    def put(slug: str, locale: str, title: str, body: str, **fields: Any) -> None:
        r = admin.request("PUT", f"/kb/articles/{slug}/{locale}", json={
            "title": title, "body": body, "category": "widget-tests", "keywords": [], "status": "published", **fields})
        assert r.status_code == 200, r.text

    put(slugs["descaling"], "en", f"Descaling the {word} kettle lamp",
        f"## Steps\n\nUse **vinegar** on the {word} base, then rinse.\n\n"
        f"Still dim? See [changing the bulb](/help/en/{slugs['bulb']}).", keywords=["limescale"])
    put(slugs["descaling"], "de", f"Entkalken der {word} Wasserkocher-Lampe",
        f"## Schritte\n\nMit **Essig** den {word} Sockel entkalken, dann absp\u00fclen.")
    put(slugs["bulb"], "en", f"Changing the bulb of a {word} lamp", "Unplug the lamp first. Then turn the bulb.")
    put(slugs["returns"], "en", f"Returning a {word} lamp", "You have 30 days to send a lamp back.")
    settle()  # the search index is rebuilt from the table's stream
    return {"word": word, "slugs": slugs}


def open_widget(page, url: str, launcher: str = "Chat with us") -> Any:
    page.goto(url)
    page.get_by_role("button", name=launcher, exact=True).click()
    return page.locator("#desk-widget-host #desk-input")


def type_question(box, text: str) -> None:
    box.press_sequentially(text, delay=15)  # as a visitor types: many keystrokes, one search


def test_suggestions_and_an_article_inside_the_widget(browser, stack, kb):
    """Once, on a phone (where the widget's panel fills the screen); the suggestions and the
    reader checked at all three widths by resizing the page in place."""
    word, slugs = kb["word"], kb["slugs"]
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-US")
    searches: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: searches.append(r.url) if "/help/search?" in r.url else None)
        box = open_widget(page, stack.demo.url)
        type_question(box, f"how do I descale my {word} kettle")

        suggestions = page.locator("#desk-widget-host #desk-suggestions button")
        expect(suggestions.first).to_have_accessible_name(f"Descaling the {word} kettle lamp")
        expect(suggestions.first).to_have_accessible_description(re.compile(r"\S"))  # its snippet
        assert 1 <= suggestions.count() <= 3
        expect(page.locator("#desk-widget-host #desk-suggest-live")).to_have_text(
            f"Suggested articles: {suggestions.count()}")
        assert len(searches) < 10, searches  # debounced: not one search per keystroke (35 of them)
        assert all("locale=en" in s and "prefix=1" in s for s in searches)
        # suggestions never take the focus from the box
        at_every_width(page, "widget-kb-suggestions", also=lambda _: expect(box).to_be_focused())

        # By keyboard: back from the box to "Still need help?", then the list, arrows within it.
        box.press("Shift+Tab")
        expect(page.locator("#desk-widget-host #desk-suggest").get_by_role("button", name="Still need help?")).to_be_focused()
        page.keyboard.press("Shift+Tab")
        expect(suggestions.last).to_be_focused()
        for _ in range(suggestions.count() - 1):
            page.keyboard.press("ArrowUp")
        expect(suggestions.first).to_be_focused()
        page.keyboard.press("Enter")
        reader = page.locator("#desk-widget-host #desk-reader")
        heading = reader.get_by_role("heading", name=f"Descaling the {word} kettle lamp")
        expect(heading).to_be_focused()
        expect(reader.locator("#desk-article h2")).to_have_text("Steps")  # the article's HTML, as HTML
        expect(reader.locator("#desk-article strong")).to_have_text("vinegar")
        link = reader.get_by_role("link", name="Open in the help center")
        expect(link).to_have_attribute("href", f"{stack.api_url}/help/en/{slugs['descaling']}")
        expect(link).to_have_attribute("target", "_blank")
        # the reader takes the panel; the chat is one button away
        at_every_width(page, "widget-kb-reader", also=lambda _: expect(box).to_be_hidden())

        reader.get_by_role("button", name="Back").click()
        expect(reader).to_be_hidden()
        expect(suggestions.first).to_be_focused()  # where the visitor was
    finally:
        context.close()


def test_still_need_help_carries_the_question_into_a_new_conversation(browser, stack, agent, kb):
    word, slugs = kb["word"], kb["slugs"]
    question = f"How do I descale the {word} kettle lamp?"
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-GB")
    searches: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: searches.append(r.url) if "/help/search?" in r.url else None)
        box = open_widget(page, stack.demo.url)
        type_question(box, question)
        # its own article (other tests' articles are about descaling too)
        page.locator(f'#desk-widget-host #desk-suggestions button[data-slug="{slugs["descaling"]}"]').click()
        reader = page.locator("#desk-widget-host #desk-reader")
        expect(reader.get_by_role("heading", level=3)).to_have_text(f"Descaling the {word} kettle lamp")

        # A link to another article opens that one here too, not on the shop's own site.
        reader.get_by_role("link", name="changing the bulb").click()
        expect(reader.get_by_role("heading", level=3)).to_have_text(f"Changing the bulb of a {word} lamp")
        expect(reader.get_by_role("link", name="Open in the help center")).to_have_attribute(
            "href", f"{stack.api_url}/help/en/{slugs['bulb']}")
        assert page.url == stack.demo.url

        reader.get_by_role("button", name="Still need help?").click()
        expect(reader).to_be_hidden()
        expect(box).to_have_value(question)  # carried over
        expect(box).to_be_focused()
        expect(page.locator("#desk-widget-host #desk-suggest")).to_be_hidden()
        box.press("Enter")  # one press starts the conversation with the question
        expect(page.locator("#desk-widget-host li.desk-mine .desk-text")).to_have_text([question])
        conversation = widget_conversation(page, stack.api_url)

        # Once there is a conversation, typing is chatting: nothing is searched or suggested.
        before = len(searches)
        type_question(box, f"descale {word}")
        page.wait_for_timeout(800)
        expect(page.locator("#desk-widget-host #desk-suggest")).to_be_hidden()
        assert len(searches) == before
    finally:
        context.close()
    messages = agent.get(f"/tickets/{conversation}/messages").json()["items"]
    assert [m["body"] for m in messages if m["author_type"] == "customer"] == [question]
    assert agent.get(f"/tickets/{conversation}").json()["channel"] == "chat"


@pytest.mark.parametrize(("locale", "launcher", "typed", "title", "back", "more"), [
    ("de-DE", "Chat starten", "entkalken {word}", "Entkalken der {word} Wasserkocher-Lampe", "Zur\u00fcck",
     "Brauchen Sie weitere Hilfe? Schreiben Sie uns"),
    # No Hebrew version: the desk's default language's, read right to left around it.
    ("he-IL", "\u05e6'\u05d0\u05d8 \u05d0\u05d9\u05ea\u05e0\u05d5", "{word} bulb", "Changing the bulb of a {word} lamp",
     "\u05d7\u05d6\u05e8\u05d4", "\u05e2\u05d3\u05d9\u05d9\u05df \u05e6\u05e8\u05d9\u05db\u05d9\u05dd \u05e2\u05d6\u05e8\u05d4?"),
])
def test_suggestions_and_the_reader_speak_the_widgets_language(browser, stack, kb, locale, launcher, typed, title,
                                                              back, more):
    word = kb["word"]
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale=locale)
    try:
        page = context.new_page()
        box = open_widget(page, stack.demo.url, launcher)
        type_question(box, typed.format(word=word))
        page.locator("#desk-widget-host #desk-suggestions button").first.click()
        reader = page.locator("#desk-widget-host #desk-reader")
        heading = reader.get_by_role("heading", level=3)
        expect(heading).to_have_text(title.format(word=word))
        expect(reader.get_by_role("button", name=back)).to_be_visible()
        expect(reader.get_by_role("button", name=more)).to_be_visible()
        lang = locale[:2]
        expect(heading).to_have_attribute("lang", "de" if lang == "de" else "en")  # the article's own
        expect(page.locator("#desk-widget-host #desk-panel")).to_have_attribute("dir", "rtl" if lang == "he" else "ltr")
        assert violations(page) == []
        fits(page)
        screenshot(page, f"widget-kb-reader-{lang}")
    finally:
        context.close()


class DeskSocket:
    """The widget's websocket, passed through to the desk, with the test able to add frames on
    the way in and to stop the widget's handoff frames (the desk's side of the handoff comes
    separately; until then this plays it)."""

    def __init__(self, page) -> None:
        self.sent: list[dict[str, Any]] = []
        self.route: Any = None
        self.extra_history: list[dict[str, Any]] = []
        page.route_web_socket(re.compile(r"^wss?://"), self.connect)

    def connect(self, route) -> None:
        self.route = route
        desk = route.connect_to_server()

        def from_widget(text: str | bytes) -> None:
            frame = json.loads(text)
            self.sent.append(frame)
            if frame.get("action") != "handoff":
                desk.send(text)

        def from_desk(text: str | bytes) -> None:
            frame = json.loads(text)
            if frame.get("type") == "history" and self.extra_history:
                frame["messages"] = [*frame["messages"], *self.extra_history]
                self.extra_history = []
                text = json.dumps(frame)
            route.send(text)

        route.on_message(from_widget)
        desk.on_message(from_desk)

    def handoffs(self) -> list[dict[str, Any]]:
        return [f for f in self.sent if f.get("action") == "handoff"]

    def to_widget(self, frame: dict[str, Any]) -> None:
        self.route.send(json.dumps(frame))


def bot_message(seq: int, kb: dict[str, Any]) -> dict[str, Any]:
    slug = kb["slugs"]["descaling"]
    return {
        "seq": seq, "author_type": "bot", "author": {"role": "bot", "name": "Lamps & Co. assistant"},
        "body": "This article may help.", "kind": "reply", "created_at": "2026-12-01T10:00:00Z",
        "articles": [{"slug": slug, "title": f"Descaling the {kb['word']} kettle lamp", "url": f"/help/en/{slug}"}],
    }


def test_a_bot_answer_is_labelled_links_its_articles_and_offers_a_person(browser, stack, agent, kb):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        socket = DeskSocket(page)
        box = open_widget(page, stack.demo.url)
        box.fill("Hello, my kettle lamp is dim.")
        box.press("Enter")
        expect(page.locator("#desk-widget-host li.desk-mine")).to_have_count(1)
        conversation = widget_conversation(page, stack.api_url)

        socket.to_widget({"type": "message", "conversation_id": conversation, "message": bot_message(900, kb)})
        answer = page.locator("#desk-widget-host li.desk-bot[data-seq='900']")
        expect(answer.locator(".author")).to_contain_text("Lamps & Co. assistant")
        expect(answer.locator(".author .desk-label")).to_have_text("Bot")  # in words, not only a colour
        expect(answer.locator(".desk-label")).to_be_visible()
        expect(answer.locator(".desk-text")).to_have_text("This article may help.")
        person = answer.get_by_role("button", name="Talk to a person")
        expect(person).to_be_visible()
        assert violations(page) == []
        screenshot(page, "widget-bot-answer-1440")

        # Its article opens in the reader; back is back in the conversation.
        answer.get_by_role("link", name=f"Descaling the {kb['word']} kettle lamp").click()
        reader = page.locator("#desk-widget-host #desk-reader")
        expect(reader.locator("#desk-article strong")).to_have_text("vinegar")
        reader.get_by_role("button", name="Back").click()
        expect(answer.get_by_role("link")).to_be_focused()

        person.click()
        expect(person).to_be_disabled()
        person.click(force=True)  # while waiting: not asked twice
        page.wait_for_timeout(300)
        assert socket.handoffs() == [{"action": "handoff", "conversation_id": conversation}]
        # The desk refuses: it may be asked again.
        socket.to_widget({"type": "error", "action": "handoff", "code": "rate_limited", "message": "Try again.",
                          "details": None, "client_id": None})
        expect(person).to_be_enabled()
        person.click()
        expect(person).to_be_disabled()
        assert len(socket.handoffs()) == 2
        socket.to_widget({"type": "handoff", "conversation_id": conversation})
        expect(person).to_be_hidden()
        expect(box).to_be_focused()  # the button it was on is gone

        # After a reload the history decides: a handoff the desk noted, so no button.
        socket.extra_history = [bot_message(900, kb), {
            "seq": 901, "author_type": "bot", "marker": "handoff", "body": "A person will join you shortly.",
            "author": {"role": "bot", "name": "Lamps & Co. assistant"}, "kind": "reply",
            "created_at": "2026-12-01T10:00:01Z"}]
        page.reload()
        expect(answer.locator(".desk-text")).to_have_text("This article may help.")
        expect(page.locator("#desk-widget-host li .desk-text").last).to_have_text("A person will join you shortly.")
        expect(answer.get_by_role("button", name="Talk to a person")).to_be_hidden()

        # A bot's answer alone offers a person, until an agent writes.
        socket.extra_history = [bot_message(900, kb)]
        page.reload()
        expect(answer.get_by_role("button", name="Talk to a person")).to_be_visible()
        r = agent.post(f"/tickets/{conversation}/messages", json={"body": "Hi, Alex here."})
        assert r.status_code in (200, 201), r.text
        expect(page.locator("#desk-widget-host li .desk-text", has_text="Alex here")).to_be_visible()
        expect(answer.get_by_role("button", name="Talk to a person")).to_be_hidden()
        assert violations(page) == []
    finally:
        context.close()
