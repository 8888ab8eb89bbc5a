"""Who is connected: connecting, admitting each frame, subscribing to topics, leaving, and
presence (whether an agent is available, whether a conversation's visitor is still there)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from ...domain.chat import (
    AGENT_RATE_LIMIT_FRAMES,
    MAX_VISITOR_CONNECTIONS,
    RATE_LIMIT_FRAMES,
    RATE_WINDOW_SECONDS,
    LiveConnection,
    Participant,
    ParticipantRole,
    Subscriber,
    agents_topic,
    conversation_topic,
)
from ...domain.clock import to_iso, utcnow
from ...domain.errors import AuthenticationError, RateLimitedError
from ...domain.events import AgentDeparted
from ..agents import AgentService
from .ports import Broadcaster, ChatAgentStore, ConnectionStore, VisitorTokens

# API Gateway answers 410 for a connection still in its $connect (up to the 29 s integration
# timeout): a 410 removes only a connection older than that.
CONNECT_WINDOW = timedelta(seconds=30)


class Connections:
    def __init__(
        self,
        *,
        store: ConnectionStore,
        agents: AgentService,
        agent_store: ChatAgentStore,
        visitor_tokens: VisitorTokens,
        broadcaster: Broadcaster,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.agents = agents
        self.agent_store = agent_store
        self.visitor_tokens = visitor_tokens
        self.broadcaster = broadcaster
        self.clock = clock

    # ------------------------------------------------------------- lifecycle

    def connect(self, connection_id: str, query: dict[str, str]) -> Participant:
        """Authenticate a new connection from its query string (``token`` for an agent's ID
        token, ``visitor`` for a visitor token) and remember it."""
        if query.get("token"):
            principal = self.agents.authenticate(f"Bearer {query['token']}")
            participant = Participant(ParticipantRole.AGENT, principal.agent_id, connection_id)
        elif query.get("visitor"):
            customer_id = self.visitor_tokens.verify(query["visitor"])
            participant = Participant(ParticipantRole.VISITOR, customer_id, connection_id)
        else:
            raise AuthenticationError(
                "Connect with ?token=<agent token> or ?visitor=<visitor token>.", code="missing_token"
            )
        limit = AGENT_RATE_LIMIT_FRAMES if participant.is_agent else RATE_LIMIT_FRAMES
        self.store.add(participant, to_iso(self.clock()), limit)
        if not participant.is_agent:
            self._within_cap(participant)
        if participant.is_agent:
            self.store.subscribe(participant, agents_topic())
            self.agent_store.count_connection(participant.id, +1)
        return participant

    def _within_cap(self, visitor: Participant) -> None:
        """Refuse a visitor's connection beyond MAX_VISITOR_CONNECTIONS (429). Counted after
        this one is stored, so that connections opened at once all see each other: each counts
        at least those stored before it, and none is kept that saw more than the cap. One the
        gateway no longer knows (a $disconnect that never came) is forgotten and not counted."""
        others = [c for c in self.store.visitor_connections(visitor.id) if c != visitor.connection_id]
        if len(others) < MAX_VISITOR_CONNECTIONS:
            return
        for connection_id in others:
            if not self.broadcaster.alive(connection_id):
                self.forget_gone(connection_id)
        others = [c for c in self.store.visitor_connections(visitor.id) if c != visitor.connection_id]
        if len(others) < MAX_VISITOR_CONNECTIONS:
            return
        self.store.remove(visitor.connection_id)
        raise RateLimitedError(
            f"This visitor has {MAX_VISITOR_CONNECTIONS} connections open already; close one first.",
            code="too_many_connections", details={"limit": MAX_VISITOR_CONNECTIONS},
        )

    def admit(self, connection_id: str) -> LiveConnection:
        """Who sent a frame (and the rate limit): one write per frame."""
        window = int(time.time()) // RATE_WINDOW_SECONDS
        live = self.store.admit_frame(connection_id, window)
        if live is None:
            raise AuthenticationError("This connection is not known; connect again.", code="unknown_connection")
        return live

    def stored_in_order(self, connection_id: str, client_seq: int) -> None:
        """The message the client numbered ``client_seq`` on this connection is stored: the
        next one (``client_seq + 1``) is taken from now on."""
        self.store.advance_sent(connection_id, client_seq)

    def disconnect(self, connection_id: str) -> None:
        self.forget(connection_id)

    def forget_gone(self, connection_id: str) -> None:
        """The gateway answered 410 for this connection: it is removed, and nothing else -
        unless it is still connecting."""
        self.forget(connection_id, connected_before=self.clock() - CONNECT_WINDOW)

    def forget(self, connection_id: str, *, connected_before: datetime | None = None) -> None:
        gone = self.store.remove(
            connection_id, connected_before=to_iso(connected_before) if connected_before else None
        )
        if gone is not None and gone.is_agent:
            self.agent_store.count_connection(gone.id, -1)

    def on_agent_departed(self, event: AgentDeparted) -> None:
        """Close a deactivated or removed agent's live connections: only ``connect`` checks
        the agent, so an open console would otherwise keep receiving until it closed. Her
        console then finds itself refused and signs out. Every agent connection is subscribed
        to the agents' topic: one Query of it finds hers. Safe to repeat (a gone one is skipped)."""
        for s in self.store.subscribers(agents_topic()):
            if s.role == ParticipantRole.AGENT and s.principal_id == event.agent_id:
                self.broadcaster.close(s.connection_id)
                self.forget(s.connection_id)

    # ------------------------------------------------------------- topics

    def subscribe(self, who: Participant, topic: str, topics: frozenset[str] = frozenset()) -> None:
        """From now on ``who`` receives the frames of ``topic`` (unless ``topics``, what the
        connection is subscribed to, has it already)."""
        if topic not in topics:
            self.store.subscribe(who, topic)

    def unsubscribe(self, who: Participant, topic: str, topics: frozenset[str]) -> None:
        if topic in topics:
            self.store.unsubscribe(who.connection_id, topic)

    def subscribers(self, topic: str) -> list[Subscriber]:
        return self.store.subscribers(topic)

    # ------------------------------------------------------------- presence

    def available(self) -> bool:
        """Whether an agent is online and connected now (the widget's 'we're here')."""
        return any(agent.available for agent in self.agent_store.available_agents())

    def set_presence(self, agent_id: str, status: str) -> None:
        self.agent_store.set_presence(agent_id, status)

    def visitor_is_here(self, ticket_id: str) -> bool:
        """Whether the conversation's visitor has a live connection on it now (a connection
        the gateway no longer knows is forgotten on the way)."""
        here = False
        for s in self.store.subscribers(conversation_topic(ticket_id)):
            if s.role != ParticipantRole.VISITOR:
                continue
            if self.broadcaster.alive(s.connection_id):
                here = True
            else:
                self.forget_gone(s.connection_id)
        return here
