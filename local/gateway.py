"""A local stand-in for API Gateway's websocket API.

It accepts websocket connections on ``ws://host:port``, turns each connect, frame and
disconnect into the event API Gateway would deliver (the shapes in ``tests/fixtures``) and
invokes the app's handlers with it, and serves the management API that functions post frames
through (``POST/GET/DELETE /@connections/{id}``, 410 GoneException for unknown ids), on the
same port. It enforces API Gateway's limits: 128 KB per message (close 1009), the idle
timeout and the connection lifetime (close 1001), both configurable for tests.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

MAX_MESSAGE_BYTES = 128 * 1024
IDLE_TIMEOUT_SECONDS = 10 * 60
MAX_LIFETIME_SECONDS = 2 * 3600


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    connected_at: float
    source_ip: str
    user_agent: str
    last_active: float = field(default_factory=time.time)
    closing_reason: str | None = None


def _request_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _new_id() -> str:
    # API Gateway's ids look like 'BFHPhfCWIAMCKlQ=': 10 random bytes in base64.
    return base64.b64encode(secrets.token_bytes(10)).decode().replace("/", "_").replace("+", "-")


class WebsocketGateway:
    def __init__(
        self,
        host: str,
        port: int,
        handlers: dict[str, Callable[[dict, Any], Any]],
        *,
        stage: str = "local",
        api_id: str = "local",
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        max_lifetime: float = MAX_LIFETIME_SECONDS,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        context_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.handlers = handlers
        self.stage = stage
        self.api_id = api_id
        self.idle_timeout = idle_timeout
        self.max_lifetime = max_lifetime
        self.max_message_bytes = max_message_bytes
        self.context_factory = context_factory or (lambda: None)
        self.connections: dict[str, _Connection] = {}
        self.management_calls = 0
        self.management_posts = 0  # frames posted (the rest are GET and DELETE)
        self.posts_by_connection: Counter[str] = Counter()  # the same, by connection id
        self._pool = ThreadPoolExecutor(64, thread_name_prefix="desk-ws-handler")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def management_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._serve())
            except BaseException as error:  # report a bind failure to start()
                failure.append(error)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="desk-ws-gateway", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]

    async def _serve(self) -> None:
        app = web.Application(client_max_size=self.max_message_bytes)
        app.router.add_route("*", "/@connections/{connection_id}", self._management)
        app.router.add_route("GET", "/{tail:.*}", self._websocket)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._watchdog = asyncio.ensure_future(self._watch())

    def stop(self) -> None:
        if self._loop is None:
            return

        async def shutdown() -> None:
            self._watchdog.cancel()
            for connection in list(self.connections.values()):
                connection.closing_reason = "Going away"
                await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"Going away")
            assert self._runner is not None
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._pool.shutdown(wait=True)

    # ---------------------------------------------------------------- websocket side

    async def _invoke(self, route_key: str, event: dict) -> dict:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._pool, self.handlers[route_key], event, self.context_factory())
        return result if isinstance(result, dict) else {"statusCode": 200}

    def _context(self, connection_id: str, route_key: str, event_type: str, connected_at: float) -> dict:
        now = time.time()
        request_id = _new_id()
        return {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": request_id,
            "requestTime": _request_time(now),
            "messageDirection": "IN",
            "stage": self.stage,
            "connectedAt": int(connected_at * 1000),
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": self.connections[connection_id].source_ip
                         if connection_id in self.connections else "127.0.0.1"},
            "requestId": request_id,
            "domainName": f"{self.host}:{self.port}",
            "connectionId": connection_id,
            "apiId": self.api_id,
        }

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return web.json_response(
                {"message": "This is the websocket endpoint: connect with a websocket client."}, status=426
            )
        connection_id = _new_id()
        connected_at = time.time()
        source_ip = request.remote or "127.0.0.1"
        headers = dict(request.headers)
        query = dict(request.query)
        event: dict[str, Any] = {
            "headers": headers,
            "multiValueHeaders": {k: request.headers.getall(k) for k in request.headers.keys()},
            "requestContext": self._context(connection_id, "$connect", "CONNECT", connected_at),
            "isBase64Encoded": False,
        }
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: request.query.getall(k) for k in request.query.keys()}
        result = await self._invoke("$connect", event)
        status = int(result.get("statusCode", 200))
        if status != 200:
            # As API Gateway: the handshake is refused with the handler's status.
            return web.Response(status=status, text=result.get("body") or "", content_type="application/json")

        ws = web.WebSocketResponse(max_msg_size=self.max_message_bytes, autoping=True)
        await ws.prepare(request)
        connection = _Connection(ws, connected_at, source_ip, request.headers.get("User-Agent", ""))
        self.connections[connection_id] = connection
        in_flight: set[asyncio.Future] = set()
        try:
            async for message in ws:
                connection.last_active = time.time()
                if message.type == WSMsgType.TEXT:
                    body, encoded = message.data, False
                elif message.type == WSMsgType.BINARY:
                    body, encoded = base64.b64encode(message.data).decode(), True
                else:
                    break
                frame_event = {
                    "requestContext": {
                        **self._context(connection_id, "$default", "MESSAGE", connected_at),
                        "messageId": _new_id(),
                    },
                    "body": body,
                    "isBase64Encoded": encoded,
                }
                # As API Gateway: every frame is its own invocation, not queued behind the
                # connection's previous one (clients order by the server's sequence numbers).
                task = asyncio.ensure_future(self._invoke("$default", frame_event))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
        finally:
            self.connections.pop(connection_id, None)
            if in_flight:
                await asyncio.wait(list(in_flight), timeout=30)
            close_code = ws.close_code if ws.close_code is not None else 1006
            disconnect = {
                "headers": {"Host": f"{self.host}:{self.port}"},
                "multiValueHeaders": {"Host": [f"{self.host}:{self.port}"]},
                "requestContext": {
                    **self._context(connection_id, "$disconnect", "DISCONNECT", connected_at),
                    "disconnectStatusCode": close_code,
                    "disconnectReason": connection.closing_reason or "",
                },
                "isBase64Encoded": False,
            }
            await self._invoke("$disconnect", disconnect)
        return ws

    async def _watch(self) -> None:
        """Close connections idle or open for too long, as API Gateway does (1001)."""
        while True:
            await asyncio.sleep(min(1.0, self.idle_timeout / 4, self.max_lifetime / 4))
            now = time.time()
            for connection in list(self.connections.values()):
                if now - connection.last_active > self.idle_timeout:
                    connection.closing_reason = "Idle timeout"
                elif now - connection.connected_at > self.max_lifetime:
                    connection.closing_reason = "Connection lifetime exceeded"
                else:
                    continue
                asyncio.ensure_future(connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"Going away"))

    # ---------------------------------------------------------------- management API

    async def _management(self, request: web.Request) -> web.Response:
        self.management_calls += 1
        connection_id = request.match_info["connection_id"]
        if request.method == "POST":
            self.management_posts += 1
            self.posts_by_connection[connection_id] += 1
        connection = self.connections.get(connection_id)
        if connection is None or connection.ws.closed:
            return web.json_response(
                {"message": None},
                status=410,
                headers={"x-amzn-ErrorType": "GoneException"},
            )
        if request.method == "POST":
            data = await request.read()
            if len(data) > self.max_message_bytes:
                return web.json_response(
                    {"message": "Message too long"}, status=413, headers={"x-amzn-ErrorType": "PayloadTooLargeException"}
                )
            try:
                await connection.ws.send_str(data.decode("utf-8"))
            except UnicodeDecodeError:
                await connection.ws.send_bytes(data)
            except ConnectionResetError:
                return web.json_response({"message": None}, status=410, headers={"x-amzn-ErrorType": "GoneException"})
            return web.Response(status=200)
        if request.method == "GET":
            return web.json_response({
                "ConnectedAt": datetime.fromtimestamp(connection.connected_at, UTC).isoformat(),
                "Identity": {"SourceIp": connection.source_ip, "UserAgent": connection.user_agent},
                "LastActiveAt": datetime.fromtimestamp(connection.last_active, UTC).isoformat(),
            })
        if request.method == "DELETE":
            connection.closing_reason = "Closed by the service"
            await connection.ws.close(code=WSCloseCode.OK, message=b"")
            return web.Response(status=204)
        return web.json_response({"message": "Method not allowed"}, status=405)

