"""Fixtures the end-to-end tests share."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.browser import ARGS, ARTIFACTS, CHROMIUM

# What a page must show, it must show within 15 s, not Playwright's 5: the browser tests check
# what appears, not how fast (that is bench/'s). On a busy two-worker run the emulator, which
# answers one request at a time, and the stream's reactions behind a notice or a toast have
# taken longer than 5 s. A check that fails still fails, 10 s later.
expect.set_options(timeout=15_000)

SUPPORT = "support@desk.localhost"
WEEKDAYS_9_TO_17 = {day: ["09:00-17:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}


@pytest.fixture
def smtp(stack):
    """Send a mail to the desk through the local SMTP inbound (SES's part)."""

    def send(message: EmailMessage, rcpts: list[str] | None = None) -> None:
        with smtplib.SMTP(stack.settings.host, stack.settings.smtp_port, timeout=60) as client:
            client.send_message(message, to_addrs=rcpts or [SUPPORT])

    return send


class SettableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(stack):
    from chalicelib import bootstrap
    from chalicelib.domain.clock import utcnow

    fake = SettableClock(datetime.now(UTC))
    bootstrap.use_clock(fake)
    yield fake
    bootstrap.use_clock(utcnow)


@pytest.fixture
def desk_hours(admin):
    """The desk opens 09:00-17:00 Berlin time on weekdays, closed on German holidays."""
    r = admin.request("PUT", "/calendars/desk", json={
        "name": "Office", "timezone": "Europe/Berlin", "hours": WEEKDAYS_9_TO_17, "country": "DE",
    })
    assert r.status_code == 200, r.text
    yield r.json()
    admin.request("PUT", "/sla/policies", json={"policies": []})
    assert admin.request("DELETE", "/calendars/desk").status_code == 204


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, once per test module (see tests/e2e/browser.py)."""
    from pathlib import Path

    assert Path(CHROMIUM).exists(), f"Chromium is needed at {CHROMIUM} (.ci/run installs Debian's package)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
