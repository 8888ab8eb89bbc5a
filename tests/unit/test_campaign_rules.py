"""Proactive chat: when a campaign greets (its rules on a clock the test drives), at most once
per visitor, and its greeting in the conversation only for a visitor it greeted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.campaigns import CampaignShown, Visit, eligible, origin_allowed, url_matches
from chalicelib.domain.errors import UnprocessableError
from chalicelib.services.campaigns import CampaignService
from tests.unit.fakes import FakeCampaignStore, FakeClock, agent

LAMPS = {"name": "Lamps", "message": "Need help choosing a lamp?", "agent_id": "agt_alex",
         "conditions": {"url": "/lamps*", "seconds_on_page": 10}}


def visit(clock: FakeClock, **given) -> Visit:
    facts = {"url": "https://shop.example/lamps.html", "page_opened_at": clock(), "pages_seen": 1,
             "returning": False, "language": "en", **given}
    return Visit(**facts)


def test_the_lamps_campaign_greets_after_ten_seconds_on_the_lamps_page_and_not_before():
    clock = FakeClock()
    on_lamps = visit(clock)
    clock.now += timedelta(seconds=9)
    assert not eligible(LAMPS, on_lamps, clock(), desk_open=True)
    clock.now += timedelta(seconds=1)
    assert eligible(LAMPS, on_lamps, clock(), desk_open=True)
    assert not eligible(LAMPS, visit(clock, url="https://shop.example/", page_opened_at=clock.now - timedelta(minutes=5)),
                        clock(), desk_open=True)


@pytest.mark.parametrize(("conditions", "facts", "desk_open", "greets"), [
    ({"pages_seen": 3}, {"pages_seen": 2}, True, False),
    ({"pages_seen": 3}, {"pages_seen": 3}, True, True),
    ({"visitor": "new"}, {"returning": True}, True, False),
    ({"visitor": "returning"}, {"returning": True}, True, True),
    ({"visitor": "returning"}, {"returning": False}, True, False),
    ({"business_hours_only": True}, {}, False, False),
    ({"business_hours_only": True}, {}, True, True),
    ({"languages": ["de", "fr"]}, {"language": "en"}, True, False),
    ({"languages": ["de", "fr"]}, {"language": "de"}, True, True),
    ({"url": "https://shop.example/*"}, {"url": "https://other.example/lamps.html"}, True, False),
])
def test_each_condition_decides(conditions, facts, desk_open, greets):
    clock = FakeClock()
    campaign = {**LAMPS, "conditions": conditions}
    assert eligible(campaign, visit(clock, **facts), clock(), desk_open=desk_open) is greets


def test_a_disabled_campaign_never_greets():
    clock = FakeClock()
    assert not eligible({**LAMPS, "enabled": False, "conditions": {}}, visit(clock), clock(), desk_open=True)


def test_url_patterns_and_allowed_sites():
    assert url_matches("/lamps*", "https://shop.example/lamps.html?colour=brass")
    assert not url_matches("/lamps*", "https://shop.example/shop/lamps.html")
    assert url_matches(None, "https://shop.example/anything")
    assert origin_allowed([], None)
    assert origin_allowed(["https://shop.example"], "https://SHOP.example")
    assert not origin_allowed(["https://shop.example"], "https://evil.example")
    assert not origin_allowed(["https://shop.example"], None)


def service(clock: FakeClock, store: FakeCampaignStore, desk_open: bool = True) -> CampaignService:
    alex = agent()
    return CampaignService(store, lambda i: alex if i == alex.id else None, lambda: desk_open, clock)


FACTS = {"url": "https://shop.example/lamps.html", "pages_seen": 1, "returning": False, "language": "en"}


def test_a_visitor_is_greeted_once_and_counted_from_the_events():
    clock, store = FakeClock(), FakeCampaignStore()
    campaigns = service(clock, store)
    cid = campaigns.create(LAMPS)["id"]
    with pytest.raises(UnprocessableError) as early:
        campaigns.show(cid, "cus_ann", {**FACTS, "seconds_on_page": 9})
    assert early.value.code == "campaign_not_eligible" and early.value.details == {"unmet": ["seconds_on_page"]}
    shown = campaigns.show(cid, "cus_ann", {**FACTS, "seconds_on_page": 10})
    assert shown["show"] and shown["message"] == "Need help choosing a lamp?" and shown["agent"]["name"] == "Alex Agent"
    assert campaigns.show(cid, "cus_ann", {**FACTS, "seconds_on_page": 60}) == {"show": False}  # a reload
    assert campaigns.show(cid, "cus_bob", {**FACTS, "seconds_on_page": 60})["show"]
    campaigns.on_event(CampaignShown(cid, "cus_ann"))
    assert campaigns.get(cid)["shown"] == 1


def test_the_greeting_opens_the_conversation_only_for_a_visitor_it_greeted_and_once():
    clock, store = FakeClock(), FakeCampaignStore()
    campaigns = service(clock, store)
    cid = campaigns.create(LAMPS)["id"]
    assert campaigns.greeting_for_reply(cid, "cus_ann") is None  # never greeted: nothing to quote
    campaigns.show(cid, "cus_ann", {**FACTS, "seconds_on_page": 10})
    assert campaigns.greeting_for_reply(cid, "cus_ann") == ("Need help choosing a lamp?", "agt_alex")
    assert campaigns.greeting_for_reply(cid, "cus_ann") is None


def test_a_campaign_needs_a_real_agent_as_its_sender():
    campaigns = service(FakeClock(), FakeCampaignStore())
    with pytest.raises(UnprocessableError):
        campaigns.create({**LAMPS, "agent_id": "agt_nobody"})
