"""Scheduled events: EventBridge calls these on their rates (the local stack's scheduler
does the same on a laptop)."""

from __future__ import annotations

from typing import Any

from ..bootstrap import container


def sla_tick(event: Any = None) -> dict[str, Any]:
    """Every minute: run the SLA warnings and breaches that are due, and decide the FAQ bot's
    answers that are 72 hours old (bot-resolved or not: services/kb_stats.py)."""
    report = container().sla.tick()
    resolved = container().kb_stats.tick()
    return {"tickets_read": report.tickets_read, "escalations": len(report.escalations), "bot_resolved": resolved}
