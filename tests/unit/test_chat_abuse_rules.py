"""The rules behind issue #12's fixes that need no stack: which addresses a transcript may go
to (see tests/e2e/test_chat_abuse.py for the frames)."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import mail_address
from chalicelib.services.customers import CustomerService
from tests.unit.fakes import FakeCustomers


@pytest.mark.parametrize("text", [
    "not an email", "a@b@c", "ok@example.com\r\nBcc: x@example.org", "ok@example.com\nBcc: x@example.org",
    "a@b.c,d@e.f", "<a@b.c>", "Eve <eve@example.org>", "a@localhost", "x@[10.0.0.1]", "", "@example.org",
    "tab\t@example.org",
])
def test_anything_but_one_plain_address_is_no_address(text):
    assert mail_address(text) is None


def test_a_plain_address_is_kept_as_it_is():
    assert mail_address("Tia.Lee+desk@Example.com") == "Tia.Lee+desk@Example.com"


def test_only_a_proven_address_is_one_a_transcript_may_go_to():
    customers = CustomerService(FakeCustomers())
    typed = customers.create_anonymous("Mallory", "victim@example.org")
    filled = customers.fill_in(customers.create_anonymous(None, None).id, None, "victim@example.org")
    by_mail = customers.find_or_create("Mail.Sender@example.com")
    signed_in = customers.find_or_create_identified("u-1", "ida@example.com", "Ida", email_proven=True)
    page_says = customers.find_or_create_identified("u-3", "victim@example.org", "Ida")  # not signed
    signed_in_later = customers.fill_in(customers.find_or_create_identified("u-2", None, None).id, None,
                                        "victim@example.org")
    assert customers.proven_email(typed) is None
    assert customers.proven_email(filled) is None
    assert customers.proven_email(signed_in_later) is None  # added later by the browser alone
    assert customers.proven_email(by_mail) == "mail.sender@example.com"
    assert customers.proven_email(signed_in) == "ida@example.com"
    assert customers.proven_email(page_says) is None
