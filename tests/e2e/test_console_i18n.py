"""The agent console in the widget's six languages, in a real browser: every table has every
English key (and the same {placeholders}), a key a table lacks reads in English, an agent
switches to German in Settings > My profile and the console speaks German without losing the
open ticket, a browser that prefers German gets German until the agent chooses, and Hebrew
turns the page right to left, fits a phone's, a laptop's and a desktop's width and passes axe.
The profile's language is checked by the API: anything but the six (or null) is a 400."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import LIVE_TIMEOUT, at_every_width, screenshot, sign_in, violations

STATIC = Path(__file__).resolve().parents[2] / "chalicelib" / "static"
LANGUAGES = ["en", "de", "fr", "es", "he", "et"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def new_agent(admin, name, **profile):
    email, password = f"i18n-{uuid.uuid4().hex[:8]}@tests.example", f"Lingo-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": name, "password": password})
    assert r.status_code == 201, r.text
    agent = {**r.json(), "password": password}
    if profile:
        from tests.conftest import sign_in as api_sign_in

        own = admin.as_token(api_sign_in(admin, email, password))
        assert own.patch("/agents/me", json=profile).status_code == 200
    return agent


def open_ticket(admin, agent_id, subject):
    r = admin.post("/tickets", json={
        "subject": subject, "body": "Die Lampe flackert.",  # the customer's words: never translated
        "customer": {"email": f"kunde.{uuid.uuid4().hex[:6]}@example.com", "name": "Kai Kunde"},
        "assignee_id": agent_id, "channel": "phone",
    })
    assert r.status_code == 201, r.text
    return r.json()


def sign_in_form(page, base, agent):
    """Sign in with the form, whatever language it is in (its inputs have fixed ids)."""
    page.goto(f"{base}/console")
    page.locator("#signin-email").fill(agent["email"])
    page.locator("#signin-password").fill(agent["password"])
    page.locator("#signin-form button[type=submit]").click()


def keys_used_by_the_console() -> set[str]:
    """Every literal key the console's scripts and page ask Desk.t for."""
    used: set[str] = set()
    files = [STATIC / "console.js", STATIC / "console.html",
             *[p for p in sorted((STATIC / "console").glob("*.js")) if p.name != "i18n.js"]]
    for path in files:
        text = path.read_text()
        used |= set(re.findall(r'\bt\(\s*"([a-z_]+(?:\.[a-z_]+)*)"\s*[,)]', text))
        used |= set(re.findall(r'data-i18n="([^"]+)"', text))
        used |= {k for attr in re.findall(r'data-i18n-attr="([^"]+)"', text) for k in re.findall(r":([a-z_.]+)", attr)}
        used |= set(re.findall(r'title: "(settings\.[a-z]+\.title)"', text))
    return used


# ---------------------------------------------------------------- the tables

def test_every_language_has_every_english_key_with_the_same_placeholders(browser, stack):
    page = browser.new_page()
    try:
        page.goto(f"{stack.api_url}/console")
        tables = page.evaluate("() => window.Desk.i18n.strings")
        assert page.evaluate("() => window.Desk.i18n.languages") == LANGUAGES
    finally:
        page.close()
    assert sorted(tables) == sorted(LANGUAGES)
    english = tables["en"]
    assert len(english) > 300  # the whole console, not a sample

    def placeholders(entry):
        forms = entry.values() if isinstance(entry, dict) else [entry]
        return set().union(*(PLACEHOLDER.findall(f) for f in forms))

    problems = []
    for lang in LANGUAGES:
        table = tables[lang]
        problems += [f"{lang}: no {key}" for key in english if key not in table]
        problems += [f"{lang}: {key} is not an English key" for key in table if key not in english]
        for key, entry in table.items():
            if key not in english:
                continue
            if isinstance(english[key], dict) != isinstance(entry, dict):
                problems.append(f"{lang}: {key} is {'not ' if isinstance(english[key], dict) else ''}a set of plural forms")
            elif isinstance(entry, dict):
                if "other" not in entry or set(entry) - {"zero", "one", "two", "few", "many", "other"}:
                    problems.append(f"{lang}: {key} has plural forms {sorted(entry)}")
                # a form may say the count in words ("one"), but never a placeholder English lacks
                if not placeholders(entry) <= placeholders(english[key]) or \
                        PLACEHOLDER.findall(entry["other"]) and set(PLACEHOLDER.findall(entry["other"])) != \
                        set(PLACEHOLDER.findall(english[key]["other"])):
                    problems.append(f"{lang}: {key} placeholders {placeholders(entry)}")
            elif placeholders(entry) != placeholders(english[key]):
                problems.append(f"{lang}: {key} has {sorted(placeholders(entry))}, English {sorted(placeholders(english[key]))}")
            if not entry:
                problems.append(f"{lang}: {key} is empty")
    assert problems == []
    missing = sorted(keys_used_by_the_console() - set(english))
    assert missing == [], f"the console asks for keys no table has: {missing}"


def test_a_key_a_language_lacks_reads_in_english_and_counts_pick_their_plural(browser, stack):
    context = browser.new_context()
    context.add_init_script("localStorage.setItem('desk-console-lang', 'de')")
    page = context.new_page()
    try:
        page.goto(f"{stack.api_url}/console")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_role("button", name="Anmelden")).to_be_visible()  # the sign-in form
        result = page.evaluate("""() => {
            const t = window.Desk.t, de = window.Desk.i18n.strings.de;
            const before = t("list.empty");
            delete de["list.empty"];           // as if the German table lacked it
            return { before, after: t("list.empty"), nokey: t("no.such.key"),
                     one: t("bulk.selected", { count: 1 }), many: t("bulk.selected", { count: 1200 }),
                     params: t("merge.done", { source: 1001, target: 1002 }) };
        }""")
    finally:
        context.close()
    assert result == {
        "before": "Hier ist nichts.", "after": "Nothing here.", "nokey": "no.such.key",
        "one": "1 Ticket ausgewählt", "many": "1.200 Tickets ausgewählt",
        "params": "#1001 in #1002 zusammengeführt.",
    }


# ---------------------------------------------------------------- the agent's choice

def test_an_agent_switches_to_german_in_her_profile_and_keeps_the_open_ticket(browser, stack, admin):
    agent = new_agent(admin, "Greta Sprache")
    ticket = open_ticket(admin, agent["id"], "Flackernde Lampe")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, stack.api_url, agent["email"], agent["password"])  # English: no choice yet
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto(f"{stack.api_url}/console#ticket/{ticket['id']}")
        expect(page.locator("#conversation-title")).to_have_text(f"#{ticket['number']} Flackernde Lampe")

        page.get_by_role("button", name="Settings").click()
        page.get_by_label("Console language").select_option("de")
        page.get_by_role("button", name="Save profile").click()

        # The page is drawn again in German, in the same section, still signed in.
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page).to_have_url(f"{stack.api_url}/console#settings")  # the address it had
        expect(page.get_by_role("heading", name="Mein Profil")).to_be_visible()
        expect(page.get_by_role("link", name="Textbausteine")).to_be_visible()  # the sections' list
        expect(page.get_by_label("Sprache der Konsole")).to_have_value("de")
        expect(page.get_by_role("button", name="Profil speichern")).to_be_visible()
        expect(page.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        assert _language_of(admin, agent["id"]) == "de"

        page.get_by_role("button", name="Zurück zu den Gesprächen").click()
        # the open ticket is still open, the customer's words as they were
        expect(page.locator("#conversation-title")).to_have_text(f"#{ticket['number']} Flackernde Lampe")
        expect(page.locator("#timeline .body").first).to_have_text("Die Lampe flackert.")
        # the list, its view, a status name, the composer, the properties
        expect(page.locator("#list-title")).to_have_text("Meine")
        expect(page.get_by_role("button", name="Nicht zugewiesen")).to_be_visible()
        expect(page.locator(f'[data-ticket="{ticket["id"]}"] .pill').first).to_have_text("Telefon")
        expect(page.locator(f'[data-ticket="{ticket["id"]}"]')).to_contain_text("Offen")  # opened: no longer new
        expect(page.get_by_label("Status", exact=True)).to_have_value("open")
        expect(page.locator("#status option:checked")).to_have_text("Offen")
        expect(page.locator("#priority option:checked")).to_have_text("Normal")
        expect(page.get_by_label("Interne Notiz")).to_be_visible()
        expect(page.locator("#reply-label")).to_have_text("Antwort")
        expect(page.get_by_role("button", name="Senden", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Senden und lösen")).to_be_visible()
        expect(page.get_by_label("Tickets und Kunden durchsuchen")).to_be_visible()
        expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
        # dates through Intl in German
        stamp = page.locator("#timeline time").first
        german = page.evaluate(
            """iso => new Intl.DateTimeFormat("de", { weekday: "short", day: "numeric", month: "short",
                                                       hour: "2-digit", minute: "2-digit" }).format(new Date(iso))""",
            stamp.get_attribute("datetime"),
        )
        expect(stamp).to_have_text(german)

        # a note in German: the toast and the composer speak it, the note is the agent's own words
        page.get_by_label("Interne Notiz").check()
        expect(page.locator("#reply")).to_have_attribute("placeholder", "Notizen sehen nur Agenten…")
        page.locator("#reply").fill("Kunde hat angerufen.")
        page.get_by_role("button", name="Senden", exact=True).click()
        expect(page.locator("#timeline li.note")).to_contain_text("interne Notiz")
        assert violations(page) == []
        screenshot(page, "console-i18n-de-1440")

        # back to the browser's language (English here): null in the profile
        page.get_by_role("button", name="Einstellungen").click()
        page.get_by_label("Sprache der Konsole").select_option("")
        page.get_by_role("button", name="Profil speichern").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", name="My profile")).to_be_visible()
        assert _language_of(admin, agent["id"]) is None
    finally:
        context.close()


def _language_of(admin, agent_id):
    return next(a for a in admin.get("/agents").json()["items"] if a["id"] == agent_id)["language"]


def test_a_browser_that_prefers_german_gets_german_until_the_agent_chooses(browser, stack, admin):
    agent = new_agent(admin, "Bruno Browser")
    context = browser.new_context(locale="de-DE", viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{stack.api_url}/console")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_label("Passwort")).to_be_visible()
        sign_in_form(page, stack.api_url, agent)
        expect(page.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)
        expect(page.get_by_role("button", name="Einstellungen")).to_be_visible()
        page.get_by_role("button", name="Einstellungen").click()
        expect(page.get_by_label("Sprache der Konsole")).to_have_value("")  # none chosen: the browser's
        expect(page.locator("#profile-language option:checked")).to_have_text("Die des Browsers (Deutsch)")

        # Another browser's tab of the same agent learns her choice at the next load.
        assert admin.as_token(_token(admin, agent)).patch("/agents/me", json={"language": "fr"}).status_code == 200
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", name="Mon profil")).to_be_visible()
        expect(page.get_by_role("button", name="Paramètres")).to_be_visible()
    finally:
        context.close()


def _token(admin, agent):
    from tests.conftest import sign_in as api_sign_in

    return api_sign_in(admin, agent["email"], agent["password"])


# ---------------------------------------------------------------- right to left

def test_hebrew_turns_the_console_right_to_left_and_it_fits(browser, stack, admin):
    """Once, on a phone; each screen checked at all three widths by resizing it in place."""
    agent = new_agent(admin, "Noa Ivrit", language="he")
    ticket = open_ticket(admin, agent["id"], "מנורה מהבהבת")
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        sign_in_form(page, stack.api_url, agent)  # the form in English; the console then in Hebrew
        expect(page.locator("html")).to_have_attribute("lang", "he")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#connection")).to_have_text("מחובר")
        expect(page.locator("#list-title")).to_have_text("שלי")

        def mirrored(width: int) -> None:
            if width > 700:  # the panes side by side, mirrored: the views on the right, the list beside them
                views, listing = page.locator("nav.views").bounding_box(), page.locator("section.list").bounding_box()
                assert views["x"] > listing["x"], (width, views, listing)

        at_every_width(page, also=mirrored)

        page.locator(f'[data-ticket="{ticket["id"]}"]').click()
        expect(page.locator("#conversation-title")).to_have_text(f"#{ticket['number']} מנורה מהבהבת")
        expect(page.get_by_label("הערה פנימית")).to_be_visible()
        hebrew = {"new": "חדשה", "open": "פתוחה"}  # opening a new ticket may open it
        expect(page.locator("#status option:checked")).to_have_text(hebrew[page.locator("#status").input_value()])
        at_every_width(page, "console-i18n-he", also=lambda _: expect(page.get_by_label("הערה פנימית")).to_be_visible())

        page.goto(f"{stack.api_url}/console#settings/profile")
        expect(page.get_by_role("heading", name="הפרופיל שלי")).to_be_visible()
        expect(page.get_by_label("שפת המסוף")).to_have_value("he")
        at_every_width(page)
    finally:
        context.close()


# ---------------------------------------------------------------- the API's check

@pytest.mark.parametrize("language", ["xx", "DE", "de-DE", "", 7])
def test_a_language_the_console_does_not_ship_is_a_400_with_a_json_error(admin, language):
    agent = new_agent(admin, "Vera Valid")
    own = admin.as_token(_token(admin, agent))
    r = own.patch("/agents/me", json={"language": language})
    assert r.status_code == 400, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and "language" in [d["field"] for d in error["details"]]
    assert own.get("/agents/me").json()["language"] is None
