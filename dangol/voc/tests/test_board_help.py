"""Figures on the VOC board say in one plain-Korean line what they count (issue 13)."""

from django.test import Client
from django.urls import reverse

from conftest import login


def test_handoff_rate_on_the_board_is_explained(shop, client: Client):
    login(client, shop["manager"])
    body = client.get(reverse("voc:board")).content.decode()
    card = body[body.index("부서 간 이관 기준 준수") :]
    help_ = card[card.index('id="handoff-help"') :]
    assert "다른 부서로 넘긴 건 중 받는 부서가 내부 기준 시간 안에 넘겨받은 비율" in help_[:200]
