"""A product's stored ``tag_names`` follow its tags, whichever way they change.

Lists and details show the stored names (one query, no tag instances); these tests change
tags every way Django allows and read the column back from the database.
"""

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_shopkit.catalog.services import get_catalog_service
from django_shopkit.loading import get_product_model, get_tag_model
from tests.factories import make_category, make_product, make_review, make_tag, make_user

pytestmark = pytest.mark.django_db


def stored(product):
    """Return the tag names the database holds for ``product``."""
    manager = get_product_model()._default_manager
    return manager.values_list("tag_names", flat=True).get(pk=product.pk)


def link_in_bulk(products, tag):
    """Link ``products`` to ``tag`` with bulk_create, which sends no signal."""
    field = get_product_model().tags.field
    through = field.remote_field.through
    product_id, tag_id = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through._default_manager.bulk_create(
        [through(**{product_id: product.pk, tag_id: tag.pk}) for product in products]
    )


def test_adding_removing_and_clearing_a_products_tags():
    product = make_product(tags=["mug", "blue"])
    assert stored(product) == ["blue", "mug"]  # in tag order (by name)
    assert product.tag_names == ["blue", "mug"]  # the instance too
    red = make_tag("red")
    product.tags.add(red)
    assert stored(product) == product.tag_names == ["blue", "mug", "red"]
    product.tags.remove(red)
    assert stored(product) == product.tag_names == ["blue", "mug"]
    product.tags.set([red])
    assert stored(product) == product.tag_names == ["red"]
    product.tags.clear()
    assert stored(product) == product.tag_names == []


def test_changing_a_tags_products(django_capture_on_commit_callbacks):
    on_commit = django_capture_on_commit_callbacks
    first, second, third = make_product(), make_product(), make_product(tags=["sale"])
    tag = make_tag("new")
    # From the tag's side, the products are refreshed once the change commits.
    with on_commit() as callbacks:
        tag.products.add(first, second)
    assert (stored(first), stored(second)) == ([], [])  # not before
    for callback in callbacks:
        callback()
    assert (stored(first), stored(second), stored(third)) == (["new"], ["new"], ["sale"])
    with on_commit(execute=True):
        tag.products.remove(first)
    assert (stored(first), stored(second)) == ([], ["new"])
    with on_commit(execute=True):
        tag.products.add(third)
        tag.products.clear()
    assert (stored(first), stored(second), stored(third)) == ([], [], ["sale"])


def test_renaming_a_tag_renames_it_on_its_products(django_capture_on_commit_callbacks):
    tagged, other = make_product(tags=["old", "z"]), make_product(tags=["z"])
    tag = get_tag_model()._default_manager.get(name="old")
    tag.name = "zz top"
    with django_capture_on_commit_callbacks(execute=True):
        tag.save()
    assert stored(tagged) == ["z", "zz top"]
    assert stored(other) == ["z"]
    # A save that leaves the name alone writes no product.
    tag.slug = "another-slug"
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tag.save(update_fields=["slug"])
    assert not [q for q in ctx.captured_queries if get_product_model()._meta.db_table in q["sql"]]


def test_deleting_tags_drops_their_names(django_capture_on_commit_callbacks):
    product = make_product(tags=["a", "b", "c"])
    with django_capture_on_commit_callbacks(execute=True):
        get_tag_model()._default_manager.get(name="a").delete()
    assert stored(product) == ["b", "c"]
    with django_capture_on_commit_callbacks(execute=True):
        get_tag_model()._default_manager.filter(name__in=["b", "c"]).delete()
    assert stored(product) == []


def test_saving_a_stale_product_keeps_the_stored_aggregates(django_capture_on_commit_callbacks):
    product = make_product(name="Stale")
    stale = get_product_model()._default_manager.get(pk=product.pk)
    with django_capture_on_commit_callbacks(execute=True):
        make_tag("fresh").products.add(product)
    make_review(product, rating=4)
    stale.price = Decimal("2.00")
    stale.save()  # loaded before the tag and the review: its own figures are stale
    saved = get_product_model()._default_manager.get(pk=product.pk)
    assert (saved.price, saved.tag_names) == (Decimal("2.00"), ["fresh"])
    assert (saved.review_count, saved.average_rating) == (1, Decimal("4.00"))
    # Named in update_fields, they are written as given.
    stale.save(update_fields=["tag_names"])
    assert stored(product) == []


def test_refresh_after_writes_that_send_no_signal():
    products = [make_product(), make_product(), make_product(tags=["kept"])]
    tag = make_tag("bulk")
    link_in_bulk(products[:2], tag)
    assert stored(products[0]) == []  # bulk_create sent no signal
    with CaptureQueriesContext(connection) as ctx:
        updated = get_catalog_service().refresh_tag_names()
    assert updated == 2  # the third product's names were already right
    assert [stored(p) for p in products] == [["bulk"], ["bulk"], ["kept"]]
    # The UPDATE writes the tag_names column and nothing else.
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assignments = updates[0].split(" SET ", 1)[1].rsplit(" WHERE ", 1)[0]
    assert re.findall(r'(?:^|, )"(\w+)" = ', assignments) == ["tag_names"]


def test_refresh_of_named_products_leaves_the_others():
    first, second = make_product(), make_product()
    tag = make_tag("quiet")
    link_in_bulk([first, second], tag)
    assert get_catalog_service().refresh_tag_names([first.pk]) == 1
    assert (stored(first), stored(second)) == (["quiet"], [])


def test_api_create_and_update_answer_with_the_new_tags(api):
    owner = make_user()
    api.force_authenticate(owner)
    make_tag("b-tag")
    make_tag("a-tag")
    body = {"name": "Mug", "price": "5.00", "stock": 3, "category": make_category().pk}
    response = api.post(reverse("shopkit-product-list"), {**body, "tags": ["b-tag", "a-tag"]})
    assert response.status_code == 201, response.json()
    assert response.json()["tags"] == ["a-tag", "b-tag"]
    url = reverse("shopkit-product-detail", args=[response.json()["id"]])
    response = api.patch(url, {"tags": ["b-tag"]})
    assert response.status_code == 200, response.json()
    assert response.json()["tags"] == ["b-tag"]
    assert api.get(url).json()["tags"] == ["b-tag"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_tags_added_at_once_are_both_stored(postgres):
    """Two transactions tagging one product at once: the second waits, then sees both."""
    from tests.test_postgres_writes import in_thread, wait_for_lock_waiters

    product = make_product()
    first, second = make_tag("first"), make_tag("second")
    holding, release = threading.Event(), threading.Event()
    results = {}

    def tag_and_hold():
        with transaction.atomic():
            get_product_model()._default_manager.get(pk=product.pk).tags.add(first)
            holding.set()
            release.wait(10)

    holder = in_thread(tag_and_hold, results, "first")
    assert holding.wait(10)
    other = in_thread(
        lambda: get_product_model()._default_manager.get(pk=product.pk).tags.add(second),
        results,
        "second",
    )
    wait_for_lock_waiters(1)  # the second refresh waits for the first transaction's lock
    release.set()
    for thread in (holder, other):
        thread.join(20)
        assert not thread.is_alive()
    assert not any(isinstance(result, Exception) for result in results.values()), results
    assert stored(product) == ["first", "second"]
