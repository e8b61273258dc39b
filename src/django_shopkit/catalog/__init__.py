"""The catalog: categories, tags, products, reviews and discounts."""
