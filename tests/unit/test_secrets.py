"""No secret has a default that works: an empty or short one fails loudly at its first use,
naming the variable to set, instead of signing (or verifying) with an empty key."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.adapters.visitor_tokens import VisitorTokens
from chalicelib.config import Settings
from chalicelib.domain import sla
from chalicelib.domain.chat import user_hash, verify_user_hash
from chalicelib.domain.events import SlaEscalated
from chalicelib.domain.keys import MissingSecretError, signing_key
from chalicelib.domain.mail.threading import reply_address, ticket_from_address
from chalicelib.domain.tickets import Priority, open_ticket
from chalicelib.services.sla import SlaService

GOOD = "k" * 48
SUPPORT = "support@lamps.example"


@pytest.mark.parametrize("secret", ["", "x", "y" * 31])
def test_a_key_under_32_characters_is_refused_and_named(secret):
    with pytest.raises(MissingSecretError, match="DESK_MAIL_SECRET"):
        signing_key(secret, "mail")
    assert signing_key("z" * 32, "mail") == b"z" * 32


def test_the_settings_hold_no_secret_by_default():
    settings = Settings.from_env({})
    assert (settings.widget_secret, settings.identity_secret, settings.mail_secret, settings.webhook_secret) == (
        "", "", "", ""
    )


def test_visitor_tokens_are_neither_issued_nor_accepted_with_an_empty_key():
    with pytest.raises(MissingSecretError, match="DESK_WIDGET_SECRET"):
        VisitorTokens("").issue("cus_1")
    token, _ = VisitorTokens(GOOD).issue("cus_1")
    with pytest.raises(MissingSecretError, match="DESK_WIDGET_SECRET"):
        VisitorTokens("").verify(token)
    assert VisitorTokens(GOOD).verify(token) == "cus_1"


def test_the_identity_hash_is_not_checked_against_an_empty_key():
    forged = hmac.new(b"", b"user-1", hashlib.sha256).hexdigest()  # what anyone could compute
    with pytest.raises(MissingSecretError, match="DESK_IDENTITY_SECRET"):
        verify_user_hash("", "user-1", forged)
    with pytest.raises(MissingSecretError):
        user_hash("", "user-1")
    assert verify_user_hash(GOOD, "user-1", user_hash(GOOD, "user-1"))


def test_reply_addresses_are_neither_signed_nor_trusted_with_an_empty_key():
    with pytest.raises(MissingSecretError, match="DESK_MAIL_SECRET"):
        reply_address("", SUPPORT, "tkt_abc")
    forged = "support+tkt_abc." + hmac.new(b"", b"tkt_abc", hashlib.sha256).hexdigest()[:16] + "@lamps.example"
    with pytest.raises(MissingSecretError):
        ticket_from_address("", SUPPORT, forged)


def test_webhooks_are_not_sent_unsigned():
    posted = []
    policy = {"id": "p1", "targets": {"first_response": 30}, "business_hours": False,
              "on_breach": [{"action": "webhook", "value": "https://hooks.example/sla"}]}
    service = SlaService(
        store=None, config=SimpleNamespace(policies=lambda: [policy]), calendars=None, tickets=None,  # type: ignore[arg-type]
        notify_agents=lambda frame, to: None,
        post_webhook=lambda url, body, headers: posted.append(headers) or 200, webhook_secret="",
    )
    now = datetime.now(UTC)
    ticket = open_ticket(ticket_id="tkt_1", number=1001, subject="Lamp", customer_id="cus_1", channel="email",
                         now=now, priority=Priority.HIGH)
    ticket = replace(ticket, sla=sla.SlaState("p1"))
    breach = SlaEscalated(ticket, "first_response", "breach", now, "first_response:breach:x", event_id="e1")
    with pytest.raises(MissingSecretError, match="DESK_WEBHOOK_SECRET"):
        service.on_escalated_webhook(breach)
    assert posted == []
    service.webhook_secret = GOOD
    service.on_escalated_webhook(breach)
    assert posted[0]["X-Desk-Signature"].startswith("sha256=") and posted[0]["X-Desk-Delivery"] == "e1"


def test_the_template_injects_every_secret_from_secrets_manager():
    from infra import template

    environment = template.function_environment("prod")
    for variable, logical_id in template.SECRETS.items():
        assert "resolve:secretsmanager" in str(environment[variable]) and logical_id in str(environment[variable])
    assert set(template.SECRETS) == {"DESK_WIDGET_SECRET", "DESK_IDENTITY_SECRET", "DESK_MAIL_SECRET", "DESK_WEBHOOK_SECRET"}
