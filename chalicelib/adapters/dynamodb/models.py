"""The desk's one DynamoDB table, described as PynamoDB models.

This module is the single definition of the table: the local stack creates it from
``table_schema()`` and ``infra/`` turns the same schema into the CloudFormation resource.
Every request path reads it with GetItem, Query or a transaction on a key listed here;
nothing scans it. ``docs/data-model.md`` explains the design.

Items (pk / sk):

    TICKET#<ticket id>      #TICKET                 a ticket
    TICKET#<ticket id>      MSG#<seq, 12 digits>    its messages, in order
    CUSTOMER#<customer id>  #CUSTOMER               a customer (contact)
    EMAIL#<address>         #CLAIM                  address -> customer id (unique)
    EXTUSER#<user id>       #CLAIM                  a business's user id -> customer id
    AGENTS                  AGENT#<agent id>        an agent's profile
    COUNTER#<name>          #COUNTER                an atomic counter (ticket numbers)
    CONN#<connection id>    #CONN                   a live websocket connection
    TICKET#<ticket id>      SUB#<connection id>     a connection subscribed to a conversation
    TOPIC#agents            SUB#<connection id>     an agent's connection (desk-wide events)
    DEDUPE#<who>            CLIENT#<client id>      a chat message's client id (one day)
    MAILREF#<message id>    #MAILREF                a mail's Message-ID -> ticket (threading)
    MAILREF#ses:<id>        #MAILREF                an SES delivery (delivered-twice dedupe)
    SUPPRESS#<address>      #SUPPRESS               no mail to this address (bounce, complaint)
    COUNTER#ack#<addr>#<hour> #COUNTER              acknowledgements sent to an address (TTL)
    RATE#<limit>#<client>#<window> #RATE            a client's requests to a public endpoint in
                                                    one rate window (client: an IP, or a hash
                                                    of an e-mail address; TTL)
    RATE#used#<link nonce>  #RATE                   a single-use link's uses (a visitor's address
                                                    confirmation; the first to count 1 uses it; TTL)
    CONFIG                  CALENDAR#<id>           business hours of the desk or a team
    CONFIG                  SLA#POLICIES            the SLA policies, in order
    CONFIG                  CANNED#<id>             a canned response (title, body with placeholders)
    CONFIG                  SETTING#<name>          a setting set in the console (mail: display name and
                                                    signature; retention: days by channel)
    PRIVACY                 <requested at>#<id>     a customer export or erasure and its state
    CUSTOMER#<customer id>  CONN#<connection id>    a live connection of this chat visitor (TTL)
    CUSTOMER#<customer id>  TICKET#<ticket id>      someone else's ticket this customer wrote on
    EMAIL#<address>         CC#<ticket id>          a ticket this address is copied on
    AUDIT#<yyyy-mm>         <time>#<entry id>       an agent's action, ids only (the audit log)
    EVENT#<event id>        #REACTIONS              what became of each reaction to a stream
                                                    event: done, failing (attempts, last error)
                                                    or parked (TTL)
    FAILED                  <failure id>            a reaction given up on: the event's envelope
                                                    and the error, until replayed or dismissed
    INVITES                 INVITE#<invite id>      an invitation to join the team (address, role,
                                                    revision, valid until; TTL some days after)
    CONFIG                  TEAM#<slug>             a team (its name); members are on the agents
    PORTALLINK#<sha256 of token> #PORTALLINK        a customer portal sign-in link: the address it
                                                    signs in, until when, whether used; one asked
                                                    for also its nonce, language, base URL (TTL)
    EMAIL#<address>         PORTALLINK#<sha256>     a sign-in link mailed to this address (written
                                                    before the link: erasure finds it by it; TTL)
    EMAIL#<address>         CUSTOMER#<customer id>  another customer with this address, proven by
                                                    the business (a signed-in widget user): the
                                                    portal shows their tickets to the address
    CONFIG                  WIDGET#SETTINGS         the chat widget's settings (adapters/dynamodb/campaigns.py)
    CONFIG                  CAMPAIGN#<id>           a proactive chat campaign (Query begins_with CAMPAIGN#)
    CAMPAIGN#<id>           SHOWN#<customer id>     this visitor was greeted (PutItem if not exists: once)
    CAMPAIGN#<id>           REPLIED#<customer id>   this visitor answered the greeting (the same)
    CUSTOMER#<customer id>  CAMPAIGN#<id>           a campaign that greeted this customer (written
                                                    before SHOWN#: erasure finds both marks by it)
    COUNTER#campaign#<id>#shown|replied #COUNTER    the counts (ADD from the stream; BatchGetItem)
    KB                      ARTICLE#<slug>#<locale> a knowledge-base article in one language (Markdown,
                                                    its rendered HTML, category, keywords, status, rev)
    KB                      CATEGORY#<slug>         a knowledge-base category (names by language, position)
    KB                      SETTING#kb              the knowledge base's settings (default language, editors,
                                                    the bot, the help center's name, logo, colour)
    KB                      #INDEX                  which search index in the bucket is current (version,
                                                    key, digest of what it holds): docs/knowledge-base.md
    KBREV#<slug>#<locale>   REV#<rev, 6 digits>     an earlier revision of an article (title, body ...)
    KBSTATS#<yyyy-mm>       <dd>[#A#<slug>#<locale> | #Q#<words>]  the knowledge base's counters of a
                                                    day: totals, an article's, a search that found nothing
    KBBOT#due               <due at>#<ticket id>    a chat the FAQ bot answered, looked at again 72 hours on
    SEARCH#<term>           T#<ticket number, 12 digits>  a ticket has this word (or prefix of one)
                                                    in its subject, messages or customer
                                                    (docs/search.md; written from the stream)

Attributes that ride on an item rather than having their own: a ticket's ``csat`` (the
customer's latest rating), a customer's ``visit_pages`` (the last pages a chat visitor
opened, oldest first), an agent's profile (``title``, ``avatar_url``, ``timezone``, the console's ``language``).

Items with ``expires_at`` are removed by DynamoDB's TTL.

Access patterns:

    ticket by id                          GetItem  TICKET#id / #TICKET
    ticket by number (#1001)              Query    tickets_by_number   number = n
    tickets, newest activity first        Query    tickets_by_activity entity = ticket
    tickets by status                     Query    tickets_by_status   status = s
    tickets by assignee (or unassigned)   Query    tickets_by_assignee assignee_key = id | "-"
    tickets by team (or none)             Query    tickets_by_team     team_key = team | "-"
    tickets by customer                   Query    tickets_by_customer customer_id = id
      (all five sorted by ``activity`` = last activity + id, read backwards; further
       filters - priority, tag, a second of the keys above - are filter expressions on
       the most selective of these, read a bounded number of pages per request)
    messages of a ticket in order         Query    TICKET#id, sk begins_with MSG#
    customer by id                        GetItem  CUSTOMER#id / #CUSTOMER
    customer by email                     GetItem  EMAIL#address, then GetItem customer
    customer by the business's user id    GetItem  EXTUSER#id, then GetItem customer

Write order instead of transactions: a child item (a message, a new customer) is written
before the item that makes it reachable (its ticket, its e-mail claim), so a failure in
between leaves only an unreachable item, and nothing is lost or half-visible. One exception:
a new ticket and its first message are one transaction, so that the stream's record of the
message (a mail's has a message.created of its own) always finds its ticket.
    agent by id / all agents              GetItem / Query  AGENTS
    is anyone available (each widget      Query AGENTS, filtered to presence online with live
      session and config)                   connections: the partition's read units (a team: tens
                                            of small items), only the available ones returned
    next ticket number                    UpdateItem ADD on COUNTER#ticket_number
    connection by id                      GetItem  CONN#id / #CONN
    connections to deliver a frame to     Query    TICKET#id (or TOPIC#agents), sk begins_with SUB#
    a resent chat message                 PutItem if not exists / GetItem DEDUPE#who / CLIENT#client id
    the ticket a mail replies to          GetItem  MAILREF#<id> for In-Reply-To, References
    a mail delivered twice                PutItem if not exists MAILREF#<id>, MAILREF#ses:<id>
    a public endpoint's rate limit        UpdateItem ADD value 1 on RATE#<limit>#<client>#<window>
                                          (returns the count: one write, no read, per request)
    a calendar / all calendars            GetItem CONFIG / CALENDAR#id; Query CONFIG begins_with CALENDAR#
    the SLA policies                      GetItem CONFIG / SLA#POLICIES
    SLA timers due now (the minute tick)  Query    tickets_by_timer    timer_pk = "due", timer_at <= now
      (sparse: only tickets with a warning or breach still to come carry timer_pk, so a
       tick reads what is due, not every open ticket)
    an SLA escalation runs once           UpdateItem ADD sla_fired if it lacks the mark
    one out-of-hours reply per period     UpdateItem SET ooh_period if it differs
    the FAQ bot's part in a chat          UpdateItem SET bot if bot is the state expected (returns the
                                          old item: the change as [old, new])
    tickets by channel                    a filter expression (channel = c) on the index above
    rate a conversation (CSAT)            UpdateItem SET csat if status is solved or closed
                                          (returns the old item: the change as [old, new])
    a page the visitor opened             UpdateItem SET visit_pages = list_append(...)
                                          (past 30 entries, a second UpdateItem trims to 20)
    an agent's profile edit               UpdateItem SET/REMOVE name, title, avatar_url, timezone,
                                          language
    canned responses / one                Query CONFIG begins_with CANNED#; GetItem CONFIG / CANNED#id
    save / delete a canned response       PutItem / DeleteItem if it exists  CONFIG / CANNED#id
    a console setting / save it           GetItem / PutItem CONFIG / SETTING#name (cached 30 s)
    privacy requests, newest first        Query    PRIVACY, read backwards, limit n
    a privacy request's state             PutItem  PRIVACY / <requested at>#<id> (same key each time)
    everything about a customer           Query CUSTOMER#id (profile, live connections, tickets of
      (export, erasure)                   others written on, campaigns that greeted them: then
                                          CAMPAIGN#id / SHOWN#, REPLIED# by key); Query
                                          tickets_by_customer; Query TICKET#id per ticket; Query EMAIL#address begins_with CC#;
                                          Query DEDUPE#customer id; GetItem MAILREF# for each of the
                                          ticket's ``mailref_keys``; then DeleteItem/BatchWriteItem
    expire a closed ticket (retention)    UpdateItem SET expires_at on each item the ticket reaches
    the audit log of a month              Query    AUDIT#yyyy-mm, sorted by time
    the audit log of one id               Query    audit_by_target     target_id = id, sorted by time
      (sparse: only entries with a target id - a ticket, customer, agent or calendar -
       carry target_id, so one ticket's history is read across months without the rest)
    an audit entry written once           PutItem if not exists (its key comes from the event)
    what was done for a stream event      GetItem  EVENT#<event id> / #REACTIONS (consistent)
    its reactions done / failed / parked  PutItem  the same item, once per delivery
    failed reactions, newest first        Query    FAILED, read backwards
    a knowledge-base article              GetItem  KB / ARTICLE#slug#locale
    an article's translations (the page's Query    KB, sk begins_with ARTICLE#slug# (the slug holds no
      hreflang links)                               '#', so one slug's prefix is not another's)
    every article (editors' list, the     Query    KB, sk begins_with ARTICLE# (the editors' tool and
      index build on publish)                       the stream's rebuild: not a reader's request)
    save an article                       PutItem  KB / ARTICLE# if rev is the one the editor read,
                                                   then PutItem KBREV# / REV#n (the history)
    an article's revisions                Query    KBREV#slug#locale, newest first
    categories                            Query    KB, sk begins_with CATEGORY#
    the current search index              GetItem  KB / #INDEX (each instance, every few seconds
                                                   when searched); PutItem if version is older
    count a search, view, vote, bot answer UpdateItem ADD on KBSTATS#<month> / <day> (and <day>#A#article)
    the knowledge base's report           Query    KBSTATS#<month> (one per month of the range)
    bot answers due for a verdict         Query    KBBOT#due, sk <= now (the minute schedule)
    one failed reaction                   GetItem  FAILED / <failure id>
    an agent, checked on every request    GetItem  AGENTS / AGENT#id (deactivated or removed:
                                          refused; the role is the profile's)
    an admin's edit of an agent           UpdateItem AGENTS / AGENT#id if it exists; a demotion,
                                          deactivation or removal of an admin is a transaction
                                          with a condition check that another admin stays active
    an agent by address (invite, accept)  Query AGENTS (the team: tens of items)
    invitations / one / make or renew     Query INVITES; GetItem INVITES / INVITE#id; UpdateItem
                                          ADD rev 1 (the stream sees the new revision: the mail)
    accept an invitation (single use)     DeleteItem INVITES / INVITE#id if rev is the link's
    revoke an invitation                  DeleteItem if it exists
    teams / one / save / delete           Query CONFIG begins_with TEAM#; GetItem; PutItem;
                                          DeleteItem if it exists (then UpdateItem each member)
    an agent's open tickets (departure)   Query tickets_by_assignee assignee_key = agent id
    store a portal sign-in link           PutItem EMAIL#address / PORTALLINK#<digest>, then
                                          PutItem if not exists PORTALLINK#<digest>
    an address's sign-in links (erasure,  Query EMAIL#address begins_with PORTALLINK#, then
      export)                             GetItem / DeleteItem PORTALLINK#<digest> each
    use a portal sign-in link once        UpdateItem SET used_at if not used and not expired
                                          (a refusal reads the item: used, expired or unknown)
    a portal customer's tickets           GetItem EMAIL#address / #CLAIM and Query EMAIL#address
                                          begins_with CUSTOMER#, then Query tickets_by_customer
                                          for each customer id
    tickets with a search term            Query    SEARCH#term, sk < T#<cursor>, read backwards,
                                                   at most a few hundred per term (newest first)
    index a ticket's words                BatchWriteItem SEARCH#term / T#number (idempotent puts)
    a merged ticket's target              GetItem  TICKET#id (``merged_into``), then GetItem the target

The table's stream (new and old images) carries every change to the stream function, which
derives the events from it: a ticket written is ``ticket.opened``; a ticket whose subject,
status, priority, assignee, team, tags or rating changed is ``ticket.changed`` (by the agent
in ``changed_by``, set by every write that changes one of those); a new mark in
``sla_fired`` is ``sla.escalated``; a message written is ``message.created`` (unless it was
written with its ticket: ``opening``); an invitation written with a new ``rev`` is
``agent.invited``; an agent whose ``status`` left ``active`` is ``agent.departed``; a portal
sign-in link written with a ``nonce`` (asked for) is ``portal.link_requested`` (its mail).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, cast

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection.base import MetaTable
from pynamodb.connection.table import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import MetaProtocol, Model

TICKET_SK = "#TICKET"
CUSTOMER_SK = "#CUSTOMER"
CLAIM_SK = "#CLAIM"
COUNTER_SK = "#COUNTER"
AGENTS_PK = "AGENTS"
MESSAGE_SK_PREFIX = "MSG#"
SUBSCRIPTION_SK_PREFIX = "SUB#"
CONNECTION_SK = "#CONN"
TTL_ATTRIBUTE = "expires_at"
NONE_KEY = "-"  # stands for 'no assignee' / 'no team' in index keys
EVENT_PK_PREFIX = "EVENT#"
REACTIONS_SK = "#REACTIONS"
FAILED_PK = "FAILED"
INVITES_PK = "INVITES"
INVITE_SK_PREFIX = "INVITE#"
CONFIG_PK = "CONFIG"
TEAM_SK_PREFIX = "TEAM#"
KB_PK = "KB"
ARTICLE_SK_PREFIX = "ARTICLE#"
CATEGORY_SK_PREFIX = "CATEGORY#"
KB_INDEX_SK = "#INDEX"
KB_REVISION_PK_PREFIX = "KBREV#"
# The stream function reads both images: a change is the difference between them.
STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES"


def ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


def message_sk(seq: int) -> str:
    return f"{MESSAGE_SK_PREFIX}{seq:012d}"


_connection_lock = threading.Lock()


class DeskModel(Model):
    """Shared key schema of every item in the table, and the one connection to it."""

    class Meta:
        table_name = "desk"
        region = "us-east-1"
        billing_mode = "PAY_PER_REQUEST"
        # As the app's boto3 clients (bootstrap: the broadcaster's parallel posts); the local
        # stack also runs many handlers at once in one process over this one pool.
        max_pool_connections = 16

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # PynamoDB keeps a connection, with its own botocore client, per model class: a cold
        # start's first event built up to nine, most of its time. All the models are one table,
        # so they share one connection (held on this class; configure() drops it), whose schema
        # is the whole table's, so that a query on any model's index finds its keys.
        connection = DeskModel._connection
        if connection is None or connection.table_name != DeskModel.Meta.table_name:
            with _connection_lock:
                connection = DeskModel._connection
                if connection is None or connection.table_name != DeskModel.Meta.table_name:
                    connection = DeskModel._connection = _table_connection()
        return connection


def _activity_index(name: str, hash_attr: str) -> type[GlobalSecondaryIndex]:
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    attrs: dict[str, Any] = {
        "Meta": meta,
        hash_attr: UnicodeAttribute(hash_key=True),
        "activity": UnicodeAttribute(range_key=True),
    }
    return type(f"{name}_index", (GlobalSecondaryIndex,), attrs)


class TicketsByNumber(GlobalSecondaryIndex):
    class Meta:
        index_name = "tickets_by_number"
        projection = AllProjection()

    number = NumberAttribute(hash_key=True)


class TicketsByTimer(GlobalSecondaryIndex):
    class Meta:
        index_name = "tickets_by_timer"
        projection = AllProjection()

    timer_pk = UnicodeAttribute(hash_key=True)
    timer_at = UnicodeAttribute(range_key=True)


TIMER_PK = "due"


class AuditByTarget(GlobalSecondaryIndex):
    class Meta:
        index_name = "audit_by_target"
        projection = AllProjection()

    target_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class CsatMap(MapAttribute):
    score = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    rated_at = UnicodeAttribute()


class VisitPageMap(MapAttribute):
    url = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


class TicketItem(DeskModel):
    entity = UnicodeAttribute(default="ticket")
    id = UnicodeAttribute()
    number = NumberAttribute()
    subject = UnicodeAttribute()
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    channel = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    assignee_id = UnicodeAttribute(null=True)
    team = UnicodeAttribute(null=True)
    # PynamoDB's stubs type a list 'of' an attribute class as holding that class; it holds str.
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    last_activity_at = UnicodeAttribute()
    solved_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    message_count = NumberAttribute(default=0)
    # the thread's Message-IDs, oldest first (str, whatever the stubs say: see ``tags``)
    mail_refs: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    language = UnicodeAttribute(null=True)  # the customer's, when detected
    cc_emails = UnicodeSetAttribute(null=True)  # people copied on the ticket's mail
    customer_read_seq = NumberAttribute(null=True)  # read receipts: the last seq each side saw
    agent_read_seq = NumberAttribute(null=True)
    # Optimistic locking, managed explicitly: edits bump it, appending a message does not.
    version = NumberAttribute(default=1)
    # Index keys, derived from the fields above on every write.
    activity = UnicodeAttribute()
    assignee_key = UnicodeAttribute()
    team_key = UnicodeAttribute()

    tickets_by_activity = _activity_index("tickets_by_activity", "entity")()
    tickets_by_status = _activity_index("tickets_by_status", "status")()
    tickets_by_assignee = _activity_index("tickets_by_assignee", "assignee_key")()
    tickets_by_team = _activity_index("tickets_by_team", "team_key")()
    tickets_by_customer = _activity_index("tickets_by_customer", "customer_id")()
    tickets_by_number = TicketsByNumber()
    # SLA: the clocks (JSON, see domain.sla), a revision for compare-and-set, the escalations
    # already run, and the next instant the scheduler must look (sparse index keys).
    sla = UnicodeAttribute(null=True)
    sla_rev = NumberAttribute(null=True)
    sla_fired = UnicodeSetAttribute(null=True)
    timer_pk = UnicodeAttribute(null=True)
    timer_at = UnicodeAttribute(null=True)
    tickets_by_timer = TicketsByTimer()
    ooh_period = UnicodeAttribute(null=True)  # the closed period an out-of-hours reply was sent in
    ooh_claimant = UnicodeAttribute(null=True)  # the event that claimed it (a retry may finish)
    csat = CsatMap(null=True)  # the customer's latest rating (set only when solved or closed)
    # Privacy: every MAILREF key written for the ticket (erasure and retention reach them by
    # key), and the TTL a closed ticket gets when retention is on (removed if reopened).
    mailref_keys = UnicodeSetAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    # Who made the last change the stream reports as ticket.changed: an agent id, 'sla', or
    # absent for a customer (their message reopened it, their rating).
    changed_by = UnicodeAttribute(null=True)
    customer_timezone = UnicodeAttribute(null=True)  # a chat visitor's, for notices in their time
    merged_into = UnicodeAttribute(null=True)  # merged (and closed): the ticket it went into
    public_url = UnicodeAttribute(null=True)  # where the web form's request reached the desk (its mail's links)
    bot = UnicodeAttribute(null=True)  # the FAQ bot's part: active, handed_off, ended (domain/bot.py)


class AttachmentMap(MapAttribute):
    key = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    inline = BooleanAttribute(null=True)
    content_id = UnicodeAttribute(null=True)


class MessageItem(DeskModel):
    attachments = ListAttribute(of=AttachmentMap, null=True)
    source_key = UnicodeAttribute(null=True)
    thread_rule = UnicodeAttribute(null=True)
    html_key = UnicodeAttribute(null=True)
    text_key = UnicodeAttribute(null=True)  # a long mail's whole text (the body is an excerpt)
    articles = UnicodeAttribute(null=True)  # the FAQ bot's answer: JSON [[slug, title, url], ...]
    marker = UnicodeAttribute(null=True)  # an automatic message's meaning: "handoff"
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    seq = NumberAttribute()
    kind = UnicodeAttribute()
    author_type = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    channel = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)  # its ticket's, when a closed ticket expires
    opening = BooleanAttribute(null=True)  # written with its ticket (no message.created of its own)
    delivery = UnicodeAttribute(null=True)  # an agent's reply by mail: pending, sent, retrying, failed
    delivery_error = UnicodeAttribute(null=True)
    mail_id = UnicodeAttribute(null=True)  # the id SES gave the mail that carried it
    auto_reply = UnicodeAttribute(null=True)  # an inbound mail's automatic answer: acknowledgement, away_notice
    auto_reply_to = UnicodeAttribute(null=True)


class CustomerItem(DeskModel):
    id = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    email_proven = BooleanAttribute(null=True)  # see Customer.email_proven
    created_at = UnicodeAttribute()
    visit_pages = ListAttribute(of=VisitPageMap, null=True)  # the chat visitor's last pages, oldest first
    # Set when an erasure begins: from then on the customer is not found (no session renewal,
    # no new conversation), while the erasure, which reads the partition itself, goes on.
    erasing = UnicodeAttribute(null=True)


class CustomerClaimItem(DeskModel):
    """A unique key (an e-mail address, an external user id) that belongs to one customer."""

    customer_id = UnicodeAttribute()


class AgentItem(DeskModel):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    created_at = UnicodeAttribute()
    presence = UnicodeAttribute(null=True)  # online / away; offline when unset
    live_connections = NumberAttribute(default=0)
    title = UnicodeAttribute(null=True)  # the profile visitors see: "Support lead"
    avatar_url = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)  # the console's, for this agent (absent: the browser's)
    # Set by admins (absent on older profiles: active, no teams, no limit, no languages).
    status = UnicodeAttribute(null=True)  # active / deactivated / removed
    teams = UnicodeSetAttribute(null=True)
    capacity = NumberAttribute(null=True)  # chats at once
    # PynamoDB's stubs type a list 'of' an attribute class as holding that class; it holds str.
    languages: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    changed_by = UnicodeAttribute(null=True)  # the admin who last changed status (agent.departed)


class InviteItem(DeskModel):
    """An invitation to join the team (``INVITES`` / ``INVITE#<id>``)."""

    id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    invited_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    rev = NumberAttribute(default=0)
    console_url = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)  # TTL: some days after valid_until


class TeamItem(DeskModel):
    """A team (``CONFIG`` / ``TEAM#<slug>``); its members are the agents whose ``teams`` name it."""

    name = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ConnectionItem(DeskModel):
    """A live websocket connection; removed on disconnect or on the first 410 (GoneException)."""

    connection_id = UnicodeAttribute()
    role = UnicodeAttribute()
    principal_id = UnicodeAttribute()
    connected_at = UnicodeAttribute()
    topics = UnicodeSetAttribute(null=True)  # the partitions it has a subscription item in
    rate_window = NumberAttribute(default=0)
    rate_count = NumberAttribute(default=0)
    rate_limit = NumberAttribute(default=40)  # frames per window, by role
    sent_seq = NumberAttribute(default=0)  # the client_seq of the last message stored from it
    expires_at = NumberAttribute()  # TTL: API Gateway closes connections after 2 hours


class SubscriptionItem(DeskModel):
    """A connection that receives a conversation's (or a topic's) frames."""

    connection_id = UnicodeAttribute()
    role = UnicodeAttribute()
    principal_id = UnicodeAttribute()
    expires_at = NumberAttribute()


class MailRefItem(DeskModel):
    """A mail's Message-ID (or SES id) -> where it went: threading and delivery dedupe."""

    ticket_id = UnicodeAttribute(null=True)
    seq = NumberAttribute(null=True)
    direction = UnicodeAttribute()  # in / out
    state = UnicodeAttribute()  # pending while an inbound mail is being stored, then done
    claimed_at = NumberAttribute()
    expires_at = NumberAttribute(null=True)  # its ticket's, when a closed ticket expires


class SuppressionItem(DeskModel):
    """An address mail must not be sent to (it bounced for good, or complained)."""

    reason = UnicodeAttribute()
    at = UnicodeAttribute()


class DedupeItem(DeskModel):
    """A client's message id, so that a frame sent again after a reconnect is stored once."""

    ticket_id = UnicodeAttribute(null=True)
    seq = NumberAttribute(null=True)
    expires_at = NumberAttribute()


class ConfigItem(DeskModel):
    """A piece of the desk's configuration, as validated JSON."""

    data = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class CounterItem(DeskModel):
    value = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)


class LinkItem(DeskModel):
    """A key that leads to another item, so that erasure and retention find it by key: a chat
    visitor's live connection, someone else's ticket a customer wrote on, a ticket an address
    is copied on. Holds nothing but its keys (and a TTL)."""

    expires_at = NumberAttribute(null=True)


class AuditItem(DeskModel):
    """An agent's action (the audit log): who, when, what, on which id; never personal data."""

    id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()  # an agent id, or 'sla' for escalations
    action = UnicodeAttribute()
    target_type = UnicodeAttribute(null=True)
    target_id = UnicodeAttribute(null=True)
    details = UnicodeAttribute(null=True)  # JSON: changed fields, counts, ids
    audit_by_target = AuditByTarget()  # sparse: entries without a target id are not in it


class ReactionItem(DeskModel):
    """What became of the reactions to one stream event (``EVENT#<id>`` / ``#REACTIONS``)."""

    reactions = UnicodeAttribute()  # JSON: reaction -> {state: done|failing|parked, attempts, error}
    expires_at = NumberAttribute()  # long after the stream (24 hours) could deliver it again


class FailedReactionItem(DeskModel):
    """A reaction given up on (``FAILED`` / ``<failure id>``): what an admin replays."""

    reaction = UnicodeAttribute()
    event = UnicodeAttribute()  # JSON: the event's envelope
    error = UnicodeAttribute()
    attempts = NumberAttribute()
    parked_at = UnicodeAttribute()


class PortalLinkItem(DeskModel):
    """A one-time sign-in link of the customer portal, keyed by its token's SHA-256."""

    email = UnicodeAttribute()  # the address it signs in (its owner read the mail)
    valid_until = NumberAttribute()  # epoch seconds
    used_at = NumberAttribute(null=True)
    expires_at = NumberAttribute()  # TTL: a day after it stopped being valid
    # A link someone asked for (not the web form's acknowledgement's): what its mail needs.
    # Never the token: it derives from the nonce with the desk's key (domain.portal).
    nonce = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    base_url = UnicodeAttribute(null=True)  # where the request reached the desk


class ArticleItem(DeskModel):
    """One language's version of a knowledge-base article (``KB`` / ``ARTICLE#slug#locale``)."""

    slug = UnicodeAttribute()
    locale = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()  # Markdown
    html = UnicodeAttribute()  # rendered and sanitised when saved
    category = UnicodeAttribute()
    keywords = UnicodeAttribute(default="[]")  # JSON list, in the editor's order
    status = UnicodeAttribute()
    rev = NumberAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)
    published_at = UnicodeAttribute(null=True)


class ArticleRevisionItem(DeskModel):
    """An article as it was saved once (``KBREV#slug#locale`` / ``REV#n``)."""

    title = UnicodeAttribute()
    body = UnicodeAttribute()
    category = UnicodeAttribute()
    keywords = UnicodeAttribute(default="[]")
    status = UnicodeAttribute()
    at = UnicodeAttribute()
    by = UnicodeAttribute(null=True)


class KbIndexItem(DeskModel):
    """The current search index of the knowledge base (``KB`` / ``#INDEX``)."""

    version = NumberAttribute()
    key = UnicodeAttribute()
    digest = UnicodeAttribute()
    articles = NumberAttribute()
    size = NumberAttribute()
    built_at = UnicodeAttribute()


class KbStatsItem(DeskModel):
    """A day's (or an article's, or a query's) counters; only the ones counted are present."""

    searches = NumberAttribute(null=True)
    no_result = NumberAttribute(null=True)
    views = NumberAttribute(null=True)
    helpful = NumberAttribute(null=True)
    unhelpful = NumberAttribute(null=True)
    bot_answers = NumberAttribute(null=True)
    handoffs = NumberAttribute(null=True)
    bot_resolved = NumberAttribute(null=True)
    answered = NumberAttribute(null=True)
    times = NumberAttribute(null=True)  # a search without results: how often
    expires_at = NumberAttribute(null=True)  # a search's words go after 90 days (what a reader typed)


class BotDueItem(DeskModel):
    ticket_id = UnicodeAttribute()
    answered_on = UnicodeAttribute()  # the day of the bot's answer (yyyy-mm-dd): where it counts



class SearchItem(DeskModel):
    """A ticket has a term (``SEARCH#<term>`` / ``T#<number>``): one entry of the search index."""

    ticket_id = UnicodeAttribute()


MODELS: tuple[type[DeskModel], ...] = (
    DeskModel,
    TicketItem,
    MessageItem,
    CustomerItem,
    CustomerClaimItem,
    AgentItem,
    CounterItem,
    ConnectionItem,
    SubscriptionItem,
    DedupeItem,
    MailRefItem,
    SuppressionItem,
    ConfigItem,
    LinkItem,
    AuditItem,
    ReactionItem,
    FailedReactionItem,
    InviteItem,
    TeamItem,
    PortalLinkItem,
    SearchItem,
    ArticleItem,
    ArticleRevisionItem,
    KbIndexItem,
    KbStatsItem,
    BotDueItem,
)


def configure(*, table_name: str, region: str, host: str | None) -> None:
    """Point every model at the table (called once per cold start by the bootstrap)."""
    for model in MODELS:
        meta = cast(MetaProtocol, model.Meta)  # the settings PynamoDB reads, declared or not
        meta.table_name = table_name
        meta.region = region
        meta.host = host
    DeskModel._connection = None  # the next use connects to the table configured here


def _table_connection() -> TableConnection:
    meta = cast(MetaProtocol, DeskModel.Meta)  # PynamoDB filled in the settings not set above
    connection = TableConnection(
        meta.table_name, meta_table=MetaTable(table_schema()), region=meta.region, host=meta.host,
        connect_timeout_seconds=meta.connect_timeout_seconds, read_timeout_seconds=meta.read_timeout_seconds,
        max_retry_attempts=meta.max_retry_attempts, max_pool_connections=meta.max_pool_connections,
        extra_headers=meta.extra_headers, aws_access_key_id=meta.aws_access_key_id,
        aws_secret_access_key=meta.aws_secret_access_key, aws_session_token=meta.aws_session_token,
    )
    # Built here, under the lock: PynamoDB builds the client on first use without one, and
    # two threads' first requests (the local stack) would each build their own.
    connection.connection.client  # noqa: B018
    return connection


def _keys(key_schema: Sequence[Mapping[str, object]]) -> list[dict[str, str]]:
    # DynamoDB and CloudFormation want the HASH key first.
    keys = [{"AttributeName": str(k["AttributeName"]), "KeyType": str(k["KeyType"])} for k in key_schema]
    return sorted(keys, key=lambda k: k["KeyType"] != "HASH")


def table_schema() -> dict[str, Any]:
    """The table as CreateTable parameters (DynamoDB API casing), from the models above."""
    attributes: dict[str, str] = {}
    indexes: dict[str, dict[str, Any]] = {}
    for model in MODELS:
        schema = model._get_schema()
        for attr in schema["attribute_definitions"]:
            attributes[attr["AttributeName"]] = attr["AttributeType"]
        for index in schema.get("global_secondary_indexes", []):
            indexes[index["index_name"]] = {
                "IndexName": index["index_name"],
                "KeySchema": _keys(index["key_schema"]),
                "Projection": {"ProjectionType": index["projection"]["ProjectionType"]},
            }
    return {
        "TableName": DeskModel.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _keys(DeskModel._get_schema()["key_schema"]),
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in sorted(attributes.items())
        ],
        "GlobalSecondaryIndexes": [indexes[name] for name in sorted(indexes)],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": STREAM_VIEW_TYPE},
    }
