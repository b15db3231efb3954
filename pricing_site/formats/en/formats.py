"""Belgian formats (see pricing_site.formats) for staff who choose English; amounts as 1,234.56."""

from pricing_site.formats import *  # noqa: F403 - the shared Belgian formats

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
