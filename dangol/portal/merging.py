"""How the portal's rows follow a customer merge (registered from PortalConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangol.customers.merging import fk_rule, merge_rule_register, stays_rule
from dangol.portal.models import Photo, PortalSession


def register() -> None:
    merge_rule_register(fk_rule(Photo, label=_("고객 첨부 사진")))
    merge_rule_register(
        stays_rule(
            PortalSession,
            field="customer",
            reason="셀프서비스 접속 기록은 접속한 고객 그대로 두고, 병합된 고객의 접속은 더 이상 열리지 않습니다.",
        )
    )
