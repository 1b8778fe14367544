from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductCategory(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("상품 분류")
        verbose_name_plural = _("상품 분류")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField(_("상품 코드"), max_length=40, unique=True)
    name = models.CharField(_("상품명"), max_length=200)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="products")
    price = models.PositiveBigIntegerField(_("정가(원)"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("상품")
        verbose_name_plural = _("상품")

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", _("결제 완료")
        PARTIALLY_REFUNDED = "partially_refunded", _("부분 환불")
        REFUNDED = "refunded", _("환불")
        CANCELLED = "cancelled", _("취소")

    external_id = models.CharField(_("주문번호"), max_length=64, unique=True)
    # no index of its own: order_customer_time (customer, -ordered_at) serves every lookup by customer, and a
    # second index on random keys costs each imported order about 3-6 µs of SQLite time (issue 18)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    ordered_at = models.DateTimeField(_("주문일시"))
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.PAID)
    total_amount = models.BigIntegerField(_("결제 금액(원)"), default=0)
    refunded_amount = models.BigIntegerField(_("환불 금액(원)"), default=0)

    class Meta:
        ordering = ["-ordered_at"]
        indexes = [models.Index(fields=["customer", "-ordered_at"], name="order_customer_time")]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_amount__gte=0), name="order_total_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0)
                & models.Q(refunded_amount__lte=models.F("total_amount")),
                name="order_refund_within_total",
            ),
        ]
        verbose_name = _("주문")
        verbose_name_plural = _("주문")

    def __str__(self) -> str:
        return self.external_id

    @property
    def net_amount(self) -> int:
        return self.total_amount - self.refunded_amount


class OrderLine(models.Model):
    # no index of its own: the unique (order, line_no) index serves every lookup by order (issue 18)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_index=False)
    line_no = models.PositiveIntegerField(default=1)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product_name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="orderline_unique_line")]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("환불 금액(원)"))
    reason = models.CharField(_("사유"), max_length=200)
    refunded_at = models.DateTimeField(_("환불일시"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-refunded_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"{self.order_id} -₩{self.amount:,}"
