"""What the app serves as files: the widget's script (small, cacheable, loadable from any
site) and the agent console."""

from __future__ import annotations

import gzip


def test_the_widget_script_is_small_and_cacheable(anonymous):
    r = anonymous.get("/widget.js")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/javascript")
    assert len(gzip.compress(r.content)) <= 25 * 1024  # the budget: 25 KB gzipped
    assert "max-age" in r.headers["Cache-Control"] and r.headers["Access-Control-Allow-Origin"] == "*"
    again = anonymous.get("/widget.js", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_console_page_names_its_websocket_and_loads_its_files(anonymous, stack):
    page = anonymous.get("/console")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f'data-websocket-url="{stack.gateway.url}"' in page.text
    assert "{{" not in page.text
    for path, kind in (("/console/app.js", "application/javascript"), ("/console/app.css", "text/css")):
        r = anonymous.get(path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(kind)
    assert anonymous.get("/console/nothing.js").status_code == 404
    for path in ("/console/assets/settings.js", "/console/assets/settings.css"):
        r = anonymous.get(path)
        assert r.status_code == 200 and path.rsplit("/", 1)[1] in page.text
    for missing in ("nothing.js", "..%2Fconsole.js", "settings.py", "%2Fetc%2Fpasswd"):
        r = anonymous.get(f"/console/assets/{missing}")
        assert r.status_code == 404 and r.json()["error"]["code"] in ("asset_not_found", "not_found"), missing
