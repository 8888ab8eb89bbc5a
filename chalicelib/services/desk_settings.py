"""Settings an admin sets in the console and the desk reads as it works: how agents' mail is
signed (display name, signature) with the DNS records SES still needs for the support
address, and how long closed tickets and chats are kept.

Each is one item in the table; a function instance caches what it read for ``CACHE_SECONDS``,
so the reactions that mail a reply or expire a ticket read the table once in a while, not per
event.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ..domain.errors import UnprocessableError
from ..domain.sending import SIGNATURE_PLACEHOLDERS, UNCHECKED, MailIdentity, domain_verified, sending_records
from ..observability import logger
from .ports import SendingIdentityStatus, SettingStore

CACHE_SECONDS = 30  # other function instances see an edit within this long
MAIL, RETENTION = "mail", "retention"
_PLACEHOLDER = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")


class DeskSettings:
    def __init__(
        self, store: SettingStore, ses: SendingIdentityStatus, *, support_address: str, region: str,
        default_retention_days: int,
    ) -> None:
        self.store = store
        self.ses = ses
        self.support_address = support_address.lower()
        self.region = region
        self.default_retention_days = default_retention_days
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    def _read(self, name: str, *, fresh: bool = False) -> dict[str, Any]:
        cached = self._cache.get(name)
        if not fresh and cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        data = self.store.setting(name) or {}
        self._cache[name] = (time.monotonic(), data)
        return data

    def _write(self, name: str, data: dict[str, Any]) -> None:
        self.store.put_setting(name, data)
        self._cache[name] = (time.monotonic(), data)

    # ------------------------------------------------------------------ mail

    def mail(self) -> dict[str, Any]:
        """The support address (set at deploy) and the display name and signature."""
        data = self._read(MAIL, fresh=True)
        return {"support_address": self.support_address, "display_name": data.get("display_name"),
                "signature": data.get("signature")}

    def put_mail(self, data: dict[str, Any]) -> dict[str, Any]:
        """Set the display name and signature (None or blank: none). A placeholder other than
        ``{{agent.name}}`` is refused, so that a typo never reaches a customer verbatim."""
        signature = (data.get("signature") or "").strip() or None
        unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(signature or "")} - set(SIGNATURE_PLACEHOLDERS))
        if unknown:
            raise UnprocessableError(
                "The signature may only use {{agent.name}}.", code="unknown_placeholder",
                details={"unknown": unknown, "allowed": list(SIGNATURE_PLACEHOLDERS)},
            )
        stored = {"display_name": (data.get("display_name") or "").strip() or None, "signature": signature}
        self._write(MAIL, stored)
        return self.mail()

    def identity(self) -> MailIdentity:
        """How agents' mail is signed now (cached briefly)."""
        return MailIdentity.from_stored(self._read(MAIL))

    def dns(self) -> dict[str, Any]:
        """The DNS records SES needs to send from the support address's domain, each present
        or missing as SES reports it."""
        domain = self.support_address.rpartition("@")[2]
        try:
            identity = self.ses.identity(domain)
        except Exception as error:  # no permission, SES down: say so instead of guessing
            logger.warning("SES identity status unavailable", error=str(error)[:200])
            records = [
                {**r.as_dict(), "status": UNCHECKED} for r in sending_records(domain, self.region, {})
            ]
            return {"domain": domain, "records": records, "checked": False, "verified": None,
                    "error": "SES could not be asked about this domain."}
        records = [r.as_dict() for r in sending_records(domain, self.region, identity)]
        return {"domain": domain, "records": records, "checked": True, "verified": domain_verified(identity),
                "error": None}

    # ------------------------------------------------------------------ retention

    def retention(self) -> dict[str, Any]:
        """Days closed tickets (mail, API, web form...) and closed chats are kept; None: the
        deploy's default (``default_days``; 0 keeps them)."""
        data = self._read(RETENTION, fresh=True)
        return {"tickets_days": data.get("tickets_days"), "chats_days": data.get("chats_days"),
                "default_days": self.default_retention_days}

    def put_retention(self, data: dict[str, Any]) -> dict[str, Any]:
        self._write(RETENTION, {"tickets_days": data.get("tickets_days"), "chats_days": data.get("chats_days")})
        return self.retention()

    def retention_days(self, channel: str | None) -> int:
        """How many days a ticket of this channel is kept after closing (0: kept)."""
        data = self._read(RETENTION)
        days = data.get("chats_days" if channel == "chat" else "tickets_days")
        return self.default_retention_days if days is None else int(days)

