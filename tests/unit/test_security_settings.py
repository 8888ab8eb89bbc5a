"""The security settings read from the environment, and the mistakes they refuse at start."""

from __future__ import annotations

import pytest

from chalicelib.config import RateLimit, Settings


def test_rate_limits_are_read_per_name_and_may_be_switched_off():
    settings = Settings.from_env({"DESK_RATE_LIMIT_LOGIN": "5/30", "DESK_RATE_LIMIT_REFRESH": "off"})
    assert settings.rate_limits["login"] == RateLimit(5, 30)
    assert settings.rate_limits["refresh"].requests == 0
    assert settings.rate_limits["widget_sessions"] == RateLimit(60, 60)  # the default stays


@pytest.mark.parametrize("value", ["ten", "10", "10/0", "-1/60", "10/minute"])
def test_a_rate_limit_that_is_not_requests_per_seconds_stops_the_start(value):
    with pytest.raises(ValueError, match="DESK_RATE_LIMIT_LOGIN"):
        Settings.from_env({"DESK_RATE_LIMIT_LOGIN": value})


def test_cors_origins_are_exact_origins():
    settings = Settings.from_env({"DESK_CORS_ORIGINS": "https://Desk.Example.com/, http://localhost:3000"})
    assert settings.cors_origins == ("https://desk.example.com", "http://localhost:3000")
    assert Settings.from_env({}).cors_origins == ()  # same origin only
    for bad in ("*", "https://desk.example.com/console", "desk.example.com", "https://*.example.com"):
        with pytest.raises(ValueError, match="DESK_CORS_ORIGINS"):
            Settings.from_env({"DESK_CORS_ORIGINS": bad})


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted():
    assert Settings.from_env({}).trusted_proxy_hops == 0
    assert Settings.from_env({"DESK_TRUSTED_PROXY_HOPS": "2"}).trusted_proxy_hops == 2
