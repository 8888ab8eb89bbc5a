"""The knowledge base's API: editors write articles in languages, publish them, and readers
find them on the help center's search; the index is rebuilt from the table's stream and
loaded by a new function instance from the bucket (each test uses slugs of its own)."""

from __future__ import annotations

from tests.desk_env import settle


def put(api, slug, locale, **fields):
    body = {"title": f"Title of {slug}", "body": "Some text.", "category": "testing", "status": "published", **fields}
    return api.request("PUT", f"/kb/articles/{slug}/{locale}", json=body)


def search(api, q, locale, **params):
    r = api.get("/help/search", params={"q": q, "locale": locale, **params})
    assert r.status_code == 200, r.text
    return [(i["slug"], i["locale"]) for i in r.json()["items"]]


def test_a_published_article_is_found_in_its_language_and_a_draft_is_not(admin, anonymous, unique):
    slug = f"descaling-{unique}"
    word = f"zq{unique}"
    r = put(admin, slug, "en", title=f"Descaling the {word} kettle lamp",
            body=f"# Steps\n\nUse **vinegar** on the {word} base.\n\n<script>alert(1)</script>",
            keywords=["limescale", "Limescale "])
    assert r.status_code == 200, r.text
    article = r.json()
    assert article["rev"] == 1 and article["status"] == "published" and article["keywords"] == ["limescale"]
    assert "<h2>Steps</h2>" in article["html"] and "<strong>vinegar</strong>" in article["html"]
    assert "<script>" not in article["html"]  # raw HTML is text, never markup
    assert put(admin, slug, "de", title=f"Entkalken der {word} Lampe", body="Mit Essig.").status_code == 200
    draft = f"draft-{unique}"
    assert put(admin, draft, "en", title=f"Secret {word} plans", status="draft").status_code == 200
    settle()

    assert search(anonymous, word, "en") == [(slug, "en")]  # the draft is not public
    assert search(anonymous, word, "de") == [(slug, "de")]
    assert search(anonymous, "limescale", "en")[:1] == [(slug, "en")]
    # a language without its own version falls back to the default language's
    assert search(anonymous, word, "fr") == [(slug, "en")]
    # as the widget asks while the visitor types: the last word is a prefix
    assert search(anonymous, f"vinega {word[:6]}", "en", prefix="1")[:1] == [(slug, "en")]
    assert search(anonymous, f"{word} vinegra", "en")[:1] == [(slug, "en")]  # a typo
    # the widget reads an article as JSON; a draft is not there
    r = anonymous.get(f"/help/articles/{slug}", params={"locale": "de"})
    assert r.status_code == 200 and r.json()["locale"] == "de" and r.json()["locales"] == ["de", "en"]
    assert "<strong>vinegar</strong>" not in r.json()["html"] and r.json()["url"] == f"/help/de/{slug}"
    assert anonymous.get(f"/help/articles/{slug}", params={"locale": "en"}).json()["html"].startswith("<h2>Steps")
    assert anonymous.get(f"/help/articles/{draft}").status_code == 404
    # publishing the draft makes it public, and taking an article down removes it
    r = put(admin, draft, "en", title=f"Secret {word} plans", status="published", rev=1)
    assert r.status_code == 200 and r.json()["rev"] == 2
    assert admin.request("DELETE", f"/kb/articles/{slug}/de").status_code == 204
    settle()
    assert set(search(anonymous, word, "en")) == {(slug, "en"), (draft, "en")}
    assert search(anonymous, word, "de") == [(draft, "en"), (slug, "en")] or \
        set(search(anonymous, word, "de")) == {(draft, "en"), (slug, "en")}


def test_saves_keep_revisions_and_a_stale_save_is_a_conflict(admin, unique):
    slug = f"revisions-{unique}"
    assert put(admin, slug, "en", body="first").status_code == 200
    assert put(admin, slug, "en", body="second", rev=1).status_code == 200
    stale = put(admin, slug, "en", body="lost?", rev=1)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "article_changed"
    r = admin.get(f"/kb/articles/{slug}/en/revisions")
    assert r.status_code == 200
    assert [(i["rev"], i["body"]) for i in r.json()["items"]] == [(2, "second"), (1, "first")]
    assert admin.get(f"/kb/articles/{slug}/en").json()["body"] == "second"
    listed = admin.get("/kb/articles", params={"locale": "en"}).json()["items"]
    assert [a["rev"] for a in listed if a["slug"] == slug] == [2]


def test_bad_input_is_a_clear_error(admin, agent, anonymous, unique):
    bad = put(admin, "Not_A_Slug", "english")
    assert bad.status_code == 400
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"slug", "locale"}
    assert put(admin, "search", "en").status_code == 400  # the help center's own path
    r = admin.request("PUT", f"/kb/articles/ok-{unique}/en", json={"title": "", "body": 3})
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_failed"
    assert admin.get(f"/kb/articles/missing-{unique}/en").status_code == 404
    # the longest body the schema takes fits the API's body limit even escaped as JSON (an
    # emoji is 12 bytes as \\ud83d\\ude00): one character more is a 400, never a 413
    assert put(admin, f"long-{unique}", "en", body="\U0001F600" * 20000, status="draft").status_code == 200
    assert put(admin, f"long-{unique}", "en", body="\U0001F600" * 20001, status="draft").status_code == 400
    # an agent the admins did not allow may read, not write
    denied = put(agent, f"agent-{unique}", "en")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "editor_required"
    assert anonymous.get("/kb/articles").status_code == 401
    r = anonymous.get("/help/search", params={"q": "x" * 201})
    assert r.status_code == 400


def test_an_agent_admins_allow_may_write(admin, agent, agent_account, unique):
    before = admin.get("/kb/settings").json()
    try:
        r = admin.patch("/kb/settings", json={"editors": [*before["editors"], agent_account["id"]]})
        assert r.status_code == 200 and agent_account["id"] in r.json()["editors"]
        assert agent.get("/kb/settings").json()["can_edit"] is True
        assert put(agent, f"by-agent-{unique}", "en").status_code == 200
    finally:
        admin.patch("/kb/settings", json={"editors": before["editors"]})
    assert agent.get("/kb/settings").json()["can_edit"] is False


def test_a_new_function_instance_finds_what_was_published_without_a_deploy(admin, unique):
    """A fresh container (a cold start) reads the index pointer and loads the index from the
    bucket: publishing needs no redeploy."""
    from chalicelib import bootstrap

    word = f"zq{unique}"
    assert put(admin, f"cold-{unique}", "es", title=f"Bombilla {word}").status_code == 200
    settle()
    bootstrap.reset()  # as a new instance: nothing loaded yet
    hits = bootstrap.container().kb.search(word, "es")
    assert [(h.slug, h.locale) for h in hits] == [(f"cold-{unique}", "es")]


def test_an_editor_uploads_a_picture_and_the_article_shows_it(admin, agent, anonymous, unique):
    import requests

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = admin.post("/kb/images", json={"filename": "Dimmer wiring.png", "content_type": "image/png"})
    assert r.status_code == 201, r.text
    image = r.json()
    assert image["url"] == f"/help/images/{image['id']}/Dimmer_wiring.png"
    stored = requests.post(image["upload"]["url"], data=image["upload"]["fields"],
                           files={"file": ("Dimmer wiring.png", png, "image/png")}, timeout=30)
    assert stored.status_code in (200, 201, 204), stored.text
    slug = f"picture-{unique}"
    assert put(admin, slug, "en", body=f"The wiring:\n\n![Dimmer wiring]({image['url']})").status_code == 200
    settle()
    page = anonymous.get(f"/help/en/{slug}").text
    assert f'<img src="{image["url"]}" alt="Dimmer wiring">' in page
    shown = anonymous.get(image["url"], allow_redirects=False)
    assert shown.status_code == 302 and shown.headers["Cache-Control"] == "public, max-age=1800"
    assert requests.get(shown.headers["Location"], timeout=30).content == png
    # not a picture, not an editor, not an id: refused
    assert admin.post("/kb/images", json={"filename": "x.svg", "content_type": "image/svg+xml"}).status_code == 400
    denied = agent.post("/kb/images", json={"filename": "x.png", "content_type": "image/png"})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "editor_required"
    assert anonymous.get("/help/images/not-an-id/x.png", allow_redirects=False).status_code == 404
    assert anonymous.get(f"/help/images/{image['id']}/..%2Fsecret.png", allow_redirects=False).status_code == 404
