"""Admins running the team over the fakes: invitations (single use, expiring, renewed, withdrawn),
roles and the last admin, deactivation and removal (tickets back to the queue), teams."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import AuthenticationError, ConflictError, NotFoundError, UnprocessableError
from chalicelib.domain.events import AgentDeparted, AgentInvited
from chalicelib.domain.people import Principal, Role
from chalicelib.domain.team import invite_token
from chalicelib.domain.tickets import Status, TicketChanges
from chalicelib.services.agents import AgentService
from chalicelib.services.team import TeamService
from chalicelib.services.tickets import OpenTicket
from tests.unit.fakes import Desk, FakeDirectory, FakeInvites, FakeTeams, agent

KEY = b"k" * 32
CONSOLE = "https://desk.example/console"


class Team:
    def __init__(self) -> None:
        self.boss = agent("agt_boss", "Bo Boss", Role.ADMIN)
        self.desk = Desk(agents=[self.boss])
        self.directory = FakeDirectory()
        self.directory.accounts[self.boss.email] = {"sub": self.boss.id, "password": "x", "group": Role.ADMIN,
                                                    "enabled": True, "name": "Bo"}
        self.invites = FakeInvites()
        self.mail: list[tuple[str, str, str]] = []
        self.service = TeamService(
            agents=self.desk.agent_store, directory=self.directory, invites=self.invites, teams=FakeTeams(),
            tickets=self.desk.tickets, send_mail=lambda to, subject, text: self.mail.append((to, subject, text)),
            invite_key=KEY, clock=self.desk.clock,
        )
        self.by = Principal(self.boss.id, self.boss.email, Role.ADMIN)

    def join(self, email: str, role: Role = Role.AGENT) -> str:
        invite = self.service.invite(email, role, None, self.by, CONSOLE)
        agent_, _ = self.service.accept(invite_token(KEY, invite.id, invite.rev), "New Person", "Passw0rd-long")
        return agent_.id

    def link(self) -> str:
        """The link in the last invitation mail."""
        text = self.mail[-1][2]
        return next(line for line in text.splitlines() if line.startswith(CONSOLE))


@pytest.fixture
def team() -> Team:
    return Team()


def test_an_invitation_mails_a_link_that_signs_the_new_agent_up_once(team):
    invite = team.service.invite("Nia@Example.org", Role.AGENT, "Nia", team.by, CONSOLE)
    team.service.on_invited(AgentInvited(invite))
    assert team.mail[0][0] == "nia@example.org"
    token = team.link().split("#invite/")[1]
    assert team.service.invitation(token).email == "nia@example.org"

    joined, tokens = team.service.accept(token, "Nia Newton", "Passw0rd-long")
    assert (joined.name, joined.role, tokens["IdToken"]) == ("Nia Newton", Role.AGENT, f"id-{joined.id}")
    assert [a.name for a in team.desk.agent_store.list()] == ["Bo Boss", "Nia Newton"]
    with pytest.raises(NotFoundError) as used:
        team.service.accept(token, "Someone Else", "Passw0rd-long")
    assert used.value.code == "invite_invalid"


def test_a_renewed_invitation_kills_the_old_link_and_an_expired_or_withdrawn_one_fails_alike(team):
    first = team.service.invite("kim@example.org", Role.AGENT, None, team.by, CONSOLE)
    old = invite_token(KEY, first.id, first.rev)
    renewed = team.service.resend(first.id, team.by)
    new = invite_token(KEY, renewed.id, renewed.rev)
    team.service.on_invited(AgentInvited(first))  # the stream's older event: its link is dead, no mail
    assert team.mail == []
    answers = []
    for token in (old, new[:-2] + "xx", "inv_0000.abc", "nonsense"):
        with pytest.raises(NotFoundError) as refused:
            team.service.invitation(token)
        answers.append((refused.value.code, refused.value.message))
    assert len(set(answers)) == 1  # one answer for every case: nothing to learn from it
    assert team.service.invitation(new).email == "kim@example.org"
    team.desk.clock.advance(days=7, seconds=1)
    with pytest.raises(NotFoundError):
        team.service.invitation(new)
    again = team.service.resend(first.id, team.by)
    team.service.revoke(again.id)
    with pytest.raises(NotFoundError):
        team.service.invitation(invite_token(KEY, again.id, again.rev))


def test_an_existing_agent_cannot_be_invited(team):
    team.join("ola@example.org")
    with pytest.raises(ConflictError):
        team.service.invite("ola@example.org", Role.AGENT, None, team.by, CONSOLE)


def test_the_last_active_admin_cannot_be_demoted_deactivated_or_removed(team):
    for change in (lambda: team.service.update(team.boss.id, {"role": "agent"}, team.by),
                   lambda: team.service.deactivate(team.boss.id, team.by),
                   lambda: team.service.remove(team.boss.id, team.by)):
        with pytest.raises(ConflictError) as refused:
            change()
        assert refused.value.code == "last_admin"
    second = team.join("ann@example.org")
    team.service.update(second, {"role": "admin"}, team.by)
    assert team.directory.accounts["ann@example.org"]["group"] == Role.ADMIN
    demoted = team.service.update(team.boss.id, {"role": "agent"}, team.by)
    assert demoted.role == Role.AGENT and team.directory.accounts[team.boss.email]["group"] == Role.AGENT


def test_a_deactivated_agent_is_refused_at_once_and_a_removed_one_keeps_only_the_name(team):
    class Verifier:
        def verify(self, token):
            return {"sub": token, "email": "", "cognito:groups": ["agent"]}

    auth = AgentService(team.desk.agent_store, team.directory, Verifier())
    leaving = team.join("lee@example.org")
    assert auth.authenticate(f"Bearer {leaving}").role == Role.AGENT
    team.service.update(leaving, {"role": "admin", "languages": ["de", "fr"], "capacity": 3}, team.by)
    assert auth.authenticate(f"Bearer {leaving}").role == Role.ADMIN  # the profile's role, not the token's

    team.service.deactivate(leaving, team.by)
    with pytest.raises(AuthenticationError) as refused:
        auth.authenticate(f"Bearer {leaving}")
    assert refused.value.code == "account_disabled"
    with pytest.raises(AuthenticationError):
        team.directory.sign_in("lee@example.org", "Passw0rd-long")
    team.service.reactivate(leaving, team.by)
    assert auth.authenticate(f"Bearer {leaving}").agent_id == leaving

    removed = team.service.remove(leaving, team.by)
    assert (removed.name, removed.status, removed.languages, removed.capacity) == ("New Person", "removed", (), None)
    assert "lee@example.org" not in team.directory.accounts
    assert leaving not in [a.id for a in auth.list()]
    assert team.service.agent(leaving, removed=True).name == "New Person"
    with pytest.raises(AuthenticationError):
        auth.authenticate(f"Bearer {leaving}")


def test_a_departed_agents_open_tickets_go_back_to_the_queue_and_solved_ones_stay(team):
    leaving = team.join("max@example.org")
    tickets = team.desk.tickets
    opened = [tickets.open(OpenTicket(subject=f"Lamp {n}", customer_email="c@example.org", body="Hi",
                                      assignee_id=leaving), team.by)[0] for n in range(3)]
    tickets.update(opened[2].id, TicketChanges(status=Status.SOLVED), opened[2].version, team.by)
    team.service.deactivate(leaving, team.by)
    team.service.on_departed(AgentDeparted(leaving, "deactivated", by=team.by.agent_id))
    team.service.on_departed(AgentDeparted(leaving, "deactivated", by=team.by.agent_id))  # delivered twice
    assert [tickets.get(t.id).assignee_id for t in opened] == [None, None, leaving]
    with pytest.raises(UnprocessableError):  # nobody assigns work to an agent who cannot sign in
        tickets.update(opened[0].id, TicketChanges(assignee_id=leaving), tickets.get(opened[0].id).version, team.by)


def test_teams_are_objects_with_members_and_deleting_one_frees_them(team):
    member = team.join("tia@example.org")
    with pytest.raises(UnprocessableError):
        team.service.update(member, {"teams": ["billing"]}, team.by)
    team.service.put_team("billing", "Billing", [member], team.by)
    team.service.put_team("returns", "Returns", None, team.by)
    assert [(t.id, t.name, m) for t, m in team.service.list_teams()] == [
        ("billing", "Billing", [member]), ("returns", "Returns", [])]
    team.service.update(member, {"teams": ["returns", "billing"]}, team.by)
    renamed, created = team.service.put_team("billing", "Billing & refunds", None, team.by)
    assert not created and renamed.name == "Billing & refunds"
    team.service.delete_team("billing", team.by)
    assert team.service.agent(member).teams == ("returns",)
    with pytest.raises(NotFoundError):
        team.service.delete_team("billing", team.by)


def test_an_invitation_expires_after_seven_days(team):
    invite = team.service.invite("eve@example.org", Role.ADMIN, None, team.by, CONSOLE)
    assert invite.valid_until - invite.created_at == timedelta(days=7)
