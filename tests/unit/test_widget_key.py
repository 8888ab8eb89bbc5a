"""The widget's public key: checked when the desk has one and the snippet sends one."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import AuthenticationError
from chalicelib.services.widget import WidgetService


def test_any_key_is_valid_while_the_desk_has_none():
    widget = WidgetService(customers=None, visitor_tokens=None, identity_secret="", widget_key="")
    assert widget.key_valid("pk_anything") and widget.key_valid(None)


def test_only_the_desks_key_is_valid_once_it_has_one():
    widget = WidgetService(customers=None, visitor_tokens=None, identity_secret="", widget_key="pk_right")
    assert widget.key_valid("pk_right")
    assert not widget.key_valid("pk_wrong") and not widget.key_valid("pk_righ") and not widget.key_valid(None)


def test_a_session_with_another_desks_key_is_refused_before_anything_is_created():
    widget = WidgetService(customers=None, visitor_tokens=None, identity_secret="", widget_key="pk_right")
    with pytest.raises(AuthenticationError) as refused:
        widget.start({"key": "pk_wrong", "name": "Ann"})  # no customer store: nothing may be written
    assert refused.value.code == "unknown_widget_key" and refused.value.status == 401
