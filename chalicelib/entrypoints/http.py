"""The REST API's machinery: the ``operation`` declaration, the one error shape, and the request pipeline.

A route is declared once, in its area's module of ``chalicelib/routes/``: ``@operation(bp, method,
path, ...)`` says who may call it, the schema of its body and of its answer, and registers the
Chalice route on the area's Blueprint; the same declarations build ``/openapi.json``.
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
from typing import Any, TypeVar
from urllib.parse import unquote

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.errors import (
    BadRequestError,
    DeskError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ValidationError,
)
from ..domain.people import Principal, Role
from ..observability import logger
from ..schemas import VISIBLE_TEXT, validator
from .headers import secure

JSON = ["application/json"]
PUBLIC, AGENT, ADMIN = "public", "agent", "admin"
EDITOR = "editor"  # an admin, or an agent the admins let write knowledge-base articles


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
    other_query: bool = False  # a page people link to: unknown parameters (utm_source ...) are ignored


OPERATIONS: dict[tuple[str, str], Operation] = {}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(error: DeskError) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if isinstance(error.details, dict) and "retry_after_seconds" in error.details:
        headers["Retry-After"] = str(error.details["retry_after_seconds"])
    return Response(
        body=error_body(error.code, error.message, error.details),
        status_code=error.status,
        headers=headers,
    )


Handler = TypeVar("Handler", bound=Callable[..., Any])


def operation(
    bp: Blueprint,
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
    cors: bool = False,
    other_query: bool = False,
) -> Callable[[Handler], Handler]:
    """Declare an operation: record it for OpenAPI and the middleware, and route ``method path``
    on the area's Blueprint to the handler, through the request pipeline. The handler gets a
    ``Call`` and the path's parameters; it is returned as it is. ``cors``: answer any origin
    (the widget's endpoints, called from customers' pages)."""
    if (method, path) in OPERATIONS:
        raise ValueError(f"{method} {path} is declared twice: a route is declared once, in its area's module")
    op = Operation(method, path, summary, auth, body, response, status, query or {}, errors, rate_limit, other_query)

    def decorate(handler: Handler) -> Handler:
        name = handler.__name__
        if name in _VIEW_NAMES:
            raise ValueError(f"two operations' handlers are named {name}: Chalice needs unique names")

        def view(**path_params: str) -> Response:
            try:
                return _run(op, handler, bp.current_request, path_params)
            except DeskError as error:
                return error_response(error)

        view.__name__ = view.__qualname__ = name
        view.__module__ = handler.__module__
        view.operation = op  # type: ignore[attr-defined]
        route: dict[str, Any] = {"methods": [method]}
        if body is not None:
            route["content_types"] = JSON
        if cors:
            route["cors"] = True
        bp.route(path, **route)(view)
        OPERATIONS[(method, path)] = op
        _VIEW_NAMES.add(name)
        return handler

    return decorate


_VIEW_NAMES: set[str] = set()


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
        if op.auth == EDITOR and not container().kb.can_edit(principal):
            raise PermissionDeniedError("Only admins and the agents they allow may write articles.",
                                        code="editor_required")
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


_LOOPBACK = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?")
_DOMAIN_NAME = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:]{2,39}\](:[0-9]{1,5})?")
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]{1,128}")


def public_base_url(call: Call) -> str | None:
    """Where this request reached the desk (``https://domain[/stage or base path]``), for links
    in mail sent later: from API Gateway's own record of the request (``requestContext``:
    ``domainName``, the path as sent minus the route's ``resourcePath``, else ``stage`` on an
    ``execute-api`` address), never the ``Host`` header, which a caller writes. None when the
    context names no domain."""
    return base_url_of(call.request.context or {})


def base_url_of(context: dict[str, Any]) -> str | None:
    """``public_base_url`` from an API Gateway ``requestContext``."""
    domain = str(context.get("domainName") or "")
    if not _DOMAIN_NAME.fullmatch(domain):
        return None
    scheme = "http" if _LOOPBACK.fullmatch(domain) else "https"  # API Gateway: HTTPS only
    return f"{scheme}://{domain}{_mount(context, domain)}"


def _mount(context: dict[str, Any], domain: str) -> str:
    """The path in front of the desk's routes: the stage on API Gateway's own address
    (``/api/portal/links``), a custom domain's base path mapping, or nothing."""
    sent = [p for p in str(context.get("path") or "").split("/") if p]
    route = [p for p in str(context.get("resourcePath") or "").split("/") if p]
    greedy = any(p.endswith("+}") for p in route)  # {proxy+} spans segments: no telling
    if sent and not greedy and len(sent) >= len(route):
        mount = sent[: len(sent) - len(route)]
        if all(_SEGMENT.fullmatch(p) for p in mount):
            return "".join(f"/{p}" for p in mount)
    stage = str(context.get("stage") or "")
    if domain.endswith(".amazonaws.com") and _SEGMENT.fullmatch(stage):
        return f"/{stage}"
    return ""


def _parse_query(op: Operation, params: dict[str, str]) -> dict[str, str]:
    if op.other_query:
        params = {k: v for k, v in params.items() if k in op.query}
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
        body = load_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise BadRequestError(
            "The body is not valid JSON.", code="invalid_json", details={"reason": str(error)[:200]}
        ) from None
    check_json(body, "body")
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


# No request the desk takes nests deeper than a few levels; anything deeper is refused before
# a recursive step (schema validation, storing, logging) meets it.
MAX_JSON_DEPTH = 32


def load_json(raw: str | bytes) -> Any:
    """JSON as the desk reads a request or a frame. A number written with a fraction or an
    exponent but of integer value (``1.0``, ``1e12``) is a JSON Schema integer, so it is read
    as a Python int (no schema of the desk takes fractions); a larger one stays a float, for
    the schema's bounds to refuse."""
    return json.loads(raw, parse_float=_number)


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


def check_json(value: Any, what: str) -> None:
    """Refuse a parsed request or frame that nests deeper than MAX_JSON_DEPTH, or holds half a
    UTF-16 pair ("\\ud800", which JSON may escape and no text can store or send on). Iterative:
    no depth of input makes it recurse."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequestError(
                    f"The {what} holds text that is not valid Unicode (a lone surrogate escape).",
                    code="invalid_json",
                ) from None
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_JSON_DEPTH:
            raise BadRequestError(f"The {what} nests deeper than {MAX_JSON_DEPTH} levels.", code="too_deeply_nested",
                                  details={"max_depth": MAX_JSON_DEPTH})
        if isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        else:
            stack.extend((v, depth + 1) for v in item)


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



# ------------------------------------------------------------------ helpers of the handlers


def path_id(value: str, pattern: re.Pattern[str], message: str, code: str) -> str:
    """A path parameter that cannot be an id is a 404 before any lookup."""
    # API Gateway hands over path parameters decoded, Chalice's local gateway does not.
    value = unquote(value)
    if not pattern.fullmatch(value):
        raise NotFoundError(message.format(value=repr(value)), code=code)
    return value


def audit(call: Call, action: str, target_type: str | None, target_id: str | None, **details: Any) -> None:
    """An admin's change, in the audit log (ticket work is recorded from the ticket events,
    which say who made it; settings changes have no events, and only the request knows who)."""
    assert call.principal is not None
    container().audit.record(call.principal.agent_id, action, target_type, target_id, **details)
