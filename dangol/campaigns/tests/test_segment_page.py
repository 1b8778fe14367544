"""A saved segment's page and CSV export at size: the count and sample read the segment snapshot while it is young
enough (and say when it was taken), the sample's rows are fetched live by id and re-checked; the export reads the
snapshot only while it is as fresh as a launch needs, else the live tables; masking and roles hold either way."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dangol.campaigns.models import Segment
from dangol.campaigns.services import segment_create
from dangol.campaigns.snapshot import snapshot_build, snapshot_info
from dangol.campaigns.tests.conftest import make_customer
from dangol.customers.models import Customer
from dangol.privacy.masking import mask_name, mask_phone

pytestmark = pytest.mark.django_db

SUPER = [{"field": "value_tier", "values": ["super"]}]


@pytest.fixture
def var(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    settings.DANGOL_SEGMENT_SNAPSHOT_DIR = ""
    settings.DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS = 48
    settings.DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES = 60
    return tmp_path


@pytest.fixture
def people(shop: dict[str, Any]) -> dict[str, Customer]:
    value = {"clv": 1, "frequency": 1, "recency": 1.0, "age": 2.0}
    return {
        "a": make_customer("김가나", phone="01011112222", value_tier="super", **value),
        "b": make_customer("이다라", phone="01033334444", value_tier="super", **value),
        "c": make_customer("박마바", phone="01055556666", value_tier="super", **value),
        "other": make_customer("최사아", phone="01077778888", value_tier="care", **value),
    }


def login(client: Client, user: Any) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def page(client: Client, segment: Segment) -> str:
    response = client.get(f"/campaigns/segments/{segment.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def count_of(body: str) -> int:
    return int(body.split('id="segment-count">')[1].split("<")[0].replace(",", ""))


def sample_ids(body: str) -> list[int]:
    table = body.split('id="segment-sample"')[1].split("</table>")[0]
    return [int(part.split('"')[0].split("/")[0]) for part in table.split('href="/customers/')[1:]]


def export(client: Client, segment: Segment) -> list[list[str]]:
    response = client.get(f"/campaigns/segments/{segment.pk}/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))[1:]


def merge_away(customer: Customer) -> None:
    customer.status = "merged"
    customer.save(update_fields=["status"])


def test_the_page_counts_on_the_snapshot_says_when_and_rechecks_the_sample_live(
    client: Client, var: Path, people: dict[str, Customer], shop: dict[str, Any]
) -> None:
    segment = segment_create(name="초우량", definition=SUPER, by=shop["manager"])
    login(client, shop["manager"])
    live = page(client, segment)
    members = sorted(c.pk for k, c in people.items() if k != "other")
    assert "실시간 집계" in live and count_of(live) == 3 and sample_ids(live) == members

    snapshot_build(now=timezone.now())
    taken = timezone.localtime(snapshot_info()["built_at"])  # type: ignore[index]
    from_snapshot = page(client, segment)
    assert count_of(from_snapshot) == 3 and sample_ids(from_snapshot) == members  # the same either way
    assert f"기준: {taken.month}월 {taken.day}일 {taken:%H:%M}" in from_snapshot

    # after the snapshot: a new member is not counted until the next one (the page says its time); a member
    # merged away is still counted as of the snapshot, but the sample re-checks each id live and drops it
    make_customer("정자차", value_tier="super", clv=1, frequency=0, recency=0.0, age=1.0)
    merge_away(people["b"])
    body = page(client, segment)
    assert count_of(body) == 3
    assert sample_ids(body) == [people["a"].pk, people["c"].pk]


def test_an_old_snapshot_is_ignored(
    client: Client, var: Path, people: dict[str, Customer], shop: dict[str, Any], settings: Any
) -> None:
    segment = segment_create(name="초우량", definition=SUPER, by=shop["manager"])
    snapshot_build(now=timezone.now() - dt.timedelta(hours=3))
    make_customer("정자차", value_tier="super", clv=1, frequency=0, recency=0.0, age=1.0)
    login(client, shop["manager"])
    assert count_of(page(client, segment)) == 3  # the snapshot's (3 hours old, within 48)
    settings.DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS = 2
    body = page(client, segment)
    assert count_of(body) == 4 and "실시간 집계" in body and "기준:" not in body


def test_a_frozen_segment_reads_its_frozen_members(
    client: Client, var: Path, people: dict[str, Customer], shop: dict[str, Any]
) -> None:
    snapshot_build(now=timezone.now() - dt.timedelta(minutes=5))  # older than the list: not used for it
    segment = segment_create(name="고정", definition=SUPER, kind="frozen", by=shop["manager"])
    make_customer("정자차", value_tier="super", clv=1, frequency=0, recency=0.0, age=1.0)  # not a member
    login(client, shop["manager"])
    members = sorted(c.pk for k, c in people.items() if k != "other")
    live = page(client, segment)
    assert count_of(live) == 3 and sample_ids(live) == members and "실시간 집계" in live
    snapshot_build(now=timezone.now())
    body = page(client, segment)
    assert count_of(body) == 3 and sample_ids(body) == members and "기준:" in body
    merge_away(people["a"])
    snapshot_build(now=timezone.now())
    body = page(client, segment)
    assert count_of(body) == 2 and sample_ids(body) == members[1:]
    assert [int(r[0]) for r in export(client, segment)] == members[1:]


def test_the_export_is_exact_and_current_reading_only_a_fresh_snapshot(
    client: Client, var: Path, people: dict[str, Customer], shop: dict[str, Any]
) -> None:
    segment = segment_create(name="초우량", definition=SUPER, by=shop["manager"])
    login(client, shop["analyst"])
    live = export(client, segment)
    members = sorted(c.pk for k, c in people.items() if k != "other")
    assert [int(r[0]) for r in live] == members

    snapshot_build(now=timezone.now())  # fresh: within the launch limit
    assert export(client, segment) == live  # the same rows either way
    merge_away(people["b"])
    assert [int(r[0]) for r in export(client, segment)] == [people["a"].pk, people["c"].pk]  # re-checked live

    # an older snapshot (90 minutes: fine for the page's count, too old for a list to act on) is not read
    snapshot_build(now=timezone.now() - dt.timedelta(minutes=90))
    late = make_customer(
        "정자차", phone="01099990000", value_tier="super", clv=1, frequency=0, recency=0.0, age=1.0
    )
    rows = export(client, segment)
    assert [int(r[0]) for r in rows] == [people["a"].pk, people["c"].pk, late.pk]
    # the page still counts on that snapshot: a and c, not the customer who came after it
    assert count_of(page(client, segment)) == 2


def test_sample_and_export_are_masked_and_only_for_the_roles_that_see_segments(
    client: Client, var: Path, people: dict[str, Customer], shop: dict[str, Any]
) -> None:
    segment = segment_create(name="초우량", definition=SUPER, by=shop["manager"])
    for snapshot in (False, True):
        if snapshot:
            snapshot_build(now=timezone.now())
        login(client, shop["analyst"])
        body = page(client, segment)
        rows = export(client, segment)
        for key in ("a", "b", "c"):
            c = people[key]
            assert c.name not in body and c.phone not in body  # masked for every role
            assert mask_name(c.name) in body and mask_phone(c.phone) in body
            assert [str(c.pk), mask_name(c.name), mask_phone(c.phone), "super"] in rows
        assert all(c.name not in str(rows) and c.phone not in str(rows) for c in people.values())
        assert sample_ids(body) == sorted(people[k].pk for k in ("a", "b", "c"))
        for role in ("agent", "viewer"):
            login(client, shop[role])
            assert client.get(f"/campaigns/segments/{segment.pk}/").status_code == 403
            assert client.get(f"/campaigns/segments/{segment.pk}/export.csv").status_code == 403
