"""Split settings: ``base`` is shared; pick ``development``, ``production`` or ``test``."""
