"""What the pricing rules announce to the layers above (the tariff's change log), sent inside the
transaction that made the change: a receiver that fails undoes it."""

from django.dispatch import Signal

# A rule was approved: quotes use it from its start. Arguments: rule, approved_by, approved_alone
# (by its own author, as the deployment allows), drafted_at (its last change as a draft), reason
# (written when no impact analysis backs it).
pricing_rule_approved = Signal()
# An approved rule's proposed end was approved (a last day set or moved, or made inactive).
# Arguments: rule, before ({"valid_to", "is_active"} as they were), proposed_by, approved_by,
# approved_alone, reason.
pricing_rule_ended = Signal()
