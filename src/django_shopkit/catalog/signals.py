"""Signal handlers of the catalog (cache invalidation)."""


def connect_handlers() -> None:
    """Connect the catalog's receivers to the host's concrete models."""
