"""Delivery: frames to connections. An answer to one connection, a frame to a topic's
subscribers, a notice to agents, and the live push of what changed (the ``push.*`` reactions
of ``chalicelib.reactions``, run in the request after the change is stored); a chat answer
to a visitor who has left goes by mail instead.

Posts go out in parallel; a connection the gateway no longer has (410) is forgotten. A push
is best effort: a client that misses a frame gets it on ``resume``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ...domain.chat import ParticipantRole, Subscriber, agents_topic, conversation_topic
from ...domain.events import (
    MessageCreated,
    MessageDeliveryChanged,
    SlaClocksChanged,
    TicketChanged,
    TicketOpened,
)
from .connections import Connections
from .ports import Broadcaster, Frame, Frames


class Delivery:
    def __init__(self, *, connections: Connections, broadcaster: Broadcaster, frames: Frames) -> None:
        self.connections = connections
        self.broadcaster = broadcaster
        self.frames = frames

    def reply(self, connection_id: str, frame: Frame) -> None:
        """Send one frame to one connection (an answer, or an error)."""
        self.deliver([connection_id], frame)

    def publish(self, topic: str, frame: Frame, *, exclude: str | None = None) -> None:
        """To every connection subscribed to ``topic`` but ``exclude`` (the sender's)."""
        self.deliver([s.connection_id for s in self.connections.subscribers(topic) if s.connection_id != exclude],
                     frame)

    def notify_agents(self, frame: Frame, agent_ids: set[str] | None = None) -> None:
        """A desk-wide notice (an SLA alert) to the given agents' live connections, or to
        every agent online."""
        targets = [
            s.connection_id
            for s in self.connections.subscribers(agents_topic())
            if agent_ids is None or s.principal_id in agent_ids
        ]
        self.deliver(targets, frame)

    def deliver(self, connection_ids: list[str], frame: Frame) -> list[str]:
        """Post a frame; returns the connections that were gone (410)."""
        payload = json.dumps(frame, separators=(",", ":")).encode()
        gone_ids = list(self.broadcaster.send(connection_ids, payload))
        for gone in gone_ids:
            self.connections.forget_gone(gone)
        return gone_ids

    # ------------------------------------------------------------- the live push of changes

    def on_ticket_opened(self, event: TicketOpened) -> None:
        """A new ticket (any channel) appears in every agent's inbox at once."""
        self.publish(agents_topic(), self.frames.conversation_created(event.ticket, event.message),
                     exclude=event.origin)

    def on_message_created(self, event: MessageCreated) -> None:
        """Deliver a stored message to the conversation's connections (not its sender's);
        internal notes reach agents only."""
        frame = self.frames.message_created(event.ticket.id, event.message)
        message = event.message
        self.deliver(
            [s.connection_id for s in self._watching(event.ticket.id)
             if s.connection_id != event.origin and (message.public or s.role == ParticipantRole.AGENT)],
            frame,
        )

    def on_message_delivery_changed(self, event: MessageDeliveryChanged) -> None:
        """Agents watching a ticket see a reply's mail go out (or wait to be sent again)."""
        self.deliver(self._agents_watching(event.ticket.id),
                     self.frames.message_updated(event.ticket.id, event.message))

    def on_sla_clocks_changed(self, event: SlaClocksChanged) -> None:
        """Agents watching the ticket refresh its SLA badges."""
        self.deliver(self._agents_watching(event.ticket_id), self.frames.sla_updated(event.ticket_id))

    def on_ticket_changed(self, event: TicketChanged) -> None:
        """Agents watching see every change; the visitor sees only its status."""
        subscribers = self._watching(event.ticket.id)
        agents = [s.connection_id for s in subscribers if s.role == ParticipantRole.AGENT]
        visitors = [s.connection_id for s in subscribers if s.role == ParticipantRole.VISITOR]
        self.deliver(agents, self.frames.conversation_updated(event.ticket, event.changes))
        if "status" in event.changes:
            self.deliver(visitors, self.frames.status_updated(event.ticket, event.changes))

    def on_handed_off(self, event: TicketChanged) -> None:
        """The FAQ bot gave the conversation to people: every agent hears of it as of a new
        conversation (with the bot's exchange in its timeline); the visitor's widget stops
        offering a person."""
        self.publish(agents_topic(), self.frames.conversation_created(event.ticket, None))
        visitors = [s.connection_id for s in self._watching(event.ticket.id) if s.role == ParticipantRole.VISITOR]
        self.deliver(visitors, self.frames.handed_off(event.ticket.id))

    def _watching(self, ticket_id: str) -> list[Subscriber]:
        return self.connections.subscribers(conversation_topic(ticket_id))

    def _agents_watching(self, ticket_id: str) -> list[str]:
        return [s.connection_id for s in self._watching(ticket_id) if s.role == ParticipantRole.AGENT]


class ChatRepliesByMail:
    """An agent answered a chat the visitor has left: the answer goes to their mail (when
    they gave an address), threaded so that a reply by mail lands on the same ticket."""

    def __init__(self, connections: Connections, mail: Callable[[], Any]) -> None:
        self.connections = connections
        self.mail = mail  # the MailService, built on first use

    def on_message_created(self, event: MessageCreated) -> None:
        if not self.connections.visitor_is_here(event.ticket.id):
            self.mail().mail_chat_reply(event.ticket, event.message)
