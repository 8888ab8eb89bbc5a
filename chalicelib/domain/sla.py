"""Service-level targets: which policy a ticket falls under, when each of its clocks is due,
and what happens when one is about to run out (a warning) or has (a breach).

Three clocks, as agents know them from Zendesk and Freshdesk:

- first response: from the ticket's creation to the first public agent reply;
- next response: from a customer message that waits for an answer to the agent reply to it;
- resolution: from creation to solved, paused while the ticket is pending or on hold (the
  ball is in the customer's court), resumed with what was left.

A clock measures business time on the policy's calendar, or calendar time (a 24/7 calendar).
Everything here is pure: the caller passes ``now`` and the calendar.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .clock import from_iso, to_iso
from .hours import Calendar


class Metric(enum.StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


class Level(enum.StrEnum):
    WARNING = "warning"
    BREACH = "breach"


class ActionKind(enum.StrEnum):
    RAISE_PRIORITY = "raise_priority"
    ASSIGN_TEAM = "assign_team"
    ASSIGN_AGENT = "assign_agent"
    ADD_TAG = "add_tag"
    NOTIFY = "notify"  # the assignee (or everyone, when unassigned) over the websocket and by mail
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    value: str | None = None  # the team, agent id, tag or webhook URL


@dataclass(frozen=True)
class Policy:
    """Targets in minutes for the tickets it matches; the first matching policy applies."""

    id: str
    name: str
    targets: Mapping[Metric, int]
    priorities: frozenset[str] = frozenset()  # empty: any
    channels: frozenset[str] = frozenset()  # empty: any
    tags: frozenset[str] = frozenset()  # empty: any; else the ticket has at least one
    business_hours: bool = True
    calendar: str = "desk"  # which calendar counts business time
    warn_share: float = 0.8
    on_warning: tuple[Action, ...] = ()
    on_breach: tuple[Action, ...] = ()

    def matches(self, priority: str, channel: str, tags: Iterable[str]) -> bool:
        return (
            (not self.priorities or priority in self.priorities)
            and (not self.channels or channel in self.channels)
            and (not self.tags or bool(self.tags & set(tags)))
        )

    def actions(self, level: Level) -> tuple[Action, ...]:
        return self.on_warning if level == Level.WARNING else self.on_breach


def select_policy(policies: Sequence[Policy], priority: str, channel: str, tags: Iterable[str]) -> Policy | None:
    tags = tuple(tags)
    return next((p for p in policies if p.matches(priority, channel, tags)), None)


@dataclass(frozen=True)
class Clock:
    """One running (or stopped) target. ``used`` is business minutes spent before the latest
    ``resumed_at``; while paused, ``due_at`` is None and ``used`` holds everything spent."""

    target: int
    started_at: datetime  # when this clock first started: names it, so an escalation runs once
    resumed_at: datetime
    used: float = 0.0
    due_at: datetime | None = None
    warn_at: datetime | None = None
    met_at: datetime | None = None
    paused: bool = False
    breached: bool = False

    @property
    def running(self) -> bool:
        return self.met_at is None and not self.paused


@dataclass(frozen=True)
class SlaState:
    policy_id: str
    clocks: Mapping[Metric, Clock] = field(default_factory=dict)

    def with_clock(self, metric: Metric, clock: Clock | None) -> SlaState:
        clocks = dict(self.clocks)
        if clock is None:
            clocks.pop(metric, None)
        else:
            clocks[metric] = clock
        return replace(self, clocks=clocks)


@dataclass(frozen=True)
class Due:
    """A warning or breach whose time has come; ``mark`` makes running it idempotent."""

    metric: Metric
    level: Level
    at: datetime  # when it fires
    due_at: datetime  # the target it is about
    mark: str


def _schedule(clock: Clock, policy: Policy, calendar: Calendar) -> Clock:
    """Work out due and warning instants from where the clock (re)started."""
    left = max(0.0, clock.target - clock.used)
    due = calendar.add_business_minutes(clock.resumed_at, left)
    warn_left = clock.target * policy.warn_share - clock.used
    warn = calendar.add_business_minutes(clock.resumed_at, warn_left) if warn_left > 0 else clock.resumed_at
    return replace(clock, due_at=due, warn_at=warn, paused=False)


def start_clock(metric: Metric, policy: Policy, calendar: Calendar, at: datetime) -> Clock | None:
    target = policy.targets.get(metric)
    if not target:
        return None
    return _schedule(Clock(target=target, started_at=at, resumed_at=at), policy, calendar)


def start(policy: Policy, calendar: Calendar, created_at: datetime) -> SlaState:
    """A new ticket: first response and resolution run from its creation."""
    state = SlaState(policy.id)
    for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
        state = state.with_clock(metric, start_clock(metric, policy, calendar, created_at))
    return state


def _meet(clock: Clock | None, now: datetime) -> Clock | None:
    if clock is None or not clock.running:
        return clock
    return replace(clock, met_at=now, breached=clock.breached or (clock.due_at is not None and now > clock.due_at))


def on_agent_reply(state: SlaState, now: datetime) -> SlaState:
    """A public agent reply answers the first response and any waiting next response."""
    for metric in (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE):
        state = state.with_clock(metric, _meet(state.clocks.get(metric), now))
    return state


def on_customer_message(state: SlaState, policy: Policy, calendar: Calendar, now: datetime) -> SlaState:
    """A customer writes again after being answered: the next-response clock starts (one
    already waiting keeps its start: three messages in a row still wait since the first)."""
    first = state.clocks.get(Metric.FIRST_RESPONSE)
    waiting = state.clocks.get(Metric.NEXT_RESPONSE)
    if first is not None and first.met_at is None:
        return state  # still waiting for the first answer: that clock covers it
    if waiting is not None and waiting.running:
        return state
    return state.with_clock(Metric.NEXT_RESPONSE, start_clock(Metric.NEXT_RESPONSE, policy, calendar, now))


PAUSING_STATUSES = frozenset({"pending", "on_hold"})
STOPPING_STATUSES = frozenset({"solved", "closed"})


def on_status(state: SlaState, policy: Policy, calendar: Calendar, old: str, new: str, now: datetime) -> SlaState:
    """Pending or on hold pauses resolution; solved stops it (and any waiting response);
    back to open or new resumes resolution with what was left."""
    resolution = state.clocks.get(Metric.RESOLUTION)
    if new in STOPPING_STATUSES:
        state = state.with_clock(Metric.RESOLUTION, _meet(resolution, now))
        waiting = state.clocks.get(Metric.NEXT_RESPONSE)
        if waiting is not None and waiting.running:
            state = state.with_clock(Metric.NEXT_RESPONSE, None)  # nothing to answer any more
        return state
    if resolution is None:
        return state
    if new in PAUSING_STATUSES and resolution.running:
        used = resolution.used + calendar.business_minutes_between(resolution.resumed_at, now)
        return state.with_clock(
            Metric.RESOLUTION, replace(resolution, used=used, paused=True, due_at=None, warn_at=None)
        )
    if new not in PAUSING_STATUSES and (resolution.paused or resolution.met_at is not None):
        if resolution.met_at is not None:  # reopened after solved: carry on from what was spent
            used = resolution.used + calendar.business_minutes_between(resolution.resumed_at, resolution.met_at)
            resolution = replace(resolution, used=used, met_at=None)
        resumed = replace(resolution, resumed_at=now)
        return state.with_clock(Metric.RESOLUTION, _schedule(resumed, policy, calendar))
    return state


def retarget(state: SlaState, policy: Policy, calendar: Calendar) -> SlaState:
    """Another policy applies now (the priority changed): running clocks keep their start
    and what they used, and take the new targets."""
    new = SlaState(policy.id)
    for metric, clock in state.clocks.items():
        target = policy.targets.get(metric)
        if not target:
            continue
        clock = replace(clock, target=target)
        new = new.with_clock(metric, _schedule(clock, policy, calendar) if clock.running else clock)
    return new


def _mark(metric: Metric, level: Level, clock: Clock) -> str:
    return f"{metric.value}:{level.value}:{to_iso(clock.started_at)}"


def parse_mark(mark: str) -> tuple[str, str]:
    """The metric and level a mark names."""
    metric, level, _ = mark.split(":", 2)
    return Metric(metric).value, Level(level).value


def pending(state: SlaState) -> list[Due]:
    """Every warning and breach of the running clocks, fired or not, soonest first."""
    found = []
    for metric, clock in state.clocks.items():
        if not clock.running or clock.due_at is None or clock.warn_at is None:
            continue
        found.append(Due(metric, Level.WARNING, clock.warn_at, clock.due_at, _mark(metric, Level.WARNING, clock)))
        found.append(Due(metric, Level.BREACH, clock.due_at, clock.due_at, _mark(metric, Level.BREACH, clock)))
    return sorted(found, key=lambda d: d.at)


def due(state: SlaState, fired: Iterable[str], now: datetime) -> list[Due]:
    """What should run now: due, and not run before."""
    done = set(fired)
    return [d for d in pending(state) if d.at <= now and d.mark not in done]


def next_timer(state: SlaState, fired: Iterable[str]) -> datetime | None:
    """When the scheduler should look at this ticket next (None: nothing left to fire)."""
    done = set(fired)
    return next((d.at for d in pending(state) if d.mark not in done), None)


def mark_breached(state: SlaState, metric: Metric) -> SlaState:
    clock = state.clocks.get(metric)
    return state if clock is None else state.with_clock(metric, replace(clock, breached=True))


# ---------------------------------------------------------------- storage shape

def to_dict(state: SlaState) -> dict[str, Any]:
    def clock(c: Clock) -> dict[str, Any]:
        return {
            "target": c.target, "started_at": to_iso(c.started_at), "resumed_at": to_iso(c.resumed_at),
            "used": c.used, "due_at": c.due_at and to_iso(c.due_at), "warn_at": c.warn_at and to_iso(c.warn_at),
            "met_at": c.met_at and to_iso(c.met_at), "paused": c.paused, "breached": c.breached,
        }

    return {"policy_id": state.policy_id, "clocks": {m.value: clock(c) for m, c in state.clocks.items()}}


def from_dict(data: Mapping[str, Any]) -> SlaState:
    def when(value: str | None) -> datetime | None:
        return from_iso(value) if value else None

    clocks = {}
    for name, c in (data.get("clocks") or {}).items():
        clocks[Metric(name)] = Clock(
            target=int(c["target"]), started_at=from_iso(c["started_at"]), resumed_at=from_iso(c["resumed_at"]),
            used=float(c.get("used") or 0.0), due_at=when(c.get("due_at")), warn_at=when(c.get("warn_at")),
            met_at=when(c.get("met_at")), paused=bool(c.get("paused")), breached=bool(c.get("breached")),
        )
    return SlaState(str(data["policy_id"]), clocks)


def remaining_minutes(clock: Clock, calendar: Calendar, now: datetime) -> float:
    """Business minutes left (negative once overdue), as the console shows them."""
    if clock.due_at is None:
        return clock.target - clock.used
    if now <= clock.due_at:
        return calendar.business_minutes_between(now, clock.due_at)
    return -calendar.business_minutes_between(clock.due_at, now)


__all__ = [
    "Action", "ActionKind", "Clock", "Due", "Level", "Metric", "Policy", "SlaState", "due", "from_dict",
    "mark_breached", "next_timer", "on_agent_reply", "on_customer_message", "on_status", "pending",
    "remaining_minutes", "retarget", "select_policy", "start", "to_dict",
]
