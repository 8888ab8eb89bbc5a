"""The audit log of agents' actions."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..domain.errors import ValidationError
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, Call, operation

bp = Blueprint(__name__)


@operation(
    bp, "GET", "/audit",
    summary="The audit log of agents' actions in a month, or about one id in every month (admins), newest first",
    auth=ADMIN, response="AuditLog",
    query={
        "month": {"pattern": r"[0-9]{4}-(0[1-9]|1[0-2])", "description": "YYYY-MM (default: this month, UTC)"},
        "target": {
            "pattern": r"[A-Za-z0-9_-]{1,64}",
            "description": "the entries about one id (a ticket, customer, agent or calendar), every month; "
            "not with month",
        },
        "order": {"enum": ["newest", "oldest"]},
        "limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"},
        "cursor": {"pattern": r"[A-Za-z0-9_-]{1,2048}", "description": "a cursor from a previous page"},
    },
)
def audit_log(call: Call) -> Any:
    from ..bootstrap import now
    from ..domain.audit import month_of

    limit, cursor = int(call.query.get("limit", "50")), call.query.get("cursor")
    newest_first = call.query.get("order", "newest") == "newest"
    target = call.query.get("target")
    if target is not None:
        if "month" in call.query:
            raise ValidationError(
                "The query parameters are not valid.",
                details=[{"field": "month", "message": "not with target: an id's entries come from every month"}],
            )
        page = container().audit.target(target, limit=limit, cursor=cursor, newest_first=newest_first)
        return {"target": target, "items": [rep.audit_entry(e) for e in page.items], "next_cursor": page.cursor}
    month = call.query.get("month") or month_of(now())
    page = container().audit.month(month, limit=limit, cursor=cursor, newest_first=newest_first)
    return {"month": month, "items": [rep.audit_entry(e) for e in page.items], "next_cursor": page.cursor}
