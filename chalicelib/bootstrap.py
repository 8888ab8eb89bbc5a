"""The composition root: builds the adapters and services once per cold start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

from .config import Settings
from .domain.clock import utcnow

if TYPE_CHECKING:
    from datetime import datetime

if TYPE_CHECKING:  # imported in build(): importing the app must stay cheap (cold start)
    from .services.agents import AgentService
    from .services.audit import AuditLog
    from .services.canned import CannedResponseService
    from .services.chat import ChatService
    from .services.customers import CustomerService
    from .services.hours import CalendarService
    from .services.mail import MailService
    from .services.out_of_hours import OutOfHoursService
    from .services.privacy import PrivacyService
    from .services.rate_limits import RateLimiter
    from .services.sla import SlaService
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
    tickets: TicketService
    customers: CustomerService
    agents: AgentService
    chat: ChatService
    widget: WidgetService
    calendars: CalendarService
    out_of_hours: OutOfHoursService
    sla: SlaService
    mail_service: Callable[[], MailService]
    audit: AuditLog = None  # type: ignore[assignment]  # set by build()
    privacy: PrivacyService = None  # type: ignore[assignment]  # set by build()

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
    def canned(self) -> CannedResponseService:
        """Canned responses (the console's saved replies), built on first use."""
        from .adapters.dynamodb.desk_config import DynamoDeskConfig
        from .services.canned import CannedResponseService

        return CannedResponseService(DynamoDeskConfig(), self.tickets, self.customers, self.agents)


def build(settings: Settings) -> Container:
    """Wire the DynamoDB, Cognito and JWKS adapters into the services."""
    from .adapters.broadcaster import ApiGatewayBroadcaster
    from .adapters.cognito import CognitoDirectory
    from .adapters.dynamodb import models
    from .adapters.dynamodb.connections import DynamoConnectionRepository, DynamoDedupe
    from .adapters.dynamodb.desk_config import DynamoDeskConfig
    from .adapters.dynamodb.mail_refs import DynamoMailLimits, DynamoMailRefs
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
    from .domain.events import AgentProfileChanged, MessageCreated, TicketChanged, TicketOpened
    from .domain.tickets import AuthorType
    from .services.agents import AgentService
    from .services.chat import ChatService
    from .services.customers import CustomerService
    from .services.events import EventBus
    from .services.hours import CalendarService
    from .services.out_of_hours import OutOfHoursService
    from .services.sla import SlaService
    from .services.tickets import PostMessage, TicketService
    from .services.widget import WidgetService

    models.configure(
        table_name=settings.table_name, region=settings.region, host=settings.aws_endpoint_url
    )

    def client(service: str, endpoint: str | None = None):  # type: ignore[no-untyped-def]
        def make():  # type: ignore[no-untyped-def]
            import boto3
            from botocore.config import Config

            return boto3.client(
                service,
                region_name=settings.region,
                endpoint_url=endpoint or settings.aws_endpoint_url,
                config=Config(max_pool_connections=ApiGatewayBroadcaster.MAX_PARALLEL),
            )

        return make

    agent_repo = DynamoAgentRepository()
    customers = CustomerService(DynamoCustomerRepository())
    events = EventBus()
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
    tickets = TicketService(DynamoTicketRepository(), customers, agent_repo, clock=now, events=events)
    config = DynamoDeskConfig()
    sla_store = DynamoSlaStore()
    calendars = CalendarService(config, clock=now)
    out_of_hours = OutOfHoursService(calendars, sla_store, clock=now)

    def chat_out_of_hours(ticket, customer_zone):  # type: ignore[no-untyped-def]
        notice = out_of_hours.notice(ticket, customer_zone)
        if notice is not None:
            tickets.post_message(ticket.id, PostMessage(body=notice.text), author_type=AuthorType.SYSTEM)

    visitor_tokens = VisitorTokens(settings.widget_secret)
    mailer = SesMailer(client("ses"), settings.mail_from)
    files = S3Files(client("s3"), settings.bucket_name)
    chat = ChatService(
        tickets=tickets,
        customers=customers,
        agents=agents,
        agent_repo=agent_repo,
        connections=DynamoConnectionRepository(),
        dedupe=DynamoDedupe(),
        broadcaster=ApiGatewayBroadcaster(
            client("apigatewaymanagementapi", settings.ws_management_url or None)
        ),
        visitor_tokens=visitor_tokens,
        mailer=mailer,
        files=files,
        on_visitor_message=chat_out_of_hours,
        on_reply_unseen=lambda ticket, message: mail().mail_chat_reply(ticket, message),
    )
    # What happens after a change: a table of reactions (push now; mail and timers later).
    events.subscribe(TicketOpened, chat.on_ticket_opened)
    events.subscribe(MessageCreated, chat.on_message_created)
    events.subscribe(TicketChanged, chat.on_ticket_changed)
    events.subscribe(AgentProfileChanged, chat.on_agent_profile_changed)
    widget = WidgetService(customers, visitor_tokens, settings.identity_secret, settings.widget_key)

    def mail_agents(ticket, text, agent_ids):  # type: ignore[no-untyped-def]
        to = [a.email for a in agent_repo.list() if agent_ids is None or a.id in agent_ids]
        for address in to:
            mailer.send_text(to=address, subject=f"[#{ticket.number}] SLA: {ticket.subject}", text=text)

    sla_service = SlaService(
        store=sla_store, config=config, calendars=calendars, tickets=tickets,
        notify_agents=chat.notify_agents, mail_agents=mail_agents, post_webhook=post_webhook,
        webhook_secret=settings.webhook_secret, clock=now,
    )
    events.subscribe(TicketOpened, sla_service.on_ticket_opened)
    events.subscribe(MessageCreated, sla_service.on_message_created)
    events.subscribe(TicketChanged, sla_service.on_ticket_changed)

    @cache
    def mail() -> MailService:
        from .adapters.html_sanitiser import sanitise_html
        from .adapters.language import detect_language
        from .services.mail import MailService

        return MailService(
            tickets=tickets, customers=customers, refs=DynamoMailRefs(), limits=DynamoMailLimits(),
            files=files, mailer=mailer, support_address=settings.mail_from, secret=settings.mail_secret,
            agent_names=chat.agent_name, detect_language=detect_language, sanitise_html=sanitise_html,
            expected_response_minutes=lambda ticket: (
                sla_service.expected_first_response(ticket) or settings.expected_response_minutes
            ),
            out_of_hours=out_of_hours.notice, clock=now,
        )

    def mail_on_message_created(event: MessageCreated) -> None:
        if event.ticket.channel == "email":  # chat and API tickets never load the mail code
            mail().on_message_created(event)

    events.subscribe(MessageCreated, mail_on_message_created)

    # The audit log hears who changed a ticket from its events; privacy links a customer to
    # tickets they wrote on, and lets closed tickets expire (retention).
    from .adapters.dynamodb.audit import DynamoAuditStore
    from .adapters.dynamodb.privacy import DynamoPrivacyStore
    from .services.audit import AuditLog
    from .services.privacy import PrivacyService

    audit = AuditLog(DynamoAuditStore(), clock=now)
    events.subscribe(TicketOpened, audit.on_ticket_opened)
    events.subscribe(TicketChanged, audit.on_ticket_changed)
    events.subscribe(MessageCreated, audit.on_message_created)
    privacy = PrivacyService(
        store=DynamoPrivacyStore(), files=files, audit=audit, close_connection=chat.broadcaster.close,
        retention_days=settings.retention_days, clock=now,
    )
    events.subscribe(MessageCreated, privacy.on_message_created)
    events.subscribe(TicketChanged, privacy.on_ticket_changed)
    return Container(
        settings, tickets, customers, agents, chat, widget, calendars, out_of_hours, sla_service, mail,
        audit=audit, privacy=privacy,
    )


@lru_cache(maxsize=1)
def container() -> Container:
    return build(Settings.from_env())


def reset() -> None:
    """Forget the built container (the local stack calls this after changing settings)."""
    container.cache_clear()
