"""The knowledge base's numbers, as counters per day that a report reads with one Query per
month (keys and access patterns in ``models``):

    KBSTATS#<yyyy-mm>   <dd>                        the day's totals
    KBSTATS#<yyyy-mm>   <dd>#A#<slug>#<locale>      one article's views, votes, answers
    KBSTATS#<yyyy-mm>   <dd>#Q#<words>              a search that found nothing, and how often
    KBBOT#due           <due at>#<ticket id>        a chat the bot answered, to look at again
                                                    72 hours later (bot-resolved or not)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from ...domain.clock import to_iso
from . import models as m

STATS_PREFIX = "KBSTATS#"
UNANSWERED_DAYS = 90
DUE_PK = "KBBOT#due"
COUNTERS = ("searches", "no_result", "views", "helpful", "unhelpful", "bot_answers", "handoffs", "bot_resolved",
            "answered")


def _keys(day: date, suffix: str = "") -> tuple[str, str]:
    return f"{STATS_PREFIX}{day:%Y-%m}", f"{day:%d}{suffix}"


class DynamoKbStats:
    def count(self, day: date, counts: dict[str, int], article: tuple[str, str] | None = None) -> None:
        """ADD to the day's totals, and to an article's when given (one UpdateItem each)."""
        actions = [getattr(m.KbStatsItem, name).add(n) for name, n in counts.items()]
        m.KbStatsItem(*_keys(day)).update(actions=actions)
        if article is not None:
            m.KbStatsItem(*_keys(day, f"#A#{article[0]}#{article[1]}")).update(actions=actions)

    def count_unanswered(self, day: date, words: str) -> None:
        """A search that found nothing: its words, kept 90 days (a reader may type anything)."""
        expires = int(datetime.combine(day, datetime.min.time()).timestamp()) + UNANSWERED_DAYS * 86400
        m.KbStatsItem(*_keys(day, f"#Q#{words}")).update(
            actions=[m.KbStatsItem.times.add(1), m.KbStatsItem.expires_at.set(expires)])

    def month(self, year: int, month: int) -> Iterator[tuple[str, dict[str, int]]]:
        """Every counter item of a month: (sort key, counters)."""
        for item in m.KbStatsItem.query(f"{STATS_PREFIX}{year:04d}-{month:02d}"):
            values = {name: int(getattr(item, name)) for name in (*COUNTERS, "times")
                      if getattr(item, name, None) is not None}
            yield item.sk, values

    def remember_bot_answer(self, ticket_id: str, due: datetime, answered_on: date) -> None:
        item = m.BotDueItem(DUE_PK, f"{to_iso(due)}#{ticket_id}")
        item.ticket_id, item.answered_on = ticket_id, answered_on.isoformat()
        item.save()

    def due_bot_answers(self, now: datetime, limit: int = 100) -> list[tuple[str, str, str]]:
        """(key, ticket id, answered on) of the answers due by ``now``, oldest first."""
        return [(item.sk, item.ticket_id, item.answered_on) for item in
                m.BotDueItem.query(DUE_PK, m.BotDueItem.sk <= f"{to_iso(now)}~", limit=limit)]

    def forget_bot_answer(self, key: str) -> None:
        m.BotDueItem(DUE_PK, key).delete()
