"""Invitations (``INVITES`` / ``INVITE#<id>``) and teams (``CONFIG`` / ``TEAM#<slug>``)."""

from __future__ import annotations

import builtins
from datetime import timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist

from ...domain.clock import from_iso, to_iso
from ...domain.people import Role
from ...domain.team import Invite, Team
from . import models as m
from .repositories import _conditional_failure

TTL_AFTER_EXPIRY = timedelta(days=14)  # an expired invitation is still listed (as expired) a while


class DynamoInviteStore:
    def get(self, invite_id: str) -> Invite | None:
        try:
            return invite_from_item(m.InviteItem.get(m.INVITES_PK, m.INVITE_SK_PREFIX + invite_id, consistent_read=True))
        except DoesNotExist:
            return None

    def list(self) -> builtins.list[Invite]:
        return [invite_from_item(i) for i in m.InviteItem.query(m.INVITES_PK, m.InviteItem.sk.startswith(m.INVITE_SK_PREFIX))]

    def put(self, invite: Invite) -> Invite:
        """One UpdateItem: the fields, and ``rev`` up by one."""
        Inv = m.InviteItem
        item = Inv(m.INVITES_PK, m.INVITE_SK_PREFIX + invite.id)
        item.update(actions=[
            Inv.id.set(invite.id), Inv.email.set(invite.email), Inv.role.set(invite.role.value),
            Inv.name.set(invite.name) if invite.name else Inv.name.remove(),
            Inv.invited_by.set(invite.invited_by), Inv.created_at.set(to_iso(invite.created_at)),
            Inv.valid_until.set(to_iso(invite.valid_until)), Inv.console_url.set(invite.console_url),
            Inv.expires_at.set(int((invite.valid_until + TTL_AFTER_EXPIRY).timestamp())),
            Inv.rev.add(1),
        ])
        return invite_from_item(item)

    def delete(self, invite_id: str, rev: int | None = None) -> bool:
        Inv = m.InviteItem
        condition = Inv.pk.exists() if rev is None else Inv.rev == rev
        try:
            Inv(m.INVITES_PK, m.INVITE_SK_PREFIX + invite_id).delete(condition=condition)
        except DeleteError as error:
            if _conditional_failure(error):
                return False
            raise
        return True


def invite_from_item(item: m.InviteItem) -> Invite:
    return Invite(
        item.id, item.email, Role(item.role), item.invited_by, from_iso(item.created_at),
        from_iso(item.valid_until), int(item.rev), item.console_url, item.name,
    )


class DynamoTeamStore:
    def get(self, team_id: str) -> Team | None:
        try:
            return _team(m.TeamItem.get(m.CONFIG_PK, m.TEAM_SK_PREFIX + team_id))
        except DoesNotExist:
            return None

    def list(self) -> builtins.list[Team]:
        return [_team(i) for i in m.TeamItem.query(m.CONFIG_PK, m.TeamItem.sk.startswith(m.TEAM_SK_PREFIX))]

    def put(self, team: Team) -> None:
        item = m.TeamItem(m.CONFIG_PK, m.TEAM_SK_PREFIX + team.id)
        item.name, item.created_at = team.name, to_iso(team.created_at)
        item.save()

    def delete(self, team_id: str) -> bool:
        try:
            m.TeamItem(m.CONFIG_PK, m.TEAM_SK_PREFIX + team_id).delete(condition=m.TeamItem.pk.exists())
        except DeleteError as error:
            if _conditional_failure(error):
                return False
            raise
        return True


def _team(item: m.TeamItem) -> Team:
    return Team(item.sk[len(m.TEAM_SK_PREFIX):], item.name, from_iso(item.created_at))
