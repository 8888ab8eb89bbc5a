"""The portal's API as an attacker would try it: the web form's spam checks, what the desk
mails (never the visitor's words), links that work once and briefly, the same answer for any
address, and a customer session that reaches only its own tickets' public messages."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from chalicelib.domain.clock import utcnow
from tests.desk_env import desk_clock, desk_settings, settle

TOKEN = re.compile(r"/portal#link=([A-Za-z0-9_-]+)")


def portal_mail(anonymous, address: str) -> list[dict]:
    settle()
    items = anonymous.get("/_local/outbox.json").json()["items"]
    return [m for m in items if address in m["to"] and "/portal#link=" in m["text"]]


def new_link(anonymous, address: str, ask) -> str:
    """The token of the link mailed to the address by ``ask()`` (a request for one)."""
    seen = {m["id"] for m in portal_mail(anonymous, address)}
    ask()
    (mail,) = [m for m in portal_mail(anonymous, address) if m["id"] not in seen]
    return TOKEN.search(mail["text"]).group(1)


def send_form(anonymous, address: str, **fields) -> tuple[int, dict]:
    """Fill the form as a person would: served now, sent ten seconds later."""
    with desk_clock(utcnow()) as clock:
        form = anonymous.get("/portal/form").json()
        clock[0] += timedelta(seconds=10)
        body = {"form_token": form["form_token"], "email": address, "subject": "Broken <b>lamp</b>",
                "body": "Call me at +1 555 0100, visit https://spam.example", **fields}
        r = anonymous.post("/portal/tickets", json=body)
    return r.status_code, r.json()


def sign_in(anonymous, address: str) -> str:
    token = new_link(anonymous, address, lambda: anonymous.post("/portal/links", json={"email": address}))
    r = anonymous.post("/portal/sessions", json={"token": token})
    assert r.status_code == 201, r.text
    return r.json()["token"]


def test_the_form_refuses_bots_too_fast_forged_and_replayed_sends(anonymous):
    address = f"form-{uuid.uuid4().hex[:8]}@customer.example"
    with desk_clock(utcnow()) as clock:
        form = anonymous.get("/portal/form").json()
        body = {"form_token": form["form_token"], "email": address, "subject": "Hi", "body": "Hello"}
        too_fast = anonymous.post("/portal/tickets", json=body)
        assert (too_fast.status_code, too_fast.json()["error"]["code"]) == (422, "form_too_fast")
        clock[0] += timedelta(seconds=5)
        honeypot = anonymous.post("/portal/tickets", json={**body, "website": "http://buy.example"})
        assert (honeypot.status_code, honeypot.json()["error"]["code"]) == (422, "form_refused")
        forged = anonymous.post("/portal/tickets", json={**body, "form_token": form["form_token"][:-2] + "xx"})
        assert (forged.status_code, forged.json()["error"]["code"]) == (422, "form_invalid")
        sent = anonymous.post("/portal/tickets", json=body)
        assert sent.status_code == 201, sent.text
        again = anonymous.post("/portal/tickets", json=body)
        assert (again.status_code, again.json()["error"]["code"]) == (409, "form_used")
        clock[0] += timedelta(hours=3)
        stale = anonymous.post("/portal/tickets", json=body)
        assert (stale.status_code, stale.json()["error"]["code"]) == (422, "form_expired")
    assert len(portal_mail(anonymous, address)) == 1  # one ticket, one acknowledgement


def test_the_acknowledgement_carries_no_word_the_visitor_typed(anonymous, agent):
    address = f"ack-{uuid.uuid4().hex[:8]}@customer.example"
    status, sent = send_form(anonymous, address, name="Mallory <script>", language="de")
    assert status == 201, sent
    ticket = agent.get(f"/tickets/{sent['number']}").json()
    assert (ticket["channel"], ticket["language"]) == ("web", "de")
    (mail,) = portal_mail(anonymous, address)
    for typed in ("Broken", "lamp", "555", "spam.example", "Mallory", "script"):
        assert typed not in mail["text"] and typed not in mail["subject"], typed
    assert f"#{sent['number']}" in mail["text"] and "Wir haben Ihre Anfrage" in mail["text"]


def test_a_file_not_uploaded_for_this_form_is_refused(anonymous, agent):
    address = f"file-{uuid.uuid4().hex[:8]}@customer.example"
    other = agent.post("/tickets", json={"subject": "x", "customer": {"email": "o@customer.example"}}).json()
    status, answer = send_form(anonymous, address, attachments=[f"attachments/{other['id']}/web/x/secret.pdf"])
    assert (status, answer["error"]["code"]) == (422, "attachment_not_found")
    with desk_clock(utcnow()):
        form = anonymous.get("/portal/form").json()
        exe = anonymous.post("/portal/uploads", json={"form_token": form["form_token"], "filename": "a.exe",
                                                      "content_type": "application/x-msdownload"})
    assert exe.status_code == 400


def test_any_address_gets_the_same_answer_and_only_a_known_one_gets_mail(anonymous):
    known = f"known-{uuid.uuid4().hex[:8]}@customer.example"
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@customer.example"
    assert send_form(anonymous, known)[0] == 201
    answers = [anonymous.post("/portal/links", json={"email": a}) for a in (known, unknown)]
    assert [(r.status_code, r.json()) for r in answers] == [(202, {"sent": True})] * 2
    assert len(portal_mail(anonymous, known)) == 2 and portal_mail(anonymous, unknown) == []
    assert sorted(m["subject"] for m in portal_mail(anonymous, known))[-1] == "Your sign-in link"


def test_a_link_signs_in_once_and_only_for_fifteen_minutes(anonymous):
    address = f"once-{uuid.uuid4().hex[:8]}@customer.example"
    assert send_form(anonymous, address)[0] == 201
    with desk_clock(utcnow()) as clock:
        ask = lambda: anonymous.post("/portal/links", json={"email": address})  # noqa: E731
        token = new_link(anonymous, address, ask)
        late = clock[0] + timedelta(minutes=15, seconds=1)
        assert anonymous.post("/portal/sessions", json={"token": token}).status_code == 201
        used = anonymous.post("/portal/sessions", json={"token": token})
        assert (used.status_code, used.json()["error"]["code"]) == (410, "link_used")
        second = new_link(anonymous, address, ask)
        clock[0] = late
        expired = anonymous.post("/portal/sessions", json={"token": second})
        assert (expired.status_code, expired.json()["error"]["code"]) == (410, "link_expired")
    forged = anonymous.post("/portal/sessions", json={"token": "x" * 43})
    assert (forged.status_code, forged.json()["error"]["code"]) == (410, "link_invalid")


def test_links_to_one_address_are_limited(anonymous):
    address = f"flood-{uuid.uuid4().hex[:8]}@customer.example"
    with desk_settings(DESK_RATE_LIMIT_PORTAL_LINKS_EMAIL="2/900"):
        answers = [anonymous.post("/portal/links", json={"email": address}).status_code for _ in range(3)]
    assert answers == [202, 202, 429]


def test_a_session_reaches_only_its_own_tickets_and_their_public_messages(anonymous, agent):
    ann, bob = (f"{n}-{uuid.uuid4().hex[:8]}@customer.example" for n in ("ann", "bob"))
    ann_number = send_form(anonymous, ann)[1]["number"]
    bob_number = send_form(anonymous, bob)[1]["number"]
    ann_ticket = agent.get(f"/tickets/{ann_number}").json()
    agent.post(f"/tickets/{ann_ticket['id']}/messages", json={"body": "Sent a new one."})
    agent.post(f"/tickets/{ann_ticket['id']}/messages", json={"body": "Customer seems upset", "kind": "note"})
    session = anonymous.as_token(sign_in(anonymous, ann))

    listed = session.get("/portal/tickets").json()
    assert listed["email"] == ann and [t["number"] for t in listed["items"]] == [ann_number]
    shown = session.get(f"/portal/tickets/{ann_number}").json()
    assert [m["body"] for m in shown["messages"]] == [
        "Call me at +1 555 0100, visit https://spam.example", "Sent a new one."]
    for path in (f"/portal/tickets/{bob_number}", "/portal/tickets/999999999"):
        refused = session.get(path)
        assert (refused.status_code, refused.json()["error"]["code"]) == (404, "ticket_not_found")
    assert session.post(f"/portal/tickets/{bob_number}/messages", json={"body": "hi"}).status_code == 404
    assert session.post(f"/portal/tickets/{bob_number}/close").status_code == 404

    reply = session.post(f"/portal/tickets/{ann_number}/messages", json={"body": "Thanks!"})
    assert reply.status_code == 201 and reply.json()["author"] == "customer"
    closed = session.post(f"/portal/tickets/{ann_number}/close").json()
    assert closed["status"] == "solved" and agent.get(f"/tickets/{ann_number}").json()["status"] == "solved"

    assert anonymous.get("/portal/tickets").json()["error"]["code"] == "missing_token"
    assert agent.get("/portal/tickets").json()["error"]["code"] == "invalid_token"  # an agent's is not a session
    with desk_clock(utcnow() + timedelta(hours=2)):
        assert session.get("/portal/tickets").json()["error"]["code"] == "token_expired"


def test_an_erased_chat_customer_no_longer_shows_in_the_portal(anonymous, admin, stack):
    """A signed-in chat user whose address the business proved: the portal lists their chat
    for the address; once they are erased, nothing of theirs is left to list or sign in for."""
    import os

    from chalicelib.domain.chat import email_hash, user_hash
    from tests.e2e.chat_client import ChatClient

    address = f"erase-{uuid.uuid4().hex[:8]}@customer.example"
    user, secret = f"user-{uuid.uuid4().hex[:8]}", os.environ["DESK_IDENTITY_SECRET"]
    visitor = anonymous.post("/widget/sessions", json={
        "user_id": user, "user_hash": user_hash(secret, user), "email": address,
        "email_hash": email_hash(secret, address),
    }).json()
    client = ChatClient(stack.gateway.url, visitor=visitor["token"])
    try:
        conversation = client.say("Do you ship to Tartu?")["conversation_id"]
    finally:
        client.close()
    number = admin.get(f"/tickets/{conversation}").json()["number"]
    session = anonymous.as_token(sign_in(anonymous, address))
    assert [t["number"] for t in session.get("/portal/tickets").json()["items"]] == [number]

    erased = admin.post(f"/customers/{visitor['customer_id']}/erase",
                        json={"confirm": visitor["customer_id"], "reason": "customer_request"})
    assert erased.status_code == 200, erased.text
    assert session.get("/portal/tickets").json()["items"] == []
    seen = len(portal_mail(anonymous, address))
    assert anonymous.post("/portal/links", json={"email": address}).status_code == 202
    assert len(portal_mail(anonymous, address)) == seen  # an address no one has any more: no mail


def test_a_customers_close_is_in_the_audit_log_by_the_customer(anonymous, agent, admin):
    address = f"closer-{uuid.uuid4().hex[:8]}@customer.example"
    number = send_form(anonymous, address)[1]["number"]
    ticket = agent.get(f"/tickets/{number}").json()
    session = anonymous.as_token(sign_in(anonymous, address))
    assert session.post(f"/portal/tickets/{number}/close").json()["status"] == "solved"
    settle()
    entries = admin.get("/audit", params={"target": ticket["id"]}).json()["items"]
    closes = [e for e in entries if e["action"] == "ticket.changed"]
    assert [(e["actor"], e["details"]["changes"]["status"]) for e in closes] == [
        (ticket["customer"]["id"], [ticket["status"], "solved"])]


def _deliveries_of_link(stack, address: str) -> int:
    """How many times the stream handed the function the new sign-in link for this address."""
    return sum(
        1 for batch in list(stack.streams.delivered) for record in batch["Records"]
        if record["eventName"] == "INSERT"
        and record["dynamodb"]["Keys"]["pk"]["S"].startswith("PORTALLINK#")
        and record["dynamodb"].get("NewImage", {}).get("email", {}).get("S") == address
    )


def test_a_sign_in_link_ses_refuses_is_sent_when_a_retry_succeeds(anonymous, stack):
    from tests.e2e.test_event_backbone import ses_refusing
    from tests.e2e.test_mail import wait_for

    address = f"retry-{uuid.uuid4().hex[:8]}@customer.example"
    assert send_form(anonymous, address)[0] == 201
    before = {m["id"] for m in portal_mail(anonymous, address)}
    stack.streams.retry_seconds = 1.0
    try:
        with ses_refusing() as allow:
            answer = anonymous.post("/portal/links", json={"email": address})
            assert (answer.status_code, answer.json()) == (202, {"sent": True})
            wait_for(lambda: _deliveries_of_link(stack, address) >= 2, timeout=15)  # the first attempt failed
            allow()
            settle()
    finally:
        stack.streams.retry_seconds = 0.05
    (link,) = [m for m in portal_mail(anonymous, address) if m["id"] not in before]
    assert link["subject"] == "Your sign-in link"
    token = TOKEN.search(link["text"]).group(1)
    assert anonymous.post("/portal/sessions", json={"token": token}).status_code == 201


def test_the_acknowledgement_links_to_where_the_form_was_sent_without_a_public_url(anonymous, stack):
    address = f"host-{uuid.uuid4().hex[:8]}@customer.example"
    with desk_settings(DESK_PUBLIC_URL=None):
        assert send_form(anonymous, address)[0] == 201
        (mail,) = portal_mail(anonymous, address)
    assert f"{stack.api_url}/portal#link=" in mail["text"]


def _proven_chat_customer(anonymous, stack, address: str) -> dict:
    """A signed-in user of the business's site, address proven (email_hash), who chatted."""
    import os

    from chalicelib.domain.chat import email_hash, user_hash
    from tests.e2e.chat_client import ChatClient

    user, secret = f"user-{uuid.uuid4().hex[:8]}", os.environ["DESK_IDENTITY_SECRET"]
    visitor = anonymous.post("/widget/sessions", json={
        "user_id": user, "user_hash": user_hash(secret, user), "email": address,
        "email_hash": email_hash(secret, address),
    }).json()
    client = ChatClient(stack.gateway.url, visitor=visitor["token"])
    try:
        client.say("Is the lamp in stock?")
    finally:
        client.close()
    return visitor


def test_erasure_removes_the_addresss_sign_in_links_and_the_export_shows_the_proven_address(anonymous, admin, stack):
    import boto3

    address = f"links-{uuid.uuid4().hex[:8]}@customer.example"
    customer_id = _proven_chat_customer(anonymous, stack, address)["customer_id"]
    sign_in(anonymous, address)  # one link used
    unused = new_link(anonymous, address, lambda: anonymous.post("/portal/links", json={"email": address}))

    export = admin.get(f"/customers/{customer_id}/export")
    assert export.status_code == 200, export.text
    assert export.json()["proven_addresses"] == [address]

    erased = admin.post(f"/customers/{customer_id}/erase", json={"confirm": customer_id, "reason": "customer_request"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["removed"]["portal_sign_in_links"] == 2
    refused = anonymous.post("/portal/sessions", json={"token": unused})
    assert (refused.status_code, refused.json()["error"]["code"]) == (410, "link_invalid")
    table = boto3.client("dynamodb")
    from chalicelib.bootstrap import container

    left = table.query(TableName=container().settings.table_name, KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": f"EMAIL#{address}"}})["Items"]
    assert left == []


def test_a_customer_attaches_a_file_to_a_reply_in_the_portal(anonymous, agent):
    import requests

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    ann, bob = (f"{n}-{uuid.uuid4().hex[:8]}@customer.example" for n in ("att", "other"))
    number = send_form(anonymous, ann)[1]["number"]
    bob_number = send_form(anonymous, bob)[1]["number"]
    session = anonymous.as_token(sign_in(anonymous, ann))

    upload = session.post(f"/portal/tickets/{number}/uploads", json={"filename": "lamp.png", "content_type": "image/png"})
    assert upload.status_code == 201, upload.text
    upload = upload.json()
    stored = requests.post(upload["url"], data=upload["fields"], files={"file": ("lamp.png", png, "image/png")},
                           timeout=10)
    assert stored.status_code in (200, 204), stored.text
    reply = session.post(f"/portal/tickets/{number}/messages", json={"body": "A photo", "attachments": [upload["key"]]})
    assert reply.status_code == 201, reply.text
    [attachment] = reply.json()["attachments"]
    assert (attachment["filename"], attachment["content_type"], attachment["size"]) == ("lamp.png", "image/png", len(png))
    assert requests.get(attachment["url"], timeout=10).content == png

    ticket = agent.get(f"/tickets/{number}").json()
    last = agent.get(f"/tickets/{ticket['id']}/messages").json()["items"][-1]
    assert last["body"] == "A photo" and [a["filename"] for a in last["attachments"]] == ["lamp.png"]

    # not a file of this ticket, not uploaded, of a refused type, or on someone else's ticket
    refused = session.post(f"/portal/tickets/{number}/messages",
                           json={"body": "x", "attachments": [f"attachments/{ticket['id']}/web/x/other.pdf"]})
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "attachment_not_found")
    exe = session.post(f"/portal/tickets/{number}/uploads",
                       json={"filename": "a.exe", "content_type": "application/x-msdownload"})
    assert exe.status_code == 400
    assert session.post(f"/portal/tickets/{bob_number}/uploads",
                        json={"filename": "a.png", "content_type": "image/png"}).status_code == 404
    assert anonymous.post(f"/portal/tickets/{number}/uploads",
                          json={"filename": "a.png", "content_type": "image/png"}).status_code == 401
