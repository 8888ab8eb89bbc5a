"""Signing in, and the team's agents."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain.people import Role
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, PUBLIC, Call, audit, operation, path_id

bp = Blueprint(__name__)


@operation(
    bp, "POST", "/auth/login", summary="Sign an agent in", auth=PUBLIC,
    body="LoginRequest", response="Tokens", errors=(401,), rate_limit="login",
)
def login(call: Call) -> Any:
    # Per IP (the route's limit), and failures per address or per known device: guessing one
    # agent's password from many IPs is slow too, and cannot lock the agent out.
    body = call.body
    tokens, device = container().sign_in_guard.sign_in(
        body["email"], body.get("device"), lambda: container().agents.sign_in(body["email"], body["password"])
    )
    return {**tokens, "device": device}


@operation(
    bp, "POST", "/auth/refresh", summary="New tokens for a refresh token", auth=PUBLIC,
    body="RefreshRequest", response="Tokens", errors=(401,), rate_limit="refresh",
)
def refresh(call: Call) -> Any:
    return container().agents.refresh(call.body["refresh_token"])


@operation(bp, "GET", "/agents/me", summary="The signed-in agent", auth=AGENT, response="Agent")
def me(call: Call) -> Any:
    assert call.principal is not None
    return rep.agent(container().agents.get(call.principal.agent_id))


@operation(
    bp, "PATCH", "/agents/me",
    summary="Edit the signed-in agent's profile (what visitors see of them, and the console's language)",
    auth=AGENT, body="AgentProfileUpdate", response="Agent", errors=(404, 422),
)
def update_me(call: Call) -> Any:
    assert call.principal is not None
    return rep.agent(container().agents.update_profile(call.principal.agent_id, call.body))


@operation(bp, "GET", "/agents", summary="The team's agents", auth=AGENT, response="AgentList")
def list_agents(call: Call) -> Any:
    return {"items": [rep.agent(a) for a in container().agents.list()]}


@operation(
    bp, "POST", "/agents", summary="Add an agent (admins)", auth=ADMIN, body="AgentCreate",
    response="Agent", status=201, errors=(409, 422),
)
def create_agent(call: Call) -> Any:
    body = call.body
    agent = container().agents.create(
        email=body["email"], name=body["name"], password=body["password"],
        role=Role(body.get("role", "agent")), by=call.principal,
    )
    audit(call, "agent.created", "agent", agent.id, role=agent.role.value)
    return rep.agent(agent)


# ---------------------------------------------------------------- admins running the team

AGENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _agent_id(value: str) -> str:
    return path_id(value, AGENT_ID, "No agent {value}.", "agent_not_found")


@operation(
    bp, "GET", "/agents/{agent_id}", summary="One agent (also a removed one, whose name tickets still show)",
    auth=AGENT, response="Agent", errors=(404,),
)
def get_agent(call: Call, agent_id: str) -> Any:
    return rep.agent(container().team.agent(_agent_id(agent_id), removed=True))


@operation(
    bp, "PATCH", "/agents/{agent_id}", summary="Change an agent's role, teams, capacity or languages (admins)",
    auth=ADMIN, body="AgentUpdate", response="Agent", errors=(404, 409, 422),
)
def update_agent(call: Call, agent_id: str) -> Any:
    assert call.principal is not None
    before = container().team.agent(_agent_id(agent_id))
    after = container().team.update(before.id, call.body, call.principal)
    changes = {k: [_plain(getattr(before, k)), _plain(getattr(after, k))]
               for k in ("role", "teams", "capacity", "languages") if getattr(before, k) != getattr(after, k)}
    if changes:
        audit(call, "agent.changed", "agent", after.id, changes=changes)
    return rep.agent(after)


@operation(
    bp, "POST", "/agents/{agent_id}/deactivate",
    summary="Deactivate an agent (admins): no sign-in, tokens refused, open tickets unassigned",
    auth=ADMIN, response="Agent", errors=(404, 409),
)
def deactivate_agent(call: Call, agent_id: str) -> Any:
    assert call.principal is not None
    agent = container().team.deactivate(_agent_id(agent_id), call.principal)
    audit(call, "agent.deactivated", "agent", agent.id)
    return rep.agent(agent)


@operation(
    bp, "POST", "/agents/{agent_id}/reactivate", summary="Let a deactivated agent sign in again (admins)",
    auth=ADMIN, response="Agent", errors=(404,),
)
def reactivate_agent(call: Call, agent_id: str) -> Any:
    assert call.principal is not None
    agent = container().team.reactivate(_agent_id(agent_id), call.principal)
    audit(call, "agent.reactivated", "agent", agent.id)
    return rep.agent(agent)


@operation(
    bp, "DELETE", "/agents/{agent_id}",
    summary="Remove an agent (admins): the account is deleted, open tickets unassigned, the name kept",
    auth=ADMIN, status=204, errors=(404, 409),
)
def remove_agent(call: Call, agent_id: str) -> Any:
    assert call.principal is not None
    agent = container().team.remove(_agent_id(agent_id), call.principal)
    audit(call, "agent.removed", "agent", agent.id)
    return Response(body="", status_code=204)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else getattr(value, "value", value)
