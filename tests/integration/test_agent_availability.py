"""Whether anyone is there to chat (asked on every widget session and config): the agents
online with a live connection, read from the desk table over the emulator's wire protocol."""

from __future__ import annotations

import uuid

from chalicelib.adapters.dynamodb.repositories import DynamoAgentRepository
from chalicelib.domain.clock import utcnow
from chalicelib.domain.people import Agent, Role


def test_only_agents_online_with_a_live_connection_are_available(stack):
    agents = DynamoAgentRepository()
    ids = {name: str(uuid.uuid4()) for name in ("away", "no_socket", "here")}
    for name, agent_id in ids.items():
        agents.save(Agent(agent_id, f"{name}-{agent_id[:8]}@tests.example", name, Role.AGENT, utcnow()))
    agents.set_presence(ids["away"], "away")
    agents.count_connection(ids["away"], +1)
    agents.set_presence(ids["no_socket"], "online")
    agents.set_presence(ids["here"], "online")
    agents.count_connection(ids["here"], +1)

    def mine() -> set[str]:
        return {a.name for a in agents.available_agents() if a.id in ids.values()}

    assert mine() == {"here"}
    agents.count_connection(ids["here"], -1)  # her console closed
    agents.count_connection(ids["no_socket"], +1)  # his opened
    assert mine() == {"no_socket"}
    assert all(a.available for a in agents.available_agents())
