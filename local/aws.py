"""moto's server on loopback, with its state saved to and reloaded from the data folder."""

from __future__ import annotations

import io
import logging
import os
import pickle
import socket
import threading
from collections import Counter
from typing import Any

SERVICES = ("dynamodb", "s3", "ses", "sesv2", "cognito-idp", "sqs")
_JWK_ID = "moto-cognito-signing-key"


_CONDITION_ID = "threading-condition"


class _StatePickler(pickle.Pickler):
    # The user pools hold moto's (static, published) signing key as a live crypto object that
    # cannot be pickled; it is stored by reference and loaded again from moto's resources.
    # An SQS queue guards its messages with a Condition: a fresh one is made on loading.
    def persistent_id(self, obj: Any) -> str | None:
        from joserfc.jwk import RSAKey

        if isinstance(obj, RSAKey):
            return _JWK_ID
        if isinstance(obj, threading.Condition):
            return _CONDITION_ID
        return None


class _StateUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid == _CONDITION_ID:
            return threading.Condition()
        if pid != _JWK_ID:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        from joserfc.jwk import RSAKey
        from moto.utilities.utils import load_resource

        return RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


class _OneAtATime:
    """Runs moto's WSGI app for one request at a time.

    moto's backends are not thread-safe (TransactWriteItems deep-copies the table while other
    threads write to it). DynamoDB's own guarantees are per request, so serialising requests
    in the emulator hides no race in our code: every read-modify-write of ours still spans
    several requests and is still raced by the concurrency tests."""

    def __init__(
        self, app: Any, lock: threading.Lock, calls: Counter[str], items_read: Counter[str] | None = None
    ) -> None:
        self.app = app
        self.lock = lock
        self.calls = calls
        self.items_read = items_read if items_read is not None else Counter()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target.split(".", 1)[1] if target.startswith("DynamoDB_") else None
        if operation:
            self.calls[operation] += 1  # what benchmarks report per operation
        with self.lock:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
        if operation in _READS:
            self.items_read[operation] += _items_read(operation, body)
        return [body]


_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem"})


def _items_read(operation: str, body: bytes) -> int:
    """Items DynamoDB examined to answer (what a read costs): ScannedCount for Query and
    Scan, the items found for GetItem and BatchGetItem."""
    import json

    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return 0
    if operation in ("Query", "Scan"):
        return int(data.get("ScannedCount", data.get("Count", 0)))
    if operation == "GetItem":
        return 1 if "Item" in data else 0
    return sum(len(items) for items in (data.get("Responses") or {}).values())


def _check_free(host: str, port: int) -> None:
    """Raise OSError for a busy port (werkzeug would print and exit the process instead)."""
    if port == 0:
        return
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise OSError(error.errno, f"port {port} on {host} is in use") from None


class AwsEmulator:
    """DynamoDB, S3, SES and Cognito as moto serves them, on ``host:port``."""

    def __init__(self, host: str, port: int, state_path: str | None) -> None:
        self.host = host
        self.port = port
        self.state_path = state_path
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.restored = False
        self.dynamodb_calls: Counter[str] = Counter()  # DynamoDB requests by operation
        self.dynamodb_items_read: Counter[str] = Counter()  # items examined, by read operation

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if self.state_path and os.path.exists(self.state_path):
            self._restore()
        _check_free(self.host, self.port)
        app = _OneAtATime(DomainDispatcherApplication(create_backend_app), self._lock, self.dynamodb_calls, self.dynamodb_items_read)
        self._server = make_server(self.host, self.port, app, threaded=True)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, name="desk-aws", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.save()

    def save(self) -> None:
        """Write every emulated service's state to the data folder, atomically."""
        if not self.state_path:
            return
        from moto.backends import get_backend

        with self._lock:  # no request runs while the snapshot is taken: it is consistent
            state = [
                (name, account, region, backend)
                for name in SERVICES
                for account, regions in dict.items(get_backend(name))  # type: ignore[arg-type]
                for region, backend in dict.items(regions)
            ]
            buffer = io.BytesIO()
            _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
            tmp = f"{self.state_path}.tmp"
            with open(tmp, "wb") as f:
                f.write(buffer.getvalue())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.state_path)

    def prune_stream(self, table_name: str, handled: dict[str, str]) -> None:
        """What moto keeps for ever that AWS does not: the stream's records (AWS keeps 24
        hours; these have been handled by the only reader, the local poller) and every shard
        iterator ever handed out. Called by the poller before it reads the stream."""
        from moto.backends import get_backend

        with self._lock:
            for regions in dict.values(get_backend("dynamodbstreams")):  # type: ignore[arg-type]
                for backend in dict.values(regions):
                    for arn, iterator in list(backend.shard_iterators.items()):
                        if iterator.stream_shard.table.name == table_name:
                            del backend.shard_iterators[arn]
            for regions in dict.values(get_backend("dynamodb")):  # type: ignore[arg-type]
                for backend in dict.values(regions):
                    table = backend.tables.get(table_name)
                    shard = getattr(table, "stream_shard", None)
                    if shard is None or shard.id not in handled:
                        continue
                    done = int(handled[shard.id]) + 1 - shard.starting_sequence_number
                    if done > 0:
                        del shard.items[:done]
                        shard.starting_sequence_number += done

    def _restore(self) -> None:
        from moto.backends import get_backend

        assert self.state_path is not None
        with open(self.state_path, "rb") as f:
            state = _StateUnpickler(f).load()
        for name, account, region, backend in state:
            get_backend(name)[account][region] = backend  # type: ignore[index]
        self.restored = True
