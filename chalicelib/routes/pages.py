"""The desk's own pages and files: liveness, the API's description, the console and the widget's script."""

from __future__ import annotations

from functools import cache
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..entrypoints.http import OPERATIONS, PUBLIC, Call, operation

bp = Blueprint(__name__)


@operation(bp, "GET", "/health", summary="Is the desk up", auth=PUBLIC, response="Health")
def health(call: Call) -> Any:
    return {"status": "ok", "stage": container().settings.stage}


@operation(bp, "GET", "/openapi.json", summary="This API, as OpenAPI 3.1", auth=PUBLIC)
def openapi(call: Call) -> Any:
    from ..entrypoints.openapi import document

    return document(OPERATIONS)


_static: dict[str, str] = {}


def _static_file(name: str) -> str:
    if name not in _static:
        from pathlib import Path

        _static[name] = (Path(__file__).resolve().parents[1] / "static" / name).read_text()
    return _static[name]


@cache
def _static_etag(name: str) -> str:
    """Hashed once per function instance, not per request."""
    import hashlib

    return '"' + hashlib.sha256(_static_file(name).encode()).hexdigest()[:20] + '"'


def _static_response(call: Call, name: str, content_type: str, headers: dict[str, str] | None = None) -> Response:
    """A file of the app's own, revalidated cheaply: its ETag is a hash of the content."""
    body = _static_file(name)
    etag = _static_etag(name)
    common: dict[str, str | list[str]] = {"ETag": etag, "Cache-Control": "public, max-age=300", **(headers or {})}
    if call.request.headers.get("if-none-match") == etag:
        return Response(body="", status_code=304, headers=common)
    return Response(body=body, status_code=200, headers={"Content-Type": content_type, **common})


@operation(bp, "GET", "/widget.js", summary="The chat widget's script", auth=PUBLIC)
def widget_script(call: Call) -> Any:
    return _static_response(
        call, "widget.js", "application/javascript; charset=utf-8", {"Access-Control-Allow-Origin": "*"}
    )


@operation(bp, "GET", "/console", summary="The agent console (a web page)", auth=PUBLIC)
def console_page(call: Call) -> Any:
    import html

    page = _static_file("console.html").replace(
        "{{websocket_url}}", html.escape(container().settings.websocket_url, quote=True)
    )
    return Response(
        body=page, status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"},
    )


@operation(bp, "GET", "/console/app.js", summary="The agent console's script", auth=PUBLIC)
def console_script(call: Call) -> Any:
    return _static_response(call, "console.js", "application/javascript; charset=utf-8")


@operation(bp, "GET", "/console/app.css", summary="The agent console's styles", auth=PUBLIC)
def console_styles(call: Call) -> Any:
    return _static_response(call, "console.css", "text/css; charset=utf-8")


_ASSET_TYPES = {"js": "application/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


@cache
def _console_assets() -> frozenset[str]:
    """The console's own modules (settings sections and the like), in static/console/."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "static" / "console"
    return frozenset(p.name for p in folder.iterdir() if p.suffix[1:] in _ASSET_TYPES) if folder.is_dir() else frozenset()


@operation(
    bp, "GET", "/console/assets/{name}", summary="One of the agent console's modules (script or styles)",
    auth=PUBLIC, errors=(404,),
)
def console_asset(call: Call, name: str) -> Any:
    from ..domain.errors import NotFoundError

    if name not in _console_assets():  # only the files shipped in static/console/, never a path
        raise NotFoundError(f"The console has no file {name!r}.", code="asset_not_found")
    return _static_response(call, f"console/{name}", _ASSET_TYPES[name.rsplit(".", 1)[1]])
