"""A function instance's first event builds one DynamoDB client, whatever the event: each kind
is handled in a fresh process, as a cold start, by ``bench/first_event.py``'s measurement
(counts only; the bench reports the time). PynamoDB on its own builds one per model class."""

from __future__ import annotations

import pytest

from bench.first_event import KINDS, measure
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.mark.parametrize("kind", KINDS, ids=[kind.handler for kind in KINDS])
def test_the_first_event_of_a_cold_start_builds_one_dynamodb_client(stack, kind):
    measured = measure(stack, kind, admin=(ADMIN_EMAIL, ADMIN_PASSWORD))  # checks what the event did
    assert measured.dynamodb_clients == 1, measured.clients
    assert measured.calls["dynamodb"], "the event reached the table through that client"
