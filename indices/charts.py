"""The picture staff read in the admin: the health index over time, one chart per base year."""

import base64
import io
import math
from datetime import date
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")  # No display on servers.
from django.utils.translation import gettext
from matplotlib.dates import date2num
from matplotlib.figure import Figure


def monthly_with_gaps(series: list[tuple[date, Decimal]]) -> tuple[list[date], list[float]]:
    """Every month from the first to the last, NaN where none is stored, so a chart leaves a
    gap instead of drawing a straight line across missing months."""
    if not series:
        return [], []
    values = {month: float(value) for month, value in series}
    months = []
    month = min(values)
    while month <= max(values):
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months, [values.get(m, math.nan) for m in months]


def health_index_chart_png(*, base_year: int, series: list[tuple[date, Decimal]]) -> str:
    """A line chart of one base year's series, as a base64 PNG for an <img> data URL."""
    figure = Figure(figsize=(9, 3), dpi=100, layout="tight")
    axes = figure.subplots()
    months, values = monthly_with_gaps(series)
    axes.plot(date2num(months), values, linewidth=1.5)
    axes.axhline(100, color="grey", linewidth=0.8, linestyle="--")
    axes.set_title(gettext("Health index, base %(year)s = 100") % {"year": base_year})
    axes.xaxis_date()
    axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()
