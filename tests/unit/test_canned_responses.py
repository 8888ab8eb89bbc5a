"""Canned responses' placeholders, filled without any I/O."""

from __future__ import annotations

import pytest

from chalicelib.domain.canned import CANNED_ID, placeholder_values, render


def values(**overrides):
    given = {
        "customer_name": "Ann  Marie Lee",
        "customer_email": "ann@example.com",
        "agent_name": "Alex Agent",
        "ticket_number": 1042,
        "ticket_subject": "Lamp never arrived",
    }
    given.update(overrides)
    return placeholder_values(**given)


def test_every_known_placeholder_is_filled():
    text = render(
        "Hi {{customer.first_name}} ({{customer.name}}, {{customer.email}}): #{{ticket.number}} "
        "'{{ticket.subject}}' is on its way. {{agent.name}}",
        values(),
    )
    assert text == (
        "Hi Ann (Ann Marie Lee, ann@example.com): #1042 'Lamp never arrived' is on its way. Alex Agent"
    )


def test_spaces_inside_the_braces_are_allowed():
    assert render("Hi {{ customer.first_name }}!", values()) == "Hi Ann!"


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_customer_without_a_name_is_greeted_neutrally(name):
    assert render("Hi {{customer.first_name}}, dear {{customer.name}}", values(customer_name=name)) == (
        "Hi there, dear there"
    )


def test_other_missing_values_become_empty():
    text = render(
        "[{{customer.email}}][{{agent.name}}][{{ticket.subject}}][{{ticket.number}}]",
        values(customer_email=None, agent_name=None, ticket_subject="", ticket_number=None),
    )
    assert text == "[][][][]"


@pytest.mark.parametrize(
    "template",
    ["{{customer.phone}}", "{{ order.id }}", "{{customer.name", "{customer.name}", "{{CUSTOMER.NAME}}", "{{}}"],
)
def test_unknown_or_malformed_placeholders_are_left_as_written(template):
    assert render(template, values()) == template


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again():
    sneaky = values(customer_name="{{agent.name}}", ticket_subject="{{customer.email}}")
    assert render("{{customer.name}} / {{ticket.subject}}", sneaky) == "{{agent.name}} / {{customer.email}}"


def test_text_without_placeholders_is_unchanged():
    body = "Thanks for waiting.\n\nWe'll be in touch {soon}. 100% sure."
    assert render(body, values()) == body


@pytest.mark.parametrize("good", ["shipping-delay", "a", "refund_2", "0" * 40])
def test_ids_that_are_accepted(good):
    assert CANNED_ID.fullmatch(good)


@pytest.mark.parametrize("bad", ["", "Shipping", "-x", "_x", "a b", "a/b", "x" * 41, "über"])
def test_ids_that_are_refused(bad):
    assert not CANNED_ID.fullmatch(bad)
