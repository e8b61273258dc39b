"""Signals of the orders app, each sent once the transaction that changed the order commits.

Receivers get ``sender`` (the concrete Order model) and ``order``; ``order_paid`` also gets
``payment``. Because they run after commit, a receiver that fails cannot undo the order. The
signals are sent with ``Signal.send_robust()``: a receiver that raises is logged by Django (logger
``django.dispatch``) and stops neither the other receivers nor the order's confirmation e-mail,
which is sent before ``order_placed``.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["order_cancelled", "order_fulfilled", "order_paid", "order_placed", "order_refunded"]

#: Sent after an order was created (checkout or buy-now). Arguments: ``order``.
order_placed = Signal()
#: Sent after an order was paid. Arguments: ``order``, ``payment``.
order_paid = Signal()
#: Sent after a pending order was cancelled and its stock released. Arguments: ``order``.
order_cancelled = Signal()
#: Sent after a paid order was marked fulfilled. Arguments: ``order``.
order_fulfilled = Signal()
#: Sent after an order was refunded. Arguments: ``order``, ``payment``.
order_refunded = Signal()
