"""Pluggable e-commerce apps for Django."""

__version__ = "0.1.0.dev0"
