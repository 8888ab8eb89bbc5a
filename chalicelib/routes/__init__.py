"""The REST API's routes, one module per area, each with its own Chalice Blueprint (``bp``).

A route is declared once, with ``@operation(bp, method, path, ...)`` of
``chalicelib.entrypoints.http``: method, path, auth, body and answer schemas, which together
route the request, check it, and describe it in ``/openapi.json``. A new route goes into its
area's module; a new area is a new module here, listed in ``AREAS`` (``app.py`` registers
each area's Blueprint).
"""

from . import (
    audit,
    auth,
    calendars,
    campaigns,
    canned_responses,
    customers,
    events,
    help,
    kb,
    merges,
    pages,
    portal,
    search,
    settings,
    sla,
    team,
    tickets,
    widget,
)

AREAS = (
    pages, auth, widget, customers, tickets, calendars, sla, canned_responses, audit, events, team, settings, portal,
    campaigns, search, merges, kb, help,
)
