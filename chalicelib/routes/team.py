"""Invitations to join the team, and teams (admins); accepting an invitation (public)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.clock import to_iso
from ..domain.people import Role
from ..domain.team import INVITE_ID, TEAM_SLUG, Invite, Team
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, PUBLIC, Call, audit, base_url_of, operation, path_id

bp = Blueprint(__name__)


def _invite(invite: Invite) -> dict[str, Any]:
    return {
        "id": invite.id, "email": invite.email, "role": invite.role.value, "name": invite.name,
        "invited_by": invite.invited_by, "created_at": to_iso(invite.created_at),
        "valid_until": to_iso(invite.valid_until), "expired": invite.expired(container().team.clock()),
    }


def _invite_id(value: str) -> str:
    return path_id(value, INVITE_ID, "No invitation {value}.", "invite_not_found")


def _console_url(call: Call) -> str:
    return console_url(container().settings.console_url, call.request.context or {}, call.request.headers)


def console_url(configured: str | None, context: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    """Where an invitation's link leads: the configured console (``DESK_PUBLIC_URL`` + ``/console``), else
    the console at the address this admin's request reached, so that no setting is needed.

    API Gateway's ``requestContext.path`` is the path as the caller sent it: with the stage on
    the API's own ``execute-api`` address (``/api/invites``), with the base path mapping but no
    stage on a custom domain (``/invites``, ``/support/invites``). The route
    (``resourcePath``, e.g. ``/invites/{invite_id}/resend``) is its tail, segment for segment:
    what is in front of it is where the desk is mounted."""
    if configured:
        return configured
    found = base_url_of(dict(context))  # the same reading as every other link's (entrypoints/http.py)
    if found:
        return f"{found}/console"
    host = headers.get("host") or "localhost"  # not API Gateway: a caller that names no domain
    loopback = re.match(r"^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$", host) is not None
    scheme = headers.get("x-forwarded-proto") or ("http" if loopback else "https")
    return f"{scheme}://{host}/console"


@operation(bp, "GET", "/invites", summary="Open invitations, newest first (admins)", auth=ADMIN,
           response="InviteList")
def list_invites(call: Call) -> Any:
    return {"items": [_invite(i) for i in container().team.list_invites()]}


@operation(
    bp, "POST", "/invites", summary="Invite someone by e-mail to join as an agent or admin (admins)",
    auth=ADMIN, body="InviteCreate", response="Invite", status=201, errors=(409,),
)
def create_invite(call: Call) -> Any:
    assert call.principal is not None
    body = call.body
    invite = container().team.invite(
        body["email"], Role(body.get("role", "agent")), body.get("name"), call.principal, _console_url(call)
    )
    audit(call, "invite.sent", "invite", invite.id, role=invite.role.value)
    return _invite(invite)


@operation(
    bp, "POST", "/invites/{invite_id}/resend",
    summary="Send an invitation again, with a new link valid for 7 days (the old link stops working)",
    auth=ADMIN, response="Invite", errors=(404,),
)
def resend_invite(call: Call, invite_id: str) -> Any:
    assert call.principal is not None
    invite = container().team.resend(_invite_id(invite_id), call.principal)
    audit(call, "invite.resent", "invite", invite.id)
    return _invite(invite)


@operation(bp, "DELETE", "/invites/{invite_id}", summary="Withdraw an invitation (admins)", auth=ADMIN,
           status=204, errors=(404,))
def revoke_invite(call: Call, invite_id: str) -> Any:
    invite = container().team.revoke(_invite_id(invite_id))
    audit(call, "invite.revoked", "invite", invite.id)
    return Response(body="", status_code=204)


@operation(
    bp, "POST", "/invites/lookup", summary="What an invitation link is for (the acceptance page)",
    auth=PUBLIC, body="InviteLookup", response="InvitePreview", errors=(404,), rate_limit="invites",
)
def lookup_invite(call: Call) -> Any:
    invite = container().team.invitation(call.body["token"])
    return {"email": invite.email, "role": invite.role.value, "valid_until": to_iso(invite.valid_until)}


@operation(
    bp, "POST", "/invites/accept",
    summary="Accept an invitation: choose a name and password, and be signed in (the link works once)",
    auth=PUBLIC, body="InviteAccept", response="InviteAccepted", status=201, errors=(404, 422),
    rate_limit="invites",
)
def accept_invite(call: Call) -> Any:
    body = call.body
    agent, result = container().team.accept(body["token"], body["name"], body["password"])
    container().audit.record(agent.id, "agent.joined", "agent", agent.id, role=agent.role.value)
    tokens = {
        "token": result["IdToken"], "access_token": result["AccessToken"],
        "expires_in": result["ExpiresIn"], "token_type": "Bearer",
    }
    if result.get("RefreshToken"):
        tokens["refresh_token"] = result["RefreshToken"]
    return {"agent": rep.agent(agent), **tokens}


# ---------------------------------------------------------------- teams


def _team(team: Team, members: list[str]) -> dict[str, Any]:
    return {"id": team.id, "name": team.name, "members": members, "created_at": to_iso(team.created_at)}


def _team_id(value: str) -> str:
    return path_id(value, TEAM_SLUG, "No team {value}.", "team_not_found")


@operation(bp, "GET", "/teams", summary="The teams, by name, with their members' ids", auth=AGENT,
           response="TeamList")
def list_teams(call: Call) -> Any:
    return {"items": [_team(t, members) for t, members in container().team.list_teams()]}


@operation(
    bp, "PUT", "/teams/{team_id}", summary="Create or rename a team, optionally setting its members (admins)",
    auth=ADMIN, body="TeamPut", response="Team", errors=(404, 422),
)
def put_team(call: Call, team_id: str) -> Any:
    assert call.principal is not None
    body = call.body
    team, created = container().team.put_team(_team_id(team_id), body["name"], body.get("members"), call.principal)
    audit(call, "team.created" if created else "team.changed", "team", team.id,
          **({"members": len(body["members"])} if "members" in body else {}))
    members = next((m for t, m in container().team.list_teams() if t.id == team.id), [])
    return _team(team, members)


@operation(bp, "DELETE", "/teams/{team_id}", summary="Delete a team; its members leave it (admins)",
           auth=ADMIN, status=204, errors=(404,))
def delete_team(call: Call, team_id: str) -> Any:
    assert call.principal is not None
    team = container().team.delete_team(_team_id(team_id), call.principal)
    audit(call, "team.deleted", "team", team.id)
    return Response(body="", status_code=204)
