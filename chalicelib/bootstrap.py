"""The composition root: builds the adapters and services once per cold start."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .config import Settings
from .services.agents import AgentService
from .services.customers import CustomerService
from .services.tickets import TicketService


@dataclass(frozen=True)
class Container:
    settings: Settings
    tickets: TicketService
    customers: CustomerService
    agents: AgentService


def build(settings: Settings) -> Container:
    """Wire the DynamoDB, Cognito and JWKS adapters into the services."""
    from .adapters.cognito import CognitoDirectory
    from .adapters.dynamodb import models
    from .adapters.dynamodb.repositories import (
        DynamoAgentRepository,
        DynamoCustomerRepository,
        DynamoTicketRepository,
    )
    from .adapters.tokens import JwksTokenVerifier

    models.configure(
        table_name=settings.table_name, region=settings.region, host=settings.aws_endpoint_url
    )

    def cognito_client():  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "cognito-idp", region_name=settings.region, endpoint_url=settings.aws_endpoint_url
        )

    agent_repo = DynamoAgentRepository()
    customers = CustomerService(DynamoCustomerRepository())
    agents = AgentService(
        agent_repo,
        CognitoDirectory(cognito_client, settings.user_pool_id, settings.user_pool_client_id),
        JwksTokenVerifier(
            jwks_url=settings.jwks_url,
            issuer=settings.token_issuer,
            audience=settings.user_pool_client_id,
        ),
    )
    tickets = TicketService(DynamoTicketRepository(), customers, agent_repo)
    return Container(settings, tickets, customers, agents)


@lru_cache(maxsize=1)
def container() -> Container:
    return build(Settings.from_env())


def reset() -> None:
    """Forget the built container (the local stack calls this after changing settings)."""
    container.cache_clear()
