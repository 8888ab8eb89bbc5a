"""MailService over the in-memory fakes: mail in becomes a ticket or threads into one (by the
signed Reply-To, In-Reply-To / References, or the subject's tag), is acknowledged once, and
agents' replies go out by mail, threaded, with their delivery kept on the message. What
customers get is read from the fake SES outbox, as they would read it."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.people import Principal
from chalicelib.domain.tickets import Delivery, MessageKind, Status, TicketChanges, TicketFilter
from chalicelib.services import mail as mail_service
from chalicelib.services.tickets import PostMessage
from tests.unit.fakes import Desk, agent

SUPPORT = Desk.SUPPORT
ANN = "ann@customer.example"
ALEX = agent("agt_alex", "Alex Agent")
AS_ALEX = Principal(ALEX.id, ALEX.email, ALEX.role)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def desk() -> Desk:
    return Desk(agents=[ALEX])


def mail(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="customer.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def bodies(desk: Desk, ticket_id: str) -> list[str]:
    return [m.body for m in desk.tickets.messages(ticket_id, after_seq=0, limit=100)[1]]


def tickets_of(desk: Desk, address: str) -> list[str]:
    customer = desk.customers.by_email(address)
    return [t.id for t in desk.tickets.list(TicketFilter(customer_id=customer.id), limit=100, cursor=None).items]


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


# ---------------------------------------------------------------- mail in


def test_a_mail_opens_a_ticket_and_gets_one_threaded_acknowledgement(desk):
    first = mail(ANN, "My lamp flickers", "Hello,\n\nMy new lamp flickers when it is cold.\n\nAnn")
    ingested = desk.receive(first)
    assert (ingested.outcome, ingested.rule, ingested.acknowledged) == ("ticketed", "new_ticket", True)
    ticket = desk.tickets.get(str(ingested.ticket_id))
    assert (ticket.channel, ticket.subject, ticket.status) == ("email", "My lamp flickers", Status.NEW)
    assert ticket.customer_id == desk.customers.by_email("ANN@customer.example").id
    [message] = desk.tickets.messages(ticket.id, after_seq=0, limit=10)[1]
    assert message.body == "Hello,\n\nMy new lamp flickers when it is cold.\n\nAnn"
    assert message.source_key is not None and desk.files.get_bytes(message.source_key) == first.as_bytes()

    [ack] = desk.mailer.to(ANN)
    assert ack.message["Auto-Submitted"] == "auto-replied"
    assert ack.message["Subject"] == f"Re: My lamp flickers [#{ticket.number}]"
    assert ack.message["In-Reply-To"] == first["Message-ID"]
    assert ack.message["Reply-To"].startswith(f"support+{ticket.id}.")
    assert f"We have your message and opened ticket #{ticket.number}: My lamp flickers" in ack.text
    assert "We usually answer within 24 hours." in ack.text  # no SLA policy: the default promise


def test_replies_thread_by_in_reply_to_references_and_the_signed_reply_address(desk):
    first = mail(ANN, "My lamp flickers", "It flickers.")
    ticket_id = desk.receive(first).ticket_id
    [ack] = desk.mailer.to(ANN)

    # Gmail: a reply to the acknowledgement, subject changed, quoting it.
    gmail = mail(ANN, "Still flickering!!", "Even with a new bulb.\n\nOn Mon, Support wrote:\n\n> We have your message",
                 In_Reply_To=ack.threading_id, References=f"{first['Message-ID']} {ack.threading_id}")
    assert desk.receive(gmail).rule == "message_id"
    # A client that keeps only References.
    assert desk.receive(mail(ANN, "lamp", "Photo later.", References=str(first["Message-ID"]))).rule == "message_id"
    # Outlook: to the signed Reply-To, no threading headers at all.
    outlook = mail(ANN, "AW: lamp", "Photo attached.")
    outlook.replace_header("To", ack.message["Reply-To"])
    assert desk.receive(outlook, recipients=[ack.message["Reply-To"]]).rule == "reply_address"

    assert tickets_of(desk, ANN) == [ticket_id]
    assert bodies(desk, str(ticket_id)) == ["It flickers.", "Even with a new bulb.", "Photo later.", "Photo attached."]
    assert len(desk.mailer.to(ANN)) == 1  # follow-ups are not acknowledged again


def test_a_forged_reply_address_threads_nothing(desk):
    ticket_id = desk.receive(mail(ANN, "Refund", "Please refund.")).ticket_id
    forged = f"support+{ticket_id}.0000000000000000@desk.example"
    ingested = desk.receive(mail("eve@other.example", "Re: Refund", "Refund me instead."), recipients=[forged])
    assert ingested.outcome == "ticketed" and ingested.ticket_id != ticket_id
    assert bodies(desk, str(ticket_id)) == ["Please refund."]


def test_a_stranger_quoting_a_ticket_number_gets_a_ticket_of_their_own(desk):
    ticket = desk.tickets.get(str(desk.receive(mail(ANN, "Refund please", "I want a refund.")).ticket_id))
    stranger = desk.receive(mail("eve@other.example", f"Re: Refund please [#{ticket.number}]", "Me too!"))
    assert stranger.outcome == "ticketed" and stranger.ticket_id != ticket.id
    owner = desk.receive(mail(ANN, f"Re: Refund please [#{ticket.number}]", "Any news?"))
    assert (owner.ticket_id, owner.rule) == (ticket.id, "subject_tag")
    assert bodies(desk, ticket.id) == ["I want a refund.", "Any news?"]


def test_someone_copied_on_a_ticket_may_thread_by_its_tag_and_writes_as_themselves(desk):
    first = mail(ANN, "Office lamps", "We need ten lamps.")
    first["Cc"] = "Col League <col@customer.example>"
    ticket = desk.tickets.get(str(desk.receive(first).ticket_id))
    colleague = desk.receive(mail("col@customer.example", f"Re: Office lamps [#{ticket.number}]", "Make it twelve."))
    assert (colleague.ticket_id, colleague.rule) == (ticket.id, "subject_tag")
    first_message, second = desk.tickets.messages(ticket.id, after_seq=0, limit=10)[1]
    assert first_message.author_id == ticket.customer_id
    assert second.author_id == desk.customers.by_email("col@customer.example").id != ticket.customer_id
    assert [name for name, _ in desk.not_run] == ["privacy.link_author"]  # privacy is not built here


def test_the_same_mail_delivered_twice_is_stored_and_acknowledged_once(desk):
    message = mail(ANN, "Twice", "Sent once, delivered twice.")
    assert desk.receive(message).outcome == "ticketed"
    again = desk.receive(message)
    assert again.outcome == "duplicate"
    [ticket_id] = tickets_of(desk, ANN)
    assert bodies(desk, ticket_id) == ["Sent once, delivered twice."]
    assert len(desk.mailer.to(ANN)) == 1


def test_mail_about_a_closed_ticket_opens_a_new_one(desk):
    first = mail(ANN, "Lamp", "Broken.")
    ticket = desk.tickets.get(str(desk.receive(first).ticket_id))
    ticket = desk.tickets.update(ticket.id, TicketChanges(status=Status.SOLVED), ticket.version, AS_ALEX)
    desk.tickets.update(ticket.id, TicketChanges(status=Status.CLOSED), ticket.version, AS_ALEX)
    follow_up = desk.receive(mail(ANN, "Re: Lamp", "Broken again.", In_Reply_To=str(first["Message-ID"])))
    assert follow_up.outcome == "ticketed" and follow_up.ticket_id != ticket.id
    assert len(desk.mailer.to(ANN)) == 2  # the new ticket is acknowledged


def test_robots_and_automatic_replies_get_no_answer(desk):
    desk.receive(mail(ANN, "Question", "Do you ship abroad?"))
    [ack] = desk.mailer.to(ANN)
    out_of_office = mail(ANN, "Automatic reply: Question", "I am out of the office until Monday.",
                         Auto_Submitted="auto-replied", In_Reply_To=ack.threading_id)
    assert desk.receive(out_of_office).outcome == "threaded"
    assert len(desk.mailer.to(ANN)) == 1  # nothing answered the robot
    robot = desk.receive(mail("noreply@shop.example", "Your order shipped", "Tracking: 123"))
    assert robot.outcome == "ticketed" and not robot.acknowledged
    assert desk.mailer.to("noreply@shop.example") == []


def test_one_sender_gets_at_most_three_acknowledgements_an_hour(desk):
    for i in range(5):
        desk.receive(mail(ANN, f"Flood {i}", "Another one"))
    assert len(tickets_of(desk, ANN)) == 5
    assert len(desk.mailer.to(ANN)) == 3
    desk.clock.advance(hours=1)
    desk.receive(mail(ANN, "Flood 6", "And another"))
    assert len(desk.mailer.to(ANN)) == 4


def test_mail_failing_the_virus_scan_is_quarantined_and_not_ticketed(desk):
    ingested = desk.receive(mail(ANN, "Invoice", "Open the attachment"), verdicts={"virus": "FAIL", "spam": "PASS"})
    assert (ingested.outcome, ingested.reason) == ("quarantined", "virus verdict FAIL")
    assert desk.files.keys("mail/quarantine/") == ["mail/quarantine/inbound-000001"]
    assert desk.store.tickets == {} and desk.mailer.sent == []


def test_attachments_are_kept_and_one_too_large_is_named_in_the_message(desk, monkeypatch):
    monkeypatch.setattr(mail_service, "MAX_ATTACHMENT_BYTES", 1024 * 1024)
    message = mail(ANN, "Manual", "Here is the manual.")
    message.add_attachment(b"%PDF small", maintype="application", subtype="pdf", filename="manual.pdf")
    message.add_attachment(b"x" * (1024 * 1024 + 1), maintype="application", subtype="octet-stream",
                           filename="huge.bin")
    ticket_id = str(desk.receive(message).ticket_id)
    [stored] = desk.tickets.messages(ticket_id, after_seq=0, limit=10)[1]
    assert stored.body == "Here is the manual.\n\n[Not attached, over 1 MB: huge.bin]"
    [manual] = stored.attachments
    assert (manual.filename, manual.content_type, manual.size) == ("manual.pdf", "application/pdf", 10)
    assert desk.files.get_bytes(manual.key) == b"%PDF small"


# ---------------------------------------------------------------- agents' replies out


def test_an_agents_reply_goes_out_threaded_and_the_answer_comes_back(desk):
    first = mail(ANN, "Invoice", "Could you resend my invoice?")
    ticket = desk.tickets.get(str(desk.receive(first).ticket_id))
    _, reply_message = desk.tickets.post_message(ticket.id, PostMessage(body="Here it is.\n\nBest,\nAlex"), AS_ALEX)
    desk.tickets.post_message(ticket.id, PostMessage(body="internal", kind=MessageKind.NOTE), AS_ALEX)
    assert reply_message.delivery == Delivery.PENDING
    desk.deliver()

    ack, reply = desk.mailer.to(ANN)  # the note was not mailed
    assert reply.message["From"] == f"Alex Agent <{SUPPORT}>"
    assert reply.message["Subject"] == f"Re: Invoice [#{ticket.number}]"
    assert reply.message["In-Reply-To"] == ack.threading_id
    assert first["Message-ID"] in reply.message["References"]
    assert reply.message["Reply-To"] == ack.message["Reply-To"]
    assert "Auto-Submitted" not in reply.message
    assert reply.text.startswith("Here it is.")
    assert desk.tickets.message_of(ticket, reply_message.seq).delivery == Delivery.SENT
    assert desk.store.mail_ids[(ticket.id, reply_message.seq)] == reply.id

    answer = desk.receive(mail(ANN, "Re: Invoice", "Got it, thanks!\n\n> Here it is.", In_Reply_To=reply.threading_id))
    assert (answer.ticket_id, answer.rule) == (ticket.id, "message_id")
    assert bodies(desk, ticket.id)[-1] == "Got it, thanks!"


def test_a_failed_send_is_retried_and_one_that_never_goes_out_is_marked_failed(desk):
    ticket_id = str(desk.receive(mail(ANN, "Invoice", "Resend it please.")).ticket_id)
    desk.mailer.failures = 1  # SES fails once: the stream's next delivery sends it
    _, first = desk.tickets.post_message(ticket_id, PostMessage(body="Here it is."), AS_ALEX)
    desk.deliver()
    assert [m.text.strip() for m in desk.mailer.to(ANN)][1:] == ["Here it is."]
    assert desk.tickets.message(ticket_id, first.seq)[1].delivery == Delivery.SENT

    desk.mailer.failures = 99  # SES is down for good: every attempt fails, then it is parked
    _, second = desk.tickets.post_message(ticket_id, PostMessage(body="Did it arrive?"), AS_ALEX)
    desk.deliver()
    stored = desk.tickets.message(ticket_id, second.seq)[1]
    assert stored.delivery == Delivery.FAILED
    assert stored.delivery_error == "ConnectionError: SES is unreachable"
    assert [f.reaction for f in desk.dead_letters.failures.values()] == ["mail.send_reply"]
    assert len(desk.mailer.to(ANN)) == 2


def test_a_hard_bounce_stops_mail_to_that_address(desk):
    ticket_id = str(desk.receive(mail(ANN, "Hello", "Hi there")).ticket_id)
    suppressed = desk.mail.on_feedback({
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": ANN}]},
    })
    assert suppressed == [ANN]
    _, message = desk.tickets.post_message(ticket_id, PostMessage(body="Are you there?"), AS_ALEX)
    desk.deliver()
    assert len(desk.mailer.to(ANN)) == 1  # the acknowledgement only
    stored = desk.tickets.message(ticket_id, message.seq)[1]
    assert stored.body == "Are you there?" and stored.delivery == Delivery.FAILED
    assert stored.delivery_error is not None and "bounced" in stored.delivery_error


def test_a_soft_bounce_suppresses_nothing(desk):
    assert desk.mail.on_feedback({
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": ANN}]},
    }) == []
    assert not desk.limits.is_suppressed(ANN)


# ---------------------------------------------------------------- out of hours


@pytest.fixture
def office(desk: Desk) -> Desk:
    """The desk opens 09:00-17:00 Berlin time on weekdays."""
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
    desk.calendars.put("desk", {"timezone": "Europe/Berlin", "hours": {day: ["09:00-17:00"] for day in weekdays}})
    return desk


def test_mail_at_night_is_told_when_the_team_is_back_once_per_closed_period(office):
    office.clock.now = berlin(2026, 11, 24, 23, 0)  # a Tuesday night
    first = mail(ANN, "Printer on fire", "Hello, my printer is on fire. What should I do now?")
    ticket = office.tickets.get(str(office.receive(first).ticket_id))
    [ack] = office.mailer.to(ANN)
    assert f"opened ticket #{ticket.number}" in ack.text
    assert "back on Wednesday, 25 November at 09:00 (Europe/Berlin time)" in ack.text

    office.clock.now = berlin(2026, 11, 25, 2, 30)  # the same night: the same closed period
    office.receive(mail(ANN, "Re: Printer on fire", "It is out now.", In_Reply_To=str(first["Message-ID"])))
    assert len(office.mailer.to(ANN)) == 1  # no second notice

    office.clock.now = berlin(2026, 11, 25, 18, 0)  # the next evening: a new closed period
    office.receive(mail(ANN, "Re: Printer on fire", "It is smoking again.", In_Reply_To=str(first["Message-ID"])))
    [notice] = office.mailer.to(ANN)[1:]
    assert "back on Thursday, 26 November at 09:00" in notice.text
    assert notice.message["Auto-Submitted"] == "auto-replied"
    assert bodies(office, ticket.id) == [
        "Hello, my printer is on fire. What should I do now?", "It is out now.", "It is smoking again.",
    ]


def test_mail_during_opening_hours_gets_no_away_notice(office):
    office.clock.now = berlin(2026, 11, 24, 10, 0)
    first = mail(ANN, "Question", "Do you ship to Estonia as well, or only within Germany?")
    office.receive(first)
    office.receive(mail(ANN, "Re: Question", "Or Latvia?", In_Reply_To=str(first["Message-ID"])))
    [ack] = office.mailer.to(ANN)
    assert "away right now" not in ack.text
