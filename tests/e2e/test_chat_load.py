"""Many conversations at once through the local gateway: every message stored once and
delivered once to each live participant (the full-size run is ``bench/chat_load.py``)."""

from __future__ import annotations

from bench.chat_load import run
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


def test_concurrent_conversations_store_and_deliver_every_message_exactly_once(stack):
    conversations, messages, agents = 8, 6, 3  # the full-size run is the bench's
    report = run(stack, conversations, messages, agents, admin=(ADMIN_EMAIL, ADMIN_PASSWORD))
    assert report["problems"] == []
    assert report["messages"] == conversations * messages
    # Posts go to subscribers only. Per conversation: the first message is acked and announced
    # to each agent; each later one is acked and delivered to the other side; the join is
    # answered and announced; the first agent reply's new -> open reaches both sides; the agents
    # viewing the conversation (the one who joined) get a ``viewers`` frame naming who is there.
    per_conversation = (1 + agents) + 2 * (messages - 1) + 2 + 2 + 1
    assert report["management_posts"] == conversations * per_conversation
    assert report["dynamodb_requests_per_message"] < 10  # in the requests (the stream held back)
    # From the stream: the message's ticket, the reactions' ledger for agents' replies (and the
    # audit entry, and whether the visitor is still there to read it), and the search index's
    # one BatchWriteItem per message (docs/search.md; no ledger for its idempotent puts).
    assert report["stream_dynamodb_requests_per_message"] < 5
    assert report["stream_dynamodb_requests_per_message_by_operation"]["BatchWriteItem"] <= 1
