"""The HTML of inbound mail, made safe to show to agents, with nh3 (the Ammonia sanitiser).

Scripts, styles, event handlers, forms and frames go. Remote images go too: they are how
senders track that a mail was read (and when), so only images carried inside the mail
(``cid:``) stay, to be pointed at their stored copy when the HTML is shown.
"""

from __future__ import annotations

import nh3

_LINK_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.strip().lower().startswith("cid:"):
        return None
    return value


def sanitise_html(html: str) -> str:
    """Safe HTML: allowed tags and attributes only, links opened without a referrer."""
    return nh3.clean(
        html,
        url_schemes=_LINK_SCHEMES,
        attribute_filter=_keep,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
