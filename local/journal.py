"""The emulator's write-ahead journal: every request that may change moto's state is appended
here and fsynced before moto answers it, so that what the emulator acknowledged survives a
crash (``kill -9``, a power cut) between two snapshots. On start the last snapshot is loaded
and the journal written after it is replayed, request by request, through moto's WSGI app.

An entry is ``length (4 bytes, big-endian) | CRC-32 of the payload (4 bytes) | payload``; the
payload is a pickled tuple. A crash in the middle of a write leaves a last entry that is short
or fails its checksum: reading stops there, and that request was never answered.

moto draws its ids (Cognito subs, stream eventIDs, SES message ids ...) from one seedable
``Random``. Each journaled request is run with a fresh random seed kept in its entry, so that
its replay hands out the same ids. What moto takes from the clock (creation dates, a token's
``iat``) is the replay's time, not the original's."""

from __future__ import annotations

import io
import os
import pickle
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

_HEADER = struct.Struct(">II")  # payload length, CRC-32 of the payload

REQUEST = "request"
PRUNE = "prune"  # the local stream poller dropped records it handled (not a request)

# Operations (X-Amz-Target's or a query API's Action) that change nothing worth keeping. Every
# other operation is journaled: a read taken for a write costs an fsync, the other way round
# would lose an acknowledged write. GetShardIterator does add an iterator to moto's state, but
# one that lives minutes in AWS and is pruned locally: it is not kept.
_READ_PREFIXES = ("Describe", "List", "BatchGet")
_READ_OPERATIONS = frozenset({
    # DynamoDB and DynamoDB Streams
    "GetItem", "Query", "Scan", "GetRecords", "GetShardIterator",
    # Cognito
    "AdminGetUser", "GetUser", "GetGroup", "GetSigningCertificate", "GetUserPoolMfaConfig",
    # SQS
    "GetQueueUrl", "GetQueueAttributes",
    # SES
    "GetSendQuota", "GetSendStatistics", "GetIdentityVerificationAttributes",
    "GetIdentityDkimAttributes", "GetIdentityNotificationAttributes", "GetIdentityMailFromDomainAttributes",
    "GetAccountSendingEnabled", "GetTemplate", "GetAccount", "GetEmailIdentity",
})
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def operation(environ: dict[str, Any], body: bytes) -> str | None:
    """The API operation a request calls, for the APIs that name it (JSON and query APIs);
    None for REST APIs (S3, SESv2), whose operation is the method and path."""
    target = environ.get("HTTP_X_AMZ_TARGET") or ""
    if "." in target:
        return target.rsplit(".", 1)[1]
    action = parse_qs(environ.get("QUERY_STRING") or "").get("Action")
    if action:
        return action[0]
    if body and (environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    return None


def is_read(environ: dict[str, Any], body: bytes) -> bool:
    """Does this request change nothing the emulator must keep?"""
    name = operation(environ, body)
    if name is not None:
        return name in _READ_OPERATIONS or name.startswith(_READ_PREFIXES)
    return environ.get("REQUEST_METHOD", "GET").upper() in _READ_METHODS


def read_body(environ: dict[str, Any]) -> bytes:
    """The whole request body, read once; the environ is left as if it had never been read
    (and as a replay will rebuild it: a plain body with its Content-Length)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        body = b""
    elif environ.pop("wsgi.input_terminated", False):  # chunked: the server de-chunks to the end
        body = stream.read()
        environ.pop("HTTP_TRANSFER_ENCODING", None)
    else:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = stream.read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    if body or environ.get("CONTENT_LENGTH"):
        environ["CONTENT_LENGTH"] = str(len(body))
    return body


def request_entry(environ: dict[str, Any], body: bytes, seed: int) -> tuple[Any, ...]:
    # The CGI variables and headers; not the server's objects (socket, streams).
    kept = {k: v for k, v in environ.items() if isinstance(v, str) and not k.startswith(("wsgi.", "werkzeug."))}
    return (REQUEST, time.time(), seed, environ.get("wsgi.url_scheme", "http"), kept, body)


def replay_environ(entry: tuple[Any, ...]) -> tuple[int, dict[str, Any]]:
    """The seed and the WSGI environ of a journaled request, ready to run again."""
    _, _, seed, scheme, kept, body = entry
    environ = dict(kept)
    environ.update({
        "wsgi.version": (1, 0), "wsgi.url_scheme": scheme, "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    })
    return seed, environ


def encode(entry: tuple[Any, ...]) -> bytes:
    payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def entries(path: str) -> Iterator[tuple[Any, ...]]:
    """The journal's entries in order, up to the first torn one (a crash mid-write)."""
    with open(path, "rb") as f:
        while True:
            header = f.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            length, crc = _HEADER.unpack(header)
            payload = f.read(length)
            if len(payload) < length or zlib.crc32(payload) != crc:
                return
            yield pickle.loads(payload)


class Journal:
    """One generation's journal file, opened for appending."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fsync_directory(os.path.dirname(path) or ".")  # the file itself survives a power cut
        self.entries = 0
        self.bytes = 0

    def append(self, entry: tuple[Any, ...]) -> None:
        """Write an entry and wait until the disk has it."""
        data = encode(entry)
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fdatasync(self._fd)
        self.entries += 1
        self.bytes += len(data)

    def close(self) -> None:
        os.close(self._fd)


def fsync_directory(path: str) -> None:
    """Make a file's creation, rename or removal in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
