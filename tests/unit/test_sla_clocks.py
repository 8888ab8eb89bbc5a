"""SLA clocks, pure: exact instants on a 09:00-17:00 Berlin calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import sla
from chalicelib.domain.hours import Calendar, Slot
from chalicelib.domain.sla import Level, Metric

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = Calendar("Europe/Berlin", {d: (Slot.parse("09:00-17:00"),) for d in range(5)})
POLICY = sla.Policy(
    id="p", name="P", targets={Metric.FIRST_RESPONSE: 60, Metric.NEXT_RESPONSE: 30, Metric.RESOLUTION: 480},
    priorities=frozenset({"urgent", "high"}),
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def test_a_new_ticket_starts_first_response_and_resolution_in_business_time():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 27, 16, 30))  # Friday 16:30
    first = state.clocks[Metric.FIRST_RESPONSE]
    assert first.due_at == at(2026, 11, 30, 9, 30)  # 30 minutes Friday, 30 on Monday
    assert first.warn_at == at(2026, 11, 30, 9, 18)  # 48 minutes in
    assert state.clocks[Metric.RESOLUTION].due_at == at(2026, 11, 30, 16, 30)
    assert Metric.NEXT_RESPONSE not in state.clocks


def test_calendar_time_counts_nights_and_weekends():
    policy = sla.Policy(id="c", name="C", targets={Metric.FIRST_RESPONSE: 60}, business_hours=False)
    state = sla.start(policy, Calendar.always_open(), at(2026, 11, 27, 16, 30))
    assert state.clocks[Metric.FIRST_RESPONSE].due_at == at(2026, 11, 27, 17, 30)


def test_the_first_matching_policy_applies():
    other = sla.Policy(id="all", name="All", targets={Metric.FIRST_RESPONSE: 600})
    email_only = sla.Policy(id="mail", name="Mail", targets={Metric.FIRST_RESPONSE: 5}, channels=frozenset({"email"}),
                            tags=frozenset({"vip"}))
    policies = [email_only, POLICY, other]
    assert sla.select_policy(policies, "urgent", "chat", ()).id == "p"
    assert sla.select_policy(policies, "low", "email", ("vip",)).id == "mail"
    assert sla.select_policy(policies, "low", "email", ("other",)).id == "all"
    assert sla.select_policy([POLICY], "low", "chat", ()) is None


def test_an_agent_reply_meets_first_response_and_a_late_one_is_recorded_as_breached():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 24, 10, 0))
    on_time = sla.on_agent_reply(state, at(2026, 11, 24, 10, 59))
    assert on_time.clocks[Metric.FIRST_RESPONSE].met_at == at(2026, 11, 24, 10, 59)
    assert not on_time.clocks[Metric.FIRST_RESPONSE].breached
    late = sla.on_agent_reply(state, at(2026, 11, 24, 11, 1))
    assert late.clocks[Metric.FIRST_RESPONSE].breached
    assert late.clocks[Metric.RESOLUTION].running  # a reply does not resolve


def test_next_response_runs_from_the_first_unanswered_customer_message():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 24, 10, 0))
    assert sla.on_customer_message(state, POLICY, OFFICE, at(2026, 11, 24, 10, 5)) == state  # first still waits
    state = sla.on_agent_reply(state, at(2026, 11, 24, 10, 10))
    state = sla.on_customer_message(state, POLICY, OFFICE, at(2026, 11, 24, 16, 50))
    assert state.clocks[Metric.NEXT_RESPONSE].due_at == at(2026, 11, 25, 9, 20)
    again = sla.on_customer_message(state, POLICY, OFFICE, at(2026, 11, 24, 16, 55))
    assert again.clocks[Metric.NEXT_RESPONSE].due_at == at(2026, 11, 25, 9, 20)  # still the first one
    answered = sla.on_agent_reply(again, at(2026, 11, 25, 9, 0))
    assert answered.clocks[Metric.NEXT_RESPONSE].met_at == at(2026, 11, 25, 9, 0)


def test_pending_pauses_resolution_and_resuming_keeps_what_was_used():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 24, 9, 0))  # due 17:00
    state = sla.on_status(state, POLICY, OFFICE, "open", "pending", at(2026, 11, 24, 12, 0))  # 180 used
    paused = state.clocks[Metric.RESOLUTION]
    assert paused.paused and paused.due_at is None and paused.used == 180
    assert sla.next_timer(state, ()) == state.clocks[Metric.FIRST_RESPONSE].warn_at  # resolution has none
    state = sla.on_status(state, POLICY, OFFICE, "pending", "open", at(2026, 11, 26, 16, 0))  # 300 left
    assert state.clocks[Metric.RESOLUTION].due_at == at(2026, 11, 27, 13, 0)


def test_solving_stops_resolution_and_reopening_carries_on_from_what_was_spent():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 24, 9, 0))
    state = sla.on_agent_reply(state, at(2026, 11, 24, 9, 30))
    state = sla.on_status(state, POLICY, OFFICE, "open", "solved", at(2026, 11, 24, 11, 0))  # 120 used
    assert state.clocks[Metric.RESOLUTION].met_at == at(2026, 11, 24, 11, 0)
    assert sla.pending(state) == []  # nothing left to fire
    state = sla.on_status(state, POLICY, OFFICE, "solved", "open", at(2026, 11, 25, 9, 0))
    resolution = state.clocks[Metric.RESOLUTION]
    assert resolution.met_at is None and resolution.due_at == at(2026, 11, 25, 15, 0)  # 360 left


def test_due_escalations_run_once_each_and_a_late_tick_catches_up():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 24, 9, 0))
    late = at(2026, 11, 24, 10, 30)  # past both first-response instants
    found = sla.due(state, (), late)
    assert [(d.metric, d.level) for d in found] == [
        (Metric.FIRST_RESPONSE, Level.WARNING), (Metric.FIRST_RESPONSE, Level.BREACH),
    ]
    assert all(d.due_at == at(2026, 11, 24, 10, 0) for d in found)
    fired = {d.mark for d in found}
    assert sla.due(state, fired, late) == []
    assert sla.next_timer(state, fired) == state.clocks[Metric.RESOLUTION].warn_at


def test_a_new_policy_retargets_running_clocks_from_their_start():
    state = sla.start(POLICY, OFFICE, at(2026, 11, 24, 9, 0))
    faster = sla.Policy(id="fast", name="Fast", targets={Metric.FIRST_RESPONSE: 15})
    retargeted = sla.retarget(state, faster, OFFICE)
    assert retargeted.policy_id == "fast"
    assert retargeted.clocks[Metric.FIRST_RESPONSE].due_at == at(2026, 11, 24, 9, 15)
    assert Metric.RESOLUTION not in retargeted.clocks  # the new policy has no resolution target
    # The escalation marks name the clock's start: a retarget does not run a breach twice.
    assert {d.mark for d in sla.pending(retargeted)} <= {d.mark for d in sla.pending(state)}


def test_the_stored_form_round_trips():
    state = sla.on_status(sla.start(POLICY, OFFICE, at(2026, 11, 24, 9, 0)), POLICY, OFFICE, "open", "pending",
                          at(2026, 11, 24, 9, 45))
    assert sla.from_dict(sla.to_dict(state)) == state


@pytest.mark.parametrize("now, minutes", [(at(2026, 11, 24, 9, 30), 30.0), (at(2026, 11, 24, 10, 15), -15.0)])
def test_remaining_minutes_go_negative_once_overdue(now, minutes):
    clock = sla.start(POLICY, OFFICE, at(2026, 11, 24, 9, 0)).clocks[Metric.FIRST_RESPONSE]
    assert sla.remaining_minutes(clock, OFFICE, now) == minutes
