"""Mail that is large, broken or odd: the parser and the visible-text extraction read it in
time linear in its size, keep what a mail client would show, and never raise."""

from __future__ import annotations

import time

from chalicelib.domain.mail.visible import visible_text


def _seconds(function, *args) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


def test_visible_text_takes_time_linear_in_the_text():
    # Interleaved replies ("> " lines between the author's own), a signature-like line now and
    # then, and lines that end with a colon: each once made the extraction look ahead to the end.
    block = (
        "I tried the lamp again this morning and it still flickers:\n"
        "> Did you try another bulb?\n"
        "Yes, two of them, both new.\n"
        "-Ann\n"
        "\n"
    )
    small, large = block * 400, block * 3200  # about 40 KB and 320 KB
    visible_text(small)  # warm up the regular expressions
    ratio = _seconds(visible_text, large) / _seconds(visible_text, small)
    assert ratio < 20, f"8x the text took {ratio:.1f}x the time"
