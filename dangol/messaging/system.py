"""The templates Dangol itself sends with. They are made after every migrate (and after a test flush) when
missing, marked system=True: a manager may edit their text but not switch them off or delete them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dangol.messaging.models import MessageTemplate

SYSTEM_TEMPLATES = [
    {
        "code": "optout_done",
        "name": "광고 수신거부 처리 결과 안내",
        "channels": ["email", "sms"],
        "subject": "광고 수신거부 처리 결과 안내",
        # Short enough for one SMS (90 bytes) with any consent item's name.
        "body": "#{항목} 수신거부 처리완료(#{수신거부일}). 광고를 더 보내지 않습니다.",
    },
    {
        "code": "consent_reminder",
        "name": "수신동의 여부 확인(2년)",
        "channels": ["sms", "email"],
        "subject": "광고성 정보 수신동의 여부 확인",
        "body": (
            "#{고객명}님, 광고성 정보 수신에 동의하신 내역을 알려 드립니다(정보통신망법 제50조 제8항).\n"
            "동의 내역: #{동의내역}\n"
            "계속 받으시려면 따로 하실 일은 없습니다. 원하지 않으시면 아래에서 무료로 거부하실 수 있습니다.\n"
            "#{수신거부}"
        ),
    },
    {
        "code": "staff_notice",
        "name": "직원 알림 이메일",
        "channels": ["email"],
        "subject": "[단골 알림] #{종류}",
        "body": "#{알림}\n\n바로 가기: #{링크}",
    },
]


# Templates the apps above messaging send with (VOC's "case received", a survey invitation), registered from their
# AppConfig.ready(): messaging never imports them.
_REGISTERED: list[dict[str, Any]] = []


def system_templates_register(templates: Iterable[Mapping[str, Any]]) -> None:
    """Add an app's templates to the system templates (made after migrate when missing, never switched off)."""
    known = {values["code"] for values in (*SYSTEM_TEMPLATES, *_REGISTERED)}
    for values in templates:
        if values["code"] not in known:
            _REGISTERED.append(dict(values))
            known.add(values["code"])


def system_templates() -> list[dict[str, Any]]:
    return [*SYSTEM_TEMPLATES, *_REGISTERED]


def system_templates_ensure(**_: Any) -> None:
    """post_migrate: create the system templates that do not exist yet (an edited one is left alone)."""
    for values in system_templates():
        MessageTemplate.objects.get_or_create(
            code=values["code"],
            defaults={"kind": "informational", **values, "system": True, "active": True},
        )
