from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_shopkit.catalog.managers import get_or_create_tags
from django_shopkit.loading import get_product_model, get_tag_model
from tests.catalog.helpers import listing_queries
from tests.factories import make_category, make_discount, make_product, make_review, make_tag

pytestmark = pytest.mark.django_db


def products():
    return get_product_model()._default_manager


def test_active_in_stock_featured_filters():
    on_sale = make_product(stock=3, is_featured=True)
    sold_out = make_product(stock=0)
    hidden = make_product(is_active=False, is_featured=True)
    assert set(products().active()) == {on_sale, sold_out}
    assert set(products().in_stock()) == {on_sale, hidden}
    assert set(products().featured()) == {on_sale, hidden}
    assert list(products().active().featured().in_stock()) == [on_sale]


def test_with_category_joins(django_assert_num_queries):
    make_product()
    make_product()
    with django_assert_num_queries(1):
        names = [p.category.name for p in products().with_category()]
    assert len(names) == 2


def test_with_tags_prefetches_once(django_assert_num_queries):
    for _ in range(3):
        make_product(tags=["a", "b", "c"])
    with django_assert_num_queries(2):
        tag_lists = [sorted(t.name for t in p.tags.all()) for p in products().with_tags()]
    assert tag_lists == [["a", "b", "c"]] * 3


def test_with_discount_joins(django_assert_num_queries):
    make_discount(make_product(), percent="10")
    make_product()
    with django_assert_num_queries(1):
        percents = sorted(
            str(getattr(p, "discount", None) and p.discount.percent)
            for p in products().with_discount()
        )
    assert percents == ["10.00", "None"]


def test_search_matches_every_word_in_name_or_description():
    mug = make_product(name="Blue Mug", description="Ceramic, dishwasher safe")
    make_product(name="Red Cup", description="Plastic")
    make_product(name="Blue Plate", description="Porcelain")
    assert list(products().search("mug")) == [mug]
    assert list(products().search("blue ceramic")) == [mug]
    assert list(products().search("DISHWASHER")) == [mug]
    assert products().search("").count() == 3
    assert products().search("nothing-like-this").count() == 0


def test_with_rating_annotates_live_values_in_default_order():
    rated = make_product()
    unrated = make_product()
    make_review(rated, rating=5)
    make_review(rated, rating=2)
    rows = list(products().with_rating())
    assert rows == [unrated, rated]  # newest first, as Meta.ordering says
    by_pk = {p.pk: p for p in rows}
    assert by_pk[rated.pk].rating_avg == pytest.approx(3.5)
    assert by_pk[rated.pk].rating_total == 2
    assert by_pk[unrated.pk].rating_avg is None
    assert by_pk[unrated.pk].rating_total == 0
    # The stored figures stay the stored ones (no clash with the annotations).
    assert by_pk[rated.pk].average_rating == Decimal("3.50")
    assert by_pk[rated.pk].review_count == 2
    # An explicit order is kept.
    assert list(products().order_by("pk").with_rating()) == [rated, unrated]


@pytest.mark.parametrize("count", [2, 8])
def test_for_listing_is_constant_queries(count, django_assert_num_queries):
    for _ in range(count):
        product = make_product(tags=["x", "y", "z"])
        make_discount(product)
    with django_assert_num_queries(listing_queries()):
        for p in products().for_listing():
            assert p.category.name
            assert p.discount.percent
            assert p.tag_names == ["x", "y", "z"]
    # with_tags() adds the relation's prefetch: one more query whatever the size, once
    # however often it is chained (a host's for_listing() may already add it).
    with django_assert_num_queries(2):
        for p in products().for_listing().with_tags().with_tags():
            assert [tag.name for tag in p.tags.all()] == ["x", "y", "z"]


def test_get_or_none():
    product = make_product(name="Only One")
    assert products().get_or_none(slug=product.slug) == product
    assert products().get_or_none(slug="missing") is None


def test_create_with_tags_reads_once_and_bulk_creates_missing():
    make_tag("existing")
    category = make_category()
    tag_table = get_tag_model()._meta.db_table
    with CaptureQueriesContext(connection) as ctx:
        product = products().create_with_tags(
            "Tagged",
            Decimal("3.00"),
            ["existing", "new one", "new two", "existing", " "],
            category=category,
        )
    sqls = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    tag_inserts = [s for s in sqls if s.startswith("INSERT") and f'"{tag_table}" (' in s]
    assert len(tag_inserts) == 1  # one bulk insert for both missing tags
    # 8, then 4 storing the tag names: lock the product, read its tags, write, re-read.
    assert len(sqls) <= 12, sqls
    assert product.tag_names == ["existing", "new one", "new two"]
    assert sorted(product.tags.values_list("name", flat=True)) == [
        "existing",
        "new one",
        "new two",
    ]
    assert get_tag_model()._default_manager.count() == 3
    assert get_tag_model()._default_manager.get(name="new one").slug == "new-one"


def test_create_with_tags_with_only_existing_tags_inserts_no_tag():
    make_tag("a")
    make_tag("b")
    product = products().create_with_tags(
        "P", Decimal("1.00"), ["a", "b"], category=make_category()
    )
    assert sorted(product.tags.values_list("name", flat=True)) == ["a", "b"]
    assert get_tag_model()._default_manager.count() == 2


def test_create_with_tags_numbers_colliding_slugs():
    make_tag("C")
    tags = get_or_create_tags(["c!", "C?"])
    assert sorted(t.slug for t in tags) == ["c-2", "c-3"]


def test_get_or_create_tags_makes_the_slugs_save_would():
    long_name, symbols = " ".join(["word"] * 12), "!!!"  # the name column holds 60 characters
    made = [tag.slug for tag in get_or_create_tags([long_name, symbols])]
    max_length = get_tag_model()._meta.get_field("slug").max_length
    assert all(len(slug) <= max_length for slug in made)
    get_tag_model()._default_manager.filter(slug__in=made).delete()
    assert made == [make_tag(long_name).slug, make_tag(symbols).slug]
    assert made[1] == "item"


def test_create_with_tags_rolls_back_on_error():
    with pytest.raises(IntegrityError), transaction.atomic():
        products().create_with_tags("Broken", Decimal("-1"), ["t"], category=make_category())
    assert not products().filter(name="Broken").exists()


def test_bulk_update_stock():
    a, b, c = make_product(stock=1), make_product(stock=2), make_product(stock=3)
    assert products().bulk_update_stock([a.pk, b.pk], 7) == 2
    assert [p.stock for p in products().order_by("pk")] == [7, 7, 3]
    with pytest.raises(ValueError, match="negative"):
        products().bulk_update_stock([c.pk], -1)


def test_get_or_create_tags_survives_a_slug_taken_meanwhile(monkeypatch):
    # Simulate a concurrent insert: the slug chosen for "New" is taken by another name
    # between the slug check and the bulk insert, so the bulk insert skips the row.
    tag_model = get_tag_model()
    original = tag_model._default_manager.bulk_create

    def racing_bulk_create(objs, **kwargs):
        tag_model._default_manager.create(name="NEW!", slug="new")
        return original(objs, **kwargs)

    monkeypatch.setattr(tag_model._default_manager, "bulk_create", racing_bulk_create)
    (tag,) = get_or_create_tags(["New"])
    assert tag.name == "New"
    assert tag.slug == "new-2"
