"""The signed link to one case, for someone who filed through the public form without signing in. The link
names the case number and is signed by the server, so it cannot be changed to show another case; it lasts as
long as the case is likely to matter (180 days)."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse

from dangol.voc.models import Case

_SALT = "dangol.portal.case-link"
MAX_AGE = dt.timedelta(days=180)


def case_link_path(number: str) -> str:
    return reverse("portal:case_link", args=[signing.dumps({"n": number}, salt=_SALT)])


def case_for_link(token: str) -> Case | None:
    try:
        number = str(signing.loads(token, salt=_SALT, max_age=MAX_AGE)["n"])
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return Case.objects.filter(number=number).first()
