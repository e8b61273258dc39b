"""Payment gateways shipped with shopkit: ``dummy`` (development, tests, demo) and ``stripe``."""
