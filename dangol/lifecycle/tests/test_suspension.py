"""A suspension of processing (처리정지): no advertising, no analytics snapshot, while it lasts; the snapshot
carries pseudonymous ids only (제28조의2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from dangol.customers.models import Customer
from dangol.customers.services import consent_set
from dangol.lifecycle import services
from dangol.loyalty.models import CustomerValue
from dangol.loyalty.services import SNAPSHOT_COLUMNS, analytics_pseudonym, snapshot_orders, value_refresh
from dangol.loyalty.tests.test_value import buy_every_55_days
from dangol.messaging.services import BulkRecipient, message_queue, messages_queue_bulk


def _suspend(shop: dict[str, Any]) -> Any:
    r = services.subject_request_open(customer=shop["hong"], kind="suspension", channel="portal", detail="")
    return services.subject_request_complete(request=r, by=shop["manager"])


def test_suspension_blocks_advertising_until_lifted(shop: dict[str, Any], ad_template: Any) -> None:
    hong, kim = shop["hong"], shop["kim"]
    consent_set(customer=kim, purpose="marketing_sms", granted=True, source="가입")
    assert message_queue(customer=hong, purpose_ref="ad:1", template=ad_template).status == "queued"
    request = _suspend(shop)
    hong.refresh_from_db()
    blocked = message_queue(customer=hong, purpose_ref="ad:2", template=ad_template)
    assert (blocked.status, blocked.blocked_rule) == ("blocked", "processing_suspended")
    assert "처리정지" in blocked.blocked_reason
    # A campaign's bulk send runs the same rule.
    result = messages_queue_bulk(
        recipients=[BulkRecipient(hong, "ad:bulk:hong"), BulkRecipient(kim, "ad:bulk:kim")],
        template=ad_template,
    )
    assert result.by_status == {"queued": 1, "blocked": 1}
    assert result.blocked_by_rule == {"processing_suspended": 1}
    # Informational messages still go (a case update is not processing for marketing).
    info = message_queue(
        customer=hong,
        purpose_ref="info:1",
        template_code="subject_request_done",
        variables={"요구종류": "처리정지", "접수번호": "#1"},
    )
    assert info.status == "queued"
    services.suspension_lift(request=request, by=shop["manager"])
    hong = Customer.objects.get(pk=hong.pk)
    assert hong.processing_suspended_at is None
    assert message_queue(customer=hong, purpose_ref="ad:3", template=ad_template).status == "queued"


def test_snapshot_has_pseudonymous_ids_and_leaves_out_suspended(shop: dict[str, Any], tmp_path: Path) -> None:
    hong, kim = shop["hong"], shop["kim"]
    buy_every_55_days(hong, times=3, offset_days=0, amounts=lambda j: 30_000)
    buy_every_55_days(kim, times=2, offset_days=1, amounts=lambda j: 20_000)
    key = b"k" * 32
    assert snapshot_orders(tmp_path / "a.parquet", key=key) == 5
    table = pq.read_table(tmp_path / "a.parquet")
    assert tuple(table.column_names) == SNAPSHOT_COLUMNS  # no name, phone or e-mail column
    ids = set(table.column("customer_id").to_pylist())
    assert ids == {analytics_pseudonym(hong.pk, key), analytics_pseudonym(kim.pk, key)}
    assert not ids & {hong.pk, kim.pk}
    text = (tmp_path / "a.parquet").read_bytes()
    for value in ("홍길동", "01012345678", "010-1234-5678", "gildong@example.com"):
        assert value.encode() not in text
    # Another run's key gives other ids: two snapshots cannot be joined.
    snapshot_orders(tmp_path / "b.parquet", key=b"x" * 32)
    assert not ids & set(pq.read_table(tmp_path / "b.parquet").column("customer_id").to_pylist())

    _suspend(shop)
    assert snapshot_orders(tmp_path / "c.parquet", key=key) == 2
    assert set(pq.read_table(tmp_path / "c.parquet").column("customer_id").to_pylist()) == {
        analytics_pseudonym(kim.pk, key)
    }


def test_value_refresh_maps_pseudonyms_back_and_skips_suspended(
    shop: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=6, offset_days=0, amounts=lambda j: 40_000)
    buy_every_55_days(shop["kim"], times=2, offset_days=1, amounts=lambda j: 20_000)
    run = value_refresh()
    assert run.status == "done", run.message
    assert CustomerValue.objects.get(customer=shop["hong"]).frequency == 5  # repeat purchases of 6
    assert CustomerValue.objects.get(customer=shop["kim"]).frequency == 1
    _suspend(shop)
    computed_at = CustomerValue.objects.get(customer=shop["hong"]).computed_at
    second = value_refresh()
    assert second.status == "done" and second.n_customers == 1
    assert CustomerValue.objects.get(customer=shop["hong"]).computed_at == computed_at  # left untouched
