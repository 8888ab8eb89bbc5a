"""A deployed stage started without one of its secrets: it runs, and the first request that
needs the secret fails loudly (a 500 in the error shape, the variable named in the log)
instead of signing with an empty key."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging

import pytest
import websocket

from chalicelib.observability import logger
from tests.desk_env import desk_settings
from tests.forged_tokens import visitor_token


@pytest.fixture
def log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.service).addHandler(handler)
    yield stream
    logging.getLogger(logger.service).removeHandler(handler)


def test_without_the_widget_secret_no_visitor_token_is_issued_or_accepted(anonymous, stack, log_output):
    customer = anonymous.post("/widget/sessions", json={}).json()["customer_id"]
    forged = _signed_with_an_empty_key(visitor_token(customer))  # what anyone could make
    with desk_settings(DESK_STAGE="prod", DESK_WIDGET_SECRET=""):
        assert anonymous.get("/health").status_code == 200  # it starts; what needs the key fails
        refused = anonymous.post("/widget/sessions", json={})
        assert refused.status_code == 500
        assert refused.json()["error"]["code"] == "internal_error"
        assert "DESK_WIDGET_SECRET is empty" in log_output.getvalue()
        with pytest.raises(websocket.WebSocketBadStatusException) as not_connected:
            websocket.create_connection(f"{stack.gateway.url}/?visitor={forged}", timeout=5)
        assert not_connected.value.status_code >= 500


def test_without_the_identity_secret_no_user_is_taken_on_trust(anonymous, log_output):
    with desk_settings(DESK_STAGE="prod", DESK_IDENTITY_SECRET=""):
        forged = hmac.new(b"", b"user-42", hashlib.sha256).hexdigest()
        refused = anonymous.post("/widget/sessions", json={"user_id": "user-42", "user_hash": forged})
        assert refused.status_code == 500 and refused.json()["error"]["code"] == "internal_error"
        assert anonymous.post("/widget/sessions", json={}).status_code == 201  # anonymous visitors still chat
    logged = [json.loads(line) for line in log_output.getvalue().splitlines() if line.startswith("{")]
    assert any("DESK_IDENTITY_SECRET is empty" in str(line.get("exception", "")) for line in logged)


def _signed_with_an_empty_key(token: str) -> str:
    import base64

    header, payload, _ = token.split(".")
    signature = hmac.new(b"", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
