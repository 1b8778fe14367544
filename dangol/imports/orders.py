"""Order rows (one row per order line): validation and upsert by order number."""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.utils import dateparse, timezone

from dangol.common.keys import key_in
from dangol.customers.models import Customer
from dangol.imports import columnar as colcheck
from dangol.imports import fastsql
from dangol.imports.customers import RowErrors
from dangol.imports.fastsql import converters, ids_by_key, insert_rows
from dangol.imports.readers import parse_amount, parse_datetime
from dangol.interactions.models import Touchpoint
from dangol.orders.models import Order, OrderLine, Product, ProductCategory
from dangol.orders.services import orders_rewritten

COLUMNS = {
    "order_id": "order_id",
    "주문번호": "order_id",
    "customer_id": "customer_id",
    "고객번호": "customer_id",
    "external_id": "customer_id",
    "ordered_at": "ordered_at",
    "주문일시": "ordered_at",
    "주문일": "ordered_at",
    "store": "store",
    "매장": "store",
    "접점": "store",
    "channel": "store",
    "sku": "sku",
    "상품코드": "sku",
    "product_name": "product_name",
    "상품명": "product_name",
    "category": "category",
    "분류": "category",
    "카테고리": "category",
    "quantity": "quantity",
    "수량": "quantity",
    "unit_price": "unit_price",
    "단가": "unit_price",
    "amount": "amount",
    "금액": "amount",
    "refunded_amount": "refunded_amount",
    "환불금액": "refunded_amount",
}
REQUIRED = ("order_id", "customer_id", "ordered_at", "amount")


@dataclass
class CleanLine:
    line: int
    sku: str
    product_name: str
    category: str
    quantity: int
    unit_price: int
    amount: int


@dataclass
class CleanOrder:
    line: int
    external_id: str
    customer_id: int
    touchpoint_id: int | None
    ordered_at: dt.datetime
    refunded_amount: int
    lines: list[CleanLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


class OrderRowValidator:
    def __init__(self) -> None:
        self.stores = {t.code: t.pk for t in Touchpoint.objects.all()}
        self.stores.update({t.name: t.pk for t in Touchpoint.objects.all()})
        self.customers: dict[str, int] = {}
        self.orders: dict[str, CleanOrder] = {}
        self.now = timezone.now()

    def prefetch_customers(self, external_ids: set[str]) -> None:
        missing = list(external_ids - self.customers.keys())
        self.customers.update(ids_by_key(Customer, "external_id", missing))

    def clean(self, line: int, raw: dict[str, str]) -> CleanOrder | None:
        """Validate a line; returns the order when this line starts a new one, else None."""
        errors: list[tuple[str, str]] = []
        order_id = raw.get("order_id", "").strip()
        customer_ext = raw.get("customer_id", "").strip()
        if not order_id:
            errors.append(("order_id", "주문번호(order_id)가 비어 있습니다."))
        customer_pk = self.customers.get(customer_ext)
        if not customer_ext:
            errors.append(("customer_id", "고객번호(customer_id)가 비어 있습니다."))
        elif customer_pk is None:
            errors.append(
                ("customer_id", f"등록되지 않은 고객번호입니다: '{customer_ext}' (고객을 먼저 가져오세요)")
            )
        ordered_at: dt.datetime | None = None
        try:
            ordered_at = parse_datetime(raw.get("ordered_at", ""))
            if ordered_at > self.now + dt.timedelta(days=1):
                errors.append(("ordered_at", f"주문일시가 미래입니다: '{raw['ordered_at']}'"))
        except ValueError as exc:
            errors.append(("ordered_at", str(exc)))
        store = raw.get("store", "").strip()
        touchpoint_id = None
        if store:
            touchpoint_id = self.stores.get(store)
            if touchpoint_id is None:
                errors.append(("store", f"등록되지 않은 매장/접점입니다: '{store}'"))
        quantity = 1
        if raw.get("quantity", "").strip():
            try:
                quantity = parse_amount(raw["quantity"], column="수량(quantity)")
                if quantity == 0:
                    errors.append(("quantity", "수량은 1 이상이어야 합니다."))
            except ValueError as exc:
                errors.append(("quantity", str(exc)))
        amount = unit_price = refunded = 0
        try:
            amount = parse_amount(raw.get("amount", ""), column="금액(amount)")
        except ValueError as exc:
            errors.append(("amount", str(exc)))
        if raw.get("unit_price", "").strip():
            try:
                unit_price = parse_amount(raw["unit_price"], column="단가(unit_price)")
            except ValueError as exc:
                errors.append(("unit_price", str(exc)))
        else:
            unit_price = amount // quantity if quantity else amount
        if raw.get("refunded_amount", "").strip():
            try:
                refunded = parse_amount(raw["refunded_amount"], column="환불금액(refunded_amount)")
            except ValueError as exc:
                errors.append(("refunded_amount", str(exc)))
        sku = raw.get("sku", "").strip()[:40]
        name = raw.get("product_name", "").strip()[:200] or sku
        if not name:
            errors.append(("product_name", "상품명(product_name) 또는 상품코드(sku)가 필요합니다."))
        order = self.orders.get(order_id)
        if order is not None and not errors:
            if order.customer_id != customer_pk:
                errors.append(("customer_id", f"주문 '{order_id}'의 고객번호가 {order.line}행과 다릅니다."))
            elif order.ordered_at != ordered_at:
                errors.append(("ordered_at", f"주문 '{order_id}'의 주문일시가 {order.line}행과 다릅니다."))
        if errors:
            raise RowErrors(errors)
        assert ordered_at is not None and customer_pk is not None
        clean_line = CleanLine(
            line, sku, name, raw.get("category", "").strip()[:100], quantity, unit_price, amount
        )
        if order is not None:
            order.lines.append(clean_line)
            order.refunded_amount += refunded
            return None
        order = CleanOrder(line, order_id, customer_pk, touchpoint_id, ordered_at, refunded, [clean_line])
        self.orders[order_id] = order
        return order


@dataclass
class FastLines:
    """The order lines whose every cell passed the column checks (whole orders only), as Arrow arrays in
    file order; customer and touchpoint are primary keys, ordered_at UTC timestamps."""

    lines: Any
    order_ids: Any
    customer: Any
    touchpoint: Any
    ordered_at: Any
    sku: Any
    product_name: Any
    category: Any
    quantity: Any
    unit_price: Any
    amount: Any
    refunded: Any


def check_columns(
    cols: colcheck.Columns, validator: OrderRowValidator
) -> tuple[FastLines, list[CleanOrder], list[tuple[int, str, list[tuple[str, str]]]]]:
    """Validate a whole file given as columns: (the lines that passed the column checks, the orders of the
    other lines that the row validator accepted, in order of their first line, and
    [(line, order id, [(column, message)])]).

    Cells are checked column-wise; an order whose every line is in a form checked here (and agrees on
    customer and time) is built from the columns, every line of any other order goes through
    `validator.clean` in file order, which writes the Korean messages exactly as for a row-read file.
    """
    n = cols.rows
    empty_col = pa.array([""] * n, pa.string())

    def column(key: str) -> pa.Array:
        col = cols.get(key)
        return empty_col if col is None else col

    ok = colcheck.true_mask(n)

    def both(mask: Any) -> None:
        nonlocal ok
        ok = pc.and_(ok, mask)

    order_ids = column("order_id")
    both(pc.greater(pc.utf8_length(order_ids), 0))
    customer_col = column("customer_id")
    validator.prefetch_customers(set(pc.unique(customer_col).to_pylist()) - {""})
    both(pc.is_in(customer_col, value_set=pa.array(list(validator.customers), pa.string())))
    ordered_col = column("ordered_at")
    good, stamps = colcheck.seoul_datetimes(ordered_col, latest=validator.now + dt.timedelta(days=1))
    both(pc.and_(good, pc.greater(pc.utf8_length(ordered_col), 0)))
    store_col = column("store")
    stores = {v: validator.stores.get(v) for v in pc.unique(store_col).to_pylist()}
    known = [v for v, pk in stores.items() if pk is not None or not v]
    both(pc.is_in(store_col, value_set=pa.array(known, pa.string())))
    quantity_col = column("quantity")
    q_ok, quantity = colcheck.plain_amounts(quantity_col)
    q_empty = colcheck.is_empty(quantity_col)
    both(pc.or_(q_empty, pc.and_(q_ok, pc.greater(quantity, 0))))
    quantity = pc.if_else(q_empty, 1, quantity)
    a_ok, amount = colcheck.plain_amounts(column("amount"))
    both(a_ok)
    price_col = column("unit_price")
    p_ok, price = colcheck.plain_amounts(price_col)
    p_empty = colcheck.is_empty(price_col)
    both(pc.or_(p_empty, p_ok))
    safe_quantity = pc.if_else(pc.greater(quantity, 0), quantity, 1)
    price = pc.if_else(p_empty, pc.divide(amount, pc.cast(safe_quantity, pa.int64())), price)
    refund_col = column("refunded_amount")
    r_ok, refunded = colcheck.plain_amounts(refund_col)
    r_empty = colcheck.is_empty(refund_col)
    both(pc.or_(r_empty, r_ok))
    refunded = pc.if_else(r_empty, 0, refunded)
    sku_col, name_col, category_col = column("sku"), column("product_name"), column("category")
    both(colcheck.length_at_most(sku_col, 40))
    both(colcheck.length_at_most(name_col, 200))
    both(colcheck.length_at_most(category_col, 100))
    both(pc.or_(pc.greater(pc.utf8_length(name_col), 0), pc.greater(pc.utf8_length(sku_col), 0)))
    # An order is built from the columns only if all its lines pass and agree on customer and time.
    table = pa.table({"order": order_ids, "ok": ok, "customer": customer_col, "at": stamps})
    grouped = table.group_by("order").aggregate(
        [("ok", "all"), ("customer", "count_distinct"), ("at", "count_distinct")]
    )
    bad = grouped.filter(
        pc.or_(
            pc.invert(grouped.column("ok_all")),
            pc.or_(
                pc.greater(grouped.column("customer_count_distinct"), 1),
                pc.greater(grouped.column("at_count_distinct"), 1),
            ),
        )
    ).column("order")
    fast_mask = pc.and_(ok, pc.invert(pc.is_in(order_ids, value_set=bad))) if len(bad) else ok
    keep = pc.indices_nonzero(fast_mask)
    ext_keys = pa.array(list(validator.customers), pa.string())
    ext_pks = pa.array(list(validator.customers.values()), pa.int64())
    store_keys = pa.array([v for v, pk in stores.items() if pk is not None], pa.string())
    store_pks = pa.array([pk for pk in stores.values() if pk is not None], pa.int64())
    names = name_col.take(keep)
    skus = sku_col.take(keep)
    fast = FastLines(
        lines=pc.add(keep, 2),
        order_ids=order_ids.take(keep),
        customer=ext_pks.take(pc.index_in(customer_col.take(keep), value_set=ext_keys)),
        touchpoint=store_pks.take(pc.index_in(store_col.take(keep), value_set=store_keys)),
        ordered_at=stamps.take(keep),
        sku=skus,
        product_name=pc.if_else(pc.greater(pc.utf8_length(names), 0), names, skus),
        category=category_col.take(keep),
        quantity=quantity.take(keep),
        unit_price=price.take(keep),
        amount=amount.take(keep),
        refunded=refunded.take(keep),
    )
    slow_rows = pc.indices_nonzero(pc.invert(fast_mask)).to_pylist()
    raw_lists = {k: v.to_pylist() for k, v in cols.cells.items()} if slow_rows else {}
    out: list[CleanOrder] = []
    errors: list[tuple[int, str, list[tuple[str, str]]]] = []
    for i in slow_rows:
        line = i + 2
        raw = {k: v[i] for k, v in raw_lists.items()}
        try:
            slow = validator.clean(line, raw)
            if slow is not None:
                out.append(slow)
        except RowErrors as exc:
            errors.append((line, raw.get("order_id", ""), exc.messages))
    return fast, out, errors


def clean_columns(
    cols: colcheck.Columns, validator: OrderRowValidator
) -> tuple[list[CleanOrder], list[tuple[int, str, list[tuple[str, str]]]]]:
    """check_columns with the column-checked lines made into CleanOrder objects too (orders in order of
    their first line), as the row validator gives them; for comparing both paths."""
    fast, slow, errors = check_columns(cols, validator)
    orders: dict[str, CleanOrder] = {}
    columns = [
        fast.lines,
        fast.order_ids,
        fast.customer,
        fast.touchpoint,
        fast.ordered_at,
        fast.sku,
        fast.product_name,
        fast.category,
        fast.quantity,
        fast.unit_price,
        fast.amount,
        fast.refunded,
    ]
    for line, ext, customer, touchpoint, at, sku, name, category, qty, price, amount, refund in zip(
        *(c.to_pylist() for c in columns), strict=True
    ):
        clean_line = CleanLine(line, sku, name, category, qty, price, amount)
        order = orders.get(ext)
        if order is None:
            orders[ext] = CleanOrder(line, ext, customer, touchpoint, at, refund, [clean_line])
        else:
            order.lines.append(clean_line)
            order.refunded_amount += refund
    return sorted([*orders.values(), *slow], key=lambda o: o.line), errors


def _status(total: int, refunded: int) -> str:
    if refunded <= 0:
        return Order.Status.PAID
    return Order.Status.REFUNDED if refunded >= total else Order.Status.PARTIALLY_REFUNDED


class Catalogue:
    """Products and categories met in a file, created on first sight."""

    def __init__(self) -> None:
        self.categories = dict(ProductCategory.objects.values_list("name", "id"))
        self.products = dict(Product.objects.values_list("sku", "id"))

    def product_id(self, line: CleanLine) -> int | None:
        if not line.sku:
            return None
        if line.sku not in self.products:
            cat_name = line.category or "미분류"
            if cat_name not in self.categories:
                code = f"c{len(self.categories) + 1}-{abs(hash(cat_name)) % 10**8}"
                self.categories[cat_name] = ProductCategory.objects.create(code=code, name=cat_name).pk
            self.products[line.sku] = Product.objects.create(
                sku=line.sku,
                name=line.product_name,
                category_id=self.categories[cat_name],
                price=line.unit_price,
            ).pk
        return self.products[line.sku]


def write_orders(
    batch: list[CleanOrder],
    *,
    counts: dict[str, int],
    catalogue: Catalogue,
    progress: Callable[[int], None] | None = None,
) -> None:
    existing = {
        o["external_id"]: o
        for o in key_in(Order.objects.all(), "external_id", [o.external_id for o in batch]).values(
            "id",
            "external_id",
            "customer_id",
            "touchpoint_id",
            "ordered_at",
            "total_amount",
            "refunded_amount",
        )
    }
    old_lines: dict[int, list[tuple[Any, ...]]] = {}
    if existing:
        for row in (
            key_in(OrderLine.objects.all(), "order_id", [o["id"] for o in existing.values()])
            .values_list("order_id", "product_name", "quantity", "unit_price", "amount")
            .order_by("order_id", "line_no")
        ):
            old_lines.setdefault(row[0], []).append(row[1:])
    create: list[CleanOrder] = []
    replace: list[Order] = []
    rewritten: set[int] = set()  # owners, before and after, of existing orders this batch rewrites
    for order in batch:
        old: dict[str, Any] | None = existing.get(order.external_id)  # type: ignore[assignment]
        if old is None:
            create.append(order)
            continue
        refunded = min(order.refunded_amount, order.total)
        fields = {
            "customer_id": order.customer_id,
            "touchpoint_id": order.touchpoint_id,
            "ordered_at": order.ordered_at,
            "total_amount": order.total,
            "refunded_amount": refunded,
        }
        same_lines = old_lines.get(old["id"], []) == [
            (ln.product_name, ln.quantity, ln.unit_price, ln.amount) for ln in order.lines
        ]
        if same_lines and all(old[k] == v for k, v in fields.items()):
            counts["unchanged"] += 1
        else:
            rewritten.update((old["customer_id"], order.customer_id))
            replace.append(
                Order(
                    id=old["id"],
                    external_id=order.external_id,
                    status=_status(order.total, refunded),
                    **fields,
                )
            )
    ids: dict[str, int] = {}
    to_db = converters()[0]
    if create:
        insert_rows(
            Order,
            (
                "external_id",
                "customer_id",
                "touchpoint_id",
                "ordered_at",
                "status",
                "total_amount",
                "refunded_amount",
            ),
            [
                (
                    o.external_id,
                    o.customer_id,
                    o.touchpoint_id,
                    to_db(o.ordered_at),
                    _status(total, min(o.refunded_amount, total)),
                    total,
                    min(o.refunded_amount, total),
                )
                for o in create
                for total in (o.total,)
            ],
        )
        counts["created"] += len(create)
        ids.update(ids_by_key(Order, "external_id", [o.external_id for o in create]))
    if replace:
        Order.objects.bulk_update(
            replace,
            ["customer_id", "touchpoint_id", "ordered_at", "total_amount", "refunded_amount", "status"],
            batch_size=500,
        )
        OrderLine.objects.filter(order_id__in=[o.id for o in replace]).delete()
        counts["updated"] += len(replace)
        orders_rewritten(customer_ids=rewritten)
        ids.update({o.external_id: o.id for o in replace})
    if ids:
        by_ext = {o.external_id: o for o in batch}
        insert_rows(
            OrderLine,
            ("order_id", "line_no", "product_id", "product_name", "quantity", "unit_price", "amount"),
            (
                (pk, n, catalogue.product_id(ln), ln.product_name, ln.quantity, ln.unit_price, ln.amount)
                for ext, pk in ids.items()
                for n, ln in enumerate(by_ext[ext].lines, start=1)
            ),
        )
    if progress:
        progress(sum(len(o.lines) for o in batch))


_ORDER_COLUMNS = (
    "external_id",
    "customer_id",
    "touchpoint_id",
    "ordered_at",
    "status",
    "total_amount",
    "refunded_amount",
)
_LINE_COLUMNS = ("order_id", "line_no", "product_id", "product_name", "quantity", "unit_price", "amount")


def write_order_columns(
    fast: FastLines,
    slow: list[CleanOrder],
    *,
    counts: dict[str, int],
    catalogue: Catalogue,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Upsert whole orders straight from the column arrays (and the few row-validated orders in `slow`):
    no object per line, one key lookup for all orders by a join against a temporary table, the INSERT
    parameters zipped from the columns. Same outcome as write_orders; runs inside the caller's transaction."""
    sqlite = connection.vendor == "sqlite"
    encoded = pc.dictionary_encode(fast.order_ids)  # codes in order of first appearance
    codes = np.asarray(encoded.indices, dtype=np.int64)
    exts: list[str] = encoded.dictionary.to_pylist()
    k, n = len(exts), len(codes)
    per_order = np.bincount(codes, minlength=k)
    order = np.argsort(codes, kind="stable")  # lines grouped by order, file order inside each
    starts = np.cumsum(per_order) - per_order
    sorted_codes = codes[order]
    line_no = np.arange(1, n + 1) - starts[sorted_codes]
    amount = np.asarray(fast.amount, dtype=np.int64)[order]
    total = np.add.reduceat(amount, starts) if n else np.zeros(0, np.int64)
    refund_sum = np.add.reduceat(np.asarray(fast.refunded, dtype=np.int64)[order], starts) if n else total
    refunded = np.minimum(refund_sum, total)
    first = pa.array(order[starts]) if n else pa.array([], pa.int64())
    at = fast.ordered_at.take(first)
    # per-order columns (fast orders, then the row-validated ones) as Arrow arrays, and per-line ones (fast
    # lines grouped by order, then the row-validated orders' lines): each INSERT takes its rows from them
    # in one gather per column, and Python lists are made only for the rows written (issue 18's profile:
    # gathering Python lists by position cost about 2 s of CPU for 500,000 lines)
    to_db = converters()[0]
    slow_lines = [
        (pos, no, ln) for pos, o in enumerate(slow, start=k) for no, ln in enumerate(o.lines, start=1)
    ]
    exts += [o.external_id for o in slow]
    customer = np.concatenate(
        [
            np.asarray(fast.customer.take(first), dtype=np.int64),
            np.array([o.customer_id for o in slow], np.int64),
        ]
    )
    touchpoint = _with_rows(fast.touchpoint.take(first), [o.touchpoint_id for o in slow])
    if sqlite:
        at_param = _with_rows(
            pc.cast(pc.cast(at, pa.timestamp("s")), pa.string()), [to_db(o.ordered_at) for o in slow]
        )
    else:
        at_param = _with_rows(pc.cast(at, pa.timestamp("us", tz="UTC")), [o.ordered_at for o in slow])
    totals = np.concatenate([total, np.array([o.total for o in slow], dtype=np.int64)])
    refunds = np.concatenate(
        [refunded, np.array([min(o.refunded_amount, o.total) for o in slow], dtype=np.int64)]
    )
    statuses = _statuses(totals, refunds)
    taken = pa.array(order)
    line_pos = np.concatenate([sorted_codes, np.array([p for p, _no, _ln in slow_lines], dtype=np.int64)])
    line_nos = np.concatenate([line_no, np.array([no for _p, no, _ln in slow_lines], dtype=np.int64)])
    skus, names, categories, quantities, prices = (
        _with_rows(col.take(taken), [getattr(ln, attr) for _p, _no, ln in slow_lines])
        for col, attr in (
            (fast.sku, "sku"),
            (fast.product_name, "product_name"),
            (fast.category, "category"),
            (fast.quantity, "quantity"),
            (fast.unit_price, "unit_price"),
        )
    )
    amounts = np.concatenate([amount, np.array([ln.amount for _p, _no, ln in slow_lines], dtype=np.int64)])
    with contextlib.ExitStack() as stack:
        keys: str | None = None
        existing: list[tuple[Any, ...]] = []
        if not _none_stored(exts):  # else no temporary key table and no join: every order is new
            keys = stack.enter_context(
                fastsql.temp_table(
                    "dangol_import_orders", (("pos", "INTEGER PRIMARY KEY"), ("ext", "TEXT")), enumerate(exts)
                )
            )
            # SQLite: the stored time as its text, compared with the text this import would write; only a
            # differing text is parsed (as Django's converter would), not 300,000 datetimes of a re-run
            stored_at = "CAST(o.ordered_at AS TEXT)" if sqlite else "o.ordered_at"
            existing = fastsql.fetch(
                f"SELECT t.pos, o.id, o.customer_id, o.touchpoint_id, {stored_at}, o.total_amount, "  # noqa: S608
                f"o.refunded_amount FROM {keys} t JOIN {Order._meta.db_table} o ON o.external_id = t.ext"
            )
        write = np.ones(len(exts), dtype=bool)  # orders whose lines are (re)written: new and changed ones
        changed: list[tuple[int, int]] = []  # (pos, order id)
        rewritten: set[int] = set()  # their owners, before and after
        if existing:
            at_cmp = at_param.to_pylist() if sqlite else [*at.to_pylist(), *(o.ordered_at for o in slow)]
            assert keys is not None
            old_lines = _old_lines(keys)
            # the file's lines of those orders, as (pos, name, quantity, price, amount) in (pos, line_no)
            # order like the stored ones: a re-run whose lines are all unchanged is one list comparison in C
            stored = np.zeros(len(exts), dtype=bool)
            stored[np.array([pos for pos, *_rest in existing], dtype=np.int64)] = True
            mine = np.flatnonzero(stored[line_pos])
            mine = mine[np.lexsort((line_nos[mine], line_pos[mine]))]
            picked = pa.array(mine, pa.int64())
            wanted = list(
                zip(
                    line_pos[mine].tolist(),
                    names.take(picked).to_pylist(),
                    quantities.take(picked).to_pylist(),
                    prices.take(picked).to_pylist(),
                    amounts[mine].tolist(),
                    strict=True,
                )
            )
            differ = set() if old_lines == wanted else _orders_whose_lines_differ(old_lines, wanted)
            customers, touchpoints = customer.tolist(), touchpoint.to_pylist()
            totals_list, refunds_list = totals.tolist(), refunds.tolist()
            for pos, oid, *old in existing:
                new = [customers[pos], touchpoints[pos], at_cmp[pos], totals_list[pos], refunds_list[pos]]
                if sqlite and old[2] != new[2]:  # another spelling of the same time, or another time
                    old[2], new[2] = dateparse.parse_datetime(old[2]), dateparse.parse_datetime(new[2])
                if old == new and pos not in differ:
                    write[pos] = False
                    counts["unchanged"] += 1
                else:
                    changed.append((pos, oid))
                    rewritten.update((old[0], customers[pos]))
        known = {pos for pos, *_rest in existing}
        created = _by_customer([pos for pos in range(len(exts)) if pos not in known], customer)
        last_id = _last_order_id() if created else None
        if created:
            new_orders = pa.array(created, pa.int64())
            fastsql.insert_columns(
                Order,
                _ORDER_COLUMNS,
                [
                    _take(exts, created),
                    customer[created].tolist(),
                    touchpoint.take(new_orders).to_pylist(),
                    at_param.take(new_orders).to_pylist(),
                    statuses.take(new_orders).to_pylist(),
                    totals[created].tolist(),
                    refunds[created].tolist(),
                ],
            )
            counts["created"] += len(created)
        if changed:
            table = connection.ops.quote_name(Order._meta.db_table)
            rows = np.array([p for p, _oid in changed], dtype=np.int64)
            fastsql.execute_many(
                f"UPDATE {table} SET customer_id = %s, touchpoint_id = %s, ordered_at = %s, "  # noqa: S608
                "total_amount = %s, refunded_amount = %s, status = %s WHERE id = %s",
                list(
                    zip(
                        customer[rows].tolist(),
                        touchpoint.take(rows).to_pylist(),
                        at_param.take(rows).to_pylist(),
                        totals[rows].tolist(),
                        refunds[rows].tolist(),
                        statuses.take(rows).to_pylist(),
                        [oid for _p, oid in changed],
                        strict=True,
                    )
                ),
            )
            ids = [oid for _p, oid in changed]
            for start in range(0, len(ids), 900):
                OrderLine.objects.filter(order_id__in=ids[start : start + 900]).delete()
            counts["updated"] += len(changed)
            orders_rewritten(customer_ids=rewritten)
        order_pk = _new_order_ids(created, exts, keys, last_id) if created else {}
        order_pk.update(changed)
    if created or changed:
        chosen = np.flatnonzero(write[line_pos]) if existing else np.arange(len(line_pos), dtype=np.int64)
        product_keys, product_ids = _product_ids(catalogue, skus, names, categories, prices, chosen)
        # the lines go in by their order's place in `created` (new orders), then the rewritten ones, each
        # order's lines in file order: the (order, line_no) index and the order id FK lookups then append
        rank = np.full(len(exts), len(exts), dtype=np.int64)
        rank[np.asarray(created, dtype=np.int64)] = np.arange(len(created), dtype=np.int64)
        put = chosen[np.argsort(rank[line_pos[chosen]], kind="stable")]
        put_rows = pa.array(put, pa.int64())
        pk = np.zeros(len(exts), dtype=np.int64)
        pk[np.fromiter(order_pk.keys(), np.int64, len(order_pk))] = np.fromiter(
            order_pk.values(), np.int64, len(order_pk)
        )
        fastsql.insert_columns(
            OrderLine,
            _LINE_COLUMNS,
            [
                pk[line_pos[put]].tolist(),
                line_nos[put].tolist(),
                product_ids.take(pc.index_in(skus.take(put_rows), value_set=product_keys)).to_pylist(),
                names.take(put_rows).to_pylist(),
                quantities.take(put_rows).to_pylist(),
                prices.take(put_rows).to_pylist(),
                amounts[put].tolist(),
            ],
        )
    if progress:
        progress(len(line_pos))


def _with_rows(fast: Any, extra: list[Any]) -> Any:
    """The Arrow array `fast` followed by the row-validated orders' values `extra`, as one array."""
    return pa.concat_arrays([fast, pa.array(extra, fast.type)]) if extra else fast


def _by_customer(created: list[int], customer: Any) -> list[int]:
    """The new orders' positions ordered by customer (stable: file order within a customer). Inserted in
    this order, the orders' (customer, ordered_at) index and the customer FK lookups move forward through
    the customers instead of jumping at random (measured: about 20% less CPU for 312,592 orders into the
    1M base); ids are then given in this order (see _new_order_ids)."""
    if len(created) < 2:
        return created
    positions = np.asarray(created, dtype=np.int64)
    keys = np.asarray(customer, dtype=np.int64)[positions]
    return positions[np.argsort(keys, kind="stable")].tolist()  # type: ignore[no-any-return]


def _take(col: list[Any], positions: list[int]) -> list[Any] | tuple[Any, ...]:
    """col's values at `positions`, gathered in C."""
    if len(positions) < 2:
        return [col[p] for p in positions]
    return operator.itemgetter(*positions)(col)  # type: ignore[no-any-return]


def _statuses(totals: Any, refunds: Any) -> Any:
    """_status of every (total, refunded) pair, column-wise, as an Arrow array."""
    total = np.asarray(totals, dtype=np.int64)
    refunded = np.asarray(refunds, dtype=np.int64)
    labels = pa.array(
        [Order.Status.PAID.value, Order.Status.REFUNDED.value, Order.Status.PARTIALLY_REFUNDED.value],
        pa.string(),
    )
    return labels.take(pa.array(np.where(refunded <= 0, 0, np.where(refunded >= total, 1, 2)), pa.int64()))


def _none_stored(exts: list[str]) -> bool:
    """True when no stored order number lies between the file's lowest and highest (SQLite only: its
    text order is that of Python's str, code points; one probe of the unique index). A file of new
    orders then needs no temporary key table and no join to find which exist."""
    if connection.vendor != "sqlite" or not exts:
        return False
    table = connection.ops.quote_name(Order._meta.db_table)
    probe = f"SELECT 1 FROM {table} WHERE external_id BETWEEN %s AND %s LIMIT 1"  # noqa: S608
    return not fastsql.fetch(probe, [min(exts), max(exts)])


def _last_order_id() -> int | None:
    """The highest order id before this import's INSERT (SQLite only, see _new_order_ids)."""
    if connection.vendor != "sqlite":
        return None
    table = connection.ops.quote_name(Order._meta.db_table)
    return int(fastsql.fetch(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0])  # noqa: S608


def _new_order_ids(
    created: list[int], exts: list[str], keys: str | None, last_id: int | None
) -> dict[int, int]:
    """{position in the file: id} of the orders just inserted (in `created` order).

    On SQLite the import holds the write lock and one INSERT gives its rows increasing ids in order, so when
    the rows above `last_id` are exactly as many as `created`, with no gap, and the first and last carry
    the first and last order number, the ids are last's successors in order: no lookup of 300,000 keys.
    Otherwise (PostgreSQL, or any doubt) they are read back by order number."""
    table = connection.ops.quote_name(Order._meta.db_table)
    if last_id is not None:
        low, high, count = fastsql.fetch(
            f"SELECT min(id), max(id), count(*) FROM {table} WHERE id > %s",  # noqa: S608
            [last_id],
        )[0]
        if count == len(created) and high - low + 1 == count:
            probe = f"SELECT id, external_id FROM {table} WHERE id IN (%s, %s)"  # noqa: S608
            ends = dict(fastsql.fetch(probe, [low, high]))
            if ends.get(low) == exts[created[0]] and ends.get(high) == exts[created[-1]]:
                return {pos: low + i for i, pos in enumerate(created)}
    if keys is None:
        found = ids_by_key(Order, "external_id", [exts[p] for p in created])
        return {p: found[exts[p]] for p in created}
    return dict(
        fastsql.fetch(f"SELECT t.pos, o.id FROM {keys} t JOIN {table} o ON o.external_id = t.ext")  # noqa: S608
    )


def _old_lines(keys: str) -> list[tuple[Any, ...]]:
    """The stored lines of the file's orders that exist already, as (the order's position in the file,
    product name, quantity, unit price, amount), in (position, line number) order."""
    return fastsql.fetch(
        f"SELECT t.pos, l.product_name, l.quantity, l.unit_price, l.amount FROM {keys} t "  # noqa: S608
        f"JOIN {Order._meta.db_table} o ON o.external_id = t.ext "
        f"JOIN {OrderLine._meta.db_table} l ON l.order_id = o.id ORDER BY t.pos, l.line_no"
    )


def _orders_whose_lines_differ(old: list[tuple[Any, ...]], new: list[tuple[Any, ...]]) -> set[int]:
    """The positions whose lines differ between two lists of (position, *line) in (position, line) order."""
    by_order: list[dict[int, list[tuple[Any, ...]]]] = [{}, {}]
    for rows, grouped in zip((old, new), by_order, strict=True):
        for pos, *line in rows:
            grouped.setdefault(pos, []).append(tuple(line))
    before, after = by_order
    return {pos for pos in before.keys() | after.keys() if before.get(pos, []) != after.get(pos, [])}


def _product_ids(
    catalogue: Catalogue, skus: Any, names: Any, categories: Any, prices: Any, chosen: Any
) -> tuple[Any, Any]:
    """(skus, product ids) of the whole catalogue as two Arrow arrays, once every sku of the lines at
    positions `chosen` is in it: a sku not in the catalogue is created from the first of those lines that
    names it, in line order, as Catalogue.product_id does line by line."""
    known = catalogue.products
    picked = skus.take(pa.array(chosen, pa.int64()))
    new = [sku for sku in pc.unique(picked).to_pylist() if sku and sku not in known]
    if new:
        firsts = pc.index_in(pa.array(new, pa.string()), value_set=picked).to_pylist()  # first occurrence
        for first, sku in sorted(zip(firsts, new, strict=True)):
            i = int(chosen[first])
            line = CleanLine(0, sku, names[i].as_py(), categories[i].as_py(), 1, prices[i].as_py(), 0)
            catalogue.product_id(line)
    return pa.array(list(known), pa.string()), pa.array(list(known.values()), pa.int64())
