"""Structured logs: one JSON line per request with its id; never a password, token or body."""

from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib.observability import logger
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture
def log_output():
    """What the desk logs during the test, formatted by the Logger's own JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.service).addHandler(handler)
    yield stream
    logging.getLogger(logger.service).removeHandler(handler)


def test_request_logs_are_json_with_ids_and_leak_nothing(anonymous, log_output):
    login = anonymous.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    token = login.json()["token"]
    api = anonymous.as_token(token)
    secret_body = "my card number is 4111 1111 1111 1111"
    t = api.post("/tickets", json={"subject": "Card", "customer": {"email": "leak@example.com"}, "body": secret_body}).json()
    api.post(f"/tickets/{t['id']}/messages", json={"body": secret_body, "kind": "note"})
    out = log_output.getvalue()

    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    requests_logged = [line for line in lines if line.get("message") == "request"]
    assert {(r["method"], r["path"], r["status"]) for r in requests_logged} >= {
        ("POST", "/auth/login", 200),
        ("POST", "/tickets", 201),
        ("POST", "/tickets/{ticket_id}/messages", 201),
    }
    assert all(r.get("request_id") for r in requests_logged)
    assert len({r["request_id"] for r in requests_logged}) == len(requests_logged)
    assert any(r.get("agent_id") for r in requests_logged)
    for leaked in (ADMIN_PASSWORD, token, secret_body, "4111"):
        assert leaked not in out
