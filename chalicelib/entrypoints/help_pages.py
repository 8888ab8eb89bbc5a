"""The help center's pages, rendered on the server: plain HTML that search engines and screen
readers read as it comes, in the reader's language (right to left for Hebrew), with the
business's name, logo and colour. Everything shown is escaped, except an article's body,
which was sanitised when it was saved; nothing is inline (the pages' CSP allows neither inline
scripts nor styles: the brand colour comes as a stylesheet of its own)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from ..domain.kb import RIGHT_TO_LEFT, Article, Category, Hit, IndexedArticle, KbSettings

PHRASES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "skip": "Skip to content", "search": "Search", "search_label": "Search the help center",
        "placeholder": "Search for answers", "categories": "Categories", "results": "Results for “{q}”",
        "no_results": "No articles match “{q}”.", "ask": "Still need help?", "chat": "Start a chat",
        "contact": "Send us a message", "languages": "Languages", "home": "Help Center",
        "not_found": "We could not find that page.", "empty": "There are no articles here yet.",
        "articles": "{n} articles", "updated": "Updated {date}", "in_category": "More in {category}",
        "search_hint": "Type a few words, such as “return” or “delivery”.",
        "helpful": "Was this article helpful?", "yes": "Yes", "no": "No", "thanks": "Thank you for your feedback!",
        "failed": "That did not work. Please try again.",
    },
    "de": {
        "skip": "Zum Inhalt springen", "search": "Suchen", "search_label": "Im Hilfe-Center suchen",
        "placeholder": "Antworten suchen", "categories": "Kategorien", "results": "Ergebnisse für „{q}“",
        "no_results": "Keine Artikel passen zu „{q}“.", "ask": "Brauchen Sie weitere Hilfe?",
        "chat": "Chat starten", "contact": "Nachricht senden", "languages": "Sprachen", "home": "Hilfe-Center",
        "not_found": "Diese Seite gibt es nicht.", "empty": "Hier gibt es noch keine Artikel.",
        "articles": "{n} Artikel", "updated": "Aktualisiert am {date}", "in_category": "Mehr in {category}",
        "search_hint": "Geben Sie ein paar Wörter ein, etwa „Rücksendung“ oder „Lieferung“.",
        "helpful": "War dieser Artikel hilfreich?", "yes": "Ja", "no": "Nein", "thanks": "Danke für Ihre Rückmeldung!",
        "failed": "Das hat nicht geklappt. Bitte versuchen Sie es noch einmal.",
    },
    "fr": {
        "skip": "Aller au contenu", "search": "Rechercher", "search_label": "Rechercher dans le centre d'aide",
        "placeholder": "Rechercher une réponse", "categories": "Catégories", "results": "Résultats pour « {q} »",
        "no_results": "Aucun article ne correspond à « {q} ».", "ask": "Besoin d'aide ?",
        "chat": "Démarrer une discussion", "contact": "Nous écrire", "languages": "Langues",
        "home": "Centre d'aide", "not_found": "Cette page est introuvable.",
        "empty": "Il n'y a pas encore d'articles ici.", "articles": "{n} articles", "updated": "Mis à jour le {date}",
        "in_category": "Plus dans {category}", "search_hint": "Tapez quelques mots, comme « retour » ou « livraison ».",
        "helpful": "Cet article vous a-t-il aidé ?", "yes": "Oui", "no": "Non", "thanks": "Merci pour votre avis !",
        "failed": "Cela n'a pas fonctionné. Veuillez réessayer.",
    },
    "es": {
        "skip": "Ir al contenido", "search": "Buscar", "search_label": "Buscar en el centro de ayuda",
        "placeholder": "Buscar respuestas", "categories": "Categorías", "results": "Resultados de «{q}»",
        "no_results": "Ningún artículo coincide con «{q}».", "ask": "¿Necesitas más ayuda?",
        "chat": "Iniciar un chat", "contact": "Envíanos un mensaje", "languages": "Idiomas",
        "home": "Centro de ayuda", "not_found": "No encontramos esa página.",
        "empty": "Todavía no hay artículos aquí.", "articles": "{n} artículos", "updated": "Actualizado el {date}",
        "in_category": "Más en {category}", "search_hint": "Escribe unas palabras, como «devolución» o «envío».",
        "helpful": "¿Te ha resultado útil este artículo?", "yes": "Sí", "no": "No", "thanks": "¡Gracias por tu opinión!",
        "failed": "No ha funcionado. Inténtalo de nuevo.",
    },
    "he": {
        "skip": "דלגו לתוכן", "search": "חיפוש", "search_label": "חיפוש במרכז העזרה",
        "placeholder": "חפשו תשובות", "categories": "קטגוריות", "results": "תוצאות עבור „{q}”",
        "no_results": "אין מאמרים שמתאימים ל„{q}”.", "ask": "עדיין צריכים עזרה?", "chat": "התחילו צ'אט",
        "contact": "שלחו לנו הודעה", "languages": "שפות", "home": "מרכז העזרה",
        "not_found": "לא מצאנו את הדף הזה.", "empty": "עדיין אין כאן מאמרים.", "articles": "{n} מאמרים",
        "updated": "עודכן ב־{date}", "in_category": "עוד ב{category}",
        "search_hint": "הקלידו כמה מילים, למשל „החזרה” או „משלוח”.",
        "helpful": "האם המאמר עזר לך?", "yes": "כן", "no": "לא", "thanks": "תודה על המשוב!",
        "failed": "זה לא הצליח. נסו שוב.",
    },
    "et": {
        "skip": "Liigu sisu juurde", "search": "Otsi", "search_label": "Otsi abikeskusest",
        "placeholder": "Otsi vastuseid", "categories": "Kategooriad", "results": "Tulemused: „{q}“",
        "no_results": "Päringule „{q}“ ei vasta ükski artikkel.", "ask": "Vajad veel abi?",
        "chat": "Alusta vestlust", "contact": "Saada meile sõnum", "languages": "Keeled", "home": "Abikeskus",
        "not_found": "Seda lehte ei leitud.", "empty": "Siin pole veel artikleid.", "articles": "{n} artiklit",
        "updated": "Uuendatud {date}", "in_category": "Veel: {category}",
        "search_hint": "Kirjuta paar sõna, näiteks „tagastus“ või „tarne“.",
        "helpful": "Kas see artikkel aitas?", "yes": "Jah", "no": "Ei", "thanks": "Aitäh tagasiside eest!",
        "failed": "See ei õnnestunud. Palun proovi uuesti.",
    },
}
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "he": "עברית",
                  "et": "Eesti", "it": "Italiano", "pt": "Português", "nl": "Nederlands"}
DESCRIPTION_CHARS = 155


def phrase(locale: str, name: str, **values: Any) -> str:
    text = (PHRASES.get(locale) or PHRASES["en"])[name]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Site:
    """What every page of one help center shares."""

    settings: KbSettings
    base: str  # the path in front of the desk's routes ("" or "/api")
    origin: str  # scheme://host of the desk (canonical links), "" if not known
    locales: Sequence[str]  # the languages it has articles in
    widget_key: str

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def absolute(self, path: str) -> str:
        return f"{self.origin}{self.base}{path}"


def _head(site: Site, locale: str, title: str, description: str, path: str,
          alternates: Mapping[str, str] | None = None, noindex: bool = False) -> str:
    links = [f'<link rel="canonical" href="{escape(site.absolute(path))}">']
    for other, other_path in sorted((alternates or {}).items()):
        links.append(f'<link rel="alternate" hreflang="{escape(other)}" href="{escape(site.absolute(other_path))}">')
    if alternates and site.settings.default_locale in alternates:
        links.append(f'<link rel="alternate" hreflang="x-default" '
                     f'href="{escape(site.absolute(alternates[site.settings.default_locale]))}">')
    robots = '<meta name="robots" content="noindex">' if noindex else ""
    return (
        '<!doctype html>'
        f'<html lang="{escape(locale)}" dir="{"rtl" if locale in RIGHT_TO_LEFT else "ltr"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<meta name="description" content="{escape(description)}">{robots}{"".join(links)}'
        f'<link rel="stylesheet" href="{escape(site.url("/help/assets/help.css"))}">'
        f'<link rel="stylesheet" href="{escape(site.url("/help/assets/brand.css"))}">'
        "</head>"
    )


def _header(site: Site, locale: str, query: str = "", alternates: Mapping[str, str] | None = None) -> str:
    s = site.settings
    logo = (f'<img src="{escape(s.logo_url)}" alt="" width="32" height="32">' if s.logo_url else "")
    others = alternates if alternates is not None else {loc: f"/help/{loc}" for loc in site.locales}
    languages = ""
    if len(others) > 1:
        current = ' aria-current="true"'
        items = "".join(
            f'<li><a href="{escape(site.url(p))}" hreflang="{escape(loc)}" lang="{escape(loc)}"'
            f'{current if loc == locale else ""}>{escape(LANGUAGE_NAMES.get(loc, loc))}</a></li>'
            for loc, p in sorted(others.items())
        )
        languages = f'<nav class="languages" aria-label="{escape(phrase(locale, "languages"))}"><ul>{items}</ul></nav>'
    return (
        f'<body><a class="skip" href="#main">{escape(phrase(locale, "skip"))}</a>'
        f'<header class="top"><div class="bar"><a class="brand" href="{escape(site.url(f"/help/{locale}"))}">'
        f"{logo}<span>{escape(s.name)}</span></a>{languages}</div>"
        f'<form class="search" role="search" method="get" action="{escape(site.url(f"/help/{locale}/search"))}">'
        f'<label for="help-q" class="visually-hidden">{escape(phrase(locale, "search_label"))}</label>'
        f'<input id="help-q" name="q" type="search" maxlength="200" value="{escape(query)}" '
        f'placeholder="{escape(phrase(locale, "placeholder"))}" autocomplete="off">'
        f'<button type="submit">{escape(phrase(locale, "search"))}</button></form></header>'
        '<main id="main">'
    )


def _footer(site: Site, locale: str, scripts: bool = False) -> str:
    widget = f'<script src="{escape(site.url("/help/assets/help.js"))}" defer></script>' if scripts else ""
    if site.widget_key:
        widget += (f'<script src="{escape(site.url("/widget.js"))}" data-key="{escape(site.widget_key)}" '
                  f'data-lang="{escape(locale)}" async></script>')
    chat = (f'<a class="button" href="#chat" data-desk-open-chat>{escape(phrase(locale, "chat"))}</a> '
            if site.widget_key else "")  # the widget opens on it (no widget, no link)
    return (
        f'</main><footer class="contact"><h2>{escape(phrase(locale, "ask"))}</h2><p>{chat}'
        f'<a class="button secondary" href="{escape(site.url("/portal/new"))}">{escape(phrase(locale, "contact"))}</a>'
        f"</p></footer>{widget}</body></html>"
    )


def _article_list(site: Site, articles: Iterable[IndexedArticle]) -> str:
    items = "".join(
        f'<li><a href="{escape(site.url(a.url))}"{_lang_attr(a.locale)}>{escape(a.title)}</a></li>' for a in articles
    )
    return f'<ul class="articles">{items}</ul>'


def _lang_attr(locale: str) -> str:
    """A fallback article in another language says so, for screen readers."""
    return f' lang="{escape(locale)}"' if locale else ""


def home_page(site: Site, locale: str, articles: Sequence[IndexedArticle], categories: Sequence[Category]) -> str:
    s = site.settings
    by_category: dict[str, list[IndexedArticle]] = {}
    for a in articles:
        by_category.setdefault(a.category, []).append(a)
    order = {c.slug: (c.position, i) for i, c in enumerate(categories)}
    names = {c.slug: c for c in categories}
    sections = []
    for slug in sorted(by_category, key=lambda c: order.get(c, (10**6, 0))):
        name = (names.get(slug) or Category(slug)).name(locale, s.default_locale)
        found = by_category[slug]
        sections.append(
            f'<section class="category" aria-labelledby="cat-{escape(slug)}">'
            f'<h2 id="cat-{escape(slug)}"><a href="{escape(site.url(f"/help/{locale}/categories/{slug}"))}">'
            f'{escape(name)}</a></h2>{_article_list(site, found[:6])}'
            + (f'<p class="more"><a href="{escape(site.url(f"/help/{locale}/categories/{slug}"))}">'
               f'{escape(phrase(locale, "articles", n=len(found)))}</a></p>' if len(found) > 6 else "")
            + "</section>"
        )
    body = "".join(sections) or f'<p>{escape(phrase(locale, "empty"))}</p>'
    title = f"{s.name}"
    description = phrase(locale, "search_hint")
    alternates = {loc: f"/help/{loc}" for loc in site.locales}
    return (
        _head(site, locale, title, description, f"/help/{locale}", alternates)
        + _header(site, locale, alternates=alternates)
        + f'<h1>{escape(phrase(locale, "home"))}</h1><div class="categories">{body}</div>'
        + _footer(site, locale)
    )


def category_page(site: Site, locale: str, category: Category, articles: Sequence[IndexedArticle]) -> str:
    name = category.name(locale, site.settings.default_locale)
    alternates = {loc: f"/help/{loc}/categories/{category.slug}" for loc in site.locales}
    return (
        _head(site, locale, f"{name} – {site.settings.name}", phrase(locale, "articles", n=len(articles)),
              f"/help/{locale}/categories/{category.slug}", alternates)
        + _header(site, locale, alternates=alternates)
        + _crumbs(site, locale, [])
        + f"<h1>{escape(name)}</h1>{_article_list(site, articles)}"
        + _footer(site, locale)
    )


def _crumbs(site: Site, locale: str, trail: Sequence[tuple[str, str]]) -> str:
    items = [f'<li><a href="{escape(site.url(f"/help/{locale}"))}">{escape(phrase(locale, "home"))}</a></li>']
    items += [f'<li><a href="{escape(site.url(path))}">{escape(text)}</a></li>' for text, path in trail]
    return f'<nav class="crumbs" aria-label="Breadcrumb"><ol>{"".join(items)}</ol></nav>'


def article_page(site: Site, locale: str, article: Article, published_in: Sequence[str], category: Category,
                 related: Sequence[IndexedArticle]) -> str:
    """An article for a reader of ``locale`` (the page's language is the article's, which is
    the default language's when it has no translation)."""
    from ..domain.kb import plain_text

    lang = article.locale
    description = " ".join(plain_text(article.html).split())
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
    alternates = {loc: f"/help/{loc}/{article.slug}" for loc in published_in}
    category_name = category.name(lang, site.settings.default_locale)
    category_path = f"/help/{lang}/categories/{category.slug}"
    more = [a for a in related if a.slug != article.slug][:5]
    related_html = (f'<aside class="related"><h2>{escape(phrase(lang, "in_category", category=category_name))}</h2>'
                    f"{_article_list(site, more)}</aside>" if more else "")
    updated = article.updated_at.date().isoformat()
    return (
        _head(site, lang, f"{article.title} – {site.settings.name}", description, f"/help/{lang}/{article.slug}",
              alternates)
        + _header(site, lang, alternates=alternates)
        + _crumbs(site, lang, [(category_name, category_path)])
        + f'<article class="article"><h1>{escape(article.title)}</h1>'
        f'<p class="meta"><time datetime="{escape(updated)}">{escape(phrase(lang, "updated", date=updated))}</time></p>'
        f'<div class="body">{_local_links(site, article.html)}</div>'
        + _feedback(site, lang, article.slug)
        + f"</article>{related_html}"
        + _footer(site, lang, scripts=True)
    )


def _feedback(site: Site, locale: str, slug: str) -> str:
    """The helpful-or-not question (shown by help.js: without a script it could not be sent)."""
    return (
        f'<section class="feedback" data-feedback hidden aria-labelledby="feedback-q" data-slug="{escape(slug)}" '
        f'data-locale="{escape(locale)}" data-url="{escape(site.url(f"/help/articles/{slug}/feedback"))}" '
        f'data-thanks="{escape(phrase(locale, "thanks"))}" data-failed="{escape(phrase(locale, "failed"))}">'
        f'<h2 id="feedback-q">{escape(phrase(locale, "helpful"))}</h2>'
        f'<button type="button" value="yes">{escape(phrase(locale, "yes"))}</button> '
        f'<button type="button" value="no">{escape(phrase(locale, "no"))}</button>'
        '<p role="status"></p></section>'
    )


def _local_links(site: Site, html: str) -> str:
    """An editor's link to another article (``/help/...``) reaches it where the desk is mounted."""
    return html.replace('href="/help/', f'href="{escape(site.base)}/help/') if site.base else html


def search_page(site: Site, locale: str, query: str, hits: Sequence[Hit]) -> str:
    if not query.strip():
        results = f'<p>{escape(phrase(locale, "search_hint"))}</p>'
        heading = phrase(locale, "search")
    elif hits:
        items = "".join(
            f'<li><a href="{escape(site.url(h.url))}"{_lang_attr(h.locale)}>{escape(h.title)}</a>'
            f'<p{_lang_attr(h.locale)}>{escape(h.snippet)}</p></li>' for h in hits
        )
        results = f'<ol class="results">{items}</ol>'
        heading = phrase(locale, "results", q=query)
    else:
        results = f'<p>{escape(phrase(locale, "no_results", q=query))}</p>'
        heading = phrase(locale, "results", q=query)
    return (
        _head(site, locale, f"{heading} – {site.settings.name}", phrase(locale, "search_hint"),
              f"/help/{locale}/search", noindex=True)
        + _header(site, locale, query)
        + _crumbs(site, locale, [])
        + f'<h1>{escape(heading)}</h1><div role="status">{results}</div>'
        + _footer(site, locale)
    )


def not_found_page(site: Site, locale: str) -> str:
    return (
        _head(site, locale, f"{phrase(locale, 'not_found')} – {site.settings.name}", phrase(locale, "not_found"),
              f"/help/{locale}", noindex=True)
        + _header(site, locale)
        + f'<h1>{escape(phrase(locale, "not_found"))}</h1><p>{escape(phrase(locale, "search_hint"))}</p>'
        + _footer(site, locale)
    )


def sitemap(site: Site, articles: Sequence[IndexedArticle], published_in: Mapping[str, Sequence[str]]) -> str:
    """``sitemap.xml``: each language's home and every article in its own languages, with the
    translations as ``xhtml:link`` alternates."""
    urls = [f"<url><loc>{escape(site.absolute(f'/help/{loc}'))}</loc></url>" for loc in site.locales]
    for a in articles:
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{escape(loc)}" '
            f'href="{escape(site.absolute(f"/help/{loc}/{a.slug}"))}"/>'
            for loc in published_in.get(a.slug, ())
        )
        urls.append(f"<url><loc>{escape(site.absolute(a.url))}</loc>{alternates}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
            + "".join(urls) + "</urlset>")


def brand_css(settings: KbSettings) -> str:
    """The brand colour, and a text colour that reads on it (WCAG's contrast of the two)."""
    color = settings.color or "#1f4fd1"
    red, green, blue = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    text = "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#111111"
    return f":root{{--brand:{color};--brand-text:{text};}}\n"
