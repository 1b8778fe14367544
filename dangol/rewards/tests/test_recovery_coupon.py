"""A recovery coupon sent from a VOC case: once per case, on its timeline, in Korean when it cannot (issue 15)."""

from __future__ import annotations

from conftest import login
from dangol.rewards.demo import program_setup
from dangol.rewards.models import CouponDefinition, CouponIssue
from dangol.voc.services import case_open


def test_the_case_button_issues_the_recovery_coupon_once(shop, program, client):
    program_setup()  # the default program has a 3,000원 recovery coupon
    case = case_open(customer=shop["hong"], kind="complaint", title="배송 지연", by=shop["agent"])
    login(client, shop["agent"])
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert 'id="recovery-coupon"' in page
    r = client.post(f"/voc/{case.pk}/act/recovery_coupon/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    issue = CouponIssue.objects.get(customer=shop["hong"])
    assert issue.definition.trigger == "recovery" and issue.source_ref == f"recovery:{case.number}"
    body = r.content.decode()
    assert issue.code in body and "회복 쿠폰" in body  # the flash and the timeline entry
    assert case.events.filter(kind="recovery_coupon").count() == 1
    again = client.post(f"/voc/{case.pk}/act/recovery_coupon/", HTTP_HX_REQUEST="true")
    assert again.status_code == 200 and "이미 회복 쿠폰을 보냈습니다" in again.content.decode()
    assert CouponIssue.objects.count() == 1 and case.events.filter(kind="recovery_coupon").count() == 1


def test_without_a_recovery_coupon_or_a_customer_it_says_why_in_korean(shop, program, client):
    login(client, shop["agent"])
    case = case_open(customer=shop["hong"], kind="complaint", title="불친절", by=shop["agent"])
    r = client.post(f"/voc/{case.pk}/act/recovery_coupon/", HTTP_HX_REQUEST="true")
    assert r.status_code in (200, 422) and "불만 회복 쿠폰이 없습니다" in r.content.decode()
    program_setup()
    CouponDefinition.objects.filter(trigger="recovery").update(active=False)
    r = client.post(f"/voc/{case.pk}/act/recovery_coupon/", HTTP_HX_REQUEST="true")
    assert "불만 회복 쿠폰이 없습니다" in r.content.decode()
    anonymous = case_open(customer=None, contact_name="방문객", kind="complaint", title="문의")
    r = client.post(f"/voc/{anonymous.pk}/act/recovery_coupon/", HTTP_HX_REQUEST="true")
    assert "고객이 연결된 건에만" in r.content.decode() and not CouponIssue.objects.exists()
