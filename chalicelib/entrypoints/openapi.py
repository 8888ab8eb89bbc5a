"""``/openapi.json``: the OpenAPI 3.1 document, built from the operation registry and schemas."""

from __future__ import annotations

import re
from typing import Any

from ..schemas import REQUESTS, RESPONSES

_REASONS = {
    400: "The request is malformed or does not match the schema.",
    401: "Missing, expired or invalid token.",
    403: "Signed in, but not allowed.",
    404: "No such resource.",
    409: "The resource changed since you read it.",
    410: "Gone: a one-time link that was used or has expired.",
    413: "The body is too large.",
    415: "The body must be JSON.",
    422: "The desk's rules refuse this change.",
    428: "Say which version you edited (If-Match).",
    429: "Too many requests from this client; Retry-After says when to try again.",
}


HTML_PAGE = "text/html"  # an operation's ``response`` when it answers a web page


def _error(status: int) -> dict[str, Any]:
    return {
        "description": _REASONS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document(operations: dict[tuple[str, str], Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), op in sorted(operations.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        entry: dict[str, Any] = {"summary": op.summary, "operationId": _operation_id(method, path)}
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", path)
        ]
        parameters += [
            {
                "name": name,
                "in": "query",
                "required": bool(spec.get("required")),
                "description": spec.get("description", ""),
                "schema": {
                    "type": "string",
                    **({"enum": spec["enum"]} if "enum" in spec else {"pattern": f"^(?:{spec['pattern']})$"}),
                    **({"maxLength": spec["maxLength"]} if "maxLength" in spec else {}),
                },
            }
            for name, spec in op.query.items()
        ]
        if parameters:
            entry["parameters"] = parameters
        errors = set(op.errors) | {400}
        if op.body:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.body}"}}},
            }
            errors |= {413, 415}
        if op.rate_limit:
            errors |= {429}
        if op.auth != "public":
            entry["security"] = [{"bearer": []}]
            errors |= {401, 403}
        ok: dict[str, Any] = {"description": "OK"}
        responses = {str(s): _error(s) for s in sorted(errors)}
        if op.response == HTML_PAGE:  # a page for a person (a link opened from a mail), its refusals too
            ok["content"] = {"text/html": {"schema": {"type": "string"}}}
            for status in set(errors) & {404, 422}:
                responses[str(status)]["content"] = {"text/html": {"schema": {"type": "string"}}}
        elif op.response:
            ok["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.response}"}}}
        entry["responses"] = {str(op.status): ok, **responses}
        paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Support desk API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": {**REQUESTS, **RESPONSES},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _operation_id(method: str, path: str) -> str:
    words = [w for w in re.split(r"[/{}._-]+", path) if w]
    return method.lower() + "".join(w.capitalize() for w in words)
