"""The team an admin runs: invitations to join it, and teams (groups of agents) as objects.

An invitation is named by its address (one open invitation per address: inviting again
renews it). Its link carries the invitation's id and a signature of its id and revision, so
nothing secret is stored: renewing it (a new revision) or revoking it (no item) makes every
earlier link worthless, and accepting it removes it (single use).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .people import Role

INVITE_DAYS = 7  # how long an invitation's link works
TEAM_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")  # as tickets' ``team`` always was
INVITE_ID = re.compile(r"^inv_[0-9a-f]{20}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
MAX_CAPACITY = 50


@dataclass(frozen=True)
class Invite:
    id: str
    email: str
    role: Role
    invited_by: str  # the admin's agent id
    created_at: datetime
    valid_until: datetime
    rev: int  # renewed (sent again) this many times, plus one
    console_url: str  # where the link leads: the console that sent it
    name: str | None = None  # what the admin called them; the invitee chooses their own

    def expired(self, now: datetime) -> bool:
        return now >= self.valid_until


@dataclass(frozen=True)
class Team:
    id: str  # the slug tickets carry in ``team``
    name: str
    created_at: datetime


def invite_id(email: str) -> str:
    """An address's invitation id (the address itself stays out of URLs and logs)."""
    return "inv_" + hashlib.sha256(email.encode()).hexdigest()[:20]


def invite_valid_until(now: datetime) -> datetime:
    return now + timedelta(days=INVITE_DAYS)


def invite_token(key: bytes, invite: str, rev: int) -> str:
    """The secret part of an invitation's link: ``<id>.<signature of id and revision>``."""
    mac = hmac.new(key, f"invite:{invite}:{rev}".encode(), hashlib.sha256).digest()
    return f"{invite}.{base64.urlsafe_b64encode(mac[:24]).decode().rstrip('=')}"


def token_invite_id(token: str) -> str | None:
    """The invitation a token names, if it could be one (checked against it later)."""
    invite, _, signature = token.partition(".")
    return invite if INVITE_ID.fullmatch(invite) and signature else None


def token_matches(key: bytes, token: str, invite: Invite) -> bool:
    return hmac.compare_digest(invite_token(key, invite.id, invite.rev), token)


def invite_link(invite: Invite, token: str) -> str:
    return f"{invite.console_url}#invite/{token}"


def invite_mail(invite: Invite, token: str) -> tuple[str, str]:
    """The invitation mail, a fixed text: (subject, text)."""
    subject = "You are invited to the support desk"
    text = (
        "Hello,\n\nYou are invited to answer customers on the support desk as "
        f"{'an admin' if invite.role == Role.ADMIN else 'an agent'}.\n\n"
        f"Open this link to choose your name and password and sign in:\n\n{invite_link(invite, token)}\n\n"
        f"The link works once, until {invite.valid_until:%Y-%m-%d %H:%M} UTC. If you did not expect "
        "this invitation, ignore this mail.\n"
    )
    return subject, text
