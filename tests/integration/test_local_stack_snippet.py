"""``make dev`` prints the widget's snippet, as the README promises: the exact tag to paste
into a page, with this desk's address and key."""

from __future__ import annotations

import json
import re

import requests

from tests.integration.test_local_stack import free_port, start, stop


def test_make_dev_prints_the_widget_snippet_of_the_running_desk(tmp_path):
    http_port = free_port()
    api = f"http://127.0.0.1:{http_port}"
    proc, banner = start(tmp_path, http_port, free_port())
    try:
        found = re.search(r'<script src="([^"]+)" data-key="([^"]+)" async></script>', banner)
        assert found, banner
        src, key = found.groups()
        assert src == f"{api}/widget.js"
        assert key == json.loads((tmp_path / "secrets.json").read_text())["widget_key"]
        assert requests.get(src, timeout=10).status_code == 200
        assert requests.get(f"{api}/widget/config", params={"key": key}, timeout=10).json()["key_valid"] is True
    finally:
        stop(proc)
