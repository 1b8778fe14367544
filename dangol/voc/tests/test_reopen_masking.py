"""A reason typed when reopening a case is free text like any other: stored masked."""

from __future__ import annotations

from dangol.voc import services
from dangol.voc.models import CaseEvent
from dangol.voc.tests.test_pii_masking import PII, assert_masked, open_case


def test_the_reason_for_reopening_a_case_is_stored_masked(shop, voc):
    case = open_case(shop)
    case = services.case_resolve(
        case=case, resolution_type="apology", by=shop["manager"], note="사과", override_reason="테스트"
    )
    case = services.case_reopen(case=case, by=shop["manager"], reason=PII, expected_version=case.version)
    assert_masked(CaseEvent.objects.filter(case=case, kind="reopened").latest("id").message)
