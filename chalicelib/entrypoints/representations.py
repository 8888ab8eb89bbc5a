"""How domain objects look on the wire (and in websocket frames later)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.canned import CannedResponse
from ..domain.clock import to_iso
from ..domain.people import Agent, Customer
from ..domain.tickets import Message, Ticket


def _time(value: Any) -> str | None:
    return to_iso(value) if value is not None else None


def customer(c: Customer, *, with_pages: bool = False) -> dict[str, Any]:
    """A customer; ``with_pages`` adds the pages their chat visit went through (the
    customer panel), left out of ticket lists to keep them small."""
    body: dict[str, Any] = {
        "id": c.id,
        "email": c.email,
        "name": c.name,
        "external_id": c.external_id,
        "created_at": to_iso(c.created_at),
    }
    if with_pages:
        body["visit_pages"] = [{"url": p.url, "title": p.title, "at": to_iso(p.at)} for p in c.visit_pages]
    return body


def agent(a: Agent) -> dict[str, Any]:
    return {
        "id": a.id,
        "email": a.email,
        "name": a.name,
        "role": a.role.value,
        "presence": a.presence,
        "created_at": to_iso(a.created_at),
        "title": a.title,
        "avatar_url": a.avatar_url,
        "timezone": a.timezone,
        "language": a.language,
        "status": a.status,
        "teams": list(a.teams),
        "capacity": a.capacity,
        "languages": list(a.languages),
    }


def ticket(t: Ticket, who: Customer | None) -> dict[str, Any]:
    return {
        "id": t.id,
        "number": t.number,
        "subject": t.subject,
        "status": t.status.value,
        "priority": t.priority.value,
        "channel": t.channel,
        "customer": customer(who) if who else {"id": t.customer_id, "email": None, "name": None, "external_id": None, "created_at": None},
        "assignee_id": t.assignee_id,
        "team": t.team,
        "tags": list(t.tags),
        "created_at": to_iso(t.created_at),
        "updated_at": to_iso(t.updated_at),
        "last_activity_at": to_iso(t.last_activity_at),
        "solved_at": _time(t.solved_at),
        "closed_at": _time(t.closed_at),
        "version": t.version,
        "message_count": t.message_count,
        "language": t.language,
        "sla": sla(t.sla),
        "csat": t.csat.as_dict() if t.csat else None,
        "merged_into": t.merged_into,
        "bot": t.bot,
    }


def sla(state: Any) -> dict[str, Any] | None:
    """The ticket's SLA clocks as agents read them (due badges in the console)."""
    if state is None:
        return None
    return {
        "policy_id": state.policy_id,
        "clocks": {
            metric.value: {
                "target_minutes": clock.target,
                "started_at": to_iso(clock.started_at),
                "due_at": _time(clock.due_at) if clock.running else None,
                "warning_at": _time(clock.warn_at) if clock.running else None,
                "met_at": _time(clock.met_at),
                "paused": clock.paused,
                "breached": clock.breached,
            }
            for metric, clock in state.clocks.items()
        },
    }


def message(m: Message, url_for: Callable[[str, str], str] | None = None) -> dict[str, Any]:
    """A message; with ``url_for``, each attachment carries a short-lived download link."""
    return {
        "id": m.id,
        "ticket_id": m.ticket_id,
        "seq": m.seq,
        "kind": m.kind.value,
        "author_type": m.author_type.value,
        "author_id": m.author_id,
        "body": m.body,
        "channel": m.channel,
        "created_at": to_iso(m.created_at),
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "inline": a.inline,
                **({"url": url_for(a.key, a.filename)} if url_for else {}),
            }
            for a in m.attachments
        ],
        **(_mail(m, url_for) if m.source_key and url_for else {}),
        **({"delivery": {"state": m.delivery, "error": m.delivery_error}} if m.delivery else {}),
        **({"articles": [{"slug": s, "title": t, "url": u} for s, t, u in m.articles]} if m.articles else {}),
        **({"marker": m.marker} if m.marker else {}),
    }


def failed_reaction(failure: Any) -> dict[str, Any]:
    """A reaction to an event that kept failing, as admins see it in the console."""
    return {
        "id": failure.id,
        "reaction": failure.reaction,
        "event": failure.event,
        "error": failure.error,
        "attempts": failure.attempts,
        "parked_at": to_iso(failure.parked_at),
    }


def _mail(m: Message, url_for: Callable[[str, str], str]) -> dict[str, Any]:
    """For agents: how a mail was threaded, and the way to the original, its HTML and (when
    the body is an excerpt of a long mail) its whole text."""
    return {
        "mail": {
            "thread_rule": m.thread_rule,
            "original_url": url_for(m.source_key or "", f"message-{m.seq}.eml"),
            "has_html": m.html_key is not None,
            "body_truncated": m.text_key is not None,
        }
    }


def canned_response(c: CannedResponse) -> dict[str, Any]:
    return {"id": c.id, "title": c.title, "body": c.body, "updated_at": to_iso(c.updated_at)}


def audit_entry(e: Any) -> dict[str, Any]:
    """An audit log entry (``domain.audit.AuditEntry``)."""
    return {
        "id": e.id,
        "at": to_iso(e.at),
        "actor": e.actor,
        "action": e.action,
        "target": {"type": e.target_type, "id": e.target_id} if e.target_type else None,
        "details": e.details,
    }


def kb_article(a: Any) -> dict[str, Any]:
    """A knowledge-base article in one language (``domain.kb.Article``), as editors see it."""
    from ..domain.kb import article_url

    return {
        "slug": a.slug, "locale": a.locale, "title": a.title, "body": a.body, "html": a.html,
        "category": a.category, "keywords": list(a.keywords), "status": a.status, "rev": a.rev,
        "updated_at": to_iso(a.updated_at), "updated_by": a.updated_by,
        "published_at": to_iso(a.published_at) if a.published_at else None, "url": article_url(a.locale, a.slug),
    }


def kb_category(c: Any) -> dict[str, Any]:
    return {"slug": c.slug, "names": dict(c.names), "position": c.position}
