"""What the browser tests share: Debian's headless Chromium driven by Playwright (the
``browser`` fixture in conftest.py), axe-core's findings, signing in to the console, and
screenshots kept in test-artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("DESK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# A phone, a laptop and a desktop: every page is tested at all three.
WIDTHS = (390, 1024, 1440)


_AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],  # the passes are not read: axe keeps one node of each
}


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings on the page, shadow DOM included, as readable lines.
    axe is put into a page once (a state checked at three widths runs it three times)."""
    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(Axe().axe_script)
    found = page.evaluate(f"axe.run(document, {json.dumps(_AXE_OPTIONS)}).then(r => r.violations)")
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in found
    ]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def widget_conversation(page, desk_url: str) -> str:
    """The id of the ticket the widget on this page talks in: the widget keeps its state in
    the page's localStorage under ``desk-widget:<the desk's origin>``."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(desk_url))
    state = page.evaluate("key => JSON.parse(localStorage.getItem(key) || '{}')", f"desk-widget:{origin}")
    assert state.get("conversation"), state
    return state["conversation"]


# How long a console may take to be Live (see sign_in).
LIVE_TIMEOUT = 20_000


def sign_in(page, base: str, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    page.goto(f"{base}/console")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Live once signed in and connected. How fast is for bench/, not for a test: the emulator
    # answers one request at a time, and on a busy 2-core run a console's first requests
    # (its lists, then the websocket's $connect) have waited over 5 s behind other work.
    expect(page.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)


def settings_section(page, title: str, heading: str) -> None:
    """Open a settings section as a person does: Settings, then the section's link."""
    if not page.locator("#settings").is_visible():
        page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.locator("#settings-title")).to_have_text(heading)


def fits(page) -> None:
    """Nothing on the page is wider than the window: no sideways scrolling."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:  # name what sticks out, so a failure says where to look
        culprits = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : '') +
                ' right=' + Math.round(e.getBoundingClientRect().right))""")
        raise AssertionError(f"the page is {overflow}px wider than the window: {culprits}")


def at_every_width(
    page,
    name: str | None = None,
    *,
    axe: bool = True,
    fit: Iterable[int] = WIDTHS,
    also: Callable[[int], None] | None = None,
) -> None:
    """The page's current state checked at a phone's, a laptop's and a desktop's width: axe
    finds nothing, nothing scrolls sideways (at the widths in ``fit``), ``also(width)`` for
    what a user needs at that width, and a screenshot ``<name>-<width>.png``.

    The window is resized in place and put back as it was: a long flow runs once, and each
    state it passes through is still seen at all three widths. The desk's pages lay out by
    CSS alone (no script of theirs reads the window's width), so a page resized to a width
    shows what one opened at that width shows."""
    start = page.viewport_size
    fit = tuple(fit)
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": start["height"]})
            if axe:
                found = violations(page)
                assert found == [], f"at {width} px: {found}"
            if width in fit:
                fits(page)
            if also is not None:
                also(width)
            if name:
                screenshot(page, f"{name}-{width}")
    finally:
        page.set_viewport_size(start)


class CampaignClock:
    """The test runs a page's clock for a campaign's 'seconds on the page' (Playwright's fake
    timers, installed on the context before the page opens), so a ten-second greeting takes no
    ten seconds, and 'not before its time' is checked on that clock, not on a loaded machine's.
    Every greeting the widget shows is first asked for (POST .../shown): those are counted."""

    def __init__(self, context) -> None:
        context.clock.install()  # time still flows; the test jumps it forward
        self.shown_asked: list[str] = []
        context.on("request", lambda r: self.shown_asked.append(r.url) if r.url.endswith("/shown") else None)

    def open(self, page, url: str) -> float:
        """Open ``url`` and wait until the widget has its session (and so its campaigns' timers);
        returns at most how many seconds the page has been open on its clock."""
        began = time.time()
        page.goto(url)
        return self.started(page, began)

    def started(self, page, began: float) -> float:
        expect(page.locator("#desk-widget-host #desk-status")).not_to_have_text("Connecting\u2026")
        return page.evaluate("Date.now()") / 1000 - began

    def forward(self, page, seconds: float) -> None:
        if seconds > 0:
            page.clock.fast_forward(int(seconds * 1000))

    def greets_after(self, page, url: str, seconds: int, greeting, text: str) -> None:
        """On ``url`` the greeting comes after ``seconds`` on the page, and not before."""
        asked = len(self.shown_asked)
        on_page = self.open(page, url)
        self.forward(page, seconds - 2 - on_page)  # two seconds before its time: nothing
        page.wait_for_timeout(300)
        assert len(self.shown_asked) == asked, "greeted before its seconds on the page"
        expect(greeting).to_have_count(0)
        self.forward(page, 3)
        expect(greeting).to_contain_text(text)
        assert len(self.shown_asked) == asked + 1

    def not_again(self, page, url: str, seconds: int, greeting) -> None:
        """After a reload, and on coming back to ``url``, no greeting, however long."""
        asked = len(self.shown_asked)
        page.reload()
        self.started(page, time.time())
        self.forward(page, seconds + 2)
        page.wait_for_timeout(1000)  # a greeting is asked for as soon as its timer fires
        expect(greeting).to_have_count(0)
        page.goto(url.rsplit("/", 1)[0] + "/")
        self.open(page, url)
        self.forward(page, seconds + 2)
        page.wait_for_timeout(1000)
        expect(greeting).to_have_count(0)
        assert len(self.shown_asked) == asked, "greeted again"
