"""SLA policies at work: clocks started, stopped and paused as tickets live, and the minute
tick that marks warnings and breaches when due, and the escalations those marks cause (raise
priority, reassign, tag, tell agents, call a webhook), run from the table's stream once each."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain import phrases, sla
from ..domain.clock import to_iso, utcnow
from ..domain.errors import DeskError, UnprocessableError
from ..domain.events import MessageCreated, SlaClocksChanged, SlaEscalated, TicketChanged, TicketOpened
from ..domain.hours import Calendar
from ..domain.keys import signing_key
from ..domain.people import Principal, Role
from ..domain.tickets import AuthorType, Priority, Ticket, TicketChanges
from ..observability import logger
from .events import EventBus
from .hours import CalendarService, local
from .ports import PolicyStore, SlaRecord, SlaStore
from .tickets import TicketService

PRIORITY_ORDER = [p.value for p in Priority]
CHANGE_ACTIONS = (sla.ActionKind.RAISE_PRIORITY, sla.ActionKind.ASSIGN_TEAM, sla.ActionKind.ASSIGN_AGENT,
                  sla.ActionKind.ADD_TAG)
SAVE_ATTEMPTS = 5
TICK_BATCH = 100
SYSTEM = Principal(agent_id="sla", email="", role=Role.ADMIN)  # who escalations act as
TICK_MAX_BATCHES = 20
POLICY_CACHE_SECONDS = 30  # other function instances see an edit within this long  # a late tick catches up 2,000 escalations; the next tick does the rest


class WebhookError(Exception):
    """A webhook's server did not take the call."""


@dataclass(frozen=True)
class TickReport:
    tickets_read: int
    escalations: list[dict[str, Any]]


def policy_from_json(data: dict[str, Any]) -> sla.Policy:
    def actions(items: list[dict[str, Any]]) -> tuple[sla.Action, ...]:
        return tuple(sla.Action(sla.ActionKind(a["action"]), a.get("value")) for a in items)

    return sla.Policy(
        id=data["id"],
        name=data.get("name") or data["id"],
        targets={sla.Metric(k): int(v) for k, v in data["targets"].items() if v},
        priorities=frozenset(data.get("priorities", ())),
        channels=frozenset(data.get("channels", ())),
        tags=frozenset(data.get("tags", ())),
        business_hours=bool(data.get("business_hours", True)),
        calendar=data.get("calendar", "desk"),
        warn_share=int(data.get("warn_at_percent", 80)) / 100,
        on_warning=actions(data.get("on_warning", [])),
        on_breach=actions(data.get("on_breach", [])),
    )


class SlaService:
    def __init__(
        self,
        *,
        store: SlaStore,
        config: PolicyStore,
        calendars: CalendarService,
        tickets: TicketService,
        notify_agents: Callable[[dict[str, Any], set[str] | None], None],
        mail_agents: Callable[[Ticket, str, set[str] | None], None] = lambda ticket, text, to: None,
        post_webhook: Callable[[str, bytes, dict[str, str]], int] | None = None,
        webhook_secret: str = "",
        clock: Callable[[], datetime] = utcnow,
        events: EventBus | None = None,
        console_url: str = "",
    ) -> None:
        self.console_url = console_url  # alert mails link to the ticket there (empty: no link)
        self.store = store
        self.config = config
        self.calendars = calendars
        self.tickets = tickets
        self.notify_agents = notify_agents
        self.mail_agents = mail_agents
        self.post_webhook = post_webhook
        self.webhook_secret = webhook_secret
        self.clock = clock
        self.events = events  # the live push of changed clocks
        self._policies: tuple[float, list[sla.Policy]] | None = None

    # ------------------------------------------------------------------ policies

    def policies(self) -> list[sla.Policy]:
        """The policies in order (cached briefly: every ticket event asks)."""
        cached = self._policies
        if cached is not None and time.monotonic() - cached[0] < POLICY_CACHE_SECONDS:
            return cached[1]
        policies = [policy_from_json(p) for p in self.config.policies()]
        self._policies = (time.monotonic(), policies)
        return policies

    def stored_policies(self) -> list[dict[str, Any]]:
        """The policies as an admin wrote them (not cached: what the settings page shows)."""
        return list(self.config.policies())

    def put_policies(self, policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replace the policies (the first that matches a ticket applies)."""
        ids = [p["id"] for p in policies]
        if len(set(ids)) != len(ids):
            again = next(i for i, p in enumerate(policies) if p["id"] in ids[:i])
            raise UnprocessableError("Two policies have the same id.", code="duplicate_policy",
                                     details=[{"field": f"policies/{again}/id", "message": "is already another policy's id"}])
        calendars = set(self.calendars.all())
        for i, p in enumerate(policies):
            if p.get("business_hours", True) and p.get("calendar", "desk") not in calendars:
                raise UnprocessableError(
                    f"Policy {p['id']!r} counts business hours on calendar {p.get('calendar', 'desk')!r}, "
                    "which does not exist: create it first, or set business_hours to false.",
                    code="unknown_calendar",
                    details=[{"field": f"policies/{i}/business_hours", "message": "no such calendar yet"}],
                )
            for level in ("on_warning", "on_breach"):
                for j, item in enumerate(p.get(level, [])):
                    if item["action"] in ("assign_team", "assign_agent", "add_tag", "webhook") and not item.get("value"):
                        raise UnprocessableError(
                            f"The {item['action']} action needs a value.", code="action_value",
                            details=[{"field": f"policies/{i}/{level}/{j}/value", "message": "is required"}],
                        )
            policy_from_json(p)
        self.config.put_policies(policies)
        self._policies = None
        return policies

    def expected_first_response(self, ticket: Ticket) -> int | None:
        """The first-response target, in minutes, that the acknowledgement can promise."""
        policy = sla.select_policy(self.policies(), ticket.priority.value, ticket.channel, ticket.tags)
        return policy.targets.get(sla.Metric.FIRST_RESPONSE) if policy else None

    def _calendar(self, policy: sla.Policy) -> Calendar:
        if policy.business_hours:
            found = self.calendars.calendar(policy.calendar)
            if found is not None:
                return found
            logger.warning("sla calendar missing: counting calendar time", calendar=policy.calendar)
        return Calendar.always_open()

    # ------------------------------------------------------------------ listeners

    def on_ticket_opened(self, event: TicketOpened) -> None:
        ticket = event.ticket
        policy = sla.select_policy(self.policies(), ticket.priority.value, ticket.channel, ticket.tags)
        if policy is None:
            return
        self._change(ticket.id, lambda state, _policy, _ticket: sla.start(policy, self._calendar(policy), ticket.created_at))

    def on_handed_off(self, event: TicketChanged) -> None:
        """A chat the FAQ bot had is people's now: its clocks start at the hand-off (while the
        bot answered, nobody was waiting for a person)."""
        ticket = event.ticket
        policy = sla.select_policy(self.policies(), ticket.priority.value, ticket.channel, ticket.tags)
        if policy is None:
            return
        started = self.clock()
        self._change(ticket.id, lambda state, _policy, _ticket: state or sla.start(policy, self._calendar(policy), started))

    def on_message_created(self, event: MessageCreated) -> None:
        message = event.message
        if not message.public or event.ticket.sla is None:
            return  # no clocks on this ticket: nothing to read or write
        if message.author_type == AuthorType.AGENT:
            self._change(event.ticket.id, lambda state, _policy, _ticket: state and sla.on_agent_reply(state, message.created_at))
        elif message.author_type == AuthorType.CUSTOMER:
            self._change(
                event.ticket.id,
                lambda state, policy, _ticket: sla.on_customer_message(
                    state, policy, self._calendar(policy), message.created_at
                ) if state and policy else None,
            )

    def on_ticket_changed(self, event: TicketChanged) -> None:
        now = event.at  # when it changed, however late the stream delivers it
        changes = event.changes
        if event.ticket.sla is None and not ({"priority", "tags", "channel"} & set(changes)):
            return  # no clocks, and nothing that could bring a policy in
        if "status" in changes:
            old, new = changes["status"]
            self._change(
                event.ticket.id,
                lambda state, policy, _ticket: sla.on_status(
                    state, policy, self._calendar(policy), old, new, now
                ) if state and policy else None,
            )
        if {"priority", "tags"} & set(changes):
            self._retarget(event.ticket.id)

    def _retarget(self, ticket_id: str) -> None:
        def change(state: sla.SlaState | None, current: sla.Policy | None, ticket: Ticket) -> sla.SlaState | None:
            chosen = sla.select_policy(self.policies(), ticket.priority.value, ticket.channel, ticket.tags)
            if chosen is None or (state is not None and chosen.id == state.policy_id):
                return state
            if state is None:  # a policy applies now (say, raised to urgent): from the ticket's start
                return sla.start(chosen, self._calendar(chosen), ticket.created_at)
            return sla.retarget(state, chosen, self._calendar(chosen))

        self._change(ticket_id, change)

    def _change(
        self,
        ticket_id: str,
        change: Callable[[sla.SlaState | None, sla.Policy | None, Ticket], sla.SlaState | None],
    ) -> None:
        """Read, change and store the clocks; another writer in between means read again."""
        for _ in range(SAVE_ATTEMPTS):
            record = self.store.load(ticket_id)
            if record is None:
                return
            policy = self._policy(record.state)
            new = change(record.state, policy, record.ticket)
            if new is None or new == record.state:
                return
            if self.store.save(record, new):
                if self.events is not None:
                    self.events.publish(SlaClocksChanged(ticket_id))
                return
        logger.warning("sla clocks not saved: too many concurrent changes", ticket_id=ticket_id)

    def _policy(self, state: sla.SlaState | None) -> sla.Policy | None:
        if state is None:
            return None
        return next((p for p in self.policies() if p.id == state.policy_id), None)

    # ------------------------------------------------------------------ the tick

    def tick(self, now: datetime | None = None) -> TickReport:
        """Run every warning and breach due at ``now``: what the minute schedule calls."""
        now = now or self.clock()
        read, ran = 0, []
        policies = {p.id: p for p in self.policies()}
        for _ in range(TICK_MAX_BATCHES):
            batch = self.store.due(now, TICK_BATCH)
            read += len(batch)
            for record in batch:
                ran += self._escalate(record, policies, now)
            if len(batch) < TICK_BATCH:
                break
        if ran:
            logger.info("sla tick", tickets_read=read, escalations=len(ran))
        return TickReport(read, ran)

    def _escalate(self, record: SlaRecord, policies: dict[str, sla.Policy], now: datetime) -> list[dict[str, Any]]:
        """Mark what is due on the ticket: each mark (a conditional ADD) is the escalation's
        event, whose reactions (``on_escalated_*``) run from the table's stream."""
        state = record.state
        ran: list[dict[str, Any]] = []
        for item in sla.due(state, record.fired, now) if state is not None else []:
            if not self.store.fire(record.ticket.id, item.mark):
                continue  # another tick marked it
            ran.append({"ticket_id": record.ticket.id, "metric": item.metric.value, "level": item.level.value})
        self._settle(record.ticket.id, now)
        return ran

    def _settle(self, ticket_id: str, now: datetime) -> None:
        """Store the breach flags and move the ticket's index entry to its next warning or
        breach, or out of the index (a fresh read: the actions may have changed the clocks)."""
        for _ in range(SAVE_ATTEMPTS):
            record = self.store.load(ticket_id)
            if record is None or self.store.save(record, self._after(record.state, now)):
                return

    @staticmethod
    def _after(state: sla.SlaState | None, now: datetime) -> sla.SlaState | None:
        if state is None:
            return None
        for metric, clock in state.clocks.items():
            if clock.running and clock.due_at is not None and clock.due_at <= now and not clock.breached:
                state = sla.mark_breached(state, metric)
        return state

    # ------------------------------------------------------------------ escalations (stream)

    def _actions(self, event: SlaEscalated, *kinds: sla.ActionKind) -> list[sla.Action]:
        """The escalation's actions of these kinds, from the policy that set the clocks."""
        policy = self._policy(event.ticket.sla)
        if policy is None:
            return []
        return [a for a in policy.actions(sla.Level(event.level)) if a.kind in kinds]

    def on_escalated_change_ticket(self, event: SlaEscalated) -> None:
        """Raise the priority, reassign, tag: one edit, as the 'sla' actor."""
        ticket = event.ticket
        changes: dict[str, Any] = {}
        for action in self._actions(event, *CHANGE_ACTIONS):
            if action.kind == sla.ActionKind.RAISE_PRIORITY:
                at = PRIORITY_ORDER.index(ticket.priority.value)
                if at + 1 < len(PRIORITY_ORDER):
                    changes["priority"] = Priority(PRIORITY_ORDER[at + 1])
            elif action.kind == sla.ActionKind.ASSIGN_TEAM:
                changes["team"] = action.value
            elif action.kind == sla.ActionKind.ASSIGN_AGENT:
                changes["assignee_id"] = action.value
            elif action.kind == sla.ActionKind.ADD_TAG:
                changes["tags"] = [*ticket.tags, *changes.get("tags", []), action.value]
        if changes:
            self._apply(ticket, changes)

    def _alert_targets(self, event: SlaEscalated) -> set[str] | None:
        return {event.ticket.assignee_id} if event.ticket.assignee_id else None

    def on_escalated_alert(self, event: SlaEscalated) -> None:
        """Agents online see the alert at once (the assignee, or everyone when unassigned)."""
        if not self._actions(event, sla.ActionKind.NOTIFY):
            return
        ticket = event.ticket
        frame = {
            "type": "sla.alert", "level": event.level, "metric": event.metric, "due_at": to_iso(event.due_at),
            "conversation_id": ticket.id, "number": ticket.number, "subject": ticket.subject,
            "assignee_id": ticket.assignee_id,
        }
        self.notify_agents(frame, self._alert_targets(event))

    def on_escalated_mail(self, event: SlaEscalated) -> None:
        """The same alert by mail, for agents who are not looking."""
        if not self._actions(event, sla.ActionKind.NOTIFY):
            return
        ticket = event.ticket
        what = "is about to miss" if event.level == sla.Level.WARNING else "missed"
        # Read by a person: the due time in the business's zone, and a way to the ticket.
        calendar = self.calendars.for_ticket(ticket)
        due, zone = local(event.due_at, None, calendar.timezone if calendar else "UTC")
        text = (f"Ticket #{ticket.number} ({ticket.subject}) {what} its {event.metric.replace('_', ' ')} "
                f"target, due {phrases.when(due, zone, None)}.")
        if self.console_url:
            text += f"\n\nOpen it in the console: {self.console_url}#ticket/{ticket.id}"
        self.mail_agents(ticket, text, self._alert_targets(event))

    def on_escalated_webhook(self, event: SlaEscalated) -> None:
        """Each webhook of the escalation, signed; a failure (no answer, not a 2xx) raises,
        so the reaction is retried, then parked for an admin to replay."""
        ticket = event.ticket
        for action in self._actions(event, sla.ActionKind.WEBHOOK):
            if not action.value or self.post_webhook is None:
                continue
            body = json.dumps({
                "event": f"sla.{event.level}", "metric": event.metric, "due_at": to_iso(event.due_at),
                "ticket": {"id": ticket.id, "number": ticket.number, "subject": ticket.subject,
                           "priority": ticket.priority.value, "assignee_id": ticket.assignee_id},
            }, separators=(",", ":")).encode()
            signature = hmac.new(signing_key(self.webhook_secret, "webhook"), body, hashlib.sha256).hexdigest()
            headers = {"Content-Type": "application/json", "X-Desk-Signature": f"sha256={signature}"}
            if event.event_id:  # the same delivery again has the same id: receivers can dedupe
                headers["X-Desk-Delivery"] = event.event_id
            status = self.post_webhook(action.value, body, headers)
            logger.info("sla webhook", ticket_id=ticket.id, status=status)
            if not 200 <= status < 300:
                raise WebhookError(f"the webhook answered {status}")

    def _apply(self, ticket: Ticket, changes: dict[str, Any]) -> None:
        version = ticket.version  # as the index read it; a newer edit means read again
        for _ in range(SAVE_ATTEMPTS):
            try:
                self.tickets.update(ticket.id, TicketChanges(**changes), version, SYSTEM)
                return
            except DeskError as error:
                if error.status != 409:
                    logger.warning("sla change refused", ticket_id=ticket.id, reason=str(error))
                    return
                version = self.tickets.get(ticket.id).version
