"""Agent sign-in against the emulated Cognito pool, and the one token check on every route."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.forged_tokens import claims_of as _claims_of
from tests.forged_tokens import forge as _forge


def test_login_returns_tokens_that_open_agent_routes(anonymous):
    r = anonymous.post("/auth/login", json={"email": ADMIN_EMAIL.upper(), "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    tokens = r.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0
    me = anonymous.as_token(tokens["token"]).get("/agents/me")
    assert me.status_code == 200
    assert me.json()["email"] == ADMIN_EMAIL and me.json()["role"] == "admin"


@pytest.mark.parametrize(
    "email,password",
    [(ADMIN_EMAIL, "wrong-password"), ("nobody@tests.example", "whatever-it-is")],
)
def test_wrong_password_and_unknown_address_get_the_same_401(anonymous, email, password):
    r = anonymous.post("/auth/login", json={"email": email, "password": password})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"


def test_refresh_gives_a_working_token(anonymous):
    tokens = anonymous.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()
    r = anonymous.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    assert anonymous.as_token(r.json()["token"]).get("/agents/me").status_code == 200
    bad = anonymous.post("/auth/refresh", json={"refresh_token": "not-a-token"})
    assert bad.status_code == 401


@pytest.fixture
def good_claims(admin):
    return _claims_of(admin.token)


@pytest.mark.parametrize(
    "mutate,code",
    [
        (lambda c: {**c, "exp": int(time.time()) - 60}, "token_expired"),
        (lambda c: {**c, "aud": "another-app-client"}, "invalid_token"),
        (lambda c: {**c, "iss": c["iss"].rsplit("/", 1)[0] + "/us-east-1_otherpool"}, "invalid_token"),
        (lambda c: {**c, "token_use": "access"}, "invalid_token"),
        (lambda c: {k: v for k, v in c.items() if k != "exp"}, "invalid_token"),
    ],
    ids=["expired", "wrong-audience", "wrong-pool", "access-token", "no-expiry"],
)
def test_a_correctly_signed_but_wrong_token_is_refused(anonymous, good_claims, mutate, code):
    # Sanity: the unmodified forged token is accepted, so the refusal below is due to the change.
    assert anonymous.as_token(_forge(good_claims)).get("/agents/me").status_code == 200
    r = anonymous.as_token(_forge(mutate(good_claims))).get("/tickets")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == code


def test_a_token_signed_by_another_key_or_tampered_is_refused(anonymous, admin, good_claims):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert anonymous.as_token(_forge(good_claims, key=stranger)).get("/tickets").status_code == 401
    header, payload, signature = admin.token.split(".")
    elevated = jwt.utils.base64url_encode(
        jwt.api_jws.json.dumps({**good_claims, "cognito:groups": ["admin", "agent"]}).encode()
    ).decode()
    assert anonymous.as_token(f"{header}.{elevated}.{signature}").get("/tickets").status_code == 401
    unsigned = jwt.encode(good_claims, key=None, algorithm="none", headers={"kid": "dummy"})
    assert anonymous.as_token(unsigned).get("/tickets").status_code == 401


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Bearer abc"]
)
def test_missing_or_malformed_authorization_is_401_in_the_error_shape(anonymous, header):
    headers = {} if header is None else {"Authorization": header}
    r = anonymous.get("/tickets", headers=headers)
    assert r.status_code == 401
    body = r.json()
    assert set(body["error"]) == {"code", "message", "details"}


def test_a_user_of_the_pool_in_no_agent_group_is_forbidden(stack, anonymous):
    from chalicelib import bootstrap

    cognito = bootstrap.container().agents.directory.client
    pool = stack.provisioned.user_pool_id
    cognito.admin_create_user(UserPoolId=pool, Username="outsider@tests.example", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="outsider@tests.example", Password="Outsider-Passw0rd", Permanent=True
    )
    token = anonymous.post(
        "/auth/login", json={"email": "outsider@tests.example", "password": "Outsider-Passw0rd"}
    ).json()["token"]
    r = anonymous.as_token(token).get("/tickets")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_an_agent"


def test_only_admins_add_agents_and_new_agents_can_sign_in(admin, agent, anonymous, unique):
    body = {"email": f"new-{unique}@tests.example", "name": "Nora New", "password": "Nora-Passw0rd-1"}
    refused = agent.post("/agents", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "admin_required"
    created = admin.post("/agents", json=body)
    assert created.status_code == 201 and created.json()["role"] == "agent"
    again = admin.post("/agents", json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "agent_exists"
    login = anonymous.post("/auth/login", json={"email": body["email"], "password": body["password"]})
    assert login.status_code == 200
    names = [a["name"] for a in agent.get("/agents").json()["items"]]
    assert "Nora New" in names


def test_a_password_the_pool_refuses_is_a_422_and_leaves_no_account(admin, anonymous, unique):
    body = {"email": f"weak-{unique}@tests.example", "name": "Weak", "password": "alllowercase"}
    r = admin.post("/agents", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "weak_password"
    retry = admin.post("/agents", json={**body, "password": "Strong-Passw0rd-1"})
    assert retry.status_code == 201
