"""Finding a customer by e-mail address over HTTP: what a script (or a test) that knows only
the address uses, then ``GET /tickets?customer=<id>`` for their tickets."""

from __future__ import annotations

import pytest


def test_the_customer_an_address_belongs_to_whatever_its_case(agent, unique):
    address = f"Found.{unique}@Example.com"
    opened = agent.post("/tickets", json={"subject": "Lamp", "customer": {"email": address, "name": "Fran Found"}})
    assert opened.status_code == 201, opened.text
    customer = opened.json()["customer"]

    for asked in (address, address.lower(), address.upper()):
        r = agent.get("/customers", params={"email": asked})
        assert r.status_code == 200, r.text
        assert r.json() == agent.get(f"/customers/{customer['id']}").json()  # the same resource
        assert (r.json()["id"], r.json()["email"], r.json()["name"]) == (customer["id"], address.lower(), "Fran Found")
    tickets = agent.get("/tickets", params={"customer": customer["id"]}).json()["items"]
    assert [t["id"] for t in tickets] == [opened.json()["id"]]


def test_an_address_nobody_has_is_404(agent, unique):
    r = agent.get("/customers", params={"email": f"nobody-{unique}@example.com"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "customer_not_found"


@pytest.mark.parametrize(
    "params,field",
    [
        ({}, "email"),
        ({"email": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "two@@example.com"}, "email"),
        ({"email": "a b@example.com"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
    ],
)
def test_a_bad_address_is_400_naming_the_parameter(agent, params, field):
    r = agent.get("/customers", params=params)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and [d["field"] for d in error["details"]] == [field]


def test_only_agents_look_customers_up(anonymous, agent, admin, unique):
    assert anonymous.get("/customers", params={"email": f"x-{unique}@example.com"}).status_code == 401
    assert anonymous.as_token("not-a-token").get("/customers", params={"email": f"x-{unique}@example.com"}).status_code == 401
    assert admin.get("/customers", params={"email": f"x-{unique}@example.com"}).status_code == 404  # admins are agents too
    r = agent.get("/customers", params={"email": f"x-{unique}@example.com", "name": "x"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_parameter"
