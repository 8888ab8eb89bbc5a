"""The public help center in a real browser: a reader searches, opens an article, votes, and
switches language; Hebrew reads right to left. Every page is checked with axe and for
sideways scrolling at a phone's, a laptop's and a desktop's width (each test publishes its
own articles, with a word of its own)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.desk_env import settle
from tests.e2e.browser import at_every_width, violations


def publish(admin, slug, locale, title, body, category="help-tests"):
    r = admin.request("PUT", f"/kb/articles/{slug}/{locale}", json={
        "title": title, "body": body, "category": category, "status": "published", "keywords": ["browser"]})
    assert r.status_code == 200, r.text


@pytest.fixture
def articles(admin, unique):
    word = f"zq{unique}"
    slug = f"shade-{unique}"
    r = admin.request("PUT", f"/kb/categories/care-{unique}",
                      json={"names": {"en": f"Care {word}", "he": f"טיפול {word}"}, "position": 1})
    assert r.status_code == 200
    publish(admin, slug, "en", f"Cleaning a {word} fabric shade",
            f"Switch the lamp off and let it cool.\n\n### Fabric\n\n- Use a **lint roller**\n- Or a soft brush\n\n"
            f"| Shade | Tool |\n|---|---|\n| Fabric | Lint roller |\n| Glass | Warm water |\n\n"
            f"See also [the {word} glass guide](/help/en/glass-{unique}).", category=f"care-{unique}")
    publish(admin, f"glass-{unique}", "en", f"Cleaning {word} glass", "Warm water and mild soap.",
            category=f"care-{unique}")
    publish(admin, slug, "he", f"ניקוי אהיל בד {word}", "כבו את המנורה והניחו לה להתקרר.\n\n- השתמשו ב**רולר**",
            category=f"care-{unique}")
    settle()
    return {"word": word, "slug": slug, "name": admin.get("/kb/settings").json()["name"]}


def test_a_reader_searches_reads_and_votes(browser, stack, articles):
    """Once, on a phone; each page it passes is checked at all three widths in place."""
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{stack.api_url}/help/en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Help Center")
        at_every_width(page, also=lambda _: expect(page.get_by_role("link", name=f"Care {articles['word']}")).to_be_visible())

        page.get_by_role("searchbox", name="Search the help center").fill(f"{articles['word']} shade cleaning")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(articles["word"])
        first = page.locator("ol.results li a").first
        expect(first).to_have_text(f"Cleaning a {articles['word']} fabric shade")
        at_every_width(page, also=lambda _: expect(first).to_be_visible())

        first.click()
        expect(page).to_have_title(f"Cleaning a {articles['word']} fabric shade – {articles['name']}")
        expect(page.locator("article .body strong")).to_have_text("lint roller")
        expect(page.locator("article .body table")).to_be_visible()
        expect(page.get_by_role("link", name="Send us a message")).to_be_visible()
        page.get_by_role("link", name="Start a chat").click()  # the widget opens, its box ready
        expect(page.locator("#desk-widget-host").get_by_role("textbox", name="Your message")).to_be_focused()
        page.keyboard.press("Escape")
        vote = page.get_by_role("region", name="Was this article helpful?")

        def article(width: int) -> None:
            expect(page.locator("article .body table")).to_be_visible()
            expect(page.get_by_role("link", name="Send us a message")).to_be_visible()
            expect(vote).to_be_visible()

        at_every_width(page, "help-article", also=article)
        vote.get_by_role("button", name="Yes").click()
        expect(vote.get_by_role("status")).to_have_text("Thank you for your feedback!")
        expect(vote.get_by_role("button", name="No")).to_be_disabled()

        page.get_by_role("link", name="עברית").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"ניקוי אהיל בד {articles['word']}")
        at_every_width(page, "help-article-he")
    finally:
        context.close()


def test_a_missing_article_is_a_page_with_a_search_box(browser, stack, unique):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        response = page.goto(f"{stack.api_url}/help/en/none-{unique}")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page.")
        expect(page.get_by_role("searchbox")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()


def test_start_a_chat_clicked_before_the_widget_has_loaded_still_opens_it(browser, stack, articles):
    """The widget's script loads async: a reader quick to click gets the chat all the same."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-US")
    try:
        page = context.new_page()
        held = []
        page.route("**/widget.js", lambda route: held.append(route))  # the script is slow to come
        page.goto(f"{stack.api_url}/help/en/{articles['slug']}", wait_until="domcontentloaded")
        page.get_by_role("link", name="Start a chat").click()
        expect(page).to_have_url(re.compile(r"#chat$"))
        assert held, "the page asked for the widget's script"
        held[0].continue_()
        expect(page.locator("#desk-widget-host").get_by_role("textbox", name="Your message")).to_be_focused()
    finally:
        context.close()
