"""Order rows (one row per order line): validation and upsert by order number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from dangol.customers.models import Customer
from dangol.imports.customers import RowErrors
from dangol.imports.fastsql import db_datetime, ids_by_key, insert_rows
from dangol.imports.readers import parse_amount, parse_datetime
from dangol.interactions.models import Touchpoint
from dangol.orders.models import Order, OrderLine, Product, ProductCategory

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
        for o in Order.objects.filter(external_id__in=[o.external_id for o in batch]).values(
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
            OrderLine.objects.filter(order_id__in=[o["id"] for o in existing.values()])
            .values_list("order_id", "product_name", "quantity", "unit_price", "amount")
            .order_by("order_id", "line_no")
        ):
            old_lines.setdefault(row[0], []).append(row[1:])
    create: list[CleanOrder] = []
    replace: list[Order] = []
    for order in batch:
        refunded = min(order.refunded_amount, order.total)
        old: dict[str, Any] | None = existing.get(order.external_id)  # type: ignore[assignment]
        if old is None:
            create.append(order)
            continue
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
            replace.append(
                Order(
                    id=old["id"],
                    external_id=order.external_id,
                    status=_status(order.total, refunded),
                    **fields,
                )
            )
    ids: dict[str, int] = {}
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
            (
                (
                    o.external_id,
                    o.customer_id,
                    o.touchpoint_id,
                    db_datetime(o.ordered_at),
                    _status(o.total, min(o.refunded_amount, o.total)),
                    o.total,
                    min(o.refunded_amount, o.total),
                )
                for o in create
            ),
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
