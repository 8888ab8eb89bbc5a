"""DynamoDB implementations of the desk's repositories (see ``models.py`` for the keys)."""

from __future__ import annotations

import base64
import builtins
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import (
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.expressions.condition import size
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ...domain import sla
from ...domain.clock import from_iso, to_iso
from ...domain.errors import BadRequestError, ConflictError
from ...domain.people import MAX_VISIT_PAGES, Agent, Customer, Role, VisitedPage
from ...domain.tickets import (
    RATABLE_STATUSES,
    Attachment,
    AuthorType,
    Delivery,
    Message,
    MessageKind,
    Priority,
    Rating,
    Status,
    Ticket,
    TicketFilter,
)
from ...services.ports import Page
from . import models as m


def _conditional_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


# ---------------------------------------------------------------- cursors

def _encode_cursor(index: str, key: dict[str, dict[str, str]]) -> str:
    raw = json.dumps({"i": index, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, index: str, partition: tuple[str, str]) -> dict[str, Any]:
    """Read a cursor back, refusing one that belongs to another listing or was tampered with."""
    invalid = BadRequestError(
        "The cursor is not valid for this listing; start again without it.", code="invalid_cursor"
    )
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise invalid from None
    if not isinstance(data, dict) or data.get("i") != index or not isinstance(data.get("k"), dict):
        raise invalid
    key = data["k"]
    hash_attr, hash_value = partition
    for value in key.values():
        if not (isinstance(value, dict) and len(value) == 1):
            raise invalid
        (kind, inner), = value.items()
        if kind not in ("S", "N") or not isinstance(inner, str):
            raise invalid
    if key.get(hash_attr) != {"S" if hash_attr != "number" else "N": hash_value}:
        raise invalid
    return key


# ---------------------------------------------------------------- tickets

def _ticket_to_item(ticket: Ticket) -> m.TicketItem:
    item = m.TicketItem(m.ticket_pk(ticket.id), m.TICKET_SK)
    item.id = ticket.id
    item.number = ticket.number
    item.subject = ticket.subject
    item.status = ticket.status.value
    item.priority = ticket.priority.value
    item.channel = ticket.channel
    item.customer_id = ticket.customer_id
    item.assignee_id = ticket.assignee_id
    item.team = ticket.team
    item.tags = list(ticket.tags)
    item.created_at = to_iso(ticket.created_at)
    item.updated_at = to_iso(ticket.updated_at)
    item.last_activity_at = to_iso(ticket.last_activity_at)
    item.solved_at = to_iso(ticket.solved_at) if ticket.solved_at else None
    item.closed_at = to_iso(ticket.closed_at) if ticket.closed_at else None
    item.message_count = ticket.message_count
    item.language = ticket.language
    item.customer_timezone = ticket.customer_timezone
    item.public_url = ticket.public_url
    item.bot = ticket.bot
    item.activity = f"{item.last_activity_at}#{ticket.id}"
    item.assignee_key = ticket.assignee_id or m.NONE_KEY
    item.team_key = ticket.team or m.NONE_KEY
    return item


def _ticket_from_item(item: m.TicketItem) -> Ticket:
    return Ticket(
        id=item.id,
        number=int(item.number),
        subject=item.subject,
        status=Status(item.status),
        priority=Priority(item.priority),
        channel=item.channel,
        customer_id=item.customer_id,
        assignee_id=item.assignee_id,
        team=item.team,
        tags=tuple(item.tags or ()),
        created_at=from_iso(item.created_at),
        updated_at=from_iso(item.updated_at),
        last_activity_at=from_iso(item.last_activity_at),
        solved_at=from_iso(item.solved_at) if item.solved_at else None,
        closed_at=from_iso(item.closed_at) if item.closed_at else None,
        message_count=int(item.message_count or 0),
        version=int(item.version or 1),
        language=item.language,
        sla=sla.from_dict(json.loads(item.sla)) if item.sla else None,
        csat=Rating(int(item.csat.score), item.csat.comment, from_iso(item.csat.rated_at)) if item.csat else None,
        customer_timezone=item.customer_timezone,
        merged_into=item.merged_into,
        public_url=item.public_url,
        bot=item.bot,
    )


def _message_to_item(message: Message) -> m.MessageItem:
    item = m.MessageItem(m.ticket_pk(message.ticket_id), m.message_sk(message.seq))
    item.id = message.id
    item.ticket_id = message.ticket_id
    item.seq = message.seq
    item.kind = message.kind.value
    item.author_type = message.author_type.value
    item.author_id = message.author_id
    item.body = message.body
    item.channel = message.channel
    item.created_at = to_iso(message.created_at)
    item.source_key = message.source_key
    item.thread_rule = message.thread_rule
    item.html_key = message.html_key
    item.text_key = message.text_key
    item.opening = message.opening or None
    item.delivery = message.delivery
    item.delivery_error = message.delivery_error
    item.auto_reply = message.auto_reply
    item.auto_reply_to = message.auto_reply_to
    item.articles = json.dumps([list(a) for a in message.articles], ensure_ascii=False) if message.articles else None
    item.marker = message.marker
    if message.attachments:
        item.attachments = [
            m.AttachmentMap(
                key=a.key, filename=a.filename, content_type=a.content_type, size=a.size,
                inline=a.inline or None, content_id=a.content_id,
            )
            for a in message.attachments
        ]
    return item


def _message_from_item(item: m.MessageItem) -> Message:
    return Message(
        id=item.id,
        ticket_id=item.ticket_id,
        seq=int(item.seq),
        kind=MessageKind(item.kind),
        author_type=AuthorType(item.author_type),
        author_id=item.author_id,
        body=item.body,
        channel=item.channel,
        created_at=from_iso(item.created_at),
        attachments=tuple(
            Attachment(a.key, a.filename, a.content_type, int(a.size), bool(a.inline), a.content_id)
            for a in item.attachments or ()
        ),
        source_key=item.source_key,
        thread_rule=item.thread_rule,
        html_key=item.html_key,
        text_key=item.text_key,
        delivery=item.delivery,
        delivery_error=item.delivery_error,
        auto_reply=item.auto_reply,
        auto_reply_to=item.auto_reply_to,
        opening=bool(item.opening),
        articles=tuple((str(a[0]), str(a[1]), str(a[2])) for a in json.loads(item.articles)) if item.articles else (),
        marker=item.marker,
    )


# The fields an edit may change, and so the attributes an update writes.
_MUTABLE = (
    "subject", "status", "priority", "assignee_id", "team", "tags", "updated_at",
    "last_activity_at", "solved_at", "closed_at", "activity", "assignee_key", "team_key",
)


class DynamoTicketRepository:
    """Tickets and their messages in the desk table."""

    # A filtered list reads at most this many index pages per request, so that a rare tag
    # cannot make one request read the whole index; the caller gets a cursor to go on.
    MAX_PAGES_PER_LIST = 5
    PAGE_SIZE = 100

    def next_number(self) -> int:
        """The next human-friendly ticket number (#1001, #1002 ...), from an atomic counter."""
        counter = m.CounterItem("COUNTER#ticket_number", m.COUNTER_SK)
        counter.update(actions=[m.CounterItem.value.add(1)])
        return 1000 + int(counter.value)

    def add(
        self, ticket: Ticket, first_message: Message | None, *, by: str | None = None, mail_refs: Sequence[str] = ()
    ) -> None:
        """Store a new ticket with its first message (``by``: the agent who opened it), both
        or neither: one transaction. Nobody sees the ticket without its first message, and
        the stream's record of a first message that is not ``opening`` (a mail's, which has
        its own message.created) finds its ticket in the table."""
        item = _ticket_to_item(ticket)
        item.changed_by = by
        item.mail_refs = list(mail_refs) or None
        if first_message is None:
            item.save(condition=m.TicketItem.pk.does_not_exist())
            return
        try:
            with TransactWrite(connection=m.DeskModel._get_connection().connection) as transaction:
                transaction.save(_message_to_item(first_message), condition=m.MessageItem.pk.does_not_exist())
                transaction.save(item, condition=m.TicketItem.pk.does_not_exist())
        except TransactWriteError as error:
            reasons = [r.code for r in error.cancellation_reasons or () if r is not None]
            if "ConditionalCheckFailed" in reasons:
                raise ConflictError("A ticket with this id exists.", code="ticket_exists") from None
            raise

    def get(self, ticket_id: str) -> Ticket | None:
        try:
            return _ticket_from_item(m.TicketItem.get(m.ticket_pk(ticket_id), m.TICKET_SK))
        except DoesNotExist:
            return None

    def get_by_number(self, number: int) -> Ticket | None:
        for item in m.TicketItem.tickets_by_number.query(number, limit=1):
            return _ticket_from_item(item)
        return None

    def update(self, before: Ticket, after: Ticket, *, by: str | None) -> Ticket:
        """Write an edit if nobody else changed the ticket since ``before`` was read (``by``:
        the agent, or None for the customer)."""
        new_item = _ticket_to_item(after)
        actions: list[Action] = [
            m.TicketItem.version.set(before.version + 1),
            m.TicketItem.changed_by.set(by) if by is not None else m.TicketItem.changed_by.remove(),
        ]
        for name in _MUTABLE:
            attr = getattr(m.TicketItem, name)
            value = getattr(new_item, name)
            actions.append(attr.remove() if value is None else attr.set(value))
        try:
            new_item.update(
                actions=actions,
                condition=m.TicketItem.pk.exists() & (m.TicketItem.version == before.version),
            )
        except UpdateError as error:
            if _conditional_failure(error):
                raise ConflictError(
                    "The ticket was changed by someone else; reload it and try again.",
                    code="version_conflict",
                ) from None
            raise
        return _ticket_from_item(new_item)

    def reserve_message(self, before: Ticket, after: Ticket, *, by: str | None = None) -> Ticket | None:
        """Take the ticket's next message sequence number and record the activity.

        The number comes from an atomic ADD, so concurrent writers never wait for each other
        and never get the same number. The write is conditioned only on the status the
        caller's decision was based on (and, when it assigns the ticket, on its having no
        assignee); None means the ticket moved on: reload, decide again.
        Returns the ticket as stored, its ``message_count`` being the reserved number.
        """
        item = _ticket_to_item(after)
        actions: list[Action] = [
            m.TicketItem.message_count.add(1),
            m.TicketItem.last_activity_at.set(item.last_activity_at),
            m.TicketItem.activity.set(item.activity),
            m.TicketItem.updated_at.set(item.updated_at),
        ]
        assigns = after.assignee_id != before.assignee_id
        condition = m.TicketItem.status == before.status.value
        if after.status != before.status or assigns:
            actions += [
                m.TicketItem.version.add(1),
                m.TicketItem.changed_by.set(by) if by else m.TicketItem.changed_by.remove(),
            ]
        if after.status != before.status:
            actions += [
                m.TicketItem.status.set(item.status),
                m.TicketItem.solved_at.remove() if item.solved_at is None
                else m.TicketItem.solved_at.set(item.solved_at),
            ]
        if assigns:  # a reply makes an unassigned ticket its author's, never one someone else took meanwhile
            actions += [m.TicketItem.assignee_id.set(item.assignee_id), m.TicketItem.assignee_key.set(item.assignee_key)]
            condition = condition & m.TicketItem.assignee_id.does_not_exist()
        target = m.TicketItem(m.ticket_pk(before.id), m.TICKET_SK)
        try:
            target.update(actions=actions, condition=condition)
        except UpdateError as error:
            if _conditional_failure(error):
                return None
            raise
        return _ticket_from_item(target)

    def mark_read(self, ticket_id: str, reader_role: str, seq: int) -> None:
        """Remember how far a side (``agent`` or ``visitor``) has read; never moves back."""
        attr = m.TicketItem.agent_read_seq if reader_role == "agent" else m.TicketItem.customer_read_seq
        try:
            m.TicketItem(m.ticket_pk(ticket_id), m.TICKET_SK).update(
                actions=[attr.set(seq)],
                condition=m.TicketItem.pk.exists() & (attr.does_not_exist() | (attr < seq)),
            )
        except UpdateError as error:
            if not _conditional_failure(error):
                raise

    def rate(self, ticket_id: str, rating: Rating) -> tuple[Ticket, Ticket] | None:
        """Store the customer's rating if the ticket is (still) solved or closed.

        One UpdateItem that returns the item as it was: the old rating comes from the same
        write that replaced it. None when the ticket is gone or no longer solved. A rating
        changes neither ``version`` nor the activity order: it is not an agent's edit."""
        T = m.TicketItem
        value = m.CsatMap(score=rating.score, comment=rating.comment, rated_at=to_iso(rating.rated_at))
        try:
            data = T._get_connection().update_item(
                m.ticket_pk(ticket_id), range_key=m.TICKET_SK, actions=[T.csat.set(value), T.changed_by.remove()],
                condition=T.status.is_in(*sorted(s.value for s in RATABLE_STATUSES)), return_values="ALL_OLD",
            )
        except UpdateError as error:
            if _conditional_failure(error):
                return None
            raise
        before = _ticket_from_item(T.from_raw_data(data["Attributes"]))
        return before, replace(before, csat=rating)

    def set_bot(self, ticket_id: str, expected: str | None, state: str) -> tuple[Ticket, Ticket] | None:
        """Move the FAQ bot's part from ``expected`` to ``state`` (one UpdateItem, returning the
        item as it was); None when it is not in ``expected`` any more (or the ticket is gone)."""
        T = m.TicketItem
        condition = T.bot.does_not_exist() if expected is None else T.bot == expected
        try:
            data = T._get_connection().update_item(
                m.ticket_pk(ticket_id), range_key=m.TICKET_SK, actions=[T.bot.set(state), T.changed_by.remove()],
                condition=T.pk.exists() & condition, return_values="ALL_OLD",
            )
        except UpdateError as error:
            if _conditional_failure(error):
                return None
            raise
        before = _ticket_from_item(T.from_raw_data(data["Attributes"]))
        return before, replace(before, bot=state)

    def add_mail_ref(self, ticket_id: str, message_id: str) -> None:
        """Remember a Message-ID of the ticket's mail thread (for References on our replies)."""
        T = m.TicketItem
        T(m.ticket_pk(ticket_id), m.TICKET_SK).update(
            actions=[T.mail_refs.set((T.mail_refs | []).append([message_id]))],
        )

    def add_ccs(self, ticket_id: str, addresses: set[str]) -> None:
        """Remember who is copied on the ticket; each address also gets a link to the ticket
        (``EMAIL#address`` / ``CC#ticket``), by which erasing that person finds it."""
        if addresses:
            m.TicketItem(m.ticket_pk(ticket_id), m.TICKET_SK).update(
                actions=[m.TicketItem.cc_emails.add(addresses)]
            )
            for address in sorted(addresses):
                m.LinkItem(f"EMAIL#{address}", f"CC#{ticket_id}").save()

    def ccs(self, ticket_id: str) -> set[str]:
        try:
            item = m.TicketItem.get(m.ticket_pk(ticket_id), m.TICKET_SK, attributes_to_get=["cc_emails"])
        except DoesNotExist:
            return set()
        return set(item.cc_emails or ())

    def mail_refs(self, ticket_id: str) -> list[str]:
        try:
            item = m.TicketItem.get(m.ticket_pk(ticket_id), m.TICKET_SK, attributes_to_get=["mail_refs"])
        except DoesNotExist:
            return []
        return list(item.mail_refs or [])

    def set_delivery(
        self, ticket_id: str, seq: int, state: Delivery, *, error: str | None = None, mail_id: str | None = None
    ) -> Message | None:
        """Where a reply by mail stands (one UpdateItem on the message); None if it is gone.
        A sent reply stays sent: a late retry's failure cannot mark it failed again."""
        M = m.MessageItem
        item = M(m.ticket_pk(ticket_id), m.message_sk(seq))
        actions: list[Action] = [
            M.delivery.set(state.value), M.delivery_error.set(error) if error else M.delivery_error.remove()
        ]
        if mail_id:
            actions.append(M.mail_id.set(mail_id))
        condition = M.pk.exists()
        if state != Delivery.SENT:
            condition = condition & (M.delivery != Delivery.SENT.value)
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as err:
            if _conditional_failure(err):
                return None
            raise
        return _message_from_item(item)

    def put_message(self, message: Message) -> None:
        """Store a message under its reserved sequence number (never overwriting one)."""
        _message_to_item(message).save(condition=m.MessageItem.pk.does_not_exist())

    def list(self, query: TicketFilter, *, limit: int, cursor: str | None) -> Page:
        """Tickets matching ``query``, most recent activity first, ``limit`` at most a page."""
        index, hash_attr, hash_value, filters = self._plan(query)
        start = _decode_cursor(cursor, index.Meta.index_name, (hash_attr, hash_value)) if cursor else None
        condition = None
        for f in filters:
            condition = f if condition is None else condition & f
        results = index.query(
            hash_value,
            filter_condition=condition,
            scan_index_forward=False,
            # Filtered: read fixed-size pages and keep what matches. Unfiltered: read just a page.
            page_size=self.PAGE_SIZE if condition is not None else limit,
            last_evaluated_key=start,
        )
        key_names = ("pk", "sk", hash_attr, "activity")
        found: builtins.list[Ticket] = []
        next_key = None
        for _ in range(self.MAX_PAGES_PER_LIST):
            try:
                page = next(results.page_iter)
            except StopIteration:
                next_key = None
                break
            next_key = page.get("LastEvaluatedKey")
            for raw in page.get("Items", []):
                found.append(_ticket_from_item(m.TicketItem.from_raw_data(raw)))
                if len(found) == limit:
                    next_key = {k: raw[k] for k in key_names}
                    break
            if len(found) == limit or next_key is None:
                break
        # A full page that ended exactly at the end of the index still gets a cursor; the
        # next request then returns an empty page without one, as DynamoDB itself does.
        token = _encode_cursor(index.Meta.index_name, next_key) if next_key else None
        return Page(found, token)

    @staticmethod
    def _plan(query: TicketFilter) -> tuple[Any, str, str, builtins.list[Any]]:
        """Pick the most selective index for the query; the rest become filter expressions."""
        T = m.TicketItem
        assignee = None
        if query.assignee_id is not None:
            assignee = m.NONE_KEY if query.assignee_id == TicketFilter.NONE else query.assignee_id
        team = None
        if query.team is not None:
            team = m.NONE_KEY if query.team == TicketFilter.NONE else query.team
        candidates = [
            (T.tickets_by_customer, "customer_id", query.customer_id, T.customer_id),
            (T.tickets_by_assignee, "assignee_key", assignee, T.assignee_key),
            (T.tickets_by_team, "team_key", team, T.team_key),
            (T.tickets_by_status, "status", query.status.value if query.status else None, T.status),
        ]
        chosen = None
        filters: builtins.list[Any] = []
        for index, attr_name, value, attr in candidates:
            if value is None:
                continue
            if chosen is None:
                chosen = (index, attr_name, value)
            else:
                filters.append(attr == value)
        if query.priority is not None:
            filters.append(T.priority == query.priority.value)
        if query.tag is not None:
            filters.append(T.tags.contains(query.tag))
        if query.channel is not None:
            filters.append(T.channel == query.channel)
        if chosen is None:
            chosen = (T.tickets_by_activity, "entity", "ticket")
        return chosen[0], chosen[1], chosen[2], filters

    def get_message(self, ticket_id: str, seq: int) -> Message | None:
        """One message by its number: a GetItem on the ticket's partition."""
        try:
            return _message_from_item(m.MessageItem.get(m.ticket_pk(ticket_id), m.message_sk(seq)))
        except m.MessageItem.DoesNotExist:
            return None

    def list_messages(
        self, ticket_id: str, *, after_seq: int, limit: int, include_notes: bool
    ) -> tuple[builtins.list[Message], int | None]:
        """Messages in order after ``after_seq``; also the seq to continue from, if any."""
        messages: builtins.list[Message] = []
        last_seq = after_seq
        condition = None if include_notes else (m.MessageItem.kind == MessageKind.REPLY.value)
        results = m.MessageItem.query(
            m.ticket_pk(ticket_id),
            range_key_condition=m.MessageItem.sk.between(
                m.message_sk(after_seq + 1), m.message_sk(10**12 - 1)
            ),
            filter_condition=condition,
            page_size=limit,
        )
        for _ in range(self.MAX_PAGES_PER_LIST):
            try:
                page = next(results.page_iter)
            except StopIteration:
                return messages, None
            for raw in page.get("Items", []):
                message = _message_from_item(m.MessageItem.from_raw_data(raw))
                messages.append(message)
                last_seq = message.seq
                if len(messages) == limit:
                    return messages, last_seq
            lek = page.get("LastEvaluatedKey")
            if lek is None:
                return messages, None
            last_seq = int(lek["sk"]["S"][len(m.MESSAGE_SK_PREFIX):])
        return messages, last_seq



# ---------------------------------------------------------------- customers

def _customer(item: m.CustomerItem) -> Customer:
    pages = tuple(
        VisitedPage(p.url, p.title, from_iso(p.at))
        # in the order they were seen (pages sent together may be stored in any order)
        for p in sorted(item.visit_pages or (), key=lambda p: p.at)[-MAX_VISIT_PAGES:]
    )
    return Customer(item.id, item.email, item.name, from_iso(item.created_at), item.external_id, pages,
                    email_proven=bool(item.email_proven))


class DynamoCustomerRepository:
    """Customers, found by id or by a unique claim (e-mail address, external user id)."""

    def get(self, customer_id: str) -> Customer | None:
        """The customer, or None if there is none, or it is being erased."""
        try:
            item = m.CustomerItem.get(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK)
        except DoesNotExist:
            return None
        return None if item.erasing else _customer(item)

    def get_by_claim(self, claim: str) -> Customer | None:
        try:
            link = m.CustomerClaimItem.get(claim, m.CLAIM_SK)
        except DoesNotExist:
            return None
        return self.get(link.customer_id)

    def add(self, customer: Customer, claim: str | None) -> bool:
        """Store a new customer; False if ``claim`` already belongs to someone.

        The customer is written first, then the claim with a conditional write: until the
        claim succeeds nothing reaches the new item, and a lost race removes it."""
        item = m.CustomerItem(f"CUSTOMER#{customer.id}", m.CUSTOMER_SK)
        item.id, item.email, item.name = customer.id, customer.email, customer.name
        item.external_id = customer.external_id
        item.email_proven = customer.email_proven or None
        item.created_at = to_iso(customer.created_at)
        item.save(condition=m.CustomerItem.pk.does_not_exist())
        if claim is None:
            return True
        link = m.CustomerClaimItem(claim, m.CLAIM_SK)
        link.customer_id = customer.id
        try:
            link.save(condition=m.CustomerClaimItem.pk.does_not_exist())
        except PutError as error:
            if _conditional_failure(error):
                item.delete()
                return False
            raise
        return True

    def fill_in(self, customer_id: str, name: str | None, email: str | None) -> Customer | None:
        """Add a name or an e-mail address the customer did not have yet (never overwrite)."""
        item = m.CustomerItem(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK)
        for attr, value in ((m.CustomerItem.name, name), (m.CustomerItem.email, email)):
            if not value:
                continue
            try:
                item.update(actions=[attr.set(value)], condition=m.CustomerItem.pk.exists() & attr.does_not_exist())
            except UpdateError as error:
                if not _conditional_failure(error):
                    raise
        return self.get(customer_id)

    def prove_email(self, customer_id: str, email: str) -> bool:
        """The customer's address is ``email`` and proven theirs (one UpdateItem)."""
        C = m.CustomerItem
        try:
            C(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK).update(
                actions=[C.email.set(email), C.email_proven.set(True)], condition=C.pk.exists())
        except UpdateError as error:
            if not _conditional_failure(error):
                raise
            return False
        return True

    # Pages are appended in one UpdateItem; only past this many a second one trims the list
    # back to MAX_VISIT_PAGES (one extra write per ten pages, instead of a read per page).
    STORED_VISIT_PAGES = MAX_VISIT_PAGES + 10

    def add_visit_page(self, customer_id: str, page: VisitedPage) -> bool:
        """Append a page the visitor opened; False if there is no such customer."""
        C = m.CustomerItem
        item = C(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK)
        entry = m.VisitPageMap(url=page.url, title=page.title, at=to_iso(page.at))
        try:
            item.update(actions=[C.visit_pages.set((C.visit_pages | []).append([entry]))], condition=C.pk.exists())
        except UpdateError as error:
            if _conditional_failure(error):
                return False
            raise
        stored = len(item.visit_pages or ())
        if stored > self.STORED_VISIT_PAGES:
            try:  # conditioned on the length seen: a page appended meanwhile waits for the next trim
                item.update(
                    actions=[C.visit_pages[i].remove() for i in range(stored - MAX_VISIT_PAGES)],
                    condition=size(C.visit_pages) == stored,
                )
            except UpdateError as error:
                if not _conditional_failure(error):
                    raise
        return True

    def get_many(self, customer_ids: Sequence[str]) -> dict[str, Customer]:
        keys = [(f"CUSTOMER#{cid}", m.CUSTOMER_SK) for cid in dict.fromkeys(customer_ids)]
        return {item.id: _customer(item) for item in m.CustomerItem.batch_get(keys)}

    def link_email(self, address: str, customer_id: str) -> None:
        """Note another customer with this (proven) address: ``EMAIL#address`` / ``CUSTOMER#id``."""
        m.LinkItem(f"EMAIL#{address}", f"CUSTOMER#{customer_id}").save()

    def linked_customer_ids(self, address: str) -> builtins.list[str]:
        """The customers noted with ``link_email`` for this address (one Query)."""
        return [
            item.sk.removeprefix("CUSTOMER#")
            for item in m.LinkItem.query(f"EMAIL#{address}", m.LinkItem.sk.startswith("CUSTOMER#"))
        ]


# ---------------------------------------------------------------- agents

class DynamoAgentRepository:
    """Agents' profiles (their credentials live in the user pool)."""

    def get(self, agent_id: str) -> Agent | None:
        try:
            return self._from_item(m.AgentItem.get(m.AGENTS_PK, f"AGENT#{agent_id}"))
        except DoesNotExist:
            return None

    def list(self) -> list[Agent]:
        return [self._from_item(i) for i in m.AgentItem.query(m.AGENTS_PK)]

    def available_agents(self) -> builtins.list[Agent]:
        """The agents online with a live connection: one Query of the AGENTS partition whose
        filter returns only those (the widget asks on every visitor session, so only the few
        available profiles travel and are decoded; the read units are still the partition's)."""
        A = m.AgentItem
        return [self._from_item(i) for i in A.query(
            m.AGENTS_PK, filter_condition=(A.presence == "online") & (A.live_connections > 0)
        )]

    def save(self, agent: Agent) -> None:
        """Store a new agent's profile (presence and connections start empty)."""
        item = m.AgentItem(m.AGENTS_PK, f"AGENT#{agent.id}")
        item.id, item.email, item.name = agent.id, agent.email, agent.name
        item.role = agent.role.value
        item.created_at = to_iso(agent.created_at)
        item.save()

    def update_profile(self, agent_id: str, changes: dict[str, str | None]) -> Agent | None:
        """Set (or, for None, remove) profile fields; None if the agent has no profile."""
        A = m.AgentItem
        item = A(m.AGENTS_PK, f"AGENT#{agent_id}")
        actions = [getattr(A, name).remove() if value is None else getattr(A, name).set(value)
                   for name, value in changes.items()]
        try:
            item.update(actions=actions, condition=A.pk.exists())
        except UpdateError as error:
            if _conditional_failure(error):
                return None
            raise
        return self._from_item(item)

    def set_presence(self, agent_id: str, presence: str) -> None:
        m.AgentItem(m.AGENTS_PK, f"AGENT#{agent_id}").update(
            actions=[m.AgentItem.presence.set(presence)], condition=m.AgentItem.pk.exists()
        )

    def count_connection(self, agent_id: str, delta: int) -> None:
        """Count an agent's live connections, which decide whether they are reachable."""
        item = m.AgentItem(m.AGENTS_PK, f"AGENT#{agent_id}")
        try:
            item.update(
                actions=[m.AgentItem.live_connections.add(delta)], condition=m.AgentItem.pk.exists()
            )
        except UpdateError:
            return  # an account with no profile (created outside the desk): nothing to count
        if int(item.live_connections or 0) < 0:  # a lost connect: never count below zero
            item.update(actions=[m.AgentItem.live_connections.set(0)])

    def admin_update(
        self, agent_id: str, changes: dict[str, Any], *, by: str, keep_admin: str | None = None
    ) -> Agent | None:
        """An admin's change of an agent's ``role``, ``status``, ``teams``, ``capacity`` or
        ``languages`` (an empty value removes it); None if there is no such profile. With
        ``keep_admin``, only if that other agent is still an active admin, checked in the same
        transaction: two admins demoting each other at once cannot leave the desk without one."""
        A = m.AgentItem
        actions: list[Action] = [A.changed_by.set(by)]
        for name, value in changes.items():
            attribute = getattr(A, name)
            if value is None or value == [] or value == ():
                actions.append(attribute.remove())
            elif name == "teams":
                actions.append(attribute.set(set(value)))
            elif name == "languages":
                actions.append(attribute.set(list(value)))
            else:
                actions.append(attribute.set(value))
        key = (m.AGENTS_PK, f"AGENT#{agent_id}")
        if keep_admin is None:
            item = A(*key)
            try:
                item.update(actions=actions, condition=A.pk.exists())
            except UpdateError as error:
                if _conditional_failure(error):
                    return None
                raise
            return self._from_item(item)
        try:
            with TransactWrite(connection=m.DeskModel._get_connection().connection) as transaction:
                transaction.update(A(*key), actions=actions, condition=A.pk.exists())
                transaction.condition_check(
                    A, m.AGENTS_PK, f"AGENT#{keep_admin}",
                    condition=(A.role == Role.ADMIN.value) & (A.status.does_not_exist() | (A.status == "active")),
                )
        except TransactWriteError as error:
            reasons = [r.code for r in error.cancellation_reasons or () if r is not None]
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
                raise ConflictError(
                    "The desk must keep at least one active admin.", code="last_admin"
                ) from None
            raise
        return self.get(agent_id)

    @staticmethod
    def _from_item(item: m.AgentItem) -> Agent:
        live = int(item.live_connections or 0)
        return Agent(
            item.id, item.email, item.name, Role(item.role), from_iso(item.created_at),
            presence=(item.presence or "online") if live > 0 else "offline",
            live_connections=live,
            title=item.title, avatar_url=item.avatar_url, timezone=item.timezone, language=item.language,
            status=item.status or "active", teams=tuple(sorted(item.teams or ())),
            capacity=int(item.capacity) if item.capacity is not None else None,
            languages=tuple(item.languages or ()),
        )
