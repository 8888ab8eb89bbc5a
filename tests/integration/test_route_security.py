"""Every route of the app, enumerated from the app itself (Chalice's route table and the
operation registry), refuses every kind of bad token; so does the websocket's ``$connect``.

Nothing here lists the protected routes: a route added later is probed as soon as it
exists. What is listed is the opposite, the routes anyone may call, so that a new public
route fails ``test_the_public_routes_are_exactly_the_reviewed_ones`` until someone has
reviewed it and added it below.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
import websocket

import app as desk_app
from chalicelib.entrypoints.http import ADMIN, EDITOR, OPERATIONS, PUBLIC
from tests.forged_tokens import agent_tokens, visitor_token

# Reviewed: what anyone on the internet may call without a token, and why that is fine.
PUBLIC_ROUTES = {
    ("GET", "/health"): "liveness and the stage's name",
    ("GET", "/openapi.json"): "the API's own description",
    ("POST", "/auth/login"): "sign-in; rate-limited per IP and per address",
    ("POST", "/auth/refresh"): "new tokens for a refresh token; rate-limited per IP",
    ("GET", "/widget.js"): "the chat widget's script, loaded by businesses' pages",
    ("POST", "/widget/sessions"): "a visitor token for the widget; rate-limited per IP",
    ("GET", "/widget/config"): "whether a widget key is the desk's, availability, business hours",
    ("POST", "/widget/campaigns/{campaign_id}/shown"): "a campaign's greeting for the visitor of a visitor "
    "token, once; rate-limited per IP, refused to sites not allowed",
    ("GET", "/console"): "the console's page, which signs in through the API",
    ("GET", "/console/app.js"): "the console's script",
    ("GET", "/console/app.css"): "the console's styles",
    ("GET", "/console/assets/{name}"): "the console's modules, only files shipped in static/console/",
    ("POST", "/invites/lookup"): "what an invitation link is for, to its holder only (a signed token); "
    "one answer for every bad link; rate-limited per IP",
    ("POST", "/invites/accept"): "an invited person's sign-up with the link's signed, single-use token; "
    "mails nothing; rate-limited per IP",
    ("GET", "/portal"): "the customer portal's page, which signs in by a link mailed to the customer",
    ("GET", "/portal/new"): "the web form's page (frameable: it holds no session)",
    ("GET", "/portal/app.js"): "the portal's script",
    ("GET", "/portal/app.css"): "the portal's styles",
    ("GET", "/portal/form"): "a signed form token (no state); rate-limited per IP",
    ("POST", "/portal/uploads"): "a pre-signed upload into a signed form's own folder; rate-limited per IP",
    ("POST", "/portal/tickets"): "the web form: honeypot, minimum fill time, per-IP and per-address limits; "
                                 "mails only fixed text, a number and a link",
    ("POST", "/portal/links"): "mails a sign-in link (fixed text) to a known address only; same answer for any; "
                               "rate-limited per IP and per address",
    ("POST", "/portal/sessions"): "uses a one-time link's token (stored hashed, 15 minutes); rate-limited per IP",
    ("GET", "/portal/tickets"): "a customer session's own tickets (its token checked by the portal); per IP",
    ("GET", "/portal/tickets/{number}"): "one of the session's own tickets, public messages only; per IP",
    ("POST", "/portal/tickets/{number}/messages"): "a reply on the session's own ticket; per IP",
    ("POST", "/portal/tickets/{number}/uploads"): "a pre-signed upload for a reply on the session's own ticket, "
    "into that ticket's own folder; rate-limited per IP",
    ("POST", "/portal/tickets/{number}/close"): "solves the session's own ticket; per IP",
    ("GET", "/widget/transcripts/confirm"): "a visitor's address confirmation link: a signed, single-use, "
    "30-minute token; mails only the transcript, only to the address the link was mailed to; rate-limited per IP",
    ("GET", "/help"): "the help center: a redirect to a language's home",
    ("GET", "/help/articles/{slug}"): "a published article as JSON (the widget's reader); a draft is a 404",
    ("POST", "/help/articles/{slug}/feedback"): "a reader's vote on a published article: a counter; "
    "rate-limited per IP",
    ("GET", "/help/images/{image_id}/{filename}"): "an article's picture: a redirect to a pre-signed link "
    "(an id of 128 random bits; editors upload them)",
    ("GET", "/help/search"): "published articles only, from the index in memory (no table read per request)",
    ("GET", "/help/sitemap.xml"): "the published articles' addresses",
    ("GET", "/help/assets/help.css"): "the help center's styles",
    ("GET", "/help/assets/help.js"): "the help center's script",
    ("GET", "/help/assets/brand.css"): "the business's brand colour",
    ("GET", "/help/{locale}"): "a help center's home: published articles' titles",
    ("GET", "/help/{locale}/search"): "the search page: published articles only",
    ("GET", "/help/{locale}/categories/{category}"): "a category's published articles",
    ("GET", "/help/{locale}/{slug}"): "a published article (one Query of its translations); a draft is a 404",
}

SERVED = {(method, path) for path, methods in desk_app.app.routes.items() for method in methods}
ROUTES = sorted(SERVED | set(OPERATIONS), key=lambda route: (route[1], route[0]))
PROTECTED = [route for route in ROUTES if route not in PUBLIC_ROUTES]


def _probe_path(path: str) -> str:
    # Any value reaches the route: the token is checked before anything reads a parameter.
    return re.sub(r"{\w+}", "probe0", path)


def _call(api, method: str, path: str, token: str | None = None, headers: dict | None = None):
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return api.request(method, _probe_path(path), headers=headers, **body)


def _error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]["code"]


@pytest.fixture(scope="module")
def bad_tokens(admin) -> dict[str, str]:
    return {**agent_tokens(admin.token), "another-pools-own-token": _signed_in_to_another_pool()}


def _signed_in_to_another_pool() -> str:
    """A genuine ID token of an admin of another user pool in the same account (the emulator
    signs every pool's tokens with one key, so only the issuer and audience tell them apart)."""
    from chalicelib import bootstrap

    cognito = bootstrap.container().agents.directory.client
    pool = cognito.create_user_pool(PoolName=f"intruders-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="intruders", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    user, password = "mallory@tests.example", "Mallory-Passw0rd-1"
    cognito.admin_create_user(UserPoolId=pool, Username=user, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=user, Password=password, Permanent=True)
    for group in ("admin", "agent"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group)
    return cognito.initiate_auth(
        ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": user, "PASSWORD": password}
    )["AuthenticationResult"]["IdToken"]


def test_the_route_table_and_the_registry_agree():
    not_registered = sorted(SERVED - set(OPERATIONS))
    not_routed = sorted(set(OPERATIONS) - SERVED)
    assert not not_registered, f"routes without an @operation (no auth declared): {not_registered}"
    assert not not_routed, f"operations no route serves: {not_routed}"
    for path, methods in desk_app.app.routes.items():
        for method, entry in methods.items():
            assert entry.authorizer is None, (method, path)  # one check: the pipeline's own


def test_the_public_routes_are_exactly_the_reviewed_ones():
    public = {route for route, op in OPERATIONS.items() if op.auth == PUBLIC}
    unreviewed = sorted(public - set(PUBLIC_ROUTES))
    assert not unreviewed, f"new public routes: review them, then add them to PUBLIC_ROUTES: {unreviewed}"
    assert sorted(set(PUBLIC_ROUTES) - public) == [], "PUBLIC_ROUTES lists routes that are no longer public"


def test_every_public_write_is_rate_limited():
    # A public form (a ticket form, a sign-up) is what floods reach first.
    unlimited = sorted(r for r, op in OPERATIONS.items() if op.auth == PUBLIC and r[0] != "GET" and not op.rate_limit)
    assert not unlimited, f"public routes that write, without a rate limit: {unlimited}"


@pytest.mark.parametrize("method,path", PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_every_agent_route_refuses_every_bad_token(anonymous, admin, agent, bad_tokens, method, path):
    assert (method, path) in OPERATIONS, "a route without an @operation: nothing checks its token"
    assert OPERATIONS[(method, path)].auth != PUBLIC, "public, but not in the reviewed PUBLIC_ROUTES"

    missing = _call(anonymous, method, path)
    assert missing.status_code == 401 and _error_code(missing) == "missing_token", missing.text
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt"):
        malformed = _call(anonymous, method, path, headers={"Authorization": header})
        assert malformed.status_code == 401 and _error_code(malformed) == "invalid_token", (header, malformed.text)
    for kind, token in bad_tokens.items():
        refused = _call(anonymous, method, path, token)
        expected = "token_expired" if kind == "expired" else "invalid_token"
        assert refused.status_code == 401, (kind, refused.status_code, refused.text)
        assert _error_code(refused) == expected, (kind, refused.text)
        assert refused.headers["Cache-Control"] == "no-store"

    # The same route lets a good token past the check, so the refusals above are the token's.
    accepted = _call(admin, method, path)
    assert accepted.status_code not in (401, 403), accepted.text
    as_agent = _call(agent, method, path)
    if OPERATIONS[(method, path)].auth == ADMIN:
        assert as_agent.status_code == 403 and _error_code(as_agent) == "admin_required", as_agent.text
    elif OPERATIONS[(method, path)].auth == EDITOR:  # an agent the admins have not let write articles
        assert as_agent.status_code == 403 and _error_code(as_agent) == "editor_required", as_agent.text
    else:
        assert as_agent.status_code not in (401, 403), as_agent.text


# ---------------------------------------------------------------- the websocket's $connect


def _refused(url: str) -> tuple[int, str | None]:
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, timeout=5).close()
    body = refused.value.resp_body
    return refused.value.status_code, json.loads(body)["error"]["code"] if body else None


def test_websocket_connect_refuses_every_bad_agent_token(stack, agent, bad_tokens):
    url = stack.gateway.url
    assert _refused(f"{url}/") == (401, "missing_token")
    for kind, token in bad_tokens.items():
        expected = "token_expired" if kind == "expired" else "invalid_token"
        assert _refused(f"{url}/?token={token}") == (401, expected), kind
    websocket.create_connection(f"{url}/?token={agent.token}", timeout=5).close()  # the good one


def test_websocket_connect_refuses_every_bad_visitor_token(stack, anonymous, agent):
    url = stack.gateway.url
    customer = anonymous.post("/widget/sessions", json={}).json()["customer_id"]
    bad = {
        "expired": (visitor_token(customer, iat=1, exp=2), "token_expired"),
        "another-secret": (visitor_token(customer, secret="another-secret-" + uuid.uuid4().hex), "invalid_token"),
        "another-issuer": (visitor_token(customer, iss="someone-else"), "invalid_token"),
        "not-a-visitor-token": (visitor_token(customer, typ="agent"), "invalid_token"),
        "an-agent-token": (agent.token, "invalid_token"),
        "garbage": ("forged.token.here", "invalid_token"),
    }
    good = visitor_token(customer)
    header, payload, signature = good.split(".")
    bad["tampered"] = (f"{header}.{visitor_token('cus_someone_else').split('.')[1]}.{signature}", "invalid_token")
    for kind, (token, code) in bad.items():
        assert _refused(f"{url}/?visitor={token}") == (401, code), kind
    websocket.create_connection(f"{url}/?visitor={good}", timeout=5).close()  # the good one
