"""Benchmark the catalog's read path against the data floor, in-process, in one run.

Run from the repository root (``make bench`` does the same)::

    .venv/bin/python benchmarks/catalog_bench.py [--database postgres|sqlite]
        [--products 5000] [--scale 500000] [--iterations 200] [--settings tests.settings]

On PostgreSQL by default (``--postgres-url``, default ``$DATABASE_URL`` or the local server;
SQLite in memory with ``--database sqlite``), it creates a scratch database with Django's test
database machinery (``shopkit_bench_<pid>``, dropped at the end), builds ``--products``
products (20 categories, 200 tags with 3 per product, 0-5 reviews each, a fifth discounted)
and times, through the real URL's view (``resolve()`` + the ViewSet + rendering to JSON;
Django middleware excluded), alternating with the floor so load hits both:

* ``list (50/page)``: the product list, page-number pagination, a random page each time;
* ``detail``: one product;
* ``cached anon list``: the same list pages for an anonymous visitor with
  ``SHOPKIT_API_CACHE_TIMEOUT`` on, every page already cached;
* ``cursor list``: the list with ``ShopkitCursorPagination``, from a random point of the
  catalog each time (deep pages included);

against the data floor: the same rows read with one hand-written SQL query (the page's ids
first, then the joins) and dumped with ``json.dumps``. With ``--scale N`` it then grows the
catalog to N products (bulk inserts, no reviews for the new ones) and times the cursor list
again: its median at N against its median at ``--products``.

It prints medians, queries per request, each ratio and whether it is within its target, and the
machine's load average before and after timing (the ratios grow with it).
"""

import argparse
import base64
import json
import os
import random
import statistics
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "src"))

PRODUCTS = 5000
CATEGORIES = 20
TAGS = 200
PAGE_SIZE = 50
BATCH = 5000
#: Most a read path may cost, as a multiple of its floor (or, for the scale, of itself).
TARGETS = {
    "list (50/page)": 3.0,
    "detail": 3.0,
    "cached anon list": 1.5,
}
SCALE_TARGET = 1.3
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SCRATCH_DATABASE = "shopkit_bench"
CURSOR_PAGINATION = "django_shopkit.pagination.ShopkitCursorPagination"


def models():
    from django_shopkit.loading import (
        get_category_model,
        get_discount_model,
        get_product_model,
        get_review_model,
        get_tag_model,
    )

    return (
        get_category_model(),
        get_tag_model(),
        get_product_model(),
        get_review_model(),
        get_discount_model(),
    )


def build_base():
    """Create the users, categories and tags every product draws from."""
    from django.contrib.auth import get_user_model

    category_model, tag_model, *_ = models()
    user_model = get_user_model()
    users = user_model._default_manager.bulk_create(
        [user_model(**{user_model.USERNAME_FIELD: f"bench{i}"}) for i in range(5)]
    )
    categories = category_model._default_manager.bulk_create(
        [category_model(name=f"Category {i}", slug=f"category-{i}") for i in range(CATEGORIES)]
    )
    tags = tag_model._default_manager.bulk_create(
        [tag_model(name=f"tag {i}", slug=f"tag-{i}") for i in range(TAGS)]
    )
    return users, categories, tags


def add_products(start, stop, base, *, reviews):
    """Insert products ``start`` to ``stop`` (numbers) with tags and discounts, in batches."""
    _category_model, _tag_model, product_model, review_model, discount_model = models()
    users, categories, tags = base
    rng = random.Random(start)
    through = product_model.tags.through
    product_field = product_model.tags.field.m2m_field_name()
    tag_field = product_model.tags.field.m2m_reverse_field_name()
    manager = product_model._default_manager
    for low in range(start, stop, BATCH):
        products = manager.bulk_create(
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
                for i in range(low, min(stop, low + BATCH))
            ]
        )
        through._default_manager.bulk_create(
            [
                through(**{f"{product_field}_id": p.pk, f"{tag_field}_id": t.pk})
                for p in products
                for t in rng.sample(tags, 3)
            ]
        )
        discount_model._default_manager.bulk_create(
            [discount_model(product=p, percent=Decimal(rng.randint(5, 50))) for p in products[::5]]
        )
        if reviews:
            review_model._default_manager.bulk_create(
                [
                    review_model(product=p, user=u, rating=rng.randint(1, 5), comment="ok")
                    for p in products
                    for u in rng.sample(users, rng.randint(0, 5))
                ]
            )


def spread_creation_times():
    """Give products distinct creation times, a minute apart in id order (newest last)."""
    from django.db import connection

    _, _, product_model, _, _ = models()
    table = connection.ops.quote_name(product_model._meta.db_table)
    # auto_now_add gave every row of a batch the same time; a real catalog's differ. One
    # UPDATE in this scratch database (bulk_update would take minutes at scale).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} "
                "SET created_at = TIMESTAMPTZ '2020-01-01' + id * INTERVAL '1 minute'"
            )
            # The UPDATE left a dead copy of every row and index entry: rewrite the table, as
            # a catalog built over time would be laid out.
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
        else:
            cursor.execute(
                f"UPDATE {table} SET created_at = "
                f"strftime('%Y-%m-%d %H:%M:%S', '2020-01-01', '+' || id || ' minutes')"
            )
            cursor.execute("ANALYZE")


def analyze():
    """Give the planner statistics of the tables bulk inserts grew, as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_data(count):
    from django.db import connection

    from django_shopkit.catalog.services import get_catalog_service

    base = build_base()
    add_products(0, count, base, reviews=True)
    analyze()
    # bulk_create sends no signals: store the rating figures and tag names signals keep current.
    get_catalog_service().refresh_ratings()
    get_catalog_service().refresh_tag_names()
    spread_creation_times()
    _, _, product_model, _, _ = models()
    del connection  # only the helpers above touch it directly
    return base, list(product_model._default_manager.values_list("pk", flat=True))


def floor_sql(kind):
    """Return one hand-written SQL query for a page (or one product) with everything shown."""
    category, tag, product, _review, discount = models()
    through = product.tags.through
    p_col = product.tags.field.m2m_column_name()
    t_col = product.tags.field.m2m_reverse_name()
    pages = {
        "page": "SELECT id FROM {p} WHERE is_active "
        "ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s",
        "cursor": "SELECT id FROM {p} WHERE is_active AND created_at < %s "
        "ORDER BY created_at DESC, id DESC LIMIT %s",
        "detail": "SELECT id FROM {p} WHERE id = %s AND is_active",
    }
    page = pages[kind].format(p=product._meta.db_table)
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


def count_queries(fn, i=0):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn(i)
    return len(ctx.captured_queries)


def load_average():
    """Return the machine's 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    if not hasattr(os, "getloadavg"):  # Windows
        return "unknown"
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def cursor_token(position):
    """Return DRF's cursor for "the rows after ``position``" (its own encoding)."""
    query = urlencode({"p": position}, doseq=True)
    return base64.b64encode(query.encode("ascii")).decode("ascii")


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL
    )
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--settings", default="tests.settings")
    parser.add_argument(
        "--products", type=int, default=PRODUCTS, help="catalog size (smaller: a quick check)"
    )
    parser.add_argument(
        "--scale", type=int, default=0, help="then grow the catalog to this size (cursor list)"
    )
    args = parser.parse_args()
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")
    if args.products < 100:
        parser.error("--products must be at least 100 (the detail samples 100 products)")
    if args.scale and args.scale <= args.products:
        parser.error("--scale must be larger than --products")
    if args.database == "postgres":
        reason = postgres_answers(args.postgres_url)
        if reason is not None:
            sys.exit(
                f"PostgreSQL at {args.postgres_url} does not answer ({reason}); "
                "set --postgres-url or run with --database sqlite"
            )

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


class Endpoints:
    """The API calls and their floors on the catalog as it is now."""

    def __init__(self, product_ids):
        from django.urls import resolve, reverse
        from rest_framework.test import APIRequestFactory

        _, _, product_model, _, _ = models()
        self.factory = APIRequestFactory()
        self.pages = max(1, len(product_ids) // PAGE_SIZE)
        self.list_url = reverse("shopkit-product-list")
        self.list_view = resolve(self.list_url).func
        self.sample_ids = random.Random(7).sample(product_ids, 100)
        self.detail_urls = [reverse("shopkit-product-detail", args=[pk]) for pk in self.sample_ids]
        self.detail_view = resolve(self.detail_urls[0]).func
        # Cursor positions spread over the whole catalog, deep pages included.
        times = product_model._default_manager.order_by("?").values_list("created_at", flat=True)
        self.positions = list(times[:100])
        self.sql = {kind: floor_sql(kind) for kind in ("page", "cursor", "detail")}

    def list(self, i):
        page = i % self.pages + 1
        request = self.factory.get(self.list_url, {"page": page, "page_size": PAGE_SIZE})
        return api_request(self.list_view, request, {})

    def detail(self, i):
        n = i % len(self.sample_ids)
        request = self.factory.get(self.detail_urls[n])
        return api_request(self.detail_view, request, {"pk": str(self.sample_ids[n])})

    def cursor_list(self, i):
        # DRF's own cursor position is str() of the ordering field's value.
        cursor = cursor_token(str(self.positions[i % len(self.positions)]))
        request = self.factory.get(self.list_url, {"cursor": cursor, "page_size": PAGE_SIZE})
        return api_request(self.list_view, request, {})

    def floor_list(self, i):
        return floor_request(self.sql["page"], [PAGE_SIZE, (i % self.pages) * PAGE_SIZE])

    def floor_cursor_list(self, i):
        from django.db import connection

        position = connection.ops.adapt_datetimefield_value(self.positions[i % len(self.positions)])
        return floor_request(self.sql["cursor"], [position, PAGE_SIZE])

    def floor_detail(self, i):
        return floor_request(self.sql["detail"], [self.sample_ids[i % len(self.sample_ids)]])


def measure(pairs, iterations):
    """Time each (name, api, floor) pair; return name -> (api ms, floor ms, queries, floor q)."""
    results = {}
    for name, api_fn, floor_fn in pairs:
        for i in range(min(20, iterations)):  # warm-up: caches, connections, plans
            api_fn(i)
            floor_fn(i)
        api_ms, floor_ms = timed_pair(api_fn, floor_fn, iterations)
        results[name] = (api_ms, floor_ms, count_queries(api_fn, 1), count_queries(floor_fn, 1))
    return results


def report(results):
    print(f"{'read path':<20}{'API median':>12}{'floor median':>14}{'ratio':>8}{'queries':>10}")
    for name, (api_ms, floor_ms, api_q, floor_q) in results.items():
        print(
            f"{name:<20}{api_ms:>9.2f} ms{floor_ms:>11.2f} ms{api_ms / floor_ms:>7.2f}x"
            f"{api_q:>6} vs {floor_q}"
        )


def run(args):
    """Build the catalog in the scratch database, time every read path and print the table."""
    from django.test.utils import override_settings

    # Uncached reads unless a measurement turns the response cache on (whatever the settings).
    with override_settings(SHOPKIT_API_CACHE_TIMEOUT=0):
        return run_uncached(args)


def run_uncached(args):
    from django.conf import settings
    from django.test.utils import override_settings

    from django_shopkit.catalog.cache import get_cache
    from django_shopkit.catalog.services import get_catalog_service

    t0 = time.perf_counter()
    base, product_ids = build_data(args.products)
    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"built {args.products} products in {time.perf_counter() - t0:.1f} s ({engine})")
    print(f"load average before timing: {load_average()}")
    ends = Endpoints(product_ids)

    # Same rows and tags on both sides, or the comparison means nothing.
    api_rows = [(row["id"], row["tags"]) for row in json.loads(ends.list(3))["results"]]
    assert api_rows == [(row["id"], row["tags"]) for row in json.loads(ends.floor_list(3))]
    with override_settings(SHOPKIT_PRODUCT_PAGINATION_CLASS=CURSOR_PAGINATION):
        api_rows = [(row["id"], row["tags"]) for row in json.loads(ends.cursor_list(3))["results"]]
    assert api_rows == [(row["id"], row["tags"]) for row in json.loads(ends.floor_cursor_list(3))]
    get_cache().clear()

    results = measure(
        [
            ("list (50/page)", ends.list, ends.floor_list),
            ("detail", ends.detail, ends.floor_detail),
        ],
        args.iterations,
    )
    with override_settings(SHOPKIT_API_CACHE_TIMEOUT=3600):
        for i in range(ends.pages):  # every page cached before timing: hits only
            ends.list(i)
        results.update(measure([("cached anon list", ends.list, ends.floor_list)], args.iterations))
    with override_settings(SHOPKIT_PRODUCT_PAGINATION_CLASS=CURSOR_PAGINATION):
        results.update(
            measure([("cursor list", ends.cursor_list, ends.floor_cursor_list)], args.iterations)
        )
    report(results)
    print(f"load average after timing: {load_average()}")
    for name, target in TARGETS.items():
        api_ms, floor_ms = results[name][:2]
        verdict = "within" if api_ms <= target * floor_ms else "OVER"
        print(f"target {name}: {api_ms / floor_ms:.2f}x, {verdict} {target}x of the floor")

    if args.scale:
        t0 = time.perf_counter()
        add_products(args.products, args.scale, base, reviews=False)
        analyze()
        get_catalog_service().refresh_tag_names()
        spread_creation_times()
        _, _, product_model, _, _ = models()
        scaled = Endpoints(list(product_model._default_manager.values_list("pk", flat=True)))
        print(f"\ngrew the catalog to {args.scale} products in {time.perf_counter() - t0:.1f} s")
        with override_settings(SHOPKIT_PRODUCT_PAGINATION_CLASS=CURSOR_PAGINATION):
            at_scale = measure(
                [(f"cursor list @{args.scale}", scaled.cursor_list, scaled.floor_cursor_list)],
                args.iterations,
            )
        report(at_scale)
        small, large = results["cursor list"][0], at_scale[f"cursor list @{args.scale}"][0]
        verdict = "within" if large <= SCALE_TARGET * small else "OVER"
        print(
            f"target cursor list at {args.scale} vs {args.products}: {large / small:.2f}x, "
            f"{verdict} {SCALE_TARGET}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
