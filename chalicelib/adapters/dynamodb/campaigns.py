"""The widget's settings and proactive chat campaigns in the table.

- ``CONFIG`` / ``WIDGET#SETTINGS``: the widget's look and rules (JSON), one GetItem.
- ``CONFIG`` / ``CAMPAIGN#<id>``: a campaign (JSON); all of them, one Query.
- ``CAMPAIGN#<id>`` / ``SHOWN#<customer id>``, ``REPLIED#<customer id>``: this visitor was
  greeted / answered; written once (PutItem if not exists), which is what makes "at most once
  per visitor and campaign" hold whatever the browser does. Before it, ``CUSTOMER#<customer
  id>`` / ``CAMPAIGN#<id>``: the link by which erasing the customer finds both (a Query of
  their partition, no Scan). The stream turns each into an
  event (``campaign.shown``, ``campaign.replied``) whose reaction counts it.
- ``COUNTER#campaign#<id>#shown`` (and ``#replied``) / ``#COUNTER``: the counts (UpdateItem
  ADD from the reaction; read with one BatchGetItem for the whole list).
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from ...domain.campaigns import CampaignReplied, CampaignShown
from ...domain.clock import to_iso, utcnow
from . import models as m

CONFIG_PK = "CONFIG"
WIDGET_SK = "WIDGET#SETTINGS"
CAMPAIGN_PREFIX = "CAMPAIGN#"
SHOWN_PREFIX = "SHOWN#"
REPLIED_PREFIX = "REPLIED#"
COUNTS = ("shown", "replied")


def customer_link(customer_id: str) -> str:
    """The partition of a customer's link to each campaign that greeted them (erasure)."""
    return f"CUSTOMER#{customer_id}"


def campaign_marks(customer_id: str, campaign_id: str) -> list[tuple[str, str]]:
    """The keys of what a campaign keeps of a customer: its marks and the customer's link."""
    return [(CAMPAIGN_PREFIX + campaign_id, SHOWN_PREFIX + customer_id),
            (CAMPAIGN_PREFIX + campaign_id, REPLIED_PREFIX + customer_id),
            (customer_link(customer_id), CAMPAIGN_PREFIX + campaign_id)]


def _counter_pk(campaign_id: str, what: str) -> str:
    return f"COUNTER#campaign#{campaign_id}#{what}"


def _failed_condition(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoCampaignStore:
    def widget_settings(self) -> dict[str, Any] | None:
        try:
            return json.loads(m.ConfigItem.get(CONFIG_PK, WIDGET_SK).data)
        except m.ConfigItem.DoesNotExist:
            return None

    def put_widget_settings(self, data: dict[str, Any]) -> None:
        self._put(WIDGET_SK, data)

    def campaigns(self) -> list[dict[str, Any]]:
        """Every campaign, with ``id`` (a Query on the config partition)."""
        return [
            {**json.loads(item.data), "id": item.sk[len(CAMPAIGN_PREFIX):]}
            for item in m.ConfigItem.query(CONFIG_PK, m.ConfigItem.sk.startswith(CAMPAIGN_PREFIX))
        ]

    def campaign(self, campaign_id: str) -> dict[str, Any] | None:
        try:
            item = m.ConfigItem.get(CONFIG_PK, CAMPAIGN_PREFIX + campaign_id)
        except m.ConfigItem.DoesNotExist:
            return None
        return {**json.loads(item.data), "id": campaign_id}

    def put_campaign(self, campaign_id: str, data: dict[str, Any]) -> None:
        self._put(CAMPAIGN_PREFIX + campaign_id, data)

    def delete_campaign(self, campaign_id: str) -> bool:
        """False if there was none by that id. Its counts go with it."""
        try:
            m.ConfigItem(CONFIG_PK, CAMPAIGN_PREFIX + campaign_id).delete(condition=m.ConfigItem.pk.exists())
        except DeleteError as error:
            if _failed_condition(error):
                return False
            raise
        for what in COUNTS:
            m.CounterItem(_counter_pk(campaign_id, what), m.COUNTER_SK).delete()
        return True

    def counts(self, campaign_ids: list[str]) -> dict[str, dict[str, int]]:
        """``{id: {"shown": n, "replied": n}}`` (one BatchGetItem)."""
        found = {cid: dict.fromkeys(COUNTS, 0) for cid in campaign_ids}
        keys = [(_counter_pk(cid, what), m.COUNTER_SK) for cid in campaign_ids for what in COUNTS]
        for item in m.CounterItem.batch_get(keys):
            _, _, cid, what = item.pk.split("#", 3)
            if cid in found:
                found[cid][what] = int(item.value or 0)
        return found

    def count(self, campaign_id: str, what: str) -> None:
        m.CounterItem(_counter_pk(campaign_id, what), m.COUNTER_SK).update(actions=[m.CounterItem.value.add(1)])

    def mark(self, campaign_id: str, customer_id: str, what: str) -> bool:
        """Record that this visitor was greeted (``shown``) or answered (``replied``): True the
        first time only (a conditional PutItem on the visitor and campaign)."""
        prefix = SHOWN_PREFIX if what == "shown" else REPLIED_PREFIX
        # First the key erasure finds this by (the customer's partition): written before the
        # mark it leads to, a failure in between leaves a link to nothing, never a lost mark.
        m.LinkItem(customer_link(customer_id), CAMPAIGN_PREFIX + campaign_id).save()
        item = m.LinkItem(CAMPAIGN_PREFIX + campaign_id, prefix + customer_id)
        try:
            item.save(condition=m.LinkItem.pk.does_not_exist())
        except PutError as error:
            if _failed_condition(error):
                return False
            raise
        return True

    def was_shown(self, campaign_id: str, customer_id: str) -> bool:
        try:
            m.LinkItem.get(CAMPAIGN_PREFIX + campaign_id, SHOWN_PREFIX + customer_id)
        except m.LinkItem.DoesNotExist:
            return False
        return True

    def _put(self, sk: str, data: dict[str, Any]) -> None:
        item = m.ConfigItem(CONFIG_PK, sk)
        item.data = json.dumps(data, separators=(",", ":"), sort_keys=True)
        item.updated_at = to_iso(utcnow())
        item.save()


def campaign_events(record: dict[str, Any]) -> list[Any]:
    """The event of a stream record of a visitor's greeting or answer (inserts only)."""
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    pk, sk = (keys.get("pk") or {}).get("S", ""), (keys.get("sk") or {}).get("S", "")
    if record.get("eventName") != "INSERT" or not pk.startswith(CAMPAIGN_PREFIX):
        return []
    campaign_id, event_id = pk[len(CAMPAIGN_PREFIX):], str(record.get("eventID"))
    if sk.startswith(SHOWN_PREFIX):
        return [CampaignShown(campaign_id, sk[len(SHOWN_PREFIX):], event_id=event_id)]
    if sk.startswith(REPLIED_PREFIX):
        return [CampaignReplied(campaign_id, sk[len(REPLIED_PREFIX):], event_id=event_id)]
    return []
