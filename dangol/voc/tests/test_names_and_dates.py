"""People by name and times as 2026-11-22 14:05 on the lists managers read: the bad-customer review (its history
is JSON with ISO times and usernames), the promise board, a survey's answers."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from dangol.promises.services import promise_make
from dangol.voc import flags
from dangol.voc.models import CustomerFlag

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_flag_list_names_the_customer_and_staff_and_shows_local_times(as_manager: Client, shop):
    flag = flags.customer_flag(
        customer=shop["hong"],
        type="thief",
        evidence="3회 연속 빈 상자 반품(주문 O-1, O-2, O-3)",
        by=shop["agent"],
    )
    flagged_at = dt.datetime(2026, 11, 16, 22, 0, tzinfo=dt.UTC)  # 2026-11-17 07:00 in Seoul
    history = [{**flag.history[0], "at": flagged_at.isoformat()}]
    CustomerFlag.objects.filter(pk=flag.pk).update(history=history)
    flags.exit_propose(
        flag=CustomerFlag.objects.get(), by=shop["manager"], handler=shop["manager"], note="반복"
    )

    page = as_manager.get("/voc/flags/").content.decode()
    card = page[page.index(f'id="flag-{flag.pk}"') :]
    card = re.sub(r"<[^>]+>", "", card[: card.index("</article>")])  # the text a reader sees
    assert "홍*동" in card and "#" + str(shop["hong"].pk) not in card
    assert "2026-11-17 07:00 이상담 · 주의 지정" in card  # the agent by name, the step in words, Seoul time
    proposed = timezone.localtime(CustomerFlag.objects.get().proposed_at, SEOUL).strftime("%Y-%m-%d %H:%M")
    assert f"{proposed} 김팀장 · 퇴출 제안: 반복" in card
    assert "T22:00" not in card and "flagged" not in card and ">agent " not in card
    assert "전담자 김팀장" in card


def test_the_promise_board_names_the_customer(as_manager: Client, shop):
    due = timezone.now() + dt.timedelta(days=2)
    promise_make(
        customer=shop["kim"], owner=shop["agent"], text="목요일까지 환불", due_at=due, by=shop["agent"]
    )
    page = as_manager.get("/promises/").content.decode()
    row = page[page.index("목요일까지 환불") :]
    row = row[: row.index("</tr>")]
    assert "김*희" in row and f"#{shop['kim'].pk}" not in row and "이상담" in row
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row)
    assert timezone.localtime(due, SEOUL).strftime("%Y-%m-%d %H:%M") in row


def test_the_when_filter_reads_iso_text_and_datetimes():
    from dangol.web.templatetags.dangol import when

    assert when("2026-11-16T22:00:00+00:00") == "2026-11-17 07:00"
    assert when(dt.datetime(2026, 11, 22, 14, 5, tzinfo=SEOUL)) == "2026-11-22 14:05"
    assert when(dt.date(2026, 11, 22)) == "2026-11-22"
    assert when(None) == "" and when("아직") == "아직"
