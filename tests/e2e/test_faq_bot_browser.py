"""The FAQ bot as people meet it, in a real browser: a visitor on the demo shop asks in the
widget something no article answers and is handed to a person, whose console shows the bot's
exchange; a German visitor gets the bot's answer in German, with the article to read inside the
widget. The bot is on only for each test (the test stack keeps it off); each test publishes its
own articles, with a word of its own."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import sign_in, violations, widget_conversation
from tests.e2e.test_faq_bot import bot_on, publish


def ask_in_widget(page, demo_url: str, launcher: str, question: str) -> None:
    page.goto(demo_url)
    page.get_by_role("button", name=launcher, exact=True).click()
    box = page.locator("#desk-widget-host #desk-input")
    box.fill(question)
    box.press("Enter")


def test_an_uncovered_question_goes_to_a_person_whose_console_shows_the_bots_words(browser, stack, admin, unique):
    publish(admin, f"covered-{unique}", "en", f"Descaling the zq{unique} lamp", "Use vinegar.")
    settle()
    with bot_on(admin):
        visitor = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-US")
        try:
            page = visitor.new_page()
            ask_in_widget(page, stack.demo.url, "Chat with us",
                          f"Can I pay for zq{unique} lamps with gold coins in your Berlin store?")
            bot_says = page.locator("#desk-widget-host li.desk-bot")
            expect(bot_says).to_have_count(1)
            expect(bot_says.locator(".desk-label")).to_have_text("Bot")
            expect(bot_says.locator(".desk-text")).to_contain_text("passed your conversation to our team")
            expect(bot_says.get_by_role("button", name="Talk to a person")).to_be_hidden()  # a person has it
            assert violations(page) == []
            conversation = widget_conversation(page, stack.api_url)
        finally:
            visitor.close()
    console = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = console.new_page()
        sign_in(page, stack.api_url)
        page.goto(f"{stack.api_url}/console#ticket/{conversation}")
        expect(page.locator("li.msg.from-customer .body")).to_contain_text("gold coins")
        expect(page.locator("li.msg.from-bot .author")).to_have_text("Bot")
        expect(page.locator("li.msg.from-bot .body")).to_contain_text("passed your conversation to our team")
        assert violations(page) == []
    finally:
        console.close()


def test_a_german_visitor_gets_the_bots_answer_in_german_and_reads_the_article_in_the_widget(
        browser, stack, admin, unique):
    word = f"zq{unique}"
    publish(admin, f"entkalken-{unique}", "en", f"Descaling the {word} lamp", "Use vinegar.")
    publish(admin, f"entkalken-{unique}", "de", f"Wie kann ich die {word} Lampe entkalken?",
            f"Nehmen Sie **Essig** für die {word} Lampe und spülen Sie danach gründlich mit Wasser.")
    settle()
    with bot_on(admin):
        visitor = browser.new_context(viewport={"width": 1024, "height": 800}, locale="de-DE")
        try:
            page = visitor.new_page()
            ask_in_widget(page, stack.demo.url, "Chat starten", f"Wie kann ich die {word} Lampe mit Essig entkalken?")
            answer = page.locator("#desk-widget-host li.desk-bot")
            expect(answer.locator(".desk-text")).to_have_text(re.compile(r"^Ich bin der automatische Assistent\."))
            expect(answer.locator(".desk-label")).to_have_text("Bot")
            expect(answer.get_by_role("button", name="Mit einem Menschen sprechen")).to_be_visible()
            answer.get_by_role("link", name=f"Wie kann ich die {word} Lampe entkalken?").click()
            expect(page.locator("#desk-widget-host #desk-article strong")).to_have_text("Essig")
            assert violations(page) == []
        finally:
            visitor.close()
