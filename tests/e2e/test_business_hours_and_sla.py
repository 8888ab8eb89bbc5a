"""Business hours, out-of-hours notices, SLA clocks and escalations, through the running
stack: the admin API, real SMTP mail, the websocket gateway, and the minute tick run at the
instants the test chooses (the services' clock is set; everything else is real)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.desk_env import settle
from tests.e2e.chat_client import ChatClient
from tests.e2e.test_mail import mail, messages_of, sent_to, tickets_of, wait_for

BERLIN = ZoneInfo("Europe/Berlin")


def settled(agent, ticket_id: str) -> dict:
    """The ticket once the reactions to what happened so far (its SLA clocks) have run."""
    settle()
    return agent.get(f"/tickets/{ticket_id}").json()


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


# ---------------------------------------------------------------- calendars

def test_admins_keep_calendars_and_bad_ones_are_refused_clearly(admin, agent):
    good = {"timezone": "America/New_York", "hours": {"friday": ["22:00-02:00"], "monday": ["09:00-12:00", "13:00-24:00"]},
            "holidays": ["2026-12-24"], "closures": [{"start": "2026-12-28T00:00:00Z", "end": "2026-12-29T00:00:00Z",
                                                      "reason": "inventory"}]}
    r = admin.request("PUT", "/calendars/team-billing", json=good)
    assert r.status_code == 200, r.text
    assert agent.get("/calendars/team-billing").json()["hours"]["friday"] == ["22:00-02:00"]
    assert "team-billing" in agent.get("/calendars").json()["items"]

    assert agent.request("PUT", "/calendars/team-billing", json=good).status_code == 403
    for bad, code in [
        ({**good, "timezone": "Mars/Olympus"}, "invalid_calendar"),
        ({**good, "hours": {"monday": ["09:00-12:00", "11:00-14:00"]}}, "invalid_calendar"),  # overlap
        ({**good, "country": "XX"}, "invalid_calendar"),
        ({**good, "hours": {"funday": ["09:00-10:00"]}}, "validation_failed"),
        ({**good, "hours": {"monday": ["9-5"]}}, "validation_failed"),
    ]:
        r = admin.request("PUT", "/calendars/team-billing", json=bad)
        assert r.status_code in (400, 422), (bad, r.text)
        assert r.json()["error"]["code"] == code, r.text
    assert admin.request("DELETE", "/calendars/team-billing").status_code == 204
    assert agent.get("/calendars/team-billing").status_code == 404
    assert agent.get("/calendars/Not An Id").status_code == 404


# ---------------------------------------------------------------- out of hours

def test_mail_at_23_00_is_told_when_the_team_is_back_and_once_per_closed_period(smtp, agent, clock, desk_hours):
    clock.at = berlin(2026, 11, 24, 23, 0)  # a Tuesday night
    customer = f"night-{uuid.uuid4().hex[:6]}@customer.example"
    first = mail(customer, "Printer on fire", "Hello, my printer is on fire. What should I do now?")
    smtp(first)
    ticket = tickets_of(agent, customer)[0]
    [ack] = sent_to(customer)
    text = ack.get_body(("plain",)).get_content()
    assert f"ticket #{ticket['number']}" in text
    assert "back on Wednesday, 25 November at 09:00 (Europe/Berlin time)" in text

    clock.at = berlin(2026, 11, 25, 2, 30)  # still the same night: the same closed period
    reply = mail(customer, "Re: Printer on fire", "It is out now.", In_Reply_To=first["Message-ID"])
    smtp(reply)
    wait_for(lambda: len(messages_of(agent, ticket["id"])) == 2)
    assert len(sent_to(customer)) == 1  # no second notice

    clock.at = berlin(2026, 11, 25, 18, 0)  # the next evening: a new closed period
    smtp(mail(customer, "Re: Printer on fire", "It is smoking again.", In_Reply_To=first["Message-ID"]))
    wait_for(lambda: len(messages_of(agent, ticket["id"])) == 3)
    notices = sent_to(customer)[1:]
    assert len(notices) == 1
    assert "back on Thursday, 26 November at 09:00" in notices[0].get_body(("plain",)).get_content()
    assert notices[0]["Auto-Submitted"] == "auto-replied"


def test_mail_during_opening_hours_gets_no_away_notice(smtp, agent, clock, desk_hours):
    clock.at = berlin(2026, 11, 24, 10, 0)
    customer = f"day-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Question", "Do you ship to Estonia as well, or only within Germany?"))
    [ack] = sent_to(customer)
    assert "away right now" not in ack.get_body(("plain",)).get_content()


def test_a_holiday_is_closed_and_the_notice_names_the_day_after(smtp, agent, clock, desk_hours):
    clock.at = berlin(2026, 12, 24, 23, 30)  # Christmas Eve; the 25th and 26th are public holidays
    customer = f"xmas-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Gift broken", "The gift I bought arrived broken, can I get a new one?"))
    text = sent_to(customer)[0].get_body(("plain",)).get_content()
    assert "back on Monday, 28 December at 09:00" in text


def test_a_chat_while_closed_gets_a_notice_in_the_visitors_own_time_zone(anonymous, stack, clock, desk_hours):
    clock.at = berlin(2026, 11, 28, 12, 0)  # a Saturday
    session = anonymous.post("/widget/sessions", json={"name": "Tom"}).json()
    assert session["open"] is False
    assert session["next_opening"] == "2026-11-30T08:00:00.000000Z" and session["timezone"] == "Europe/Berlin"
    visitor = ChatClient(stack.gateway.url, visitor=session["token"])
    try:
        ack = visitor.say("Is anyone there?", timezone="America/New_York")
        notice = visitor.wait_for("message", lambda f: f["message"]["author_type"] == "system")
        assert notice["conversation_id"] == ack["conversation_id"]
        assert "back on Monday, 30 November at 03:00 (America/New_York time)" in notice["message"]["body"]
        visitor.say("Hello?", conversation_id=ack["conversation_id"])
        with pytest.raises(AssertionError):
            visitor.wait_for("message", lambda f: f["message"]["author_type"] == "system", timeout=1.5)
    finally:
        visitor.close()


# ---------------------------------------------------------------- SLA

URGENT = {
    "id": "urgent", "name": "Urgent", "priorities": ["urgent"],
    "targets": {"first_response": 30, "next_response": 60, "resolution": 240},
    "business_hours": True, "calendar": "desk", "warn_at_percent": 80,
    "on_warning": [{"action": "notify"}],
    "on_breach": [{"action": "notify"}, {"action": "add_tag", "value": "sla-breached"},
                  {"action": "assign_team", "value": "escalations"}],
}


def test_policies_are_validated(admin, agent, desk_hours):
    assert agent.request("PUT", "/sla/policies", json={"policies": [URGENT]}).status_code == 403
    for bad in (
        [{**URGENT, "calendar": "nope"}],
        [URGENT, URGENT],
        [{**URGENT, "targets": {}}],
        [{**URGENT, "on_breach": [{"action": "webhook", "value": "not a url"}]}],
        [{**URGENT, "on_breach": [{"action": "explode"}]}],
    ):
        r = admin.request("PUT", "/sla/policies", json={"policies": bad})
        assert r.status_code in (400, 422), r.text
        assert r.json()["error"]["message"]
    assert admin.request("PUT", "/sla/policies", json={"policies": [URGENT]}).status_code == 200
    assert agent.get("/sla/policies").json()["policies"][0]["id"] == "urgent"


def test_an_urgent_ticket_breaches_at_the_right_business_minute_and_escalates_once(
    admin, agent, agent_account, stack, clock, desk_hours
):
    from chalicelib import bootstrap

    assert admin.request("PUT", "/sla/policies", json={"policies": [URGENT]}).status_code == 200
    # Friday 16:50: ten business minutes today, twenty more on Monday -> due Monday 09:20.
    clock.at = berlin(2026, 11, 27, 16, 50)
    r = agent.post("/tickets", json={
        "subject": "Site down", "customer": {"email": f"ops-{uuid.uuid4().hex[:6]}@customer.example"},
        "body": "Our shop is down!", "priority": "urgent", "assignee_id": agent_account["id"],
    })
    assert r.status_code == 201, r.text
    ticket = settled(agent, r.json()["id"])  # the clocks start from the table's stream
    first = ticket["sla"]["clocks"]["first_response"]
    assert first["due_at"] == "2026-11-30T08:20:00.000000Z"  # Monday 09:20 Berlin
    assert first["warning_at"] == "2026-11-30T08:14:00.000000Z"  # 80%: 24 business minutes
    assert ticket["sla"]["clocks"]["resolution"]["due_at"] == "2026-11-30T11:50:00.000000Z"

    def tick(at: datetime) -> list[tuple[str, str]]:
        """This ticket's escalations in a tick (the tick also runs what other tests' tickets,
        opened at instants of their own, have due by then)."""
        report = bootstrap.container().sla.tick(at)
        return [(e["metric"], e["level"]) for e in report.escalations if e["ticket_id"] == ticket["id"]]

    def about_this_ticket(frame: dict) -> bool:
        return frame["number"] == ticket["number"]

    watcher = ChatClient(stack.gateway.url, token=agent.token)
    try:
        assert tick(berlin(2026, 11, 30, 9, 13)) == []
        assert tick(berlin(2026, 11, 30, 9, 14)) == [("first_response", "warning")]
        alert = watcher.wait_for("sla.alert", about_this_ticket)
        assert (alert["level"], alert["metric"]) == ("warning", "first_response")

        assert tick(berlin(2026, 11, 30, 9, 19, 59)) == []
        assert tick(berlin(2026, 11, 30, 9, 20)) == [("first_response", "breach")]
        alert = watcher.wait_for("sla.alert", lambda f: about_this_ticket(f) and f["level"] == "breach")
        assert alert["due_at"] == "2026-11-30T08:20:00.000000Z"
        # Overlapping or repeated ticks run nothing again.
        assert tick(berlin(2026, 11, 30, 9, 20)) == []
        assert tick(berlin(2026, 11, 30, 9, 25)) == []
        with pytest.raises(AssertionError):
            watcher.wait_for("sla.alert", about_this_ticket, timeout=1)
    finally:
        watcher.close()

    after = settled(agent, ticket["id"])
    assert "sla-breached" in after["tags"] and after["team"] == "escalations"
    assert after["sla"]["clocks"]["first_response"]["breached"] is True
    # The agent was told by mail too (due in the desk's time, a link to the ticket).
    from local.outbox import sent_mail

    to_agent = [m for m in reversed(sent_mail()) if m["to"] == [agent_account["email"]]]
    link = f"\n\nOpen it in the console: {stack.api_url}/console#ticket/{ticket['id']}"
    assert [m["text"] for m in to_agent if m["subject"].startswith(f"[#{ticket['number']}] SLA")] == [
        f"Ticket #{ticket['number']} (Site down) is about to miss its first response target, due Monday, "
        f"30 November at 09:20 (Europe/Berlin time).{link}\n",
        f"Ticket #{ticket['number']} (Site down) missed its first response target, due Monday, "
        f"30 November at 09:20 (Europe/Berlin time).{link}\n",
    ]

    # A public reply satisfies first response (late); the resolution clock runs on.
    clock.at = berlin(2026, 11, 30, 9, 30)
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Looking into it now."})
    clocks = settled(agent, ticket["id"])["sla"]["clocks"]
    assert clocks["first_response"]["met_at"] == "2026-11-30T08:30:00.000000Z"
    assert clocks["first_response"]["due_at"] is None


def test_pending_pauses_resolution_and_reopening_resumes_with_what_was_left(admin, agent, clock, desk_hours):
    assert admin.request("PUT", "/sla/policies", json={"policies": [URGENT]}).status_code == 200
    clock.at = berlin(2026, 11, 24, 10, 0)  # Tuesday 10:00; resolution due 14:00
    ticket = agent.post("/tickets", json={
        "subject": "Refund", "customer": {"email": f"p-{uuid.uuid4().hex[:6]}@customer.example"},
        "body": "Please refund order 77.", "priority": "urgent",
    }).json()
    ticket = settled(agent, ticket["id"])
    assert ticket["sla"]["clocks"]["resolution"]["due_at"] == berlin(2026, 11, 24, 14, 0).strftime("%Y-%m-%dT%H:%M:%S.000000Z")

    clock.at = berlin(2026, 11, 24, 11, 0)  # one business hour used; three left
    r = agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Which account?", "status": "pending"})
    assert r.status_code == 201, r.text
    resolution = settled(agent, ticket["id"])["sla"]["clocks"]["resolution"]
    assert resolution["paused"] is True and resolution["due_at"] is None

    clock.at = berlin(2026, 11, 24, 16, 0)  # the customer answers at 16:00: one hour today, two tomorrow
    from chalicelib import bootstrap
    from chalicelib.domain.tickets import AuthorType
    from chalicelib.services.tickets import PostMessage

    bootstrap.container().tickets.post_message(  # as the customer's mail or chat would
        ticket["id"], PostMessage(body="Account 5."), author_type=AuthorType.CUSTOMER,
        author_id=ticket["customer"]["id"],
    )
    after = settled(agent, ticket["id"])
    assert after["status"] == "open"
    resolution = after["sla"]["clocks"]["resolution"]
    assert resolution["paused"] is False
    assert resolution["due_at"] == berlin(2026, 11, 25, 11, 0).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    # The customer's message starts the next-response clock: an hour, used up at closing time.
    assert after["sla"]["clocks"]["next_response"]["due_at"] == berlin(2026, 11, 24, 17, 0).strftime(
        "%Y-%m-%dT%H:%M:%S.000000Z"
    )


def test_a_breach_calls_the_webhook_signed_and_raises_priority(admin, agent, clock, desk_hours):
    import hashlib
    import hmac
    import json
    import os
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from chalicelib import bootstrap

    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["X-Desk-Signature"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    policy = {
        "id": "high", "priorities": ["high"], "targets": {"first_response": 120}, "business_hours": False,
        "on_breach": [{"action": "raise_priority"},
                      {"action": "webhook", "value": f"http://127.0.0.1:{server.server_address[1]}/sla"}],
    }
    try:
        assert admin.request("PUT", "/sla/policies", json={"policies": [policy]}).status_code == 200
        clock.at = berlin(2026, 11, 28, 22, 0)  # Saturday night: calendar time counts anyway
        ticket = agent.post("/tickets", json={
            "subject": "Hook", "customer": {"email": f"h-{uuid.uuid4().hex[:6]}@customer.example"},
            "priority": "high",
        }).json()
        ticket = settled(agent, ticket["id"])
        assert ticket["sla"]["clocks"]["first_response"]["due_at"] == "2026-11-28T23:00:00.000000Z"
        report = bootstrap.container().sla.tick(berlin(2026, 11, 29, 0, 0))
        mine = [e["level"] for e in report.escalations if e["ticket_id"] == ticket["id"]]
        assert mine == ["warning", "breach"]  # a late tick catches up on both
        settle()  # the escalations' reactions run from the table's stream
    finally:
        server.shutdown()
    [(body, signature)] = received
    secret = os.environ["DESK_WEBHOOK_SECRET"].encode()
    assert signature == "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    event = json.loads(body)
    assert (event["event"], event["metric"], event["ticket"]["number"]) == ("sla.breach", "first_response", ticket["number"])
    after = settled(agent, ticket["id"])
    assert after["priority"] == "urgent"
    # The raised priority has no policy of its own here: the clocks stay as they were.
    assert after["sla"]["policy_id"] == "high"


def test_a_team_with_its_own_hours_answers_by_them(admin, agent, smtp, clock, desk_hours):
    hours = {"timezone": "America/New_York", "hours": {"saturday": ["10:00-14:00"]}}
    assert admin.request("PUT", "/calendars/team-weekend", json=hours).status_code == 200
    try:
        from chalicelib import bootstrap

        clock.at = berlin(2026, 11, 28, 12, 0)  # Saturday: the desk is closed, New York 06:00
        ticket = agent.post("/tickets", json={
            "subject": "Weekend", "customer": {"email": f"w-{uuid.uuid4().hex[:6]}@customer.example"},
            "team": "weekend",
        }).json()
        desk = agent.post("/tickets", json={
            "subject": "Weekday", "customer": {"email": f"d-{uuid.uuid4().hex[:6]}@customer.example"},
        }).json()
        service = bootstrap.container().out_of_hours
        get = bootstrap.container().tickets.get
        notice = service.notice(get(ticket["id"]))
        assert notice is not None and "Saturday, 28 November at 10:00 (America/New_York time)" in notice.text
        assert "Monday, 30 November at 09:00 (Europe/Berlin time)" in service.notice(get(desk["id"])).text
    finally:
        admin.request("DELETE", "/calendars/team-weekend")


def test_raising_a_ticket_to_a_policys_priority_starts_its_clocks_from_the_tickets_start(admin, agent, clock, desk_hours):
    assert admin.request("PUT", "/sla/policies", json={"policies": [URGENT]}).status_code == 200
    clock.at = berlin(2026, 11, 24, 10, 0)
    ticket = agent.post("/tickets", json={
        "subject": "Slow site", "customer": {"email": f"r-{uuid.uuid4().hex[:6]}@customer.example"},
    }).json()
    assert settled(agent, ticket["id"])["sla"] is None  # normal priority: no policy
    clock.at = berlin(2026, 11, 24, 10, 10)
    r = agent.patch(f"/tickets/{ticket['id']}", json={"priority": "urgent"}, headers={"If-Match": f'"{ticket["version"]}"'})
    assert r.status_code == 200, r.text
    first = settled(agent, ticket["id"])["sla"]["clocks"]["first_response"]
    assert first["due_at"] == berlin(2026, 11, 24, 10, 30).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
