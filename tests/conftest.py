"""Test fixtures: the whole local stack (moto over HTTP, the app over HTTP) on free ports."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import requests

from tests import desk_env

ADMIN_EMAIL = "admin@tests.example"
ADMIN_PASSWORD = "Admin-tests-Passw0rd"


class Api:
    """A tiny HTTP client for the desk's API, as a script or the console would use it."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token
        self.session = requests.Session()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        h.update(extra or {})
        return h

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        headers = self.headers(kw.pop("headers", None))
        return self.session.request(method, self.base + path, headers=headers, timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def as_token(self, token: str | None) -> Api:
        return Api(self.base, token)

    def every(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Every item of a listing (``items`` and ``next_cursor``), following the cursor to its end."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            r = self.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
            assert r.status_code == 200, r.text
            items += r.json()["items"]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return items


@pytest.fixture(scope="session")
def stack():
    from chalicelib.config import RATE_LIMITS, LocalSettings
    from local.stack import Stack

    settings = LocalSettings(
        host="127.0.0.1",
        http_port=0,
        ws_port=0,
        smtp_port=0,
        aws_port=0,
        data_dir="",
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        demo_port=0,
    )
    # Every test's client is 127.0.0.1, so to the rate limiter the whole suite is one client:
    # no limits here. tests/integration/test_rate_limits.py puts the real ones back.
    for name in RATE_LIMITS:
        os.environ.setdefault(f"DESK_RATE_LIMIT_{name.upper()}", "off")
    running = Stack(settings, persist=False, run_schedules=False, stream_retry_seconds=0.05)
    running.start()
    desk_env.use_stack(running)
    # The FAQ bot is on by default once a knowledge base has articles; here tests publish
    # articles of their own, so it stays off unless a test turns it on (tests/e2e/test_faq_bot.py).
    from chalicelib import bootstrap

    bootstrap.container().kb.put_settings({"bot_enabled": False})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def anonymous(stack) -> Api:
    return Api(stack.api_url)


def sign_in(api: Api, email: str, password: str) -> str:
    r = api.post("/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["token"]


@pytest.fixture(scope="session")
def admin(anonymous) -> Api:
    return anonymous.as_token(sign_in(anonymous, ADMIN_EMAIL, ADMIN_PASSWORD))


@pytest.fixture(scope="session")
def agent_account(admin) -> dict[str, str]:
    """A second agent (role: agent), created by the admin through the API."""
    email = f"agent-{uuid.uuid4().hex[:8]}@tests.example"
    password = "Agent-tests-Passw0rd"
    r = admin.post("/agents", json={"email": email, "name": "Alex Agent", "password": password})
    assert r.status_code == 201, r.text
    return {**r.json(), "password": password}


@pytest.fixture(scope="session")
def agent(anonymous, agent_account) -> Api:
    return anonymous.as_token(sign_in(anonymous, agent_account["email"], agent_account["password"]))


@pytest.fixture
def unique() -> str:
    """A short random word to keep one test's tickets apart from another's."""
    return uuid.uuid4().hex[:10]


def pytest_configure(config: Any) -> None:
    # Never let a developer's real AWS profile leak into the tests.
    os.environ.pop("AWS_PROFILE", None)


_FIGURES: list[str] = []  # what tests record to be read at the end (record_property "kb_search_top3")


def pytest_runtest_logreport(report: Any) -> None:
    if report.when == "call":
        _FIGURES.extend(str(v) for k, v in getattr(report, "user_properties", ()) if k == "kb_search_top3")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _FIGURES:
        terminalreporter.section("help center search: right article in the top 3")
        for line in sorted(_FIGURES):
            terminalreporter.write_line(line)
