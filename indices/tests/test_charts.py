"""The admin's health-index chart leaves gaps where months are missing."""

import math
from datetime import date
from decimal import Decimal

from indices.charts import monthly_with_gaps


def test_missing_months_become_gaps_not_straight_lines():
    series = [(date(2025, 11, 1), Decimal("130")), (date(2026, 2, 1), Decimal("133"))]

    months, values = monthly_with_gaps(series)

    assert months == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert [values[0], values[3]] == [130, 133]
    assert [math.isnan(v) for v in values] == [False, True, True, False]
