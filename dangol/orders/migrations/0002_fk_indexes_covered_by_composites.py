# Issue 18: the single-column indexes on orders_order.customer_id and orders_orderline.order_id repeat the
# first column of order_customer_time (customer, -ordered_at) and of the unique (order, line_no) index,
# which serve every lookup by customer / by order; each extra index costs every imported row SQLite time.
# Dropped by name (the name Django gave them on both databases) instead of AlterField, which on SQLite
# would copy the whole table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "orders_order_customer_id_0b76f6a4"',
                    'CREATE INDEX "orders_order_customer_id_0b76f6a4" ON "orders_order" ("customer_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "orders_orderline_order_id_17f8f3ef"',
                    'CREATE INDEX "orders_orderline_order_id_17f8f3ef" ON "orders_orderline" ("order_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="orders",
                        to="customers.customer",
                    ),
                ),
                migrations.AlterField(
                    model_name="orderline",
                    name="order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="orders.order",
                    ),
                ),
            ],
        ),
    ]
