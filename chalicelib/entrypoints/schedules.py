"""Scheduled events: EventBridge calls these on their rates (the local stack's scheduler
does the same on a laptop)."""

from __future__ import annotations

from typing import Any

from ..bootstrap import container


def sla_tick(event: Any = None) -> dict[str, Any]:
    """Every minute: run the SLA warnings and breaches that are due."""
    report = container().sla.tick()
    return {"tickets_read": report.tickets_read, "escalations": len(report.escalations)}
