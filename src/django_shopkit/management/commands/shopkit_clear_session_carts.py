"""``manage.py shopkit_clear_session_carts``: delete anonymous visitors' abandoned carts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_shopkit.conf import settings


class Command(BaseCommand):
    """Delete session carts (and their lines) that nobody changed for a while."""

    help = (
        "Delete anonymous visitors' session carts that neither they nor any of their lines "
        "changed for --older-than seconds (default: SHOPKIT_SESSION_CART_MAX_AGE, else "
        "SESSION_COOKIE_AGE). Run it from cron once a day. Users' carts are never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--older-than`` and ``--dry-run``."""
        parser.add_argument("--older-than", type=int, default=None, help="Seconds.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the carts, delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Delete (or count) the expired session carts and print how many."""
        from django_shopkit.orders.cart import get_cart_service

        seconds = options["older_than"]
        if seconds is None:
            seconds = settings.SHOPKIT_SESSION_CART_MAX_AGE
        if seconds is None:
            seconds = django_settings.SESSION_COOKIE_AGE
        if seconds < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        age = timedelta(seconds=seconds)
        service = get_cart_service()
        if options["dry_run"]:
            count = service.expired_session_carts(age).count()
            self.stdout.write(f"{count} expired session cart(s) would be deleted.")
            return
        count = service.delete_expired_session_carts(age)
        self.stdout.write(f"Deleted {count} expired session cart(s).")
