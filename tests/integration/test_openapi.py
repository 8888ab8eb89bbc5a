"""``/openapi.json`` describes exactly the routes the app serves, with the enforced schemas."""

from __future__ import annotations

from openapi_spec_validator import validate

import app as desk_app
from chalicelib.entrypoints.http import OPERATIONS
from chalicelib.schemas import REQUESTS


def test_the_document_is_valid_openapi_3_1(anonymous):
    r = anonymous.get("/openapi.json")
    assert r.status_code == 200
    document = r.json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_documented_and_every_documented_route_exists(anonymous):
    served = {(method, path) for path, methods in desk_app.app.routes.items() for method in methods}
    assert served == set(OPERATIONS)
    document = anonymous.get("/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert documented == served


def test_agent_routes_declare_bearer_auth_and_the_schemas_are_the_enforced_ones(anonymous):
    document = anonymous.get("/openapi.json").json()
    public = {
        ("GET", "/health"), ("GET", "/openapi.json"), ("POST", "/auth/login"), ("POST", "/auth/refresh"),
        ("POST", "/widget/sessions"), ("GET", "/widget.js"), ("GET", "/widget/config"),
            ("POST", "/widget/campaigns/{campaign_id}/shown"),
        ("GET", "/console"), ("GET", "/console/app.js"), ("GET", "/console/app.css"),
        ("GET", "/console/assets/{name}"), ("POST", "/invites/lookup"), ("POST", "/invites/accept"),
        ("GET", "/portal"), ("GET", "/portal/new"), ("GET", "/portal/app.js"), ("GET", "/portal/app.css"),
        ("GET", "/portal/form"), ("POST", "/portal/uploads"), ("POST", "/portal/tickets"), ("POST", "/portal/links"),
        ("POST", "/portal/sessions"), ("GET", "/portal/tickets"), ("GET", "/portal/tickets/{number}"),
        ("POST", "/portal/tickets/{number}/messages"), ("POST", "/portal/tickets/{number}/close"),
        ("POST", "/portal/tickets/{number}/uploads"),
        ("GET", "/widget/transcripts/confirm"),
        ("GET", "/help"), ("GET", "/help/search"), ("GET", "/help/articles/{slug}"), ("GET", "/help/images/{image_id}/{filename}"),
        ("POST", "/help/articles/{slug}/feedback"), ("GET", "/help/sitemap.xml"), ("GET", "/help/assets/help.css"), ("GET", "/help/assets/help.js"),
        ("GET", "/help/assets/brand.css"), ("GET", "/help/{locale}"), ("GET", "/help/{locale}/search"),
        ("GET", "/help/{locale}/categories/{category}"), ("GET", "/help/{locale}/{slug}"),
    }
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            key = (method.upper(), path)
            assert ("security" in op) == (key not in public), key
    for name, schema in REQUESTS.items():
        assert document["components"]["schemas"][name] == schema


def test_every_agent_route_refuses_a_request_without_a_token(anonymous):
    for (method, path), op in OPERATIONS.items():
        if op.auth == "public":
            continue
        url = path.replace("{ticket_id}", "tkt_x").replace("{customer_id}", "cus_x")
        r = anonymous.request(method, url, json={})
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.json()["error"]["code"] == "missing_token"
