"""Korean telephone numbers: validation and the canonical 010-1234-5678 form."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_NON_DIGITS = re.compile(r"\D")
_AREA_CODES = {
    "031",
    "032",
    "033",
    "041",
    "042",
    "043",
    "044",
    "051",
    "052",
    "053",
    "054",
    "055",
    "061",
    "062",
    "063",
    "064",
    "070",
    "050",
}
_LEGACY_MOBILE = {"011", "016", "017", "018", "019"}
_REPRESENTATIVE = {"15", "16", "18"}


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """Return the number as 010-1234-5678 / 02-123-4567 / 1588-1234, or raise InvalidPhone.

    Accepts spaces, dots, hyphens, brackets and the +82 country prefix.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone(_("전화번호가 비어 있습니다."))
    digits = _NON_DIGITS.sub("", text)
    if text.startswith("+") or digits.startswith("82") and len(digits) in (11, 12):
        if not digits.startswith("82"):
            raise InvalidPhone(_("국내 전화번호가 아닙니다: %(number)s") % {"number": raw})
        digits = "0" + digits[2:].lstrip("0")
    if _lost_leading_zero(digits):
        digits = "0" + digits  # spreadsheets store 01012345678 as the number 1012345678
    if digits.startswith("010"):
        if len(digits) != 11:
            raise InvalidPhone(_("휴대전화 번호는 010 뒤에 8자리여야 합니다: %(number)s") % {"number": raw})
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if digits[:3] in _LEGACY_MOBILE or digits[:3] in _AREA_CODES:
        if len(digits) == 10:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        if len(digits) == 11:
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        raise InvalidPhone(_("전화번호 자릿수가 맞지 않습니다: %(number)s") % {"number": raw})
    if digits.startswith("02"):
        if len(digits) == 9:
            return f"02-{digits[2:5]}-{digits[5:]}"
        if len(digits) == 10:
            return f"02-{digits[2:6]}-{digits[6:]}"
        raise InvalidPhone(
            _("서울 지역번호(02) 전화번호 자릿수가 맞지 않습니다: %(number)s") % {"number": raw}
        )
    if len(digits) == 8 and digits[:2] in _REPRESENTATIVE:
        return f"{digits[:4]}-{digits[4:]}"
    raise InvalidPhone(_("올바른 국내 전화번호가 아닙니다: %(number)s") % {"number": raw})


def _lost_leading_zero(digits: str) -> bool:
    if len(digits) == 10 and digits.startswith("10"):
        return True
    if len(digits) in (9, 10) and "0" + digits[:2] in _AREA_CODES | _LEGACY_MOBILE:
        return True
    return len(digits) in (8, 9) and digits.startswith("2")


def phone_last4(phone: str) -> str:
    return _NON_DIGITS.sub("", phone)[-4:]
