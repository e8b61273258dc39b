"""Abstract catalog models; the host project subclasses each one in an app of its own.

Relations between shopkit models point at the model settings (``SHOPKIT_CATEGORY_MODEL`` ...),
so the host's concrete classes wire up to each other. Relations to the user model use
``%(app_label)s_%(class)s`` related names, so two host apps never clash on the user.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_shopkit.catalog.managers import ProductManager
from django_shopkit.catalog.querysets import ProductQuerySet
from django_shopkit.catalog.slugs import unique_slug
from django_shopkit.loading import relation_target
from django_shopkit.money import quantize

__all__ = [
    "REVIEW_EXISTS_MESSAGE",
    "STORED_AGGREGATES",
    "AbstractCategory",
    "AbstractDiscount",
    "AbstractProduct",
    "AbstractReview",
    "AbstractTag",
    "SluggedModel",
]

_SLUG_RETRIES = 3

#: The error of a second review of one product by one user (the unique constraint's).
REVIEW_EXISTS_MESSAGE = _("You have already reviewed this product.")

#: Product columns kept current from other rows; a product's own ``save()`` never writes them
#: back unless ``update_fields`` names them.
STORED_AGGREGATES = frozenset({"average_rating", "review_count", "tag_names"})


class SluggedModel(models.Model):
    """Fill an empty ``slug`` from ``name``, unique even when two rows share a name."""

    name: Any
    slug: Any

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, generating a unique slug first when none is set."""
        if self.slug:
            super().save(*args, **kwargs)
            return
        # Two concurrent saves can pick the same free slug; the unique index rejects one of
        # them, which then picks again inside a savepoint instead of failing the request.
        for attempt in range(_SLUG_RETRIES):
            self.slug = unique_slug(self, self.name)
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                if attempt == _SLUG_RETRIES - 1:
                    raise
                self.slug = ""


class AbstractCategory(SluggedModel):
    """A product category; an optional parent makes a shallow tree."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class AbstractTag(SluggedModel):
    """A free label on products."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class AbstractProduct(SluggedModel):
    """A product for sale; rating figures and tag names are stored here and kept current."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=250, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    #: Optional; weight-based shipping adds it up (a product without one weighs nothing).
    weight = models.DecimalField(
        _("weight"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the unit your shipping rates use (kg, lb...)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    category = models.ForeignKey(
        relation_target("CATEGORY_MODEL"),
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    tags: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        relation_target("TAG_MODEL"), verbose_name=_("tags"), blank=True, related_name="products"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_created",
    )
    # Denormalised from the reviews so lists need no aggregate over the review table.
    average_rating = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    review_count = models.PositiveIntegerField(_("review count"), default=0, editable=False)
    # Denormalised from the tags (kept by the catalog's signal handlers) so lists need no
    # tag query and no tag instances; ``product.tags`` stays the relation to edit and read.
    tag_names = models.JSONField(
        _("tag names"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The names of the product's tags, in tag order."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProductManager.from_queryset(ProductQuerySet)()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        # The slug's unique constraint already indexes it. The list's orderings and its
        # category filter each have one: newest first, by name, a category's newest first.
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["name"]),
            models.Index(fields=["category", "created_at"]),
            models.Index(fields=["category", "is_active"]),
            models.Index(fields=["is_featured", "is_active"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="%(app_label)s_%(class)s_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="%(app_label)s_%(class)s_stock_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; an update without ``update_fields`` leaves the stored aggregates alone.

        ``average_rating``, ``review_count`` and ``tag_names`` are kept current from the
        reviews and the tags: writing back the values this instance was loaded with would undo
        a review or a tag change committed meanwhile. Name them in ``update_fields`` to write
        them.
        """
        updating = not (self._state.adding or args or kwargs.get("force_insert"))
        if updating and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in STORED_AGGREGATES
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)


class AbstractReview(models.Model):
    """One user's rating (1-5) and comment on one product."""

    product = models.ForeignKey(
        relation_target("PRODUCT_MODEL"),
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user"],
                name="%(app_label)s_%(class)s_one_per_user",
                violation_error_message=REVIEW_EXISTS_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="%(app_label)s_%(class)s_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"


class AbstractDiscount(models.Model):
    """A percentage off one product's price, optionally limited in time."""

    product = models.OneToOneField(
        relation_target("PRODUCT_MODEL"),
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="discount",
    )
    percent = models.DecimalField(
        _("percent"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)

    class Meta:
        abstract = True
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="%(app_label)s_%(class)s_percent_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}%"

    def is_current(self, now: datetime.datetime | None = None) -> bool:
        """Return whether the discount applies at ``now`` (default: the current time)."""
        now = now or timezone.now()
        if self.starts_at is not None and now < self.starts_at:
            return False
        return self.ends_at is None or now < self.ends_at

    def apply(self, price: Decimal) -> Decimal:
        """Return ``price`` less this discount, quantized to the currency."""
        return quantize(price * (Decimal(100) - self.percent) / Decimal(100))

    def price_for(
        self,
        product: Any,
        request: HttpRequest | None = None,
        now: datetime.datetime | None = None,
    ) -> Decimal | None:
        """Return ``product``'s price after this discount, or ``None`` when it does not apply.

        The one pricing hook: the product API, the storefront, the cart and orders all call
        it. ``request`` is the current request when there is one (API, storefront), else
        ``None`` (cart and order totals). Override this, or ``is_current()``/``apply()``,
        for rules of your own; the discount is loaded with its product (``self.product``
        costs no query on list pages).
        """
        if not self.is_current(now):
            return None
        return self.apply(product.price)
