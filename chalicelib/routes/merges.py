"""Work on more than one ticket: merge one into another, change several at once."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..domain.errors import BadRequestError
from ..domain.tickets import UNSET, Priority, Status
from ..entrypoints import representations as rep
from ..entrypoints.http import AGENT, Call, audit, operation
from ..services.merge import BulkChange
from .tickets import reference

bp = Blueprint(__name__)


def _version(call: Call) -> int | None:
    """The version of the source the agent saw (If-Match or ``version``), if she said."""
    header = call.request.headers.get("if-match")
    if header is not None:
        value = header.strip().removeprefix("W/").strip('"')
        if not value.isdigit():
            raise BadRequestError('If-Match must be the ETag from GET, e.g. "3".', code="invalid_if_match")
        return int(value)
    return call.body.get("version")


@operation(
    bp, "POST", "/tickets/{ticket_id}/merge",
    summary="Merge this ticket into another of the same customer: its messages join the other's "
    "timeline, it is closed with merged_into, and mail answering it lands in the other",
    auth=AGENT, body="TicketMerge", response="TicketMerged", errors=(404, 409, 422),
)
def merge_ticket(call: Call, ticket_id: str) -> Any:
    assert call.principal is not None
    merged = container().merges.merge(reference(ticket_id), call.body["into"], call.principal, _version(call))
    audit(call, "ticket.merged", "ticket", merged.source.id, into=merged.target.id, messages=merged.copied)
    customers = container().customers.many([merged.target.customer_id])
    return {
        "source": rep.ticket(merged.source, customers.get(merged.source.customer_id)),
        "target": rep.ticket(merged.target, customers.get(merged.target.customer_id)),
        "copied": merged.copied,
    }


@operation(
    bp, "PATCH", "/tickets",
    summary="Change several tickets at once (status, priority, assignee, team, tags added or removed): "
    "each is its own conditional write, and the answer says per ticket what failed",
    auth=AGENT, body="TicketsBulkUpdate", response="BulkResult",
)
def bulk_update_tickets(call: Call) -> Any:
    assert call.principal is not None
    c = call.body["changes"]
    change = BulkChange(
        status=Status(c["status"]) if "status" in c else None,
        priority=Priority(c["priority"]) if "priority" in c else None,
        assignee_id=c["assignee_id"] if "assignee_id" in c else UNSET,
        team=c["team"] if "team" in c else UNSET,
        add_tags=c.get("add_tags", ()),
        remove_tags=c.get("remove_tags", ()),
    )
    targets = [(t["id"], t.get("version")) for t in call.body["tickets"]]
    outcomes = container().bulk.apply(targets, change, call.principal)
    tickets = [o.ticket for o in outcomes if o.ticket is not None]
    customers = container().customers.many([t.customer_id for t in tickets])
    results = []
    for o in outcomes:
        if o.ticket is not None:
            results.append({"id": o.reference, "ok": True, "ticket": rep.ticket(o.ticket, customers.get(o.ticket.customer_id))})
        else:
            assert o.error is not None
            results.append({"id": o.reference, "ok": False, "error": {
                "code": o.error.code, "message": o.error.message, "details": o.error.details}})
    ok = sum(1 for r in results if r["ok"])
    return {"results": results, "succeeded": ok, "failed": len(results) - ok}
