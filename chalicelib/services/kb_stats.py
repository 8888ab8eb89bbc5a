"""The knowledge base's honest numbers, counted per day as they happen and read by a report
without scanning (adapters/dynamodb/kb_stats.py): searches, searches that found nothing (and
what was asked), article views, "was this helpful?" votes, the FAQ bot's answers and
hand-offs, and bot-resolved chats: the bot answered, and 72 hours later no person had written,
nobody had asked for one and the chat had not been reopened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from ..domain import bot
from ..domain.errors import NotFoundError
from ..domain.tickets import AuthorType, Status
from .tickets import TicketService

VERDICT_AFTER = timedelta(hours=72)
MAX_REPORT_DAYS = 366
TOP = 20
MAX_QUERY_CHARS = 100


class KbStatsStore(Protocol):
    def count(self, day: date, counts: dict[str, int], article: tuple[str, str] | None = None) -> None: ...
    def count_unanswered(self, day: date, words: str) -> None: ...
    def month(self, year: int, month: int) -> Iterator[tuple[str, dict[str, int]]]: ...
    def remember_bot_answer(self, ticket_id: str, due: datetime, answered_on: date) -> None: ...
    def due_bot_answers(self, now: datetime, limit: int = 100) -> list[tuple[str, str, str]]: ...
    def forget_bot_answer(self, key: str) -> None: ...


class KbStats:
    def __init__(self, store: KbStatsStore, tickets: TicketService, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.tickets = tickets
        self.clock = clock

    # ------------------------------------------------------------------ readers (requests)

    def searched(self, query: str, found: int) -> None:
        """A reader's search (not a suggestion while typing); one that found nothing keeps
        its words (folded, at most 100 characters), so editors see what is missing."""
        day = self.clock().date()
        self.store.count(day, {"searches": 1, **({"no_result": 1} if not found else {})})
        if not found:
            words = " ".join(query.casefold().split())[:MAX_QUERY_CHARS]
            if words:
                self.store.count_unanswered(day, words)

    def viewed(self, slug: str, locale: str, *, from_search: bool = False) -> None:
        """An article read (its page, or in the widget); ``from_search``: opened from a search
        or a suggestion, so it answered one."""
        counts = {"views": 1, **({"answered": 1} if from_search else {})}
        self.store.count(self.clock().date(), counts, (slug, locale))

    def voted(self, slug: str, locale: str, helpful: bool) -> None:
        self.store.count(self.clock().date(), {"helpful" if helpful else "unhelpful": 1}, (slug, locale))

    # ------------------------------------------------------------------ the stream's reactions

    def on_bot_message(self, event: Any) -> None:
        """The bot answered (with articles): counted, and looked at again in 72 hours."""
        message = event.message
        day = message.created_at.date()
        if message.articles:
            self.store.count(day, {"bot_answers": 1})
            for slug, _, url in message.articles:  # url: /help/<locale>/<slug>
                self.store.count(day, {"answered": 1}, (slug, url.split("/")[2]))
            self.store.remember_bot_answer(event.ticket.id, message.created_at + VERDICT_AFTER, day)

    def on_handed_off(self, event: Any) -> None:
        self.store.count(self.clock().date(), {"handoffs": 1})

    # ------------------------------------------------------------------ the minute schedule

    def tick(self) -> int:
        """Decide the bot's answers that are 72 hours old: bot-resolved if no person has the
        chat (nobody wrote, nobody asked) and it was not reopened. Returns how many."""
        now = self.clock()
        resolved = 0
        for key, ticket_id, answered_on in self.store.due_bot_answers(now):
            try:
                ticket = self.tickets.get(ticket_id)
            except NotFoundError:  # erased meanwhile
                self.store.forget_bot_answer(key)
                continue
            if self._later_answer(ticket, now):
                self.store.forget_bot_answer(key)  # a later answer has its own verdict to come
                continue
            reopened = ticket.bot == bot.ENDED and ticket.status not in (Status.SOLVED, Status.CLOSED)
            if ticket.bot in (bot.ACTIVE, bot.ENDED) and ticket.assignee_id is None and not reopened:
                self.store.count(date.fromisoformat(answered_on), {"bot_resolved": 1})
                resolved += 1
            self.store.forget_bot_answer(key)
        return resolved

    def _later_answer(self, ticket: Any, now: datetime) -> bool:
        recent = self.tickets.history(ticket.id, max(0, ticket.message_count - 20), include_notes=False)
        return any(m.author_type == AuthorType.BOT and m.articles and m.created_at + VERDICT_AFTER > now
                   for m in recent)

    # ------------------------------------------------------------------ the report

    def report(self, start: date, end: date, *, article: str | None = None) -> dict[str, Any]:
        """The counters of the days from ``start`` to ``end`` (one Query per month); with
        ``article``, the articles listed are that one's versions only."""
        days: dict[str, dict[str, int]] = {}
        articles: dict[tuple[str, str], dict[str, int]] = {}
        unanswered: dict[str, int] = {}
        month = date(start.year, start.month, 1)
        while month <= end:
            for sk, values in self.store.month(month.year, month.month):
                day = month.replace(day=int(sk[:2]))
                if not start <= day <= end:
                    continue
                rest = sk[2:]
                if not rest:
                    days[day.isoformat()] = values
                elif rest.startswith("#A#"):
                    slug, _, locale = rest[3:].rpartition("#")
                    if article is not None and slug != article:
                        continue
                    mine = articles.setdefault((slug, locale), {})
                    for name, n in values.items():
                        mine[name] = mine.get(name, 0) + n
                elif rest.startswith("#Q#"):
                    unanswered[rest[3:]] = unanswered.get(rest[3:], 0) + values.get("times", 0)
            month = (month + timedelta(days=32)).replace(day=1)
        totals: dict[str, int] = {}
        for values in days.values():
            for name, n in values.items():
                totals[name] = totals.get(name, 0) + n
        return {
            "days": [{"date": d, **days[d]} for d in sorted(days)],
            "totals": totals,
            "articles": [{"slug": s, "locale": loc, **v} for (s, loc), v in
                         sorted(articles.items(), key=lambda kv: (-kv[1].get("views", 0), kv[0]))[:TOP]],
            "unanswered": [{"query": q, "count": n} for q, n in
                           sorted(unanswered.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]],
        }
