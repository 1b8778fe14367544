"""The order column writer's shortcuts (issue 18): multi-row INSERTs, no key table when every order number
is new, order ids taken from their INSERT, and a bad row deep in a large file."""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from dangol.imports import fastsql
from dangol.imports import orders as order_rows
from dangol.imports.services import run_import
from dangol.orders.models import Order, OrderLine

CUSTOMERS = "external_id,name,phone\nW001,김민지,010-1111-2222\nW002,이준호,010-3333-4444\n"
HEADER = "order_id,customer_id,ordered_at,store,sku,product_name,quantity,amount\n"


def _customers(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(CUSTOMERS, encoding="utf-8")
    assert run_import(kind="customers", path=tmp_path / "c.csv").created == 2


def _line(order: str, n: int, amount: int, customer: str = "W001") -> str:
    return f"{order},{customer},2024-06-01 10:00,store-gangnam,SKU{n % 3},상품 {n % 3},1,{amount}\n"


def _orders(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _stored() -> dict[str, tuple[str, int, list[tuple[int, int]]]]:
    """{order number: (customer, total, [(line no, amount)])}, read back through the ORM."""
    out = {}
    for order in Order.objects.select_related("customer").prefetch_related("lines"):
        lines = sorted((ln.line_no, ln.amount) for ln in order.lines.all())
        out[order.external_id] = (order.customer.external_id, order.total_amount, lines)
    return out


def test_new_orders_between_and_after_stored_numbers_get_their_own_lines(shop, tmp_path):
    """Order numbers that interleave with stored ones take the key-table path; numbers beyond every stored
    one skip it (SQLite). Either way each line lands on its own order, and a re-run changes nothing."""
    _customers(tmp_path)
    first = [_line("N-0002", 1, 100), _line("N-0004", 2, 200, "W002"), _line("N-0004", 3, 300, "W002")]
    assert run_import(kind="orders", path=_orders(tmp_path, "a.csv", first)).created == 2
    between = [
        _line("N-0001", 4, 11, "W002"),
        _line("N-0003", 5, 22),
        _line("N-0003", 6, 33),
        _line("N-0005", 7, 44),
    ]
    result = run_import(kind="orders", path=_orders(tmp_path, "b.csv", between))
    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, [])
    assert not order_rows._none_stored(["N-0001", "N-0003", "N-0005"])  # N-0002 and N-0004 lie between
    beyond = [_line("Z-0001", 8, 5, "W002"), _line("Z-0001", 9, 6, "W002"), _line("Z-0002", 10, 7)]
    if connection.vendor == "sqlite":
        assert order_rows._none_stored(["Z-0001", "Z-0002"])
    result = run_import(kind="orders", path=_orders(tmp_path, "c.csv", beyond))
    assert (result.created, result.errors) == (2, [])
    assert _stored() == {
        "N-0001": ("W002", 11, [(1, 11)]),
        "N-0002": ("W001", 100, [(1, 100)]),
        "N-0003": ("W001", 55, [(1, 22), (2, 33)]),
        "N-0004": ("W002", 500, [(1, 200), (2, 300)]),
        "N-0005": ("W001", 44, [(1, 44)]),
        "Z-0001": ("W002", 11, [(1, 5), (2, 6)]),
        "Z-0002": ("W001", 7, [(1, 7)]),
    }
    again = run_import(kind="orders", path=tmp_path / "c.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_new_order_ids_are_looked_up_when_the_inserted_ids_are_not_one_run(shop, tmp_path):
    """_new_order_ids takes ids from the INSERT only when the rows above the last id are exactly the new
    ones; given a last id that does not fit, it reads them back by order number and still maps right."""
    _customers(tmp_path)
    rows = [_line(f"Q-{n:03d}", n, n) for n in range(1, 6)]
    assert run_import(kind="orders", path=_orders(tmp_path, "q.csv", rows)).created == 5
    exts = ["Q-005", "Q-003", "Q-001"]  # not in id order, and fewer than the rows above 0
    want = {pos: Order.objects.get(external_id=ext).pk for pos, ext in enumerate(exts)}
    last = 0 if connection.vendor == "sqlite" else None
    assert order_rows._new_order_ids([0, 1, 2], exts, None, last) == want
    top = Order.objects.order_by("-pk").values_list("pk", flat=True)
    if connection.vendor == "sqlite":  # the real case: the two highest ids, in insert order
        newest = list(
            Order.objects.filter(pk__gt=top[2]).order_by("pk").values_list("external_id", flat=True)
        )
        assert order_rows._new_order_ids([0, 1], newest, None, top[2]) == {0: top[1], 1: top[0]}
        # the first and last order numbers must match too: swapped, the ids are read back instead
        swapped = newest[::-1]
        got = order_rows._new_order_ids([0, 1], swapped, None, top[2])
        assert got == {0: top[0], 1: top[1]}


def test_multi_row_insert_writes_every_row_in_order_with_a_partial_last_statement(shop):
    """insert_columns with more rows than one statement holds and a remainder: every row, in list order
    (ids increase with the list), on both databases."""
    from dangol.orders.models import ProductCategory

    n = fastsql.MULTI_ROWS * 2 + 7
    codes = [f"mr-{i:04d}" for i in range(n)]
    assert (
        fastsql.insert_columns(ProductCategory, ("code", "name"), [codes, [f"분류 {c}" for c in codes]]) == n
    )
    stored = list(
        ProductCategory.objects.filter(code__startswith="mr-").order_by("pk").values_list("code", "name")
    )
    assert stored == [(c, f"분류 {c}") for c in codes]
    assert fastsql.insert_columns(ProductCategory, ("code", "name"), [[], []]) == 0


def test_a_bad_row_deep_in_a_large_file_is_reported_by_line_and_nothing_is_stored(shop, tmp_path):
    """20,000 lines, one impossible date at line 12,346 (a column-checked file: the bad order alone goes
    through the row validator). Abort: the Korean message names that line and no order or line is written.
    Skip: every other order is written, none of the bad order's lines."""
    _customers(tmp_path)
    rows = []
    for n in range(20_000):
        order = f"L-{n // 2:06d}"  # two lines per order
        rows.append(_line(order, n, 1000 + n))
    bad_index = 12_344  # line 12,346 of the file (header is line 1)
    rows[bad_index] = rows[bad_index].replace("2024-06-01 10:00", "2024-02-30 10:00")
    bad_order = f"L-{bad_index // 2:06d}"
    path = _orders(tmp_path, "big.csv", rows)
    before = (Order.objects.count(), OrderLine.objects.count())
    result = run_import(kind="orders", path=path)
    assert not result.written
    assert [(e.line, e.column) for e in result.errors] == [(12_346, "ordered_at")]
    assert (
        result.errors[0].message
        == "날짜/시각 형식이 올바르지 않습니다: '2024-02-30 10:00' (예: 2024-03-05 14:30)"
    )
    assert "오류가 있는 행이 1개 있어 파일 전체를 가져오지 않았습니다" in result.message
    assert (Order.objects.count(), OrderLine.objects.count()) == before
    result = run_import(kind="orders", path=path, on_error="skip")
    assert result.written and result.created == 9_999
    assert not Order.objects.filter(external_id=bad_order).exists()
    assert OrderLine.objects.count() - before[1] == 19_998
    last = Order.objects.get(external_id="L-009999")
    assert sorted(last.lines.values_list("line_no", "amount")) == [(1, 1000 + 19_998), (2, 1000 + 19_999)]


def test_interleaved_column_checked_and_row_validated_orders_keep_their_lines_and_new_products(
    shop, tmp_path
):
    """Lines of one order spread over the file, and orders that need the row validator (amounts with 원)
    between column-checked ones, with skus new to the catalogue. Every line lands on its own order with its
    line number and product; a new sku's product is made from the first line that names it (the
    column-checked orders' lines first, then the row-validated ones). A second file that changes one
    row-validated order rewrites that order alone."""
    from dangol.orders.models import Product

    _customers(tmp_path)
    header = "order_id,customer_id,ordered_at,sku,product_name,category,quantity,unit_price,amount\n"
    rows = [
        "M-1,W001,2024-06-01 10:00,NEW1,새 상품 가,분류 가,1,1000,1000\n",  # line 2
        "M-9,W002,2024-06-02 11:00,NEW2,줄 검증 이름,분류 나,1,2000,2000원\n",  # row validator
        "M-2,W002,2024-06-03 12:00,NEW2,열 검증 이름,분류 다,1,3000,3000\n",
        "M-1,W001,2024-06-01 10:00,NEW3,새 상품 다,분류 가,2,1500,3000\n",  # M-1's second line
        "M-9,W002,2024-06-02 11:00,NEW1,다른 이름,분류 라,1,500,500원\n",
    ]
    path = tmp_path / "mixed.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    result = run_import(kind="orders", path=path)
    assert (result.created, result.updated, result.errors) == (3, 0, [])
    products = {
        p.sku: (p.name, p.category.name, p.price) for p in Product.objects.filter(sku__startswith="NEW")
    }
    assert products == {
        "NEW1": ("새 상품 가", "분류 가", 1000),
        "NEW2": ("열 검증 이름", "분류 다", 3000),
        "NEW3": ("새 상품 다", "분류 가", 1500),
    }

    def lines() -> dict[str, list[tuple[int, str | None, str, int]]]:
        out: dict[str, list[tuple[int, str | None, str, int]]] = {}
        for ln in OrderLine.objects.filter(order__external_id__startswith="M-").select_related(
            "order", "product"
        ):
            sku = ln.product.sku if ln.product else None
            out.setdefault(ln.order.external_id, []).append((ln.line_no, sku, ln.product_name, ln.amount))
        return {k: sorted(v) for k, v in out.items()}

    assert lines() == {
        "M-1": [(1, "NEW1", "새 상품 가", 1000), (2, "NEW3", "새 상품 다", 3000)],
        "M-2": [(1, "NEW2", "열 검증 이름", 3000)],
        "M-9": [(1, "NEW2", "줄 검증 이름", 2000), (2, "NEW1", "다른 이름", 500)],
    }
    assert dict(
        Order.objects.filter(external_id__startswith="M-").values_list("external_id", "total_amount")
    ) == {
        "M-1": 4000,
        "M-2": 3000,
        "M-9": 2500,
    }
    rows[4] = rows[4].replace(",500,500원", ",700,700원")
    path.write_text(header + "".join(rows), encoding="utf-8")
    result = run_import(kind="orders", path=path)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 1, 2, [])
    assert lines()["M-9"] == [(1, "NEW2", "줄 검증 이름", 2000), (2, "NEW1", "다른 이름", 700)]
    assert Order.objects.get(external_id="M-9").total_amount == 2700
    assert lines()["M-1"] == [(1, "NEW1", "새 상품 가", 1000), (2, "NEW3", "새 상품 다", 3000)]


def test_a_re_run_compares_order_times_by_value_not_by_how_they_are_stored(shop, tmp_path):
    """A stored order time written in another spelling of the same instant (SQLite keeps text) is
    unchanged on a re-run; a stored time that differs is rewritten to the file's."""
    _customers(tmp_path)
    path = _orders(tmp_path, "t.csv", [_line("T-1", 1, 100), _line("T-2", 2, 200), _line("T-3", 3, 300)])
    assert run_import(kind="orders", path=path).created == 3
    if connection.vendor == "sqlite":  # 2024-06-01 10:00 in Seoul is 01:00 UTC, stored as ISO text here
        respelled = "UPDATE orders_order SET ordered_at = '2024-06-01T01:00:00' WHERE external_id = 'T-1'"
        fastsql.execute(respelled)
        stored = "SELECT CAST(ordered_at AS TEXT) FROM orders_order WHERE external_id = 'T-1'"
        assert fastsql.fetch(stored) == [("2024-06-01T01:00:00",)]
    moved = Order.objects.get(external_id="T-2")
    Order.objects.filter(pk=moved.pk).update(ordered_at=moved.ordered_at.replace(hour=5))
    result = run_import(kind="orders", path=path)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Order.objects.get(external_id="T-2").ordered_at == moved.ordered_at
