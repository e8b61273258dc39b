"""``manage.py shopkit_reconcile_payments``: settle payment attempts and refunds left open."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from django_shopkit.conf import settings


class Command(BaseCommand):
    """Ask the provider about attempts stuck open (a crash, a lost answer) and apply it."""

    help = (
        "Refresh payment attempts left created/processing/requires_action, and re-send pending "
        "refunds, older than --older-than seconds. Run it from cron every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--older-than``."""
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help="Seconds since the attempt last changed (default: "
            "SHOPKIT_PAYMENT_RECONCILE_AFTER).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Reconcile and print the counts by resulting status."""
        from django_shopkit.orders.services import get_order_service

        seconds = options["older_than"]
        if seconds is None:
            seconds = settings.SHOPKIT_PAYMENT_RECONCILE_AFTER
        counts = get_order_service().reconcile(seconds)
        if not counts:
            self.stdout.write("Nothing to reconcile.")
        for status, count in sorted(counts.items()):
            self.stdout.write(f"{status}: {count}")
