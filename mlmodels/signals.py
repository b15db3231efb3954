"""What the model registry announces to the layers above (the tariff's change log), sent inside
the transaction that made the change: a receiver that fails undoes it."""

from django.dispatch import Signal

# A version went into production. Arguments: version, retired (the versions it replaced),
# promoted_by, approved_alone (by who trained it, as the deployment allows), reason (written when
# no impact analysis backs it).
model_version_promoted = Signal()
