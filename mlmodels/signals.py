"""What the model registry announces to the layers above (the tariff's change log), sent inside
the transaction that made the change: a receiver that fails undoes it."""

from django.dispatch import Signal

# A version went into production. Arguments: version, retired (the versions it replaced),
# promoted_by.
model_version_promoted = Signal()
