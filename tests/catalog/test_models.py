from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_shopkit.catalog.pricing import discount_price
from django_shopkit.loading import get_product_model
from tests.factories import make_category, make_discount, make_product, make_review, make_user

pytestmark = pytest.mark.django_db


def test_three_products_with_one_name_get_three_slugs():
    slugs = [make_product(name="Blue Mug").slug for _ in range(3)]
    assert slugs == ["blue-mug", "blue-mug-2", "blue-mug-3"]


def test_negative_price_is_rejected_by_the_database():
    product_model = get_product_model()
    with pytest.raises(IntegrityError), transaction.atomic():
        product_model._default_manager.create(
            name="Bad", price=Decimal("-0.01"), category=make_category()
        )


def test_review_save_and_delete_keep_stored_rating_current():
    product = make_product()
    first = make_review(product, rating=4)
    make_review(product, rating=1)
    product.refresh_from_db()
    assert (product.average_rating, product.review_count) == (Decimal("2.50"), 2)
    make_review(product, rating=2)
    product.refresh_from_db()
    assert (product.average_rating, product.review_count) == (Decimal("2.33"), 3)
    first.delete()
    product.refresh_from_db()
    assert (product.average_rating, product.review_count) == (Decimal("1.50"), 2)
    product.reviews.all().delete()
    product.refresh_from_db()
    assert (product.average_rating, product.review_count) == (None, 0)


def test_one_review_per_user_per_product_in_the_database():
    product, user = make_product(), make_user()
    make_review(product, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_review(product, user=user)


def test_discount_price_only_for_a_current_discount():
    now = timezone.now()
    current = make_product(price="19.99")
    make_discount(current, percent="15")
    assert discount_price(current) == Decimal("16.99")  # 16.9915 rounded half-up
    future = make_product(price="10.00")
    make_discount(future, percent="50", starts_at=now + timedelta(days=1))
    assert discount_price(future) is None
    expired = make_product(price="10.00")
    make_discount(
        expired, percent="50", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )
    assert discount_price(expired) is None
    assert discount_price(make_product()) is None
