"""Particles chosen by the sound a word ends in (dangol.common.korean)."""

from __future__ import annotations

import pytest

from dangol.common.korean import josa, particle


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("웹", "웹으로"),
        ("전화", "전화로"),
        ("매장", "매장으로"),
        ("카카오톡", "카카오톡으로"),
        ("이메일", "이메일로"),  # ㄹ takes 로
        ("서울", "서울로"),
        ("앱", "앱으로"),
        ("설문", "설문으로"),
        ("SNS", "SNS로"),  # 에스엔에스
        ("API", "API로"),  # 에이피아이
        ("URL", "URL로"),  # 유알엘
        ("CRM", "CRM으로"),  # 씨알엠
        ("web", "web으로"),
        ("email", "email로"),
        ("phone", "phone으로"),
        ("store", "store로"),
        ("1", "1로"),  # 일
        ("3", "3으로"),  # 삼
        ("2", "2로"),  # 이
        ("6", "6으로"),  # 육
        ("10", "10으로"),  # 십
        ("VOC-261122-000127", "VOC-261122-000127로"),  # 칠
        ("VOC-261122-000123", "VOC-261122-000123으로"),  # 삼
        ("12,000", "12,000으로"),  # 천
        ("배송(지연)", "배송(지연)으로"),  # the word inside the brackets is what is read
    ],
)
def test_ro_euro_by_the_final_sound(word, expected):
    assert josa(word, "로/으로") == expected
    assert josa(word, "으로/로") == expected  # either order of the pair


@pytest.mark.parametrize(
    ("word", "eul_reul", "i_ga", "eun_neun", "wa_gwa"),
    [
        ("매장", "을", "이", "은", "과"),
        ("전화", "를", "가", "는", "와"),
        ("서울", "을", "이", "은", "과"),
        ("홍*동", "을", "이", "은", "과"),  # a masked name still ends in 동
        ("C0001", "을", "이", "은", "과"),  # 일
        ("C0002", "를", "가", "는", "와"),  # 이
        ("received_at", "을", "이", "은", "과"),
    ],
)
def test_other_pairs(word, eul_reul, i_ga, eun_neun, wa_gwa):
    assert particle(word, "을/를") == eul_reul
    assert particle(word, "이/가") == i_ga
    assert particle(word, "은/는") == eun_neun
    assert particle(word, "와/과") == wa_gwa


def test_unreadable_endings_get_the_written_both_ways_form():
    assert josa("", "로/으로") == "(으)로"
    assert josa("😀", "을/를") == "😀을(를)"
    assert josa("★", "이/가") == "★이(가)"
    assert josa("…", "와/과") == "…와(과)"
    assert josa("김*", "을/를") == "김*을(를)"  # the masked last syllable could end either way


def test_an_unknown_pair_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown particle pair"):
        particle("웹", "에/에서")
