"""Websocket connections and who receives which frames (see ``models.py`` for the keys)."""

from __future__ import annotations

import time

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from ...domain.chat import RATE_WINDOW_SECONDS, LiveConnection, Participant, ParticipantRole, Subscriber
from ...domain.errors import RateLimitedError
from . import models as m

# API Gateway closes a connection after 2 hours; TTL removes what a lost $disconnect left.
CONNECTION_TTL_SECONDS = 2 * 3600 + 600


class DynamoConnectionRepository:
    def add(self, participant: Participant, connected_at: str, rate_limit: int) -> None:
        item = m.ConnectionItem(f"CONN#{participant.connection_id}", m.CONNECTION_SK)
        item.rate_limit = rate_limit
        item.connection_id = participant.connection_id
        item.role = participant.role.value
        item.principal_id = participant.id
        item.connected_at = connected_at
        item.expires_at = int(time.time()) + CONNECTION_TTL_SECONDS
        item.save()
        if participant.role == ParticipantRole.VISITOR:  # so that erasing the visitor finds it
            link = m.LinkItem(*visitor_connection_key(participant.id, participant.connection_id))
            link.expires_at = item.expires_at
            link.save()

    def visitor_connections(self, customer_id: str) -> list[str]:
        """The ids of a visitor's connections (a strongly consistent Query of the links under
        the customer; one whose TTL passed but which DynamoDB has not removed yet is left out)."""
        now = int(time.time())
        pk, prefix = visitor_connection_key(customer_id, "")
        return [
            link.sk[len(prefix):]
            for link in m.LinkItem.query(pk, m.LinkItem.sk.startswith(prefix), consistent_read=True)
            if link.expires_at is None or int(link.expires_at) > now
        ]

    def get(self, connection_id: str) -> Participant | None:
        try:
            item = m.ConnectionItem.get(f"CONN#{connection_id}", m.CONNECTION_SK)
        except DoesNotExist:
            return None
        return Participant(ParticipantRole(item.role), item.principal_id, item.connection_id)

    def subscribe(self, participant: Participant, topic: str) -> None:
        """``participant``'s connection receives the frames of ``topic`` from now on."""
        sub = m.SubscriptionItem(topic, f"{m.SUBSCRIPTION_SK_PREFIX}{participant.connection_id}")
        sub.connection_id = participant.connection_id
        sub.role = participant.role.value
        sub.principal_id = participant.id
        sub.expires_at = int(time.time()) + CONNECTION_TTL_SECONDS
        sub.save()
        conn = m.ConnectionItem(f"CONN#{participant.connection_id}", m.CONNECTION_SK)
        try:
            conn.update(
                actions=[m.ConnectionItem.topics.add({topic})],
                condition=m.ConnectionItem.pk.exists(),
            )
        except UpdateError:
            # The connection went away meanwhile: take the subscription back.
            sub.delete()
            raise

    def unsubscribe(self, connection_id: str, topic: str) -> None:
        m.SubscriptionItem(topic, f"{m.SUBSCRIPTION_SK_PREFIX}{connection_id}").delete()
        try:
            m.ConnectionItem(f"CONN#{connection_id}", m.CONNECTION_SK).update(
                actions=[m.ConnectionItem.topics.delete({topic})],
                condition=m.ConnectionItem.pk.exists(),
            )
        except UpdateError:
            pass

    def subscribers(self, topic: str) -> list[Subscriber]:
        return [
            Subscriber(item.connection_id, ParticipantRole(item.role), item.principal_id)
            for item in m.SubscriptionItem.query(
                topic, m.SubscriptionItem.sk.startswith(m.SUBSCRIPTION_SK_PREFIX)
            )
        ]

    def remove(self, connection_id: str, *, connected_before: str | None = None) -> Participant | None:
        """Forget a connection and every subscription it had; returns who it was.
        With ``connected_before``, a connection made at or after that instant is kept."""
        try:
            item = m.ConnectionItem.get(f"CONN#{connection_id}", m.CONNECTION_SK)
        except DoesNotExist:
            return None
        if connected_before is not None and item.connected_at >= connected_before:
            return None
        for topic in item.topics or ():
            m.SubscriptionItem(topic, f"{m.SUBSCRIPTION_SK_PREFIX}{connection_id}").delete()
        if item.role == ParticipantRole.VISITOR.value:
            m.LinkItem(*visitor_connection_key(item.principal_id, connection_id)).delete()
        try:
            item.delete(condition=m.ConnectionItem.pk.exists())
        except DeleteError:
            return None  # removed by a concurrent disconnect / 410: only one of us reports it
        return Participant(ParticipantRole(item.role), item.principal_id, connection_id)

    def admit_frame(self, connection_id: str, window: int) -> LiveConnection | None:
        """Count a frame in the connection's rate window, and say who sent it (one write,
        which returns the connection). None for an unknown connection; raises
        ``RateLimitedError`` once the window holds the connection's limit of frames."""
        conn = m.ConnectionItem(f"CONN#{connection_id}", m.CONNECTION_SK)
        C = m.ConnectionItem
        count_in_window: tuple[list[Action], Condition] = (
            [C.rate_count.add(1)], (C.rate_window >= window) & (C.rate_count < C.rate_limit)
        )
        # Frames of one connection run concurrently and may be processed late: one that loses
        # the race to open a window, or finds a newer window open, counts itself in that one.
        attempts: tuple[tuple[list[Action], Condition], ...] = (
            count_in_window,
            ([C.rate_window.set(window), C.rate_count.set(1)], C.rate_window < window),
            count_in_window,
        )
        for actions, condition in attempts:
            try:
                conn.update(actions=actions, condition=C.pk.exists() & condition)
            except UpdateError as error:
                if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                    raise
                continue
            return LiveConnection(
                Participant(ParticipantRole(conn.role), conn.principal_id, connection_id),
                frozenset(conn.topics or ()),
                int(conn.sent_seq or 0),
            )
        try:
            limit = int(m.ConnectionItem.get(f"CONN#{connection_id}", m.CONNECTION_SK).rate_limit)
        except DoesNotExist:
            return None
        raise RateLimitedError(
            f"Too many frames: at most {limit} every {RATE_WINDOW_SECONDS} seconds.",
            details={"retry_after_seconds": RATE_WINDOW_SECONDS},
        )


    def advance_sent(self, connection_id: str, seq: int) -> None:
        """The message numbered ``seq`` by the client on this connection is stored: the next
        one may be (only if ``seq - 1`` was the last; a connection gone meanwhile is left)."""
        C = m.ConnectionItem
        previous = C.sent_seq == seq - 1
        if seq == 1:
            previous = previous | C.sent_seq.does_not_exist()
        try:
            C(f"CONN#{connection_id}", m.CONNECTION_SK).update(
                actions=[C.sent_seq.set(seq)], condition=C.pk.exists() & previous
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise


def visitor_connection_key(customer_id: str, connection_id: str) -> tuple[str, str]:
    """A chat visitor's live connection, under the customer (erasure closes them)."""
    return f"CUSTOMER#{customer_id}", f"CONN#{connection_id}"


def dedupe_key(who: str, client_id: str) -> tuple[str, str]:
    """One partition per sender, so that erasing a visitor finds their records by key."""
    return f"DEDUPE#{who}", f"CLIENT#{client_id}"


class DynamoDedupe:
    """Client message ids seen in the last day, so that a resent frame is stored once."""

    TTL_SECONDS = 24 * 3600

    def claim(self, who: str, client_id: str) -> tuple[bool, str | None, int | None]:
        """(True, None, None) if this id is new; else (False, ticket id, seq) as recorded
        (the last two None while the first attempt is still being stored)."""
        item = m.DedupeItem(*dedupe_key(who, client_id))
        item.expires_at = int(time.time()) + self.TTL_SECONDS
        try:
            item.save(condition=m.DedupeItem.pk.does_not_exist())
            return True, None, None
        except Exception as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
        seen = m.DedupeItem.get(*dedupe_key(who, client_id))
        return False, seen.ticket_id, int(seen.seq) if seen.seq is not None else None

    def record(self, who: str, client_id: str, ticket_id: str, seq: int) -> None:
        m.DedupeItem(*dedupe_key(who, client_id)).update(
            actions=[m.DedupeItem.ticket_id.set(ticket_id), m.DedupeItem.seq.set(seq)]
        )

    def release(self, who: str, client_id: str) -> None:
        """Forget a claim whose message could not be stored, so that a retry can store it."""
        m.DedupeItem(*dedupe_key(who, client_id)).delete()
