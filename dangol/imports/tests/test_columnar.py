"""The column-wise path (pyarrow) must clean and reject exactly as the row-by-row validators do."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dangol.customers.models import Customer
from dangol.imports import customers as customer_rows
from dangol.imports import orders as order_rows
from dangol.imports.columnar import read_columns
from dangol.imports.readers import iter_records, read_table
from dangol.imports.services import run_import

PHONES = [
    "010-1234-5678",
    "01012345678",
    "010 1234 5678",
    "+82 10 5555 6666",
    "02-123-4567",
    "010-12-34",
    "1012345678",
    "",
    " 010-9999-0000 ",
    "010-1234 5678",
    "031-123-4567",
    "０１０-1234-5678",
]
EMAILS = [
    "a@example.com",
    "",
    "A.B@Example.COM",
    "",
    "not-an-email",
    "x@y",
    "홍@example.com",
    "a+b@ex-ample.co.kr",
]
BIRTHS = [
    "1990-03-05",
    "1990.03.05",
    "1990/03/05",
    "",
    "1990-13-45",
    "1899-12-31",
    "2999-01-01",
    "19900305",
    "1990-3-5",
]
GENDERS = ["F", "m", "여", "남성", "", "x", "Female", "기타"]
JOINED = [
    "2024-01-10 10:00",
    "2024-01-10",
    "2024-01-10 10:00:59",
    "2024/03/15 09:30",
    "",
    "어제",
    "1987-07-01 12:00",
    "2999-01-01",
    "2024-01-10T10:00",
    "2024-02-30",
]
CHANNELS = ["", "store", "STORE", "온라인", "매장", "nowhere", "app"]
STORES = ["", "store-gangnam", "강남점", "nope"]
YES_NO = ["Y", "n", "동의", "", "maybe", "TRUE", "거부"]
TAGS = ["", "VIP;리뷰어", "a|b,c", " ; ", "x" * 50]


def pick(rng: random.Random, values: list[str]) -> str:
    """Mostly the first (well-formed) value, sometimes any: enough rows pass for both paths to matter."""
    return values[0] if rng.random() < 0.8 else rng.choice(values)


def _customers_csv(rng: random.Random, n: int) -> str:
    header = "external_id,name,preferred_name,phone,email,birth_date,gender,address,joined_at,acquisition_channel,home_store,tags,consent_terms,marketing_sms"
    rows = [header]
    for i in range(n):
        ext = pick(rng, [f"R{i:04d}", f"R{rng.randrange(n):04d}", "", "y" * 70])
        name = pick(rng, ["김민지", "이준호", "", "가" * 61, "박 서연"])
        cells = [
            ext,
            name,
            pick(rng, ["", "민지님", "호" * 70]),
            pick(rng, PHONES),
            pick(rng, EMAILS),
            pick(rng, BIRTHS),
            pick(rng, GENDERS),
            pick(rng, ["", "서울시 강남구", "주" * 210]),
            pick(rng, JOINED),
            pick(rng, CHANNELS),
            pick(rng, STORES),
            pick(rng, TAGS),
            pick(rng, YES_NO),
            pick(rng, YES_NO),
        ]
        rows.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(rows) + "\n"


def _row_path(path: Path, columns: dict[str, str], clean) -> tuple[list, list]:
    table = read_table(path)
    good, bad = [], []
    for line, raw in iter_records(table, columns):
        try:
            out = clean(line, raw)
            if out is not None:
                good.append(out)
        except customer_rows.RowErrors as exc:
            bad.append((line, exc.messages))
    return good, bad


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_customer_columns_clean_and_reject_like_the_row_validator(shop, tmp_path, seed):
    path = tmp_path / "c.csv"
    path.write_text(_customers_csv(random.Random(seed), 400), encoding="utf-8")
    cols = read_columns(path, filename=None, columns=customer_rows.COLUMNS)
    assert cols is not None and cols.rows == 400
    fast_good, fast_bad = customer_rows.clean_columns(cols, customer_rows.CustomerRowValidator())
    slow_good, slow_bad = _row_path(path, customer_rows.COLUMNS, customer_rows.CustomerRowValidator().clean)
    assert fast_bad == slow_bad
    assert len(fast_bad) > 50 and len(fast_good) > 50  # the data exercises both outcomes
    assert [(c.line, c.external_id, c.fields, c.tags, c.consents) for c in fast_good] == [
        (c.line, c.external_id, c.fields, c.tags, c.consents) for c in slow_good
    ]


def _orders_csv(rng: random.Random, n: int) -> str:
    rows = [
        "order_id,customer_id,ordered_at,store,sku,product_name,category,quantity,unit_price,amount,refunded_amount"
    ]
    for _ in range(n):
        order = f"A-{rng.randrange(n // 2)}" if rng.random() < 0.97 else ""
        cells = [
            order,
            pick(rng, ["K001", "K002", "K003", "K001", "NOPE", ""]),
            pick(
                rng,
                [
                    "2024-06-01 12:00",
                    "2024-06-01",
                    "2024-06-02 09:00:00",
                    "2024-99-01",
                    "",
                    "2024.06.01 12:00",
                ],
            ),
            pick(rng, ["", "store-gangnam", "web", "강남점", "nope"]),
            pick(rng, ["P1", "", "P2", "s" * 45]),
            pick(rng, ["감귤", "", "햇반", "n" * 210]),
            pick(rng, ["", "신선식품", "c" * 110]),
            pick(rng, ["", "1", "2", "0", "-1", "x", "1.5"]),
            pick(rng, ["", "18900", "1,000", "1.5", "abc"]),
            pick(rng, ["37800", '"50,000"', "-100", "", "₩1,000", "100원", "12.0", "1,00"]),
            pick(rng, ["", "", "", "100", "0", "x"]),
        ]
        rows.append(",".join(f'"{c}"' if "," in c and not c.startswith('"') else c for c in cells))
    return "\n".join(rows) + "\n"


GOOD = """external_id,name,phone,home_store
K001,김민지,010-1111-2222,store-gangnam
K002,이준호,01033334444,
K003,박서연,,강남점
"""


def _orders_key(orders):
    return [
        (
            o.line,
            o.external_id,
            o.customer_id,
            o.touchpoint_id,
            o.ordered_at,
            o.refunded_amount,
            [
                (ln.line, ln.sku, ln.product_name, ln.category, ln.quantity, ln.unit_price, ln.amount)
                for ln in o.lines
            ],
        )
        for o in orders
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_order_columns_clean_and_reject_like_the_row_validator(shop, tmp_path, seed):
    (tmp_path / "c.csv").write_text(GOOD, encoding="utf-8")
    assert run_import(kind="customers", path=tmp_path / "c.csv").created == 3
    path = tmp_path / "o.csv"
    path.write_text(_orders_csv(random.Random(seed), 400), encoding="utf-8")
    cols = read_columns(path, filename=None, columns=order_rows.COLUMNS)
    assert cols is not None
    fast_good, fast_bad = order_rows.clean_columns(cols, order_rows.OrderRowValidator())
    slow_validator = order_rows.OrderRowValidator()
    slow_validator.prefetch_customers({"K001", "K002", "K003", "NOPE"})
    slow_good, slow_bad = _row_path(path, order_rows.COLUMNS, slow_validator.clean)
    assert [(line, messages) for line, _order, messages in fast_bad] == slow_bad
    assert len(fast_bad) > 50 and len(fast_good) > 5
    assert _orders_key(fast_good) == _orders_key(slow_good)


def test_files_the_column_reader_leaves_to_the_row_reader(tmp_path):
    cases = {
        "blank.csv": "external_id,name\nA,김\n\nB,이\n",
        "empty-row.csv": "external_id,name\nA,김\n,\nB,이\n",
        "multiline.csv": 'external_id,name\nA,"김\n민지"\nB,이\n',
        "ragged.csv": "external_id,name\nA,김,extra\nB\n",
        "nul.csv": "external_id,name\nA,김\x00\n",
        "unit-separator.csv": "external_id,name\nA,김\x1f\nB,이\n",  # str.strip() removes it, pyarrow does not
        "file-separator.csv": "external_id,name\nA,\x1c김\n",
        "lone-cr.csv": "external_id,name\r\nA,김\rB,이\r\n",  # an old Mac line end among CRLFs
        "cp949.csv": None,
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes("external_id,name\nA,김민지\n".encode("cp949"))
        else:
            path.write_text(text, encoding="utf-8")
        assert read_columns(path, filename=None, columns=customer_rows.COLUMNS) is None, name
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes("\ufeffexternal_id,name\r\nA, 김민지 \r\nB,이\r\n".encode())
    cols = read_columns(crlf, filename=None, columns=customer_rows.COLUMNS)
    assert cols is not None and cols.cells["name"].to_pylist() == ["김민지", "이"]


def test_fast_path_writes_what_the_row_path_writes(shop, tmp_path):
    """The same customers file, once read by columns (.csv) and once by rows (.txt via CP949), stores the same."""
    text = _customers_csv(random.Random(7), 300)
    before = Customer.objects.count()
    fast = tmp_path / "fast.csv"
    fast.write_text(text, encoding="utf-8")
    first = run_import(kind="customers", path=fast, on_error="skip")
    assert first.written and first.created > 50
    fields = [f for f in customer_rows.PROFILE_FIELDS if f != "joined_at"]  # empty → the time of the import
    stored = {
        c["external_id"]: c
        for c in Customer.objects.values(*fields, "external_id", "phone_last4", "consent_stage")
    }
    Customer.objects.filter(external_id__startswith="R").delete()
    slow = tmp_path / "slow.csv"
    slow.write_bytes(text.encode("cp949", errors="replace"))
    second = run_import(kind="customers", path=slow, on_error="skip")
    assert (second.created, [e.as_dict() for e in second.errors]) == (
        first.created,
        [e.as_dict() for e in first.errors],
    )
    again = {
        c["external_id"]: c
        for c in Customer.objects.values(*fields, "external_id", "phone_last4", "consent_stage")
    }
    assert again == stored and len(stored) == first.created + before


def _customer_state() -> dict:
    from dangol.customers.models import Consent, ConsentEvent

    mine = {"customer__external_id__startswith": "R"}
    fields = [f for f in customer_rows.PROFILE_FIELDS if f != "joined_at"]
    return {
        "customers": {
            c["external_id"]: c
            for c in Customer.objects.filter(external_id__startswith="R").values(
                *fields, "external_id", "phone_last4", "consent_stage", "status", "version"
            )
        },
        "consents": sorted(
            Consent.objects.filter(**mine).values_list(
                "customer__external_id", "purpose", "granted", "source"
            )
        ),
        "events": sorted(
            ConsentEvent.objects.filter(**mine).values_list(
                "customer__external_id", "purpose", "granted", "source"
            )
        ),
        "tags": sorted(
            Customer.tags.through.objects.filter(**mine).values_list("customer__external_id", "tag__name")
        ),
    }


def test_column_writer_upserts_like_the_row_writer(shop, tmp_path):
    """Import a messy file, then a second one that changes profiles, consents and tags of the same external
    ids and adds new ones: once through the column path (UTF-8) and once through the row path (CP949).
    Counts, errors and everything stored (profiles, consent stage, consents, their history, tags) agree."""
    texts = [_customers_csv(random.Random(seed), 300) for seed in (7, 8)]
    outcomes = {}
    for label, encoding in (("fast", "utf-8"), ("slow", "cp949")):
        Customer.objects.filter(external_id__startswith="R").delete()
        results = []
        for n, text in enumerate(texts):
            folder = tmp_path / f"{label}{n}"
            folder.mkdir()
            path = folder / "customers.csv"  # the same name: it is the consents' source
            path.write_bytes(text.encode(encoding, errors="replace"))
            result = run_import(kind="customers", path=path, on_error="skip")
            results.append(
                (result.created, result.updated, result.unchanged, [e.as_dict() for e in result.errors])
            )
        outcomes[label] = (results, _customer_state())
    fast, slow = outcomes["fast"], outcomes["slow"]
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    (_c1, updated, _u1, _e1) = fast[0][1]
    assert updated > 20 and fast[0][1][0] > 0  # the second file updates some and adds some
    assert len(fast[1]["events"]) > len(fast[1]["consents"])  # consents changed: history grew


def _order_state() -> dict:
    from dangol.orders.models import Order, OrderLine

    return {
        "orders": sorted(
            Order.objects.values_list(
                "external_id",
                "customer__external_id",
                "touchpoint_id",
                "ordered_at",
                "status",
                "total_amount",
                "refunded_amount",
            )
        ),
        "lines": sorted(
            OrderLine.objects.values_list(
                "order__external_id",
                "line_no",
                "product__sku",
                "product_name",
                "quantity",
                "unit_price",
                "amount",
            )
        ),
    }


def test_order_column_writer_upserts_like_the_row_writer(shop, tmp_path):
    from dangol.orders.models import Order

    (tmp_path / "c.csv").write_text(GOOD, encoding="utf-8")
    assert run_import(kind="customers", path=tmp_path / "c.csv").created == 3
    texts = [_orders_csv(random.Random(seed), 400) for seed in (4, 5)]
    outcomes = {}
    for label, tail in (("fast", ""), ("slow", "\n")):
        Order.objects.all().delete()
        results = []
        for n, text in enumerate(texts):
            path = tmp_path / f"{label}{n}.csv"
            path.write_text(text + tail, encoding="utf-8")  # a blank last line: read by the row reader
            assert (read_columns(path, filename=None, columns=order_rows.COLUMNS) is None) == bool(tail)
            result = run_import(kind="orders", path=path, on_error="skip")
            results.append(
                (result.created, result.updated, result.unchanged, [e.as_dict() for e in result.errors])
            )
        again = run_import(kind="orders", path=path, on_error="skip")
        results.append((again.created, again.updated, again.unchanged))
        outcomes[label] = (results, _order_state())
    assert outcomes["fast"] == outcomes["slow"]
    results = outcomes["fast"][0]
    assert results[1][1] > 5 and results[0][0] > 5  # the second file changes orders of the first
    assert results[2][:2] == (0, 0)  # importing the same file again changes nothing


def test_files_whose_every_row_needs_the_row_validator(shop, tmp_path):
    """No row passes the column checks (international phone numbers, amounts with 원): the column writer
    gets only row-validated rows and still writes them all."""
    customers = tmp_path / "c.csv"
    customers.write_text(
        "external_id,name,phone,consent_terms\nV1,김,+82 10 1111 2222,Y\nV2,이,+82 10 3333 4444,N\n",
        encoding="utf-8",
    )
    result = run_import(kind="customers", path=customers)
    assert result.written and result.created == 2, result.errors
    assert Customer.objects.get(external_id="V1").phone == "010-1111-2222"
    orders = tmp_path / "o.csv"
    orders.write_text(
        "order_id,customer_id,ordered_at,sku,amount\nV-1,V1,2024-06-01,P1,1000원\nV-1,V1,2024-06-01,P2,500원\n",
        encoding="utf-8",
    )
    result = run_import(kind="orders", path=orders)
    assert result.written and result.created == 1, result.errors
    from dangol.orders.models import Order

    order = Order.objects.get(external_id="V-1")
    assert order.total_amount == 1500 and order.lines.count() == 2
    assert run_import(kind="orders", path=orders).unchanged == 1


def test_arrow_list_gives_the_values_of_its_array_made_once():
    import datetime as dt

    import pyarrow as pa

    from dangol.imports.columnar import ArrowList

    days = [dt.date(2020, 1, 1), None, dt.date(1999, 12, 31), dt.date(1985, 6, 2)]
    values = ArrowList(pa.array(days, pa.date32()))
    assert len(values) == 4
    picked = values.take([3, 1])  # rows kept after the row validator took some: still not made
    assert isinstance(picked, ArrowList)
    values.append(dt.date(2001, 2, 3))  # a row the row validator accepted, appended before any read
    assert len(values) == 5
    assert values[0] == dt.date(2020, 1, 1)
    assert list(values) == [*days, dt.date(2001, 2, 3)]
    values.append(None)
    assert values[-1] is None and len(values) == 6
    assert list(picked) == [dt.date(1985, 6, 2), None]
    assert values.take([4, 0]) == [dt.date(2001, 2, 3), dt.date(2020, 1, 1)]
