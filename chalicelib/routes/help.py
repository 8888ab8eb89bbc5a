"""The public help center: its pages (server-rendered HTML), its search as JSON for the widget
and scripts, and its sitemap (docs/knowledge-base.md). Nothing here needs a sign-in, and
nothing here makes the desk mail or call anyone."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from chalice import Blueprint, Response

from ..bootstrap import container
from ..domain import kb
from ..domain.errors import NotFoundError
from ..entrypoints import help_pages as pages
from ..entrypoints.http import PUBLIC, Call, operation, public_base_url
from ..entrypoints.openapi import HTML_PAGE

bp = Blueprint(__name__)

PAGE_SECONDS = 60  # browsers and CDNs keep a page this long; publishing shows within it
_QUERY = {"maxLength": 200, "pattern": r"[^\x00-\x1f]*", "description": "words, as a reader types them"}


def _site(call: Call) -> pages.Site:
    c = container()
    settings = c.kb.settings()
    index = c.kb.index()
    locales = sorted({settings.default_locale, *(getattr(index, "locales", None) or ())})
    base_url = c.settings.public_url or public_base_url(call) or ""
    origin, base = _split(base_url)
    return pages.Site(settings=settings, base=base, origin=origin, locales=locales, widget_key=c.settings.widget_key)


def _split(base_url: str) -> tuple[str, str]:
    """``https://host/api`` -> (``https://host``, ``/api``)."""
    if "://" not in base_url:
        return "", ""
    scheme, rest = base_url.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}", f"/{path}".rstrip("/") if path else ""


def _language(value: str) -> str | None:
    """A path's language (two letters), or None: a page that is not there."""
    value = unquote(value)
    return value if kb.LOCALE.fullmatch(value) else None


def _missing(call: Call, site: pages.Site, locale: str | None = None) -> Response:
    """The help center's 404 page, in the reader's language when the path had one."""
    return _page(call, pages.not_found_page(site, locale or site.settings.default_locale), status=404)


def _page(call: Call, body: str, status: int = 200, content_type: str = "text/html; charset=utf-8",
          seconds: int = PAGE_SECONDS) -> Response:
    """A public page: cacheable for a minute, revalidated by its ETag."""
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
    headers: dict[str, str | list[str]] = {"ETag": etag, "Cache-Control": f"public, max-age={seconds}",
                                            "Vary": "Accept-Encoding"}
    if status == 200 and call.request.headers.get("if-none-match") == etag:
        return Response(body="", status_code=304, headers=headers)
    if status != 200:
        headers["Cache-Control"] = "no-store"
    return Response(body=body, status_code=status, headers={"Content-Type": content_type, **headers})


@operation(
    bp, "GET", "/help/search", summary="Search the help center's published articles (best first)", auth=PUBLIC,
    response="HelpSearch", cors=True,
    query={"q": {**_QUERY, "required": True},
           "locale": {"pattern": r"[a-z]{2}", "description": "the reader's language (two letters)"},
           "limit": {"pattern": r"[1-9]|10", "description": "a number from 1 to 10"},
           "prefix": {"enum": ["0", "1"], "description": "1: the last word is still being typed (suggestions)"}},
)
def help_search(call: Call) -> Any:
    c = container()
    q = call.query
    locale = q.get("locale") or c.kb.settings().default_locale
    typing = q.get("prefix") == "1"
    hits = c.kb.search(q["q"], locale, limit=int(q.get("limit", "5")), prefix=typing)
    if not typing and q["q"].strip():  # suggestions while typing are not searches
        c.kb_stats.searched(q["q"], len(hits))
    return {"items": [{"slug": h.slug, "locale": h.locale, "title": h.title, "url": h.url, "snippet": h.snippet}
                      for h in hits]}


@operation(
    bp, "GET", "/help/articles/{slug}", summary="A published article as JSON, for the widget (its HTML sanitised)",
    auth=PUBLIC, response="HelpArticle", errors=(404,), cors=True,
    query={"locale": {"pattern": r"[a-z]{2}", "description": "the reader's language (two letters)"},
           "from": {"enum": ["search", "bot"], "description": "opened from a search result or suggestion, or "
                    "from the bot's answer (counted as the article answering)"}},
)
def help_article_json(call: Call, slug: str) -> Any:
    c = container()
    slug = unquote(slug)
    if not kb.SLUG.fullmatch(slug):
        raise NotFoundError("No such article.", code="article_not_found")
    article, published_in = c.kb.published(slug, call.query.get("locale") or c.kb.settings().default_locale)
    c.kb_stats.viewed(article.slug, article.locale, from_search=call.query.get("from") == "search")
    return {"slug": article.slug, "locale": article.locale, "title": article.title, "html": article.html,
            "url": kb.article_url(article.locale, article.slug), "locales": published_in}


@operation(
    bp, "POST", "/help/articles/{slug}/feedback", summary="Was this article helpful? (a reader's vote)",
    auth=PUBLIC, body="HelpFeedback", status=204, errors=(400, 404, 429), cors=True, rate_limit="help_feedback",
)
def help_feedback(call: Call, slug: str) -> Any:
    c = container()
    slug = unquote(slug)
    if not kb.SLUG.fullmatch(slug):
        raise NotFoundError("No such article.", code="article_not_found")
    article, _ = c.kb.published(slug, call.body.get("locale") or c.kb.settings().default_locale)
    c.kb_stats.voted(article.slug, article.locale, bool(call.body["helpful"]))
    return Response(body="", status_code=204)


@operation(
    bp, "GET", "/help/images/{image_id}/{filename}", summary="A picture of an article (a redirect to the bucket)",
    auth=PUBLIC, errors=(404,), other_query=True,
)
def help_image(call: Call, image_id: str, filename: str) -> Any:
    url = container().kb.image_view_url(unquote(image_id), unquote(filename))
    # The link is good for an hour: browsers keep the redirect for less.
    return Response(body="", status_code=302, headers={"Location": url, "Cache-Control": "public, max-age=1800"})


@operation(bp, "GET", "/help", summary="The help center (redirects to its default language)", auth=PUBLIC,
           other_query=True)
def help_root(call: Call) -> Any:
    site = _site(call)
    wanted = _accepted(call.request.headers.get("accept-language", ""), site.locales) or site.settings.default_locale
    return Response(body="", status_code=302, headers={"Location": site.url(f"/help/{wanted}"),
                                                        "Cache-Control": "no-store", "Vary": "Accept-Language"})


def _accepted(header: str, locales: Sequence[str]) -> str | None:
    """The first language of ``Accept-Language`` the help center has."""
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, i, tag.strip().lower()[:2]))
    return next((tag for _, _, tag in sorted(ranked) if tag in locales), None)


@operation(bp, "GET", "/help/sitemap.xml", summary="The help center's sitemap", auth=PUBLIC, other_query=True)
def help_sitemap(call: Call) -> Any:
    site = _site(call)
    articles: list[kb.IndexedArticle] = []
    published_in: dict[str, list[str]] = {}
    for locale in site.locales:
        for a in container().kb.listing(locale)[0]:
            if a.locale == locale:
                articles.append(a)
                published_in.setdefault(a.slug, []).append(locale)
    return _page(call, pages.sitemap(site, articles, published_in), content_type="application/xml; charset=utf-8")


@operation(bp, "GET", "/help/assets/help.css", summary="The help center's styles", auth=PUBLIC, other_query=True)
def help_styles(call: Call) -> Any:
    from .pages import _static_file

    return _page(call, _static_file("help.css"), content_type="text/css; charset=utf-8", seconds=300)


@operation(bp, "GET", "/help/assets/help.js", summary="The help center's script (the helpful vote)", auth=PUBLIC,
           other_query=True)
def help_script(call: Call) -> Any:
    from .pages import _static_file

    return _page(call, _static_file("help.js"), content_type="application/javascript; charset=utf-8", seconds=300)


@operation(bp, "GET", "/help/assets/brand.css", summary="The help center's brand colour", auth=PUBLIC,
           other_query=True)
def help_brand(call: Call) -> Any:
    return _page(call, pages.brand_css(container().kb.settings()), content_type="text/css; charset=utf-8")


@operation(bp, "GET", "/help/{locale}", summary="The help center's home page in a language", auth=PUBLIC, response=HTML_PAGE, errors=(404,),
           other_query=True)
def help_home(call: Call, locale: str) -> Any:
    site = _site(call)
    lang = _language(locale)
    if lang is None:
        return _missing(call, site)
    articles, categories = container().kb.listing(lang)
    return _page(call, pages.home_page(site, lang, articles, categories))


@operation(bp, "GET", "/help/{locale}/search", summary="The help center's search page", auth=PUBLIC, response=HTML_PAGE, errors=(404,),
           query={"q": _QUERY}, other_query=True)
def help_search_page(call: Call, locale: str) -> Any:
    site = _site(call)
    lang = _language(locale)
    if lang is None:
        return _missing(call, site)
    query = call.query.get("q", "")
    hits = container().kb.search(query, lang, limit=10) if query.strip() else []
    if query.strip():
        container().kb_stats.searched(query, len(hits))
    return _page(call, pages.search_page(site, lang, query, hits))


@operation(bp, "GET", "/help/{locale}/categories/{category}", summary="A category's articles", auth=PUBLIC, response=HTML_PAGE, errors=(404,),
           other_query=True)
def help_category(call: Call, locale: str, category: str) -> Any:
    site = _site(call)
    lang, category = _language(locale), unquote(category)
    if lang is None:
        return _missing(call, site)
    articles, categories = container().kb.listing(lang)
    found = next((c for c in categories if c.slug == category), None)
    members = [a for a in articles if a.category == category]
    if not members:
        return _missing(call, site, lang)
    return _page(call, pages.category_page(site, lang, found or kb.Category(category), members))


@operation(bp, "GET", "/help/{locale}/{slug}", summary="A help-center article (a web page)", auth=PUBLIC, response=HTML_PAGE, errors=(404,),
           other_query=True)
def help_article(call: Call, locale: str, slug: str) -> Any:
    site = _site(call)
    lang, slug = _language(locale), unquote(slug)
    if lang is None:
        return _missing(call, site)
    if not kb.SLUG.fullmatch(slug):
        return _missing(call, site, lang)
    try:
        article, published_in = container().kb.published(slug, lang)
    except NotFoundError:
        return _missing(call, site, lang)
    articles, categories = container().kb.listing(article.locale)
    category = next((c for c in categories if c.slug == article.category), None) or kb.Category(article.category)
    related = [a for a in articles if a.category == article.category]
    container().kb_stats.viewed(article.slug, article.locale)
    return _page(call, pages.article_page(site, lang, article, published_in, category, related))
