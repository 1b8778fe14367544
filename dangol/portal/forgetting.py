"""How the portal forgets a person (registered from PortalConfig.ready): their sessions and photos are deleted,
the photo files with them."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from dangol.customers.forgetting import ForgetRule, delete_rule, forget_rule_register, rows_of
from dangol.portal.images import upload_dir
from dangol.portal.models import Photo, PortalSession


def _photos_delete(*, customers: list[int], now: dt.datetime) -> int:
    photos = rows_of(Photo, "customer", customers)
    for path in photos.values_list("path", flat=True):
        (upload_dir() / path).unlink(missing_ok=True)
    deleted, _by_model = photos.delete()
    return deleted


def register() -> None:
    forget_rule_register(delete_rule(PortalSession, label=_("셀프서비스 접속")))
    forget_rule_register(
        ForgetRule(Photo, "customer", _("고객 첨부 사진"), forget=_photos_delete, method="deleted")
    )
