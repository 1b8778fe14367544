"""Korean is the default language under the code the catalogues and LANGUAGES use ("ko", not "ko-kr")."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real


def test_the_default_language_is_one_of_the_offered_ones_so_korean_has_no_second_catalogue():
    assert settings.LANGUAGE_CODE in dict(settings.LANGUAGES)
    with translation.override("ko"):
        korean = trans_real.catalog()
        # With "ko-kr" the active "ko" translation fell back to an identical "ko-kr" one: every Korean msgid (no
        # catalogue holds them) was looked up in both.
        assert korean._fallback is None  # type: ignore[attr-defined]
        # (looked up through a name, so makemessages does not copy these test strings into the catalogue)
        lookup = translation.gettext
        assert lookup("단골 고객") == "단골 고객"
        assert lookup("Password") == "비밀번호"  # Django's own Korean catalogue
    with translation.override("en"):
        assert translation.gettext("고객") == "Customer"


@pytest.mark.django_db
def test_a_korean_request_and_code_outside_requests_speak_the_same_language():
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert page["Content-Language"] == "ko" and '<html lang="ko"' in page.content.decode()
    assert Client().get("/login/", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "ko"  # the default
    assert Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    active = translation.get_language()
    translation.deactivate()  # as in the worker and commands
    try:
        assert translation.get_language() == "ko"  # was "ko-kr"
    finally:
        translation.activate(active)
