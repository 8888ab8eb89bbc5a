"""How the desk's mail goes out under the business's name: the display name and signature an
admin sets, and the DNS records SES needs before it may send from the support address's
domain (each marked present or missing from what SES reports of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .canned import render

SIGNATURE_PLACEHOLDERS = ("agent.name",)
PRESENT, MISSING, UNCHECKED = "present", "missing", "unchecked"
DMARC_VALUE = "v=DMARC1; p=none;"
SPF_VALUE = "v=spf1 include:amazonses.com ~all"


@dataclass(frozen=True)
class MailIdentity:
    """How agents' mail is signed: the business's name shown beside the agent's in From, and
    a plain-text signature with ``{{agent.name}}`` filled in. None: not set."""

    display_name: str | None = None
    signature: str | None = None

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> MailIdentity:
        data = data or {}
        return cls(data.get("display_name") or None, data.get("signature") or None)

    def sender_name(self, agent_name: str | None) -> str:
        """The From name: 'Alex (Lamp Shop)' for an agent's reply, 'Lamp Shop' for the desk's
        own mail; 'Support' when nothing is set."""
        if agent_name and self.display_name:
            return f"{agent_name} ({self.display_name})"
        return agent_name or self.display_name or "Support"

    def signed(self, text: str, agent_name: str | None) -> str:
        """An agent's reply with the signature after it, separated by the usual '-- ' line."""
        if not self.signature:
            return text
        signature = render(self.signature, {"agent.name": agent_name or self.display_name or "Support"})
        return f"{text.rstrip()}\n\n-- \n{signature.strip()}\n"


@dataclass(frozen=True)
class DnsRecord:
    type: str
    name: str
    value: str
    purpose: str
    status: str  # PRESENT, MISSING, or UNCHECKED (SES does not check it)

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "name": self.name, "value": self.value, "purpose": self.purpose,
                "status": self.status}


def domain_verified(identity: Mapping[str, Any]) -> bool:
    """Has SES verified the domain (SES v2 ``VerificationStatus``; it does so once it finds
    the DKIM records, or the legacy ``_amazonses`` TXT record the deploy also printed)."""
    return identity.get("VerificationStatus") == "SUCCESS"


def sending_records(domain: str, region: str, identity: Mapping[str, Any]) -> list[DnsRecord]:
    """The records SES needs for ``domain``, from SES's own answer for the identity (SES v2
    ``GetEmailIdentity``; an empty mapping: SES does not know the domain). SES says whether it
    has seen each; DMARC it does not check, so that one is UNCHECKED."""

    def status(value: Any) -> str:
        return PRESENT if value == "SUCCESS" else MISSING

    dkim = identity.get("DkimAttributes") or {}
    tokens = list(dkim.get("Tokens") or [])
    purpose = "DKIM: proves to SES that the domain is yours, and SES signs the desk's mail"
    records = [
        DnsRecord("CNAME", f"{t}._domainkey.{domain}", f"{t}.dkim.amazonses.com", purpose, status(dkim.get("Status")))
        for t in tokens
    ]
    if not tokens:
        records.append(DnsRecord("CNAME", f"(3 records)._domainkey.{domain}", "(given by SES once Easy DKIM is on)",
                                 purpose, MISSING))
    mail_from = identity.get("MailFromAttributes") or {}
    custom = mail_from.get("MailFromDomain")
    mail_domain = custom or f"mail.{domain}"
    mail_status = status(mail_from.get("MailFromDomainStatus")) if custom else MISSING
    records += [
        DnsRecord("MX", mail_domain, f"10 feedback-smtp.{region}.amazonses.com",
                  "MAIL FROM: bounces come back to SES from your own domain", mail_status),
        DnsRecord("TXT", mail_domain, f'"{SPF_VALUE}"', "SPF: SES may send for the MAIL FROM domain", mail_status),
        DnsRecord("TXT", f"_dmarc.{domain}", f'"{DMARC_VALUE}"',
                  "DMARC: receivers trust mail that passes DKIM or SPF (SES does not check this one)", UNCHECKED),
    ]
    return records
