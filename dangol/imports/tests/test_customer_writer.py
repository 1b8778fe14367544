"""The customer column writer's shortcuts (issue 18): consent stages per distinct combination, shared tag
cells, multi-row tag inserts, and SQLite's `INSERT OR FAIL` inside the import's one transaction."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from dangol.customers.models import Consent, ConsentEvent, Customer, Tag
from dangol.customers.services import _consent_stage
from dangol.imports import fastsql
from dangol.imports.services import run_import

KEYS = ("consent_terms", "consent_privacy", "marketing_sms", "marketing_email")
PURPOSES = ("terms", "privacy", "marketing_sms", "marketing_email")


def _file(tmp_path: Path, name: str, header: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_every_consent_combination_gets_the_stage_the_consent_rules_give(shop, tmp_path):
    """All 16 combinations of four consent columns, twice each and in mixed spellings (one row goes through
    the row validator for its phone): each new customer's stage is what the consent rules say."""
    rows, expected = [], {}
    for n, combo in enumerate(itertools.product((True, False), repeat=4) for _ in range(2)):
        for m, flags in enumerate(combo):
            ext = f"S{n}{m:02d}"
            cells = [("Y" if f else "N") if (m + n) % 2 else ("동의" if f else "x") for f in flags]
            phone = "+82 10 5555 6666" if (n, m) == (1, 3) else f"010-1000-{n}{m:03d}"
            rows.append(f"{ext},고객{ext},{phone},{','.join(cells)}")
            expected[ext] = str(_consent_stage(dict(zip(PURPOSES, flags, strict=True))))
    result = run_import(
        kind="customers", path=_file(tmp_path, "c.csv", f"external_id,name,phone,{','.join(KEYS)}", rows)
    )
    assert (result.created, result.errors) == (32, [])
    stored = dict(
        Customer.objects.filter(external_id__startswith="S").values_list("external_id", "consent_stage")
    )
    assert stored == expected
    assert set(expected.values()) == {"none", "required", "marketing_partial"}
    assert Consent.objects.filter(customer__external_id__startswith="S").count() == 32 * 4
    assert ConsentEvent.objects.filter(customer__external_id__startswith="S").count() == 32 * 4


def test_rows_sharing_a_tags_cell_keep_their_own_tags_and_a_rerun_changes_nothing(shop, tmp_path):
    """Rows with the same tags cell share one parsed value; changing one customer's tags on a second import
    touches only that customer."""
    header = "external_id,name,tags"
    first = [f"T{i:03d},고객{i},VIP;신규" for i in range(300)] + ["T900,다른고객,육아", "T901,태그없음,"]
    assert run_import(kind="customers", path=_file(tmp_path, "a.csv", header, first)).created == 302

    def tags() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for ext, name in Customer.tags.through.objects.filter(
            customer__external_id__startswith="T"
        ).values_list("customer__external_id", "tag__name"):
            out.setdefault(ext, []).append(name)
        return {k: sorted(v) for k, v in out.items()}

    assert tags() == {**{f"T{i:03d}": ["VIP", "신규"] for i in range(300)}, "T900": ["육아"]}
    second = [*first[:5], "T005,고객5,VIP;휴면예정", *first[6:]]
    result = run_import(kind="customers", path=_file(tmp_path, "b.csv", header, second))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 302)
    assert tags() == {
        **{f"T{i:03d}": ["VIP", "신규"] for i in range(300) if i != 5},
        "T005": ["VIP", "휴면예정"],
        "T900": ["육아"],
    }
    before = list(Customer.tags.through.objects.order_by("pk").values_list("pk", "customer_id", "tag_id"))
    run_import(kind="customers", path=_file(tmp_path, "b.csv", header, second))
    assert (
        list(Customer.tags.through.objects.order_by("pk").values_list("pk", "customer_id", "tag_id"))
        == before
    )


def test_a_row_failing_inside_a_multi_row_insert_leaves_nothing_behind(shop):
    """A constraint failure in the middle of a multi-row statement raises, and the surrounding transaction
    rolls back the rows that statement had already written (on SQLite the statement is INSERT OR FAIL)."""
    Tag.objects.create(name="이미있음")
    names = [f"태그{i}" for i in range(fastsql.MULTI_ROWS + 10)]
    names[100] = "이미있음"
    before = Tag.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        fastsql.insert_columns(Tag, ("name",), [names])
    assert Tag.objects.count() == before
    assert fastsql.insert_columns(Tag, ("name",), [names[:100]]) == 100  # the connection still writes


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statement journal")
def test_customer_and_tag_rows_go_in_multi_row_inserts_without_a_statement_journal(shop, tmp_path):
    """SQLite: the customer and tag rows are written by multi-row `INSERT OR FAIL` statements, which keep no
    statement journal (half the CPU of a 200,000-customer import into a 1M-customer table, issue 18)."""
    rows = [f"J{i:04d},고객{i},VIP;신규" for i in range(fastsql.MULTI_ROWS + 3)]
    with CaptureQueriesContext(connection) as queries:
        result = run_import(kind="customers", path=_file(tmp_path, "j.csv", "external_id,name,tags", rows))
    assert result.created == len(rows)
    inserts = [
        q["sql"].split(" (")[0]
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and ("customers_customer" in q["sql"].split(" (")[0])
    ]
    assert sorted(set(inserts)) == [
        'INSERT OR FAIL INTO "customers_customer"',
        'INSERT OR FAIL INTO "customers_customer_tags"',
    ]
