"""The 360 page reads a fixed number of queries however long the customer's history: one read per kind of
data, never one per interaction, order, case, promise or preference shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangol.customers.models import Customer, Note
from dangol.customers.services import (
    customer_create,
    customers_merge,
    customers_unmerge,
    note_add,
    preference_set,
    tags_get_or_create,
)
from dangol.interactions.models import Interaction, Touchpoint
from dangol.promises.services import promise_make
from dangol.web.customers import timeline
from dangol.web.customers.forms import InteractionForm
from dangol.web.tests.test_timeline import _add_one_of_everything, customer_survey, value_tier_rose


def _history(shop: dict[str, Any], customer: Customer, survey: Any, n: int) -> None:
    _add_one_of_everything(shop, customer, survey, n)  # interaction, note, open promise, order, refund, ...
    preference_set(customer=customer, key=f"선호 {n}", value=f"값 {n}", by=shop["agent"])


def test_the_360_page_reads_a_fixed_number_of_queries_however_long_the_history(
    as_manager: Client, shop, django_assert_max_num_queries
):
    hong = shop["hong"]
    value_tier_rose(hong)
    survey = customer_survey(shop)
    _history(shop, hong, survey, 1)
    url = f"/customers/{hong.pk}/"
    with CaptureQueriesContext(connection) as one:
        html = as_manager.get(url).content.decode()
    assert "문의 1" in html and "값 1" in html and "약속 1" in html
    for n in range(2, 8):
        _history(shop, hong, survey, n)
    with django_assert_max_num_queries(len(one)):
        response = as_manager.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    # Seven of each kind are on the page (the open promises and the preferences with their staff names).
    assert "문의 7" in html and "불만 7" in html and "이유 7" in html
    assert all(f"값 {n}" in html for n in range(1, 8))
    assert html.count('class="promise"') == 7
    assert html.count("이상담") >= 7 + 7  # the promises' owner and the preferences' recorder, staff names


def test_the_interaction_form_on_the_360_page_lists_active_touchpoints_and_records(as_agent: Client, shop):
    """The form is written out in the template (no form rendering): same field names, the active touchpoints."""
    Touchpoint.objects.filter(pk=shop["web"].pk).update(is_active=False)
    hong = shop["hong"]
    html = as_agent.get(f"/customers/{hong.pk}/").content.decode()
    form = html[html.index('id="interaction-form"') :]
    form = form[: form.index("</form>")]
    assert f'<option value="{shop["store"].pk}">강남점</option>' in form
    assert f'<option value="{shop["web"].pk}">' not in form
    # the written-out fields are the form's, the text limit its max_length (the view validates with the form)
    assert set(re.findall(r'name="(\w+)"', form)) == set(InteractionForm.base_fields)
    assert f'maxlength="{InteractionForm.base_fields["summary"].max_length}"' in form
    response = as_agent.post(
        f"/customers/{hong.pk}/interactions/",
        {"touchpoint": shop["call"].pk, "type": "inquiry", "summary": "매장 재고 문의", "body": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Interaction.objects.filter(
        customer=hong, summary="매장 재고 문의", touchpoint=shop["call"]
    ).exists()


# The tables the 360 page's sections read besides the timeline, each also a timeline source the page probes.
_PROBED_SECTION_TABLES = (
    "customers_note",
    "promises_promise",
    "orders_order",
    "interactions_interaction",
    "voc_customerflag",
    "voc_case",
    "loyalty_customervalue",
)


def _reads_of(queries: CaptureQueriesContext, table: str) -> list[str]:
    """Statements that read `table`, leaving out the one probe of every source (`SELECT EXISTS (…), …`)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if f'"{table}"' in q["sql"] and not q["sql"].startswith("SELECT EXISTS")
    ]


def test_the_360_page_does_not_read_again_the_tables_its_probe_found_empty(as_manager: Client, shop):
    """One probe answers for the timeline and for the sections above it: a customer with no notes, promises,
    orders, interactions, flags, cases or value rows costs no read of those tables; once there is a note and an
    open promise, those two are read and shown."""
    kim = shop["kim"]
    url = f"/customers/{kim.pk}/"
    with CaptureQueriesContext(connection) as empty:
        response = as_manager.get(url)
    assert response.status_code == 200
    probes = [q["sql"] for q in empty.captured_queries if q["sql"].startswith("SELECT EXISTS")]
    assert len(probes) == 1
    for table in _PROBED_SECTION_TABLES:
        assert f'"{table}"' in probes[0]
        assert _reads_of(empty, table) == [], table

    note_add(customer=kim, body="포장 요청 메모", by=shop["agent"])
    promise_make(
        customer=kim,
        owner=shop["agent"],
        by=shop["agent"],
        text="재입고 연락 약속",
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    with CaptureQueriesContext(connection) as some:
        html = as_manager.get(url).content.decode()
    assert "포장 요청 메모" in html and "재입고 연락 약속" in html
    assert _reads_of(some, "customers_note") and _reads_of(some, "promises_promise")
    assert _reads_of(some, "voc_case") == [] and _reads_of(some, "orders_order") == []
    assert len(some) > len(empty)


# The 360 page's sections that read a table of their own, not a timeline source; the same probe answers for them.
_PROBED_PAGE_TABLES = ("customers_preference", "customers_customer_tags", "customers_customermerge")


def test_the_360_page_reads_preferences_tags_and_merges_only_when_its_probe_finds_them(
    as_manager: Client, shop
):
    """A customer without preferences, tags or merges costs no read of those tables; with one of each (the
    merge seen from both sides: the survivor, and the merged customer once the merge is undone) they are read
    and shown."""
    kim = shop["kim"]
    url = f"/customers/{kim.pk}/"
    with CaptureQueriesContext(connection) as empty:
        html = as_manager.get(url).content.decode()
    assert "아직 기록된 선호 사항이 없습니다." in html and 'id="customer-merges"' not in html
    probes = [q["sql"] for q in empty.captured_queries if q["sql"].startswith("SELECT EXISTS")]
    assert len(probes) == 1
    for table in _PROBED_PAGE_TABLES:
        assert f'"{table}"' in probes[0]
        assert _reads_of(empty, table) == [], table

    preference_set(customer=kim, key="신발 사이즈", value="250", by=shop["agent"])
    kim.tags.set(tags_get_or_create(["주말방문"]))
    twin = customer_create(data={"name": "김영희", "phone": "01099990000", "acquisition_channel": "store"})
    merge = customers_merge(survivor=kim, merged=twin, by=shop["manager"])
    with CaptureQueriesContext(connection) as some:
        html = as_manager.get(url).content.decode()
    assert "신발 사이즈" in html and "#주말방문" in html and f'id="merge-{merge.pk}"' in html
    for table in _PROBED_PAGE_TABLES:
        assert _reads_of(some, table), table

    customers_unmerge(merge=merge, by=shop["manager"])  # the merged side: its page lists the undone merge
    html = as_manager.get(f"/customers/{twin.pk}/").content.decode()
    assert f'id="merge-{merge.pk}"' in html and "병합 취소됨" in html


def _last_interaction_reads(queries: CaptureQueriesContext) -> list[str]:
    """The summary card's own read of the newest interaction's time."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "interactions_interaction"."occurred_at"')
    ]


def test_the_last_contact_comes_from_the_timeline_when_the_timeline_shows_the_newest_interaction(
    as_manager: Client, shop
):
    """The first page of the whole timeline shows the newest interaction: the "last contact" card takes it from
    there instead of reading it again. Every other view (another tab, a touchpoint or type filter, an older
    page, a first page filled by newer entries of other kinds) reads it, and every view shows the same card."""
    hong = shop["hong"]
    survey = customer_survey(shop)
    for n in range(1, 3):
        _add_one_of_everything(shop, hong, survey, n)
    expected = timeline.customer_summary(hong)  # every table read
    url = f"/customers/{hong.pk}/"
    views = {
        "": 0,
        "?kind=interaction": 0,
        "?kind=order": 1,
        f"?touchpoint={shop['store'].pk}": 1,
        "?type=inquiry": 1,
        "?before=2100-01-01T00:00:00%2B09:00": 1,
    }
    for query, reads in views.items():
        with CaptureQueriesContext(connection) as queries:
            response = as_manager.get(url + query)
        assert response.status_code == 200
        assert response.context["summary"] == expected, query
        assert len(_last_interaction_reads(queries)) == reads, query

    # One old interaction, then more notes than a page holds: the first page has no interaction on it.
    kim = shop["kim"]
    old = timezone.now() - dt.timedelta(days=30)
    Interaction.objects.create(
        customer=kim, touchpoint=shop["store"], occurred_at=old, type="inquiry", summary="옛 문의"
    )
    Note.objects.bulk_create([Note(customer=kim, body=f"메모 {n}", author=shop["agent"]) for n in range(55)])
    with CaptureQueriesContext(connection) as queries:
        response = as_manager.get(f"/customers/{kim.pk}/")
    assert "옛 문의" not in response.content.decode()  # not on the first page
    assert response.context["summary"].last_contact == old
    assert len(_last_interaction_reads(queries)) == 1
