import datetime as dt
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from dangol.customers.models import Customer
from dangol.demo.generate import generate
from dangol.interactions.models import Interaction, Touchpoint
from dangol.orders.models import Order
from dangol.promises.models import Promise

END = dt.datetime(2026, 11, 1, 12, tzinfo=ZoneInfo("Asia/Seoul"))


def _fingerprint() -> tuple:
    return (
        list(Customer.objects.order_by("external_id").values_list("external_id", "name", "phone", "email")),
        list(Order.objects.order_by("external_id").values_list("external_id", "total_amount", "ordered_at")),
        list(Interaction.objects.order_by("occurred_at", "summary").values_list("summary", "occurred_at")),
    )


def test_same_seed_gives_the_same_data(db):
    with transaction.atomic():
        generate(customers=120, seed=7, end=END)
        first = _fingerprint()
        transaction.set_rollback(True)
    generate(customers=120, seed=7, end=END)
    assert _fingerprint() == first


def test_demo_business_has_realistic_structure(db):
    stats = generate(customers=400, seed=11, end=END)
    assert stats.customers == 400 and stats.orders == Order.objects.count()
    counts = sorted(c.orders.count() for c in Customer.objects.all())
    mean = sum(counts) / len(counts)
    # heterogeneous buyers: a long tail of heavy buyers and many who bought once and stopped
    assert counts[-1] > 4 * mean and counts[len(counts) // 4] <= mean / 2
    first_orders = Order.objects.order_by("ordered_at").first()
    assert first_orders is not None and first_orders.ordered_at >= END - dt.timedelta(days=731)
    channels = set(Interaction.objects.values_list("touchpoint__channel", flat=True))
    assert channels >= {"store", "call_center", "website", "app", "sns", "delivery", "visit"}
    assert set(Promise.objects.values_list("status", flat=True)) == {"open", "kept", "broken"}
    assert Touchpoint.objects.filter(channel="store").count() == 8
    assert all(p.startswith("010-") for p in Customer.objects.values_list("phone", flat=True))
    assert Customer.objects.exclude(consent_stage="none").count() > 300


def test_demo_command_refuses_a_database_that_has_customers(shop, capsys):
    call_command("demo_data", customers=10, if_empty=True)
    assert "이미" in capsys.readouterr().out
