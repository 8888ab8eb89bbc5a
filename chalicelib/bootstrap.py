"""The composition root: builds the adapters and services once per cold start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

from .config import Settings

if TYPE_CHECKING:  # imported in build(): importing the app must stay cheap (cold start)
    from .services.agents import AgentService
    from .services.chat import ChatService
    from .services.customers import CustomerService
    from .services.mail import MailService
    from .services.tickets import TicketService
    from .services.widget import WidgetService


@dataclass(frozen=True)
class Container:
    settings: Settings
    tickets: TicketService
    customers: CustomerService
    agents: AgentService
    chat: ChatService
    widget: WidgetService
    mail_service: Callable[[], MailService]

    @cached_property
    def mail(self) -> MailService:
        """Built on first use: only mail needs the e-mail package, the language detector and
        the HTML sanitiser, and most functions never touch mail."""
        return self.mail_service()


def build(settings: Settings) -> Container:
    """Wire the DynamoDB, Cognito and JWKS adapters into the services."""
    from .adapters.broadcaster import ApiGatewayBroadcaster
    from .adapters.cognito import CognitoDirectory
    from .adapters.dynamodb import models
    from .adapters.dynamodb.connections import DynamoConnectionRepository, DynamoDedupe
    from .adapters.dynamodb.mail_refs import DynamoMailLimits, DynamoMailRefs
    from .adapters.dynamodb.repositories import (
        DynamoAgentRepository,
        DynamoCustomerRepository,
        DynamoTicketRepository,
    )
    from .adapters.files import S3Files
    from .adapters.mailer import SesMailer
    from .adapters.tokens import JwksTokenVerifier
    from .adapters.visitor_tokens import VisitorTokens
    from .domain.events import MessageCreated, TicketChanged, TicketOpened
    from .services.agents import AgentService
    from .services.chat import ChatService
    from .services.customers import CustomerService
    from .services.events import EventBus
    from .services.tickets import TicketService
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
    agents = AgentService(
        agent_repo,
        CognitoDirectory(client("cognito-idp"), settings.user_pool_id, settings.user_pool_client_id),
        JwksTokenVerifier(
            jwks_url=settings.jwks_url,
            issuer=settings.token_issuer,
            audience=settings.user_pool_client_id,
        ),
    )
    events = EventBus()
    tickets = TicketService(DynamoTicketRepository(), customers, agent_repo, events=events)
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
    )
    # What happens after a change: a table of reactions (push now; mail and timers later).
    events.subscribe(TicketOpened, chat.on_ticket_opened)
    events.subscribe(MessageCreated, chat.on_message_created)
    events.subscribe(TicketChanged, chat.on_ticket_changed)
    widget = WidgetService(customers, visitor_tokens, settings.identity_secret)

    @cache
    def mail() -> MailService:
        from .adapters.html_sanitiser import sanitise_html
        from .adapters.language import detect_language
        from .services.mail import MailService

        return MailService(
            tickets=tickets, customers=customers, refs=DynamoMailRefs(), limits=DynamoMailLimits(),
            files=files, mailer=mailer, support_address=settings.mail_from, secret=settings.mail_secret,
            agent_names=chat.agent_name, detect_language=detect_language, sanitise_html=sanitise_html,
            expected_response_minutes=lambda ticket: settings.expected_response_minutes,
        )

    def mail_on_message_created(event: MessageCreated) -> None:
        if event.ticket.channel == "email":  # chat and API tickets never load the mail code
            mail().on_message_created(event)

    events.subscribe(MessageCreated, mail_on_message_created)
    return Container(settings, tickets, customers, agents, chat, widget, mail)


@lru_cache(maxsize=1)
def container() -> Container:
    return build(Settings.from_env())


def reset() -> None:
    """Forget the built container (the local stack calls this after changing settings)."""
    container.cache_clear()
