"""A product write that fails part-way leaves nothing behind."""

import pytest
from django.db.models.signals import m2m_changed
from django.urls import reverse

from django_shopkit.loading import get_product_model
from tests.catalog.helpers import LIST, detail_url
from tests.factories import make_category, make_product, make_tag

pytestmark = pytest.mark.django_db


class TagsFailed(Exception):
    pass


@pytest.fixture
def failing_tags():
    def fail(action, **kwargs):
        if action == "pre_add":
            raise TagsFailed

    through = get_product_model().tags.through
    m2m_changed.connect(fail, sender=through)
    yield
    m2m_changed.disconnect(fail, sender=through)


def test_create_is_one_transaction_with_its_tags(api, user, failing_tags):
    make_tag("red")
    api.force_authenticate(user)
    data = {"name": "Half", "price": "1.00", "category": make_category().pk, "tags": ["red"]}
    with pytest.raises(TagsFailed):
        api.post(reverse(LIST), data, format="json")
    assert not get_product_model()._default_manager.filter(name="Half").exists()


def test_update_is_one_transaction_with_its_tags(api, user, failing_tags):
    make_tag("red")
    product = make_product(created_by=user, name="Before", price="2.00")
    api.force_authenticate(user)
    with pytest.raises(TagsFailed):
        api.patch(detail_url(product), {"name": "After", "tags": ["red"]}, format="json")
    product.refresh_from_db()
    assert product.name == "Before"
