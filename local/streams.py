"""Lambda's event source mapping for the table's stream, played on a laptop.

moto keeps a DynamoDB stream but invokes nothing from it. This reads it as Lambda does, with
shard iterators over the real ``dynamodbstreams`` API, and invokes the app's
``@app.on_dynamodb_record`` function with the event Lambda would send: batches in stream
order, ``ReportBatchItemFailures`` honoured (the batch is delivered again from the failed
record), at most ``MAXIMUM_RETRY_ATTEMPTS`` retries, then the batch described on the
on-failure destination (the dead-letter queue) and the shard moves on.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from chalicelib.entrypoints.stream import BATCH_SIZE, MAXIMUM_RETRY_ATTEMPTS, wanted
from chalicelib.observability import logger


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value or 0)


class StreamPoller:
    def __init__(
        self,
        *,
        endpoint: str,
        region: str,
        table_name: str,
        handler: Callable[[dict[str, Any], Any], Any],
        function_name: str = "table_events",
        record_filter: Callable[[dict[str, Any]], bool] = wanted,
        on_failure: Callable[[dict[str, Any]], None] = lambda record: None,
        checkpoints: dict[str, str] | None = None,
        on_checkpoint: Callable[[str, str], None] = lambda shard, sequence: None,
        before_poll: Callable[[], None] = lambda: None,
        poll_seconds: float = 0.2,
        retry_seconds: float = 1.0,
        max_retries: int = MAXIMUM_RETRY_ATTEMPTS,
        batch_size: int = BATCH_SIZE,
        context_factory: Callable[[], Any] = lambda: None,
    ) -> None:
        import boto3

        self.streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=region)
        self.dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
        self.table_name = table_name
        self.handler = handler
        self.function_name = function_name
        self.record_filter = record_filter  # the mapping's FilterCriteria
        self.on_failure = on_failure
        self.checkpoints: dict[str, str] = dict(checkpoints or {})  # shard -> last sequence handled
        self.on_checkpoint = on_checkpoint
        self.before_poll = before_poll  # the emulator drops the iterators and records used up
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.max_retries = max_retries
        self.batch_size = batch_size
        self.context_factory = context_factory
        self.stream_arn = ""
        self.invocations = 0
        # The last batches handed to the function, as sent (what a test delivers again).
        self.delivered: deque[dict[str, Any]] = deque(maxlen=200)
        self.exhausted_batches = 0
        self._retries: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}
        self._stop = threading.Event()
        self._running = threading.Event()  # cleared: paused (the records wait in the stream)
        self._running.set()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._cycle = 0
        self._in_pass = False
        self._last_quiet_cycle = -1
        self._cond = threading.Condition()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.stream_arn = self.dynamodb.describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]
        self._thread = threading.Thread(target=self._loop, name="desk-stream", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the stream back (as when Lambda's reads lag): a benchmark counts the work of
        the requests alone, then what the stream's reactions add."""
        self._running.clear()
        with self._cond:  # the pass under way finishes first
            while self._in_pass:
                self._cond.wait(0.05)
        try:
            yield
        finally:
            self._running.set()
            self._wake.set()

    def peek(self) -> list[dict[str, Any]]:
        """The records after the checkpoints that the function would get, as Lambda sends
        them, without handing them over (a benchmark hands them to a fresh process)."""
        found = []
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            answer = self.streams.get_records(ShardIterator=self._iterator(shard["ShardId"]), Limit=self.batch_size)
            found += [self._lambda_record(r) for r in answer.get("Records", []) if self.record_filter(r)]
        return found

    def deliver_again(self, event: dict[str, Any]) -> Any:
        """Hand a batch to the function once more, as Lambda may (delivery is at least once)."""
        return self.handler(event, self.context_factory())

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until everything written before this call has been handled, with what its
        reactions wrote in turn: a poll that began after the call found nothing new."""
        deadline = time.monotonic() + timeout
        with self._cond:
            begun = self._cycle
        self._wake.set()
        with self._cond:
            while self._last_quiet_cycle <= begun:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the table's stream did not settle within {timeout} s")
                self._wake.set()
                self._cond.wait(min(left, 0.05))

    # ------------------------------------------------------------------ the loop

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                if not self._running.is_set():
                    self._cond.wait(0.1)
                    continue
            with self._cond:
                self._cycle += 1
                cycle = self._cycle
                self._in_pass = True
            try:
                handled = self._poll()
            except Exception:
                logger.exception("reading the table's stream failed")
                handled = 0
            with self._cond:
                self._in_pass = False
                if handled == 0 and not self._retry_at:
                    self._last_quiet_cycle = cycle
                self._cond.notify_all()
            if handled == 0:
                wait = self.poll_seconds
                if self._retry_at:
                    wait = max(0.0, min(wait, min(self._retry_at.values()) - time.monotonic()))
                self._wake.wait(wait)
                self._wake.clear()

    def _poll(self) -> int:
        """One pass over the shards; the number of records handed to the function."""
        handled = 0
        self.before_poll()
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            waiting = self._retry_at.get(shard_id)
            if waiting is not None and time.monotonic() < waiting:
                continue
            # From the checkpoint each time: what failed is delivered again from that record.
            answer = self.streams.get_records(ShardIterator=self._iterator(shard_id), Limit=self.batch_size)
            fetched = answer.get("Records", [])
            if not fetched:
                continue
            handled += len(fetched)
            records = [r for r in fetched if self.record_filter(r)]
            if not records:  # filtered out: Lambda skips them without an invocation
                self._advance(shard_id, fetched[-1])
                continue
            failed_at = self._invoke(records)
            if failed_at is None:
                self._advance(shard_id, fetched[-1])
            else:
                self._failed(shard_id, records, failed_at)
        return handled

    def _iterator(self, shard_id: str) -> str:
        after = self.checkpoints.get(shard_id)
        kwargs: dict[str, Any] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            if after else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        return str(self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **kwargs)["ShardIterator"])

    def _advance(self, shard_id: str, last: dict[str, Any]) -> None:
        sequence = last["dynamodb"]["SequenceNumber"]
        self.checkpoints[shard_id] = sequence
        self._retries.pop(shard_id, None)
        self._retry_at.pop(shard_id, None)
        self.on_checkpoint(shard_id, sequence)

    def _invoke(self, records: list[dict[str, Any]]) -> int | None:
        """Call the function; None when the whole batch succeeded, else the index of the first
        record to deliver again (a function error: the whole batch)."""
        event = {"Records": [self._lambda_record(r) for r in records]}
        self.invocations += 1
        self.delivered.append(event)
        try:
            result = self.handler(event, self.context_factory())
        except Exception:
            logger.exception("stream function failed", function=self.function_name)
            return 0
        failures = (result or {}).get("batchItemFailures") or [] if isinstance(result, dict) else []
        if not failures:
            return None
        failed = {str(f.get("itemIdentifier")) for f in failures}
        for index, record in enumerate(records):
            if record["dynamodb"]["SequenceNumber"] in failed:
                return index
        return 0  # an identifier that is no record of the batch: Lambda retries the batch

    def _failed(self, shard_id: str, records: list[dict[str, Any]], index: int) -> None:
        if index > 0:  # what came before the failed record is done
            self.checkpoints[shard_id] = records[index - 1]["dynamodb"]["SequenceNumber"]
            self.on_checkpoint(shard_id, self.checkpoints[shard_id])
        retries = self._retries.get(shard_id, 0) + 1
        if retries > self.max_retries:
            self._exhausted(shard_id, records[index:])
            self._advance(shard_id, records[-1])
            return
        self._retries[shard_id] = retries
        self._retry_at[shard_id] = time.monotonic() + self.retry_seconds

    def _exhausted(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        """What Lambda sends to the on-failure destination: where the batch was, not its records."""
        self.exhausted_batches += 1
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        description = {
            "requestContext": {
                "requestId": str(uuid.uuid4()), "functionArn": self.function_name,
                "condition": "RetryAttemptsExhausted", "approximateInvokeCount": self.max_retries + 1,
            },
            "version": "1.0",
            "timestamp": now,
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(records[0]),
                "approximateArrivalOfLastRecord": _iso(records[-1]),
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            },
        }
        logger.error("stream batch given up after retries", shard=shard_id, records=len(records))
        try:
            self.on_failure(description)
        except Exception:
            logger.exception("the stream's on-failure destination failed")

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        change = dict(record["dynamodb"])
        change["ApproximateCreationDateTime"] = _epoch(change.get("ApproximateCreationDateTime"))
        return {
            "eventID": record["eventID"],
            "eventName": record["eventName"],
            "eventVersion": record.get("eventVersion", "1.1"),
            "eventSource": "aws:dynamodb",
            "awsRegion": record.get("awsRegion", "us-east-1"),
            "dynamodb": change,
            "eventSourceARN": self.stream_arn,
        }


def _iso(record: dict[str, Any]) -> str:
    at = record["dynamodb"].get("ApproximateCreationDateTime")
    when = at if isinstance(at, datetime) else datetime.fromtimestamp(_epoch(at), UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sqs_destination(endpoint: str, region: str, queue_url: str) -> Callable[[dict[str, Any]], None]:
    """The on-failure destination: a message on the SQS queue."""
    import boto3

    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)

    def send(description: dict[str, Any]) -> None:
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(description))

    return send
