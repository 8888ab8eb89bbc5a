"""The composition root: builds the adapters and services once per cold start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from .config import Settings
from .domain.clock import utcnow

if TYPE_CHECKING:
    from datetime import datetime

if TYPE_CHECKING:  # imported in build(): importing the app must stay cheap (cold start)
    from .adapters.files import S3Files
    from .reactions import Reaction
    from .services.agents import AgentService
    from .services.audit import AuditLog
    from .services.bot import FaqBot
    from .services.campaigns import CampaignService
    from .services.canned import CannedResponseService
    from .services.chat import ChatRepliesByMail, ChatService
    from .services.customers import CustomerService
    from .services.desk_settings import DeskSettings
    from .services.events import EventBus, TableEvents
    from .services.hours import CalendarService
    from .services.kb import KnowledgeBase
    from .services.kb_stats import KbStats
    from .services.mail import MailService
    from .services.merge import BulkTickets, TicketMerger
    from .services.out_of_hours import OutOfHoursService
    from .services.portal import PortalService
    from .services.privacy import PrivacyService
    from .services.rate_limits import RateLimiter
    from .services.search import SearchService
    from .services.sign_in import SignInGuard
    from .services.sla import SlaService
    from .services.team import TeamService
    from .services.tickets import TicketService
    from .services.widget import WidgetService

_clock: Callable[[], datetime] = utcnow


def now() -> datetime:
    """What the services take as 'now'. In AWS the real clock; the local stack's tests set
    it to try 23:00 on a Sunday without waiting for one."""
    return _clock()


def use_clock(clock: Callable[[], datetime]) -> None:
    global _clock
    _clock = clock


@dataclass(frozen=True)
class Container:
    settings: Settings
    events: EventBus  # the REQUEST reactions of chalicelib.reactions (the live push)
    tickets: TicketService
    customers: CustomerService
    agents: AgentService
    chat: ChatService  # live chat's parts: connections, conversations, delivery, agent cards
    widget: WidgetService
    calendars: CalendarService
    out_of_hours: OutOfHoursService
    sla: SlaService
    audit: AuditLog
    privacy: PrivacyService
    chat_by_mail: ChatRepliesByMail
    files: S3Files  # the bucket: attachments, mail and its HTML
    mail_service: Callable[[], MailService]
    client: Callable[[str], Callable[[], Any]]  # a boto3 client factory for a service

    @cached_property
    def mail(self) -> MailService:
        """Built on first use: only mail needs the e-mail package, the language detector and
        the HTML sanitiser, and most functions never touch mail."""
        return self.mail_service()

    @cached_property
    def rate_limits(self) -> RateLimiter:
        """The public endpoints' rate limits (counters in the table), built on first use."""
        from .adapters.dynamodb.rate_limits import DynamoRateCounters
        from .services.rate_limits import RateLimiter

        return RateLimiter(DynamoRateCounters(), self.settings.rate_limits, clock=now)

    @cached_property
    def sign_in_guard(self) -> SignInGuard:
        """Sign-in's failure budgets, per address and per known device (services/sign_in.py)."""
        from .services.sign_in import SignInGuard

        return SignInGuard(self.rate_limits, self.settings.widget_secret)

    @cached_property
    def canned(self) -> CannedResponseService:
        """Canned responses (the console's saved replies), built on first use."""
        from .adapters.dynamodb.desk_config import DynamoDeskConfig
        from .services.canned import CannedResponseService

        return CannedResponseService(DynamoDeskConfig(), self.tickets, self.customers, self.agents)

    @cached_property
    def desk_settings(self) -> DeskSettings:
        """What admins set in the console's settings: mail identity, retention (first use)."""
        from .adapters.dynamodb.desk_config import DynamoDeskConfig
        from .adapters.ses_identity import SesIdentityStatus
        from .services.desk_settings import DeskSettings

        return DeskSettings(
            DynamoDeskConfig(), SesIdentityStatus(self.client("sesv2")), support_address=self.settings.mail_from,
            region=self.settings.region, default_retention_days=self.settings.retention_days,
        )

    @cached_property
    def campaigns(self) -> CampaignService:
        """Proactive chat campaigns, built on first use."""
        from .adapters.dynamodb.campaigns import DynamoCampaignStore
        from .services.campaigns import CampaignService

        return CampaignService(
            DynamoCampaignStore(), self.chat.cards.get, lambda: self.out_of_hours.availability().open, clock=now,
        )

    @cached_property
    def table_events(self) -> TableEvents:
        """The stream side: events from the table's changes, their reactions, the parked."""
        from .adapters.dead_letters import DeadLetterQueue
        from .adapters.dynamodb.stream import DynamoEventSource, DynamoFailedReactions, DynamoReactionLedger
        from .entrypoints.frames import event_parked
        from .services.events import TableEvents

        return TableEvents(
            source=DynamoEventSource(),
            ledger=DynamoReactionLedger(),
            dead_letters=DeadLetterQueue(
                self.client("sqs"), self.settings.dead_letter_queue_url, DynamoFailedReactions()
            ),
            resolve=self.listener,
            resolve_parked=self.parked_listener,
            on_parked=lambda failure: self.chat.delivery.notify_agents(event_parked(failure)),
            clock=now,
            container=self,
        )

    @cached_property
    def team(self) -> TeamService:
        """The admins' running of the team: invitations, agents' roles and status, teams."""
        import hashlib
        import hmac

        from .adapters.dynamodb.team import DynamoInviteStore, DynamoTeamStore
        from .adapters.mailer import SesMailer
        from .domain.keys import signing_key
        from .services.team import TeamService

        mailer = SesMailer(self.client("ses"), self.settings.mail_from)
        return TeamService(
            agents=self.agents.agents, directory=self.agents.directory,  # type: ignore[arg-type]
            invites=DynamoInviteStore(), teams=DynamoTeamStore(), tickets=self.tickets,
            send_mail=lambda to, subject, text: mailer.send_text(to=to, subject=subject, text=text),
            invite_key=hmac.new(signing_key(self.settings.widget_secret, "widget"), b"desk invitations",
                                hashlib.sha256).digest(),
            clock=now,
        )

    @cached_property
    def portal(self) -> PortalService:
        """The customer portal and web form (services/portal.py), built on first use."""
        from .adapters.dynamodb.mail_refs import DynamoMailLimits
        from .adapters.dynamodb.portal import DynamoPortalLinks
        from .adapters.mailer import SesMailer
        from .adapters.portal_sessions import PortalSessions
        from .services.portal import PortalService

        return PortalService(
            tickets=self.tickets, customers=self.customers, links=DynamoPortalLinks(),
            sessions=PortalSessions(self.settings.widget_secret), files=self.files,
            mailer=SesMailer(self.client("ses"), self.settings.mail_from), limits=self.rate_limits,
            secret=self.settings.widget_secret, public_url=self.settings.public_url,
            suppressed=DynamoMailLimits().is_suppressed, clock=now,
        )

    @cached_property
    def search(self) -> SearchService:
        """Search across tickets and customers, and the index it reads (docs/search.md)."""
        from .adapters.dynamodb.search import DynamoSearchIndex
        from .services.search import SearchService

        return SearchService(DynamoSearchIndex(), self.tickets, self.customers)

    @cached_property
    def kb_stats(self) -> KbStats:
        """The knowledge base's counters per day (services/kb_stats.py), built on first use."""
        from .adapters.dynamodb.kb_stats import DynamoKbStats
        from .services.kb_stats import KbStats

        return KbStats(DynamoKbStats(), self.tickets, clock=now)

    @cached_property
    def bot(self) -> FaqBot:
        """Live chat's FAQ bot (services/bot.py), built on first use."""
        from .services.bot import FaqBot

        return FaqBot(tickets=self.tickets, kb=self.kb, out_of_hours=self.out_of_hours, clock=now)

    @cached_property
    def kb(self) -> KnowledgeBase:
        """The knowledge base: articles, the help center's search (docs/knowledge-base.md)."""
        from .adapters import kb_index
        from .adapters.dynamodb.kb import DynamoKbStore
        from .services.kb import KnowledgeBase

        def render(markdown: str) -> str:
            from .adapters.markdown import render as render_markdown  # editors' saves only

            return render_markdown(markdown)

        store = DynamoKbStore()
        return KnowledgeBase(
            store, self.files, store, render=render, build_index=kb_index.build,
            load_index=kb_index.KbIndex, clock=now, check_seconds=self.settings.kb_index_check_seconds,
        )

    @cached_property
    def merges(self) -> TicketMerger:
        from .adapters.dynamodb.merge import DynamoTicketMerges
        from .services.merge import TicketMerger

        return TicketMerger(self.tickets, DynamoTicketMerges(), self.events, clock=now)

    @cached_property
    def bulk(self) -> BulkTickets:
        from .services.merge import BulkTickets

        return BulkTickets(self.tickets)

    def listener(self, reaction: Reaction) -> Callable[[Any], None]:
        """The service method a reaction of ``chalicelib.reactions`` names."""
        return reaction.handler(self)

    def parked_listener(self, reaction: Reaction) -> Callable[[Any, str], None]:
        assert reaction.on_parked is not None
        return reaction.on_parked(self)


def build(settings: Settings) -> Container:
    """Wire the DynamoDB, Cognito, S3, SES and API Gateway adapters into the services. What
    happens after a change is not wired here: ``chalicelib.reactions`` lists it."""
    from .adapters.broadcaster import ApiGatewayBroadcaster
    from .adapters.cognito import CognitoDirectory
    from .adapters.dynamodb import models
    from .adapters.dynamodb.audit import DynamoAuditStore
    from .adapters.dynamodb.campaigns import DynamoCampaignStore
    from .adapters.dynamodb.connections import DynamoConnectionRepository, DynamoDedupe
    from .adapters.dynamodb.desk_config import DynamoDeskConfig
    from .adapters.dynamodb.mail_refs import DynamoMailLimits, DynamoMailRefs
    from .adapters.dynamodb.privacy import DynamoPrivacyStore
    from .adapters.dynamodb.privacy_requests import DynamoPrivacyRequests
    from .adapters.dynamodb.rate_limits import DynamoRateCounters
    from .adapters.dynamodb.repositories import (
        DynamoAgentRepository,
        DynamoCustomerRepository,
        DynamoTicketRepository,
    )
    from .adapters.dynamodb.sla_store import DynamoSlaStore
    from .adapters.files import S3Files
    from .adapters.mailer import SesMailer
    from .adapters.tokens import JwksTokenVerifier
    from .adapters.visitor_tokens import VisitorTokens
    from .adapters.webhooks import post_webhook
    from .config import RateLimit
    from .domain.chat import TRANSCRIPT_WINDOW_SECONDS, TRANSCRIPTS_PER_CONVERSATION
    from .domain.tickets import AuthorType
    from .entrypoints.frames import ChatFrames
    from .services.agents import AgentService
    from .services.audit import AuditLog
    from .services.chat import (
        AgentCards,
        ChatRepliesByMail,
        ChatService,
        Connections,
        Conversations,
        Delivery,
    )
    from .services.chat.confirmations import AddressConfirmations
    from .services.customers import CustomerService
    from .services.events import EventBus
    from .services.hours import CalendarService
    from .services.out_of_hours import OutOfHoursService
    from .services.privacy import PrivacyService
    from .services.rate_limits import RateLimiter
    from .services.sla import SlaService
    from .services.tickets import PostMessage, TicketService
    from .services.widget import WidgetService

    models.configure(
        table_name=settings.table_name, region=settings.region, host=settings.aws_endpoint_url
    )

    def client(service: str, endpoint: str | None = None) -> Callable[[], Any]:
        def make() -> Any:
            import boto3
            from botocore.config import Config

            return boto3.client(
                service,
                region_name=settings.region,
                endpoint_url=endpoint or settings.aws_endpoint_url,
                config=Config(max_pool_connections=ApiGatewayBroadcaster.MAX_PARALLEL),
            )

        return make

    events = EventBus()
    agent_repo = DynamoAgentRepository()
    ticket_repo = DynamoTicketRepository()
    customers = CustomerService(DynamoCustomerRepository())
    agents = AgentService(
        agent_repo,
        CognitoDirectory(client("cognito-idp"), settings.user_pool_id, settings.user_pool_client_id),
        JwksTokenVerifier(
            jwks_url=settings.jwks_url,
            issuer=settings.token_issuer,
            audience=settings.user_pool_client_id,
        ),
        events=events,
    )
    tickets = TicketService(ticket_repo, customers, agent_repo, clock=now, events=events)
    config = DynamoDeskConfig()
    sla_store = DynamoSlaStore()
    calendars = CalendarService(config, clock=now)
    out_of_hours = OutOfHoursService(
        calendars, sla_store, clock=now,
        post_notice=lambda ticket, text: tickets.post_message(
            ticket.id, PostMessage(body=text), author_type=AuthorType.SYSTEM, ticket=ticket
        ),
    )
    visitor_tokens = VisitorTokens(settings.widget_secret)
    mailer = SesMailer(client("ses"), settings.mail_from)
    files = S3Files(client("s3"), settings.bucket_name)
    broadcaster = ApiGatewayBroadcaster(client("apigatewaymanagementapi", settings.ws_management_url or None))
    cards = AgentCards(agent_repo)
    frames = ChatFrames(cards.get, files.download_url, bot_name=lambda: built.bot.name())
    connections = Connections(
        store=DynamoConnectionRepository(), agents=agents, agent_store=agent_repo,
        visitor_tokens=visitor_tokens, broadcaster=broadcaster,
    )
    delivery = Delivery(connections=connections, broadcaster=broadcaster, frames=frames)
    conversations = Conversations(
        tickets=tickets, customers=customers, connections=connections, delivery=delivery, dedupe=DynamoDedupe(),
        frames=frames, cards=cards, files=files, mailer=mailer, events=events,
        limits=RateLimiter(DynamoRateCounters(), {"transcripts": RateLimit(TRANSCRIPTS_PER_CONVERSATION,
                                                                           TRANSCRIPT_WINDOW_SECONDS)}, clock=now),
        greeting=lambda campaign_id, customer_id: built.campaigns.greeting_for_reply(campaign_id, customer_id),
        detect_language=_detect_language,
        business_zone=lambda ticket: (calendar.timezone if (calendar := calendars.for_ticket(ticket)) else None),
        bot_available=lambda: built.bot.available(),
        hand_off=lambda ticket: built.bot.hand_off(ticket, "asked"),
        confirmations=AddressConfirmations(
            mailer=mailer, limits=RateLimiter(DynamoRateCounters(), settings.rate_limits, clock=now),
            used=DynamoRateCounters(), secret=settings.widget_secret, public_url=settings.public_url, clock=now,
        ),
    )
    chat = ChatService(connections=connections, conversations=conversations, delivery=delivery, cards=cards)
    widget = WidgetService(customers, visitor_tokens, settings.identity_secret, settings.widget_key,
                           store=DynamoCampaignStore(), clock=now)

    def mail_agents(ticket: Any, text: str, agent_ids: set[str] | None) -> None:
        to = [a.email for a in agent_repo.list() if agent_ids is None or a.id in agent_ids]
        for address in to:
            mailer.send_notification(to=address, subject=f"[#{ticket.number}] SLA: {ticket.subject}", text=text,
                                     at=now())

    sla_service = SlaService(
        store=sla_store, config=config, calendars=calendars, tickets=tickets,
        notify_agents=chat.delivery.notify_agents, mail_agents=mail_agents, post_webhook=post_webhook,
        webhook_secret=settings.webhook_secret, clock=now, events=events, console_url=settings.console_url,
    )

    @cache
    def mail() -> MailService:
        from .adapters.html_sanitiser import sanitise_html
        from .adapters.language import detect_language
        from .services.mail import MailService

        return MailService(
            tickets=tickets, customers=customers, refs=DynamoMailRefs(), limits=DynamoMailLimits(),
            files=files, mailer=mailer, support_address=settings.mail_from, secret=settings.mail_secret,
            threads=ticket_repo, agent_names=cards.name, detect_language=detect_language,
            sanitise_html=sanitise_html,
            expected_response_minutes=lambda ticket: (
                sla_service.expected_first_response(ticket) or settings.expected_response_minutes
            ),
            out_of_hours=out_of_hours, clock=now, identity=lambda: built.desk_settings.identity(),
            suggest_articles=_article_suggestions,
        )

    def _article_suggestions(ticket: Any, text: str) -> list[tuple[str, str]]:
        """Up to three articles the knowledge base is confident about, linked on the desk's
        public address (none without one: a mail cannot link to a relative address)."""
        from .domain.bot import THRESHOLD

        if not settings.public_url:
            return []
        kb = built.kb
        hits = kb.suggestions(text, ticket.language or kb.settings().default_locale, min_coverage=THRESHOLD)
        return [(h.title, f"{settings.public_url}{h.url}") for h in hits]

    audit = AuditLog(DynamoAuditStore(), clock=now)
    privacy = PrivacyService(
        store=DynamoPrivacyStore(), files=files, audit=audit, close_connection=broadcaster.close,
        retention_days=settings.retention_days, clock=now,
        retention_for=lambda channel: built.desk_settings.retention_days(channel), requests=DynamoPrivacyRequests(),
    )
    built = Container(
        settings=settings, events=events, tickets=tickets, customers=customers, agents=agents, chat=chat,
        widget=widget, calendars=calendars, out_of_hours=out_of_hours, sla=sla_service, audit=audit,
        privacy=privacy, chat_by_mail=ChatRepliesByMail(connections, mail), files=files, mail_service=mail, client=client,
    )
    events.bind(built.listener, built)
    return built


def _detect_language(text: str, declared: str | None) -> str | None:
    from .adapters.language import detect_language  # pycld2: only when a chat starts

    return detect_language(text, declared)


_built: Container | None = None
# Held while the container is built, so that a reset (the local stack changing settings) waits
# for a build in another thread (the stream poller's) instead of that build being kept after it.
_building = threading.RLock()


def container() -> Container:
    """The function instance's container, built on first use from the environment."""
    global _built
    built = _built
    if built is None:
        with _building:
            if _built is None:
                _built = build(Settings.from_env())
            built = _built
    return built


def reset() -> None:
    """Forget the built container (the local stack calls this after changing settings)."""
    global _built
    with _building:
        _built = None
