"""Security and CORS headers on real answers of the running app, for every GET route the app
has (derived from the app, so pages added later are covered), by the answer's content type."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import app as desk_app
from chalicelib.entrypoints.headers import FRAMEABLE_PAGES
from chalicelib.entrypoints.http import OPERATIONS, PUBLIC
from tests.desk_env import desk_settings

ROOT = Path(__file__).resolve().parents[2]
GET_ROUTES = sorted(path for path, methods in desk_app.app.routes.items() if "GET" in methods)
EVIL = "https://evil.example"


def test_only_the_web_form_may_be_framed():
    assert FRAMEABLE_PAGES == {"/portal/new"}


def _get(anonymous, admin, path: str, **headers: str):
    url = re.sub(r"{\w+}", "probe0", path)
    api = anonymous if OPERATIONS[("GET", path)].auth == PUBLIC else admin
    return api.get(url, headers={"Origin": EVIL, **headers})


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def assert_common(response, framed: bool = False) -> None:
    h = response.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in h  # the local stage is plain HTTP
    if framed:  # the web form, reviewed: businesses put it in an iframe; it holds no session
        assert "X-Frame-Options" not in h and "frame-ancestors *" in h["Content-Security-Policy"]
        return
    assert h["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]


@pytest.mark.parametrize("path", GET_ROUTES)
def test_every_get_route_carries_the_policy_of_its_content_type(anonymous, admin, stack, path):
    response = _get(anonymous, admin, path)
    assert response.status_code < 500, response.text
    assert_common(response, framed=path in FRAMEABLE_PAGES)
    h = response.headers
    kind = h["Content-Type"].split(";")[0]
    policy = _directives(h["Content-Security-Policy"])
    if kind == "text/html":
        # A page runs only its own files: no inline script or style, no eval, no plugins.
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        assert "'unsafe-inline'" not in h["Content-Security-Policy"] and "'unsafe-eval'" not in h["Content-Security-Policy"]
        assert stack.gateway.url in policy["connect-src"]  # the console's websocket
        page = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script the policy blocks"
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", page, re.I), "inline style or handler the policy blocks"
    else:
        assert policy == {"default-src": ["'none'"], "frame-ancestors": ["'none'"], "base-uri": ["'none'"],
                          "form-action": ["'none'"]}
    if OPERATIONS[("GET", path)].auth != PUBLIC:
        assert h["Cache-Control"] == "no-store"
    if path == "/widget.js" or path.startswith("/widget/") or path in ("/help/search", "/help/articles/{slug}"):
        assert h["Access-Control-Allow-Origin"] == "*"  # businesses' pages use these (the widget)
        assert h["Cross-Origin-Resource-Policy"] == "cross-origin"
    else:
        assert "Access-Control-Allow-Origin" not in h  # no other origin reads the agent API
        assert h["Cross-Origin-Resource-Policy"] == "same-origin"


def test_answers_with_tokens_and_errors_are_never_cached_and_carry_the_headers(anonymous, admin):
    listed = admin.get("/tickets", params={"limit": "1"})
    assert listed.status_code == 200 and listed.headers["Cache-Control"] == "no-store"
    for response, status in (
        (anonymous.get("/tickets"), 401),
        (admin.request("DELETE", "/health"), 405),
        (admin.post("/tickets", data="{", headers={"Content-Type": "application/json"}), 400),
        (anonymous.post("/auth/login", json={"email": "x@tests.example", "password": "wrong"}), 401),
    ):
        assert response.status_code == status, response.text
        assert set(response.json()["error"]) == {"code", "message", "details"}
        assert_common(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_the_widget_script_stays_cacheable_and_loadable_from_any_site(anonymous):
    r = anonymous.get("/widget.js", headers={"Origin": "https://lamps.example"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/javascript")
    assert r.headers["Cache-Control"].startswith("public")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_deployed_stages_insist_on_https(anonymous, stack):
    with desk_settings(DESK_STAGE="prod"):
        r = anonymous.get("/health")
        assert r.json()["stage"] == "prod"
        assert r.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert "Strict-Transport-Security" not in anonymous.get("/health").headers


def test_preflight_lets_any_site_call_the_widget_and_none_call_the_agent_api(anonymous):
    widget = anonymous.request("OPTIONS", "/widget/sessions", headers={
        "Origin": "https://lamps.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert widget.headers["Access-Control-Allow-Origin"] == "*"
    assert "content-type" in widget.headers["Access-Control-Allow-Headers"].lower()
    agent_api = anonymous.request("OPTIONS", "/tickets", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization",
    })
    assert "Access-Control-Allow-Origin" not in agent_api.headers  # the browser stops here


def test_origins_of_the_stage_may_read_the_agent_api_and_no_others(admin):
    with desk_settings(DESK_CORS_ORIGINS="https://console.example.com, https://ops.example.com"):
        allowed = admin.get("/tickets", params={"limit": "1"}, headers={"Origin": "https://ops.example.com"})
        assert allowed.status_code == 200
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://ops.example.com"
        assert "Origin" in allowed.headers["Vary"]
        assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
        other = admin.get("/tickets", params={"limit": "1"}, headers={"Origin": EVIL})
        assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
        assert "Origin" in other.headers["Vary"]
        widget = admin.get("/widget.js", headers={"Origin": EVIL})
        assert widget.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "origins,preflight_origin",
    [("", None), ("https://console.example.com", "https://console.example.com"),
     ("https://a.example.com,https://b.example.com", "*")],
)
def test_the_gateway_answers_preflights_from_the_stages_origins(origins, preflight_origin):
    """What ``chalice package`` builds the API from: the app loaded with the stage's variables
    (a fresh interpreter, as the CLI does), answering a preflight as the gateway would."""
    probe = (
        "import json, app\n"
        "from chalice.config import Config\n"
        "from chalice.local import LocalGateway\n"
        "gateway = LocalGateway(app.app, Config())\n"
        "answer = lambda path: gateway.handle_request('OPTIONS', path, {'origin': 'https://x.example'}, b'')\n"
        "print(json.dumps([answer('/tickets')['headers'], answer('/widget/sessions')['headers']]))\n"
    )
    env = {**os.environ, "DESK_CORS_ORIGINS": origins}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    agent_api, widget = json.loads(out.stdout)
    assert agent_api.get("Access-Control-Allow-Origin") == preflight_origin
    if preflight_origin:
        assert "authorization" in agent_api["Access-Control-Allow-Headers"].lower()
        assert "if-match" in agent_api["Access-Control-Allow-Headers"].lower()
    assert widget["Access-Control-Allow-Origin"] == "*"


def test_a_page_of_any_route_gets_the_page_policy(stack):
    """The policy follows the content type, not a list of pages: an HTML answer from a route
    that does not exist yet gets it through the same middleware."""
    from chalice import Chalice, Response
    from chalice.test import Client

    from chalicelib.entrypoints import http

    probe = Chalice(app_name="probe")
    probe.register_middleware(http.middleware, "http")

    @probe.route("/some/future/page")
    def page():
        return Response(body="<!doctype html><title>x</title>", headers={"Content-Type": "text/html"})

    with Client(probe) as client:
        r = client.http.get("/some/future/page")
    headers = {name.lower(): value for name, value in r.headers.items()}
    policy = _directives(headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
