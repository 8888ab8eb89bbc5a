"""Merging one ticket into another, as one DynamoDB transaction (see ``services/merge.py``)."""

from __future__ import annotations

from dataclasses import replace

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ...domain.tickets import Message, Status, Ticket
from . import models as m
from .repositories import _message_to_item, _ticket_from_item


class DynamoTicketMerges:
    def merge(
        self, source: Ticket, target: Ticket, messages: list[Message], *, by: str, at: str
    ) -> bool:
        """In one transaction: append ``messages`` to ``target`` after its last message (as
        read: a message that arrived since cancels it), and close ``source`` with a pointer to
        ``target`` (if neither changed since they were read). The copies are written like a
        ticket's opening message (``opening``): history, not new messages, so no reply goes
        out and no clock moves again. False when something changed meanwhile: read again."""
        T = m.TicketItem
        first = target.message_count + 1
        try:
            mail_refs = list(T.get(m.ticket_pk(source.id), m.TICKET_SK, attributes_to_get=["pk", "mail_refs"]).mail_refs or [])
        except T.DoesNotExist:
            return False
        try:
            with TransactWrite(connection=m.DeskModel._get_connection().connection) as transaction:
                for offset, message in enumerate(messages):
                    copy = replace(message, ticket_id=target.id, seq=first + offset, opening=True)
                    item = _message_to_item(copy)
                    transaction.save(item, condition=m.MessageItem.pk.does_not_exist())
                target_actions: list[Action] = [
                    T.message_count.set(target.message_count + len(messages)),
                    T.updated_at.set(at),
                ]
                if mail_refs:  # the target's mail carries the source's thread too (References)
                    target_actions.append(T.mail_refs.set((T.mail_refs | []).append(mail_refs)))
                transaction.update(
                    T(m.ticket_pk(target.id), m.TICKET_SK), actions=target_actions,
                    condition=(T.message_count == target.message_count) & (T.status != Status.CLOSED.value)
                    & T.merged_into.does_not_exist(),
                )
                transaction.update(
                    T(m.ticket_pk(source.id), m.TICKET_SK),
                    actions=[
                        T.status.set(Status.CLOSED.value), T.closed_at.set(at), T.updated_at.set(at),
                        T.merged_into.set(target.id), T.version.set(source.version + 1), T.changed_by.set(by),
                    ],
                    condition=(T.version == source.version) & (T.message_count == source.message_count)
                    & T.merged_into.does_not_exist(),
                )
        except TransactWriteError as error:
            reasons = [r.code for r in error.cancellation_reasons or () if r is not None]
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
                return False
            raise
        return True

    def get(self, ticket_id: str) -> Ticket | None:
        try:
            return _ticket_from_item(m.TicketItem.get(m.ticket_pk(ticket_id), m.TICKET_SK, consistent_read=True))
        except m.TicketItem.DoesNotExist:
            return None
