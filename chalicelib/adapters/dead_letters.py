"""Where stream reactions that kept failing are parked: an item in the table (the admins'
list, read by key, replayed from the console) and a message in the SQS dead-letter queue
(the copy operators are alarmed by; it leaves the queue when the failure is replayed or
dismissed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.clock import to_iso
from ..observability import logger
from ..services.events import FailedReaction
from .aws_client import LazyClient
from .dynamodb.stream import DynamoFailedReactions

DRAIN_ROUNDS = 10  # removing one message reads at most this many batches of the queue


class DeadLetterQueue(LazyClient):
    def __init__(self, client_factory: Callable[[], Any], queue_url: str, table: DynamoFailedReactions) -> None:
        super().__init__(client_factory)
        self.queue_url = queue_url
        self.table = table

    def park(self, reaction: str, envelope: dict[str, Any], error: str, attempts: int, at: datetime) -> str:
        """The table's item first (what admins act on), then the queue's copy. A queue that
        cannot be reached is logged: the failure is kept all the same."""
        failure_id = self.table.add(reaction, envelope, error, attempts, at)
        if self.queue_url:
            body = {"failure_id": failure_id, "reaction": reaction, "event": envelope, "error": error,
                    "attempts": attempts, "parked_at": to_iso(at)}
            try:
                self.client.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(body, separators=(",", ":")))
            except Exception:
                logger.exception("dead-letter queue unreachable", failure_id=failure_id)
        return failure_id

    def list(self, *, limit: int, cursor: str | None) -> Any:
        return self.table.list(limit=limit, cursor=cursor)

    def get(self, failure_id: str) -> FailedReaction | None:
        return self.table.get(failure_id)

    def update(self, failure_id: str, error: str, attempts: int) -> None:
        self.table.update(failure_id, error, attempts)

    def remove(self, failure_id: str) -> None:
        """Out of the list, and its message out of the queue (read a batch at a time; the
        others are made visible again at once)."""
        self.table.remove(failure_id)
        if not self.queue_url:
            return
        try:
            self._drain(failure_id)
        except Exception:
            logger.exception("could not remove a message from the dead-letter queue", failure_id=failure_id)

    def _drain(self, failure_id: str) -> None:
        for _ in range(DRAIN_ROUNDS):
            batch = self.client.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=5, WaitTimeSeconds=0,
            ).get("Messages", [])
            if not batch:
                return
            found = False
            for message in batch:
                try:
                    mine = json.loads(message["Body"]).get("failure_id") == failure_id
                except (ValueError, AttributeError):
                    mine = False
                if mine:
                    self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                    found = True
                else:
                    self.client.change_message_visibility(
                        QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
            if found:
                return
