"""Numbers a manager can trust on the VOC board: repurchase after a bad experience by what became of it (with
Wilson intervals), rising issues in the customers' own words, due-soon without the overdue, no SLA for praise
unless a policy says so."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from dangol.customers.services import customer_create
from dangol.orders.models import Order
from dangol.promises.models import Promise
from dangol.voc import selectors, services
from dangol.voc.models import Case, SlaPolicy
from dangol.voc.recovery import recovery_by_group
from dangol.voc.sla import sla_check

NOW = timezone.now()
DAY = dt.timedelta(days=1)
_numbers = itertools.count(1)


def _customer(name: str):
    n = next(_numbers)
    return customer_create(data={"name": name, "phone": f"010-5555-{n:04d}", "external_id": f"R{n:04d}"})


def _order(customer, at: dt.datetime, *, refunded: int = 0) -> Order:
    return Order.objects.create(
        external_id=f"O-{next(_numbers)}",
        customer=customer,
        ordered_at=at,
        total_amount=30000,
        refunded_amount=refunded,
    )


def _complaint(
    shop, customer, *, opened: dt.datetime, resolved: dt.datetime | None = None, **outcome
) -> Case:
    case = services.case_open(
        customer=customer, kind="complaint", title="배송 지연", by=shop["agent"], opened_at=opened
    )
    if resolved is not None:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, resolved_at=resolved, **outcome)
    return case


def _buyer(name: str, *, bought: dt.datetime):
    customer = _customer(name)
    _order(customer, bought)
    return customer


@pytest.fixture
def bad_experiences(shop, voc):
    """Hand-made customers whose answers are known. The window is [now − 270 days, now − 90 days]."""
    long_ago = NOW - 300 * DAY  # a purchase before everything: they are buyers
    # Resolved to their satisfaction: 4 customers, 3 bought again within 90 days.
    for k, again in enumerate((True, True, True, False)):
        c = _buyer(f"만족{k}", bought=long_ago)
        resolved = NOW - 150 * DAY
        _complaint(
            shop,
            c,
            opened=resolved - 2 * DAY,
            resolved=resolved,
            satisfaction_score=5 if k else None,
            would_continue=True,
        )
        if again:
            _order(c, resolved + 30 * DAY)
        else:
            _order(c, resolved + 91 * DAY)  # too late: not within 90 days
    # Resolved, not to their satisfaction (a 3 and no answer): 2 customers, 1 bought again.
    for k, (score, again) in enumerate(((3, True), (None, False))):
        c = _buyer(f"해결{k}", bought=long_ago)
        resolved = NOW - 120 * DAY
        _complaint(shop, c, opened=resolved - DAY, resolved=resolved, satisfaction_score=score)
        if again:
            _order(c, resolved + 10 * DAY)
    # Unresolved: 2 customers, none bought again.
    for k in range(2):
        _complaint(shop, _buyer(f"미해결{k}", bought=long_ago), opened=NOW - 200 * DAY)
    # Silent dissatisfied: a broken promise or a refund, no complaint: 3 customers, 1 bought again.
    for k, again in enumerate((True, False, False)):
        c = _buyer(f"침묵{k}", bought=long_ago)
        if k == 2:
            _order(c, NOW - 140 * DAY, refunded=30000)
        else:
            Promise.objects.create(
                customer=c,
                owner=shop["agent"],
                text="회신",
                due_at=NOW - 140 * DAY,
                status=Promise.Status.BROKEN,
            )
        if again:
            _order(c, NOW - 100 * DAY)
    # No bad experience: 2 buyers, both bought after the window's end.
    for k in range(2):
        c = _buyer(f"평온{k}", bought=NOW - 95 * DAY)
        _order(c, NOW - 20 * DAY)
    # Not counted anywhere:
    late = _buyer("최근해결", bought=long_ago)  # resolved 30 days ago: its 90 days have not passed
    _complaint(shop, late, opened=NOW - 100 * DAY, resolved=NOW - 30 * DAY, satisfaction_score=5)
    _complaint(shop, _customer("첫구매전"), opened=NOW - 200 * DAY)  # never bought: nothing to buy "again"
    followed_up = _buyer(
        "시스템", bought=long_ago
    )  # the system's own follow-up is not the customer complaining
    services.case_open(
        customer=followed_up,
        kind="complaint",
        title="설문 불만족 응답 후속 조치",
        by=None,
        opened_at=NOW - 150 * DAY,
        origin=Case.Origin.SYSTEM,
    )
    return shop


def _by_key(recovery):
    return {g.key: g for g in recovery.groups}


def test_recovery_groups_count_each_customer_once_after_their_90_days(bad_experiences):
    groups = _by_key(recovery_by_group(now=NOW))
    assert [(k, g.customers, g.rebought) for k, g in groups.items()] == [
        ("satisfied", 4, 3),
        ("resolved", 2, 1),
        ("unresolved", 2, 0),
        ("silent", 3, 1),
        ("no_bad_experience", 2, 2),  # the two calm buyers; not the one the system followed up
    ]


def test_recovery_rates_carry_wilson_intervals(bad_experiences):
    groups = _by_key(recovery_by_group(now=NOW))
    # Wilson 95% intervals, worked out by hand: 3/4 → [0.3006, 0.9544], 1/2 → [0.0945, 0.9055],
    # 0/2 → [0, 0.6576], 1/3 → [0.0615, 0.7923], 2/2 → [0.3424, 1].
    expected = {
        "satisfied": (0.75, 0.3006, 0.9544),
        "resolved": (0.5, 0.0945, 0.9055),
        "unresolved": (0.0, 0.0, 0.6576),
        "silent": (1 / 3, 0.0615, 0.7923),
        "no_bad_experience": (1.0, 0.3424, 1.0),
    }
    for key, (rate, low, high) in expected.items():
        g = groups[key]
        assert g.rate == pytest.approx(rate), key
        assert (g.low, g.high) == (pytest.approx(low, abs=5e-4), pytest.approx(high, abs=5e-4)), key


def test_a_second_complaint_does_not_count_the_customer_twice(bad_experiences, shop):
    first = Case.objects.filter(customer__name="만족1").get()
    _complaint(shop, first.customer, opened=first.created_at + DAY, resolved=first.resolved_at + DAY)
    groups = _by_key(recovery_by_group(now=NOW))
    assert (groups["satisfied"].customers, groups["resolved"].customers) == (4, 2)


def test_the_board_shows_recovery_side_by_side_with_counts_and_intervals(as_manager: Client, bad_experiences):
    page = as_manager.get("/voc/").content.decode()
    assert 'id="recovery-chart"' in page and 'id="recovery-data"' in page
    assert (
        "voc/board.js" in page and "new Chart(" not in page
    )  # drawn by a static file (CSP), from json_script
    table = page[page.index('id="recovery-table"') :]
    row = table[table.index('data-group="satisfied"') :]
    row = row[: row.index("</tr>")]
    assert "만족스럽게 해결" in row and ">4<" in row and ">3<" in row and "75.0%" in row
    assert "30.1% – 95.4%" in row and "54%" in row  # our interval, and the seed's figure beside it
    assert "나쁜 경험 없음(비교)" in table


def test_the_board_refresh_job_caches_the_recovery_figures(bad_experiences, django_assert_max_num_queries):
    selectors.voc_board_refresh()  # what the scheduled job (dangol.voc.tasks.refresh_board) runs
    with django_assert_max_num_queries(0):
        board, _at = selectors.voc_board_snapshot()
    assert {g.key: g.customers for g in board.recovery.groups}["satisfied"] == 4


def test_rising_issues_count_the_customers_words_not_the_systems_titles(shop, voc):
    monday = timezone.localtime(NOW)
    for k in range(
        16
    ):  # this week the system opened sixteen follow-ups of low scores, most without a comment
        services.case_open(
            customer=shop["hong"],
            kind="complaint",
            title=f"설문 불만족 응답 후속 조치: 매장 만족도 조사 (NPS {k % 7})",
            body="포장 박스가 찢어져 왔어요" if k < 4 else "(의견 없음)",
            origin=Case.Origin.SYSTEM,
            opened_at=monday - dt.timedelta(hours=k),
        )
    rising = selectors.rising_issues(now=NOW)
    terms = {r["term"] for r in rising}
    assert not terms & {"nps", "NPS", "설문", "응답", "불만족", "후속", "조치", "의견", "없음"}
    assert "포장" in terms  # what four customers actually wrote in their comments


def test_customer_words_of_a_case():
    assert selectors.customer_words(origin="customer", title="배송 지연", body="아직 안 왔어요") == (
        "배송 지연\n아직 안 왔어요"
    )
    assert (
        selectors.customer_words(origin="system", title="설문 불만족 응답 후속 조치", body="(의견 없음)")
        == ""
    )
    assert (
        selectors.customer_words(origin="system", title="설문 불만족 응답", body="직원이 불친절")
        == "직원이 불친절"
    )


def test_due_soon_lists_only_cases_not_yet_overdue(as_manager: Client, shop, voc):
    overdue = services.case_open(
        customer=shop["hong"], kind="complaint", title="이미 늦은 건", by=shop["agent"]
    )
    soon = services.case_open(customer=shop["hong"], kind="complaint", title="곧 기한", by=shop["agent"])
    Case.objects.filter(pk=overdue.pk).update(resolution_due=timezone.now() - dt.timedelta(minutes=5))
    Case.objects.filter(pk=soon.pk).update(resolution_due=timezone.now() + dt.timedelta(minutes=50))
    counts = selectors.queue_counts(shop["manager"])
    assert (counts["breaching"], counts["overdue"]) == (1, 1)
    due_soon = as_manager.get("/voc/queue/", {"queue": "breaching"}).content.decode()
    assert soon.number in due_soon and overdue.number not in due_soon
    late = as_manager.get("/voc/queue/", {"queue": "overdue"}).content.decode()
    assert overdue.number in late and soon.number not in late


def test_praise_and_suggestions_get_no_sla_without_a_policy_for_their_kind(shop, voc):
    praise = services.case_open(
        customer=shop["hong"], kind="praise", title="친절했어요", category=voc["late"]
    )
    idea = services.case_open(customer=shop["hong"], kind="suggestion", title="주차장을 넓혀 주세요")
    complaint = services.case_open(customer=shop["hong"], kind="complaint", title="배송 지연")
    assert (praise.first_response_due, praise.resolution_due) == (None, None)
    assert (idea.first_response_due, idea.resolution_due) == (None, None)
    assert complaint.resolution_due is not None  # the priority's policy (no kind) still covers complaints
    assert praise.events.get(kind="opened").data["resolution_due"] is None
    assert sla_check(now=timezone.now() + dt.timedelta(days=30))["resolution_breached"] == 1  # the complaint


def test_a_policy_for_praise_gives_praise_its_targets(shop, voc):
    SlaPolicy.objects.create(
        name="칭찬 회신", priority="normal", kind="praise", first_response_minutes=480, resolution_minutes=960
    )
    praise = services.case_open(customer=shop["hong"], kind="praise", title="친절했어요")
    idea = services.case_open(customer=shop["hong"], kind="suggestion", title="주차장을 넓혀 주세요")
    assert praise.first_response_due is not None and praise.resolution_due is not None
    assert idea.resolution_due is None
    assert "웹으로 접수" in praise.events.get(kind="opened").message  # 웹 + 으로, not 웹로
