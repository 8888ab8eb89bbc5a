"""Live chat over websockets. A conversation is a ticket with channel ``chat``.

One concern a module:

- ``connections``: who is connected - connect, admit a frame (the rate limit), subscribe,
  disconnect, forget a connection that is gone; presence (an agent available, a visitor
  still there).
- ``conversation``: what each frame a client sends does (send, upload, join, leave, resume,
  typing, read, presence, transcript, rate, page, ping).
- ``delivery``: frames to connections - an answer, a topic's subscribers, agents' notices,
  the live push of stored changes; by mail to a visitor who has left.
- ``cards``: the agents as chat shows them (cached profiles).
- ``ports``: the protocols of what chat needs from outside: its stores, the gateway, and the
  frames, which are built at the edge (``entrypoints.frames``).

``ChatService`` holds the parts as the container does: the websocket routes call them,
``chalicelib.reactions`` names their listeners.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cards import AgentCards
from .connections import Connections
from .conversation import Conversations
from .delivery import ChatRepliesByMail, Delivery

__all__ = ["AgentCards", "ChatRepliesByMail", "ChatService", "Connections", "Conversations", "Delivery"]


@dataclass(frozen=True)
class ChatService:
    connections: Connections
    conversations: Conversations
    delivery: Delivery
    cards: AgentCards

    def available(self) -> bool:
        """Whether an agent is online and connected now (the widget's 'we're here')."""
        return self.connections.available()
