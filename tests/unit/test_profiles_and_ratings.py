"""Agents' profile edits and customers' ratings, as rules without storage."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from chalicelib.domain.errors import UnprocessableError
from chalicelib.domain.people import profile_changes
from chalicelib.domain.tickets import Status, open_ticket, rating_for

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_a_profile_edit_is_trimmed_and_null_or_blank_clears():
    assert profile_changes({"name": "  Alex  ", "title": "  ", "avatar_url": None, "timezone": "Europe/Tallinn"}) == {
        "name": "Alex", "title": None, "avatar_url": None, "timezone": "Europe/Tallinn",
    }
    assert profile_changes({"title": "Support lead"}) == {"title": "Support lead"}  # the rest untouched


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "Europe/Berlinn"])
def test_an_unknown_time_zone_is_refused(zone):
    with pytest.raises(UnprocessableError) as refused:
        profile_changes({"timezone": zone})
    assert refused.value.code == "unknown_timezone" and refused.value.details == {"timezone": zone}


def test_the_name_cannot_be_cleared():
    with pytest.raises(UnprocessableError) as refused:
        profile_changes({"name": None})
    assert refused.value.code == "name_required"


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "he", "et", None])
def test_the_console_language_is_one_of_the_widget_s_six_or_none(language):
    assert profile_changes({"language": language}) == {"language": language}


@pytest.mark.parametrize("language", ["xx", "DE", "de-AT", ""])
def test_a_console_language_the_console_does_not_ship_is_refused(language):
    with pytest.raises(UnprocessableError) as refused:
        profile_changes({"language": language})
    assert refused.value.code == "unknown_language" and refused.value.details == {"language": language}


def a_ticket(status: Status):
    ticket = open_ticket(ticket_id="tkt_1", number=1001, subject="Hi", customer_id="cus_1", channel="chat", now=T0)
    return dataclasses.replace(ticket, status=status)


@pytest.mark.parametrize("status", [Status.SOLVED, Status.CLOSED])
def test_a_solved_or_closed_conversation_can_be_rated(status):
    rating = rating_for(a_ticket(status), 4, "  Quick and kind  ", T0)
    assert (rating.score, rating.comment, rating.rated_at) == (4, "Quick and kind", T0)
    assert rating.as_dict() == {"score": 4, "comment": "Quick and kind", "rated_at": "2026-11-22T09:00:00.000000Z"}
    assert rating_for(a_ticket(status), 5, "   ", T0).comment is None


@pytest.mark.parametrize("status", [Status.NEW, Status.OPEN, Status.PENDING])
def test_an_unsolved_conversation_cannot_be_rated(status):
    with pytest.raises(UnprocessableError) as refused:
        rating_for(a_ticket(status), 5, None, T0)
    assert refused.value.code == "conversation_not_solved"
    assert refused.value.details == {"status": status.value}
