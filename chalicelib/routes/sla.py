"""The SLA policies: which response and resolution times apply to which tickets."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..bootstrap import container
from ..entrypoints.http import ADMIN, AGENT, Call, audit, operation

bp = Blueprint(__name__)


@operation(bp, "GET", "/sla/policies", summary="The SLA policies, in order", auth=AGENT, response="SlaPolicies")
def get_sla_policies(call: Call) -> Any:
    return {"policies": container().sla.stored_policies()}


@operation(
    bp, "PUT", "/sla/policies",
    summary="Replace the SLA policies (admins); the first that matches a ticket applies",
    auth=ADMIN, body="SlaPoliciesPut", response="SlaPolicies", errors=(422,),
)
def put_sla_policies(call: Call) -> Any:
    policies = container().sla.put_policies(call.body["policies"])
    audit(call, "sla_policies.updated", "sla_policies", None, policies=[p["id"] for p in policies])
    return {"policies": policies}
