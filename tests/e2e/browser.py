"""What the browser tests share: Debian's headless Chromium driven by Playwright (the
``browser`` fixture in conftest.py), axe-core's findings, signing in to the console, and
screenshots kept in test-artifacts/screenshots/."""

from __future__ import annotations

import os
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


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings on the page, shadow DOM included, as readable lines."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
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
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Live once signed in and connected. How fast is for bench/, not for a test: the emulator
    # answers one request at a time, and on a busy 2-core run a console's first requests
    # (its lists, then the websocket's $connect) have waited over 5 s behind other work.
    expect(page.locator("#connection")).to_have_text("Live", timeout=LIVE_TIMEOUT)


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
