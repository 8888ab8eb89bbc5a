"""The portal's rules without any storage: the form token and its spam checks, the mail it
sends in every language, and whose tickets an address reaches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain import portal as rules
from chalicelib.domain.events import PortalLinkRequested
from chalicelib.domain.phrases import LANGUAGES
from chalicelib.services.customers import CustomerService
from tests.unit.fakes import FakeCustomers

KEY = b"k" * 32
TICKET = "tkt_" + "a" * 25


def test_a_form_token_names_its_ticket_and_time_and_cannot_be_altered():
    token = rules.form_token(KEY, TICKET, 1_000)
    assert rules.read_form_token(KEY, token) == rules.FormToken(TICKET, 1_000)
    assert rules.read_form_token(b"x" * 32, token) is None  # another desk's
    for forged in (token.replace("1000", "9999"), token.replace(TICKET, "tkt_" + "b" * 25), token + "x", "pf1.x.1.y"):
        assert rules.read_form_token(KEY, forged) is None, forged


@pytest.mark.parametrize("seconds_later,honeypot,refusal", [
    (0, None, "form_too_fast"), (2, None, "form_too_fast"), (3, None, None), (7200, None, None),
    (7201, None, "form_expired"), (10, "http://spam.example", "form_refused"), (10, "", None),
])
def test_a_form_is_sent_by_a_person_in_time(seconds_later, honeypot, refusal):
    form = rules.FormToken(TICKET, 1_000)
    assert rules.form_refusal(form, honeypot, 1_000 + seconds_later) == refusal
    assert rules.form_refusal(None, None, 1_000 + seconds_later) == "form_invalid"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portal_mails_fixed_text_the_number_and_the_link_in_each_language(language):
    subject, text = rules.acknowledgement_mail(language, 1234, "https://desk.example/portal#link=abc")
    assert "1234" in subject and "1234" in text and "https://desk.example/portal#link=abc" in text
    link_subject, link_text = rules.link_mail(language, "https://desk.example/portal#link=abc")
    assert link_subject == rules.LINK_SUBJECT[language] and "15" in link_text
    assert rules.acknowledgement_mail("xx", 1, "l")[0] == rules.ACK_SUBJECT["en"].format(number=1)


def test_link_tokens_are_kept_as_digests_and_a_retry_derives_the_same_one():
    token = rules.derived_link_token(KEY, "event-1")
    assert token == rules.derived_link_token(KEY, "event-1") != rules.derived_link_token(KEY, "event-2")
    assert rules.link_digest(token) != token and len(rules.link_digest(token)) == 64


def test_an_address_reaches_its_own_customer_and_those_the_business_proved_it_for():
    customers = CustomerService(FakeCustomers())
    own = customers.find_or_create("Ann@Example.org")
    proven = customers.find_or_create_identified("u1", "ann@example.org", "Ann", email_proven=True)
    customers.find_or_create_identified("u2", "ann@example.org", "Not Ann")  # unproven: the page said so
    customers.create_anonymous("Typed", "ann@example.org")  # a chat visitor typed it: proves nothing
    assert customers.ids_for_address("ANN@example.org") == [own.id, proven.id]
    assert customers.ids_for_address("nobody@example.org") == []


class _Links:
    def __init__(self) -> None:
        self.links: dict[str, tuple[str, int]] = {}
        self.requested: list[PortalLinkRequested] = []  # what the stream would derive

    def add(self, digest: str, email: str, valid_until: int, *, nonce: str | None = None,
            language: str | None = None, base_url: str | None = None) -> bool:
        if nonce is not None and digest not in self.links:
            self.requested.append(PortalLinkRequested(digest, email, nonce, valid_until, language, base_url))
        return self.links.setdefault(digest, (email, valid_until)) == (email, valid_until)

    def use(self, digest: str, now: int) -> tuple[str, str | None]:
        return (rules.LinkState.VALID, self.links[digest][0]) if digest in self.links else (rules.LinkState.UNKNOWN, None)


def _portal(customers: CustomerService, mailer, limits, public_url: str = "https://desk.example"):
    from chalicelib.services.portal import PortalService
    from chalicelib.services.rate_limits import RateLimiter

    class _Counters:
        def increment(self, key: str, expires_at: int) -> int:
            return 1

        def current(self, key: str) -> int:
            return 0

    return PortalService(
        tickets=None, customers=customers, links=_Links(), sessions=None, files=None, mailer=mailer,  # type: ignore[arg-type]
        limits=RateLimiter(_Counters(), {}), secret="s" * 32, public_url=public_url,
        suppressed=limits.is_suppressed,
    )


def test_a_sign_in_link_goes_to_a_known_address_unless_mail_to_it_is_suppressed_and_a_refusal_is_retried():
    from tests.unit.fakes import FakeMailer, FakeMailLimits

    customers, mailer, limits = CustomerService(FakeCustomers()), FakeMailer(), FakeMailLimits()
    portal = _portal(customers, mailer, limits, public_url="")  # no DESK_PUBLIC_URL: the request's address
    customers.find_or_create("ann@example.org")
    customers.find_or_create("bounced@example.org")
    limits.suppress("bounced@example.org", "bounce", datetime.now(UTC).isoformat())  # bounced just now
    for address in ("ann@example.org", "bounced@example.org", "nobody@example.org"):
        portal.send_link(address, "de", "https://abc.execute-api.eu-west-1.amazonaws.com/api")
    assert mailer.sent == []  # the request only stores the link; the stream mails it
    (requested,) = portal.links.requested
    assert requested.email == "ann@example.org" and requested.nonce not in requested.digest
    mailer.failures = 1  # SES refuses: the reaction fails, so the stream tries again
    with pytest.raises(ConnectionError):
        portal.on_link_requested(requested)
    portal.on_link_requested(requested)
    (mail,) = mailer.sent
    text = mail.message.get_content()
    assert mail.to == ["ann@example.org"] and mail.message["Subject"] == rules.LINK_SUBJECT["de"]
    token = text.split("https://abc.execute-api.eu-west-1.amazonaws.com/api/portal#link=")[1].split()[0]
    assert rules.link_digest(token) == requested.digest  # the link stored, not another


def test_a_sign_in_link_points_at_the_desks_public_address_when_the_operator_set_one():
    from tests.unit.fakes import FakeMailer, FakeMailLimits

    customers, mailer = CustomerService(FakeCustomers()), FakeMailer()
    portal = _portal(customers, mailer, FakeMailLimits(), public_url="https://help.example.com")
    customers.find_or_create("ann@example.org")
    portal.send_link("ann@example.org", "en", "https://abc.execute-api.eu-west-1.amazonaws.com/api")
    (requested,) = portal.links.requested
    portal.on_link_requested(requested)
    (mail,) = mailer.sent
    assert "https://help.example.com/portal#link=" in mail.message.get_content()
