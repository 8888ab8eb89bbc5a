"""A websocket chat client for tests, behaving as the widget does: it keeps one copy of each
message per sequence number, whether it came live, as an ack, or in a history frame."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import websocket


class ChatClient:
    def __init__(self, url: str, **query: str) -> None:
        self.ws = websocket.create_connection(f"{url}/?{urlencode(query)}", timeout=30)  # the handshake waits on the emulator: as settle(), not a speed check
        self.inbox: list[dict[str, Any]] = []
        self.messages: dict[str, dict[int, dict]] = {}  # conversation -> seq -> message
        self.deliveries: list[tuple[str, int]] = []  # every (conversation, seq) received, repeats kept
        self.sent_seq = 0  # the client_seq of the last message sent on this connection

    def send(self, **frame: Any) -> None:
        self.ws.send(json.dumps(frame))

    def say(self, text: str, conversation_id: str | None = None, **extra: Any) -> dict:
        """Send a chat message and wait for its ack."""
        client_id = extra.pop("client_id", uuid.uuid4().hex)
        frame = {"action": "send", "text": text, "client_id": client_id, **extra}
        if conversation_id:
            frame["conversation_id"] = conversation_id
        self.send(**frame)
        return self.wait_for("ack", lambda f: f.get("client_id") == client_id)

    def say_in_order(self, texts: list[str], conversation_id: str) -> list[dict]:
        """Send messages as the widget's queue does (all at once after a reconnect): numbered
        with ``client_seq``, one in flight, the next after the ack of the one before; one
        refused as ``out_of_order`` goes again with the number the desk expects."""
        acks = []
        for text in texts:
            client_id = uuid.uuid4().hex
            while True:
                self.sent_seq += 1
                self.send(action="send", text=text, client_id=client_id, conversation_id=conversation_id,
                          client_seq=self.sent_seq)
                answer = self.wait_for_any(("ack", "error"), lambda f, c=client_id: f.get("client_id") == c)
                if answer["type"] == "ack":
                    acks.append(answer)
                    break
                assert answer["code"] == "out_of_order", answer
                self.sent_seq = answer["details"]["expected_seq"] - 1
        return acks

    def wait_for_any(self, kinds: tuple[str, ...], predicate: Any, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, frame in enumerate(self.inbox):
                if frame.get("type") in kinds and predicate(frame):
                    return self.inbox.pop(i)
            frame = self._receive(max(0.05, deadline - time.monotonic()))
            if frame is not None:
                self.inbox.append(frame)
        raise AssertionError(f"no {kinds!r} frame within {timeout}s")

    def _receive(self, timeout: float) -> dict | None:
        self.ws.settimeout(timeout)
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        frame = json.loads(raw)
        self._remember(frame)
        return frame

    def _remember(self, frame: dict) -> None:
        found = []
        if frame.get("type") in ("message", "ack"):
            found = [(frame["conversation_id"], frame["message"])]
        elif frame.get("type") == "history":
            found = [(frame["conversation_id"], m) for m in frame["messages"]]
        for conversation, message in found:
            self.deliveries.append((conversation, message["seq"]))
            self.messages.setdefault(conversation, {})[message["seq"]] = message

    def wait_for(self, kind: str, predicate: Any = None, timeout: float = 10) -> dict:
        predicate = predicate or (lambda frame: True)
        for i, frame in enumerate(self.inbox):
            if frame.get("type") == kind and predicate(frame):
                return self.inbox.pop(i)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self._receive(max(0.05, deadline - time.monotonic()))
            if frame is None:
                continue
            if frame.get("type") == kind and predicate(frame):
                return frame
            self.inbox.append(frame)
        raise AssertionError(f"no {kind!r} frame within {timeout}s; got {[f.get('type') for f in self.inbox]}")

    def drain(self, seconds: float = 0.3) -> list[dict]:
        """Frames that arrive within ``seconds`` (to prove that nothing else comes)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            frame = self._receive(max(0.05, deadline - time.monotonic()))
            if frame is not None:
                self.inbox.append(frame)
        got, self.inbox = self.inbox, []
        return got

    def texts(self, conversation_id: str) -> list[str]:
        return [m["body"] for _, m in sorted(self.messages.get(conversation_id, {}).items())]

    def close(self) -> None:
        self.ws.close()
