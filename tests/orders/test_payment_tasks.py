"""Reconciling stuck payments from Django's tasks framework (6.0+) or a plain call."""

import django
import pytest

from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.exceptions import PaymentPending
from django_shopkit.orders.services import get_order_service
from django_shopkit.orders.tasks import reconcile_payments, reconcile_payments_task
from tests.factories import make_product
from tests.orders.helpers import place_order, reload

pytestmark = pytest.mark.django_db


def test_reconcile_function_settles_a_timed_out_payment(user):
    order = place_order(user, (make_product(), 1))
    with pytest.raises(PaymentPending):
        get_order_service().process_payment(order, {"token": "tok_timeout"})
    assert reconcile_payments(older_than=0) == {"succeeded": 1}
    assert reload(order).status == OrderStatus.PAID


@pytest.mark.skipif(django.VERSION < (6, 0), reason="Django's tasks framework is 6.0+")
def test_reconcile_task_runs_with_the_immediate_backend(user):
    order = place_order(user, (make_product(), 1))
    with pytest.raises(PaymentPending):
        get_order_service().process_payment(order, {"token": "tok_timeout"})
    result = reconcile_payments_task.enqueue(0)
    assert result.return_value == {"succeeded": 1}
    assert reload(order).status == OrderStatus.PAID


def test_no_task_without_the_framework():
    assert (reconcile_payments_task is None) == (django.VERSION < (6, 0))
