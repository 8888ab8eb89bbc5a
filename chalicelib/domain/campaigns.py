"""Proactive chat: when a campaign greets a visitor, and the widget's look.

A campaign opens the widget with a message from a named agent when the visitor's page and
visit match its conditions. The widget waits and asks; the desk decides again here (the
browser's word is checked, not trusted) and records the greeting once per visitor and
campaign. Pure: time and business hours are arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

LANGUAGES = ("en", "de", "fr", "es", "he", "et")  # the widget's languages

# What a desk that never opened the widget's settings shows: the widget as it always was.
DEFAULT_WIDGET_SETTINGS: dict[str, Any] = {
    "color": "#1f4fd1",
    "position": "right",
    "greeting": None,
    "reply_time": None,
    "languages": list(LANGUAGES),
    "prechat": {"name": "off", "email": "off"},
    "allowed_origins": [],
}


def widget_settings(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The settings in force: what was saved over the defaults."""
    return {**DEFAULT_WIDGET_SETTINGS, **(stored or {})}


def origin_allowed(allowed: list[str], origin: str | None) -> bool:
    """Whether a page of ``origin`` may use the widget: any, while the list is empty."""
    if not allowed:
        return True
    return origin is not None and origin.rstrip("/").lower() in {a.rstrip("/").lower() for a in allowed}


def url_matches(pattern: str | None, url: str) -> bool:
    """``*`` stands for anything. A pattern starting with ``http`` is matched against the
    whole address, any other against its path (``/lamps*``); none matches every page."""
    if not pattern:
        return True
    target = url if pattern.startswith("http") else (urlsplit(url).path or "/")
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, target) is not None


@dataclass(frozen=True)
class Visit:
    """What the widget tells of the visitor's page and visit."""

    url: str
    page_opened_at: datetime
    pages_seen: int  # this visit, this page included
    returning: bool  # the browser had an earlier visit
    language: str


def due_at(campaign: dict[str, Any], visit: Visit) -> datetime:
    """When the campaign may greet on this page: its seconds after the page opened."""
    return visit.page_opened_at + timedelta(seconds=int(campaign["conditions"].get("seconds_on_page", 0)))


def unmet(campaign: dict[str, Any], visit: Visit, now: datetime, desk_open: bool) -> list[str]:
    """The conditions of ``campaign`` this visit does not meet at ``now`` (``desk_open``:
    within business hours), by name, sorted; none: it greets."""
    rules = campaign["conditions"]
    visitor = rules.get("visitor", "any")
    checks = {
        "enabled": campaign.get("enabled", True),
        "url": url_matches(rules.get("url"), visit.url),
        "seconds_on_page": now >= due_at(campaign, visit),
        "pages_seen": visit.pages_seen >= int(rules.get("pages_seen", 1)),
        "visitor": visitor == "any" or (visitor == "returning") == visit.returning,
        "business_hours_only": not rules.get("business_hours_only") or desk_open,
        "languages": not rules.get("languages") or visit.language in rules["languages"],
    }
    return sorted(name for name, met in checks.items() if not met)


def eligible(campaign: dict[str, Any], visit: Visit, now: datetime, desk_open: bool) -> bool:
    """Whether ``campaign`` greets this visit at ``now`` (``desk_open``: within business hours)."""
    return not unmet(campaign, visit, now, desk_open)


@dataclass(frozen=True)
class CampaignShown:
    """A campaign greeted a visitor (first time for this visitor and campaign)."""

    name: ClassVar[str] = "campaign.shown"
    campaign_id: str
    customer_id: str
    event_id: str | None = None


@dataclass(frozen=True)
class CampaignReplied:
    """A visitor answered a campaign's greeting (first time for this visitor and campaign)."""

    name: ClassVar[str] = "campaign.replied"
    campaign_id: str
    customer_id: str
    event_id: str | None = None


CAMPAIGN_EVENTS: dict[str, type[CampaignShown] | type[CampaignReplied]] = {
    CampaignShown.name: CampaignShown, CampaignReplied.name: CampaignReplied,
}


CAMPAIGN_ID = re.compile(r"cmp_[a-z0-9]{1,40}")
