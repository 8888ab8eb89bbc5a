"""A deactivated or removed agent's console loses its live connection at once, not when it
next closes: the desk closes her open websockets (``agent.departed``, from the stream),
connecting again is refused, and her open console shows the sign-in screen and says why."""

from __future__ import annotations

import uuid

import pytest
import websocket
from playwright.sync_api import expect

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sign_in
from tests.desk_env import settle
from tests.e2e.browser import at_every_width
from tests.e2e.browser import sign_in as browser_sign_in
from tests.e2e.chat_client import ChatClient


def closed(client: ChatClient) -> bool:
    """Whether the gateway closed the connection (a frame sent after is never answered)."""
    client.ws.settimeout(5)
    try:
        while True:
            opcode, _ = client.ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return True
    except (websocket.WebSocketConnectionClosedException, ConnectionError):
        return True
    except websocket.WebSocketTimeoutException:
        return False


@pytest.mark.parametrize("how", ["deactivate", "remove"])
def test_a_departed_agents_open_socket_is_closed_and_a_reconnect_refused(stack, admin, anonymous, how):
    email, password = f"gone-{uuid.uuid4().hex[:8]}@tests.example", f"Gone-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": "Gina Gone", "password": password})
    assert r.status_code == 201, r.text
    agent_id = r.json()["id"]
    token = sign_in(anonymous, email, password)
    mine = ChatClient(stack.gateway.url, token=token)
    colleague = ChatClient(stack.gateway.url, token=sign_in(anonymous, ADMIN_EMAIL, ADMIN_PASSWORD))
    try:
        mine.send(action="ping")
        assert mine.wait_for("pong")

        if how == "deactivate":
            r = admin.post(f"/agents/{agent_id}/deactivate")
        else:
            r = admin.request("DELETE", f"/agents/{agent_id}")
        assert r.status_code in (200, 204), r.text
        settle()

        assert closed(mine), "the departed agent's socket is still open"
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            ChatClient(stack.gateway.url, token=token)
        assert refused.value.status_code == 401
        # Only hers: another agent's connection stays.
        colleague.send(action="ping")
        assert colleague.wait_for("pong")
    finally:
        mine.close()
        colleague.close()



def test_a_deactivated_agents_open_console_signs_out_and_says_why(browser, stack, admin):
    """Once, on a phone; the signed-out screen checked at all three widths in place."""
    email, password = f"gone-{uuid.uuid4().hex[:8]}@tests.example", f"Gone-{uuid.uuid4().hex[:10]}"
    r = admin.post("/agents", json={"email": email, "name": "Greta Gone", "password": password})
    assert r.status_code == 201, r.text
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        browser_sign_in(page, stack.api_url, email, password)
        expect(page.locator("#me")).to_have_text("Greta Gone")

        assert admin.post(f"/agents/{r.json()['id']}/deactivate").status_code == 200
        settle()
        # No reload, no click: the closed connection tells the console.
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
        expect(page.locator("#signin-error")).to_have_text(
            "You were signed out: this account is not active any more."
        )
        expect(page.locator("#app")).to_be_hidden()
        at_every_width(page, "departed-agent-signed-out")
    finally:
        context.close()
