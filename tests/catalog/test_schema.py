"""The OpenAPI schema of the catalog API (drf-spectacular, generated in a subprocess)."""

import pytest

from tests.catalog.helpers import registered_product_fields, registered_product_viewset
from tests.openapi import generate

pytest.importorskip("drf_spectacular")

SCRIPT = """
names = {
    "list": ("shopkit-product-list", []),
    "detail": ("shopkit-product-detail", [1]),
    "featured": ("shopkit-product-featured", []),
    "mine": ("shopkit-product-mine", []),
    "reviews": ("shopkit-product-reviews", [1]),
    "categories": ("shopkit-category-list", []),
    "popular": ("shopkit-category-popular", []),
    "tags": ("shopkit-tag-list", []),
}
paths = {
    key: schema["paths"][reverse(name, args=args).replace("/1/", "/{id}/")]
    for key, (name, args) in names.items()
}
warnings = [str(w) for w in GENERATOR_STATS._warn_cache if "django_shopkit/catalog" in str(w)]
print(json.dumps({"paths": paths, "components": schema["components"]["schemas"],
                  "warnings": warnings}, default=str))
"""


@pytest.fixture(scope="module")
def generated():
    return generate(SCRIPT)


def ref_request(operation):
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return schema["$ref"].rsplit("/", 1)[1]


def ref(response):
    schema = response["content"]["application/json"]["schema"]
    if schema.get("type") == "array":
        return ["array", schema["items"]["$ref"].rsplit("/", 1)[1]]
    return schema["$ref"].rsplit("/", 1)[1]


def test_no_schema_warnings_for_the_catalog(generated):
    assert generated["warnings"] == []


@pytest.mark.django_db
def test_product_endpoints(generated):
    paths = generated["paths"]
    # The host's serializer (behavioural configuration: BehaveProductSerializer) is described.
    name = registered_product_viewset().serializer_class.__name__.removesuffix("Serializer")
    assert ref(paths["list"]["get"]["responses"]["200"]) == f"Paginated{name}List"
    assert ref(paths["detail"]["get"]["responses"]["200"]) == name
    # What the other product responses are serialized with: the host's read serializer too.
    assert ref(paths["mine"]["get"]["responses"]["200"]) == f"Paginated{name}List"
    assert ref(paths["featured"]["get"]["responses"]["200"]) == ["array", name]
    assert ref(paths["list"]["post"]["responses"]["201"]) == name
    assert ref(paths["detail"]["patch"]["responses"]["200"]) == name
    assert ref(paths["detail"]["put"]["responses"]["200"]) == name
    # Writes take the host's write serializer.
    write = registered_product_viewset().write_serializer_class.__name__
    assert ref_request(paths["list"]["post"]) == write.removesuffix("Serializer")
    assert ref(paths["reviews"]["get"]["responses"]["200"]) == "PaginatedReviewList"
    assert ref(paths["reviews"]["post"]["responses"]["201"]) == "Review"
    params = {p["name"] for p in paths["list"]["get"]["parameters"]}
    assert {"min_price", "max_price", "category", "tags", "in_stock", "featured"} <= params
    assert {"search", "ordering", "page", "page_size"} <= params


def test_category_and_tag_endpoints(generated):
    paths = generated["paths"]
    assert ref(paths["categories"]["get"]["responses"]["200"]) == "PaginatedCategoryList"
    assert ref(paths["popular"]["get"]["responses"]["200"]) == ["array", "PopularCategory"]
    assert ref(paths["tags"]["get"]["responses"]["200"]) == "PaginatedTagList"


def test_product_fields(generated):
    name = registered_product_viewset().serializer_class.__name__.removesuffix("Serializer")
    product = generated["components"][name]["properties"]
    assert set(product) == set(registered_product_fields())
    assert set(product) >= {
        "id", "name", "slug", "description", "price", "discount_price", "stock", "category",
        "category_name", "tags", "average_rating", "review_count", "is_featured", "created_at",
    }  # fmt: skip
    assert product["discount_price"]["nullable"] is True
    assert product["tags"]["type"] == "array"
