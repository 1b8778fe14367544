"""The database-backed rate limiter that the public pages share (several workers, one count)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import RequestFactory

from dangol.privacy import throttle
from dangol.privacy.models import RateCounter
from dangol.privacy.throttle import RateLimited, Rule, client_key, hit

MOMENT = dt.datetime(2026, 11, 24, 1, 0, 30, tzinfo=dt.UTC)


def test_concurrent_requests_never_get_past_the_limit(transactional_db):
    def one(_: int) -> bool:
        try:
            hit("test-burst", "203.0.113.1", [Rule(5, 3600)], now=MOMENT)
            return True
        except RateLimited:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        allowed = list(pool.map(one, range(30)))

    assert allowed.count(True) == 5
    assert RateCounter.objects.get().hits == 5  # refused requests are not counted


@pytest.mark.django_db
def test_a_new_window_starts_afresh_and_ended_windows_are_deleted():
    for _ in range(2):
        hit("test-window", "c1", [Rule(2, 60)], now=MOMENT)
    with pytest.raises(RateLimited) as refused:
        hit("test-window", "c1", [Rule(2, 60)], now=MOMENT)
    assert refused.value.retry_after == 30

    hit("test-window", "c1", [Rule(2, 60)], now=MOMENT + dt.timedelta(seconds=31))

    assert RateCounter.objects.count() == 1  # the ended minute is gone
    hit("test-window", "c1", [Rule(0, 60)], now=MOMENT)  # a limit of 0 is off


@pytest.mark.django_db
def test_without_a_time_the_limits_count_by_the_clock(monkeypatch):
    monkeypatch.setattr(throttle, "clock", lambda: MOMENT + dt.timedelta(seconds=29))
    hit("test-clock", "c1", [Rule(1, 60)])
    with pytest.raises(RateLimited) as refused:
        hit("test-clock", "c1", [Rule(1, 60)])
    assert refused.value.retry_after == 1  # the window of MOMENT's minute, one second before it ends
    assert RateCounter.objects.get().window_start == MOMENT.replace(second=0)


def test_clients_are_counted_by_ip_or_ipv6_64_and_stored_hashed(settings):
    factory = RequestFactory()
    assert client_key(factory.get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"
    assert client_key(factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_key(factory.get("/", REMOTE_ADDR="::ffff:203.0.113.7")) == "203.0.113.7"
    behind = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_key(behind) == "10.0.0.2"
    settings.DANGOL_BEHIND_PROXY = True
    assert client_key(behind) == "198.51.100.7"  # the entry our proxy appended, not the client's own claim


@pytest.mark.django_db
def test_counters_hold_no_address_or_contact_in_clear():
    hit("test-private", ["010-1234-5678", "gildong@example.com"], [Rule(3, 3600)], now=MOMENT)
    keys = " ".join(RateCounter.objects.values_list("key", flat=True))
    assert RateCounter.objects.count() == 2 and "010-1234-5678" not in keys and "gildong" not in keys
