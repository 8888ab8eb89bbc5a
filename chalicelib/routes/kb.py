"""The knowledge base for editors: articles in each language, their revisions, categories and
the knowledge base's settings (docs/knowledge-base.md). Readers use ``routes/help.py``."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain import kb
from ..domain.errors import ValidationError
from ..entrypoints import representations as rep
from ..entrypoints.http import ADMIN, AGENT, EDITOR, Call, audit, operation

bp = Blueprint(__name__)


def article_key(slug: str, locale: str) -> tuple[str, str]:
    """The path's slug and language, or a 400 that says what they may be."""
    slug, locale = unquote(slug), unquote(locale)
    problems = []
    if not kb.SLUG.fullmatch(slug) or slug in kb.RESERVED_SLUGS:
        problems.append({"field": "slug", "message": "1 to 80 lower-case letters, digits and '-', not starting or "
                         f"ending with '-'; not one of {', '.join(sorted(kb.RESERVED_SLUGS))}"})
    if not kb.LOCALE.fullmatch(locale):
        problems.append({"field": "locale", "message": "a two-letter language code such as en, de, he"})
    if problems:
        raise ValidationError("The article's slug or language is not valid.", details=problems)
    return slug, locale


def _category_slug(slug: str) -> str:
    slug = unquote(slug)
    if not kb.CATEGORY.fullmatch(slug):
        raise ValidationError("A category's slug is lower-case letters, digits and '-'.",
                              details=[{"field": "slug", "message": "is not in the expected format"}])
    return slug


@operation(
    bp, "GET", "/kb/articles", summary="Every knowledge-base article (each language's version), by slug",
    auth=AGENT, response="KbArticleList",
    query={"locale": {"pattern": r"[a-z]{2}", "description": "a two-letter language code"},
           "status": {"enum": ["draft", "published"]}},
)
def list_kb_articles(call: Call) -> Any:
    found = container().kb.list(locale=call.query.get("locale"), status=call.query.get("status"))
    return {"items": [rep.kb_article(a) for a in found]}


@operation(
    bp, "GET", "/kb/articles/{slug}/{locale}", summary="One language's version of an article", auth=AGENT,
    response="KbArticle", errors=(400, 404),
)
def get_kb_article(call: Call, slug: str, locale: str) -> Any:
    return rep.kb_article(container().kb.get(*article_key(slug, locale)))


@operation(
    bp, "PUT", "/kb/articles/{slug}/{locale}",
    summary="Write one language's version of an article (editors): Markdown, draft or published; each save "
    "is a revision", auth=EDITOR, body="KbArticlePut", response="KbArticle", errors=(400, 403, 409),
)
def put_kb_article(call: Call, slug: str, locale: str) -> Any:
    assert call.principal is not None
    slug, locale = article_key(slug, locale)
    article = container().kb.put(slug, locale, call.body, call.principal)
    audit(call, "kb_article.saved", "kb_article", f"{slug}/{locale}", status=article.status, rev=article.rev)
    return rep.kb_article(article)


@operation(
    bp, "DELETE", "/kb/articles/{slug}/{locale}", summary="Remove one language's version of an article (editors)",
    auth=EDITOR, status=204, errors=(400, 403, 404),
)
def delete_kb_article(call: Call, slug: str, locale: str) -> Any:
    assert call.principal is not None
    slug, locale = article_key(slug, locale)
    container().kb.delete(slug, locale, call.principal)
    audit(call, "kb_article.deleted", "kb_article", f"{slug}/{locale}")
    return Response(body="", status_code=204)


@operation(
    bp, "GET", "/kb/articles/{slug}/{locale}/revisions", summary="An article's saved revisions, newest first",
    auth=AGENT, response="KbRevisionList", errors=(400, 404),
)
def list_kb_revisions(call: Call, slug: str, locale: str) -> Any:
    revisions = container().kb.revisions(*article_key(slug, locale))
    return {"items": [{"rev": r.rev, "title": r.title, "body": r.body, "category": r.category,
                       "keywords": list(r.keywords), "status": r.status, "at": rep.to_iso(r.at), "by": r.by}
                      for r in revisions]}


@operation(
    bp, "POST", "/kb/preview", summary="Markdown as readers will see it (the editor's preview)", auth=EDITOR,
    body="KbPreview", response="KbPreviewHtml",
)
def preview_kb_article(call: Call) -> Any:
    from ..adapters.markdown import render

    return {"html": render(call.body["body"])}


@operation(
    bp, "POST", "/kb/images", summary="Upload a picture for an article (editors): a pre-signed POST to the bucket",
    auth=EDITOR, body="KbImageUpload", response="KbImage", status=201, errors=(400, 403, 422),
)
def upload_kb_image(call: Call) -> Any:
    assert call.principal is not None
    return container().kb.image_upload(call.body["filename"], call.body["content_type"], call.principal)


@operation(bp, "GET", "/kb/categories", summary="The knowledge base's categories, in order", auth=AGENT,
           response="KbCategoryList")
def list_kb_categories(call: Call) -> Any:
    return {"items": [rep.kb_category(c) for c in container().kb.categories()]}


@operation(
    bp, "PUT", "/kb/categories/{slug}", summary="Name a category in each language, and place it (editors)",
    auth=EDITOR, body="KbCategoryPut", response="KbCategory", errors=(400, 403),
)
def put_kb_category(call: Call, slug: str) -> Any:
    assert call.principal is not None
    category = container().kb.put_category(_category_slug(slug), call.body["names"], call.body.get("position", 0),
                                           call.principal)
    audit(call, "kb_category.saved", "kb_category", category.slug)
    return rep.kb_category(category)


@operation(
    bp, "DELETE", "/kb/categories/{slug}", summary="Remove a category's names (editors; its articles stay)",
    auth=EDITOR, status=204, errors=(400, 403, 404),
)
def delete_kb_category(call: Call, slug: str) -> Any:
    assert call.principal is not None
    slug = _category_slug(slug)
    container().kb.delete_category(slug, call.principal)
    audit(call, "kb_category.deleted", "kb_category", slug)
    return Response(body="", status_code=204)


@operation(
    bp, "GET", "/kb/report", summary="The knowledge base's numbers per day: searches, searches without a result, "
    "views, votes, the bot's answers, hand-offs and resolutions", auth=AGENT, response="KbReport", errors=(400,),
    query={"from": {"required": True, "pattern": r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "description": "first day (UTC)"},
           "to": {"required": True, "pattern": r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "description": "last day (UTC)"},
           "article": {"pattern": r"[a-z0-9][a-z0-9-]{0,79}", "description": "one article's numbers (its slug)"}},
)
def kb_report(call: Call) -> Any:
    from datetime import date

    from ..services.kb_stats import MAX_REPORT_DAYS

    try:
        start, end = date.fromisoformat(call.query["from"]), date.fromisoformat(call.query["to"])
    except ValueError:
        raise ValidationError("'from' and 'to' are days: YYYY-MM-DD.",
                              details=[{"field": "from", "message": "a day such as 2026-12-01"}]) from None
    if end < start or (end - start).days >= MAX_REPORT_DAYS:
        raise ValidationError(f"'to' is on or after 'from', at most {MAX_REPORT_DAYS} days on.",
                              details=[{"field": "to", "message": "out of range"}])
    return container().kb_stats.report(start, end, article=call.query.get("article"))


def _settings(call: Call) -> dict[str, Any]:
    assert call.principal is not None
    s = container().kb.settings()
    return {"default_locale": s.default_locale, "editors": list(s.editors), "bot_enabled": s.bot_enabled,
            "name": s.name, "logo_url": s.logo_url, "color": s.color,
            "can_edit": container().kb.can_edit(call.principal)}


@operation(bp, "GET", "/kb/settings", summary="The knowledge base's settings, and whether you may edit",
           auth=AGENT, response="KbSettings")
def get_kb_settings(call: Call) -> Any:
    return _settings(call)


@operation(
    bp, "PATCH", "/kb/settings",
    summary="Change the knowledge base's settings (admins): default language, editors, the FAQ bot, the help "
    "center's name, logo and colour", auth=ADMIN, body="KbSettingsPatch", response="KbSettings", errors=(400,),
)
def patch_kb_settings(call: Call) -> Any:
    container().kb.put_settings(call.body)
    audit(call, "kb_settings.changed", None, None, fields=sorted(call.body))
    return _settings(call)
