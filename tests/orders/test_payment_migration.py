"""The host app's migration to the payment flow converts existing payments and orders."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from django_shopkit.loading import get_order_model


@pytest.mark.django_db(transaction=True)
def test_migration_converts_pending_payments_and_fills_the_order_amounts():
    opts = get_order_model()._meta
    if opts.app_label != "shop":
        pytest.skip("the migration under test is tests/shop's")
    before, after = [("shop", "0001_initial")], [("shop", "0002_payment_flow")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        user = apps.get_model("accounts", "User").objects.create(email="m@example.com")
        order_model = apps.get_model("shop", "Order")
        payment_model = apps.get_model("shop", "Payment")
        common = {"currency": "USD", "subtotal": Decimal("9.00"), "total": Decimal("9.00")}
        paid = order_model.objects.create(number="SK-1", user=user, status="paid", **common)
        refunded = order_model.objects.create(number="SK-2", user=user, status="refunded", **common)
        waiting = order_model.objects.create(number="SK-3", user=user, **common)
        for order, status in ((paid, "succeeded"), (refunded, "refunded"), (waiting, "pending")):
            payment_model.objects.create(
                order=order,
                gateway="dummy",
                amount=Decimal("9.00"),
                currency="USD",
                status=status,
                idempotency_key=f"key-{order.number}",
            )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        apps = executor.loader.project_state(after).apps
        orders = apps.get_model("shop", "Order").objects
        payments = apps.get_model("shop", "Payment").objects
        assert payments.get(order__number="SK-3").status == "processing"
        assert payments.get(order__number="SK-2").amount_refunded == Decimal("9.00")
        assert (
            orders.get(number="SK-1").amount_paid,
            orders.get(number="SK-1").amount_refunded,
        ) == (
            Decimal("9.00"),
            Decimal("0.00"),
        )
        assert orders.get(number="SK-2").amount_refunded == Decimal("9.00")
        assert orders.get(number="SK-3").amount_paid == Decimal("0.00")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
