from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from dangol.messaging import providers, services
from dangol.messaging.rules import SEOUL
from dangol.messaging.tests.fakes import FakeSolapi, SmtpInbox, free_port, start_solapi


def kst(*args: int) -> dt.datetime:
    """A moment in Asia/Seoul: kst(2026, 12, 1, 21, 0)."""
    return dt.datetime(*args, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _messaging_settings(settings: Any) -> None:
    settings.DANGOL_MESSAGING_EMAIL_VIA = "outbox"
    settings.DANGOL_MESSAGING_TEXT_VIA = "outbox"
    settings.DANGOL_SMS_SENDERS = ["02-1234-5678", "1588-0000"]
    settings.DANGOL_MESSAGING_SENDER_NAME = "단골상점"
    settings.DANGOL_MESSAGING_SENDER_CONTACT = "02-1234-5678"
    settings.DANGOL_SMS_OPTOUT_NUMBER = "080-123-4567"
    settings.DANGOL_PUBLIC_URL = "https://dangol.example.com"
    settings.DEFAULT_FROM_EMAIL = "단골상점 <shop@dangol.example.com>"
    settings.DANGOL_EMAIL_MESSAGE_ID_DOMAIN = "dangol.example.com"
    settings.DANGOL_MESSAGING_RATES = dict.fromkeys(("email", "sms", "lms", "alimtalk", "brand"), 1000.0)
    settings.DANGOL_SOLAPI_WEBHOOK_SECRET = "hook-secret"
    settings.DANGOL_KAKAO_PF_ID = "KA01PF-TEST"


@pytest.fixture(autouse=True)
def _no_last_purchase() -> Iterator[None]:
    """Messaging's own tests start without the orders app's provider, and put it back afterwards."""
    installed = providers._last_purchase, providers._last_purchases
    providers.register_last_purchase(None)
    yield
    providers.register_last_purchase(installed[0], many=installed[1])


@pytest.fixture
def templates(shop: dict[str, Any]) -> dict[str, Any]:
    """Two templates as a manager would make them: a case acknowledgement and a coffee advert."""
    ack = services.template_save(
        template=None,
        data={
            "code": "case_ack",
            "name": "VOC 접수 안내",
            "channels": ["alimtalk", "sms", "email"],
            "kind": "informational",
            "subject": "접수 안내",
            "body": "#{고객명}님, 문의가 접수되었습니다. 접수번호 #{접수번호}",
            "alimtalk_template_id": "TPL_ACK_01",
            "alimtalk_fallback": True,
            "active": True,
        },
        by=shop["manager"],
    )
    promo = services.template_save(
        template=None,
        data={
            "code": "coffee_promo",
            "name": "커피 신메뉴",
            "channels": ["sms", "email"],
            "kind": "advertising",
            "goods_kind": "커피",
            "subject": "겨울 신메뉴",
            "body": "#{고객명}님, 겨울 신메뉴가 나왔습니다.",
            "active": True,
        },
        by=shop["manager"],
    )
    text = services.template_save(
        template=None,
        data={
            "code": "free_text",
            "name": "자유 문자",
            "channels": ["sms"],
            "kind": "informational",
            "body": "#{내용}",
            "active": True,
        },
        by=shop["manager"],
    )
    return {"ack": ack, "promo": promo, "text": text}


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpInbox]:
    """A real SMTP server in this process; Django's SMTP backend connects to it."""
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.DANGOL_MESSAGING_EMAIL_VIA = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def solapi(settings: Any) -> Iterator[FakeSolapi]:
    """A local server speaking SOLAPI's API; the real SDK is pointed at it."""
    fake = FakeSolapi()
    server = start_solapi(fake)
    settings.DANGOL_MESSAGING_TEXT_VIA = "solapi"
    settings.DANGOL_SOLAPI_API_KEY = "NCSTESTKEY"
    settings.DANGOL_SOLAPI_API_SECRET = "TESTSECRET"
    settings.DANGOL_SOLAPI_BASE_URL = fake.url
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
