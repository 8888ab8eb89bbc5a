"""Defects a new user hit (issue #13), seen as that user saw them: the mail customers get, what
the outbox shows, what a German visitor reads in chat, what the API answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest

from tests.desk_env import settle
from tests.e2e.chat_client import ChatClient
from tests.e2e.test_mail import sent_to

BERLIN = ZoneInfo("Europe/Berlin")


def messages(agent, ticket_id: str) -> list[dict]:
    return agent.get(f"/tickets/{ticket_id}/messages").json()["items"]


# ------------------------------------------------------------------ replies on API tickets


def test_replies_on_a_ticket_opened_through_the_api_reach_the_customer_by_mail(agent, unique):
    """``POST /tickets`` for ann@…: the agent's replies go to Ann by mail, threaded like an
    e-mail ticket's (tagged subject, signed Reply-To, the second answering the first)."""
    ann = f"ann-{unique}@example.com"
    r = agent.post("/tickets", json={"subject": "Lamp never arrived", "customer": {"email": ann},
                                     "body": "Ordered 2 weeks ago."})
    assert r.status_code == 201, r.text
    ticket = r.json()
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "It ships today, sorry!"})
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Internal: check stock", "kind": "note"})
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Tracking: 123", "status": "pending"})
    settle()

    first, second = sent_to(ann)  # the note stays inside
    assert first["Subject"] == f"Re: Lamp never arrived [#{ticket['number']}]"
    assert first["Reply-To"].startswith(f"support+{ticket['id']}.")
    assert first.get_body(("plain",)).get_content().startswith("It ships today, sorry!")
    assert second["In-Reply-To"] == f"<{first.ses_id}@email.amazonses.com>"
    assert f"<{first.ses_id}@email.amazonses.com>" in second["References"]
    replies = [m for m in messages(agent, ticket["id"]) if m["author_type"] == "agent" and m["kind"] == "reply"]
    assert [m["delivery"]["state"] for m in replies] == ["sent", "sent"]


# ------------------------------------------------------------------ the local outbox


def test_the_outbox_names_each_recipient_once(agent, anonymous, unique):
    ann = f"ann-{unique}@example.com"
    ticket = agent.post("/tickets", json={"subject": "Once", "customer": {"email": ann}}).json()
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Hello Ann."})
    settle()
    [listed] = [m for m in anonymous.get("/_local/outbox.json").json()["items"] if ann in " ".join(m["to"])]
    assert listed["to"] == [ann]
    page = anonymous.get("/_local/outbox").text
    assert f"To {ann} &middot;" in page


# ------------------------------------------------------------------ SLA alert mail


def test_an_sla_alert_mail_is_dated_readable_and_links_to_the_ticket(
    admin, agent, agent_account, anonymous, clock, desk_hours, stack, unique
):
    from chalicelib import bootstrap

    tag = f"sla-{unique}"
    policy = {"id": tag, "name": "Defects", "tags": [tag], "targets": {"first_response": 30},
              "business_hours": False, "warn_at_percent": 80, "on_breach": [{"action": "notify"}]}
    assert admin.request("PUT", "/sla/policies", json={"policies": [policy]}).status_code == 200
    opened = clock.at = datetime.now(UTC).replace(second=0, microsecond=0)
    r = agent.post("/tickets", json={"subject": "Site down", "customer": {"email": f"ops-{unique}@example.com"},
                                     "tags": [tag], "assignee_id": agent_account["id"]})
    ticket = r.json()
    settle()  # the clocks start from the stream
    due = opened + timedelta(minutes=30)
    clock.at = due
    report = bootstrap.container().sla.tick(due)
    assert "breach" in [e["level"] for e in report.escalations if e["ticket_id"] == ticket["id"]]
    settle()

    [alert] = [m for m in anonymous.get("/_local/outbox.json").json()["items"]
               if m["to"] == [agent_account["email"]] and m["subject"] == f"[#{ticket['number']}] SLA: Site down"]
    assert parsedate_to_datetime(alert["date"]) == due
    local = due.astimezone(ZoneInfo("Europe/Berlin"))
    readable = f"{local:%A}, {local.day} {local:%B} at {local:%H:%M} (Europe/Berlin time)"
    assert alert["text"].startswith(
        f"Ticket #{ticket['number']} (Site down) missed its first response target, due {readable}."
    )
    assert f"{stack.api_url}/console#ticket/{ticket['id']}" in alert["text"]
    assert not re.search(r"\d{4}-\d\d-\d\dT", alert["text"])  # no raw ISO timestamp


# ------------------------------------------------------------------ canned responses


def test_an_id_that_cannot_be_a_canned_responses_is_a_validation_error(admin, agent, unique):
    ticket = agent.post("/tickets", json={"subject": "Canned", "customer": {"email": f"c-{unique}@example.com"}}).json()
    for method, path, body in [
        ("GET", f"/tickets/{ticket['id']}/canned-responses/Not%20An%20Id!", None),
        ("PUT", "/canned-responses/Shipping-Delay", {"title": "t", "body": "b"}),
        ("DELETE", "/canned-responses/" + "x" * 41, None),
    ]:
        r = admin.request(method, path, **({"json": body} if body else {}))
        assert r.status_code == 400, (method, path, r.text)
        error = r.json()["error"]
        assert error["code"] == "validation_failed" and error["details"][0]["field"] == "canned_id"
    missing = agent.get(f"/tickets/{ticket['id']}/canned-responses/no-such-{unique}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "canned_response_not_found"


# ------------------------------------------------------------------ a German visitor's chat


def next_saturday_noon_berlin() -> datetime:
    today = datetime.now(BERLIN).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    return datetime(saturday.year, saturday.month, saturday.day, 12, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize("text,hint", [
    ("Hallo, meine neue Lampe flackert immer, wenn es draußen kalt ist. Können Sie helfen?", None),
    ("Hallo?", "de"),  # too short to tell: the widget's language decides
    ("Hallo, meine neue Lampe flackert immer, wenn es draußen kalt ist. Können Sie helfen?", "en"),
])
def test_a_german_visitor_is_answered_in_german_out_of_hours(anonymous, agent, stack, clock, desk_hours, text, hint):
    clock.at = next_saturday_noon_berlin()
    session = anonymous.post("/widget/sessions", json={"name": "Greta"}).json()
    visitor = ChatClient(stack.gateway.url, visitor=session["token"])
    try:
        ack = visitor.say(text, timezone="Europe/Berlin", **({"language": hint} if hint else {}))
        notice = visitor.wait_for("message", lambda f: f["message"]["author_type"] == "system")
    finally:
        visitor.close()
    assert notice["message"]["body"].startswith("Danke für Ihre Nachricht. Unser Team ist gerade nicht erreichbar")
    assert "Uhr (Europe/Berlin)" in notice["message"]["body"]
    assert agent.get(f"/tickets/{ack['conversation_id']}").json()["language"] == "de"


# ------------------------------------------------------------------ transcripts


def signed_in_visitor(anonymous, stack, address: str) -> ChatClient:
    """A visitor the business signed in, with its server's proof of their address."""
    import os
    import uuid

    from chalicelib.domain.chat import email_hash, user_hash

    user, secret = f"user-{uuid.uuid4().hex[:8]}", os.environ["DESK_IDENTITY_SECRET"]
    r = anonymous.post("/widget/sessions", json={"user_id": user, "user_hash": user_hash(secret, user),
                                                 "email": address, "email_hash": email_hash(secret, address)})
    assert r.status_code == 201, r.text
    return ChatClient(stack.gateway.url, visitor=r.json()["token"])


def transcript_text(address: str) -> str:
    from local.outbox import sent_mail

    # The agent's reply may also be mailed there: the visitor closed the chat before the
    # stream's "reply to an absent visitor" looked. The transcript is the mail of that subject.
    [sent] = [m for m in sent_mail() if m["to"] == [address] and m["subject"].startswith("Your conversation #")]
    return sent["text"]


def local_minute(iso: str, zone: str) -> str:
    at = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{at:%Y-%m-%d %H:%M}"


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_a_transcripts_times_are_in_the_visitors_time_zone(anonymous, agent, stack, unique, zone):
    address = f"tia-{unique}@example.com"
    visitor = signed_in_visitor(anonymous, stack, address)
    try:
        conversation = visitor.say("Can I get this in writing?")["conversation_id"]  # no zone said yet
        agent.post(f"/tickets/{conversation}/messages", json={"body": "The lamp ships tomorrow."})
        visitor.send(action="transcript", conversation_id=conversation, timezone=zone)
        assert visitor.wait_for("transcript.sent")["to"] == address
    finally:
        visitor.close()
    first, reply = messages(agent, conversation)[:2]
    text = transcript_text(address)
    assert f"Times are {zone} time." in text
    assert f"[{local_minute(first['created_at'], zone)}] You: Can I get this in writing?" in text
    assert f"[{local_minute(reply['created_at'], zone)}] Alex Agent: The lamp ships tomorrow." in text
    assert " UTC]" not in text


def test_without_the_visitors_zone_a_transcript_is_in_the_businesss(anonymous, agent, stack, desk_hours, unique):
    address = f"tom-{unique}@example.com"
    visitor = signed_in_visitor(anonymous, stack, address)
    try:
        conversation = visitor.say("Hello, is the lamp in stock?")["conversation_id"]
        visitor.send(action="transcript", conversation_id=conversation)
        visitor.wait_for("transcript.sent")
    finally:
        visitor.close()
    [first] = messages(agent, conversation)[:1]
    text = transcript_text(address)
    assert "Times are Europe/Berlin time." in text
    assert f"[{local_minute(first['created_at'], 'Europe/Berlin')}] You: Hello, is the lamp in stock?" in text


# ------------------------------------------------------------------ a typed address, confirmed


def anonymous_visitor(anonymous, stack) -> ChatClient:
    r = anonymous.post("/widget/sessions", json={"name": "Vic"})
    assert r.status_code == 201, r.text
    return ChatClient(stack.gateway.url, visitor=r.json()["token"])


def mails_to(address: str) -> list[dict]:
    from local.outbox import sent_mail

    settle()
    return [m for m in reversed(sent_mail()) if m["to"] == [address]]


def confirmation_link(address: str, stack) -> str:
    [mail] = [m for m in mails_to(address) if m["subject"] == "Confirm your e-mail address"]
    found = re.search(re.escape(stack.api_url) + r"/widget/transcripts/confirm\?token=\S+", mail["text"])
    assert found, mail["text"]
    return found.group(0)


def test_a_visitor_confirms_a_typed_address_by_a_link_and_gets_the_transcript(anonymous, agent, stack, unique):
    import requests

    address = f"vic-{unique}@example.com"
    visitor = anonymous_visitor(anonymous, stack)
    try:
        conversation = visitor.say("Buy cheap watches at spam.example")["conversation_id"]
        agent.post(f"/tickets/{conversation}/messages", json={"body": "The lamp ships tomorrow."})
        visitor.send(action="transcript", conversation_id=conversation)
        assert visitor.wait_for("error")["code"] == "transcript_address_unverified"
        visitor.send(action="confirm_email", conversation_id=conversation, email=address, timezone="Asia/Tokyo")
        assert visitor.wait_for("transcript.confirmation_sent")["to"] == address

        # The mail holds a fixed text and the link: nothing the visitor wrote.
        [mail] = mails_to(address)
        assert "spam.example" not in mail["text"] + mail["subject"] and "watches" not in mail["text"]
        link = confirmation_link(address, stack)

        opened = requests.get(link, timeout=10)  # as a mail scanner would: nothing happens yet
        assert opened.status_code == 200 and "Send me the conversation" in opened.text
        assert len(mails_to(address)) == 1
        sent = requests.get(link + "&confirm=yes", timeout=10)
        assert sent.status_code == 200 and f"to {address}" in sent.text
        transcript = [m for m in mails_to(address) if m["subject"].startswith("Your conversation #")]
        assert len(transcript) == 1 and "The lamp ships tomorrow." in transcript[0]["text"]
        assert "Times are Asia/Tokyo time." in transcript[0]["text"]

        again = requests.get(link + "&confirm=yes", timeout=10)
        assert again.status_code == 422 and "used already" in again.text
        # From now on the address is the visitor's own.
        visitor.send(action="transcript", conversation_id=conversation)
        assert visitor.wait_for("transcript.sent")["to"] == address
    finally:
        visitor.close()


def test_a_forged_or_expired_link_sends_nothing(anonymous, stack, clock, unique):
    import requests

    address = f"exp-{unique}@example.com"
    visitor = anonymous_visitor(anonymous, stack)
    try:
        conversation = visitor.say("Hello there")["conversation_id"]
        visitor.send(action="confirm_email", conversation_id=conversation, email=address)
        visitor.wait_for("transcript.confirmation_sent")
    finally:
        visitor.close()
    link = confirmation_link(address, stack)
    body, _, signature = link.partition("token=")[2].partition(".")
    forged = requests.get(f"{stack.api_url}/widget/transcripts/confirm?token={body}.{signature[::-1]}&confirm=yes",
                          timeout=10)
    assert forged.status_code == 422 and "not one of ours" in forged.text
    clock.at = datetime.now(UTC) + timedelta(minutes=31)
    expired = requests.get(link + "&confirm=yes", timeout=10)
    assert expired.status_code == 422 and "expired" in expired.text
    assert len(mails_to(address)) == 1  # the confirmation only


def test_confirmation_links_are_limited_per_visitor_and_per_address(anonymous, stack, unique):
    from tests.desk_env import desk_settings

    address = f"lim-{unique}@example.com"
    with desk_settings(DESK_RATE_LIMIT_ADDRESS_CONFIRMATIONS_PER_VISITOR=None,
                       DESK_RATE_LIMIT_ADDRESS_CONFIRMATIONS_PER_ADDRESS=None):
        codes = []
        for n in range(2):  # two visitors, each asking for several addresses and for one address
            visitor = anonymous_visitor(anonymous, stack)
            try:
                conversation = visitor.say(f"Hello {n}")["conversation_id"]
                for email in [address, f"other-{n}-{unique}@example.com", address, address]:
                    visitor.send(action="confirm_email", conversation_id=conversation, email=email)
                    frame = visitor.wait_for_any(("transcript.confirmation_sent", "error"), lambda f: True)
                    codes.append(frame.get("code", "sent"))
            finally:
                visitor.close()
    assert codes == ["sent", "sent", "sent", "rate_limited",  # 3 an hour for a visitor
                     "sent", "sent", "rate_limited", "rate_limited"]  # 3 a day for an address, whoever asks
    assert len(mails_to(address)) == 3
