"""The public help center's pages, as a browser or a search engine gets them: server-rendered
HTML in the reader's language (right to left for Hebrew), with canonical and hreflang links,
the business's name, a sitemap, and caching by ETag (each test publishes its own articles)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.desk_env import settle


def publish(api, slug, locale, title, body="Text.", category="lamps-care", **more):
    r = api.request("PUT", f"/kb/articles/{slug}/{locale}", json={
        "title": title, "body": body, "category": category, "status": "published", **more})
    assert r.status_code == 200, r.text


def test_an_article_page_in_english_and_hebrew(admin, anonymous, unique):
    slug = f"clean-shade-{unique}"
    publish(admin, slug, "en", f"Cleaning a fabric shade {unique}",
            body="Use a **lint roller**.\n\nSee [delivery](/help/en/delivery-times).\n\n<img src=x onerror=alert(1)>")
    publish(admin, slug, "he", f"ניקוי אהיל בד {unique}", body="השתמשו ב**רולר**.")
    r = admin.request("PUT", f"/kb/categories/care-{unique}", json={"names": {"en": "Care", "he": "טיפול"}})
    assert r.status_code == 200
    publish(admin, f"other-{unique}", "en", f"Polishing brass {unique}", category=f"care-{unique}")
    settle()

    page = anonymous.get(f"/help/en/{slug}")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert '<html lang="en" dir="ltr">' in html
    assert f"<title>Cleaning a fabric shade {unique} – " in html
    assert f"<h1>Cleaning a fabric shade {unique}</h1>" in html
    assert "<strong>lint roller</strong>" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # text, not markup
    assert "<script>" not in html.split("</main>")[0]
    assert re.search(rf'<link rel="canonical" href="[^"]*/help/en/{slug}">', html)
    assert re.search(rf'<link rel="alternate" hreflang="he" href="[^"]*/help/he/{slug}">', html)
    assert re.search(rf'<link rel="alternate" hreflang="x-default" href="[^"]*/help/en/{slug}">', html)
    assert '<meta name="description" content="Use a lint roller.' in html
    assert 'href="/portal/new"' in html  # the contact form, which opens a ticket
    hebrew = anonymous.get(f"/help/he/{slug}").text
    assert '<html lang="he" dir="rtl">' in hebrew and f"ניקוי אהיל בד {unique}" in hebrew
    # a language it is not written in: the default language's version, saying so
    assert '<html lang="en" dir="ltr">' in anonymous.get(f"/help/de/{slug}").text

    category = anonymous.get(f"/help/en/categories/care-{unique}")
    assert category.status_code == 200 and "<h1>Care</h1>" in category.text
    assert f"Polishing brass {unique}" in category.text
    hebrew_category = anonymous.get(f"/help/he/categories/care-{unique}")
    assert "<h1>טיפול</h1>" in hebrew_category.text  # with the English article, untranslated
    assert f'<a href="/help/en/other-{unique}" lang="en">' in hebrew_category.text
    root = anonymous.get("/help", headers={"Accept-Language": "xx, he;q=0.9, en;q=0.8"}, allow_redirects=False)
    assert root.status_code == 302 and root.headers["Location"].endswith("/help/he")


def test_search_page_home_and_missing_pages(admin, anonymous, unique):
    word = f"zq{unique}"
    publish(admin, f"dimmer-{unique}", "en", f"Which dimmer for {word} LEDs", body="A trailing-edge dimmer.")
    settle()
    found = anonymous.get("/help/en/search", params={"q": f"dimmers {word}"})
    assert found.status_code == 200
    assert f'href="/help/en/dimmer-{unique}"' in found.text
    assert '<meta name="robots" content="noindex">' in found.text
    nothing = anonymous.get("/help/en/search", params={"q": f"nothing{unique}"})
    assert nothing.status_code == 200 and f"No articles match “nothing{unique}”." in nothing.text
    home = anonymous.get("/help/en", params={"utm_source": "newsletter"})  # a tracking link is not an error
    assert home.status_code == 200 and f"Which dimmer for {word} LEDs" in home.text
    missing = anonymous.get(f"/help/en/no-such-{unique}")
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("text/html")
    assert anonymous.get("/help/english").status_code == 404


def test_pages_are_cacheable_and_revalidated(anonymous, admin, unique):
    publish(admin, f"cache-{unique}", "en", f"Cache me {unique}")
    settle()
    first = anonymous.get(f"/help/en/cache-{unique}")
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["ETag"]
    again = anonymous.get(f"/help/en/cache-{unique}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.text == ""
    css = anonymous.get("/help/assets/help.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_the_sitemap_lists_each_article_with_its_translations(admin, anonymous, unique):
    slug = f"sitemap-{unique}"
    publish(admin, slug, "en", f"Sitemap {unique}")
    publish(admin, slug, "es", f"Mapa {unique}")
    settle()
    r = anonymous.get("/help/sitemap.xml")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.find("s:loc", ns).text: [link.get("hreflang") for link in u.findall("x:link", ns)]
            for u in ET.fromstring(r.content).findall("s:url", ns)}
    mine = {loc: langs for loc, langs in urls.items() if loc.endswith(f"/{slug}")}
    assert {loc.split("/help/")[1] for loc in mine} == {f"en/{slug}", f"es/{slug}"}
    assert all(sorted(langs) == ["en", "es"] for langs in mine.values())


def test_pages_are_compressed_for_a_browser_that_accepts_it(admin, anonymous, unique):
    import requests

    publish(admin, f"gzip-{unique}", "en", f"Compressed {unique}", body="Words. " * 300)
    settle()
    raw = requests.get(f"{anonymous.base}/help/en/gzip-{unique}", headers={"Accept-Encoding": "gzip"}, stream=True,
                       timeout=30)
    assert raw.headers["Content-Encoding"] == "gzip"
    compressed = raw.raw.read(decode_content=False)
    plain = requests.get(f"{anonymous.base}/help/en/gzip-{unique}", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers and len(plain.content) > 2 * len(compressed)
