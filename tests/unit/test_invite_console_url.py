"""The invitation's link leads to the console the admin's request reached, wherever API
Gateway serves the desk: its own address with the stage in the path (``/api``, what Chalice
deploys), a ``$default`` stage, a custom domain (no stage in the path) with or without a base
path mapping, or the local stack. ``DESK_PUBLIC_URL`` (its ``/console``) still wins when set.

The payload is API Gateway's proxy event as powertools records it
(``tests/fixtures/aws-events/apiGatewayProxyEvent.json``). The other addresses change only
what API Gateway documents changing between them: ``requestContext.path`` is the path the
caller sent, with the stage on the ``execute-api`` address (SAM CLI's ``AwsProxy`` sample:
``"path": "/{stage}/{path}"``) and with the base path but no stage on a custom domain (API
Gateway developer guide, "Use API mappings ... for REST APIs"); ``resourcePath`` is the route.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Request

from chalicelib.routes.team import console_url

SAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "aws-events" / "apiGatewayProxyEvent.json").read_text()
)


def request_to(route: str, sent_path: str, *, stage: str, domain: str | None = None,
               path_parameters: dict[str, str] | None = None) -> Request:
    """The sample, as the desk's route ``route`` receives a request the caller sent to
    ``sent_path`` (through Chalice's Request, as a route sees it)."""
    event: dict[str, Any] = copy.deepcopy(SAMPLE)
    event["resource"] = event["requestContext"]["resourcePath"] = route
    event["requestContext"]["path"] = sent_path
    event["requestContext"]["stage"] = stage
    event["httpMethod"] = event["requestContext"]["httpMethod"] = "POST"
    event["pathParameters"] = path_parameters
    if domain is not None:
        event["requestContext"]["domainName"] = domain
        event["headers"]["Host"] = event["multiValueHeaders"]["Host"] = domain
    return Request(event)


def link(request: Request, configured: str | None = None) -> str:
    return console_url(configured, request.context, request.headers)


def test_the_sample_as_recorded_reaches_the_console_at_the_root_of_its_domain():
    request = Request(copy.deepcopy(SAMPLE))  # stage $default: no stage in the path
    assert link(request) == "https://id.execute-api.us-east-1.amazonaws.com/console"


@pytest.mark.parametrize("route, sent, params", [
    ("/invites", "/api/invites", None),
    ("/invites/{invite_id}/resend", "/api/invites/inv_0123abcd/resend", {"invite_id": "inv_0123abcd"}),
])
def test_on_api_gateways_own_address_the_link_keeps_the_stage(route, sent, params):
    request = request_to(route, sent, stage="api", path_parameters=params)
    assert link(request) == "https://id.execute-api.us-east-1.amazonaws.com/api/console"


def test_on_a_custom_domain_the_link_has_no_stage():
    request = request_to("/invites", "/invites", stage="api", domain="help.shop.example")
    assert link(request) == "https://help.shop.example/console"


def test_on_a_custom_domain_with_a_base_path_the_link_keeps_the_base_path():
    request = request_to("/invites", "/support/invites", stage="api", domain="shop.example")
    assert link(request) == "https://shop.example/support/console"


def test_a_configured_console_wins():
    request = request_to("/invites", "/api/invites", stage="api")
    assert link(request, "https://desk.shop.example/console") == "https://desk.shop.example/console"


def test_the_local_stack_links_to_the_host_it_was_reached_on():
    # What chalice.local's gateway emulation passes: no domainName, no stage, the path as sent.
    request = Request({
        "requestContext": {"httpMethod": "POST", "resourcePath": "/invites", "path": "/invites",
                           "identity": {"sourceIp": "127.0.0.1"}},
        "headers": {"host": "127.0.0.1:8765"}, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": {}, "body": None,
    })
    assert link(request) == "http://127.0.0.1:8765/console"
