"""Shared fixtures: a small shop with named people (healthchecks-style), no network."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

# Browser tests start a live server thread; Django's async-unsafe check trips on Playwright's loop.
import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # The test client and the live server speak plain HTTP, and pytest-django has loaded the production
    # settings (debug off) before any conftest runs; dangol/accounts/tests/test_deploy.py checks HTTPS itself.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def shop(db: Any) -> dict[str, Any]:
    from dangol.accounts.models import Role, Team
    from dangol.accounts.services import staff_create
    from dangol.customers.services import consent_set, customer_create
    from dangol.interactions.models import Touchpoint

    cs = Team.objects.create(code="cs", name="고객센터")
    ops = Team.objects.create(code="ops", name="매장운영팀")
    people = {
        "admin": staff_create(
            username="admin", password="pw-admin-123", role=Role.ADMIN, team=cs, display_name="관리자"
        ),
        "manager": staff_create(
            username="manager", password="pw-manager-123", role=Role.MANAGER, team=cs, display_name="김팀장"
        ),
        "agent": staff_create(
            username="agent", password="pw-agent-123", role=Role.AGENT, team=cs, display_name="이상담"
        ),
        "clerk": staff_create(
            username="clerk", password="pw-clerk-123", role=Role.AGENT, team=ops, display_name="최점원"
        ),
        "analyst": staff_create(username="analyst", password="pw-analyst-123", role=Role.ANALYST, team=None),
        "viewer": staff_create(username="viewer", password="pw-viewer-123", role=Role.VIEWER, team=None),
    }
    store = Touchpoint.objects.create(code="store-gangnam", name="강남점", kind="physical", channel="store")
    call = Touchpoint.objects.create(
        code="call-center", name="고객센터", kind="physical", channel="call_center"
    )
    web = Touchpoint.objects.create(code="web", name="온라인몰", kind="digital", channel="website")
    hong = customer_create(
        data={
            "name": "홍길동",
            "preferred_name": "홍길동 선생님",
            "phone": "01012345678",
            "email": "gildong@example.com",
            "external_id": "C0001",
            "joined_at": timezone.now() - dt.timedelta(days=400),
            "home_store_id": store.pk,
            "birth_date": dt.date(1980, 5, 17),
            "address": "서울특별시 강남구 테헤란로 1",
        },
        tags=["VIP"],
    )
    for purpose in ("terms", "privacy", "marketing_sms"):
        consent_set(customer=hong, purpose=purpose, granted=True, source="가입")
    kim = customer_create(
        data={
            "name": "김영희",
            "phone": "010-9876-5432",
            "email": "younghee@example.com",
            "external_id": "C0002",
        }
    )
    return {
        **people,
        "cs": cs,
        "ops": ops,
        "store": store,
        "call": call,
        "web": web,
        "hong": hong,
        "kim": kim,
    }


def login(client: Client, user: Any) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def as_agent(client: Client, shop: dict[str, Any]) -> Client:
    return login(client, shop["agent"])


@pytest.fixture
def as_manager(client: Client, shop: dict[str, Any]) -> Client:
    return login(client, shop["manager"])


@pytest.fixture
def as_admin(client: Client, shop: dict[str, Any]) -> Client:
    return login(client, shop["admin"])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_segment_snapshot(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts without a segment snapshot: one written by another test, or by a job worker that a
    server test started against the shared VAR_DIR, would otherwise answer this test's counts and launches."""
    settings.DANGOL_SEGMENT_SNAPSHOT_DIR = str(tmp_path_factory.mktemp("segments"))


@pytest.fixture(autouse=True)
def _still_throttle_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limits count in fixed windows (dangol/privacy/throttle.py): a test that makes its requests across
    a minute boundary would start a new window between them and see its limit reset. Each test counts at the
    instant of its first counted request (its own 'now' if it pinned one); the tests of the windows themselves
    pass their own `now`."""
    from dangol.privacy import throttle

    held: list[dt.datetime] = []

    def still() -> dt.datetime:
        if not held:
            held.append(timezone.now())
        return held[0]

    monkeypatch.setattr(throttle, "clock", still)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()
