"""The knowledge base in the console, in a real browser: an admin writes an article in
Settings > Knowledge base with the desk's preview of its Markdown beside the text, publishes it
and the public help center shows it; adds a German translation with the English version beside
it; a save that crosses someone else's is shown as a conflict, with their version to load; an
older revision goes back into the editor; an agent who is not an editor reads the articles and
cannot save until an admin makes her one in Settings > Help center. Layout and axe at a phone's,
a laptop's and a desktop's width. Every test writes articles under slugs of its own."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import LIVE_TIMEOUT, at_every_width, fits, screenshot, sign_in, violations


def put_article(api, slug, locale, **fields):
    body = {"title": f"Title of {slug}", "body": "Some text.", "category": "testing", "status": "published", **fields}
    r = api.request("PUT", f"/kb/articles/{slug}/{locale}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def new_agent(admin, name):
    email, password = f"kb-{uuid.uuid4().hex[:8]}@tests.example", f"Write-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": name, "password": password})
    assert r.status_code == 201, r.text
    return {**r.json(), "password": password}


@pytest.fixture
def kb_settings_restored(admin):
    """The help center's settings as they were, afterwards (editors, name, colour...)."""
    before = admin.get("/kb/settings").json()
    yield before
    restored = {k: before[k] for k in ("default_locale", "editors", "bot_enabled", "name", "logo_url", "color")}
    assert admin.patch("/kb/settings", json=restored).status_code == 200


def _check(page, name):
    fits(page)
    assert violations(page) == []
    screenshot(page, name)


# ---------------------------------------------------------------- writing, publishing, translating

def test_an_admin_writes_an_article_with_a_preview_publishes_it_and_translates_it(browser, stack, unique):
    slug, title = f"descaling-{unique}", f"Descaling the kettle {unique}"
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        page.get_by_role("button", name="Settings").click()
        page.get_by_role("link", name="Knowledge base").click()
        expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible()
        page.get_by_role("link", name="New article").click()
        expect(page).to_have_url(f"{stack.api_url}/console#settings/kb/new")

        page.get_by_label("Address (slug)").fill("Descaling Tips")  # not an address the desk takes
        page.get_by_label("Title").fill(title)
        page.get_by_label("Keywords").fill("limescale, vinegar")
        page.get_by_label("Text (Markdown)").fill(
            "## Steps\n\nUse **white vinegar**, then rinse.\n\n- Unplug it\n- Fill it half way\n\n<script>alert(1)</script>")
        # the desk's own rendering, beside the text: Markdown as readers will get it, no script
        preview = page.locator("#kb-preview")
        expect(preview.locator("h2")).to_have_text("Steps")
        expect(preview.locator("strong")).to_have_text("white vinegar")
        expect(preview.locator("li")).to_have_count(2)
        expect(preview.locator("script")).to_have_count(0)
        expect(preview).to_contain_text("<script>alert(1)</script>")  # as text
        write_box, preview_box = page.locator("#kb-body").bounding_box(), preview.bounding_box()
        assert preview_box["x"] > write_box["x"] + write_box["width"] - 1, (write_box, preview_box)  # side by side

        page.get_by_role("button", name="Publish").click()
        slug_input = page.get_by_label("Address (slug)")
        expect(slug_input).to_have_attribute("aria-invalid", "true")  # next to the field, before asking the desk
        expect(page.locator("#kb-slug + .field-error")).to_contain_text("lower-case letters")
        slug_input.fill(slug)
        page.get_by_label("Title").fill("\u200b")  # invisible: the desk's own check refuses it
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#kb-title + .field-error")).not_to_be_empty()
        page.get_by_label("Title").fill(title)
        page.get_by_role("button", name="Publish").click()
        expect(page.locator(".toast")).to_contain_text(["Published."])
        expect(page).to_have_url(f"{stack.api_url}/console#settings/kb/article/{slug}/en")
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.locator("#kb-meta")).to_contain_text("revision 1")
        expect(page.get_by_label("Address (slug)")).to_have_count(0)  # an address stays what it is
        expect(page.get_by_role("button", name="Unpublish")).to_be_visible()
        public = page.get_by_role("link", name="View on the help center")
        expect(public).to_have_attribute("href", f"{stack.api_url}/help/en/{slug}")
        _check(page, "kb-editor-published-1440")

        # the public help center shows it
        reader = context.new_page()
        reader.goto(f"{stack.api_url}/help/en/{slug}")
        expect(reader.locator("h1")).to_have_text(title)
        expect(reader.locator("article strong")).to_have_text("white vinegar")
        expect(reader.locator("article script")).to_have_count(0)
        screenshot(reader, "kb-help-center-en")

        # a German translation, the English version beside it
        page.get_by_role("button", name="Add translation").click()
        page.get_by_label("Language of the translation").fill("de")
        page.get_by_role("button", name="Start translation").click()
        expect(page).to_have_url(f"{stack.api_url}/console#settings/kb/article/{slug}/de")
        expect(page.get_by_role("heading", name="New translation: German")).to_be_visible()
        expect(page.get_by_label("Beside the text")).to_have_value("en")
        expect(preview.locator("strong")).to_have_text("white vinegar")
        expect(page.get_by_label("Keywords")).to_have_value("limescale, vinegar")  # kept from the English
        page.get_by_label("Title").fill(f"Wasserkocher entkalken {unique}")
        page.get_by_label("Text (Markdown)").fill("## Schritte\n\nMit **Essig** entkalken.")
        expect(page.get_by_label("Text (Markdown)")).to_have_attribute("lang", "de")
        page.get_by_label("Beside the text").select_option("preview")
        expect(preview.locator("strong")).to_have_text("Essig")
        _check(page, "kb-editor-translation-1440")
        page.get_by_role("button", name="Publish").click()
        expect(page.locator(".toast")).to_contain_text(["Published."])
        languages = page.get_by_role("navigation", name="Languages of this article")
        # (the toast of the English publication may still show: the languages' status says it is saved)
        expect(languages.get_by_role("link")).to_have_text(["English · Published", "German · Published"])
        expect(languages.get_by_role("link", name=re.compile("German"))).to_have_attribute("aria-current", "page")
        reader.goto(f"{stack.api_url}/help/de/{slug}")
        expect(reader.locator("h1")).to_have_text(f"Wasserkocher entkalken {unique}")
        expect(reader.locator("article strong")).to_have_text("Essig")

        # the list: the article with both languages' status; filtered by language and status
        page.get_by_role("link", name="Back to the articles").click()
        row = page.locator(f'#kb-articles tr[data-slug="{slug}"]')
        expect(row.get_by_role("link", name=title)).to_be_visible()
        expect(row.locator(".kb-langs a")).to_have_text([re.compile("EN\\s+Published"), re.compile("DE\\s+Published")])
        page.locator("#kb-filter-locale").select_option("de")
        page.locator("#kb-filter-status").select_option("draft")
        expect(row).to_have_count(0)
        page.locator("#kb-filter-status").select_option("published")
        expect(row.get_by_role("link", name=f"Wasserkocher entkalken {unique}")).to_be_visible()
        expect(row.locator(".kb-langs a")).to_have_count(1)
        page.locator("#kb-filter-locale").select_option("")
        page.locator("#kb-filter-status").select_option("")

        # the German version goes; the English one stays
        row.locator('.kb-langs a[data-locale="de"]').click()
        expect(page.get_by_role("heading", name=f"Wasserkocher entkalken {unique}")).to_be_visible()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Delete").click()
        expect(page).to_have_url(f"{stack.api_url}/console#settings/kb")
        expect(row.locator(".kb-langs a")).to_have_text([re.compile("EN\\s+Published")])
    finally:
        context.close()


# ---------------------------------------------------------------- revisions and a conflict

def test_an_older_revision_goes_back_into_the_editor_and_a_crossing_save_is_a_conflict(browser, stack, admin, unique):
    slug = f"lamp-reset-{unique}"
    put_article(admin, slug, "en", title="Resetting the lamp", body="First: hold the button.", status="draft")
    put_article(admin, slug, "en", title="Resetting the lamp", body="Second: hold it for ten seconds.", status="draft", rev=1)
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        page.goto(f"{stack.api_url}/console#settings/kb/article/{slug}/en")
        body = page.get_by_label("Text (Markdown)")
        expect(body).to_have_value("Second: hold it for ten seconds.")
        revisions = page.locator("#kb-revision-list li")
        expect(revisions).to_have_count(2)
        expect(revisions.first).to_contain_text("(current)")
        page.get_by_role("button", name="Load revision 1 into the editor").click()
        expect(body).to_have_value("First: hold the button.")
        expect(page.locator("#kb-unsaved")).to_have_text("Unsaved changes")
        expect(page.locator("#kb-preview")).to_contain_text("First: hold the button.")
        # leaving with unsaved changes asks first: "stay" keeps the editor as it is
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_role("link", name="Back to the articles").click()
        expect(body).to_have_value("First: hold the button.")
        assert asked == ["This article has unsaved changes. Leave without saving?"]
        expect(page).to_have_url(f"{stack.api_url}/console#settings/kb/article/{slug}/en")

        # meanwhile a colleague saves
        put_article(admin, slug, "en", title="Resetting the lamp", body="Theirs: unplug it first.", status="draft", rev=2)
        page.get_by_role("button", name="Save draft").click()
        conflict = page.locator("#kb-conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("Someone saved this article since you opened it (revision 3")
        expect(conflict).to_contain_text("Your changes are not saved.")
        assert violations(page) == []
        screenshot(page, "kb-editor-conflict-1024")
        assert admin.get(f"/kb/articles/{slug}/en").json()["body"] == "Theirs: unplug it first."  # nothing lost

        page.get_by_role("button", name="Load their version (drop my changes)").click()
        expect(conflict).to_be_hidden()
        expect(body).to_have_value("Theirs: unplug it first.")
        expect(revisions).to_have_count(3)
        body.fill("Theirs: unplug it first. Then hold the button.")
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator(".toast")).to_contain_text(["Draft saved."])
        expect(page.locator("#kb-meta")).to_contain_text("revision 4")
        expect(revisions).to_have_count(4)
        expect(page.locator("#kb-unsaved")).to_have_count(0)
    finally:
        context.close()
    saved = admin.get(f"/kb/articles/{slug}/en").json()
    assert (saved["rev"], saved["body"], saved["status"]) == (4, "Theirs: unplug it first. Then hold the button.", "draft")


# ---------------------------------------------------------------- who may write

def test_an_agent_reads_the_articles_until_an_admin_makes_her_an_editor(browser, stack, admin, unique, kb_settings_restored):
    slug, title = f"opening-hours-{unique}", f"Opening hours {unique}"
    put_article(admin, slug, "en", title=title, body="We open at **nine**.")
    agent = new_agent(admin, f"Erin Editor {unique}")
    agent_context = browser.new_context(viewport={"width": 1024, "height": 800})
    admin_context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = agent_context.new_page()
        sign_in(page, stack.api_url, agent["email"], agent["password"])
        page.goto(f"{stack.api_url}/console#settings/kb")
        expect(page.locator("#kb-read-only")).to_contain_text("ask an admin to make you an editor")
        expect(page.get_by_role("link", name="New article")).to_have_count(0)
        expect(page.locator("#settings-sections").get_by_role("link", name="Help center", exact=True)).to_have_count(0)  # admins' section
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.get_by_label("Title")).to_have_js_property("readOnly", True)
        expect(page.get_by_label("Text (Markdown)")).to_have_js_property("readOnly", True)
        expect(page.locator("#kb-preview strong")).to_have_text("nine")  # as readers see it
        for name in ("Update", "Unpublish", "Publish", "Save draft", "Delete"):
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        assert violations(page) == []
        screenshot(page, "kb-editor-read-only-1024")
        page.goto(f"{stack.api_url}/console#settings/kb/new")  # no editor to start one
        expect(page.locator("#kb-read-only")).to_be_visible()
        expect(page.get_by_label("Address (slug)")).to_have_count(0)

        # an admin lets her write, and names the help center
        admin_page = admin_context.new_page()
        sign_in(admin_page, stack.api_url)
        admin_page.goto(f"{stack.api_url}/console#settings/help-center")
        expect(admin_page.get_by_role("heading", name="Help center")).to_be_visible()
        editors = admin_page.get_by_role("group", name="Editors")
        expect(editors.get_by_role("checkbox", name=re.compile("(admin)")).first).to_be_disabled()  # admins always may
        box = editors.get_by_role("checkbox", name=f"Erin Editor {unique}")
        expect(box).not_to_be_checked()
        box.check()
        admin_page.get_by_label("Name", exact=True).fill(f"Lamps & Co {unique}")
        admin_page.get_by_label("Logo address").fill("http://not-https.example/logo.png")
        admin_page.get_by_role("button", name="Save help center").click()
        expect(admin_page.get_by_label("Logo address")).to_have_attribute("aria-invalid", "true")
        admin_page.get_by_label("Logo address").fill("")
        admin_page.get_by_role("button", name="Save help center").click()
        expect(admin_page.locator(".toast")).to_contain_text(["Help center saved."])
        _check(admin_page, "kb-help-center-settings-1440")
        assert agent["id"] in admin.get("/kb/settings").json()["editors"]
        reader = admin_context.new_page()
        reader.goto(f"{stack.api_url}/help/en/{slug}")
        expect(reader.locator("header.top .brand")).to_contain_text(f"Lamps & Co {unique}")

        # now she may
        page.goto(f"{stack.api_url}/console#settings/kb")
        page.reload()
        expect(page.get_by_role("link", name="New article")).to_be_visible()
        expect(page.locator("#kb-read-only")).to_have_count(0)
        page.get_by_role("link", name=title).click()
        page.get_by_label("Text (Markdown)").fill("We open at **eight**.")
        expect(page.locator("#kb-preview strong")).to_have_text("eight")
        page.get_by_role("button", name="Update").click()
        expect(page.locator(".toast")).to_contain_text(["Published version updated."])
    finally:
        agent_context.close()
        admin_context.close()
    saved = admin.get(f"/kb/articles/{slug}/en").json()
    assert (saved["body"], saved["updated_by"], saved["status"]) == ("We open at **eight**.", agent["id"], "published")


# ---------------------------------------------------------------- layout

def test_the_knowledge_base_fits_and_passes_axe(browser, stack, admin, unique):
    """Once, on a phone (where the editor shows the text or its preview, behind a toggle); each
    page is checked at all three widths by resizing it in place (at_every_width)."""
    slug = f"layout-{unique}"
    put_article(admin, slug, "en", title=f"A rather long title about warranty claims for lamps {unique}",
                body="## Warranty\n\nTwo **years**.\n\n| Part | Years |\n|---|---|\n| Shade | 2 |\n\n" + "A long line " * 40)
    put_article(admin, slug, "he", title="אחריות למנורות", body="שנתיים **אחריות**.", status="draft")
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        page.goto(f"{stack.api_url}/console#settings/kb")
        row = page.locator(f'#kb-articles tr[data-slug="{slug}"]')
        expect(row).to_be_visible()
        at_every_width(page, "kb-list", also=lambda _: expect(row).to_be_visible())

        page.goto(f"{stack.api_url}/console#settings/kb/article/{slug}/en")
        preview = page.locator("#kb-preview")
        body = page.get_by_label("Text (Markdown)")
        expect(body).to_have_value(re.compile("^## Warranty"))
        # a phone: the text, or its preview (wider, both side by side and the toggle hidden)
        expect(preview).to_be_hidden()
        page.get_by_role("button", name="Preview", exact=True).click()
        expect(page.get_by_role("button", name="Preview", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(body).to_be_hidden()
        at_every_width(page, "kb-editor", also=lambda _: expect(preview.locator("table")).to_be_visible())
        page.get_by_role("button", name="Write", exact=True).click()
        expect(body).to_be_visible()

        page.goto(f"{stack.api_url}/console#settings/kb/article/{slug}/he")
        expect(page.get_by_label("Text (Markdown)")).to_have_attribute("dir", "rtl")
        expect(page.get_by_role("heading", name="אחריות למנורות")).to_be_visible()
        at_every_width(page, "kb-editor-he")

        page.goto(f"{stack.api_url}/console#settings/kb/categories")
        page.get_by_label("Address (slug)").fill(f"care-{unique}")
        page.get_by_label("English").fill("Care")
        page.get_by_label("German").fill("Pflege")
        page.get_by_role("button", name="Save category").click()
        expect(page.locator(f'#kb-category-table tr[data-category="care-{unique}"]')).to_contain_text("Pflege")
        at_every_width(page, "kb-categories")

        page.goto(f"{stack.api_url}/console#settings/help-center")
        expect(page.get_by_role("group", name="Editors")).to_be_visible()
        at_every_width(page, "kb-help-center-settings")
    finally:
        context.close()
    assert admin.request("DELETE", f"/kb/categories/care-{unique}").status_code == 204


def test_in_hebrew_the_knowledge_base_mirrors_and_passes_axe(browser, stack, admin, unique):
    slug = f"rtl-{unique}"
    put_article(admin, slug, "en", title=f"Lamp care {unique}", body="Dust it **weekly**.")
    agent = new_agent(admin, f"Noa Ivrit {unique}")
    from tests.conftest import sign_in as api_sign_in

    assert admin.as_token(api_sign_in(admin, agent["email"], agent["password"])).patch(
        "/agents/me", json={"language": "he"}).status_code == 200
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{stack.api_url}/console")  # the form in English; the console then in Hebrew
        page.locator("#signin-email").fill(agent["email"])
        page.locator("#signin-password").fill(agent["password"])
        page.locator("#signin-form button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#connection")).to_have_text("מחובר", timeout=LIVE_TIMEOUT)
        page.goto(f"{stack.api_url}/console#settings/kb")
        expect(page.get_by_role("heading", name="מאגר ידע")).to_be_visible()
        expect(page.locator("#kb-read-only")).to_contain_text("אפשר לקרוא את המאמרים")
        row = page.locator(f'#kb-articles tr[data-slug="{slug}"]')
        expect(row.locator(".kb-langs a")).to_have_text([re.compile("EN\\s+מפורסם")])
        _check(page, "kb-list-he-1024")
        row.get_by_role("link", name=f"Lamp care {unique}").click()
        expect(page.get_by_label("טקסט (Markdown)")).to_have_attribute("dir", "ltr")  # the article's language, not the console's
        expect(page.locator("#kb-preview strong")).to_have_text("weekly")
        _check(page, "kb-editor-he-console-1024")
    finally:
        context.close()


def test_an_editor_puts_a_picture_into_an_article_and_readers_see_it(browser, stack, unique, tmp_path):
    import base64

    slug, title = f"pictured-{unique}", f"Wiring a dimmer {unique}"
    picture = tmp_path / "wiring.png"  # a 1x1 PNG
    picture.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url)
        page.goto(f"{stack.api_url}/console#settings/kb/new")
        page.get_by_label("Address (slug)").fill(slug)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Text (Markdown)").fill("The wiring:\n\n")
        page.get_by_label("Insert a picture").set_input_files(str(picture))
        expect(page.locator("#kb-picture-status")).to_have_text("The picture is in the text.")
        expect(page.get_by_label("Text (Markdown)")).to_have_value(re.compile(r"!\[wiring\]\(/help/images/[0-9a-f]{32}/wiring\.png\)"))
        expect(page.locator("#kb-preview img")).to_have_attribute("alt", "wiring")
        page.get_by_role("button", name="Publish").click()
        expect(page.locator(".toast")).to_contain_text(["Published."])
        assert violations(page) == []

        reader = context.new_page()
        reader.goto(f"{stack.api_url}/help/en/{slug}")
        image = reader.locator("article img")
        expect(image).to_have_attribute("alt", "wiring")
        reader.wait_for_function("() => document.querySelector('article img').naturalWidth === 1")
    finally:
        context.close()
