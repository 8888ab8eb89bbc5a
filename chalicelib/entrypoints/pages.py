"""Small HTML pages the desk answers a person with (a link opened from a mail), built here at
the edge: everything shown is escaped, and nothing is inline (the pages' CSP allows neither
inline scripts nor styles)."""

from __future__ import annotations

from html import escape

from chalice import Response


def confirmation_page(status: int, title: str, text: str, form: dict[str, str] | None = None) -> Response:
    """A page with a heading and a sentence; with ``form``, a button that sends its fields back
    to the same address (a GET form: opening the link alone, as mail scanners do, changes nothing)."""
    button = ""
    if form is not None:
        fields = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in form.items())
        button = f'<form method="get" action="">{fields}<button type="submit">{escape(title)}</button></form>'
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p>{button}</main></body></html>"
    )
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8"})
