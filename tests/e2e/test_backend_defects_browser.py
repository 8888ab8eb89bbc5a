"""Issue #13, defect 4, in a real browser: "Email me this conversation" without an address the
desk knows offers a field; the address typed there is confirmed by a link, then the transcript
goes out. Once, on a phone; each screen checked with axe at a phone's, a laptop's and a
desktop's width by resizing the page in place (at_every_width)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.browser import at_every_width
from tests.e2e.test_backend_defects import confirmation_link, mails_to
from tests.e2e.test_widget_browser import business_site  # noqa: F401  (a fixture)


def test_an_anonymous_visitor_types_an_address_confirms_it_and_gets_the_transcript(
    browser, business_site, stack, agent  # noqa: F811
):
    address = f"web-{uuid.uuid4().hex[:8]}@example.com"
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(business_site)
        page.get_by_role("button", name="Chat with us").click()
        page.get_by_label("Your message").fill("Can I get this in writing?")
        page.get_by_label("Your message").press("Enter")
        expect(page.locator("li.desk-mine .desk-text")).to_have_text(["Can I get this in writing?"])

        page.get_by_role("button", name="Email me this conversation").click()
        field = page.get_by_label("Your e-mail address")
        expect(field).to_be_focused()
        field.fill(address)
        page.get_by_role("button", name="Send me a confirmation link").click()
        expect(page.locator("#desk-status")).to_have_text(
            f"We sent a link to {address}. Open it to get the conversation.")
        expect(field).to_be_hidden()
        at_every_width(page, "widget-transcript-confirmation", fit=())

        page.goto(confirmation_link(address, stack))
        at_every_width(page)
        page.get_by_role("button", name="Send me the conversation").click()
        expect(page.get_by_role("heading")).to_have_text("Conversation sent")
        expect(page.locator("p")).to_have_text(re.compile(f"to {re.escape(address)}"))
        at_every_width(page, "transcript-confirmed")
    finally:
        context.close()
    [transcript] = [m for m in mails_to(address) if m["subject"].startswith("Your conversation #")]
    assert "You: Can I get this in writing?" in transcript["text"]
