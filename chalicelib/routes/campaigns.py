"""Proactive chat campaigns (admins): greet a visitor from a named agent when their page and
visit match; each with the counts of visitors greeted and of those who answered."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..bootstrap import container
from ..entrypoints.http import ADMIN, Call, audit, operation
from .widget import _campaign_id

bp = Blueprint(__name__)


@operation(bp, "GET", "/campaigns", summary="The proactive chat campaigns with their counts (admins)",
           auth=ADMIN, response="CampaignList")
def list_campaigns(call: Call) -> Any:
    return {"items": container().campaigns.list()}


@operation(bp, "POST", "/campaigns", summary="Add a proactive chat campaign (admins)", auth=ADMIN,
           body="CampaignPut", response="Campaign", status=201, errors=(422,))
def create_campaign(call: Call) -> Any:
    campaign = container().campaigns.create(call.body)
    audit(call, "campaign.created", "campaign", campaign["id"])
    return campaign


@operation(bp, "GET", "/campaigns/{campaign_id}", summary="A campaign with its counts (admins)", auth=ADMIN,
           response="Campaign", errors=(404,))
def get_campaign(call: Call, campaign_id: str) -> Any:
    return container().campaigns.get(_campaign_id(campaign_id))


@operation(bp, "PUT", "/campaigns/{campaign_id}", summary="Change a campaign (admins)", auth=ADMIN,
           body="CampaignPut", response="Campaign", errors=(404, 422))
def replace_campaign(call: Call, campaign_id: str) -> Any:
    campaign = container().campaigns.replace(_campaign_id(campaign_id), call.body)
    audit(call, "campaign.updated", "campaign", campaign["id"])
    return campaign


@operation(bp, "DELETE", "/campaigns/{campaign_id}", summary="Remove a campaign (admins)", auth=ADMIN,
           status=204, errors=(404,))
def delete_campaign(call: Call, campaign_id: str) -> Any:
    container().campaigns.delete(_campaign_id(campaign_id))
    audit(call, "campaign.deleted", "campaign", campaign_id)
    return Response(body="", status_code=204)
