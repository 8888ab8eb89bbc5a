"""Mail to the desk end to end: a real SMTP conversation with the local inbound (SES's part),
ingestion into tickets, and the acknowledgement that goes out through (emulated) SES."""

from __future__ import annotations

import email
import email.policy
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.desk_env import desk_clock, settle

SUPPORT = "support@desk.localhost"


def sent_to(address: str) -> list[email.message.EmailMessage]:
    """What the desk sent to an address through SES (read from the emulator), once the
    reactions to what happened so far have run."""
    from moto.backends import get_backend

    settle()

    found = []
    for account in get_backend("ses").values():
        for region in account.values():
            for message in region.sent_messages:
                raw = getattr(message, "raw_data", None)
                if raw and address in (getattr(message, "destinations", None) or []):
                    parsed = email.message_from_string(raw, policy=email.policy.default)
                    parsed.ses_id = message.id
                    found.append(parsed)
    return found


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


def messages_of(agent, ticket_id: str) -> list[dict]:
    return agent.get(f"/tickets/{ticket_id}/messages").json()["items"]


def tickets_of(agent, customer_email: str) -> list[dict]:
    """The tickets of the customer with this address, newest activity first ([] if there is
    no such customer)."""
    found = agent.get("/customers", params={"email": customer_email})
    if found.status_code == 404:
        return []
    assert found.status_code == 200, found.text
    return agent.every("/tickets", customer=found.json()["id"], limit="100")


def wait_for(predicate, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_conversation_by_mail(smtp, agent):
    customer = f"ann-{uuid.uuid4().hex[:6]}@customer.example"
    first = mail(customer, "My lamp flickers", "Hello,\n\nMy new lamp flickers when it is cold.\n\nAnn")
    smtp(first)
    ticket = tickets_of(agent, customer)[0]
    assert ticket["channel"] == "email" and ticket["subject"] == "My lamp flickers"
    [message] = messages_of(agent, ticket["id"])
    assert message["body"] == "Hello,\n\nMy new lamp flickers when it is cold.\n\nAnn"

    [ack] = sent_to(customer)
    assert ack["Auto-Submitted"] == "auto-replied"
    assert f"[#{ticket['number']}]" in ack["Subject"]
    assert ack["In-Reply-To"] == first["Message-ID"]
    assert ack["Reply-To"].startswith("support+" + ticket["id"])

    # Gmail-style reply to the acknowledgement, with the subject changed: threads by Message-ID.
    reply = mail(
        customer, "Still flickering!!",
        "It still flickers, even after changing the bulb.\n\n"
        f"On Mon, Jan 2, 2023 at 9:41 AM Support <{SUPPORT}> wrote:\n\n> We have your message",
        In_Reply_To=f"<{ack.ses_id}@email.amazonses.com>",
        References=f"{first['Message-ID']} <{ack.ses_id}@email.amazonses.com>",
    )
    smtp(reply)
    bodies = wait_for(lambda: [m["body"] for m in messages_of(agent, ticket["id"])][1:] or None)
    assert bodies == ["It still flickers, even after changing the bulb."]
    assert len(sent_to(customer)) == 1  # a reply to a ticket is not acknowledged again

    # Outlook-style reply to the signed Reply-To, with no threading headers at all.
    outlook = mail(
        customer, "AW: lamp",
        "Photo attached.\n\n________________________________\nFrom: Support <support@desk.localhost>\n"
        "Sent: Monday, January 2, 2023 9:41 AM\nTo: Ann\nSubject: Re: My lamp flickers\n\nWe have your message",
    )
    del outlook["To"]
    outlook["To"] = ack["Reply-To"]
    smtp(outlook, [ack["Reply-To"]])
    wait_for(lambda: len(messages_of(agent, ticket["id"])) == 3)
    assert messages_of(agent, ticket["id"])[-1]["body"] == "Photo attached."


def test_a_stranger_quoting_a_ticket_number_gets_a_ticket_of_their_own(smtp, agent):
    owner = f"own-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(owner, "Refund please", "I want a refund."))
    ticket = tickets_of(agent, owner)[0]
    stranger = f"str-{uuid.uuid4().hex[:6]}@other.example"
    smtp(mail(stranger, f"Re: Refund please [#{ticket['number']}]", "Me too!"))
    assert len(messages_of(agent, ticket["id"])) == 1
    theirs = tickets_of(agent, stranger)
    assert len(theirs) == 1 and theirs[0]["id"] != ticket["id"]
    # while the requester's own tagged mail does thread
    smtp(mail(owner, f"Re: Refund please [#{ticket['number']}]", "Any news?"))
    assert [m["body"] for m in messages_of(agent, ticket["id"])] == ["I want a refund.", "Any news?"]


def test_an_out_of_office_reply_to_the_acknowledgement_starts_no_loop(smtp, agent):
    customer = f"ooo-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Question", "Do you ship abroad?"))
    [ack] = sent_to(customer)
    out_of_office = mail(
        customer, "Automatic reply: Question", "I am out of the office until Monday.",
        Auto_Submitted="auto-replied", In_Reply_To=f"<{ack.ses_id}@email.amazonses.com>",
    )
    smtp(out_of_office)
    time.sleep(0.3)
    assert len(sent_to(customer)) == 1  # nothing answered the robot
    # and an unthreaded robot mail opens a ticket but gets no acknowledgement
    robot = f"noreply-{uuid.uuid4().hex[:6]}@shop.example"
    smtp(mail(robot, "Your order shipped", "Tracking: 123"))
    assert tickets_of(agent, robot) and sent_to(robot) == []


def test_the_same_mail_delivered_twice_is_stored_once(smtp, agent):
    customer = f"dup-{uuid.uuid4().hex[:6]}@customer.example"
    message = mail(customer, "Twice", "Sent once, delivered twice.")
    smtp(message)
    smtp(message)
    tickets = tickets_of(agent, customer)
    assert len(tickets) == 1 and len(messages_of(agent, tickets[0]["id"])) == 1
    assert len(sent_to(customer)) == 1


def test_an_empty_body_and_a_20_mb_attachment_behave(smtp, agent):
    customer = f"big-{uuid.uuid4().hex[:6]}@customer.example"
    empty = EmailMessage()
    empty["From"], empty["To"], empty["Subject"] = customer, SUPPORT, "Nothing to say"
    empty["Message-ID"] = make_msgid(domain="customer.example")
    smtp(empty)
    ticket = tickets_of(agent, customer)[0]
    assert messages_of(agent, ticket["id"])[0]["body"] == ""

    big = mail(customer, "Manual", "Here is the manual.")
    payload = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    big.add_attachment(payload, maintype="application", subtype="pdf", filename="manual.pdf")
    smtp(big)
    tickets = tickets_of(agent, customer)
    manual = next(t for t in tickets if t["subject"] == "Manual")
    [message] = messages_of(agent, manual["id"])
    assert message["body"] == "Here is the manual."
    assert message["attachments"][0]["filename"] == "manual.pdf"
    assert message["attachments"][0]["size"] == len(payload)


def test_an_agents_reply_goes_out_threaded_and_the_answer_comes_back(smtp, agent):
    customer = f"reply-{uuid.uuid4().hex[:6]}@customer.example"
    first = mail(customer, "Invoice", "Could you resend my invoice?")
    smtp(first)
    ticket = tickets_of(agent, customer)[0]
    r = agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Here it is.\n\nBest,\nAlex"})
    assert r.status_code == 201
    note = agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "internal", "kind": "note"})
    assert note.status_code == 201
    ack, reply = sent_to(customer)  # the note was not mailed
    assert reply["From"] == "Alex Agent <support@desk.localhost>"
    assert reply["Subject"] == f"Re: Invoice [#{ticket['number']}]"
    assert reply["In-Reply-To"] == f"<{ack.ses_id}@email.amazonses.com>"
    assert first["Message-ID"] in reply["References"]
    assert reply["Reply-To"] == ack["Reply-To"]
    assert "Auto-Submitted" not in reply
    assert reply.get_body(("plain",)).get_content().startswith("Here it is.")
    assert "<p>Here it is.</p>" in reply.get_body(("html",)).get_content()

    answer = mail(customer, "Re: Invoice", "Got it, thanks!\n\n> Here it is.",
                  In_Reply_To=f"<{reply.ses_id}@email.amazonses.com>")
    smtp(answer)
    assert [m["body"] for m in messages_of(agent, ticket["id"])][-1] == "Got it, thanks!"


def test_a_hard_bounce_stops_mail_to_that_address(smtp, agent):
    import copy
    import json
    from pathlib import Path

    from chalice.local import LambdaContext

    import app as desk_app

    customer = f"gone-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Hello", "Hi there"))
    ticket = tickets_of(agent, customer)[0]
    assert len(sent_to(customer)) == 1
    sample = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "aws-events" / "snsEvent.json").read_text())
    event = copy.deepcopy(sample)
    event["Records"][0]["Sns"]["Message"] = json.dumps({
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": customer}]},
    })
    assert desk_app.mail_feedback(event, LambdaContext("mail_feedback", 512, 60_000)) == {"suppressed": 1}
    agent.post(f"/tickets/{ticket['id']}/messages", json={"body": "Are you there?"})
    assert len(sent_to(customer)) == 1  # the reply is on the ticket, but not mailed
    assert [m["body"] for m in messages_of(agent, ticket["id"])][-1] == "Are you there?"


def test_one_sender_gets_at_most_three_acknowledgements_an_hour(smtp, agent):
    customer = f"flood-{uuid.uuid4().hex[:6]}@customer.example"
    # The cap is per clock hour: the desk's clock stays mid-hour, or a run at :59 counts twice.
    with desk_clock(datetime.now(UTC).replace(minute=30, second=0)):
        for i in range(5):
            smtp(mail(customer, f"Flood {i}", "Another one"))
        assert len(tickets_of(agent, customer)) == 5
        assert len(sent_to(customer)) == 3


def test_the_local_outbox_shows_what_customers_got(smtp, stack, anonymous):
    customer = f"outbox-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Where is <my> order?", "Hi"))
    settle()  # the acknowledgement goes out from the table's stream
    items = anonymous.get("/_local/outbox.json").json()["items"]
    mine = [m for m in items if customer in m["to"]]
    assert len(mine) == 1 and "We have your message" in mine[0]["text"]
    assert mine[0]["headers"]["Auto-Submitted"] == "auto-replied"
    page = anonymous.get("/_local/outbox")
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Where is &lt;my&gt; order?" in page.text and "<my>" not in page.text


def test_someone_copied_on_a_ticket_may_thread_by_its_tag(smtp, agent):
    owner = f"own2-{uuid.uuid4().hex[:6]}@customer.example"
    colleague = f"col-{uuid.uuid4().hex[:6]}@customer.example"
    first = mail(owner, "Office lamps", "We need ten lamps.")
    first["Cc"] = colleague
    smtp(first, [SUPPORT, colleague])
    ticket = tickets_of(agent, owner)[0]
    smtp(mail(colleague, f"Re: Office lamps [#{ticket['number']}]", "Make it twelve."))
    first_message, second = messages_of(agent, ticket["id"])
    assert (first_message["body"], second["body"]) == ("We need ten lamps.", "Make it twelve.")
    assert first_message["author_id"] == ticket["customer"]["id"]
    assert second["author_id"] != ticket["customer"]["id"]  # written by the colleague
    assert agent.get(f"/customers/{second['author_id']}").json()["email"] == colleague


@pytest.mark.parametrize(
    ("body", "language", "expected_line"),
    [
        (
            "Guten Tag,\n\nmeine Lampe flackert, sobald es in der Wohnung kalt wird. "
            "Können Sie mir bitte helfen?\n\nViele Grüße\nAnna",
            "de", "Wir haben Ihre Nachricht erhalten und das Ticket #{n} eröffnet",
        ),
        (
            "שלום,\n\nהמנורה החדשה שלי מהבהבת כשקר בבית. אפשר לקבל עזרה או החלפה?\n\nתודה, דנה",
            "he", "קיבלנו את פנייתך ופתחנו את קריאה מספר {n}",
        ),
        (
            "Tere!\n\nMinu uus lamp vilgub, kui toas on külm. Kas saaksite palun aidata?\n\nAitäh, Mari",
            "et", "Saime teie sõnumi kätte ja avasime pöördumise #{n}",
        ),
        (
            "Bonjour,\n\nma nouvelle lampe clignote dès qu'il fait froid dans la maison. "
            "Pouvez-vous m'aider ?\n\nMerci, Claire",
            "fr", "Nous avons bien reçu votre message et ouvert le ticket n° {n}",
        ),
    ],
)
def test_the_acknowledgement_speaks_the_customers_language(smtp, agent, body, language, expected_line):
    customer = f"lang-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Lamp", body))
    ticket = tickets_of(agent, customer)[0]
    assert ticket["language"] == language
    [ack] = sent_to(customer)
    text = ack.get_body(("plain",)).get_content()
    assert expected_line.format(n=ticket["number"]) in text
    html = ack.get_body(("html",)).get_content()
    assert f'lang="{language}"' in html and (('dir="rtl"' in html) == (language == "he"))


def test_a_short_mail_declaring_its_language_is_answered_in_it(smtp, agent):
    customer = f"short-{uuid.uuid4().hex[:6]}@customer.example"
    message = mail(customer, "Hilfe", "Danke!")
    message["Content-Language"] = "de-AT"  # after the body: set_content() drops Content-* headers
    smtp(message)
    assert tickets_of(agent, customer)[0]["language"] == "de"
    assert "Wir antworten in der Regel innerhalb von 24 Stunden" in sent_to(customer)[0].get_body(("plain",)).get_content()


def test_an_unknown_language_is_answered_in_english(smtp, agent):
    customer = f"pl-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Lampa", "Dzień dobry, moja nowa lampa miga, kiedy w domu jest zimno. Czy możecie pomóc?"))
    assert tickets_of(agent, customer)[0]["language"] == "pl"
    assert "We have your message and opened ticket" in sent_to(customer)[0].get_body(("plain",)).get_content()


def test_html_mail_keeps_its_sanitised_html_inline_images_and_the_original(smtp, agent):
    import requests

    customer = f"html-{uuid.uuid4().hex[:6]}@customer.example"
    message = mail(customer, "Broken screen", "fallback text")
    message.clear_content()
    message.set_content("See the photo: the screen is cracked.")
    pixel = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005"
        "0001ff8f5d2f6a0000000049454e44ae426082"
    )
    cid = make_msgid(domain="customer.example")
    message.add_alternative(
        "<html><head><script>steal()</script><style>p{color:red}</style></head><body>"
        '<p onclick="steal()">See the photo: the screen is <b>cracked</b>.</p>'
        f'<img src="cid:{cid[1:-1]}" alt="photo"><img src="https://tracker.example/open.gif">'
        '<a href="javascript:steal()">click</a></body></html>',
        subtype="html",
    )
    message.get_payload()[1].add_related(pixel, "image", "png", cid=cid, filename="photo.png")
    smtp(message)
    ticket = tickets_of(agent, customer)[0]
    [stored] = messages_of(agent, ticket["id"])
    assert stored["body"] == "See the photo: the screen is cracked."
    [photo] = stored["attachments"]
    assert photo["inline"] is True and photo["filename"] == "photo.png"

    # The full original, one click away: the very bytes that came in.
    original = requests.get(stored["mail"]["original_url"], timeout=10)
    assert original.status_code == 200
    assert email.message_from_bytes(original.content, policy=email.policy.default)["Message-ID"] == message["Message-ID"]
    assert stored["mail"]["thread_rule"] == "new_ticket" and stored["mail"]["has_html"] is True

    shown = agent.get(f"/tickets/{ticket['number']}/messages/1/html")
    assert shown.status_code == 200
    html = shown.json()["html"]
    assert "<b>cracked</b>" in html
    for gone in ("steal", "<script", "<style", "tracker.example", "cid:"):
        assert gone not in html
    import html as html_module
    import re

    [src] = re.findall(r'<img src="([^"]+)" alt="photo"', html)
    image = requests.get(html_module.unescape(src), timeout=10)
    assert image.status_code == 200 and image.content == pixel


def test_html_of_a_plain_text_mail_or_a_missing_message_is_a_clear_404(smtp, agent):
    customer = f"plain-{uuid.uuid4().hex[:6]}@customer.example"
    smtp(mail(customer, "Plain", "Just text."))
    ticket = tickets_of(agent, customer)[0]
    for path, code in [
        (f"/tickets/{ticket['id']}/messages/1/html", "no_html"),
        (f"/tickets/{ticket['id']}/messages/9/html", "message_not_found"),
        (f"/tickets/{ticket['id']}/messages/x1/html", "message_not_found"),
    ]:
        response = agent.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == code
