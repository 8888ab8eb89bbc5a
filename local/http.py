"""The Chalice app over HTTP, through Chalice's own API Gateway emulation, with API Gateway's
body limit and our error shape for paths no route matches (configured the same in AWS)."""

from __future__ import annotations

import json
from typing import Any

from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    LocalDevServer,
    RouteMatcher,
    ThreadedHTTPServer,
    create_local_server,
)

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
# As the deployed API (.chalice/config.json's minimum_compression_size): a body this long or
# longer goes gzipped to a client that accepts it.
MINIMUM_COMPRESSION_SIZE = 1024
LISTEN_BACKLOG = 1024  # connections the kernel holds until accepted (socketserver's default: 5)


class DeskHTTPServer(ThreadedHTTPServer):
    # With socketserver's backlog of 5, a burst of connections (a page's requests, a test's
    # 50 threads) overflows it: Linux drops the SYNs (the client retries after 1 s, then 3 s),
    # macOS resets the connections.
    request_queue_size = LISTEN_BACKLOG

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (a browser leaving a page, a closed tab) is
        no error of the desk's: socketserver would print a traceback for it."""
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return
        super().handle_error(request, client_address)


class DeskRequestHandler(ChaliceRequestHandler):
    route_matcher: RouteMatcher | None = None

    def _generic_handle(self) -> None:
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            return self._json(413, "payload_too_large", "The body is larger than API Gateway accepts.")
        if self.command == "GET" and self.path.split("?")[0] in ("/_local/outbox", "/_local/outbox.json"):
            return self._outbox(self.path.split("?")[0].endswith(".json"))
        try:
            assert self.route_matcher is not None
            self.route_matcher.match_route(self.path)
        except ValueError:
            self.rfile.read(length)
            return self._json(404, "not_found", f"No route for {self.path.split('?')[0]}.")
        self._record_domain()
        super()._generic_handle()

    def _record_domain(self) -> None:
        """As API Gateway, the request context names the domain the request came to (this
        server's own address, never the Host header): ``public_base_url`` reads it."""
        converter = self.local_gateway.event_converter
        if getattr(converter, "records_domain", False):
            return
        host, port = self.server.server_address[:2]
        domain = f"{host}:{port}"
        create = converter.create_lambda_event

        def create_with_domain(*args: Any, **kwargs: Any) -> Any:
            event = create(*args, **kwargs)
            event["requestContext"]["domainName"] = domain
            return event

        converter.create_lambda_event = create_with_domain  # type: ignore[method-assign]
        converter.records_domain = True  # type: ignore[attr-defined]

    def _send_http_response_with_body(self, code: int, headers: Any, body: str | bytes) -> None:
        """API Gateway's compression: gzip when the client accepts it and the body is long
        enough (and not already encoded)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        accepts = "gzip" in (self.headers.get("accept-encoding") or "").lower()
        if accepts and len(data) >= MINIMUM_COMPRESSION_SIZE and "Content-Encoding" not in headers:
            import gzip

            data = gzip.compress(data, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
        super()._send_http_response_with_body(code, headers, data)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY ...) reaches the app too, which answers 405 in our
        # error shape, instead of http.server's HTML 501 page.
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)

    def _outbox(self, as_json: bool) -> None:
        from .outbox import outbox_page, sent_mail

        messages = sent_mail()
        if as_json:
            body, kind = json.dumps({"items": messages}).encode(), "application/json"
        else:
            body, kind = outbox_page(messages).encode(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app logs every request as structured JSON


def make_server(app: Any, host: str, port: int) -> LocalDevServer:
    config = Config.create(chalice_app=app, lambda_timeout=29, lambda_memory_size=512)
    handler = type("BoundDeskRequestHandler", (DeskRequestHandler,), {"route_matcher": RouteMatcher(list(app.routes))})
    create_local_server(app, config, host, port)  # makes the app object thread-safe
    return LocalDevServer(app, config, host, port, handler_cls=handler, server_cls=DeskHTTPServer)
