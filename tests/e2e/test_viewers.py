"""Who else has a conversation open: agents watching it get a ``viewers`` frame whenever an
agent joins or leaves it; the visitor never does."""

from __future__ import annotations

from tests.e2e.chat_client import ChatClient


def test_agents_on_a_conversation_hear_who_else_is_there_and_the_visitor_does_not(stack, anonymous, admin, agent,
                                                                                  agent_account):
    session = anonymous.post("/widget/sessions", json={"name": "Vic Viewer"}).json()
    visitor = ChatClient(stack.gateway.url, visitor=session["token"])
    first = ChatClient(stack.gateway.url, token=admin.token)
    second = ChatClient(stack.gateway.url, token=agent.token)
    try:
        conversation = visitor.say("Is anyone there?")["conversation_id"]
        me = admin.get("/agents/me").json()
        ours = lambda f: f["conversation_id"] == conversation  # noqa: E731

        first.send(action="join", conversation_id=conversation)
        alone = first.wait_for("viewers", ours)
        assert [a["id"] for a in alone["agents"]] == [me["id"]]

        second.send(action="join", conversation_id=conversation)
        both = sorted([me["id"], agent_account["id"]])
        assert sorted(a["id"] for a in first.wait_for("viewers", ours)["agents"]) == both
        seen = second.wait_for("viewers", ours)["agents"]
        assert sorted(a["id"] for a in seen) == both
        assert {a["name"] for a in seen} >= {"Alex Agent"}

        second.send(action="leave", conversation_id=conversation)
        assert [a["id"] for a in first.wait_for("viewers", ours)["agents"]] == [me["id"]]
        assert not [f for f in visitor.drain(1.0) if f.get("type") == "viewers"]
    finally:
        for client in (visitor, first, second):
            client.close()
