"""The console's settings area in a real browser: sections listed by role, a section's own
address that survives a reload, a change saved through the API, and axe at a phone's, a
laptop's and a desktop's width: the edit runs once, on a phone, and the saved profile is
checked at all three widths by resizing the page in place (at_every_width)."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.e2e.browser import at_every_width, sign_in


def test_an_agent_edits_her_profile_in_settings(browser, stack, admin):
    email, password = f"set-{uuid.uuid4().hex[:8]}@tests.example", f"Right-{uuid.uuid4().hex[:10]}"
    created = admin.post("/agents", json={"email": email, "name": "Sam Settings", "password": password})
    assert created.status_code == 201, created.text
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url, email, password)
        page.get_by_role("button", name="Settings").click()
        expect(page).to_have_url(f"{stack.api_url}/console#settings")
        expect(page.get_by_role("heading", name="My profile")).to_be_visible()
        expect(page.locator("#timeline")).to_be_hidden()
        page.get_by_label("Title").fill("Lamp whisperer")
        page.get_by_label("Time zone").fill("Not/A Zone")
        page.get_by_role("button", name="Save profile").click()
        expect(page.locator("#profile-error")).not_to_be_empty()  # the API's own validation, shown
        page.get_by_label("Time zone").fill("Europe/Tallinn")
        page.get_by_role("button", name="Save profile").click()
        expect(page.locator(".toast")).to_contain_text(["Profile saved."])
        at_every_width(page, "settings-profile", fit=())

        page.reload()  # the section has its own address
        expect(page.get_by_role("heading", name="My profile")).to_be_visible()
        expect(page.get_by_label("Title")).to_have_value("Lamp whisperer")
        page.get_by_role("button", name="Back to conversations").click()
        expect(page.locator("#settings")).to_be_hidden()
        expect(page.get_by_role("heading", name="My profile")).to_have_count(0)
    finally:
        context.close()
    mine = admin.get("/agents").json()["items"]
    saved = next(a for a in mine if a["id"] == created.json()["id"])
    assert (saved["title"], saved["timezone"]) == ("Lamp whisperer", "Europe/Tallinn")
