"""What the health index announces to the layers above (the tariff's change log), sent inside
the transaction that stored the values."""

from django.dispatch import Signal

# The latest month of one or more base years changed (a new month, or the latest one revised):
# quotes now index with it. Argument: changes, a list of {"base_year", "before", "after"}, each
# side {"month": "YYYY-MM", "value": "123.45"} or {} when the base year had no value.
health_index_latest_changed = Signal()
