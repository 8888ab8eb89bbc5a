"""The FAQ bot of live chat (domain/bot.py): it answers a chat nobody has taken yet from the
knowledge base when it is confident, and otherwise, or when the visitor asks, hands the
conversation to people: the state moves to ``handed_off`` (one conditional write, so the bot
and a person's request never both win), its words say so (and, out of hours, when the team is
back), and the agents hear of a new conversation with the bot's exchange in its timeline.

Its reactions run from the table's stream (chalicelib/reactions.py); the visitor's ``handoff``
frame calls ``hand_off`` in the websocket function."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain import bot
from ..domain.tickets import AuthorType, Ticket
from .kb import KnowledgeBase
from .out_of_hours import OutOfHoursService
from .tickets import PostMessage, TicketService

MAX_QUESTION = 500  # characters of a message the bot searches with (a long message: its start)


class FaqBot:
    def __init__(self, *, tickets: TicketService, kb: KnowledgeBase, out_of_hours: OutOfHoursService,
                 clock: Callable[[], datetime]) -> None:
        self.tickets = tickets
        self.kb = kb
        self.out_of_hours = out_of_hours
        self.clock = clock

    def available(self) -> bool:
        """Whether a new chat starts with the bot: switched on, and something is published."""
        return self.kb.settings().bot_enabled and self.kb.published_count() > 0

    def name(self) -> str:
        settings = self.kb.settings()
        return bot.phrase(settings.default_locale, "name", business=settings.name)

    # ------------------------------------------------------------------ the stream's reactions

    def on_chat_opened(self, event: Any) -> None:
        """A chat the bot has: it answers the visitor's first message (stored with the ticket)."""
        first = self.tickets.message_of(event.ticket, 1)
        if first is not None and first.author_type == AuthorType.CUSTOMER:
            self._answer(event.ticket, first.body)

    def on_customer_message(self, event: Any) -> None:
        self._answer(event.ticket, event.message.body)

    def on_agent_message(self, event: Any) -> None:
        """A person wrote in a chat the bot had: it is theirs now (no words from the bot)."""
        self.tickets.set_bot(event.ticket, bot.ACTIVE, bot.HANDED_OFF)

    def on_solved(self, event: Any) -> None:
        """Solved while the bot had it: if the visitor comes back, a person answers."""
        self.tickets.set_bot(event.ticket, bot.ACTIVE, bot.ENDED)

    # ------------------------------------------------------------------

    def _answer(self, ticket: Ticket, text: str) -> None:
        current = self.tickets.get(ticket.id)  # as it is now: a person may have it already
        if current.bot != bot.ACTIVE or current.assignee_id is not None:
            return
        settings = self.kb.settings()
        if not settings.bot_enabled:  # switched off during the conversation: a person answers
            self.hand_off(current, "off")
            return
        hits = self.kb.search(text[:MAX_QUESTION], current.language or settings.default_locale, limit=bot.MAX_ARTICLES)
        if not hits or not bot.confident(hits[0].coverage):
            self.hand_off(current, "no_answer")
            return
        shown = hits[: bot.shown([h.score for h in hits])]
        words = bot.phrase(current.language, "answer" if len(shown) == 1 else "answer_more")
        body = words + "\n" + "\n".join(f"- {h.title}" for h in shown)
        self.tickets.post_message(
            current.id, PostMessage(body=body, articles=tuple((h.slug, h.title, h.url) for h in shown)),
            author_type=AuthorType.BOT, ticket=current,
        )

    def hand_off(self, ticket: Ticket, reason: str) -> Ticket | None:
        """Give the conversation to people (``reason``: asked, no_answer, off). None when it was
        not the bot's any more (someone else handed it off, a person wrote, it was solved)."""
        after = self.tickets.set_bot(ticket, bot.ACTIVE, bot.HANDED_OFF)
        if after is None:
            return None
        words = bot.phrase(after.language, "handoff_no_answer" if reason == "no_answer" else "handoff")
        notice = self.out_of_hours.notice(after, after.customer_timezone, at=self.clock())
        body = f"{words}\n\n{notice.text}" if notice is not None else words
        after, _ = self.tickets.post_message(
            after.id, PostMessage(body=body, marker="handoff"), author_type=AuthorType.BOT, ticket=after,
        )
        return after
