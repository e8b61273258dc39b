import pytest
from django.urls import reverse

from django_shopkit.loading import get_category_model, get_product_model
from tests.factories import make_category, make_discount, make_product, make_tag

pytestmark = pytest.mark.django_db

LIST = "shopkit_catalog:product-list"
DETAIL = "shopkit_catalog:product-detail"


def test_product_list_renders(client, django_assert_max_num_queries):
    mugs = make_category("Mugs")
    product = make_product(name="Blue Mug", price="10.00", category=mugs, tags=["a", "b", "c"])
    make_discount(product, percent="10")
    make_product(name="Hidden", is_active=False)
    # The count, the page (discounts joined, no tags or category) and the sidebar.
    with django_assert_max_num_queries(3):
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Blue Mug" in html
    assert "Hidden" not in html
    assert "9.00" in html  # the current discount price
    assert reverse(DETAIL, kwargs={"slug": product.slug}) in html
    assert "Mugs" in html  # the sidebar
    assert [t.name for t in response.templates][:2] == [
        "django_shopkit/catalog/product_list.html",
        "django_shopkit/base.html",
    ]


def test_product_list_filters_by_category_slug(client):
    mugs, plates = make_category("Mugs"), make_category("Plates")
    make_product(name="Blue Mug", category=mugs)
    make_product(name="Flat Plate", category=plates)
    html = client.get(reverse(LIST), {"category": mugs.slug}).content.decode()
    assert "Blue Mug" in html
    assert "Flat Plate" not in html


def test_product_list_is_page_cached(client, django_assert_num_queries):
    make_product(name="Blue Mug")
    assert "Blue Mug" in client.get(reverse(LIST)).content.decode()
    # Served by cache_page: no query, even though a product changed meanwhile.
    get_product_model()._default_manager.update(name="Renamed")
    with django_assert_num_queries(0):
        html = client.get(reverse(LIST)).content.decode()
    assert "Blue Mug" in html
    assert "max-age" in client.get(reverse(LIST))["Cache-Control"]


def test_product_detail_renders(client, django_assert_max_num_queries):
    product = make_product(name="Blue Mug", description="Nice.", tags=[make_tag("glazed")])
    with django_assert_max_num_queries(5):
        response = client.get(reverse(DETAIL, kwargs={"slug": product.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Blue Mug</h1>" in html
    assert "glazed" in html
    assert "Nice." in html


def test_product_detail_of_inactive_or_unknown_product_is_404(client):
    hidden = make_product(is_active=False)
    assert client.get(reverse(DETAIL, kwargs={"slug": hidden.slug})).status_code == 404
    assert client.get(reverse(DETAIL, kwargs={"slug": "no-such"})).status_code == 404


def test_detail_template_has_a_product_actions_block():
    from django.template.loader import get_template
    from django.template.loader_tags import BlockNode

    template = get_template("django_shopkit/catalog/product_detail.html").template
    blocks = {node.name for node in template.nodelist.get_nodes_by_type(BlockNode)}
    assert {"product_actions", "content", "sidebar", "title"} <= blocks


def test_sidebar_fragment_is_cached_and_invalidated_by_signals(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    category = make_category("Mugs")
    product = make_product(category=category)
    url = reverse(DETAIL, kwargs={"slug": product.slug})
    assert "Mugs (1)" in client.get(url).content.decode().replace('</a> <span class="count">', " ")

    # update() sends no signal: the cached fragment is still served.
    get_category_model()._default_manager.filter(pk=category.pk).update(name="Cups")
    html = client.get(url).content.decode()
    assert ">Mugs</a>" in html
    assert ">Cups</a>" not in html.split("<main>")[0]

    # A save sends post_save: the version changes (on commit) and the fragment is rebuilt.
    category.refresh_from_db()
    category.name = "Beakers"
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
    sidebar = client.get(url).content.decode().split("<main>")[0]
    assert ">Beakers</a>" in sidebar

    # A new product changes the counts, so it invalidates the sidebar too.
    with django_capture_on_commit_callbacks(execute=True):
        make_product(category=category)
    sidebar = client.get(url).content.decode().split("<main>")[0]
    assert '<span class="count">(2)</span>' in sidebar


def test_signed_in_page_is_never_served_to_another_visitor(client, django_user_model):
    from django.test import Client

    make_product(name="Blue Mug")
    alice = django_user_model.objects.create_user(
        username="alice", email="alice@example.com", password="pw-alice-123"
    )
    bob = django_user_model.objects.create_user(
        username="bob", email="bob@example.com", password="pw-bob-1234"
    )
    signed_in = Client()
    signed_in.force_login(alice)
    page = signed_in.get(reverse(LIST))
    assert page.status_code == 200
    assert "Cookie" in page["Vary"]
    # A template that shows the user (the example's nav does) would put this in the page.
    alice_marker = f"{alice.pk}:{alice.get_username()}"

    anonymous = client.get(reverse(LIST))
    assert anonymous.status_code == 200
    assert "Blue Mug" in anonymous.content.decode()
    assert "Cookie" in anonymous["Vary"]

    other = Client()
    other.force_login(bob)
    # Whatever was cached, bob's request renders for bob, never from the shared page cache.
    get_product_model()._default_manager.update(name="Renamed")
    html = other.get(reverse(LIST)).content.decode()
    assert "Renamed" in html
    assert alice_marker not in html
    # And alice's session is not served from the anonymous entry either.
    assert "Renamed" in signed_in.get(reverse(LIST)).content.decode()


def test_page_that_shows_the_user_is_not_cached(client, django_user_model, settings):
    # A host's base template showing the user's e-mail and a CSRF token (the example's nav).
    from django.test import Client

    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "django_shopkit/base.html": (
                                "{% if user.is_authenticated %}<nav>{{ user.email }}"
                                "<form>{% csrf_token %}</form></nav>{% endif %}"
                                "{% block content %}{% endblock %}"
                            )
                        },
                    ),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    settings.TEMPLATES[0].pop("APP_DIRS", None)
    make_product(name="Blue Mug")
    alice = django_user_model.objects.create_user(
        username="alice", email="alice@example.com", password="pw-alice-123"
    )
    signed_in = Client()
    signed_in.force_login(alice)
    html = signed_in.get(reverse(LIST)).content.decode()
    assert "alice@example.com" in html
    assert "csrfmiddlewaretoken" in html
    for _ in range(2):  # the first anonymous response is cached, the second served from it
        anonymous_html = client.get(reverse(LIST)).content.decode()
        assert "Blue Mug" in anonymous_html
        assert "alice@example.com" not in anonymous_html
        assert "csrfmiddlewaretoken" not in anonymous_html
