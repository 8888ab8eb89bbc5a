"""Running the team through the API, against the local stack (Cognito, DynamoDB and SES emulated):
an invitation mailed from the stream, accepted once, an agent's role, deactivation and
removal as the user pool and every request see them, teams, and the public routes' limits."""

from __future__ import annotations

import re
import uuid

import requests

from tests.conftest import sign_in
from tests.desk_env import desk_settings, settle
from tests.e2e.test_mail import wait_for

PASSWORD = "Invited-Passw0rd!"


def outbox_link(api_url: str, address: str) -> str:
    """The invitation link in the newest mail to ``address`` in the local outbox."""
    def found():
        mails = requests.get(f"{api_url}/_local/outbox.json", timeout=10).json()["items"]  # newest first
        return next((m for m in mails if address in m["to"]), None)

    settle()
    mail = wait_for(found)
    return re.search(r"(http\S+#invite/\S+)", mail["text"]).group(1)


def invite_and_join(stack, admin, anonymous, role="agent"):
    address = f"inv-{uuid.uuid4().hex[:8]}@tests.example"
    r = admin.post("/invites", json={"email": address, "role": role})
    assert r.status_code == 201, r.text
    token = outbox_link(stack.api_url, address).split("#invite/")[1]
    joined = anonymous.post("/invites/accept", json={"token": token, "name": "Ina Invited", "password": PASSWORD})
    assert joined.status_code == 201, joined.text
    return address, token, joined.json()


def test_an_invited_agent_signs_up_once_from_the_mailed_link(stack, admin, anonymous):
    address = f"inv-{uuid.uuid4().hex[:8]}@tests.example"
    r = admin.post("/invites", json={"email": address, "name": "Ina"})
    assert r.status_code == 201, r.text
    invite = r.json()
    assert invite["email"] == address and not invite["expired"]
    assert invite["id"] in [i["id"] for i in admin.get("/invites").json()["items"]]
    link = outbox_link(stack.api_url, address)
    assert link.startswith(f"{stack.api_url}/console#invite/")
    token = link.split("#invite/")[1]
    assert anonymous.post("/invites/lookup", json={"token": token}).json()["email"] == address

    joined = anonymous.post("/invites/accept", json={"token": token, "name": "Ina Invited", "password": PASSWORD})
    assert joined.status_code == 201, joined.text
    me = anonymous.as_token(joined.json()["token"]).get("/agents/me").json()
    assert (me["email"], me["name"], me["role"], me["status"]) == (address, "Ina Invited", "agent", "active")
    assert sign_in(anonymous, address, PASSWORD)
    again = anonymous.post("/invites/accept", json={"token": token, "name": "Again", "password": PASSWORD})
    assert again.status_code == 404 and again.json()["error"]["code"] == "invite_invalid"
    assert invite["id"] not in [i["id"] for i in admin.get("/invites").json()["items"]]
    actions = [e["action"] for e in admin.get("/audit", params={"target": me["id"]}).json()["items"]]
    assert "agent.joined" in actions


def test_a_resent_invitation_kills_the_first_link_and_a_revoked_one_works_no_more(stack, admin, anonymous):
    address = f"inv-{uuid.uuid4().hex[:8]}@tests.example"
    invite = admin.post("/invites", json={"email": address}).json()
    first = outbox_link(stack.api_url, address).split("#invite/")[1]
    assert admin.post(f"/invites/{invite['id']}/resend").status_code == 200
    second = wait_for(lambda: (t := outbox_link(stack.api_url, address).split("#invite/")[1]) != first and t)
    refused = anonymous.post("/invites/lookup", json={"token": first})
    unknown = anonymous.post("/invites/lookup", json={"token": "inv_00000000000000000000.AAAA"})
    assert refused.status_code == unknown.status_code == 404
    assert refused.json() == unknown.json()  # nothing told apart
    assert anonymous.post("/invites/lookup", json={"token": second}).status_code == 200
    assert admin.request("DELETE", f"/invites/{invite['id']}").status_code == 204
    assert anonymous.post("/invites/lookup", json={"token": second}).status_code == 404
    actions = [e["action"] for e in admin.get("/audit", params={"target": invite["id"]}).json()["items"]]
    assert actions[:3] == ["invite.sent", "invite.resent", "invite.revoked"] or sorted(actions) == sorted(
        ["invite.sent", "invite.resent", "invite.revoked"])


def test_the_public_invitation_routes_are_rate_limited_and_an_admin_route_needs_an_admin(anonymous, agent):
    with desk_settings(DESK_RATE_LIMIT_INVITES="3/300"):
        answers = [anonymous.post("/invites/lookup", json={"token": f"inv_{i:020d}.x"}).status_code
                   for i in range(5)]
    assert answers[:3] == [404, 404, 404] and answers[3:] == [429, 429]
    assert agent.post("/invites", json={"email": "x@tests.example"}).status_code == 403
    assert anonymous.post("/invites", json={"email": "x@tests.example"}).status_code == 401
    assert anonymous.post("/invites/accept", json={"token": "x", "name": "", "password": "1"}).status_code == 400


def test_role_deactivation_and_removal_hold_in_the_pool_and_on_every_request(stack, admin, anonymous):
    address, _, joined = invite_and_join(stack, admin, anonymous)
    agent_id, token = joined["agent"]["id"], joined["token"]
    as_new = anonymous.as_token(token)
    assert as_new.get("/invites").status_code == 403
    r = admin.patch(f"/agents/{agent_id}", json={"role": "admin", "capacity": 4, "languages": ["de", "pt-BR"]})
    assert r.status_code == 200, r.text
    assert (r.json()["role"], r.json()["capacity"], r.json()["languages"]) == ("admin", 4, ["de", "pt-BR"])
    assert as_new.get("/invites").status_code == 200  # the same token: the profile's role holds at once
    ticket = admin.post("/tickets", json={"subject": "Lamp", "customer": {"email": "c@tests.example"},
                                          "assignee_id": agent_id}).json()
    assert admin.patch(f"/agents/{agent_id}", json={"capacity": 0}).status_code == 400

    r = admin.post(f"/agents/{agent_id}/deactivate")
    assert r.status_code == 200 and r.json()["status"] == "deactivated"
    refused = as_new.get("/agents/me")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "account_disabled"
    assert anonymous.post("/auth/login", json={"email": address, "password": PASSWORD}).status_code == 401
    settle()
    assert admin.get(f"/tickets/{ticket['id']}").json()["assignee_id"] is None
    assert admin.post(f"/agents/{agent_id}/reactivate").json()["status"] == "active"
    assert sign_in(anonymous, address, PASSWORD)

    assert admin.request("DELETE", f"/agents/{agent_id}").status_code == 204
    assert anonymous.post("/auth/login", json={"email": address, "password": PASSWORD}).status_code == 401
    assert as_new.get("/agents/me").status_code == 401
    assert agent_id not in [a["id"] for a in admin.get("/agents").json()["items"]]
    kept = admin.get(f"/agents/{agent_id}").json()
    assert (kept["name"], kept["status"]) == ("Ina Invited", "removed")
    actions = {e["action"] for e in admin.get("/audit", params={"target": agent_id}).json()["items"]}
    assert {"agent.changed", "agent.deactivated", "agent.reactivated", "agent.removed"} <= actions


def test_the_last_admin_stays(admin):
    me = admin.get("/agents/me").json()
    others = [a for a in admin.get("/agents").json()["items"]
              if a["role"] == "admin" and a["status"] == "active" and a["id"] != me["id"]]
    for other in others:  # whatever other tests left: this admin is made the only one
        admin.patch(f"/agents/{other['id']}", json={"role": "agent"})
    r = admin.patch(f"/agents/{me['id']}", json={"role": "agent"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "last_admin"
    assert admin.post(f"/agents/{me['id']}/deactivate").status_code == 409
    assert admin.request("DELETE", f"/agents/{me['id']}").status_code == 409
    assert admin.get("/agents/me").json()["role"] == "admin"


def test_teams_are_objects_agents_join(admin, agent_account):
    slug = f"team-{uuid.uuid4().hex[:6]}"
    r = admin.request("PUT", f"/teams/{slug}", json={"name": "Lamps", "members": [agent_account["id"]]})
    assert r.status_code == 200, r.text
    assert r.json()["members"] == [agent_account["id"]]
    assert slug in admin.get(f"/agents/{agent_account['id']}").json()["teams"]
    assert admin.request("PUT", "/teams/Not_A_Slug", json={"name": "x"}).status_code == 404
    assert admin.patch(f"/agents/{agent_account['id']}", json={"teams": ["no-such-team-x"]}).status_code == 422
    renamed = admin.request("PUT", f"/teams/{slug}", json={"name": "Lamps & lights"}).json()
    assert (renamed["name"], renamed["members"]) == ("Lamps & lights", [agent_account["id"]])
    assert slug in [t["id"] for t in admin.get("/teams").json()["items"]]
    assert admin.request("DELETE", f"/teams/{slug}").status_code == 204
    assert slug not in admin.get(f"/agents/{agent_account['id']}").json()["teams"]
    actions = [e["action"] for e in admin.get("/audit", params={"target": slug}).json()["items"]]
    assert {"team.created", "team.changed", "team.deleted"} <= set(actions)
