"""Tickets and their messages."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.errors import BadRequestError, NotFoundError, PreconditionRequiredError
from ..domain.tickets import UNSET, MessageKind, Priority, Status, TicketChanges, TicketFilter
from ..entrypoints import representations as rep
from ..entrypoints.http import AGENT, Call, operation, path_id
from ..services.tickets import OpenTicket, PostMessage

bp = Blueprint(__name__)

_ID_PATTERN = re.compile(r"#?[A-Za-z0-9_]{1,64}")


def reference(value: str) -> str:
    """A ticket's id or number, from a path."""
    return path_id(value, _ID_PATTERN, "No ticket {value}.", "ticket_not_found")


def _expected_version(call: Call) -> int:
    header = call.request.headers.get("if-match")
    if header is not None:
        value = header.strip().removeprefix("W/").strip('"')
        if not value.isdigit():
            raise BadRequestError(
                'If-Match must be the ETag from GET, e.g. "3".', code="invalid_if_match"
            )
        return int(value)
    if "version" in call.body:
        return int(call.body["version"])
    raise PreconditionRequiredError(
        "Say which version you edited: send If-Match with the ticket's ETag, or 'version'.",
        code="version_required",
    )


_TICKET_QUERY = {
    "status": {"enum": [s.value for s in Status]},
    "priority": {"enum": [p.value for p in Priority]},
    "assignee": {"pattern": r"[A-Za-z0-9_-]{1,64}", "description": "an agent id, 'me' or 'none'"},
    "team": {"pattern": r"[a-z0-9][a-z0-9-]{0,39}", "description": "a team, or 'none'"},
    "tag": {"pattern": r"[a-z0-9][a-z0-9_:\-]{0,49}", "description": "a tag"},
    "customer": {"pattern": r"cus_[a-z0-9]{1,40}", "description": "a customer id"},
    "channel": {"enum": ["chat", "email", "api", "web", "phone"]},
    "limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"},
    "cursor": {"pattern": r"[A-Za-z0-9_-]{1,2048}", "description": "a cursor from a previous page"},
}


@operation(
    bp, "GET", "/tickets", summary="List tickets, newest activity first", auth=AGENT,
    response="TicketList", query=_TICKET_QUERY,
)
def list_tickets(call: Call) -> Any:
    q = call.query
    assert call.principal is not None
    assignee = q.get("assignee")
    if assignee == "me":
        assignee = call.principal.agent_id
    query = TicketFilter(
        status=Status(q["status"]) if "status" in q else None,
        priority=Priority(q["priority"]) if "priority" in q else None,
        assignee_id=assignee,
        team=q.get("team"),
        tag=q.get("tag"),
        customer_id=q.get("customer"),
        channel=q.get("channel"),
    )
    page = container().tickets.list(query, limit=int(q.get("limit", "25")), cursor=q.get("cursor"))
    customers = container().customers.many([t.customer_id for t in page.items])
    return {
        "items": [rep.ticket(t, customers.get(t.customer_id)) for t in page.items],
        "next_cursor": page.cursor,
    }


def _ticket_response(ticket: Any, status: int = 200) -> Response:
    customer = container().customers.many([ticket.customer_id]).get(ticket.customer_id)
    return Response(
        body=rep.ticket(ticket, customer),
        status_code=status,
        headers={"Content-Type": "application/json", "ETag": f'"{ticket.version}"'},
    )


@operation(
    bp, "POST", "/tickets", summary="Open a ticket", auth=AGENT, body="TicketCreate",
    response="Ticket", status=201, errors=(422,),
)
def create_ticket(call: Call) -> Any:
    b = call.body
    ticket, _ = container().tickets.open(
        OpenTicket(
            subject=b["subject"],
            customer_email=b["customer"]["email"],
            customer_name=b["customer"].get("name"),
            body=b.get("body"),
            channel=b.get("channel", "api"),
            priority=Priority(b.get("priority", "normal")),
            status=Status(b["status"]) if "status" in b else None,
            assignee_id=b.get("assignee_id"),
            team=b.get("team"),
            tags=b.get("tags", ()),
        ),
        call.principal,
    )
    response = _ticket_response(ticket, 201)
    response.headers["Location"] = f"/tickets/{ticket.id}"
    return response


@operation(
    bp, "GET", "/tickets/{ticket_id}", summary="A ticket, by id or number", auth=AGENT,
    response="Ticket", errors=(404,),
)
def get_ticket(call: Call, ticket_id: str) -> Any:
    return _ticket_response(container().tickets.get(reference(ticket_id)))


@operation(
    bp, "PATCH", "/tickets/{ticket_id}",
    summary="Change a ticket (send If-Match or version: a stale edit gets 409)",
    auth=AGENT, body="TicketUpdate", response="Ticket", errors=(404, 409, 422, 428),
)
def update_ticket(call: Call, ticket_id: str) -> Any:
    b = call.body
    changes = TicketChanges(
        subject=b.get("subject"),
        status=Status(b["status"]) if "status" in b else None,
        priority=Priority(b["priority"]) if "priority" in b else None,
        assignee_id=b["assignee_id"] if "assignee_id" in b else UNSET,
        team=b["team"] if "team" in b else UNSET,
        tags=b.get("tags"),
    )
    assert call.principal is not None
    ticket = container().tickets.update(
        reference(ticket_id), changes, _expected_version(call), call.principal
    )
    return _ticket_response(ticket)


@operation(
    bp, "POST", "/tickets/{ticket_id}/messages", summary="Reply to the customer or add a note",
    auth=AGENT, body="MessageCreate", response="MessageCreated", status=201, errors=(404, 422),
)
def post_message(call: Call, ticket_id: str) -> Any:
    b = call.body
    assert call.principal is not None
    ticket, message = container().tickets.post_message(
        reference(ticket_id),
        PostMessage(
            body=b["body"],
            kind=MessageKind(b.get("kind", "reply")),
            status=Status(b["status"]) if "status" in b else None,
        ),
        call.principal,
    )
    customer = container().customers.many([ticket.customer_id]).get(ticket.customer_id)
    return {"message": rep.message(message), "ticket": rep.ticket(ticket, customer)}


@operation(
    bp, "GET", "/tickets/{ticket_id}/messages", summary="A ticket's messages, in order", auth=AGENT,
    response="MessageList", errors=(404,),
    query={
        "after": {"pattern": r"0|[1-9][0-9]{0,11}", "description": "a sequence number"},
        "limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"},
    },
)
def list_messages(call: Call, ticket_id: str) -> Any:
    _, messages, next_after = container().tickets.messages(
        reference(ticket_id),
        after_seq=int(call.query.get("after", "0")),
        limit=int(call.query.get("limit", "50")),
    )
    files = container().files
    url_for = files.download_url if files else None
    return {"items": [rep.message(m, url_for) for m in messages], "next_after": next_after}


@operation(
    bp, "GET", "/tickets/{ticket_id}/messages/{seq}/html",
    summary="A mail's HTML, sanitised, with its inline images (show it in a sandboxed iframe)",
    auth=AGENT, response="MessageHtml", errors=(404,),
)
def message_html(call: Call, ticket_id: str, seq: str) -> Any:
    message = _message(ticket_id, seq)
    return {"html": container().mail.message_html(message, container().files.download_url)}


def _message(ticket_id: str, seq: str) -> Any:
    """One message of a ticket, by its number in the path (404 for anything else)."""
    if not re.fullmatch(r"[1-9][0-9]{0,11}", seq):
        raise NotFoundError(f"No message {seq!r}: messages are numbered from 1.", code="message_not_found")
    return container().tickets.message(reference(ticket_id), int(seq))[1]


@operation(
    bp, "GET", "/tickets/{ticket_id}/messages/{seq}/text",
    summary="A message's whole text (a long mail's body is an excerpt of it)",
    auth=AGENT, response="MessageText", errors=(404,),
)
def message_text(call: Call, ticket_id: str, seq: str) -> Any:
    message = _message(ticket_id, seq)
    return {"text": container().mail.message_text(message), "body_truncated": message.text_key is not None}
