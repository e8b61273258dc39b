"""How a host changes a business rule: an order service with a minimum order value.

``SHOPKIT_ORDER_SERVICE = "apps.shop.services.ShopOrderService"`` makes checkout and buy-now
use it; everything else is shopkit's :class:`~django_shopkit.orders.services.OrderService`.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.money import quantize
from django_shopkit.orders.exceptions import OrderError
from django_shopkit.orders.pricing import line_price, totals
from django_shopkit.orders.services import OrderService


class MinimumOrderNotMet(OrderError):
    """Raised when an order's total, discounts applied, is below the shop's minimum."""

    code = "minimum_order_not_met"


class ShopOrderService(OrderService):
    """Shopkit's order rules plus a minimum order value (``SHOP_MINIMUM_ORDER_TOTAL``)."""

    def validate_lines(self, lines):
        """Apply shopkit's checks, then refuse orders below the minimum total."""
        super().validate_lines(lines)
        minimum = quantize(Decimal(str(getattr(settings, "SHOP_MINIMUM_ORDER_TOTAL", "0"))))
        now = timezone.now()
        total = totals([line_price(line.product, line.quantity, now) for line in lines]).total
        if total < minimum:
            raise MinimumOrderNotMet(
                _("The minimum order is %(minimum)s %(currency)s; this order comes to %(total)s.")
                % {"minimum": minimum, "currency": settings.SHOPKIT_CURRENCY, "total": total}
            )
