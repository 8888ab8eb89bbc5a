"""Proactive chat campaigns: what admins define, what the widget is told, greeting a visitor
at most once per campaign, the greeting in the conversation when they answer, and the counts."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..domain import ids
from ..domain.campaigns import CampaignReplied, CampaignShown, Visit, unmet
from ..domain.errors import NotFoundError, UnprocessableError
from ..domain.people import Agent
from .cache import Kept
from .ports import CampaignStore
from .widget import CACHE_SECONDS


class CampaignService:
    def __init__(
        self,
        store: CampaignStore,
        agent: Callable[[str], Agent | None],
        desk_open: Callable[[], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.agent = agent  # an agent by id, or None
        self.desk_open = desk_open  # within the desk's business hours now
        self.clock = clock
        self._public = Kept(self._enabled, CACHE_SECONDS, clock)  # read by every page view

    # ------------------------------------------------------------- admins

    def list(self) -> list[dict[str, Any]]:
        """Every campaign with its counts (shown, replied), by name."""
        campaigns = self.store.campaigns()
        counts = self.store.counts([c["id"] for c in campaigns]) if campaigns else {}
        return sorted(
            ({**_whole(c), **counts.get(c["id"], {"shown": 0, "replied": 0})} for c in campaigns),
            key=lambda c: (c["name"].lower(), c["id"]),
        )

    def get(self, campaign_id: str) -> dict[str, Any]:
        found = self.store.campaign(campaign_id)
        if found is None:
            raise NotFoundError(f"No campaign {campaign_id!r}.", code="campaign_not_found")
        return {**_whole(found), **self.store.counts([campaign_id])[campaign_id]}

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        campaign_id = ids.new_id("cmp")
        self._check(body)
        self.store.put_campaign(campaign_id, body)
        self._public.clear()
        return self.get(campaign_id)

    def replace(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self.get(campaign_id)
        self._check(body)
        self.store.put_campaign(campaign_id, body)
        self._public.clear()
        return self.get(campaign_id)

    def delete(self, campaign_id: str) -> None:
        if not self.store.delete_campaign(campaign_id):
            raise NotFoundError(f"No campaign {campaign_id!r}.", code="campaign_not_found")
        self._public.clear()

    def _check(self, body: dict[str, Any]) -> None:
        if self.agent(body["agent_id"]) is None:
            raise UnprocessableError("The sender must be one of the desk's agents.", code="unknown_agent",
                                     details={"agent_id": body["agent_id"]})

    # ------------------------------------------------------------- the widget

    def public(self) -> builtins.list[dict[str, Any]]:
        """What the widget needs to wait for the right moment: the enabled campaigns'
        conditions (the message and sender come when the desk agrees to greet). As this
        instance read them up to ``CACHE_SECONDS`` ago: every page view asks."""
        return self._public.get()

    def _enabled(self) -> builtins.list[dict[str, Any]]:
        return [
            {"id": c["id"], "conditions": c["conditions"]}
            for c in sorted(self.store.campaigns(), key=lambda c: c["id"]) if c.get("enabled", True)
        ]

    def show(self, campaign_id: str, customer_id: str, facts: dict[str, Any]) -> dict[str, Any]:
        """The widget would greet now: if the campaign's conditions hold (checked here too:
        else UnprocessableError naming the unmet ones) and this visitor was never greeted by
        it, record that it was and give the greeting; ``{"show": False}`` if it was."""
        campaign = self.store.campaign(campaign_id)
        if campaign is None:
            raise NotFoundError(f"No campaign {campaign_id!r}.", code="campaign_not_found")
        now = self.clock()
        visit = Visit(
            url=facts["url"], page_opened_at=now - timedelta(seconds=facts["seconds_on_page"]),
            pages_seen=facts["pages_seen"], returning=facts["returning"], language=facts["language"],
        )
        sender = self.agent(campaign["agent_id"])
        missing = unmet(campaign, visit, now, self.desk_open()) + ([] if sender else ["agent"])
        if missing or sender is None:
            raise UnprocessableError(
                "This campaign does not greet this visit now: see which of its conditions are unmet.",
                code="campaign_not_eligible", details={"unmet": sorted(missing)},
            )
        if not self.store.mark(campaign_id, customer_id, "shown"):
            return {"show": False}  # greeted before: once per visitor
        return {"show": True, "message": campaign["message"], "agent": _card(sender)}

    def greeting_for_reply(self, campaign_id: str, customer_id: str) -> tuple[str, str] | None:
        """A visitor answers a campaign's greeting: ``(message, agent id)`` to put at the top
        of the new conversation, the first time, and only if the desk did greet them."""
        campaign = self.store.campaign(campaign_id)
        if campaign is None or not self.store.was_shown(campaign_id, customer_id):
            return None
        if not self.store.mark(campaign_id, customer_id, "replied"):
            return None
        return campaign["message"], campaign["agent_id"]

    # ------------------------------------------------------------- reactions

    def on_event(self, event: CampaignShown | CampaignReplied) -> None:
        """Count a greeting or an answer (once per event: the reaction ledger)."""
        self.store.count(event.campaign_id, "shown" if isinstance(event, CampaignShown) else "replied")


def _whole(campaign: dict[str, Any]) -> dict[str, Any]:
    return {"enabled": True, **campaign}


def _card(agent: Agent) -> dict[str, Any]:
    return {"id": agent.id, "name": agent.name, "title": agent.title, "avatar_url": agent.avatar_url}
