"""Load test of live chat through the local websocket gateway.

N concurrent conversations of M messages each (visitor and agent taking turns), every
participant on its own websocket. It checks that every message is stored once and delivered
once to each live participant, and reports, per message, the DynamoDB requests (counted by
the emulator on the wire, by operation) and the management-API posts (counted by the gateway).

    .venv/bin/python bench/chat_load.py [--conversations 100] [--messages 50] [--agents 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ADMIN = ("admin@bench.example", "Bench-admin-Passw0rd")


@dataclass
class Seen:
    """What one websocket received: messages by conversation and sequence number."""

    deliveries: Counter = field(default_factory=Counter)  # (conversation, seq) -> times

    def take(self, frame: dict) -> None:
        if frame.get("type") in ("message", "ack", "conversation.created"):
            self.deliveries[(frame["conversation_id"], frame["message"]["seq"])] += 1


class Peer:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.seen = Seen()
        self.acks: dict[str, asyncio.Future] = {}
        self.waiting: dict[tuple[str, str], asyncio.Future] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            frame = json.loads(message.data)
            self.seen.take(frame)
            kind = frame.get("type")
            if kind == "ack" and frame["client_id"] in self.acks:
                self.acks.pop(frame["client_id"]).set_result(frame)
            elif kind == "joined" and ("joined", frame["conversation"]["id"]) in self.waiting:
                self.waiting.pop(("joined", frame["conversation"]["id"])).set_result(frame)
            elif kind == "error":
                raise RuntimeError(f"error frame: {frame}")

    async def say(self, text: str, conversation_id: str | None = None) -> dict:
        client_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self.acks[client_id] = future
        frame = {"action": "send", "text": text, "client_id": client_id}
        if conversation_id:
            frame["conversation_id"] = conversation_id
        await self.ws.send_str(json.dumps(frame))
        return await asyncio.wait_for(future, 300)

    async def join(self, conversation_id: str) -> dict:
        frame = {"action": "join", "conversation_id": conversation_id}
        future = asyncio.get_running_loop().create_future()
        self.waiting[("joined", conversation_id)] = future
        await self.ws.send_str(json.dumps(frame))
        return await asyncio.wait_for(future, 60)


async def _run(stack: Any, conversations: int, messages: int, agents: int, admin: tuple[str, str]) -> dict:
    import aiohttp
    import requests

    api = stack.api_url
    admin_token = requests.post(f"{api}/auth/login", json={"email": admin[0], "password": admin[1]}, timeout=30).json()["token"]
    agent_tokens = []
    for i in range(agents):
        email = f"load-{uuid.uuid4().hex[:8]}@bench.example"
        password = "Load-agent-Passw0rd"
        requests.post(f"{api}/agents", json={"email": email, "name": f"Agent {i}", "password": password},
                      headers={"Authorization": f"Bearer {admin_token}"}, timeout=30).raise_for_status()
        agent_tokens.append(requests.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=30).json()["token"])
    visitor_tokens = [
        requests.post(f"{api}/widget/sessions", json={}, timeout=30).json()["token"] for _ in range(conversations)
    ]
    # One websocket per participant: more than aiohttp's default pool of 100 connections.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        # Posts are counted to this run's own connections: in the test suite another test's
        # agent console may still be connected, and hears of each new conversation too.
        elsewhere = set(stack.gateway.connections)
        agent_peers = [Peer(await session.ws_connect(f"{stack.gateway.url}/?token={t}")) for t in agent_tokens]
        visitors = [Peer(await session.ws_connect(f"{stack.gateway.url}/?visitor={t}")) for t in visitor_tokens]
        # Only the conversations' own traffic is measured: from the first message on. The
        # stream is held back meanwhile, so the requests' own work and the reactions' are
        # counted apart.
        pause = stack.streams.paused()
        pause.__enter__()
        dynamodb_before = Counter(stack.aws.dynamodb_calls)
        posts_before = _posts(stack, elsewhere)
        invocations_before = stack.streams.invocations
        started = time.perf_counter()

        async def conversation(i: int) -> str:
            visitor, agent = visitors[i], agent_peers[i % agents]
            first = await visitor.say(f"Hello from visitor {i}")
            cid = first["conversation_id"]
            await agent.join(cid)
            for n in range(1, messages):
                speaker = agent if n % 2 else visitor
                await speaker.say(f"message {n} in conversation {i}", cid)
            return cid

        ids = await asyncio.gather(*(conversation(i) for i in range(conversations)))
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1.0)  # deliveries still in flight
        dynamodb = Counter(stack.aws.dynamodb_calls) - dynamodb_before
        # What follows from the table's stream (clocks, notices, mail, the reactions' ledger).
        stream_before = Counter(stack.aws.dynamodb_calls)
        pause.__exit__(None, None, None)
        # the whole run's stream at once: a few seconds per hundred messages on the emulator
        backlog = max(30.0, 0.2 * conversations * messages)
        await asyncio.get_running_loop().run_in_executor(None, lambda: stack.settle(backlog))
        from_stream = Counter(stack.aws.dynamodb_calls) - stream_before
        posts = _posts(stack, elsewhere) - posts_before
        invocations = stack.streams.invocations - invocations_before
        for peer in agent_peers + visitors:
            await peer.ws.close()

    problems = []
    for i, cid in enumerate(ids):
        expected = {(cid, seq) for seq in range(1, messages + 1)}
        for who, peer in (("visitor", visitors[i]), ("agent", agent_peers[i % agents])):
            got = {key: n for key, n in peer.seen.deliveries.items() if key[0] == cid}
            if set(got) != expected:
                problems.append(f"{who} of {cid} is missing {sorted(s for _, s in expected - set(got))[:5]}")
            twice = [key[1] for key, n in got.items() if n != 1]
            if twice:
                problems.append(f"{who} of {cid} got seq {twice[:5]} more than once")
    from chalicelib import bootstrap

    tickets = bootstrap.container().tickets
    for cid in ids:
        stored = list(tickets.history(cid, 0, include_notes=True))
        if [m.seq for m in stored] != list(range(1, messages + 1)):
            problems.append(f"{cid} stored {len(stored)} messages, seqs {[m.seq for m in stored][:5]}...")
    total = conversations * messages
    joins = conversations
    return {
        "conversations": conversations,
        "messages_per_conversation": messages,
        "messages": total,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(total / elapsed, 1),
        "dynamodb_requests_per_message": round(sum(dynamodb.values()) / total, 2),
        "stream_dynamodb_requests_per_message": round(sum(from_stream.values()) / total, 2),
        "stream_dynamodb_requests_per_message_by_operation": {
            op: round(n / total, 2) for op, n in sorted(from_stream.items(), key=lambda kv: -kv[1])
        },
        "stream_invocations": invocations,
        "dynamodb_requests_per_message_by_operation": {
            op: round(n / total, 2) for op, n in sorted(dynamodb.items(), key=lambda kv: -kv[1])
        },
        "management_posts": posts,
        "management_posts_per_message": round(posts / total, 2),
        "note": (
            f"counts include {joins} joins and the per-conversation announcements "
            "(new conversation to each agent, agent joined, status new->open)"
        ),
        "problems": problems,
    }


def _posts(stack: Any, elsewhere: set[str]) -> int:
    """Frames posted so far to connections other than those open before the run."""
    return sum(n for cid, n in list(stack.gateway.posts_by_connection.items()) if cid not in elsewhere)


def run(stack: Any, conversations: int, messages: int, agents: int, admin: tuple[str, str] = ADMIN) -> dict:
    """Run the load against a started local stack (``admin``: an admin agent's credentials)."""
    return asyncio.run(_run(stack, conversations, messages, agents, admin))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--agents", type=int, default=10)
    args = parser.parse_args()

    from chalicelib.config import LocalSettings
    from local.stack import Stack

    # One machine plays every visitor: to the rate limiter they would all be one client.
    os.environ.setdefault("DESK_RATE_LIMIT_WIDGET_SESSIONS", "off")
    stack = Stack(LocalSettings("127.0.0.1", 0, 0, 0, 0, "", *ADMIN, demo_port=0), persist=False)
    stack.start()
    try:
        report = run(stack, args.conversations, args.messages, args.agents)
    finally:
        stack.stop()
    print(json.dumps(report, indent=2))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
