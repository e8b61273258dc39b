"""A failing receiver of a shopkit signal can neither skip the e-mail nor the other receivers."""

import logging

from django.core import mail

from django_shopkit.orders import signals
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import place_order


def test_failing_order_placed_receiver_skips_neither_the_email_nor_other_receivers(
    user, django_capture_on_commit_callbacks, caplog
):
    received = []

    def broken(sender, order, **kwargs):
        raise RuntimeError("receiver bug")

    def working(sender, order, **kwargs):
        received.append(order.pk)

    signals.order_placed.connect(broken)
    signals.order_placed.connect(working)
    try:
        with (
            caplog.at_level(logging.ERROR, logger="django.dispatch"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            order = place_order(user, (make_product(), 1))
    finally:
        signals.order_placed.disconnect(broken)
        signals.order_placed.disconnect(working)
    assert [m.to for m in mail.outbox] == [[order.email]]
    assert received == [order.pk]
    [record] = caplog.records  # Django's send_robust logs the failure
    assert record.exc_info[1].args == ("receiver bug",)


def test_failing_order_paid_receiver_leaves_the_order_paid(
    user, django_capture_on_commit_callbacks
):
    def broken(sender, order, **kwargs):
        raise RuntimeError("receiver bug")

    order = place_order(user, (make_product(), 1))
    signals.order_paid.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            get_order_service().process_payment(order, {})
    finally:
        signals.order_paid.disconnect(broken)
    order.refresh_from_db()
    assert order.status == "paid"
