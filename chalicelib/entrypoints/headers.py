"""The headers every HTTP response carries, decided in one place (the middleware calls
``secure``): what a browser may do with the answer (sniff its type, frame it, send a
referrer, run scripts on a page), whether it may be cached, HTTPS only, and which other
origins may read it (CORS).

The policy is a function of the response's content type and path, not of the route, so a
page or an endpoint added later gets it without being listed here: every HTML page gets
the strict page policy, everything else the API policy; the widget's public endpoints
(``/widget.js`` and ``/widget/...``, and the help center's JSON it reads, ``/help/search`` and
``/help/articles/...``), which businesses' own pages load and call, are readable from any
origin; the agent API only from the desk's own origin, or the origins ``DESK_CORS_ORIGINS``
names for the stage.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..config import Settings

# What a script on an allowed origin may read of an answer besides the simple headers.
EXPOSED_HEADERS = ("ETag", "Location", "Retry-After")
HSTS = "max-age=63072000; includeSubDomains"  # two years, as hstspreload.org asks
# Nothing an API answer holds should ever run, load anything, or be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def is_widget_path(path: str) -> bool:
    """The endpoints the chat widget uses from a business's page (another origin): its own, and
    the help center's public JSON (suggestions as the visitor types, an article in its reader)."""
    return (path == "/widget.js" or path.startswith("/widget/")
            or path == "/help/search" or path.startswith("/help/articles/"))


def page_policy(settings: Settings) -> str:
    """The Content-Security-Policy of the desk's own HTML pages (the console): its own
    scripts and styles only, never inline; no plugins; never framed. Pictures may come from
    HTTPS (attachments and mail images are pre-signed S3 links, agents' avatars anywhere);
    it talks to its own API and the websocket."""
    extra_images, extra_connect = "", ""
    if settings.aws_endpoint_url:  # the local stack's emulated S3 serves attachments over http
        extra_images = " " + _origin(settings.aws_endpoint_url)
    if settings.websocket_url:
        extra_connect = " " + _origin(settings.websocket_url)
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob: https:{extra_images}; connect-src 'self'{extra_connect}; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


# The web form: a business puts it in an <iframe> on its own site. It holds no session and
# acts for no one (anyone may send it), so being framed lends a clickjacker nothing.
FRAMEABLE_PAGES = frozenset({"/portal/new"})


def is_portal_path(path: str) -> bool:
    return path == "/portal" or path.startswith("/portal/")


def portal_policy(settings: Settings, *, framed: bool) -> str:
    """The customer portal's pages: the console's policy, plus uploads straight to the bucket
    (pre-signed POSTs), and, for the web form only, any site may frame it."""
    bucket = (
        _origin(settings.aws_endpoint_url) if settings.aws_endpoint_url
        else f"https://{settings.bucket_name}.s3.amazonaws.com https://{settings.bucket_name}.s3.{settings.region}.amazonaws.com"
    )
    policy = page_policy(settings).replace("connect-src 'self'", f"connect-src 'self' {bucket}")
    return policy.replace("frame-ancestors 'none'", "frame-ancestors *") if framed else policy


def secure(
    response: Any, *, path: str, origin: str | None, needs_token: bool, sent_token: bool, settings: Settings
) -> None:
    """Set the security, caching and CORS headers of ``response`` (a Chalice ``Response``) to a
    request for ``path`` (a route that ``needs_token`` or not) from ``origin``."""
    headers = response.headers
    content_type = str(headers.get("Content-Type", "application/json")).split(";")[0].strip().lower()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Content-Security-Policy"] = page_policy(settings) if content_type == "text/html" else API_POLICY
    if content_type == "text/html" and path == "/console":  # editors upload articles' pictures to the bucket
        headers["Content-Security-Policy"] = portal_policy(settings, framed=False)
    if content_type == "text/html" and is_portal_path(path):
        headers["Content-Security-Policy"] = portal_policy(settings, framed=path in FRAMEABLE_PAGES)
        if path in FRAMEABLE_PAGES:
            del headers["X-Frame-Options"]  # CSP's frame-ancestors says who may frame it
    if settings.stage != "local":  # every deployed stage is HTTPS only (API Gateway)
        headers["Strict-Transport-Security"] = HSTS
    if needs_token or sent_token:
        headers["Cache-Control"] = "no-store"  # an agent's data never sits in a cache
    else:
        headers.setdefault("Cache-Control", "no-store")  # static files say how long they keep
    if is_widget_path(path) and not needs_token:  # an agent's route there stays the agent API's
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = "Retry-After"
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # a <script src> on any site
        return
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    for name in [h for h in headers if h.lower().startswith("access-control-")]:
        del headers[name]  # Chalice's, from the gateway's one fixed configuration
    if settings.cors_origins:
        headers["Vary"] = "Origin"
        if origin in settings.cors_origins:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)


def gateway_cors(settings: Settings | None = None) -> Any:
    """The CORS configuration of the agent API's routes, which API Gateway (and the local
    server) answer browsers' preflight requests from, before the app sees them. ``app.py``
    sets it when it is loaded; ``chalice package`` loads it with the stage's environment.

    No ``DESK_CORS_ORIGINS``: none, so no preflight succeeds and only pages of the desk's
    own origin can call the API with a token. One origin: that origin. Several: a gateway
    answers a preflight with one fixed value, so it allows any origin there and the
    middleware decides, per answer, whether the caller's origin may read it."""
    from chalice import CORSConfig

    origins = (settings or Settings.from_env()).cors_origins
    if not origins:
        return False
    return CORSConfig(
        allow_origin=origins[0] if len(origins) == 1 else "*",
        allow_headers=["If-Match"],
        expose_headers=list(EXPOSED_HEADERS),
        max_age=600,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
