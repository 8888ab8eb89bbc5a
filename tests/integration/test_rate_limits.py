"""Rate limits on the public endpoints, with the desk's default limits: a client over a limit
gets a 429 in the error shape with Retry-After, and nobody else notices.

The local server sees every request come from 127.0.0.1, so these tests tell the desk it
runs behind one trusted proxy (``DESK_TRUSTED_PROXY_HOPS=1``) and play that proxy: each
request says in X-Forwarded-For which client it is for, through the same code path a
deployment behind CloudFront or a load balancer takes. The services' clock is pinned to an
instant of these tests' own (15 seconds into a window), so the windows are exact and no
other test's requests are counted in them.
"""

from __future__ import annotations

import ipaddress
import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.config import RATE_LIMITS
from chalicelib.domain.errors import RateLimitedError
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.desk_env import desk_clock, desk_settings

DEFAULTS = {f"DESK_RATE_LIMIT_{name.upper()}": None for name in RATE_LIMITS}  # unset: the defaults


def new_ip() -> str:
    if random.random() < 0.5:
        return str(ipaddress.IPv4Address(int(ipaddress.IPv4Address("198.18.0.0")) + random.randrange(1 << 17)))
    return str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("2001:db8::")) + random.getrandbits(64)))


def fresh_instant() -> datetime:
    """15 seconds into a window of every length the limits use (60 and 900 seconds)."""
    start = datetime(2031, 1, 1, tzinfo=UTC).timestamp()
    return datetime.fromtimestamp(start + 900 * random.randrange(35_000) + 15, UTC)


@pytest.fixture
def behind_a_proxy(stack):
    with desk_settings(**DEFAULTS, DESK_TRUSTED_PROXY_HOPS="1") as settings, desk_clock(fresh_instant()) as clock:
        yield settings, clock


def from_ip(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": f"{new_ip()}, {ip}"}  # what the client claimed, then the proxy's entry


def assert_rate_limited(response, limit: int, window: int) -> None:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "rate_limited" and error["message"]
    assert error["details"] == {"limit": limit, "window_seconds": window, "retry_after_seconds": window - 15}
    assert response.headers["Retry-After"] == str(window - 15)
    assert response.headers["Content-Type"] == "application/json"


def test_the_defaults_are_the_documented_ones(behind_a_proxy):
    settings, _ = behind_a_proxy
    assert {name: (limit.requests, limit.seconds) for name, limit in settings.rate_limits.items()} == {
        "widget_sessions": (60, 60), "login": (20, 60), "login_email": (4, 900), "login_device": (10, 900),
        "refresh": (30, 60),
        "invites": (10, 300),  # an invitation's lookup and acceptance (docs/team.md)
        # the customer portal (docs/portal.md)
        "portal_form": (10, 3600), "portal_form_email": (5, 3600), "portal_uploads": (30, 3600),
        "portal_links": (10, 900), "portal_links_email": (3, 900), "portal_sign_in": (20, 900), "portal": (120, 60),
        "address_confirmations_per_visitor": (3, 3600),
        "address_confirmations_per_address": (3, 86400), "address_confirmation_links": (30, 60),
        "help_feedback": (30, 3600),  # the help center's helpful votes (docs/knowledge-base.md)
    }


def test_the_web_form_and_sign_in_links_are_limited_per_ip(anonymous, behind_a_proxy):
    busy, other = new_ip(), new_ip()
    for _ in range(10):
        assert anonymous.get("/portal/form", headers=from_ip(busy)).status_code == 200
    refused = anonymous.post("/portal/tickets", json={}, headers=from_ip(busy))  # counted before it is read
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert anonymous.get("/portal/form", headers=from_ip(other)).status_code == 200
    for _ in range(10):
        address = f"l-{uuid.uuid4().hex[:8]}@customer.example"
        assert anonymous.post("/portal/links", json={"email": address}, headers=from_ip(busy)).status_code == 202
    assert_rate_limited(anonymous.post("/portal/links", json={"email": "x@customer.example"}, headers=from_ip(busy)),
                        10, 900)


def test_widget_sessions_are_limited_per_ip_and_the_next_window_is_open_again(anonymous, behind_a_proxy):
    _, clock = behind_a_proxy
    busy, other = new_ip(), new_ip()
    for _ in range(60):
        assert anonymous.post("/widget/sessions", json={}, headers=from_ip(busy)).status_code == 201
    refused = anonymous.post("/widget/sessions", json={}, headers={**from_ip(busy), "Origin": "https://shop.example"})
    assert_rate_limited(refused, 60, 60)
    # The widget on a business's page must be able to read the refusal and its Retry-After.
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]

    assert anonymous.post("/widget/sessions", json={}, headers=from_ip(other)).status_code == 201
    clock[0] += timedelta(seconds=45)  # the next minute
    assert anonymous.post("/widget/sessions", json={}, headers=from_ip(busy)).status_code == 201


def test_sign_in_is_limited_per_ip_even_with_the_right_password(anonymous, behind_a_proxy):
    guesser, colleague = new_ip(), new_ip()
    for _ in range(20):
        wrong = {"email": f"nobody-{uuid.uuid4().hex[:8]}@tests.example", "password": "guess-1234"}
        assert anonymous.post("/auth/login", json=wrong, headers=from_ip(guesser)).status_code == 401
    right = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    assert_rate_limited(anonymous.post("/auth/login", json=right, headers=from_ip(guesser)), 20, 60)
    assert anonymous.post("/auth/login", json=right, headers=from_ip(colleague)).status_code == 200


def new_agent(admin) -> dict[str, str]:
    email, password = f"guarded-{uuid.uuid4().hex[:8]}@tests.example", f"Right-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": "Gwen Guarded", "password": password})
    assert r.status_code == 201, r.text
    return {"email": email, "password": password}


def sign_in_from(anonymous, ip: str, email: str, password: str, device: str | None = None):
    body = {"email": email, "password": password, **({"device": device} if device else {})}
    return anonymous.post("/auth/login", json=body, headers=from_ip(ip))


def test_guessing_one_address_from_any_number_of_ips_is_stopped_and_the_agent_still_gets_in(
    anonymous, admin, behind_a_proxy
):
    gwen = new_agent(admin)
    first = sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"])  # her laptop, yesterday
    assert first.status_code == 200, first.text
    laptop = first.json()["device"]
    for _ in range(4):  # a botnet: each guess from another address
        guess = sign_in_from(anonymous, new_ip(), gwen["email"].upper(), f"Guess-{uuid.uuid4().hex[:8]}")
        assert guess.status_code == 401 and guess.json()["error"]["code"] == "invalid_credentials"
    assert_rate_limited(sign_in_from(anonymous, new_ip(), gwen["email"], "Guess-again1"), 4, 900)
    # ... even with her password, from a device that never signed in to her account,
    assert_rate_limited(sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"]), 4, 900)
    # or with a device token the desk gave another address, or made up.
    other = sign_in_from(anonymous, new_ip(), ADMIN_EMAIL, ADMIN_PASSWORD).json()["device"]
    for device in (other, laptop[:-2] + "xx", "dv1.made-up.token"):
        assert_rate_limited(sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"], device), 4, 900)
    # Her own browser is not locked out, from wherever it is, and keeps its device token.
    back = sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"], laptop)
    assert back.status_code == 200, back.text
    assert back.json()["device"] == laptop
    assert anonymous.as_token(back.json()["token"]).get("/agents/me").json()["email"] == gwen["email"]


def test_only_failed_sign_ins_count_against_an_address(anonymous, admin, behind_a_proxy):
    gwen = new_agent(admin)
    for _ in range(8):  # more than the failure budget, each from a browser she never used
        r = sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"])
        assert r.status_code == 200, r.text
    devices = {sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"]).json()["device"] for _ in range(2)}
    assert len(devices) == 2  # a new device token for each unknown browser


def test_a_known_device_has_its_own_budget(anonymous, admin, behind_a_proxy):
    gwen = new_agent(admin)
    laptop = sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"]).json()["device"]
    phone = sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"]).json()["device"]
    for _ in range(10):  # someone at her laptop, guessing
        assert sign_in_from(anonymous, new_ip(), gwen["email"], "Not-her-1", laptop).status_code == 401
    assert_rate_limited(sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"], laptop), 10, 900)
    # Her phone, and a browser new to her account, each still have theirs.
    assert sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"], phone).status_code == 200
    assert sign_in_from(anonymous, new_ip(), gwen["email"], gwen["password"]).status_code == 200


def test_token_refresh_is_limited_per_ip(anonymous, behind_a_proxy):
    busy, other = new_ip(), new_ip()
    for _ in range(30):
        r = anonymous.post("/auth/refresh", json={"refresh_token": "stolen-or-stale"}, headers=from_ip(busy))
        assert r.status_code == 401
    assert_rate_limited(anonymous.post("/auth/refresh", json={"refresh_token": "x"}, headers=from_ip(busy)), 30, 60)
    assert anonymous.post("/auth/refresh", json={"refresh_token": "x"}, headers=from_ip(other)).status_code == 401


def test_junk_is_counted_too(anonymous, behind_a_proxy):
    busy = new_ip()
    for _ in range(60):
        r = anonymous.post("/widget/sessions", data="{not json", headers={**from_ip(busy), "Content-Type": "application/json"})
        assert r.status_code == 400
    assert_rate_limited(anonymous.post("/widget/sessions", json={}, headers=from_ip(busy)), 60, 60)


def test_forwarded_for_is_ignored_unless_the_desk_is_told_to_trust_a_proxy(anonymous, stack):
    # Without DESK_TRUSTED_PROXY_HOPS a client writing any X-Forwarded-For it likes is still
    # counted as the address it connects from. (A limit of 8 here: what is counted is the point.)
    small = {**DEFAULTS, "DESK_RATE_LIMIT_WIDGET_SESSIONS": "8/60"}
    with desk_settings(**small, DESK_TRUSTED_PROXY_HOPS=None), desk_clock(fresh_instant()):
        for _ in range(8):
            r = anonymous.post("/widget/sessions", json={}, headers={"X-Forwarded-For": new_ip()})
            assert r.status_code == 201
        assert_rate_limited(anonymous.post("/widget/sessions", json={}, headers={"X-Forwarded-For": new_ip()}), 8, 60)
    # Trusting one proxy, an entry that is not an address falls back to the connection's.
    with desk_settings(**small, DESK_TRUSTED_PROXY_HOPS="1"), desk_clock(fresh_instant()):
        for _ in range(8):
            assert anonymous.post("/widget/sessions", json={}, headers={"X-Forwarded-For": "junk"}).status_code == 201
        assert_rate_limited(anonymous.post("/widget/sessions", json={}, headers={"X-Forwarded-For": "more junk"}), 8, 60)


@contextmanager
def dynamodb_requests_sent_by_this_thread() -> Iterator[Counter[str]]:
    """The DynamoDB requests this thread puts on the wire (each HTTP request, a retry too),
    by operation. The emulator's own count is everyone's: the app runs in this process, and
    the gateway's threads may still be handling an earlier test's closed websocket."""
    from chalicelib.adapters.dynamodb import models

    sent: Counter[str] = Counter()
    me = threading.get_ident()

    def count(request: Any, **_: Any) -> None:
        if threading.get_ident() == me:
            target = request.headers["X-Amz-Target"]
            sent[(target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]] += 1

    clients = {id(c): c for c in (model._get_connection().connection.client for model in models.MODELS)}
    for client in clients.values():
        client.meta.events.register("before-send.dynamodb", count)
    try:
        yield sent
    finally:
        for client in clients.values():
            client.meta.events.unregister("before-send.dynamodb", count)


def test_the_limiter_costs_one_update_per_request_on_a_key_with_a_ttl(stack):
    from chalicelib.adapters.dynamodb import models
    from chalicelib.adapters.dynamodb.rate_limits import DynamoRateCounters
    from chalicelib.config import RateLimit
    from chalicelib.services.rate_limits import RateLimiter

    at = fresh_instant()
    limiter = RateLimiter(DynamoRateCounters(), {"probe": RateLimit(2, 60), "off": RateLimit(0, 60)}, clock=lambda: at)
    client = new_ip()
    with dynamodb_requests_sent_by_this_thread() as sent:
        limiter.hit("probe", client)
        limiter.hit("probe", client)
        assert sent == {"UpdateItem": 2}
        with pytest.raises(RateLimitedError) as refused:
            limiter.hit("probe", client)
        assert refused.value.status == 429 and refused.value.details["retry_after_seconds"] == 45
        limiter.hit("probe", new_ip())  # another client has its own count
        limiter.hit("off", client)  # a limit set to 'off' counts nothing
        limiter.hit("unknown", client)
        assert sent == {"UpdateItem": 4}

    window = int(at.timestamp()) // 60
    item = models.CounterItem.get(f"RATE#probe#{client}#{window}", "#RATE")
    assert item.value == 3 and item.expires_at == (window + 1) * 60 + 300

    limiter.hit("probe", "Someone@Example.com")  # an address is kept only as a hash
    hashed = [k for k in _rate_keys(stack) if "#h:" in k]
    assert hashed and not any("@" in k for k in _rate_keys(stack))


def _rate_keys(stack) -> list[str]:
    import boto3

    table = boto3.resource("dynamodb", endpoint_url=stack.aws.endpoint, region_name="us-east-1").Table(stack.table_name)
    # A test may scan to look; the desk never does.
    items = table.scan(FilterExpression="begins_with(pk, :p)", ExpressionAttributeValues={":p": "RATE#"})["Items"]
    return [item["pk"] for item in items]
