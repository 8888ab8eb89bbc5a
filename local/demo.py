"""A sample business website with the desk's widget on it, on its own port (another origin
than the desk, as a real business's site is), so a newcomer can play the visitor in one tab
and the agent in the console in another."""

from __future__ import annotations

import html
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PAGE = Path(__file__).with_name("demo") / "index.html"
# The shop's pages by path: the home page, and the lamps a proactive chat campaign can greet on.
PAGES = {"/": PAGE, "/index.html": PAGE, "/lamps.html": PAGE.with_name("lamps.html")}


def render(api_url: str, page_file: Path = PAGE) -> bytes:
    page = page_file.read_text()
    page = page.replace("{{widget_src}}", html.escape(f"{api_url}/widget.js", quote=True))
    page = page.replace("{{widget_key}}", html.escape(os.environ.get("DESK_WIDGET_KEY", ""), quote=True))
    return page.encode()


class DemoSite:
    def __init__(self, host: str, port: int, api_url: str) -> None:
        bodies = {path: render(api_url, page) for path, page in PAGES.items()}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = bodies.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, name="desk-demo", daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
