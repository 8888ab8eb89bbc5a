"""Search across tickets and customers (``docs/search.md``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..entrypoints import representations as rep
from ..entrypoints.http import AGENT, Call, operation

bp = Blueprint(__name__)


@operation(
    bp, "GET", "/search",
    summary="Find tickets and customers by ticket number, e-mail address or words (subject, messages, "
    "notes, customer name), newest first",
    auth=AGENT, response="SearchResults",
    query={
        "q": {"required": True, "maxLength": 200, "pattern": r"[^\x00-\x1f]*[^\x00-\x20][^\x00-\x1f]*",
              "description": "#1001, ann@example.com, or words (each matches as a prefix: 'lam' finds 'lamp')"},
        "limit": {"pattern": r"[1-9]|1[0-9]|2[0-5]", "description": "a number from 1 to 25"},
        "cursor": {"pattern": r"[A-Za-z0-9_-]{1,2048}", "description": "a cursor from a previous page"},
    },
)
def search(call: Call) -> Any:
    assert call.principal is not None
    q = call.query
    found = container().search.search(q["q"], call.principal, limit=int(q.get("limit", "20")), cursor=q.get("cursor"))
    customers = [found.customer] if found.customer else list(
        {t.customer_id: found.customers[t.customer_id] for t in found.tickets}.values()
    )
    return {
        "query": q["q"],
        "kind": found.kind,
        "terms": found.terms,
        "tickets": [rep.ticket(t, found.customers.get(t.customer_id)) for t in found.tickets],
        "customers": [rep.customer(c) for c in customers],
        "next_cursor": found.cursor,
    }
