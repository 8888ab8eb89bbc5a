"""The frames the desk sends on a websocket: every JSON shape a chat client receives.

The chat services decide who gets what, and when; the frame itself is built here, at the
edge, next to ``representations`` (the REST bodies, whose ``message`` a frame reuses).
``bootstrap`` hands a ``ChatFrames`` to the services, which know it only as the
``services.chat.ports.Frames`` protocol. What a client sends is in ``schemas/frames.py``;
the error frame is ``websocket._error_frame``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..domain.chat import Participant, ParticipantRole
from ..domain.clock import to_iso
from ..domain.people import Agent, VisitedPage
from ..domain.tickets import AuthorType, Message, Ticket
from . import representations

if TYPE_CHECKING:
    from ..services.events import FailedReaction

Frame = dict[str, Any]

HISTORY_FRAME_BYTES = 96 * 1024  # under API Gateway's 128 KB per message


class ChatFrames:
    """Builds the frames. ``agent`` looks up an agent's profile for their card (the chat
    services' cache), ``url_for`` makes an attachment's download link (None: no links)."""

    def __init__(
        self,
        agent: Callable[[str], Agent | None],
        url_for: Callable[[str, str], str] | None = None,
        bot_name: Callable[[], str] = lambda: "Assistant",
    ) -> None:
        self._agent = agent
        self._url_for = url_for
        self._bot_name = bot_name  # the FAQ bot's name: the business's assistant

    # ------------------------------------------------------------- parts of frames

    def agent_card(self, agent_id: str) -> Frame:
        """How an agent is shown to visitors: ``{id, role, name, title, avatar_url, timezone}``."""
        agent = self._agent(agent_id)
        return {
            "id": agent_id, "role": ParticipantRole.AGENT.value,
            "name": agent.name if agent else "Support",
            "title": agent.title if agent else None,
            "avatar_url": agent.avatar_url if agent else None,
            "timezone": agent.timezone if agent else None,
        }

    def who(self, who: Participant) -> Frame:
        if who.is_agent:
            return self.agent_card(who.id)
        return {"role": who.role.value, "id": who.id}

    def message(self, message: Message) -> Frame:
        """A message as in the REST API, with its agent author's card."""
        body = representations.message(message, self._url_for)
        # an agent's, or an automatic one sent in an agent's name (a campaign's greeting)
        if message.author_type in (AuthorType.AGENT, AuthorType.SYSTEM) and message.author_id:
            author = self.agent_card(message.author_id)
            body["author"] = author
            body["author_name"] = author["name"]
        elif message.author_type == AuthorType.BOT:  # always says it is a bot
            body["author"] = {"role": "bot", "name": self._bot_name()}
            body["author_name"] = body["author"]["name"]
        return body

    @staticmethod
    def summary(ticket: Ticket) -> Frame:
        return {
            "id": ticket.id,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status.value,
            "channel": ticket.channel,
            "assignee_id": ticket.assignee_id,
            "last_seq": ticket.message_count,
        }

    def _message_body(self, ticket_id: str, message: Message) -> Frame:
        return {"conversation_id": ticket_id, "message": self.message(message)}

    # ------------------------------------------------------------- answers to a client's frame

    def pong(self, who: Participant, available: bool) -> Frame:
        return {"type": "pong", "you": {"role": who.role.value, "id": who.id}, "available": available}

    def ack(self, client_id: str, ticket_id: str, message: Message, *, duplicate: bool = False) -> Frame:
        """The sender's message is stored (``duplicate``: it was, the first time it came)."""
        return {"type": "ack", "client_id": client_id, **({"duplicate": True} if duplicate else {}),
                **self._message_body(ticket_id, message)}

    @staticmethod
    def upload(ticket_id: str, key: str, post: dict[str, Any], max_bytes: int) -> Frame:
        return {"type": "upload", "conversation_id": ticket_id, "key": key, "url": post["url"],
                "fields": post["fields"], "max_bytes": max_bytes}

    @staticmethod
    def handed_off(ticket_id: str) -> Frame:
        """The conversation is people's now (the FAQ bot stopped)."""
        return {"type": "handoff", "conversation_id": ticket_id}

    def joined(self, ticket: Ticket) -> Frame:
        return {"type": "joined", "conversation": self.summary(ticket)}

    @staticmethod
    def left(conversation_id: str) -> Frame:
        return {"type": "left", "conversation_id": conversation_id}

    def history(self, ticket_id: str, messages: Iterable[Message]) -> Iterator[Frame]:
        """What a client missed, in as many ``history`` frames as fit under API Gateway's
        limit (none for no messages)."""
        batch: list[Frame] = []
        size = 0
        for message in messages:
            entry = self.message(message)
            entry_size = len(json.dumps(entry))
            if batch and size + entry_size > HISTORY_FRAME_BYTES:
                yield {"type": "history", "conversation_id": ticket_id, "messages": batch}
                batch, size = [], 0
            batch.append(entry)
            size += entry_size
        if batch:
            yield {"type": "history", "conversation_id": ticket_id, "messages": batch}

    def resumed(self, ticket: Ticket, last_seq: int) -> Frame:
        return {"type": "resumed", "conversation": self.summary(ticket), "last_seq": last_seq}

    @staticmethod
    def transcript_sent(ticket_id: str, to: str) -> Frame:
        return {"type": "transcript.sent", "conversation_id": ticket_id, "to": to}

    @staticmethod
    def confirmation_sent(ticket_id: str, to: str) -> Frame:
        return {"type": "transcript.confirmation_sent", "conversation_id": ticket_id, "to": to}

    @staticmethod
    def rated(ticket_id: str, score: int, client_id: str | None) -> Frame:
        answer: Frame = {"type": "rated", "conversation_id": ticket_id, "score": score}
        if client_id is not None:
            answer["client_id"] = client_id
        return answer

    # ------------------------------------------------------------- pushed to others

    def agent_joined(self, ticket_id: str, agent_id: str) -> Frame:
        return {"type": "agent.joined", "conversation_id": ticket_id, "agent": self.agent_card(agent_id)}

    def viewers(self, ticket_id: str, agent_ids: list[str]) -> Frame:
        """To agents only: who has the conversation open now."""
        return {"type": "viewers", "conversation_id": ticket_id, "agents": [self.agent_card(a) for a in agent_ids]}

    def typing(self, conversation_id: str, who: Participant, state: bool) -> Frame:
        return {"type": "typing", "conversation_id": conversation_id, "who": self.who(who), "state": state}

    def read(self, conversation_id: str, who: Participant, seq: int) -> Frame:
        return {"type": "read", "conversation_id": conversation_id, "who": self.who(who), "seq": seq}

    def presence(self, agent_id: str, status: str) -> Frame:
        return {"type": "presence", "agent": self.agent_card(agent_id), "status": status}

    @staticmethod
    def visitor_page(customer_id: str, page: VisitedPage) -> Frame:
        return {"type": "visitor.page", "customer_id": customer_id, "url": page.url, "title": page.title,
                "at": to_iso(page.at)}

    def conversation_created(self, ticket: Ticket, message: Message | None) -> Frame:
        frame: Frame = {"type": "conversation.created", "conversation_id": ticket.id,
                        "conversation": self.summary(ticket)}
        if message is not None:
            frame["message"] = self.message(message)
        return frame

    def message_created(self, ticket_id: str, message: Message) -> Frame:
        return {"type": "message", **self._message_body(ticket_id, message)}

    def message_updated(self, ticket_id: str, message: Message) -> Frame:
        return {"type": "message.updated", **self._message_body(ticket_id, message)}

    def conversation_updated(self, ticket: Ticket, changes: dict[str, Any]) -> Frame:
        """Every change, as agents see it."""
        return {"type": "conversation.updated", "conversation": self.summary(ticket), "changes": changes}

    @staticmethod
    def status_updated(ticket: Ticket, changes: dict[str, Any]) -> Frame:
        """Only the status, as the visitor sees a change."""
        return {"type": "conversation.updated",
                "conversation": {"id": ticket.id, "status": ticket.status.value},
                "changes": {"status": changes["status"]}}

    @staticmethod
    def sla_updated(ticket_id: str) -> Frame:
        return {"type": "conversation.updated", "conversation": {"id": ticket_id}, "changes": {"sla": True}}


def event_parked(failure: FailedReaction) -> Frame:
    """To every agent online: a reaction was given up on (the console lists it for admins)."""
    return {"type": "event.parked", "failure": {"id": failure.id, "reaction": failure.reaction}}
