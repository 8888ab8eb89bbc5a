"""The signed reply address and the subject tag."""

from __future__ import annotations

from chalicelib.domain.mail.threading import (
    reply_address,
    subject_tag,
    tagged_subject,
    ticket_from_address,
)

SECRET = "s" * 40
SUPPORT = "support@lamps.example"


def test_a_signed_reply_address_names_its_ticket_and_cannot_be_forged():
    address = reply_address(SECRET, SUPPORT, "tkt_abc123")
    assert address.startswith("support+tkt_abc123.") and address.endswith("@lamps.example")
    assert ticket_from_address(SECRET, SUPPORT, address) == "tkt_abc123"
    assert ticket_from_address(SECRET, SUPPORT, address.upper()) == "tkt_abc123"  # case-blind MTAs
    forged = address.replace("tkt_abc123", "tkt_other1")
    assert ticket_from_address(SECRET, SUPPORT, forged) is None
    assert ticket_from_address("another-secret-" * 3, SUPPORT, address) is None
    assert ticket_from_address(SECRET, SUPPORT, "support@lamps.example") is None
    assert ticket_from_address(SECRET, SUPPORT, address.replace("lamps.example", "evil.example")) is None


def test_subject_tags():
    assert subject_tag("Re: Your lamp [#1042]") == 1042
    assert subject_tag("Order 1042 is late") is None
    assert tagged_subject("Your lamp", 1042) == "Your lamp [#1042]"
    assert tagged_subject("Re: Your lamp [#1042]", 1042) == "Re: Your lamp [#1042]"
