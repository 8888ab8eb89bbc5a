"""Signing in, and the team's agents."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..domain.people import Role
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, PUBLIC, Call, audit, operation

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
    bp, "PATCH", "/agents/me", summary="Edit the signed-in agent's profile (what visitors see of them)",
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
