"""The customer portal: the public web form (embeddable in a business's site), sign-in by a
one-time link, and a signed-in customer's own tickets. Every route is public to the pipeline
and rate-limited; those of a signed-in customer check the portal session themselves
(``Authorization: Bearer <session>``, services/portal.py), never an agent's token."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.clock import to_iso
from ..domain.tickets import Message, Ticket
from ..entrypoints.http import PUBLIC, Call, operation, public_base_url
from .pages import _static_file, _static_response

bp = Blueprint(__name__)

_NUMBER = r"[0-9]{1,12}"
# A page's language, chosen by the link to it (the business's site, the portal's own links).
_PAGE_QUERY = {"lang": {"enum": ["en", "de", "fr", "es", "he", "et"], "description": "the page's language"}}


def _page(name: str) -> Response:
    return Response(
        body=_static_file(name), status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"},
    )


@operation(
    bp, "GET", "/portal", summary="The customer portal (a web page): sign in, your requests", auth=PUBLIC,
    query=_PAGE_QUERY,
)
def portal_page(call: Call) -> Any:
    return _page("portal.html")


@operation(
    bp, "GET", "/portal/new",
    summary="The web form that opens a ticket (a web page; may be framed by any site)", auth=PUBLIC,
    query=_PAGE_QUERY,
)
def portal_form_page(call: Call) -> Any:
    return _page("portal-form.html")


@operation(bp, "GET", "/portal/app.js", summary="The customer portal's script", auth=PUBLIC)
def portal_script(call: Call) -> Any:
    return _static_response(call, "portal.js", "application/javascript; charset=utf-8")


@operation(bp, "GET", "/portal/app.css", summary="The customer portal's styles", auth=PUBLIC)
def portal_styles(call: Call) -> Any:
    return _static_response(call, "portal.css", "text/css; charset=utf-8")


# ---------------------------------------------------------------- the web form


@operation(
    bp, "GET", "/portal/form", summary="A web form to fill in: its signed token and the file limits",
    auth=PUBLIC, response="PortalForm", rate_limit="portal_form",
)
def portal_form(call: Call) -> Any:
    return container().portal.new_form()


@operation(
    bp, "POST", "/portal/uploads", summary="Upload a file for the web form (a pre-signed S3 POST)",
    auth=PUBLIC, body="PortalUploadCreate", response="PortalUpload", status=201, errors=(422,),
    rate_limit="portal_uploads",
)
def portal_upload(call: Call) -> Any:
    return container().portal.upload(call.body["form_token"], call.body["filename"], call.body["content_type"])


@operation(
    bp, "POST", "/portal/tickets",
    summary="Send the web form: a ticket (channel web) for the address given, acknowledged by mail with a "
    "sign-in link",
    auth=PUBLIC, body="PortalTicketCreate", response="PortalTicketReceived", status=201, errors=(409, 422, 429),
    rate_limit="portal_form",
)
def portal_submit(call: Call) -> Any:
    ticket = container().portal.submit(call.body, public_base_url(call))
    return {"number": ticket.number}


# ---------------------------------------------------------------- signing in


@operation(
    bp, "POST", "/portal/links",
    summary="Mail a one-time sign-in link (the same answer whether the address is known or not)",
    auth=PUBLIC, body="PortalLinkCreate", response="PortalLinkSent", status=202, errors=(429,),
    rate_limit="portal_links",
)
def portal_link(call: Call) -> Any:
    container().portal.send_link(call.body["email"], call.body.get("language"), public_base_url(call))
    return {"sent": True}


@operation(
    bp, "POST", "/portal/sessions", summary="Sign in with a link's token (once): a customer session",
    auth=PUBLIC, body="PortalSessionCreate", response="PortalSession", status=201, errors=(410,),
    rate_limit="portal_sign_in",
)
def portal_sign_in(call: Call) -> Any:
    return container().portal.sign_in(call.body["token"])


# ---------------------------------------------------------------- a signed-in customer


def _customer(call: Call) -> Any:
    return container().portal.customer(call.request.headers.get("authorization"))


@operation(
    bp, "GET", "/portal/tickets", summary="Your requests on every channel (customer session)",
    auth=PUBLIC, response="PortalTicketList", errors=(401,), rate_limit="portal",
)
def portal_tickets(call: Call) -> Any:
    who = _customer(call)
    return {"email": who.email, "items": [_ticket(t) for t in container().portal.tickets_of(who)]}


@operation(
    bp, "GET", "/portal/tickets/{number}", summary="One of your requests with its public messages (customer session)",
    auth=PUBLIC, response="PortalTicket", errors=(401, 404), rate_limit="portal",
)
def portal_ticket(call: Call, number: str) -> Any:
    portal = container().portal
    ticket = portal.ticket(_customer(call), _number(number))
    return _ticket(ticket, portal.messages(ticket))


@operation(
    bp, "POST", "/portal/tickets/{number}/messages", summary="Reply on one of your requests (customer session)",
    auth=PUBLIC, body="PortalReply", response="PortalMessage", status=201, errors=(401, 404, 422),
    rate_limit="portal",
)
def portal_reply(call: Call, number: str) -> Any:
    _, message = container().portal.reply(
        _customer(call), _number(number), call.body["body"], call.body.get("attachments", [])
    )
    return _message(message)


@operation(
    bp, "POST", "/portal/tickets/{number}/uploads",
    summary="Upload a file for a reply on one of your requests (a pre-signed S3 POST; customer session)",
    auth=PUBLIC, body="PortalReplyUploadCreate", response="PortalUpload", status=201, errors=(401, 404, 422),
    rate_limit="portal_uploads",
)
def portal_reply_upload(call: Call, number: str) -> Any:
    return container().portal.reply_upload(
        _customer(call), _number(number), call.body["filename"], call.body["content_type"]
    )


@operation(
    bp, "POST", "/portal/tickets/{number}/close", summary="Close one of your requests: it is solved (customer session)",
    auth=PUBLIC, response="PortalTicket", errors=(401, 404, 422), rate_limit="portal",
)
def portal_close(call: Call, number: str) -> Any:
    return _ticket(container().portal.solve(_customer(call), _number(number)))


# ---------------------------------------------------------------- shapes


def _number(value: str) -> str:
    import re

    from ..domain.errors import NotFoundError

    if not re.fullmatch(_NUMBER, value):
        raise NotFoundError(f"You have no request {value!r}.", code="ticket_not_found")
    return value


def _ticket(ticket: Ticket, messages: list[Message] | None = None) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "number": ticket.number, "subject": ticket.subject, "status": ticket.status.value,
        "channel": ticket.channel, "created_at": to_iso(ticket.created_at),
        "last_activity_at": to_iso(ticket.last_activity_at),
    }
    if messages is not None:
        shaped["messages"] = [_message(m) for m in messages]
    return shaped


def _message(message: Message) -> dict[str, Any]:
    portal = container().portal
    return {
        "seq": message.seq, "author": message.author_type.value, "body": message.body,
        "created_at": to_iso(message.created_at),
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size,
             "url": portal.download_url(a.key, a.filename)}
            for a in message.attachments if not a.inline
        ],
    }

