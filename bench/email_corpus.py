"""Runs the e-mail rules over the whole shared corpus (``../shared/email-corpus``), including
the GPL/AGPL files that are not copied into this repository, and reports what held.

    .venv/bin/python bench/email_corpus.py [CORPUS_DIR]
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.domain.mail.html_text import html_to_text  # noqa: E402
from chalicelib.domain.mail.loops import no_auto_reply_reason  # noqa: E402
from chalicelib.domain.mail.parse import parse_mail  # noqa: E402
from chalicelib.domain.mail.visible import visible_text  # noqa: E402


def _norm(text: str) -> str:
    text = (text or "").replace("\xa0", " ").replace("\r\n", "\n")
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()


def main() -> int:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "email-corpus")
    manifest = json.loads((corpus / "MANIFEST.json").read_text())
    report = {"files": len(manifest), "parse_errors": [], "answered_robots": [], "visible_mismatches": []}
    started = time.perf_counter()
    for entry in manifest:
        raw = (corpus / entry["file"]).read_bytes()
        mail = None
        if entry["file"].endswith(".eml"):
            try:
                mail = parse_mail(raw)
            except Exception as error:
                report["parse_errors"].append(f"{entry['file']}: {error!r}")
                continue
            if entry["file"].startswith("auto/") and no_auto_reply_reason(mail) is None:
                report["answered_robots"].append(entry["file"])
        if entry.get("expected_visible_reply") is not None:
            if mail is not None:
                got = visible_text(mail.text) if mail.text.strip() else visible_text(html_to_text(mail.html or "", drop_quotes=True))
            elif entry["file"].endswith(".html"):
                got = visible_text(html_to_text(raw.decode("utf-8", "replace"), drop_quotes=True))
            else:
                got = visible_text(raw.decode("utf-8", "replace"))
            if _norm(got) != _norm(entry["expected_visible_reply"]):
                report["visible_mismatches"].append(entry["file"])
    report["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(report, indent=2))
    return 1 if report["parse_errors"] or report["answered_robots"] else 0


if __name__ == "__main__":
    sys.exit(main())
