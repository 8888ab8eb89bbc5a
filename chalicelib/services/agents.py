"""Agents: signing in, who is calling, and the admin's management of the team."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from ..domain.clock import utcnow
from ..domain.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from ..domain.events import AgentProfileChanged
from ..domain.people import Agent, AgentStatus, Principal, Role, normalise_email, profile_changes
from .events import EventBus
from .ports import AgentRepository


class Directory(Protocol):
    def sign_in(self, email: str, password: str) -> dict[str, Any]: ...
    def refresh(self, refresh_token: str) -> dict[str, Any]: ...
    def create_user(self, *, email: str, name: str, password: str, role: Role) -> str: ...


class TokenVerifier(Protocol):
    def verify(self, token: str) -> dict[str, Any]: ...


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """The agent a verified token speaks for; its role is its user-pool group."""
    groups = claims.get("cognito:groups") or []
    if Role.ADMIN.value in groups:
        role = Role.ADMIN
    elif Role.AGENT.value in groups:
        role = Role.AGENT
    else:
        raise PermissionDeniedError("This account is not an agent of the desk.", code="not_an_agent")
    return Principal(agent_id=claims["sub"], email=claims.get("email", ""), role=role)


class AgentService:
    def __init__(
        self,
        agents: AgentRepository,
        directory: Directory,
        verifier: TokenVerifier,
        clock: Callable[[], datetime] = utcnow,
        events: EventBus | None = None,
    ) -> None:
        self.agents = agents
        self.directory = directory
        self.verifier = verifier
        self.clock = clock
        self.events = events or EventBus()

    def authenticate(self, authorization: str | None) -> Principal:
        """The one check every agent route and websocket connect goes through."""
        if not authorization:
            raise AuthenticationError(
                "Sign in first: send 'Authorization: Bearer <token>'.", code="missing_token"
            )
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(
                "The Authorization header must be 'Bearer <token>'.", code="invalid_token"
            )
        principal = principal_from_claims(self.verifier.verify(token.strip()))
        # The profile decides, not the token (valid for an hour): a deactivated or removed
        # agent is refused at once, and a changed role holds at once. One GetItem.
        profile = self.agents.get(principal.agent_id)
        if profile is None:
            return principal  # an account made outside the desk: its pool group is its role
        if not profile.active:
            raise AuthenticationError("This account is not active any more.", code="account_disabled")
        return Principal(principal.agent_id, principal.email, profile.role)

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        result = self.directory.sign_in(normalise_email(email), password)
        return _tokens(result)

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        return _tokens(self.directory.refresh(refresh_token))

    def create(self, *, email: str, name: str, password: str, role: Role, by: Principal | None) -> Agent:
        """Add an agent to the team (admins only; ``by=None`` is the local stack's seeding)."""
        if by is not None and not by.is_admin:
            raise PermissionDeniedError("Only an admin can add agents.", code="admin_required")
        address = normalise_email(email)
        agent_id = self.directory.create_user(email=address, name=name, password=password, role=role)
        agent = Agent(agent_id, address, name.strip(), role, self.clock())
        self.agents.save(agent)
        return agent

    def get(self, agent_id: str) -> Agent:
        agent = self.agents.get(agent_id)
        if agent is None:
            raise NotFoundError(f"No agent {agent_id!r}.", code="agent_not_found")
        return agent

    def find(self, agent_id: str) -> Agent | None:
        """The agent, or None when there is no such profile."""
        return self.agents.get(agent_id)

    def list(self) -> list[Agent]:
        """The team: active and deactivated agents (removed ones are kept only for their name)."""
        return sorted((a for a in self.agents.list() if a.status != AgentStatus.REMOVED), key=lambda a: a.name.lower())

    def update_profile(self, agent_id: str, requested: dict[str, str | None]) -> Agent:
        """An agent edits what visitors see of them: name, title, photo, time zone, and the
        console's language for them (``None`` clears a field). The profile's readers hear of it (their caches)."""
        changes = profile_changes(requested)
        agent = self.agents.update_profile(agent_id, changes) if changes else self.agents.get(agent_id)
        if agent is None:
            raise NotFoundError(f"No agent {agent_id!r}.", code="agent_not_found")
        self.events.publish(AgentProfileChanged(agent))
        return agent


def _tokens(result: dict[str, Any]) -> dict[str, Any]:
    tokens = {
        "token": result["IdToken"],
        "access_token": result["AccessToken"],
        "expires_in": result["ExpiresIn"],
        "token_type": "Bearer",
    }
    if result.get("RefreshToken"):
        tokens["refresh_token"] = result["RefreshToken"]
    return tokens
