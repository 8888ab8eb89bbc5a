"""moto's server on loopback, with its state kept in the data folder: a snapshot taken every
few seconds and on stop, and a write-ahead journal of every request since (``journal.py``)."""

from __future__ import annotations

import errno
import io
import logging
import os
import pickle
import re
import socket
import threading
from collections import Counter
from typing import Any

from . import journal as wal

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


def _remember_hosts(dispatcher: Any) -> None:
    """moto finds the service of each request's host by listing its package's folders and
    trying hundreds of URL patterns, on every request (a tenth of its time in the API fuzz).
    The answer depends on the host alone, so each host's is kept."""
    find = dispatcher.get_backend_for_host
    known: dict[str | None, Any] = {}

    def get_backend_for_host(host: str | None) -> Any:
        if host not in known:
            known[host] = find(host)
        return known[host]

    dispatcher.get_backend_for_host = get_backend_for_host


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
        self.journal: wal.Journal | None = None  # set (and swapped on each snapshot) when persisting

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target.split(".", 1)[1] if target.startswith("DynamoDB_") else None
        if operation:
            self.calls[operation] += 1  # what benchmarks report per operation
        entry = None
        if self.journal is not None:  # read before taking the lock: a slow upload holds up no one
            request_body = wal.read_body(environ)
            if not wal.is_read(environ, request_body):
                entry = wal.request_entry(environ, request_body, int.from_bytes(os.urandom(8), "big"))
        with self.lock:
            journal = self.journal
            if journal is not None and entry is not None:
                # Durable before moto runs it, so before anyone can have seen its answer.
                journal.append(entry)
                _seed(entry[2])
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
        if operation in _READS:
            self.items_read[operation] += _items_read(operation, body)
        return [body]


def _seed(seed: int) -> None:
    from moto.moto_api._internal import mock_random

    mock_random.seed(seed)


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
        self._app: _OneAtATime | None = None
        self._folder_lock: int | None = None
        self.generation = 0  # of the snapshot last written; the journal written after it has its number
        self.restored = False
        self.replayed = 0  # journaled requests run again on start
        self.dynamodb_calls: Counter[str] = Counter()  # DynamoDB requests by operation
        self.dynamodb_items_read: Counter[str] = Counter()  # items examined, by read operation

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        from . import indexes, transactions

        transactions.install()
        indexes.install()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        _check_free(self.host, self.port)
        dispatcher = DomainDispatcherApplication(create_backend_app)
        _remember_hosts(dispatcher)
        self._app = _OneAtATime(dispatcher, self._lock, self.dynamodb_calls, self.dynamodb_items_read)
        if self.state_path:
            self._hold_folder()
            self._recover(dispatcher)
        self._server = make_server(self.host, self.port, self._app, threaded=True)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, name="desk-aws", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.save()
        if self._app is not None and self._app.journal is not None:
            self._app.journal.close()
            self._app.journal = None
        if self._folder_lock is not None:
            os.close(self._folder_lock)  # the lock goes with it
            self._folder_lock = None

    def _hold_folder(self) -> None:
        """One emulator per data folder: a second would replay the first one's journal, take
        a snapshot and delete that journal while the first still writes to it."""
        import fcntl

        assert self.state_path is not None
        fd = os.open(f"{os.path.splitext(self.state_path)[0]}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            folder = os.path.abspath(os.path.dirname(self.state_path) or ".")
            raise OSError(errno.EBUSY, f"the data folder {folder} is in use by another running desk") from None
        self._folder_lock = fd

    def save(self) -> None:
        """Write every emulated service's state to the data folder, atomically, and start the
        next generation's journal (the snapshot holds everything journaled so far)."""
        if not self.state_path:
            return
        with self._lock:  # no request runs while the snapshot is taken: it is consistent
            self._snapshot()

    def _journal_path(self, generation: int) -> str:
        assert self.state_path is not None
        return f"{os.path.splitext(self.state_path)[0]}-journal-{generation:08d}.log"

    def _journals(self) -> dict[int, str]:
        """The journal files in the data folder, by generation."""
        assert self.state_path is not None
        folder = os.path.dirname(self.state_path) or "."
        pattern = re.compile(re.escape(os.path.basename(os.path.splitext(self.state_path)[0])) + r"-journal-(\d{8})\.log")
        found = {}
        for name in os.listdir(folder):
            match = pattern.fullmatch(name)
            if match:
                found[int(match.group(1))] = os.path.join(folder, name)
        return found

    def _snapshot(self) -> None:
        """Snapshot generation N+1, then journal N+1. A crash between the two leaves snapshot
        N+1 and journal N: that journal is older than the snapshot, already in it, and not
        replayed; a crash before the rename leaves snapshot N, replayed with journal N."""
        from moto.backends import get_backend

        assert self.state_path is not None and self._app is not None
        generation = self.generation + 1
        state = [
            (name, account, region, backend)
            for name in SERVICES
            for account, regions in dict.items(get_backend(name))  # type: ignore[arg-type]
            for region, backend in dict.items(regions)
        ]
        buffer = io.BytesIO()
        _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump({"generation": generation, "state": state})
        tmp = f"{self.state_path}.tmp"
        with open(tmp, "wb") as f:
            f.write(buffer.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_path)
        wal.fsync_directory(os.path.dirname(self.state_path) or ".")
        previous, self._app.journal = self._app.journal, wal.Journal(self._journal_path(generation))
        self.generation = generation
        if previous is not None:
            previous.close()
        for older, path in self._journals().items():
            if older < generation:
                os.remove(path)

    def prune_stream(self, table_name: str, handled: dict[str, str]) -> None:
        """What moto keeps for ever that AWS does not: the stream's records (AWS keeps 24
        hours; these have been handled by the only reader, the local poller) and every shard
        iterator ever handed out. Called by the poller before it reads the stream. Dropping
        records is journaled as a request is: a replay does not hand them out again."""
        with self._lock:
            journal = self._app.journal if self._app is not None else None
            if journal is not None and _prunable(table_name, handled):
                journal.append((wal.PRUNE, table_name, dict(handled)))
            _prune(table_name, handled)

    def _recover(self, app: Any) -> None:
        """The last snapshot, then every request journaled after it, in order, as they ran;
        then a new snapshot, so that the next journal starts empty (and no torn entry of a
        crash is ever followed by good ones)."""
        from moto.backends import get_backend

        assert self.state_path is not None
        generation = 0
        if os.path.exists(self.state_path):
            with open(self.state_path, "rb") as f:
                saved = _StateUnpickler(f).load()
            # A snapshot from before the journal is a bare list, generation 0.
            generation, state = (saved["generation"], saved["state"]) if isinstance(saved, dict) else (0, saved)
            for name, account, region, backend in state:
                get_backend(name)[account][region] = backend  # type: ignore[index]
            self.restored = True
        journals = self._journals()
        for number in sorted(journals):
            if number >= generation:
                for entry in wal.entries(journals[number]):
                    self._replay(app, entry)
        self.generation = max([generation, *journals])
        self.restored = self.restored or self.replayed > 0
        with self._lock:
            self._snapshot()

    def _replay(self, app: Any, entry: tuple[Any, ...]) -> None:
        try:
            if entry[0] == wal.PRUNE:
                _, table_name, handled = entry
                _prune(table_name, handled)
            else:
                seed, environ = wal.replay_environ(entry)
                _seed(seed)
                result = app(environ, lambda status, headers, exc_info=None: None)
                try:
                    b"".join(result)
                finally:
                    getattr(result, "close", lambda: None)()
        except Exception:  # moto failed this request once more: the rest of the data still loads
            logging.getLogger("desk.local.aws").exception("replaying a journaled request failed")
        self.replayed += 1


def _tables(table_name: str) -> list[Any]:
    from moto.backends import get_backend

    return [
        backend.tables[table_name]
        for regions in dict.values(get_backend("dynamodb"))  # type: ignore[arg-type]
        for backend in dict.values(regions)
        if table_name in backend.tables
    ]


def _done(table: Any, handled: dict[str, str]) -> int:
    shard = getattr(table, "stream_shard", None)
    if shard is None or shard.id not in handled:
        return 0
    return max(0, int(handled[shard.id]) + 1 - shard.starting_sequence_number)


def _prunable(table_name: str, handled: dict[str, str]) -> bool:
    return any(_done(table, handled) for table in _tables(table_name))


def _prune(table_name: str, handled: dict[str, str]) -> None:
    from moto.backends import get_backend

    for regions in dict.values(get_backend("dynamodbstreams")):  # type: ignore[arg-type]
        for backend in dict.values(regions):
            for arn, iterator in list(backend.shard_iterators.items()):
                if iterator.stream_shard.table.name == table_name:
                    del backend.shard_iterators[arn]
    for table in _tables(table_name):
        done = _done(table, handled)
        if done > 0:
            del table.stream_shard.items[:done]
            table.stream_shard.starting_sequence_number += done
