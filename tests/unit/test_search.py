"""Search terms and the search service over the in-memory fakes: folding, prefixes, what a
query is read as, AND across words, and pages that neither skip nor repeat a ticket however
the per-word lists are cut."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import BadRequestError
from chalicelib.domain.people import Principal, Role
from chalicelib.domain.search import Query, index_terms, parse_query, words
from chalicelib.services.tickets import OpenTicket, PostMessage
from tests.unit.fakes import Desk

AGENT = Principal("agt_1", "a@example.com", Role.AGENT)


def test_words_are_folded_and_common_words_left_out():
    assert words("Hello, the CAFÉ's Straße — lamp #1001!") == ["cafe", "strasse", "lamp", "1001"]
    assert words("a I x") == []


def test_a_word_is_indexed_with_its_prefixes_from_three_letters_up_to_ten():
    terms = index_terms(["Lampshades internationalisation ok"])
    assert {"lam", "lamp", "lampshades", "ok", "internatio"} <= terms
    assert "la" not in terms and "internationalisation" not in terms


def test_a_query_is_a_number_an_address_or_words():
    assert parse_query(" #1001 ") == Query(number=1001)
    assert parse_query("1001") == Query(number=1001)
    assert parse_query("Ann@Example.com") == Query(email="ann@example.com")
    assert parse_query("Lamp flickers internationalisation") == Query(words=("lamp", "flickers", "internatio"))


def open_with(desk, subject, body, email="ann@example.com"):
    ticket, _ = desk.tickets.open(OpenTicket(subject=subject, customer_email=email, body=body), None)
    return ticket


def test_every_word_must_match_and_a_reply_or_note_is_found_too():
    desk = Desk()
    lamp = open_with(desk, "Lamp broken", "It arrived broken.")
    cable = open_with(desk, "Cable", "The cable is broken.", email="bo@example.com")
    desk.tickets.post_message(cable.id, PostMessage(body="Courier called"), None)
    desk.deliver()
    found = lambda q: [t.number for t in desk.search.search(q, AGENT, limit=10, cursor=None).tickets]  # noqa: E731
    assert found("broken") == [cable.number, lamp.number]
    assert found("brok lamp") == [lamp.number]
    assert found("courier") == [cable.number]
    assert found("bo example") == [cable.number]  # the customer's address
    assert found("broken nowhere") == []
    with pytest.raises(BadRequestError):
        desk.search.search("!!", AGENT, limit=10, cursor=None)


@pytest.mark.parametrize("per_term", [2, 3, 7, 200])
def test_pages_find_every_match_once_newest_first_however_the_lists_are_cut(per_term):
    desk = Desk()
    both = []
    for i in range(24):
        body = "alpha beta" if i % 3 == 0 else "alpha" if i % 3 == 1 else "beta"
        ticket = open_with(desk, f"Ticket {i}", body)
        if i % 3 == 0:
            both.append(ticket.number)
    desk.deliver()
    desk.search.PER_TERM = per_term
    seen, cursor, pages = [], None, 0
    while True:
        page = desk.search.search("alpha beta", AGENT, limit=3, cursor=cursor)
        assert len(page.tickets) <= 3
        seen += [t.number for t in page.tickets]
        cursor, pages = page.cursor, pages + 1
        if cursor is None:
            break
        assert pages < 50
    assert seen == sorted(both, reverse=True)
