"""The customer portal's sign-in links in the table (see ``models.py`` for the keys): stored
by their token's digest, used once by one conditional write, found for an address's erasure
by a link item in its ``EMAIL#`` partition. A link someone asked for carries what its mail
needs except the token (a nonce the token derives from with the desk's key): the stream
derives ``portal.link_requested`` from it."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from ...domain.events import PortalLinkRequested
from ...domain.portal import LinkState
from . import models as m
from .repositories import _conditional_failure

LINK_PREFIX = "PORTALLINK#"
LINK_SK = "#PORTALLINK"
EXPIRY_MARGIN_SECONDS = 24 * 3600


def link_key(digest: str) -> tuple[str, str]:
    return f"{LINK_PREFIX}{digest}", LINK_SK


def address_link_key(email: str, digest: str) -> tuple[str, str]:
    """The item that leads an address's erasure to its links (``EMAIL#address``)."""
    return f"EMAIL#{email}", f"{LINK_PREFIX}{digest}"


class DynamoPortalLinks:
    def add(
        self, digest: str, email: str, valid_until: int, *, nonce: str | None = None, language: str | None = None,
        base_url: str | None = None,
    ) -> bool:
        """Store a link unless one with this digest exists (False: a retry's, kept as it is).
        With a ``nonce``, its mail is to go out (``portal.link_requested``). The address's
        link item is written first: a failure in between leaves a link to nothing."""
        expires_at = valid_until + EXPIRY_MARGIN_SECONDS
        pointer = m.LinkItem(*address_link_key(email, digest))
        pointer.expires_at = expires_at
        pointer.save()
        item = m.PortalLinkItem(*link_key(digest))
        item.email, item.valid_until, item.expires_at = email, valid_until, expires_at
        item.nonce, item.language, item.base_url = nonce, language, base_url
        try:
            item.save(condition=m.PortalLinkItem.pk.does_not_exist())
        except PutError as error:
            if _conditional_failure(error):
                return False
            raise
        return True

    def use(self, digest: str, now: int) -> tuple[str, str | None]:
        """Use a link once: (``LinkState.VALID``, its address), or the reason it is refused."""
        L = m.PortalLinkItem
        item = L(*link_key(digest))
        try:
            item.update(
                actions=[L.used_at.set(now)],
                condition=L.pk.exists() & L.used_at.does_not_exist() & (L.valid_until > now),
            )
        except UpdateError as error:
            if not _conditional_failure(error):
                raise
            try:
                found = L.get(*link_key(digest), consistent_read=True)
            except L.DoesNotExist:
                return LinkState.UNKNOWN, None
            return (LinkState.USED if found.used_at is not None else LinkState.EXPIRED), None
        return LinkState.VALID, item.email

    def requested(self, digest: str) -> PortalLinkRequested | None:
        """A requested link as it is now (a parked mail's replay), None if gone or not asked for."""
        try:
            item = m.PortalLinkItem.get(*link_key(digest), consistent_read=True)
        except m.PortalLinkItem.DoesNotExist:
            return None
        return _requested(item, None)

    def of_address(self, email: str) -> list[dict[str, Any]]:
        """The links mailed to an address, by their link items (a Query of ``EMAIL#address``;
        no token, only when each was good until and when it was used)."""
        found: list[dict[str, Any]] = []
        for pointer in m.LinkItem.query(f"EMAIL#{email}", m.LinkItem.sk.startswith(LINK_PREFIX)):
            digest = pointer.sk.removeprefix(LINK_PREFIX)
            try:
                item = m.PortalLinkItem.get(*link_key(digest))
            except m.PortalLinkItem.DoesNotExist:
                found.append({"digest": digest, "valid_until": None, "used_at": None})
                continue
            found.append({"digest": digest, "valid_until": int(item.valid_until),
                          "used_at": int(item.used_at) if item.used_at is not None else None})
        return found

    def delete_of_address(self, email: str) -> int:
        """Delete an address's links and their link items (erasure); how many links."""
        count = 0
        for pointer in m.LinkItem.query(f"EMAIL#{email}", m.LinkItem.sk.startswith(LINK_PREFIX)):
            digest = pointer.sk.removeprefix(LINK_PREFIX)
            m.PortalLinkItem(*link_key(digest)).delete()
            pointer.delete()
            count += 1
        return count


def link_events(kind: Any, event_id: str, new: Any) -> list[Any]:
    """A link written with a nonce (one someone asked for) is ``portal.link_requested``;
    the web form's acknowledgement stores its link from a reaction, with no nonce."""
    if kind != "INSERT" or not new or "nonce" not in new:
        return []
    return [_requested(m.PortalLinkItem.from_raw_data(new), event_id)]


def _requested(item: m.PortalLinkItem, event_id: str | None) -> PortalLinkRequested | None:
    if not item.nonce:
        return None
    return PortalLinkRequested(
        item.pk.removeprefix(LINK_PREFIX), item.email, item.nonce, int(item.valid_until), item.language,
        item.base_url, used=item.used_at is not None, event_id=event_id,
    )
