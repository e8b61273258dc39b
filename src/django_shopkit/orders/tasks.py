"""Background task that settles stuck payment attempts, for Django's tasks framework (6.0+).

Enqueue :data:`reconcile_payments_task` periodically from your scheduler; without the tasks
framework, run ``manage.py shopkit_reconcile_payments`` from cron instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["reconcile_payments", "reconcile_payments_task"]


def reconcile_payments(older_than: int | None = None) -> dict[str, int]:
    """Refresh attempts open for ``older_than`` seconds; return the counts by new status."""
    from django_shopkit.orders.services import get_order_service

    return get_order_service().reconcile(older_than)


reconcile_payments_task: Any
try:
    from django.tasks import task
except ImportError:  # Django 5.2: no tasks framework
    reconcile_payments_task = None
else:
    reconcile_payments_task = task(reconcile_payments)
