"""The agents as chat shows them: name, title, photo, time zone (``ChatFrames.agent_card``),
and the name a chat transcript or a mailed answer is signed with."""

from __future__ import annotations

import time

from ...domain.events import AgentProfileChanged
from ...domain.people import Agent
from .ports import ChatAgentStore

# How long a container trusts the agent profiles it has read (name, title, photo, time zone):
# an edit made through another function instance shows in frames within this long.
AGENT_CARD_SECONDS = 30


class AgentCards:
    """At most one GetItem per agent, then trusted for AGENT_CARD_SECONDS."""

    def __init__(self, agents: ChatAgentStore) -> None:
        self.agents = agents
        self._cached: dict[str, tuple[float, Agent | None]] = {}

    def get(self, agent_id: str) -> Agent | None:
        cached = self._cached.get(agent_id)
        if cached is not None and time.monotonic() - cached[0] < AGENT_CARD_SECONDS:
            return cached[1]
        agent = self.agents.get(agent_id)
        self._cached[agent_id] = (time.monotonic(), agent)
        return agent

    def name(self, agent_id: str) -> str:
        agent = self.get(agent_id)
        return agent.name if agent else "Support"

    def on_agent_profile_changed(self, event: AgentProfileChanged) -> None:
        """This container shows the new profile at once (others within AGENT_CARD_SECONDS)."""
        self._cached.pop(event.agent.id, None)
