"""The REST API: one registry of operations, the one error shape, and the request pipeline.

Each operation declares who may call it, the schema of its body and of its answer; the same
declarations build ``/openapi.json``. ``app.py`` only routes to the functions defined here.
Pipeline of a request: size check -> rate limit (public endpoints) -> authenticate -> parse
JSON -> validate -> handler; any ``DeskError`` becomes ``{"error": {"code", "message",
"details"}}`` with its status. The ``middleware`` adds the security and CORS headers.
"""

from __future__ import annotations

import ipaddress
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import unquote

from chalice import Response

from ..bootstrap import container
from ..domain.clock import to_iso
from ..domain.errors import (
    BadRequestError,
    ConflictError,
    DeskError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PreconditionRequiredError,
    ValidationError,
)
from ..domain.people import Principal, Role, normalise_email
from ..domain.tickets import UNSET, MessageKind, Priority, Status, TicketChanges, TicketFilter
from ..observability import logger
from ..schemas import EMAIL_PATTERN, VISIBLE_TEXT, validator
from ..services.tickets import OpenTicket, PostMessage
from . import representations as rep
from .headers import secure

JSON = ["application/json"]
PUBLIC, AGENT, ADMIN = "public", "agent", "admin"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    auth: str
    body: str | None
    response: str | None
    status: int
    query: dict[str, Any] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    rate_limit: str | None = None  # a limit of Settings.rate_limits, counted per client IP


OPERATIONS: dict[tuple[str, str], Operation] = {}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(error: DeskError) -> Response:
    headers = {"Content-Type": "application/json"}
    if isinstance(error.details, dict) and "retry_after_seconds" in error.details:
        headers["Retry-After"] = str(error.details["retry_after_seconds"])
    return Response(
        body=error_body(error.code, error.message, error.details),
        status_code=error.status,
        headers=headers,
    )


def operation(
    method: str,
    path: str,
    *,
    summary: str,
    auth: str,
    body: str | None = None,
    response: str | None = None,
    status: int = 200,
    query: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
    rate_limit: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Declare an operation and wrap its handler in the request pipeline."""
    op = Operation(method, path, summary, auth, body, response, status, query or {}, errors, rate_limit)
    OPERATIONS[(method, path)] = op

    def decorate(handler: Callable[..., Any]) -> Callable[..., Response]:
        def run(request: Any, **path_params: str) -> Response:
            try:
                return _run(op, handler, request, path_params)
            except DeskError as error:
                return error_response(error)

        run.__name__ = handler.__name__
        run.__doc__ = handler.__doc__
        run.operation = op  # type: ignore[attr-defined]
        return run

    return decorate


@dataclass
class Call:
    """What a handler gets: the caller, the validated body and query, the raw request."""

    principal: Principal | None
    body: Any
    query: dict[str, str]
    request: Any


def _run(op: Operation, handler: Callable[..., Any], request: Any, path_params: dict[str, str]) -> Response:
    principal = None
    if op.rate_limit:  # before anything costly: a flood of junk is counted too
        container().rate_limits.hit(op.rate_limit, client_ip(request))
    if op.auth != PUBLIC:
        principal = container().agents.authenticate(request.headers.get("authorization"))
        if op.auth == ADMIN and principal.role != Role.ADMIN:
            raise PermissionDeniedError("This needs an admin.", code="admin_required")
        logger.thread_safe_append_keys(agent_id=principal.agent_id)
    query = _parse_query(op, request.query_params or {})
    body = _parse_body(op, request)
    result = handler(Call(principal, body, query, request), **path_params)
    if isinstance(result, Response):
        return result
    return Response(body=result, status_code=op.status, headers={"Content-Type": "application/json"})


def client_ip(request: Any) -> str:
    """The caller's address: API Gateway's ``sourceIp`` (the local server's too), or, behind
    proxies the desk is told to trust (``DESK_TRUSTED_PROXY_HOPS``), the X-Forwarded-For
    entry that many places from the right: the address the outermost trusted proxy saw."""
    source = str(((request.context or {}).get("identity") or {}).get("sourceIp") or "unknown")
    hops = container().settings.trusted_proxy_hops
    if hops > 0:
        forwarded = [a.strip() for a in (request.headers.get("x-forwarded-for") or "").split(",")]
        if len(forwarded) >= hops:
            try:
                return str(ipaddress.ip_address(forwarded[-hops]))
            except ValueError:
                pass  # not written by a proxy we trust: fall back to the connection's address
    return source


def _parse_query(op: Operation, params: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(params) - set(op.query))
    if unknown:
        raise BadRequestError(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            code="unknown_parameter",
            details={"allowed": sorted(op.query)},
        )
    problems = [
        {"field": name, "message": "is required"}
        for name, spec in op.query.items() if spec.get("required") and name not in params
    ]
    for name, value in params.items():
        spec = op.query[name]
        if "enum" in spec and value not in spec["enum"]:
            problems.append({"field": name, "message": f"must be one of {', '.join(spec['enum'])}"})
        elif len(value) > spec.get("maxLength", len(value)):
            problems.append({"field": name, "message": f"at most {spec['maxLength']} characters"})
        elif "pattern" in spec and not re.fullmatch(spec["pattern"], value):
            problems.append({"field": name, "message": spec.get("description", "is not valid")})
    if problems:
        raise ValidationError("The query parameters are not valid.", details=problems)
    return dict(params)


def _parse_body(op: Operation, request: Any) -> Any:
    if op.body is None:
        return None
    raw = request.raw_body or b""
    if len(raw) > container().settings.max_body_bytes:
        raise PayloadTooLargeError(
            f"The body is larger than {container().settings.max_body_bytes} bytes."
        )
    if not raw.strip():
        raise BadRequestError("A JSON body is required.", code="body_required")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise BadRequestError(
            "The body is not valid JSON.", code="invalid_json", details={"reason": str(error)[:200]}
        ) from None
    if not _valid_unicode(body):
        raise BadRequestError(
            "The body holds text that is not valid Unicode (a lone surrogate escape).",
            code="invalid_json",
        )
    problems = [
        {
            "field": "/".join(str(p) for p in e.absolute_path) or "(body)",
            "message": _describe(e),
        }
        for e in sorted(validator(op.body).iter_errors(body), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise ValidationError("The body does not match the expected shape.", details=problems)
    return body


def _valid_unicode(value: Any) -> bool:
    """JSON may escape half a UTF-16 pair ("\\ud800"); such text cannot be stored or sent on."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_valid_unicode(k) and _valid_unicode(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_valid_unicode(v) for v in value)
    return True


def _describe(error: Any) -> str:
    if error.validator == "pattern":
        if error.validator_value == VISIBLE_TEXT:
            return "must hold visible text"
        return "is not in the expected format"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    return str(error.message)


# ------------------------------------------------------------------ middleware

def middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Per request: log keys and an access line, our error shape for Chalice's own errors,
    and security headers. Registered for every HTTP route in ``app.py``."""
    started = time.perf_counter()
    logger.thread_safe_clear_keys()
    context = getattr(event, "context", None) or {}
    lambda_context = getattr(event, "lambda_context", None)
    logger.thread_safe_append_keys(
        request_id=context.get("requestId") or getattr(lambda_context, "aws_request_id", None),
        path=context.get("resourcePath"),
    )
    try:
        response = get_response(event)
    except Exception:  # a bug, never the caller's fault: log it, answer in our shape
        logger.exception("unhandled error")
        response = Response(
            body=error_body("internal_error", "Something went wrong on our side."),
            status_code=500,
        )
    response = _normalise_error(response)
    response.headers.setdefault("Content-Type", "application/json")
    path = context.get("resourcePath") or ""
    op = OPERATIONS.get((getattr(event, "method", ""), path))
    headers = getattr(event, "headers", None) or {}
    secure(
        response, path=path, origin=headers.get("origin"), settings=container().settings,
        needs_token=op is not None and op.auth != PUBLIC, sent_token="authorization" in headers,
    )
    logger.info(
        "request",
        method=getattr(event, "method", None),
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return response


_CHALICE_CODES = {
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequestError": "bad_request",
    "BadRequest": "bad_request",
    "InternalServerError": "internal_error",
}


def _normalise_error(response: Response) -> Response:
    """Chalice answers some requests itself (405, 415) with ``{"Code", "Message"}``."""
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = _CHALICE_CODES.get(body["Code"], re.sub(r"(?<!^)(?=[A-Z])", "_", body["Code"]).lower())
        response.body = error_body(code, body["Message"])
    return response


# ------------------------------------------------------------------ operations

_ID_PATTERN = re.compile(r"#?[A-Za-z0-9_]{1,64}")


def _path_id(value: str, pattern: re.Pattern[str], message: str, code: str) -> str:
    """A path parameter that cannot be an id is a 404 before any lookup."""
    # API Gateway hands over path parameters decoded, Chalice's local gateway does not.
    value = unquote(value)
    if not pattern.fullmatch(value):
        raise NotFoundError(message.format(value=repr(value)), code=code)
    return value


def _reference(value: str) -> str:
    return _path_id(value, _ID_PATTERN, "No ticket {value}.", "ticket_not_found")


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


@operation("GET", "/health", summary="Is the desk up", auth=PUBLIC, response="Health")
def health(call: Call) -> Any:
    return {"status": "ok", "stage": container().settings.stage}


@operation("GET", "/openapi.json", summary="This API, as OpenAPI 3.1", auth=PUBLIC)
def openapi(call: Call) -> Any:
    from .openapi import document

    return document(OPERATIONS)


@operation(
    "POST", "/auth/login", summary="Sign an agent in", auth=PUBLIC,
    body="LoginRequest", response="Tokens", errors=(401,), rate_limit="login",
)
def login(call: Call) -> Any:
    # Per address as well as per IP: guessing one agent's password from many IPs is slow too.
    container().rate_limits.hit("login_email", normalise_email(call.body["email"]))
    return container().agents.sign_in(call.body["email"], call.body["password"])


@operation(
    "POST", "/auth/refresh", summary="New tokens for a refresh token", auth=PUBLIC,
    body="RefreshRequest", response="Tokens", errors=(401,), rate_limit="refresh",
)
def refresh(call: Call) -> Any:
    return container().agents.refresh(call.body["refresh_token"])


@operation("GET", "/agents/me", summary="The signed-in agent", auth=AGENT, response="Agent")
def me(call: Call) -> Any:
    assert call.principal is not None
    return rep.agent(container().agents.get(call.principal.agent_id))


@operation("GET", "/agents", summary="The team's agents", auth=AGENT, response="AgentList")
def list_agents(call: Call) -> Any:
    return {"items": [rep.agent(a) for a in container().agents.list()]}


@operation(
    "POST", "/agents", summary="Add an agent (admins)", auth=ADMIN, body="AgentCreate",
    response="Agent", status=201, errors=(409, 422),
)
def create_agent(call: Call) -> Any:
    body = call.body
    agent = container().agents.create(
        email=body["email"], name=body["name"], password=body["password"],
        role=Role(body.get("role", "agent")), by=call.principal,
    )
    _audit(call, "agent.created", "agent", agent.id, role=agent.role.value)
    return rep.agent(agent)


_static: dict[str, str] = {}


def _static_file(name: str) -> str:
    if name not in _static:
        from pathlib import Path

        _static[name] = (Path(__file__).resolve().parents[1] / "static" / name).read_text()
    return _static[name]


@cache
def _static_etag(name: str) -> str:
    """Hashed once per function instance, not per request."""
    import hashlib

    return '"' + hashlib.sha256(_static_file(name).encode()).hexdigest()[:20] + '"'


def _static_response(call: Call, name: str, content_type: str, headers: dict[str, str] | None = None) -> Response:
    """A file of the app's own, revalidated cheaply: its ETag is a hash of the content."""
    body = _static_file(name)
    etag = _static_etag(name)
    common = {"ETag": etag, "Cache-Control": "public, max-age=300", **(headers or {})}
    if call.request.headers.get("if-none-match") == etag:
        return Response(body="", status_code=304, headers=common)
    return Response(body=body, status_code=200, headers={"Content-Type": content_type, **common})


@operation("GET", "/widget.js", summary="The chat widget's script", auth=PUBLIC)
def widget_script(call: Call) -> Any:
    return _static_response(
        call, "widget.js", "application/javascript; charset=utf-8", {"Access-Control-Allow-Origin": "*"}
    )


@operation("GET", "/console", summary="The agent console (a web page)", auth=PUBLIC)
def console_page(call: Call) -> Any:
    import html

    page = _static_file("console.html").replace(
        "{{websocket_url}}", html.escape(container().settings.websocket_url, quote=True)
    )
    return Response(
        body=page, status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"},
    )


@operation("GET", "/console/app.js", summary="The agent console's script", auth=PUBLIC)
def console_script(call: Call) -> Any:
    return _static_response(call, "console.js", "application/javascript; charset=utf-8")


@operation("GET", "/console/app.css", summary="The agent console's styles", auth=PUBLIC)
def console_styles(call: Call) -> Any:
    return _static_response(call, "console.css", "text/css; charset=utf-8")


@operation(
    "POST", "/widget/sessions", summary="A visitor token for the chat widget", auth=PUBLIC,
    body="WidgetSessionCreate", response="WidgetSession", status=201, errors=(401,),
    rate_limit="widget_sessions",
)
def start_widget_session(call: Call) -> Any:
    settings = container().settings
    session = container().widget.start(call.body)
    hours = container().out_of_hours.availability()
    return {
        **session, "available": container().chat.available(), "websocket_url": settings.websocket_url,
        "open": hours.open, "next_opening": hours.next_opening and to_iso(hours.next_opening),
        "timezone": hours.timezone,
    }


@operation(
    "GET", "/customers/{customer_id}", summary="A customer", auth=AGENT, response="Customer",
    errors=(404,),
)
def get_customer(call: Call, customer_id: str) -> Any:
    return rep.customer(container().customers.get(customer_id), with_pages=True)


@operation(
    "GET", "/customers", summary="The customer with an e-mail address", auth=AGENT, response="Customer",
    query={"email": {"pattern": EMAIL_PATTERN, "maxLength": 254, "required": True, "description": "an e-mail address"}},
    errors=(404,),
)
def find_customer(call: Call) -> Any:
    return rep.customer(container().customers.by_email(call.query["email"]), with_pages=True)


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
    "GET", "/tickets", summary="List tickets, newest activity first", auth=AGENT,
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
    "POST", "/tickets", summary="Open a ticket", auth=AGENT, body="TicketCreate",
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
    "GET", "/tickets/{ticket_id}", summary="A ticket, by id or number", auth=AGENT,
    response="Ticket", errors=(404,),
)
def get_ticket(call: Call, ticket_id: str) -> Any:
    return _ticket_response(container().tickets.get(_reference(ticket_id)))


@operation(
    "PATCH", "/tickets/{ticket_id}",
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
        _reference(ticket_id), changes, _expected_version(call), call.principal
    )
    return _ticket_response(ticket)


@operation(
    "POST", "/tickets/{ticket_id}/messages", summary="Reply to the customer or add a note",
    auth=AGENT, body="MessageCreate", response="MessageCreated", status=201, errors=(404, 422),
)
def post_message(call: Call, ticket_id: str) -> Any:
    b = call.body
    assert call.principal is not None
    ticket, message = container().tickets.post_message(
        _reference(ticket_id),
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
    "GET", "/tickets/{ticket_id}/messages", summary="A ticket's messages, in order", auth=AGENT,
    response="MessageList", errors=(404,),
    query={
        "after": {"pattern": r"0|[1-9][0-9]{0,11}", "description": "a sequence number"},
        "limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"},
    },
)
def list_messages(call: Call, ticket_id: str) -> Any:
    _, messages, next_after = container().tickets.messages(
        _reference(ticket_id),
        after_seq=int(call.query.get("after", "0")),
        limit=int(call.query.get("limit", "50")),
    )
    files = container().files
    url_for = files.download_url if files else None
    return {"items": [rep.message(m, url_for) for m in messages], "next_after": next_after}


@operation(
    "GET", "/tickets/{ticket_id}/messages/{seq}/html",
    summary="A mail's HTML, sanitised, with its inline images (show it in a sandboxed iframe)",
    auth=AGENT, response="MessageHtml", errors=(404,),
)
def message_html(call: Call, ticket_id: str, seq: str) -> Any:
    if not re.fullmatch(r"[1-9][0-9]{0,11}", seq):
        raise NotFoundError(f"No message {seq!r}: messages are numbered from 1.", code="message_not_found")
    _, message = container().tickets.message(_reference(ticket_id), int(seq))
    return {"html": container().mail.message_html(message, container().files.download_url)}



# ---------------------------------------------------------------- business hours and SLAs

_CONFIG_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def _calendar_id(value: str) -> str:
    return _path_id(
        value, _CONFIG_ID, "No calendar {value}: ids are 'desk' or like 'team-billing'.", "calendar_not_found"
    )


@operation("GET", "/calendars", summary="Every calendar (business hours)", auth=AGENT, response="CalendarList")
def list_calendars(call: Call) -> Any:
    return {"items": container().calendars.all()}


@operation(
    "GET", "/calendars/{calendar_id}", summary="A calendar: 'desk', or 'team-<team>'", auth=AGENT,
    response="Calendar", errors=(404,),
)
def get_calendar(call: Call, calendar_id: str) -> Any:
    return container().calendars.get(_calendar_id(calendar_id))


@operation(
    "PUT", "/calendars/{calendar_id}", summary="Set business hours (admins): 'desk', or 'team-<team>'",
    auth=ADMIN, body="CalendarPut", response="Calendar", errors=(404, 422),
)
def put_calendar(call: Call, calendar_id: str) -> Any:
    calendar = container().calendars.put(_calendar_id(calendar_id), call.body)
    _audit(call, "calendar.updated", "calendar", calendar_id)
    return calendar


@operation(
    "DELETE", "/calendars/{calendar_id}", summary="Remove a calendar (admins)", auth=ADMIN, status=204,
    errors=(404,),
)
def delete_calendar(call: Call, calendar_id: str) -> Any:
    container().calendars.delete(_calendar_id(calendar_id))
    _audit(call, "calendar.deleted", "calendar", calendar_id)
    return Response(body="", status_code=204)


@operation("GET", "/sla/policies", summary="The SLA policies, in order", auth=AGENT, response="SlaPolicies")
def get_sla_policies(call: Call) -> Any:
    return {"policies": container().sla.stored_policies()}


@operation(
    "PUT", "/sla/policies",
    summary="Replace the SLA policies (admins); the first that matches a ticket applies",
    auth=ADMIN, body="SlaPoliciesPut", response="SlaPolicies", errors=(422,),
)
def put_sla_policies(call: Call) -> Any:
    policies = container().sla.put_policies(call.body["policies"])
    _audit(call, "sla_policies.updated", "sla_policies", None, policies=[p["id"] for p in policies])
    return {"policies": policies}


# ---------------------------------------------------------------- agent profiles, canned responses, widget

@operation(
    "PATCH", "/agents/me", summary="Edit the signed-in agent's profile (what visitors see of them)",
    auth=AGENT, body="AgentProfileUpdate", response="Agent", errors=(404, 422),
)
def update_me(call: Call) -> Any:
    assert call.principal is not None
    return rep.agent(container().agents.update_profile(call.principal.agent_id, call.body))


def _canned_id(value: str) -> str:
    from ..domain.canned import CANNED_ID

    return _path_id(
        value, CANNED_ID,
        "No canned response {value}: ids are lower-case letters, digits, '-' and '_' (at most 40).",
        "canned_response_not_found",
    )


@operation(
    "GET", "/canned-responses", summary="The canned responses, by title", auth=AGENT,
    response="CannedResponseList",
)
def list_canned_responses(call: Call) -> Any:
    return {"items": [rep.canned_response(c) for c in container().canned.list()]}


@operation(
    "PUT", "/canned-responses/{canned_id}", summary="Create or replace a canned response (admins)",
    auth=ADMIN, body="CannedResponsePut", response="CannedResponse", errors=(404,),
)
def put_canned_response(call: Call, canned_id: str) -> Any:
    canned = container().canned.put(_canned_id(canned_id), call.body["title"], call.body["body"])
    return rep.canned_response(canned)


@operation(
    "DELETE", "/canned-responses/{canned_id}", summary="Remove a canned response (admins)", auth=ADMIN,
    status=204, errors=(404,),
)
def delete_canned_response(call: Call, canned_id: str) -> Any:
    container().canned.delete(_canned_id(canned_id))
    return Response(body="", status_code=204)


@operation(
    "GET", "/tickets/{ticket_id}/canned-responses/{canned_id}",
    summary="A canned response filled in for this ticket, its customer and you", auth=AGENT,
    response="CannedResponseText", errors=(404,),
)
def render_canned_response(call: Call, ticket_id: str, canned_id: str) -> Any:
    assert call.principal is not None
    text = container().canned.render(_reference(ticket_id), _canned_id(canned_id), call.principal)
    return {"text": text}


@operation(
    "GET", "/widget/config",
    summary="What the chat widget shows before a session: is its key the desk's, is anyone there, "
    "business hours",
    auth=PUBLIC, response="WidgetConfig",
    query={"key": {"pattern": r"[\x21-\x7e]{1,100}", "description": "the snippet's data-key"}},
)
def widget_config(call: Call) -> Any:
    hours = container().out_of_hours.availability()
    return {
        "key_valid": container().widget.key_valid(call.query.get("key")),
        "available": container().chat.available(),
        "open": hours.open, "next_opening": hours.next_opening and to_iso(hours.next_opening),
        "timezone": hours.timezone,
    }


# ---------------------------------------------------------------- privacy and the audit log

_CUSTOMER_ID = re.compile(r"cus_[a-z0-9]{1,40}")


def _customer_id(value: str) -> str:
    return _path_id(value, _CUSTOMER_ID, "No customer {value}.", "customer_not_found")


def _audit(call: Call, action: str, target_type: str | None, target_id: str | None, **details: Any) -> None:
    """An admin's change, in the audit log (ticket work is recorded from the ticket events,
    which say who made it; settings changes have no events, and only the request knows who)."""
    assert call.principal is not None
    container().audit.record(call.principal.agent_id, action, target_type, target_id, **details)


@operation(
    "GET", "/customers/{customer_id}/export",
    summary="Everything the desk keeps about a customer as one JSON document (admins); "
    "files as download links valid for an hour",
    auth=ADMIN, response="CustomerExport", errors=(404,),
)
def export_customer(call: Call, customer_id: str) -> Any:
    assert call.principal is not None
    archive = container().privacy.export(_customer_id(customer_id), by=call.principal.agent_id)
    return Response(body=archive, status_code=200, headers={
        "Content-Type": "application/json",
        "Content-Disposition": f'attachment; filename="customer-{archive["customer"]["id"]}.json"',
    })


@operation(
    "POST", "/customers/{customer_id}/erase",
    summary="Permanently delete a customer with their tickets, messages, files and mail records "
    "(admins; send their id again as 'confirm')",
    auth=ADMIN, body="CustomerErase", response="CustomerErasure", errors=(404, 422),
)
def erase_customer(call: Call, customer_id: str) -> Any:
    assert call.principal is not None
    return container().privacy.erase(
        _customer_id(customer_id), confirm=call.body["confirm"],
        reason=call.body.get("reason", "customer_request"), by=call.principal.agent_id,
    )


@operation(
    "GET", "/audit",
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


# ---------------------------------------------------------------- events that kept failing

_FAILURE_ID = re.compile(r"evf_[0-9a-z]{14,40}")


def _failure_id(value: str) -> str:
    return _path_id(value, _FAILURE_ID, "No failed reaction {value}.", "failure_not_found")


@operation(
    "GET", "/events/failed",
    summary="Reactions to events that kept failing (a mail not sent, a webhook refused), newest first "
    "(admins)",
    auth=ADMIN, response="FailedReactionList",
    query={
        "limit": {"pattern": r"[1-9][0-9]?|100", "description": "a number from 1 to 100"},
        "cursor": {"pattern": r"[A-Za-z0-9_-]{1,2048}", "description": "a cursor from a previous page"},
    },
)
def list_failed_events(call: Call) -> Any:
    page = container().table_events.failed(limit=int(call.query.get("limit", "50")), cursor=call.query.get("cursor"))
    return {"items": [rep.failed_reaction(f) for f in page.items], "next_cursor": page.cursor}


@operation(
    "POST", "/events/failed/{failure_id}/replay",
    summary="Run a failed reaction again now (admins); it leaves the list when it succeeds",
    auth=ADMIN, response="Replayed", errors=(404, 409),
)
def replay_failed_event(call: Call, failure_id: str) -> Any:
    failure, error = container().table_events.replay(_failure_id(failure_id))
    _audit(call, "event.replayed", "failed_reaction", failure.id, reaction=failure.reaction, succeeded=error is None)
    if error is not None:
        raise ConflictError(
            "It failed again; the reason is in the details. It stays in the list.",
            code="still_failing", details={"error": error},
        )
    return {"replayed": True, "failure": rep.failed_reaction(failure)}


@operation(
    "DELETE", "/events/failed/{failure_id}",
    summary="Give up on a failed reaction (admins)", auth=ADMIN, status=204, errors=(404,),
)
def dismiss_failed_event(call: Call, failure_id: str) -> Any:
    failure = container().table_events.dismiss(_failure_id(failure_id))
    _audit(call, "event.dismissed", "failed_reaction", failure.id, reaction=failure.reaction)
    return Response(body="", status_code=204)
