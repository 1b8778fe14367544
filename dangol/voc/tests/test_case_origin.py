"""A case the system opened for a customer (a low survey score's follow-up) is not the customer's voice: it
does not hide them from the silent dissatisfied, and the case page says who raised it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from dangol.surveys import services as surveys
from dangol.surveys.tests.conftest import BAD, build_customer_survey
from dangol.voc import services
from dangol.voc.models import Case


def silent_page(client: Client) -> str:
    return client.get("/voc/silent/").content.decode()


def test_a_detractor_stays_silent_dissatisfied_until_they_complain_themselves(as_manager: Client, shop, voc):
    kim = shop["kim"]
    survey = build_customer_survey(shop)
    response, _ = surveys.response_record(survey=survey, data=BAD, customer=kim)  # NPS 2: a follow-up case
    followup = Case.objects.get(pk=response.followup_case_id)
    assert followup.customer == kim and followup.origin == Case.Origin.SYSTEM

    page = silent_page(as_manager)
    assert f"/customers/{kim.pk}/" in page and "낮은 만족도 응답" in page

    own = services.case_open(customer=kim, kind="complaint", title="직원이 불친절했어요", by=shop["agent"])
    assert own.origin == Case.Origin.CUSTOMER
    assert f"/customers/{kim.pk}/" not in silent_page(as_manager)


def test_the_case_page_marks_a_case_the_system_opened(as_agent: Client, shop, voc):
    survey = build_customer_survey(shop)
    response, _ = surveys.response_record(survey=survey, data=BAD, customer=shop["kim"])
    page = as_agent.get(f"/voc/{response.followup_case_id}/").content.decode()
    assert 'id="origin-badge"' in page and "시스템 자동 접수" in page
    own = services.case_open(customer=shop["kim"], kind="complaint", title="불만", by=shop["agent"])
    assert 'id="origin-badge"' not in as_agent.get(f"/voc/{own.pk}/").content.decode()


def test_an_unknown_origin_is_refused(shop, voc):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.case_open(customer=shop["kim"], kind="complaint", title="불만", origin="robot")
    assert "origin" in info.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_survey_follow_ups_as_system_cases(shop):
    before, after = ("voc", "0004_reply_templates"), ("voc", "0005_case_origin")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([before])
    try:
        old = MigrationExecutor(connection).loader.project_state([before]).apps
        OldCase = old.get_model("voc", "Case")
        now = timezone.now()
        common = {"kind": "complaint", "title": "t", "created_at": now, "customer_id": shop["kim"].pk}
        OldCase.objects.create(number="VOC-1", source_ref="survey-response:7", **common)
        OldCase.objects.create(number="VOC-2", source_ref="email:abc", **common)
        OldCase.objects.create(number="VOC-3", source_ref=None, **common)
        MigrationExecutor(connection).migrate([after])
        new = MigrationExecutor(connection).loader.project_state([after]).apps
        origins = dict(new.get_model("voc", "Case").objects.values_list("number", "origin"))
        assert origins == {"VOC-1": "system", "VOC-2": "customer", "VOC-3": "customer"}
    finally:
        MigrationExecutor(connection).migrate(leaves)
