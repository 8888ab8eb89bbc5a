"""Settings sections whose answers come back late, in a real browser: the desk's answer to an
earlier action must not undo what the agent did since. Playwright holds one request of the
page until the test lets it go, so the order is the test's, not the machine's."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.browser import sign_in
from tests.e2e.test_console_kb import put_article


def held_requests(page, pattern: str, wanted) -> list:
    """Requests matching ``pattern`` for which ``wanted(request)`` holds wait in the returned
    list until the test continues them; the others go through."""
    held: list = []

    def handle(route):
        if wanted(route.request) and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, handle)
    return held


def signed_in(browser, stack):
    """A laptop-wide browser context with the admin's console open in it."""
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    sign_in(page, stack.api_url)
    return context, page


def until_held(page, held: list, seconds: float = 15) -> None:
    """Wait (letting Playwright deliver the page's events) until a request is held."""
    import time

    deadline = time.monotonic() + seconds
    while not held:
        assert time.monotonic() < deadline, "the request was not sent"
        page.wait_for_timeout(50)


def test_a_save_that_returns_after_another_response_was_opened_keeps_that_one_in_the_form(browser, stack, admin, unique):
    opened_title = f"Opened {unique}"
    assert admin.request("PUT", f"/canned-responses/opened-{unique}",
                         json={"title": opened_title, "body": "The first text."}).status_code == 200
    context, page = signed_in(browser, stack)
    try:
        page.goto(f"{stack.api_url}/console#settings/canned")
        opened = page.locator("#canned-list tr", has_text=opened_title)
        expect(opened).to_be_visible()
        held = held_requests(page, "**/canned-responses/*", lambda r: r.method == "PUT")

        page.get_by_label("Title").fill(f"New {unique}")
        page.get_by_label("Text", exact=True).fill("A new one.")
        page.get_by_role("button", name="Save canned response").click()
        until_held(page, held)  # the save is on its way
        opened.get_by_role("button", name=f"Edit {opened_title}").click()  # while the save is on its way
        expect(page.get_by_label("Title")).to_have_value(opened_title)
        held[0].continue_()

        expect(page.locator("#canned-list tr", has_text=f"New {unique}")).to_contain_text("A new one.")
        expect(page.get_by_label("Title")).to_have_value(opened_title)  # still the one she opened
        page.get_by_label("Text", exact=True).fill("The second text.")
        page.get_by_role("button", name="Save canned response").click()
        expect(opened).to_contain_text("The second text.")
    finally:
        context.close()
        for slug in (f"opened-{unique}", f"new-{unique}"):
            admin.request("DELETE", f"/canned-responses/{slug}")


def test_the_articles_list_shows_the_answer_to_the_last_filters_chosen(browser, stack, admin, unique):
    put_article(admin, f"race-en-{unique}", "en", title=f"Only in English {unique}")
    put_article(admin, f"race-de-{unique}", "de", title=f"Nur auf Deutsch {unique}", status="draft")
    context, page = signed_in(browser, stack)
    try:
        # the list's first answer (every article) is held back ...
        held = held_requests(page, "**/kb/articles*", lambda r: r.method == "GET" and r.url.endswith("/kb/articles"))
        page.goto(f"{stack.api_url}/console#settings/kb")
        expect(page.locator("#kb-filter-locale")).to_be_visible()
        until_held(page, held)
        # ... while the agent asks for German drafts, and gets them
        page.locator("#kb-filter-locale").select_option("de")
        page.locator("#kb-filter-status").select_option("draft")
        german = page.locator(f'#kb-articles tr[data-slug="race-de-{unique}"]')
        expect(german).to_be_visible()
        # the first answer arrives last: the list still shows German drafts only
        with page.expect_response(lambda r: r.url.endswith("/kb/articles")):
            held[0].continue_()
        page.wait_for_timeout(300)  # the answer's handler has run
        expect(page.locator(f'#kb-articles tr[data-slug="race-en-{unique}"]')).to_have_count(0)
        expect(german).to_be_visible()
    finally:
        context.close()
        for slug, locale in ((f"race-en-{unique}", "en"), (f"race-de-{unique}", "de")):
            admin.request("DELETE", f"/kb/articles/{slug}/{locale}")


def test_a_section_opened_while_the_console_starts_keeps_what_was_typed_when_it_is_ready(browser, stack, unique):
    context, page = signed_in(browser, stack)
    try:
        # the console starts again; the list of agents (its last step before it is ready) is held
        held = held_requests(page, "**/agents", lambda r: r.method == "GET" and r.url.endswith("/agents"))
        page.goto(f"{stack.api_url}/console#")
        page.reload()
        until_held(page, held)
        page.evaluate("location.hash = '#settings/canned'")  # she opens a section meanwhile
        page.get_by_label("Title").fill(f"Typed {unique}")
        held[0].continue_()
        expect(page.locator("#connection")).to_have_text("Live")
        page.wait_for_timeout(300)
        expect(page.get_by_label("Title")).to_have_value(f"Typed {unique}")
    finally:
        context.close()
