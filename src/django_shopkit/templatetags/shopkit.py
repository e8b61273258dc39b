"""Template tags shared by the shopkit storefront templates."""

from django import template
from django.apps import apps

register = template.Library()


@register.simple_tag
def shopkit_app_installed(app_name: str) -> bool:
    """Return whether an app (e.g. ``"django_shopkit.orders"``) is in ``INSTALLED_APPS``.

    Lets a catalog template offer orders features without the catalog importing orders.
    """
    return apps.is_installed(app_name)
