"""Many conversations at once through the local gateway: every message stored once and
delivered once to each live participant (the full-size run is ``bench/chat_load.py``)."""

from __future__ import annotations

from bench.chat_load import run
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


def test_concurrent_conversations_store_and_deliver_every_message_exactly_once(stack):
    report = run(stack, conversations=12, messages=8, agents=3, admin=(ADMIN_EMAIL, ADMIN_PASSWORD))
    assert report["problems"] == []
    assert report["messages"] == 96
    # Each message is posted as one ack and one delivery (plus a join per conversation).
    assert 2 <= report["management_posts_per_message"] <= 2.5
    assert report["dynamodb_requests_per_message"] < 10
