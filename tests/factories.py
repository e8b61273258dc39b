"""Tiny object factories shared by the test suites; they go through the loading helpers.

``make_product(name="Mug", price="9.50", tags=["red", "blue"])`` creates whatever a test leaves
out (a category, a unique name); every helper returns a saved instance.
"""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from django_shopkit.loading import (
    get_category_model,
    get_discount_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)

_seq = itertools.count(1)


def make_user(username=None, *, password="pw", is_staff=False, **kwargs):
    """Create a user with a unique username (and the given password)."""
    user_model = get_user_model()
    username = username or f"user{next(_seq)}"
    kwargs.setdefault(user_model.get_email_field_name(), f"{username}@example.com")
    user = user_model(**{user_model.USERNAME_FIELD: username}, is_staff=is_staff, **kwargs)
    user.set_password(password)
    user.save()
    return user


def make_category(name=None, **kwargs):
    """Create a category (slug generated from the name)."""
    return get_category_model()._default_manager.create(
        name=name or f"Category {next(_seq)}", **kwargs
    )


def make_tag(name=None, **kwargs):
    """Create a tag (slug generated from the name)."""
    return get_tag_model()._default_manager.create(name=name or f"tag{next(_seq)}", **kwargs)


def make_product(name=None, *, price="10.00", stock=10, category=None, tags=(), **kwargs):
    """Create a product; ``tags`` may hold Tag instances or names (created if missing)."""
    product = get_product_model()._default_manager.create(
        name=name or f"Product {next(_seq)}",
        price=Decimal(str(price)),
        stock=stock,
        category=category or make_category(),
        **kwargs,
    )
    if tags:
        tag_model = get_tag_model()
        product.tags.add(
            *[
                t
                if isinstance(t, tag_model)
                else tag_model._default_manager.get_or_create(name=t)[0]
                for t in tags
            ]
        )
    return product


def make_review(product, user=None, rating=5, **kwargs):
    """Create a review of ``product`` (by a new user unless given)."""
    return get_review_model()._default_manager.create(
        product=product, user=user or make_user(), rating=rating, **kwargs
    )


def make_discount(product, percent="10", **kwargs):
    """Create a discount on ``product`` (current unless starts_at/ends_at say otherwise)."""
    return get_discount_model()._default_manager.create(
        product=product, percent=Decimal(str(percent)), **kwargs
    )
