"""Benchmark the catalog's read path against the data floor, in-process.

Run from the repository root (``make bench`` does the same)::

    .venv/bin/python benchmarks/catalog_bench.py [--database both|sqlite|postgres]
                                                 [--iterations 300] [--settings tests.settings]

On each database (by default SQLite in memory, then PostgreSQL if it answers at
``--postgres-url``, default ``$DATABASE_URL`` or the local server), it creates a scratch
database (Django's test database machinery; ``shopkit_bench_<pid>`` on PostgreSQL, dropped at
the end), builds 5,000 products (20 categories, 200 tags with 3 per product, 0-5 reviews each, a
fifth discounted) with bulk_create, then times:

* the API product list at 50 per page and the product detail, through the real URL and
  ViewSet (``resolve()`` + the view + rendering to JSON bytes; Django middleware excluded);
* the floor: the same rows fetched with one hand-written SQL query (ids of the page first,
  then joins) and dumped with ``json.dumps``;
* the framework floor: an empty DRF ``APIView`` returning ``Response({})`` through the same
  call path (request factory, view, rendering), next to the detail floor: what any DRF
  endpoint costs before it reads a row;
* the ORM lookup: building ``filter(is_active=True).filter(pk=...).values("pk")`` and
  compiling its SQL,
  without running it, next to the detail floor: what any detail view that honours
  ``get_queryset()`` costs before the database is asked.

It prints medians, queries per request and the ratio of each median to its floor.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import warnings
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "src"))

PRODUCTS = 5000
CATEGORIES = 20
TAGS = 200
PAGE_SIZE = 50
TARGET = 2.5
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SCRATCH_DATABASE = "shopkit_bench"


def build_data(count=PRODUCTS):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from django_shopkit.catalog.services import get_catalog_service
    from django_shopkit.loading import (
        get_category_model,
        get_discount_model,
        get_product_model,
        get_review_model,
        get_tag_model,
    )

    rng = random.Random(42)
    category_model, tag_model = get_category_model(), get_tag_model()
    product_model, review_model = get_product_model(), get_review_model()
    discount_model = get_discount_model()
    user_model = get_user_model()

    users = user_model.objects.bulk_create(
        [user_model(**{user_model.USERNAME_FIELD: f"bench{i}"}) for i in range(5)]
    )
    categories = category_model.objects.bulk_create(
        [category_model(name=f"Category {i}", slug=f"category-{i}") for i in range(CATEGORIES)]
    )
    tags = tag_model.objects.bulk_create(
        [tag_model(name=f"tag {i}", slug=f"tag-{i}") for i in range(TAGS)]
    )
    now = timezone.now()
    products = product_model.objects.bulk_create(
        [
            product_model(
                name=f"Product {i}",
                slug=f"product-{i}",
                description=f"Description of product {i}. " * 4,
                price=Decimal(rng.randint(100, 100000)) / 100,
                stock=rng.randint(0, 50),
                is_featured=i % 50 == 0,
                category=categories[i % CATEGORIES],
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    # auto_now_add gives every row nearly the same time; spread them like a real catalog.
    product_model.objects.bulk_update(
        [
            setattr(p, "created_at", now - timedelta(minutes=count - i)) or p
            for i, p in enumerate(products)
        ],
        ["created_at"],
        batch_size=1000,
    )
    through = product_model.tags.through
    product_field = product_model.tags.field.m2m_field_name()
    tag_field = product_model.tags.field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [
            through(**{f"{product_field}_id": p.pk, f"{tag_field}_id": t.pk})
            for p in products
            for t in rng.sample(tags, 3)
        ],
        batch_size=2000,
    )
    review_model.objects.bulk_create(
        [
            review_model(product=p, user=u, rating=rng.randint(1, 5), comment="ok")
            for p in products
            for u in rng.sample(users, rng.randint(0, 5))
        ],
        batch_size=2000,
    )
    discount_model.objects.bulk_create(
        [discount_model(product=p, percent=Decimal(rng.randint(5, 50))) for p in products[::5]]
    )
    # bulk_create sends no signals: store the rating figures reviews keep current, one UPDATE.
    get_catalog_service().refresh_ratings()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return products


def floor_sql(detail):
    """Return one hand-written SQL query for a page (or one product) with everything shown."""
    from django_shopkit.loading import (
        get_category_model,
        get_discount_model,
        get_product_model,
        get_tag_model,
    )

    product, category = get_product_model(), get_category_model()
    tag, discount = get_tag_model(), get_discount_model()
    through = product.tags.through
    p_col = product.tags.field.m2m_column_name()
    t_col = product.tags.field.m2m_reverse_name()
    page = (
        "SELECT id FROM {p} WHERE is_active ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
        if not detail
        else "SELECT id FROM {p} WHERE id = %s AND is_active"
    ).format(p=product._meta.db_table)
    return f"""
        SELECT p.id, p.name, p.slug, p.description, p.price, p.stock, p.category_id, c.name,
               p.average_rating, p.review_count, p.is_featured, p.created_at,
               d.percent, d.starts_at, d.ends_at, t.name
        FROM ({page}) page
        JOIN {product._meta.db_table} p ON p.id = page.id
        JOIN {category._meta.db_table} c ON c.id = p.category_id
        LEFT JOIN {discount._meta.db_table} d ON d.product_id = p.id
        LEFT JOIN {through._meta.db_table} pt ON pt.{p_col} = p.id
        LEFT JOIN {tag._meta.db_table} t ON t.id = pt.{t_col}
        ORDER BY p.created_at DESC, p.id DESC, t.name
    """


def floor_request(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = {}
    for row in rows:
        item = out.get(row[0])
        if item is None:
            item = out[row[0]] = {
                "id": row[0],
                "name": row[1],
                "slug": row[2],
                "description": row[3],
                "price": str(row[4]),
                "discount_price": None if row[12] is None else str(row[12]),
                "stock": row[5],
                "category": row[6],
                "category_name": row[7],
                "tags": [],
                "average_rating": None if row[8] is None else str(row[8]),
                "review_count": row[9],
                "is_featured": bool(row[10]),
                "created_at": str(row[11]),
            }
        if row[15] is not None:
            item["tags"].append(row[15])
    return json.dumps(list(out.values())).encode()


def plain_drf_views():
    """Return list and detail views serializing with DRF's regular ModelSerializer path."""
    from rest_framework import serializers

    from django_shopkit.catalog.serializers import ProductSerializer
    from django_shopkit.catalog.views import ProductViewSet

    class PlainProductSerializer(ProductSerializer):
        def to_representation(self, instance):
            return serializers.ModelSerializer.to_representation(self, instance)

    class PlainProductViewSet(ProductViewSet):
        serializer_class = PlainProductSerializer

    return (
        PlainProductViewSet.as_view({"get": "list"}),
        PlainProductViewSet.as_view({"get": "retrieve"}),
    )


def empty_drf_view():
    """Return an APIView that does nothing but answer ``{}``: DRF's own cost per request."""
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class EmptyView(APIView):
        def get(self, request):
            return Response({})

    return EmptyView.as_view()


def api_request(view_func, request, kwargs):
    response = view_func(request, **kwargs)
    response.render()
    assert response.status_code == 200, response.content[:300]
    return response.content


def timed_pair(api_fn, floor_fn, iterations):
    """Return the medians (ms) of both, timed alternately so load on the machine hits both."""
    api_samples, floor_samples = [], []
    for i in range(iterations):
        for fn, samples in ((api_fn, api_samples), (floor_fn, floor_samples)):
            start = time.perf_counter()
            fn(i)
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(api_samples), statistics.median(floor_samples)


def count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn(0)
    return len(ctx.captured_queries)


def postgres_answers(url):
    """Return None if PostgreSQL at ``url`` accepts a connection, else the reason."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def run_each(args):
    """Run this script once per database, in a fresh process each (Django configures once)."""
    status = 0
    for database in ("sqlite", "postgres"):
        if database == "postgres":
            reason = postgres_answers(args.postgres_url)
            if reason is not None:
                print(f"\nPostgreSQL skipped: {args.postgres_url} does not answer ({reason})")
                continue
        print(f"\n== {database} ==", flush=True)
        command = [sys.executable, __file__, "--database", database]
        command += ["--iterations", str(args.iterations), "--settings", args.settings]
        command += ["--postgres-url", args.postgres_url, "--products", str(args.products)]
        status = subprocess.call(command) or status
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL
    )
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--settings", default="tests.settings")
    parser.add_argument(
        "--products", type=int, default=PRODUCTS, help="catalog size (smaller: a quick check)"
    )
    args = parser.parse_args()
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")
    if args.products < 100:
        parser.error("--products must be at least 100 (the detail samples 100 products)")
    if args.database == "both":
        return run_each(args)

    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    # The test settings read the database from DATABASE_URL; the scratch database is named by
    # SHOPKIT_TEST_DB_NAME (PostgreSQL) and never the one the URL names.
    os.environ["DATABASE_URL"] = args.postgres_url if args.database == "postgres" else ""
    # Per process, so two runs never share (or drop) each other's scratch database.
    os.environ["SHOPKIT_TEST_DB_NAME"] = f"{SCRATCH_DATABASE}_{os.getpid()}"
    warnings.simplefilter("ignore")  # deprecation noise from test settings is not measured
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DEBUG = False
    named = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" and named == connection.creation._get_test_db_name():
        sys.exit(f"refusing to use {named!r}: it is the database the settings name")
    # autoclobber: a scratch database of this name can only be a leftover of a killed run.
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def run(args):
    """Build the catalog in the scratch database, time every read path and print the table."""
    from django.conf import settings
    from django.urls import resolve, reverse
    from rest_framework.test import APIRequestFactory

    from django_shopkit.catalog.cache import get_cache
    from django_shopkit.loading import get_product_model

    t0 = time.perf_counter()
    products = build_data(args.products)
    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"built {args.products} products in {time.perf_counter() - t0:.1f} s ({engine})")

    factory = APIRequestFactory()
    pages = args.products // PAGE_SIZE
    list_url = reverse("shopkit-product-list")
    list_view = resolve(list_url).func
    sample_ids = [p.pk for p in random.Random(7).sample(products, 100)]
    # URL routing is outside what is timed, for the detail as for the list.
    detail_urls = [reverse("shopkit-product-detail", args=[pk]) for pk in sample_ids]
    detail_view = resolve(detail_urls[0]).func

    def api_list(i):
        page = i % pages + 1
        request = factory.get(list_url, {"page": page, "page_size": PAGE_SIZE})
        return api_request(list_view, request, {})

    def api_detail(i):
        n = i % len(sample_ids)
        request = factory.get(detail_urls[n])
        return api_request(detail_view, request, {"pk": str(sample_ids[n])})

    list_sql, detail_sql = floor_sql(detail=False), floor_sql(detail=True)

    def floor_list(i):
        return floor_request(list_sql, [PAGE_SIZE, (i % pages) * PAGE_SIZE])

    def floor_detail(i):
        return floor_request(detail_sql, [sample_ids[i % len(sample_ids)]])

    # Same rows on both sides, or the comparison means nothing.
    api_ids = [row["id"] for row in json.loads(api_list(3))["results"]]
    floor_ids = [row["id"] for row in json.loads(floor_list(3))]
    assert api_ids == floor_ids, "list and floor return different rows"
    get_cache().clear()

    for fn in (api_list, api_detail, floor_list, floor_detail):  # warm-up
        for i in range(20):
            fn(i)

    # For comparison: the same endpoints with DRF's regular ModelSerializer path.
    plain_list_view, plain_detail_view = plain_drf_views()

    def plain_list(i):
        page = i % pages + 1
        request = factory.get(list_url, {"page": page, "page_size": PAGE_SIZE})
        return api_request(plain_list_view, request, {})

    def plain_detail(i):
        n = i % len(sample_ids)
        return api_request(
            plain_detail_view, factory.get(detail_urls[n]), {"pk": str(sample_ids[n])}
        )

    assert json.loads(plain_list(3)) == json.loads(api_list(3)), "plain DRF output differs"
    assert json.loads(plain_detail(3)) == json.loads(api_detail(3)), "plain DRF output differs"

    empty_view = empty_drf_view()

    def framework_floor(i):
        return api_request(empty_view, factory.get("/"), {})

    product_model = get_product_model()

    def orm_lookup(i):
        # What any detail that honours get_queryset() does before the database is asked:
        # build the filtered queryset and compile its SQL (not executed).
        pk = sample_ids[i % len(sample_ids)]
        queryset = product_model.objects.filter(is_active=True).filter(pk=pk).values("pk")
        return queryset.query.get_compiler(using=queryset.db).as_sql()

    results = {}
    for name, api_fn, floor_fn in (
        ("list (50/page)", api_list, floor_list),
        ("detail", api_detail, floor_detail),
        ("list, plain DRF", plain_list, floor_list),
        ("detail, plain", plain_detail, floor_detail),
        ("empty DRF view", framework_floor, floor_detail),
        ("ORM lookup only", orm_lookup, floor_detail),
    ):
        api_ms, floor_ms = timed_pair(api_fn, floor_fn, args.iterations)
        results[name] = (api_ms, floor_ms, count_queries(api_fn), count_queries(floor_fn))

    print(f"{'read path':<18}{'API median':>12}{'floor median':>14}{'ratio':>8}{'queries':>10}")
    for name, (api_ms, floor_ms, api_q, floor_q) in results.items():
        print(
            f"{name:<18}{api_ms:>9.2f} ms{floor_ms:>11.2f} ms{api_ms / floor_ms:>7.2f}x"
            f"{api_q:>6} vs {floor_q}"
        )
    detail_ms, empty_ms = results["detail"][0], results["empty DRF view"][0]
    print(
        f"detail above the empty DRF view: {detail_ms - empty_ms:.2f} ms"
        f" ({empty_ms / detail_ms:.0%} of the detail is the framework floor)"
    )
    for name in ("list (50/page)", "detail"):
        api_ms, floor_ms = results[name][:2]
        verdict = "within" if api_ms <= TARGET * floor_ms else "OVER"
        print(f"target {name}: {api_ms / floor_ms:.2f}x, {verdict} {TARGET}x of the floor")
    print(
        "('plain' rows: DRF's regular path, for comparison; against the detail floor, 'empty DRF"
        " view' is DRF's cost with no work and 'ORM lookup only' building and compiling the"
        " detail's queryset, not executed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
