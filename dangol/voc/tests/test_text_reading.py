"""The text library wired into the app: personal data masked before it is stored, intent/emotion/cues read
and shown, the empathetic reply, staff corrections as training labels, rising issues on the board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dangol.interactions.models import Interaction
from dangol.interactions.services import interaction_log
from dangol.voc import services
from dangol.voc.models import Case, TextLabel

pytest.importorskip("dangol.textmining")

ANGRY = "배송이 일주일째 안 와요!! 진짜 화나네요. 제 번호 010-9876-5432 로 당장 연락 주세요. 계속 이러면 소비자원에 신고할 겁니다"


def open_angry(shop, voc) -> Case:
    return services.case_open(
        customer=shop["hong"],
        kind="complaint",
        title="배송 지연",
        body=ANGRY,
        category=voc["late"],
        by=shop["agent"],
    )


def test_case_text_is_masked_before_storing_and_read(shop, voc):
    case = open_angry(shop, voc)
    stored = Case.objects.get(pk=case.pk)
    assert "010-9876-5432" not in stored.body and "9876" not in stored.body
    reading = stored.text_analysis
    assert reading["intent"] == "complaint" and reading["emotion"] == "anger"
    assert any(c["type"] == "위협하는" and "소비자원" in c["phrase"] for c in reading["difficult_cues"])
    assert "masked_text" not in reading  # the masked text is the stored body itself


def test_case_page_shows_chips_cue_and_the_empathetic_reply(as_agent: Client, shop, voc):
    case = open_angry(shop, voc)
    page = as_agent.get(f"/voc/{case.pk}/").content.decode()
    assert "의도: 불만" in page and "감정: 분노" in page  # read in the reader's language
    assert "위협하는" in page and "소비자원" in page
    assert "많이 화가 나셨을 것 같습니다" in page  # the complaint/anger template: the feeling first
    assert "지연" in page  # {issue} filled with the case's category


def test_correction_becomes_a_training_label_and_changes_the_reply(as_agent: Client, shop, voc):
    case = open_angry(shop, voc)
    r = as_agent.post(
        f"/voc/{case.pk}/act/correct_reading/",
        {"intent": "complaint", "emotion": "anxiety", "version": case.version},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    label = TextLabel.objects.get(case=case)
    assert (label.intent, label.emotion, label.by) == ("complaint", "anxiety", shop["agent"])
    case.refresh_from_db()
    assert case.text_analysis["emotion"] == "anxiety" and case.text_analysis["corrected_by"] == "agent"
    assert "걱정이 많으셨을 것 같습니다" in services.reply_suggestion(case)
    bad = as_agent.post(
        f"/voc/{case.pk}/act/correct_reading/", {"intent": "rage", "emotion": "anger"}, HTTP_HX_REQUEST="true"
    )
    assert bad["HX-Retarget"] == "#case-errors" and TextLabel.objects.filter(case=case).count() == 1


def test_interaction_text_is_masked_and_read_on_the_timeline(as_agent: Client, shop):
    interaction = interaction_log(
        customer=shop["hong"],
        touchpoint=shop["store"],
        type="complaint",
        summary="환불 문의",
        body="카드번호 1234-5678-9012-3456 로 결제했는데 환불이 안 됐어요 ㅠㅠ",
        staff=shop["agent"],
    )
    stored = Interaction.objects.get(pk=interaction.pk)
    assert "9012" not in stored.body and stored.text_analysis["intent"] in ("complaint", "inquiry")
    from dangol.web.templatetags.dangol import reading_label

    page = as_agent.get(f"/customers/{shop['hong'].pk}/").content.decode()
    assert f'">{reading_label(stored.text_analysis["emotion"])}</span>' in page


def test_board_shows_issues_rising_this_week(as_manager: Client, shop, voc):
    from dangol.voc.selectors import voc_board_refresh

    now = timezone.now()
    for week in range(1, 9):  # a steady background of delivery complaints
        for k in range(2):
            case = services.case_open(
                customer=shop["hong"],
                kind="complaint",
                title="배송 지연",
                body="택배가 늦어요",
                category=voc["late"],
                by=shop["agent"],
            )
            Case.objects.filter(pk=case.pk).update(created_at=now - dt.timedelta(weeks=week, hours=k))
    for k in range(6):  # this week: a new problem with the gift wrapping
        services.case_open(
            customer=shop["hong"],
            kind="complaint",
            title="포장 파손",
            body=f"선물 포장이 찢어져 왔어요 {k}",
            category=voc["late"],
            by=shop["agent"],
        )
    voc_board_refresh()
    page = as_manager.get("/voc/").content.decode()
    assert 'id="rising-issues"' in page and "포장" in page
    rising = page.split('id="rising-issues"')[1].split("</ul>")[0]
    assert "배송" not in rising  # steady at its own baseline: not rising
