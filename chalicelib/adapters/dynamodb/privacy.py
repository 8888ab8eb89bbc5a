"""Everything the desk keeps about one customer, reached by key: for their export, their
erasure, and the retention of closed tickets (see ``models.py`` for the keys).

Nothing here scans. A customer's own items are in their partition (``CUSTOMER#id``: the
profile, their live chat connections, links to other people's tickets they wrote on and to
the proactive chat campaigns that greeted them); their
tickets come from ``tickets_by_customer``; a ticket's items from its partition
(``TICKET#id``: the ticket, its messages, its subscriptions); the mail references of a
ticket from its ``mailref_keys``; the tickets an address is copied on from
``EMAIL#address`` / ``CC#ticket``; the portal's note of a proven address and the sign-in
links mailed to it from ``EMAIL#address`` (``CUSTOMER#id``, ``PORTALLINK#digest``); a
visitor's chat dedupe records from ``DEDUPE#id``.
Items are returned as plain dicts of what is stored, so that an export holds every field,
including ones added after this was written.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from ...domain.privacy import message_files, ses_ref
from ...domain.search import address_texts, index_terms
from ...services.ports import StoredCustomer, StoredTicket
from . import models as m
from .campaigns import CAMPAIGN_PREFIX, campaign_marks
from .connections import visitor_connection_key
from .portal import DynamoPortalLinks
from .search import PREFIX as SEARCH_PREFIX
from .search import search_sk

KEYS = ("pk", "sk")


def _plain(value: dict[str, Any]) -> Any:
    """One DynamoDB-typed value as plain JSON-able Python."""
    ((kind, inner),) = value.items()
    if kind == "S" or kind == "BOOL":
        return inner
    if kind == "N":
        return int(inner) if re.fullmatch(r"-?[0-9]+", inner) else float(inner)
    if kind == "NULL":
        return None
    if kind == "L":
        return [_plain(v) for v in inner]
    if kind == "M":
        return {k: _plain(v) for k, v in inner.items()}
    if kind == "SS":
        return sorted(inner)
    if kind == "NS":
        return sorted(_plain({"N": n}) for n in inner)
    if kind == "B":
        return base64.b64encode(inner).decode() if isinstance(inner, bytes) else inner
    if kind == "BS":
        return sorted(base64.b64encode(b).decode() if isinstance(b, bytes) else b for b in inner)
    raise ValueError(f"unknown DynamoDB type {kind}")


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: _plain(value) for name, value in raw.items()}


def _raw_pages(results: Any) -> Iterator[dict[str, Any]]:
    for page in results.page_iter:
        for raw in page.get("Items", []):
            yield _item(raw)


def _partition(pk: str, prefix: str | None = None) -> Iterator[dict[str, Any]]:
    condition = m.DeskModel.sk.startswith(prefix) if prefix else None
    return _raw_pages(m.DeskModel.query(pk, range_key_condition=condition, page_size=100))


def _ignore_missing(error: Exception) -> None:
    if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
        raise error


class DynamoPrivacyStore:
    """Finds, deletes and expires what the desk keeps about a customer, by key."""

    # ---------------------------------------------------------------- reading

    def customer(self, customer_id: str) -> StoredCustomer | None:
        """The customer's partition: profile, live connections, tickets of others written on,
        campaigns that greeted them."""
        profile = None
        connections, written_on, campaigns = [], [], []
        for item in _partition(f"CUSTOMER#{customer_id}"):
            sk = item["sk"]
            if sk == m.CUSTOMER_SK:
                profile = {k: v for k, v in item.items() if k not in KEYS}
            elif sk.startswith("CONN#"):
                connections.append(sk.removeprefix("CONN#"))
            elif sk.startswith("TICKET#"):
                written_on.append(sk.removeprefix("TICKET#"))
            elif sk.startswith(CAMPAIGN_PREFIX):
                campaigns.append(sk.removeprefix(CAMPAIGN_PREFIX))
        if profile is None:
            return None
        return StoredCustomer(profile, connections, written_on, campaigns)

    def ticket_ids(self, customer_id: str) -> list[str]:
        """Every ticket of the customer (``tickets_by_customer``), newest activity first."""
        results = m.TicketItem.tickets_by_customer.query(
            customer_id, scan_index_forward=False, attributes_to_get=["id"], page_size=100
        )
        return [str(item["id"]) for item in _raw_pages(results)]

    def ticket(self, ticket_id: str) -> StoredTicket | None:
        """A ticket's whole partition: the ticket, its messages in order, its subscriptions."""
        ticket = None
        messages, subscriptions = [], []
        for item in _partition(m.ticket_pk(ticket_id)):
            sk = item["sk"]
            if sk == m.TICKET_SK:
                ticket = item
            elif sk.startswith(m.MESSAGE_SK_PREFIX):
                messages.append(item)
            elif sk.startswith(m.SUBSCRIPTION_SK_PREFIX):
                subscriptions.append(item)
        if ticket is None:
            return None
        return StoredTicket(ticket_id, ticket, messages, subscriptions)

    def claim_owner(self, claim: str) -> str | None:
        """Whose an e-mail address or a business's user id is (``EMAIL#…``, ``EXTUSER#…``)."""
        try:
            return m.CustomerClaimItem.get(claim, m.CLAIM_SK).customer_id
        except DoesNotExist:
            return None

    def suppression(self, address: str) -> dict[str, Any] | None:
        try:
            item = m.SuppressionItem.get(f"SUPPRESS#{address.lower()}", "#SUPPRESS")
        except DoesNotExist:
            return None
        return {"reason": item.reason, "at": item.at}

    def copied_on(self, address: str) -> list[str]:
        """Tickets this address is copied on (``EMAIL#address``, ``CC#ticket``)."""
        return [item["sk"].removeprefix("CC#") for item in _partition(f"EMAIL#{address}", "CC#")]

    def mail_refs(self, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
        """MAILREF items by their reference (BatchGetItem)."""
        keys = [(f"MAILREF#{ref}", "#MAILREF") for ref in sorted(set(refs))]
        found: dict[str, dict[str, Any]] = {}
        if not keys:
            return found
        for item in m.MailRefItem.batch_get(keys):
            found[item.pk.removeprefix("MAILREF#")] = {"ticket_id": item.ticket_id, "seq": item.seq}
        return found

    # ---------------------------------------------------------------- writing

    def note_written_on(self, customer_id: str, ticket_id: str) -> None:
        """Link a customer to someone else's ticket they wrote on (their erasure finds it)."""
        m.LinkItem(f"CUSTOMER#{customer_id}", f"TICKET#{ticket_id}").save()

    def delete_claim(self, claim: str, customer_id: str) -> bool:
        """Remove a claim if it is still this customer's."""
        try:
            m.CustomerClaimItem(claim, m.CLAIM_SK).delete(condition=m.CustomerClaimItem.customer_id == customer_id)
        except DeleteError as error:
            _ignore_missing(error)
            return False
        return True

    def delete_suppression(self, address: str) -> bool:
        try:
            m.SuppressionItem(f"SUPPRESS#{address.lower()}", "#SUPPRESS").delete(
                condition=m.SuppressionItem.pk.exists()
            )
        except DeleteError as error:
            _ignore_missing(error)
            return False
        return True

    def delete_ack_counters(self, address: str, hours: Iterable[str]) -> None:
        """The per-sender acknowledgement counters of these hours (they expire in two hours
        anyway; their key holds the address)."""
        self._delete([(f"COUNTER#ack#{address.lower()}#{hour}", m.COUNTER_SK) for hour in hours])

    def delete_dedupe_records(self, who: str) -> int:
        """A chat sender's message-id records (``DEDUPE#who``)."""
        return self._delete([(item["pk"], item["sk"]) for item in _partition(f"DEDUPE#{who}")])

    def forget_connection(self, customer_id: str, connection_id: str) -> None:
        """Remove a visitor's connection, its subscriptions and its link."""
        try:
            conn = m.ConnectionItem.get(f"CONN#{connection_id}", m.CONNECTION_SK)
            keys = [(topic, f"{m.SUBSCRIPTION_SK_PREFIX}{connection_id}") for topic in conn.topics or ()]
            keys.append((f"CONN#{connection_id}", m.CONNECTION_SK))
        except DoesNotExist:
            keys = []
        keys.append(visitor_connection_key(customer_id, connection_id))
        self._delete(keys)

    def delete_ticket(self, ticket: StoredTicket) -> None:
        """Delete a ticket and everything that leads to it. The ticket item goes last: until
        then ``tickets_by_customer`` still finds it, so an erasure cut short can run again."""
        self._forget_search(ticket, customer=True)
        self._delete_mail_refs(ticket.id, ticket.mail_ref_keys())
        links = [(f"EMAIL#{address}", f"CC#{ticket.id}") for address in ticket.copied()]
        links += [(f"CUSTOMER#{author}", f"TICKET#{ticket.id}") for author in ticket.other_authors()]
        self._delete(links)
        self._delete([(i["pk"], i["sk"]) for i in ticket.messages + ticket.subscriptions])
        self._delete([(m.ticket_pk(ticket.id), m.TICKET_SK)])

    def erase_messages(self, ticket: StoredTicket, seqs: set[int], body: str) -> list[str]:
        """Replace these messages' words with ``body`` and drop what points at their author
        (author id, files, mail references); the messages keep their place in the timeline.
        Returns the S3 keys they pointed at."""
        M = m.MessageItem
        self._forget_search(ticket, seqs=seqs)
        gone_refs = {ref for ref, where in self.mail_refs(ticket.mail_ref_keys()).items()
                     if where["ticket_id"] == ticket.id and where["seq"] in seqs}
        self._delete_mail_refs(ticket.id, gone_refs)
        for seq in sorted(seqs):
            try:
                M(m.ticket_pk(ticket.id), m.message_sk(seq)).update(
                    actions=[M.body.set(body), M.author_id.remove(), M.attachments.remove(),
                             M.source_key.remove(), M.html_key.remove(), M.text_key.remove()],
                    condition=M.pk.exists(),
                )
            except UpdateError as error:
                _ignore_missing(error)
        T = m.TicketItem
        thread = [ref for ref in ticket.thread_refs if ses_ref(ref) not in gone_refs]
        actions: list[Any] = [T.mail_refs.set(thread)] if thread != ticket.thread_refs else []
        if gone_refs:
            actions.append(T.mailref_keys.delete(gone_refs))
        if actions:
            self._update_ticket(ticket.id, actions)
        files: list[str] = []
        for msg in ticket.messages:
            if msg.get("seq") in seqs:
                files += message_files(msg)
        return files

    def uncopy(self, ticket_id: str, address: str) -> None:
        """Take an address off a ticket's copied list, and its link."""
        self._update_ticket(ticket_id, [m.TicketItem.cc_emails.delete({address})])
        self._delete([(f"EMAIL#{address}", f"CC#{ticket_id}")])

    def proven_address(self, address: str, customer_id: str) -> bool:
        """Whether the business proved this address the customer's (``EMAIL#address`` /
        ``CUSTOMER#id``, the portal's note)."""
        try:
            m.LinkItem.get(f"EMAIL#{address}", f"CUSTOMER#{customer_id}")
        except DoesNotExist:
            return False
        return True

    def portal_links(self, address: str) -> list[dict[str, Any]]:
        """The portal sign-in links mailed to an address (when each was good until, used)."""
        return [{k: v for k, v in link.items() if k != "digest"} for link in DynamoPortalLinks().of_address(address)]

    def delete_portal_links(self, address: str) -> int:
        return DynamoPortalLinks().delete_of_address(address)

    def unlink_address(self, address: str, customer_id: str) -> None:
        """Remove the note that this customer has this (proven) address (the portal's)."""
        self._delete([(f"EMAIL#{address}", f"CUSTOMER#{customer_id}")])

    def unlink_written_on(self, customer_id: str, ticket_id: str) -> None:
        self._delete([(f"CUSTOMER#{customer_id}", f"TICKET#{ticket_id}")])

    def delete_campaign_marks(self, customer_id: str, campaign_id: str) -> None:
        """A campaign's greeting of the customer and their answer, then the link to them."""
        self._delete(campaign_marks(customer_id, campaign_id))

    def begin_erasure(self, customer_id: str, at: str) -> None:
        """Mark the customer as being erased (if it is still there): no one finds it any more."""
        item = m.CustomerItem(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK)
        try:
            item.update(actions=[m.CustomerItem.erasing.set(at)], condition=m.CustomerItem.pk.exists())
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise

    def delete_customer(self, customer_id: str) -> None:
        self._delete([(f"CUSTOMER#{customer_id}", m.CUSTOMER_SK)])

    def expire(self, ticket: StoredTicket, at: int | None) -> int:
        """Set (``at``, epoch seconds) or remove (None) the TTL of every item the ticket
        reaches: its messages, mail references and links, and the ticket itself (last).
        Returns how many items were changed."""
        keys = [(f"MAILREF#{ref}", "#MAILREF") for ref in sorted(ticket.mail_ref_keys())]
        keys += [(f"EMAIL#{address}", f"CC#{ticket.id}") for address in ticket.copied()]
        keys += [(f"CUSTOMER#{author}", f"TICKET#{ticket.id}") for author in sorted(ticket.other_authors())]
        keys += [(msg["pk"], msg["sk"]) for msg in ticket.messages]
        keys.append((m.ticket_pk(ticket.id), m.TICKET_SK))
        # Any item will do as the model: the update writes only ``expires_at``, and only to
        # an item that exists (an update would otherwise create a key-only item).
        L = m.LinkItem
        action = L.expires_at.remove() if at is None else L.expires_at.set(at)
        changed = 0
        for pk, sk in keys:
            try:
                L(pk, sk).update(actions=[action], condition=L.pk.exists())
                changed += 1
            except UpdateError as error:
                _ignore_missing(error)
        return changed

    # ---------------------------------------------------------------- helpers

    def _delete_mail_refs(self, ticket_id: str, refs: Iterable[str]) -> None:
        """Delete MAILREF items that point at this ticket (a reference never belongs to two)."""
        for ref in sorted(set(refs)):
            try:
                m.MailRefItem(f"MAILREF#{ref}", "#MAILREF").delete(condition=m.MailRefItem.ticket_id == ticket_id)
            except DeleteError as error:
                _ignore_missing(error)

    def _update_ticket(self, ticket_id: str, actions: list[Any]) -> None:
        try:
            m.TicketItem(m.ticket_pk(ticket_id), m.TICKET_SK).update(actions=actions, condition=m.TicketItem.pk.exists())
        except UpdateError as error:
            _ignore_missing(error)

    def _forget_search(self, ticket: StoredTicket, *, customer: bool = False, seqs: set[int] | None = None) -> None:
        """Delete the ticket's search index entries made from what is erased (docs/search.md):
        the whole ticket (its subject, messages and customer), or only these messages' words
        that no other text of the ticket has. The terms are derived again, as indexing did."""
        number = ticket.attributes.get("number")
        if number is None:
            return
        texts = lambda msgs: [str(msg.get("body") or "") for msg in msgs]  # noqa: E731
        if seqs is None:
            erased = texts(ticket.messages) + [str(ticket.attributes.get("subject") or "")]
            if customer:
                try:
                    who = m.CustomerItem.get(f"CUSTOMER#{ticket.customer_id}", m.CUSTOMER_SK)
                    erased += address_texts(who.email, who.name)
                except DoesNotExist:
                    pass
            terms = index_terms(erased)
        else:
            kept = texts(msg for msg in ticket.messages if msg.get("seq") not in seqs)
            terms = index_terms(texts(msg for msg in ticket.messages if msg.get("seq") in seqs)) - index_terms(
                kept + [str(ticket.attributes.get("subject") or "")])
        self._delete([(f"{SEARCH_PREFIX}{term}", search_sk(int(number))) for term in sorted(terms)])

    @staticmethod
    def _delete(keys: list[tuple[str, str]]) -> int:
        """Delete items, 25 a request (BatchWriteItem); a missing item counts as deleted."""
        unique = list(dict.fromkeys(keys))
        with m.DeskModel.batch_write() as batch:
            for pk, sk in unique:
                batch.delete(m.DeskModel(pk, sk))
        return len(unique)
