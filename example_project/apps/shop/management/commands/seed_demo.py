"""``manage.py seed_demo``: fill the shop with demo data; running it again adds nothing twice."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from django_shopkit.catalog.cache import invalidate_categories
from django_shopkit.catalog.services import get_catalog_service
from django_shopkit.loading import (
    get_category_model,
    get_discount_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)

STAFF = ("admin@example.com", "shopkit-admin")
CUSTOMER = ("customer@example.com", "shopkit-customer")
REVIEWERS = [f"reviewer{n}@example.com" for n in range(1, 6)]

#: Top-level category -> subcategories.
CATEGORIES = {
    "Outdoor": ["Camping", "Climbing", "Cycling"],
    "Kitchen": ["Cookware", "Knives", "Coffee"],
    "Office": ["Desks", "Lighting", "Stationery"],
    "Audio": ["Headphones", "Speakers"],
}
TAGS = ["eco", "bestseller", "new", "handmade", "gift", "limited", "sale", "premium"]
BRANDS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell"]
ADJECTIVES = [
    "Compact", "Deluxe", "Classic", "Ultralight", "Rugged", "Smart", "Vintage", "Pro",
    "Mini", "Essential", "Modular", "Silent", "Heavy-duty", "Travel", "Everyday",
]  # fmt: skip
NOUNS = {
    "Camping": ["Tent", "Sleeping Bag", "Lantern", "Stove"],
    "Climbing": ["Harness", "Rope", "Chalk Bag", "Carabiner"],
    "Cycling": ["Helmet", "Bike Light", "Pump", "Saddle Bag"],
    "Cookware": ["Skillet", "Saucepan", "Dutch Oven", "Wok"],
    "Knives": ["Chef Knife", "Paring Knife", "Bread Knife", "Sharpener"],
    "Coffee": ["Grinder", "Pour-over Kettle", "French Press", "Espresso Cups"],
    "Desks": ["Standing Desk", "Monitor Arm", "Desk Mat", "Cable Tray"],
    "Lighting": ["Desk Lamp", "Light Bar", "Floor Lamp", "LED Strip"],
    "Stationery": ["Notebook", "Fountain Pen", "Planner", "Pencil Set"],
    "Headphones": ["Headphones", "Earbuds", "Headphone Stand", "DAC"],
    "Speakers": ["Bookshelf Speakers", "Soundbar", "Subwoofer", "Portable Speaker"],
}
COMMENTS = [
    "Does exactly what it says.",
    "Great value for the price.",
    "Solid build, would buy again.",
    "Arrived quickly, works well.",
    "Not bad, but the manual is thin.",
]


class Command(BaseCommand):
    help = (
        "Create demo categories, tags, products, reviews, discounts, two users and the "
        "customer's addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=300, help="How many products (default 300)."
        )

    @transaction.atomic
    def handle(self, *args, products, **options):
        # One generator per step, each seeded alike, so a rerun makes the same choices in every
        # step whatever an earlier step skipped: the same shop, every time.
        def rng():
            return random.Random(20261124)

        staff, customer = self._users()
        addresses = self._addresses(customer)
        categories = self._categories()
        tags = self._tags()
        created = self._products(rng(), products, categories, tags, staff)
        reviews = self._reviews(rng())
        discounts = self._discounts(rng())
        # bulk_create sends no signals, so nothing above refreshed the stored rating figures
        # and tag names or told the catalog cache that products, discounts and category
        # counts changed.
        get_catalog_service().refresh_ratings()
        get_catalog_service().refresh_tag_names()
        invalidate_categories()  # also invalidates the cached products
        totals = (
            f"{get_category_model().objects.count()} categories, "
            f"{get_tag_model().objects.count()} tags, "
            f"{get_product_model().objects.count()} products ({created} new), "
            f"{get_review_model().objects.count()} reviews ({reviews} new), "
            f"{get_discount_model().objects.count()} discounts ({discounts} new), "
            f"{addresses} addresses"
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {totals}."))
        self.stdout.write(f"Staff (admin at /admin/): {STAFF[0]} / {STAFF[1]}")
        self.stdout.write(f"Customer:                 {CUSTOMER[0]} / {CUSTOMER[1]}")

    def _addresses(self, customer):
        """Give the customer an address book: home in Germany, work in Austria."""
        from django_shopkit.loading import get_address_model

        book = get_address_model().objects
        wanted = [
            {
                "name": "Carl Customer",
                "line1": "Unter den Linden 1",
                "postcode": "10117",
                "city": "Berlin",
                "country": "DE",
            },
            {
                "name": "Carl Customer",
                "line1": "Stephansplatz 3",
                "postcode": "1010",
                "city": "Wien",
                "country": "AT",
            },
        ]
        for fields in wanted:
            book.get_or_create(user=customer, line1=fields["line1"], defaults=fields)
        return book.filter(user=customer).count()

    def _users(self):
        User = get_user_model()
        # The passwords are reset on every run so the printed credentials always work.
        staff = User.objects.filter(email__iexact=STAFF[0]).first()
        if staff is None:
            staff = User.objects.create_superuser(STAFF[0], STAFF[1], first_name="Ada")
        else:
            staff.set_password(STAFF[1])
            staff.save(update_fields=["password"])
        customer = User.objects.filter(email__iexact=CUSTOMER[0]).first()
        if customer is None:
            customer = User.objects.create_user(CUSTOMER[0], CUSTOMER[1], first_name="Carl")
        else:
            customer.set_password(CUSTOMER[1])
            customer.save(update_fields=["password"])
        for email in REVIEWERS:
            if not User.objects.filter(email__iexact=email).exists():
                User.objects.create_user(email, None)  # no usable password: reviews only
        return staff, customer

    def _categories(self):
        Category = get_category_model()
        leaves = []
        for position, (name, children) in enumerate(CATEGORIES.items()):
            parent, _ = Category.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "position": position}
            )
            for child_position, child in enumerate(children):
                category, _ = Category.objects.get_or_create(
                    slug=slugify(child),
                    defaults={"name": child, "parent": parent, "position": child_position},
                )
                leaves.append(category)
        return leaves

    def _tags(self):
        Tag = get_tag_model()
        return [
            Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in TAGS
        ]

    def _products(self, rng, count, categories, tags, owner):
        Product = get_product_model()
        planned = []
        for index in range(count):
            category = categories[index % len(categories)]
            noun = rng.choice(NOUNS[category.name])
            brand = rng.choice(BRANDS)
            name = f"{brand} {rng.choice(ADJECTIVES)} {noun} {index + 1:03d}"
            planned.append(
                Product(
                    name=name,
                    slug=slugify(name),
                    brand=brand,
                    description=f"The {name.lower()}: {noun.lower()} by {brand}, demo item.",
                    price=Decimal(rng.randrange(1200, 49900)) / 100,
                    stock=rng.choice([0, 3, 10, 25, 50, 100]),
                    category=category,
                    is_featured=index % 25 == 0,
                    created_by=owner,
                )
            )
        existing = set(
            Product.objects.filter(slug__in=[p.slug for p in planned]).values_list(
                "slug", flat=True
            )
        )
        new = [p for p in planned if p.slug not in existing]
        # bulk_create skips save(), so the slugs above are set by hand (unique by the index).
        Product.objects.bulk_create(new, batch_size=500)
        new_slugs = [p.slug for p in new]
        Through = Product.tags.through
        links = []
        for product in Product.objects.filter(slug__in=new_slugs).only("pk"):
            for tag in rng.sample(tags, rng.randint(0, 3)):
                links.append(Through(**{"product_id": product.pk, "tag_id": tag.pk}))
        Through.objects.bulk_create(links, ignore_conflicts=True)
        return len(new)

    def _reviews(self, rng):
        User = get_user_model()
        Product, Review = get_product_model(), get_review_model()
        reviewers = list(User.objects.filter(email__in=REVIEWERS))
        product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        before = Review.objects.count()
        reviews = []
        for product_id in product_ids:
            for user in rng.sample(reviewers, rng.randint(0, 3)):
                reviews.append(
                    Review(
                        product_id=product_id,
                        user=user,
                        rating=rng.randint(2, 5),
                        comment=rng.choice(COMMENTS),
                    )
                )
        # One review per user and product: reruns hit the unique constraint and skip.
        Review.objects.bulk_create(reviews, ignore_conflicts=True, batch_size=500)
        return Review.objects.count() - before

    def _discounts(self, rng):
        Product, Discount = get_product_model(), get_discount_model()
        now = timezone.now()
        before = Discount.objects.count()
        discounts = [
            Discount(
                product_id=product_id,
                percent=Decimal(rng.choice([10, 15, 20, 25, 30])),
                starts_at=now - timezone.timedelta(days=1),
                ends_at=now + timezone.timedelta(days=rng.randint(7, 60)),
            )
            for product_id in Product.objects.order_by("pk").values_list("pk", flat=True)[::7]
        ]
        Discount.objects.bulk_create(discounts, ignore_conflicts=True)
        return Discount.objects.count() - before
