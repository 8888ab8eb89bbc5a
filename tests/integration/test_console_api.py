"""What the agent console and the widget need over REST: agent profiles, canned responses,
tickets by channel, and the widget's public key."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from tests.conftest import sign_in
from tests.integration.test_tickets_api import new_ticket


@pytest.fixture(scope="module")
def profile_agent(admin, anonymous):
    """An agent of its own: the shared one's profile is what other tests expect to see."""
    email = f"profile-{uuid.uuid4().hex[:8]}@tests.example"
    r = admin.post("/agents", json={"email": email, "name": "Pat Profile", "password": "Profile-Passw0rd"})
    assert r.status_code == 201, r.text
    return anonymous.as_token(sign_in(anonymous, email, "Profile-Passw0rd"))


def test_an_agent_edits_their_profile_and_the_team_sees_it(profile_agent, admin):
    me = profile_agent.get("/agents/me").json()
    assert (me["title"], me["avatar_url"], me["timezone"]) == (None, None, None)

    r = profile_agent.patch("/agents/me", json={
        "title": "Support lead", "avatar_url": "https://cdn.example.com/pat.png", "timezone": "Europe/Tallinn",
    })
    assert r.status_code == 200, r.text
    assert r.json() == {**me, "title": "Support lead", "avatar_url": "https://cdn.example.com/pat.png",
                        "timezone": "Europe/Tallinn"}
    listed = {a["id"]: a for a in admin.get("/agents").json()["items"]}[me["id"]]
    assert (listed["title"], listed["avatar_url"], listed["timezone"]) == (
        "Support lead", "https://cdn.example.com/pat.png", "Europe/Tallinn",
    )

    r = profile_agent.patch("/agents/me", json={"avatar_url": None, "name": "  Pat Q. Profile "})
    assert r.status_code == 200, r.text
    after = profile_agent.get("/agents/me").json()
    assert after["avatar_url"] is None and after["name"] == "Pat Q. Profile"
    assert after["title"] == "Support lead" and after["timezone"] == "Europe/Tallinn"  # untouched


def test_an_agent_chooses_the_console_s_language_and_null_gives_it_back_to_the_browser(profile_agent, admin):
    me = profile_agent.get("/agents/me").json()
    assert me["language"] is None  # the browser's, until the agent chooses
    for language in ("he", "de"):
        r = profile_agent.patch("/agents/me", json={"language": language})
        assert r.status_code == 200, r.text
        assert r.json() == {**me, "language": language}
        assert profile_agent.get("/agents/me").json()["language"] == language
    r = profile_agent.patch("/agents/me", json={"language": None})
    assert r.status_code == 200 and r.json()["language"] is None
    assert profile_agent.get("/agents/me").json() == me


@pytest.mark.parametrize(
    "body,status,code,field",
    [
        ({"timezone": "Mars/Olympus_Mons"}, 422, "unknown_timezone", None),
        ({"timezone": "Europe"}, 422, "unknown_timezone", None),
        ({"timezone": "../../etc/passwd"}, 400, "validation_failed", "timezone"),
        ({"avatar_url": "http://cdn.example.com/pat.png"}, 400, "validation_failed", "avatar_url"),
        ({"avatar_url": "javascript:alert(1)"}, 400, "validation_failed", "avatar_url"),
        ({"avatar_url": "https://cdn.example.com/" + "a" * 500}, 400, "validation_failed", "avatar_url"),
        ({"title": "x" * 61}, 400, "validation_failed", "title"),
        ({"title": "two\nlines"}, 400, "validation_failed", "title"),
        ({"name": None}, 400, "validation_failed", "name"),
        ({"name": "   "}, 400, "validation_failed", "name"),
        ({"language": "xx"}, 400, "validation_failed", "language"),  # the console's six only
        ({"language": "de-AT"}, 400, "validation_failed", "language"),
        ({"language": ""}, 400, "validation_failed", "language"),
        ({"language": ["de"]}, 400, "validation_failed", "language"),
        ({"role": "admin"}, 400, "validation_failed", "(body)"),  # nobody promotes themselves
        ({}, 400, "validation_failed", "(body)"),
    ],
)
def test_bad_profile_edits_get_a_clear_4xx(profile_agent, body, status, code, field):
    before = profile_agent.get("/agents/me").json()
    r = profile_agent.patch("/agents/me", json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    if field:
        assert field in [d["field"] for d in r.json()["error"]["details"]]
    assert profile_agent.get("/agents/me").json() == before


# ---------------------------------------------------------------- canned responses

def test_admins_keep_canned_responses_and_agents_list_them_by_title(admin, agent, unique):
    first, second = f"zz-{unique}", f"aa-{unique}"
    r = admin.request("PUT", f"/canned-responses/{first}", json={"title": f"Apology {unique}", "body": "Sorry!"})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == first and r.json()["title"] == f"Apology {unique}" and r.json()["updated_at"]
    r = admin.request("PUT", f"/canned-responses/{second}", json={"title": f"shipping {unique}", "body": "Soon."})
    assert r.status_code == 200, r.text

    items = agent.get("/canned-responses").json()["items"]
    ours = [i for i in items if i["id"] in (first, second)]
    assert [i["id"] for i in ours] == [first, second]  # by title ("Apology" < "shipping"), not by id
    titles = [i["title"].casefold() for i in items]
    assert titles == sorted(titles)

    r = admin.request("PUT", f"/canned-responses/{first}", json={"title": f"Zorry {unique}", "body": "Sorry again"})
    assert r.status_code == 200
    ours = [i for i in agent.get("/canned-responses").json()["items"] if i["id"] in (first, second)]
    assert [(i["id"], i["body"]) for i in ours] == [(second, "Soon."), (first, "Sorry again")]

    assert admin.request("DELETE", f"/canned-responses/{first}").status_code == 204
    gone = admin.request("DELETE", f"/canned-responses/{first}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "canned_response_not_found"
    assert first not in [i["id"] for i in agent.get("/canned-responses").json()["items"]]


def test_only_admins_change_canned_responses(agent, admin, unique):
    r = agent.request("PUT", f"/canned-responses/x-{unique}", json={"title": "t", "body": "b"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "admin_required"
    admin.request("PUT", f"/canned-responses/x-{unique}", json={"title": "t", "body": "b"})
    r = agent.request("DELETE", f"/canned-responses/x-{unique}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "admin_required"


@pytest.mark.parametrize(
    "path_id,body,status,code",
    [
        ("Not-Lower", {"title": "t", "body": "b"}, 400, "validation_failed"),
        ("-leading-dash", {"title": "t", "body": "b"}, 400, "validation_failed"),
        ("x" * 41, {"title": "t", "body": "b"}, 400, "validation_failed"),
        ("ok-id", {"title": "t" * 101, "body": "b"}, 400, "validation_failed"),
        ("ok-id", {"title": "t", "body": "b" * 5001}, 400, "validation_failed"),
        ("ok-id", {"title": " ", "body": "b"}, 400, "validation_failed"),
        ("ok-id", {"title": "t"}, 400, "validation_failed"),
    ],
)
def test_bad_canned_responses_get_a_clear_4xx(admin, path_id, body, status, code):
    r = admin.request("PUT", f"/canned-responses/{path_id}", json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


def test_a_canned_response_is_filled_in_for_a_ticket(admin, agent, agent_account, unique):
    admin.request("PUT", f"/canned-responses/hello-{unique}", json={
        "title": "Hello",
        "body": "Hi {{customer.first_name}}, about #{{ticket.number}} ({{ticket.subject}}): we mail "
                "{{customer.email}} today. {{ order.id }} - {{agent.name}}",
    })
    ticket = new_ticket(agent, unique)  # customer "Casey Customer"
    r = agent.get(f"/tickets/{ticket['number']}/canned-responses/hello-{unique}")
    assert r.status_code == 200, r.text
    assert r.json() == {"text": (
        f"Hi Casey, about #{ticket['number']} (Order {unique} never arrived): we mail "
        f"customer.{unique}@example.com today. {{{{ order.id }}}} - {agent_account['name']}"
    )}

    nameless = agent.post("/tickets", json={"subject": "No name", "customer": {"email": f"n-{unique}@example.com"}})
    r = agent.get(f"/tickets/{nameless.json()['id']}/canned-responses/hello-{unique}")
    assert r.json()["text"].startswith("Hi there, about #")


def test_filling_in_an_unknown_canned_response_or_ticket_is_404(agent, admin, unique):
    ticket = new_ticket(agent, unique)
    r = agent.get(f"/tickets/{ticket['id']}/canned-responses/nothing-{unique}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "canned_response_not_found"
    admin.request("PUT", f"/canned-responses/c-{unique}", json={"title": "t", "body": "b"})
    r = agent.get(f"/tickets/tkt_doesnotexist/canned-responses/c-{unique}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "ticket_not_found"
    r = agent.get(f"/tickets/{ticket['id']}/canned-responses/NOT%20AN%20ID")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_failed"  # not an id at all


# ---------------------------------------------------------------- tickets by channel

def test_tickets_are_listed_by_channel(agent, unique):
    team = f"t{unique}"
    phone = new_ticket(agent, unique + "p", team=team, channel="phone")
    web = new_ticket(agent, unique + "w", team=team, channel="web")
    api = new_ticket(agent, unique + "a", team=team)

    def ids(params):
        r = agent.get("/tickets", params=params)
        assert r.status_code == 200, r.text
        return [t["id"] for t in r.json()["items"]]

    assert ids({"team": team, "channel": "phone"}) == [phone["id"]]
    assert ids({"team": team, "channel": "api"}) == [api["id"]]
    assert ids({"team": team, "channel": "chat"}) == []
    assert ids({"team": team}) == [api["id"], web["id"], phone["id"]]
    web_only = agent.every("/tickets", channel="web", limit="100")  # all pages: others' come first too
    assert {t["channel"] for t in web_only} == {"web"} and web["id"] in {t["id"] for t in web_only}
    r = agent.get("/tickets", params={"channel": "fax"})
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "channel"


# ---------------------------------------------------------------- the widget's key

def test_the_widget_key_is_checked_when_given(anonymous):
    key = os.environ["DESK_WIDGET_KEY"]
    assert key.startswith("pk_")
    assert anonymous.post("/widget/sessions", json={"key": key}).status_code == 201
    assert anonymous.post("/widget/sessions", json={}).status_code == 201  # snippets from before keys
    for wrong in ("pk_somebody_elses", key + "x", key.upper()):
        r = anonymous.post("/widget/sessions", json={"key": wrong})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unknown_widget_key", wrong


def test_the_widget_reads_its_config_before_a_session(anonymous):
    key = os.environ["DESK_WIDGET_KEY"]
    r = anonymous.get("/widget/config", params={"key": key}, headers={"Origin": "https://shop.example.com"})
    assert r.status_code == 200, r.text
    config = r.json()
    assert config["key_valid"] is True
    assert set(config) == {"key_valid", "available", "open", "next_opening", "timezone", "settings", "campaigns"}
    assert "allowed_origins" not in config["settings"]  # enforced by the desk, not told to every page
    assert isinstance(config["available"], bool) and isinstance(config["open"], bool)
    assert r.headers["Access-Control-Allow-Origin"] == "*"  # read from the business's own site
    assert anonymous.get("/widget/config", params={"key": "pk_wrong"}).json()["key_valid"] is False
    assert anonymous.get("/widget/config").json()["key_valid"] is False
    r = anonymous.get("/widget/config", params={"key": "pk with spaces"})
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "key"


def test_the_local_stack_keeps_a_widget_key_with_its_secrets(tmp_path):
    from local.provision import load_secrets

    path = tmp_path / "secrets.json"
    older = {"widget_secret": "w", "identity_secret": "i", "mail_secret": "m", "webhook_secret": "h"}
    path.write_text(json.dumps(older))
    first = load_secrets(str(path))
    assert {k: first[k] for k in older} == older  # what was issued with them stays valid
    assert first["widget_key"].startswith("pk_") and len(first["widget_key"]) > 20
    assert load_secrets(str(path))["widget_key"] == first["widget_key"]
    assert json.loads(path.read_text())["widget_key"] == first["widget_key"]
