"""Contract: the websocket handlers accept the events API Gateway really delivers
(``tests/fixtures/aws-events``, from powertools' test events), invoked as Lambda would."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from chalice.local import LambdaContext

import app as desk_app

EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "aws-events"


def load(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text())


@pytest.fixture
def context():
    return LambdaContext("desk-websocket", 512, 29_000)


@pytest.fixture
def visitor_token(anonymous) -> str:
    return anonymous.post("/widget/sessions", json={}).json()["token"]


def with_connection(event: dict, connection_id: str) -> dict:
    event = copy.deepcopy(event)
    event["requestContext"]["connectionId"] = connection_id
    return event


def test_the_sample_connect_without_credentials_is_refused(stack, context):
    result = desk_app.ws_connect(load("apiGatewayWebSocketConnect"), context)
    assert result["statusCode"] == 401
    assert json.loads(result["body"])["error"]["code"] == "missing_token"


def test_connect_message_disconnect_with_the_sample_events(stack, context, visitor_token):
    from chalicelib import bootstrap

    connections = bootstrap.container().chat.connections.store
    connect = with_connection(load("apiGatewayWebSocketConnect"), "ContractConn1=")
    connect["queryStringParameters"] = {"visitor": visitor_token}
    assert desk_app.ws_connect(connect, context) == {"statusCode": 200}
    assert connections.get("ContractConn1=") is not None

    message = with_connection(load("apiGatewayWebSocketMessage"), "ContractConn1=")
    # The sample's body is another app's frame: we answer it with an error frame, which
    # API Gateway (here, the local gateway) refuses with 410: the connection is not on it.
    assert desk_app.ws_message(message, context) == {"statusCode": 200}

    disconnect = with_connection(load("apiGatewayWebSocketDisconnect"), "ContractConn1=")
    assert desk_app.ws_disconnect(disconnect, context) == {"statusCode": 200}
    assert connections.get("ContractConn1=") is None


def test_a_frame_from_an_unknown_connection_is_answered_not_raised(stack, context):
    message = with_connection(load("apiGatewayWebSocketMessage"), "NeverConnected=")
    message["body"] = json.dumps({"action": "ping"})
    assert desk_app.ws_message(message, context) == {"statusCode": 200}
    assert desk_app.ws_disconnect(with_connection(load("apiGatewayWebSocketDisconnect"), "NeverConnected="), context) == {"statusCode": 200}
