"""The customer column writer's shortcuts (issue 18): consent stages per distinct combination, shared tag
cells, multi-row tag inserts, and SQLite's `INSERT OR FAIL` inside the import's one transaction."""

from __future__ import annotations

import datetime as dt
import itertools
import re
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


def _profile_file(tmp_path: Path, name: str, rows: list[tuple[str, str, str, str]]) -> Path:
    return _file(tmp_path, name, "external_id,name,birth_date,joined_at", [",".join(r) for r in rows])


def test_a_reimport_updates_exactly_the_rows_whose_profile_changed(shop, tmp_path):
    """A second import of 300 customers where a birth date, a join time, a name and (for one row) nothing but
    an empty join cell differ: only the three changed rows are updated, with the file's values; an empty join
    cell keeps the stored time."""
    rows = [
        (f"P{i:03d}", f"고객{i}", f"1990-01-{i % 28 + 1:02d}", f"2024-03-{i % 28 + 1:02d} 10:{i % 60:02d}")
        for i in range(300)
    ]
    assert run_import(kind="customers", path=_profile_file(tmp_path, "a.csv", rows)).created == 300
    stored = {c.external_id: c for c in Customer.objects.filter(external_id__startswith="P")}
    second = list(rows)
    second[10] = ("P010", "고객10", "1991-02-03", rows[10][3])  # another birth date
    second[20] = ("P020", "고객20", rows[20][2], "2024-05-06 07:08:09")  # another join time
    second[30] = ("P030", "새이름", rows[30][2], rows[30][3])  # another name
    second[40] = ("P040", "고객40", rows[40][2], "")  # no join time: the stored one stays
    result = run_import(kind="customers", path=_profile_file(tmp_path, "b.csv", second))
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 3, 297, [])
    after = {c.external_id: c for c in Customer.objects.filter(external_id__startswith="P")}
    assert str(after["P010"].birth_date) == "1991-02-03"
    assert after["P020"].joined_at == dt.datetime(2024, 5, 5, 22, 8, 9, tzinfo=dt.UTC)  # 07:08:09 in Seoul
    assert after["P030"].name == "새이름"
    assert after["P040"].joined_at == stored["P040"].joined_at
    unchanged = {k for k in stored if k not in ("P010", "P020", "P030")}
    assert {k: (after[k].version, after[k].updated_at) for k in unchanged} == {
        k: (stored[k].version, stored[k].updated_at) for k in unchanged
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite stores dates and times as text")
def test_a_stored_time_spelled_otherwise_is_compared_as_a_time(shop, tmp_path):
    """SQLite: a re-import compares the stored birth date and join time as text first; a row whose stored text
    is another spelling of the same time (ISO 'T', explicit zero microseconds) is still unchanged and keeps its
    text, and a row whose stored time really differs is updated and written in the usual form."""
    rows = [
        (f"Q{i:03d}", f"고객{i}", "1985-07-0" + str(i % 9 + 1), f"2023-11-1{i % 10} 09:30") for i in range(40)
    ]
    assert run_import(kind="customers", path=_profile_file(tmp_path, "a.csv", rows)).created == 40
    table = Customer._meta.db_table

    def stored_text(ext: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT CAST(joined_at AS TEXT) FROM {table} WHERE external_id = %s", [ext])  # noqa: S608
            return str(cursor.fetchone()[0])

    canonical = stored_text("Q001")
    assert canonical == "2023-11-11 00:30:00"
    with connection.cursor() as cursor:
        for ext, text in (("Q001", canonical.replace(" ", "T")), ("Q002", "2023-11-12 00:30:00.000000")):
            cursor.execute(f"UPDATE {table} SET joined_at = %s WHERE external_id = %s", [text, ext])  # noqa: S608
        moved = f"UPDATE {table} SET joined_at = %s WHERE external_id = %s"  # noqa: S608
        cursor.execute(moved, ["2001-01-01 00:00:00", "Q003"])
    result = run_import(kind="customers", path=_profile_file(tmp_path, "b.csv", rows))
    assert (result.updated, result.unchanged) == (1, 39)
    assert stored_text("Q001") == "2023-11-11T00:30:00"
    assert stored_text("Q002") == "2023-11-12 00:30:00.000000"
    assert stored_text("Q003") == "2023-11-13 00:30:00"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statement text")
def test_the_key_table_fills_by_multi_row_statements_and_consent_changes_are_sorted_once(shop, tmp_path):
    """SQLite: the import's key table is filled by multi-row INSERTs (one statement per row cost about 1 s of
    CPU for 200,000 rows), and the consent changes are sorted once and then read in that order by both the
    consent and the history INSERT (sorting 600,000 changes twice cost about 0.4 s, issue 18)."""
    rows = [f"K{i:04d},고객{i},Y,{'Y' if i % 2 else 'N'}" for i in range(fastsql.MULTI_ROWS + 5)]
    path = _file(tmp_path, "k.csv", "external_id,name,consent_terms,marketing_sms", rows)
    with CaptureQueriesContext(connection) as queries:
        assert run_import(kind="customers", path=path).created == len(rows)
    sql = [re.sub(r"^\S+ times: ", "", q["sql"]) for q in queries.captured_queries]  # executemany's entries
    fills = [s for s in sql if s.startswith('INSERT INTO "dangol_import_customers"')]
    assert len(fills) == 2 and all("), (" in s for s in fills)  # MULTI_ROWS rows, then the other 5
    sorted_fill = [s for s in sql if s.startswith('INSERT INTO "dangol_import_consents"')]
    assert len(sorted_fill) == 1 and sorted_fill[0].endswith("ORDER BY customer_id, seq")
    readers = [
        s
        for s in sql
        if s.startswith(('INSERT INTO "customers_consent"', 'INSERT INTO "customers_consentevent"'))
    ]
    assert len(readers) == 2 and all("ORDER BY rowid" in s for s in readers)


def test_consent_and_tag_rows_keep_the_order_of_the_rows(shop, tmp_path):
    """New and existing customers mixed: consent rows and their history are numbered in the order of the
    customers' ids, each customer's consents in column order, and tag links in the order of the file's rows,
    as the one-statement-per-row writer did."""
    header = "external_id,name,consent_terms,marketing_sms,tags"
    first = [f"R{i:03d},고객{i},Y,N,{'VIP' if i % 3 else ''}" for i in range(0, 60, 2)]
    assert run_import(kind="customers", path=_file(tmp_path, "a.csv", header, first)).created == 30
    mixed = [
        f"R{i:03d},고객{i},Y,{'Y' if i % 4 == 0 else 'N'},{'신규;VIP' if i % 5 == 0 else 'VIP'}"
        for i in range(60)
    ]
    result = run_import(kind="customers", path=_file(tmp_path, "b.csv", header, mixed))
    assert result.created == 30 and not result.errors
    ids = dict(Customer.objects.filter(external_id__startswith="R").values_list("external_id", "id"))
    since = min(ids.values())
    consents = list(
        Consent.objects.filter(customer_id__gte=since).order_by("pk").values_list("customer_id", "purpose")
    )
    events = list(
        ConsentEvent.objects.filter(customer_id__gte=since)
        .order_by("pk")
        .values_list("customer_id", "purpose")
    )
    second_events = events[len(first) * 2 :]
    assert second_events == sorted(
        second_events, key=lambda e: (e[0], ("terms", "marketing_sms").index(e[1]))
    )
    changed_once = [c for c, _p in second_events].count(ids["R004"])
    assert changed_once == 1  # marketing_sms changed N → Y; terms did not
    assert len(consents) == 60 * 2
    links = list(
        Customer.tags.through.objects.filter(customer_id__gte=since)
        .order_by("pk")
        .values_list("customer_id", flat=True)
    )
    newer = links[sum(1 for r in first if r.endswith("VIP")) :]
    line_of = {ids[f"R{i:03d}"]: i for i in range(60)}
    written = [line_of[c] for n, c in enumerate(newer) if n == 0 or newer[n - 1] != c]
    assert written == sorted(set(written))  # file order, each customer's links together
    assert len(written) > 30  # every new customer, and the stored ones whose tags changed
