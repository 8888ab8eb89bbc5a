"""The admins' running of the team: inviting agents, their role, status, teams, capacity and
languages, removing them, and teams as objects.

An agent's account is in the user pool (the directory) and their profile in the table; the
profile is what every request checks (``AgentService.authenticate``), so it is written
first, and the pool follows (its groups, disabled, deleted). What follows a change without
the admin waiting (the invitation's mail, a departed agent's tickets going back to the queue)
runs from the table's stream: ``on_invited`` and ``on_departed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from ..domain.clock import utcnow
from ..domain.errors import ConflictError, NotFoundError, UnprocessableError
from ..domain.events import AgentDeparted, AgentInvited
from ..domain.people import Agent, AgentStatus, Principal, Role, normalise_email
from ..domain.team import (
    Invite,
    Team,
    invite_id,
    invite_mail,
    invite_token,
    invite_valid_until,
    token_invite_id,
    token_matches,
)
from ..domain.tickets import Status, Ticket, TicketChanges, TicketFilter
from .ports import AgentRepository, InviteStore, Page, TeamStore

CLOSED = (Status.SOLVED, Status.CLOSED)  # a departed agent keeps these (history), not the rest


class AccountDirectory(Protocol):
    """The user pool, as far as running the team needs it."""

    def sign_in(self, email: str, password: str) -> dict[str, Any]: ...
    def create_user(self, *, email: str, name: str, password: str, role: Role) -> str: ...
    def set_role(self, email: str, role: Role) -> None: ...
    def disable(self, email: str) -> None: ...
    def enable(self, email: str) -> None: ...
    def delete(self, email: str) -> None: ...


class AssignedTickets(Protocol):
    """The tickets a departed agent leaves (TicketService)."""

    def list(self, query: TicketFilter, *, limit: int, cursor: str | None) -> Page[Ticket]: ...
    def update(self, reference: str, changes: TicketChanges, expected_version: int, by: Principal) -> Ticket: ...


INVALID_INVITE = (
    "This invitation link does not work any more: it was used, sent again, withdrawn or has "
    "expired. Ask the desk's admin for a new one."
)


class TeamService:
    def __init__(
        self,
        *,
        agents: AgentRepository,
        directory: AccountDirectory,
        invites: InviteStore,
        teams: TeamStore,
        tickets: AssignedTickets,
        send_mail: Callable[[str, str, str], object],  # (to, subject, text)
        invite_key: bytes,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.agents = agents
        self.directory = directory
        self.invites = invites
        self.teams = teams
        self.tickets = tickets
        self.send_mail = send_mail
        self.invite_key = invite_key
        self.clock = clock

    # ------------------------------------------------------------------ agents

    def agent(self, agent_id: str, *, removed: bool = False) -> Agent:
        """An agent by id (``removed``: also one who was removed, whose name still reads)."""
        found = self.agents.get(agent_id)
        if found is None or (found.status == AgentStatus.REMOVED and not removed):
            raise NotFoundError(f"No agent {agent_id!r}.", code="agent_not_found")
        return found

    def update(self, agent_id: str, requested: dict[str, Any], by: Principal) -> Agent:
        """Change an agent's ``role``, ``teams``, ``capacity`` (None: no limit) or
        ``languages``. Demoting the last active admin is refused."""
        agent = self.agent(agent_id)
        changes: dict[str, Any] = {}
        if "teams" in requested:
            changes["teams"] = self._known_teams(requested["teams"])
        if "capacity" in requested:
            changes["capacity"] = requested["capacity"]
        if "languages" in requested:
            changes["languages"] = list(dict.fromkeys(requested["languages"]))
        role = Role(requested["role"]) if "role" in requested else agent.role
        keep_admin = None
        if role != agent.role:
            changes["role"] = role.value
            if agent.role == Role.ADMIN and agent.active:
                keep_admin = self._another_admin(agent)
        if not changes:
            return agent
        updated = self.agents.admin_update(agent_id, changes, by=by.agent_id, keep_admin=keep_admin)
        if updated is None:
            raise NotFoundError(f"No agent {agent_id!r}.", code="agent_not_found")
        if role != agent.role:
            self.directory.set_role(agent.email, role)
        return updated

    def deactivate(self, agent_id: str, by: Principal) -> Agent:
        """The agent can no longer sign in, and tokens already issued are refused; their open
        tickets go back to the queue (``on_departed``). Reversible (``reactivate``)."""
        agent = self.agent(agent_id)
        if agent.status == AgentStatus.DEACTIVATED:
            return agent
        updated = self._depart(agent, {"status": AgentStatus.DEACTIVATED.value}, by)
        self.directory.disable(agent.email)
        return updated

    def reactivate(self, agent_id: str, by: Principal) -> Agent:
        agent = self.agent(agent_id)
        if agent.active:
            return agent
        self.directory.enable(agent.email)
        updated = self.agents.admin_update(agent_id, {"status": AgentStatus.ACTIVE.value}, by=by.agent_id)
        assert updated is not None
        return updated

    def remove(self, agent_id: str, by: Principal) -> Agent:
        """Remove an agent for good: the account is deleted; the profile keeps the name (for
        tickets and the audit log) and nothing else the admins set; their open tickets go
        back to the queue (``on_departed``)."""
        agent = self.agent(agent_id)
        updated = self._depart(
            agent,
            {"status": AgentStatus.REMOVED.value, "teams": None, "capacity": None, "languages": None},
            by,
        )
        self.directory.delete(agent.email)
        return updated

    def _depart(self, agent: Agent, changes: dict[str, Any], by: Principal) -> Agent:
        keep_admin = self._another_admin(agent) if agent.role == Role.ADMIN and agent.active else None
        updated = self.agents.admin_update(agent.id, changes, by=by.agent_id, keep_admin=keep_admin)
        if updated is None:
            raise NotFoundError(f"No agent {agent.id!r}.", code="agent_not_found")
        return updated

    def _another_admin(self, agent: Agent) -> str:
        """An active admin other than ``agent``, whose staying one the change is conditioned on."""
        others = [a for a in self.agents.list() if a.id != agent.id and a.role == Role.ADMIN and a.active]
        if not others:
            raise ConflictError(
                "The desk must keep at least one active admin: make another agent an admin first.",
                code="last_admin",
            )
        return sorted(others, key=lambda a: a.created_at)[0].id

    def on_departed(self, event: AgentDeparted) -> None:
        """A deactivated or removed agent's open tickets become unassigned (solved and closed
        ones keep them, as history). Safe to repeat: a ticket no longer theirs is skipped."""
        by = Principal(agent_id=event.by or "desk", email="", role=Role.ADMIN)
        cursor: str | None = None
        while True:
            page = self.tickets.list(TicketFilter(assignee_id=event.agent_id), limit=100, cursor=cursor)
            for ticket in page.items:
                if ticket.status not in CLOSED and ticket.assignee_id == event.agent_id:
                    # Edited meanwhile: the ConflictError fails the reaction, the stream tries again.
                    self.tickets.update(ticket.id, TicketChanges(assignee_id=None), ticket.version, by)
            cursor = page.cursor
            if cursor is None:
                return

    # ------------------------------------------------------------------ invitations

    def invite(self, email: str, role: Role, name: str | None, by: Principal, console_url: str) -> Invite:
        """Invite an address to join as ``role`` (again: renewed, earlier links die). The mail
        goes out from the stream (``on_invited``), retried until it does."""
        address = normalise_email(email)
        if self._agent_by_email(address) is not None:
            raise ConflictError("An agent with this e-mail address already exists.", code="agent_exists")
        now = self.clock()
        invite = Invite(
            invite_id(address), address, role, by.agent_id, now, invite_valid_until(now), 0, console_url,
            (name or "").strip() or None,
        )
        return self.invites.put(invite)

    def list_invites(self) -> list[Invite]:
        return sorted(self.invites.list(), key=lambda i: i.created_at, reverse=True)

    def resend(self, invite_id_: str, by: Principal) -> Invite:
        """Send the invitation again, with a new link valid for another week (the old link dies)."""
        invite = self._invite(invite_id_)
        now = self.clock()
        return self.invites.put(replace(invite, invited_by=by.agent_id, created_at=now,
                                        valid_until=invite_valid_until(now)))

    def revoke(self, invite_id_: str) -> Invite:
        invite = self._invite(invite_id_)
        if not self.invites.delete(invite.id):
            raise NotFoundError("No such invitation.", code="invite_not_found")
        return invite

    def _invite(self, invite_id_: str) -> Invite:
        invite = self.invites.get(invite_id_)
        if invite is None:
            raise NotFoundError("No such invitation.", code="invite_not_found")
        return invite

    def on_invited(self, event: AgentInvited) -> None:
        """Mail the invitation's link (the revision the event saw: a later one mails its own)."""
        invite: Invite = event.invite
        current = self.invites.get(invite.id)
        if current is None or current.rev != invite.rev:
            return  # revoked, used or renewed since: this link would not work anyway
        subject, text = invite_mail(invite, invite_token(self.invite_key, invite.id, invite.rev))
        self.send_mail(invite.email, subject, text)

    def invitation(self, token: str) -> Invite:
        """The invitation a link's token stands for, if it still works. Every other case is
        the same answer, which says nothing about any account."""
        found = token_invite_id(token)
        invite = self.invites.get(found) if found else None
        if invite is None or not token_matches(self.invite_key, token, invite) or invite.expired(self.clock()):
            raise NotFoundError(INVALID_INVITE, code="invite_invalid")
        return invite

    def accept(self, token: str, name: str, password: str) -> tuple[Agent, dict[str, Any]]:
        """The invited person chooses their name and password: their account and profile are
        made, the invitation is used up, and they are signed in (the pool's tokens)."""
        invite = self.invitation(token)
        try:
            agent_id = self.directory.create_user(email=invite.email, name=name, password=password, role=invite.role)
        except ConflictError:
            # Accepted at the same moment in another tab (the pool's address is unique).
            raise NotFoundError(INVALID_INVITE, code="invite_invalid") from None
        agent = Agent(agent_id, invite.email, name.strip(), invite.role, self.clock())
        self.agents.save(agent)
        self.invites.delete(invite.id)
        return agent, self.directory.sign_in(invite.email, password)

    def _agent_by_email(self, address: str) -> Agent | None:
        return next(
            (a for a in self.agents.list() if a.email == address and a.status != AgentStatus.REMOVED), None
        )

    # ------------------------------------------------------------------ teams

    def list_teams(self) -> list[tuple[Team, list[str]]]:
        """Every team, by name, with its members' ids."""
        agents = [a for a in self.agents.list() if a.status != AgentStatus.REMOVED]
        return [
            (team, sorted(a.id for a in agents if team.id in a.teams))
            for team in sorted(self.teams.list(), key=lambda t: t.name.lower())
        ]

    def put_team(self, team_id: str, name: str, members: list[str] | None, by: Principal) -> tuple[Team, bool]:
        """Create or rename a team; with ``members``, exactly those agents are in it.
        Returns the team and whether it was new."""
        existing = self.teams.get(team_id)
        team = Team(team_id, name.strip(), existing.created_at if existing else self.clock())
        if members is not None:
            known = {a.id: a for a in self.agents.list() if a.status != AgentStatus.REMOVED}
            unknown = sorted(set(members) - set(known))
            if unknown:
                raise UnprocessableError("No such agent(s).", code="unknown_agent", details={"agents": unknown})
        self.teams.put(team)
        if members is not None:
            for agent in known.values():
                inside = team_id in agent.teams
                if inside != (agent.id in members):
                    teams = set(agent.teams) ^ {team_id}
                    self.agents.admin_update(agent.id, {"teams": sorted(teams)}, by=by.agent_id)
        return team, existing is None

    def delete_team(self, team_id: str, by: Principal) -> Team:
        """Delete a team; its members leave it. Tickets keep the slug they carry (the desk
        never required a team to exist for a ticket's ``team``)."""
        team = self.teams.get(team_id)
        if team is None:
            raise NotFoundError(f"No team {team_id!r}.", code="team_not_found")
        for agent in self.agents.list():
            if team_id in agent.teams:
                self.agents.admin_update(agent.id, {"teams": sorted(set(agent.teams) - {team_id})}, by=by.agent_id)
        self.teams.delete(team_id)
        return team

    def _known_teams(self, slugs: list[str]) -> list[str]:
        wanted = sorted(set(slugs))
        known = {t.id for t in self.teams.list()}
        unknown = [s for s in wanted if s not in known]
        if unknown:
            raise UnprocessableError("No such team(s): create them first.", code="unknown_team",
                                     details={"teams": unknown})
        return wanted
