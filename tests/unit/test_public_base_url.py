"""Where a request reached the desk, for links in mail sent later: API Gateway's own record of
the request (requestContext), never the Host header a caller writes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.entrypoints.http import Call, public_base_url


def call(context: dict[str, Any] | None, host: str = "evil.example") -> Call:
    request = SimpleNamespace(context=context, headers={"host": host, "x-forwarded-proto": "http"})
    return Call(None, None, {}, request)


@pytest.mark.parametrize(("context", "expected"), [
    # API Gateway's own address: the stage is in the path as sent
    ({"domainName": "abc123.execute-api.eu-west-1.amazonaws.com", "stage": "api", "path": "/api/portal/links",
      "resourcePath": "/portal/links"}, "https://abc123.execute-api.eu-west-1.amazonaws.com/api"),
    # a route with a parameter: segment for segment
    ({"domainName": "abc123.execute-api.eu-west-1.amazonaws.com", "stage": "api",
      "path": "/api/portal/tickets/1001/messages", "resourcePath": "/portal/tickets/{number}/messages"},
     "https://abc123.execute-api.eu-west-1.amazonaws.com/api"),
    # a custom domain with a base path mapping: no stage in the path
    ({"domainName": "help.shop.example", "stage": "api", "path": "/support/portal/links",
      "resourcePath": "/portal/links"}, "https://help.shop.example/support"),
    ({"domainName": "help.shop.example", "stage": "api", "path": "/portal/links", "resourcePath": "/portal/links"},
     "https://help.shop.example"),
    # no path recorded: the stage on API Gateway's own address only
    ({"domainName": "abc123.execute-api.eu-west-1.amazonaws.com", "stage": "api"},
     "https://abc123.execute-api.eu-west-1.amazonaws.com/api"),
    ({"domainName": "127.0.0.1:8000", "path": "/portal/links", "resourcePath": "/portal/links"},
     "http://127.0.0.1:8000"),
    # nothing recorded, or nothing that is a domain: no address (never the Host header)
    ({}, None), (None, None), ({"domainName": "x.example/evil?"}, None),
])
def test_the_public_base_url_comes_from_the_request_context(context: Any, expected: str | None) -> None:
    assert public_base_url(call(context)) == expected
