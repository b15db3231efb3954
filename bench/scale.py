"""The stored quotes at a broker's scale: the quote table filled with millions of generated quotes
in bulk, then what reads or grows it measured on it (`make bench` runs it after the endpoints).

    python -m bench.scale fill --rows 5000000     # in the harness's environment
    python -m bench.scale retention               # the daily retention task, timed

`fill` copies generated quotes into the table with PostgreSQL's COPY, modelled on the last quote
the service stored (its steps, references and models): zipcodes and their risk classes from the
zipcode table, brands from the catalogue (and an alias, and brands it does not know), drivers,
powers and bonus-malus spread as a portfolio's, created evenly over the retention period and one
day more (so the daily retention task has one day of quotes to anonymise, as in production).
The model's indexes are built after the copy, as a restore would, then the table is analysed
and checkpointed.
"""

import argparse
import datetime
import json
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

from bench.report import ADMIN_VIEWS
from bench.runner import ROOT, wrk
from bench.targets import QUOTE, admin_timings, run_after_floors

CONNECTIONS = 16

# What the admin's quote list is asked at scale: (label, query string).
ADMIN_QUOTE_LIST = "/admin/tariffs/quote/"
ADMIN_QUERIES = [
    ("the list, first page", {}),
    ("the list, page 100", {"p": "100"}),
    ("search by zipcode (9000)", {"q": "9000"}),
    ("search by brand (VW: Volkswagen and its alias)", {"q": "VW"}),
    ("search by a brand nobody quoted (Trabant)", {"q": "Trabant"}),
    ("search by a quote date", {"q": "DAY"}),
    ("search by a month of quote dates", {"q": "MONTH"}),
    ("filter: risk class A", {"risk_class": "A"}),
    ("filter: quote date in the past 7 days", {"quote_date__gte": "WEEK_AGO"}),
    ("filter: anonymised quotes", {"anonymised_at__isnull": "False"}),
]
UNKNOWN_BRANDS = ("Lada", "Tata", "Wartburg")


def quotes_fill(rows: int, seed: int = 0) -> dict[str, Any]:
    """Copy *rows* generated quotes into the quote table (see the module's docstring)."""
    from django.db import connection
    from django.utils import timezone

    from strategies.models import Brand, BrandAlias
    from tariffs.models import Quote
    from zipcodes.models import RiskClass, Zipcode

    template = Quote.objects.latest("pk")
    factors = dict(RiskClass.objects.values_list("code", "factor"))
    zipcodes = list(Zipcode.objects.values_list("code", "risk_class_id"))
    brands = [*Brand.objects.values_list("name", flat=True)]
    brands += [*BrandAlias.objects.values_list("alias", flat=True), *UNKNOWN_BRANDS]
    fields = [field for field in Quote._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    base = {
        field.attname: field.get_db_prep_value(getattr(template, field.attname), connection)
        for field in fields
    }
    breakdowns = {
        code: zone_breakdown(template.breakdown, code, risk_class, factors[risk_class])
        for code, risk_class in zipcodes
    }
    rng = random.Random(seed)
    now = timezone.now()
    days = retention_days(now) + 1
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        for index in Quote._meta.indexes:
            editor.remove_index(Quote, index)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {Quote._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for number in range(rows):
            created = now - datetime.timedelta(seconds=days * 86400 * (number + 0.5) / rows)
            code, risk_class = rng.choice(zipcodes)
            inputs = {
                **template.inputs,
                "zipcode": code,
                "brand": rng.choice(brands),
                "driver_age": rng.randint(18, 90),
                "power_kw": rng.randint(40, 200),
                "bonus_malus": rng.randint(0, 22),
                "vehicle_age": rng.randint(0, 20),
                "date": created.date().isoformat(),
            }
            row = {
                **base,
                "created_at": created,
                "quote_date": created.date(),
                "inputs": json.dumps(inputs),
                "breakdown": breakdowns[code],
                "premium": Decimal(rng.randint(15000, 150000)) / 100,
                "risk_class": risk_class,
                "zone_factor": factors[risk_class],
                "idempotency_key": "",
                "request_fingerprint": "",
                "anonymised_at": None,
            }
            copy.write_row([row[field.attname] for field in fields])
    copied = time.perf_counter() - started
    with connection.schema_editor() as editor:
        for index in Quote._meta.indexes:
            editor.add_index(Quote, index)
    indexed = time.perf_counter() - started - copied
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Quote._meta.db_table}")
        # The load's gigabytes written out now, not during the measurements that follow: a
        # table that grew over months has no such backlog.
        cursor.execute("CHECKPOINT")
    return {
        "rows": rows,
        "table_rows": Quote.objects.count(),
        "copy_seconds": copied,
        "index_seconds": indexed,
        "seconds": time.perf_counter() - started,
    }


def retention_days(now: datetime.datetime) -> int:
    from tariffs.services.privacy import retention_cutoff

    return (now - retention_cutoff(now=now)).days


def zone_breakdown(
    breakdown: list[dict[str, Any]], code: int, risk_class: str, factor: Decimal
) -> str:
    """The template's steps, its zone step naming *code* and its class, as JSON."""
    steps = [
        {
            **step,
            "uses": {
                **step["uses"],
                "zipcode": code,
                "risk_class": risk_class,
                "factor": str(factor),
            },
        }
        if step["step"] == "zone"
        else step
        for step in breakdown
    ]
    return json.dumps(steps)


def retention_timed() -> dict[str, Any]:
    """The daily retention task on the filled table: one day of quotes to anonymise."""
    from tariffs.services.privacy import quotes_retention_apply

    started = time.perf_counter()
    action = quotes_retention_apply()
    return {"anonymised": action.quotes, "seconds": time.perf_counter() - started}


def scale_benchmark(
    env: dict[str, str],
    floor_env: dict[str, str],
    token: str,
    seconds: int,
    rows: int,
    staff: dict[str, str],
) -> dict[str, Any]:
    """Fill the quote table with *rows* quotes, then measure on it: the quote against the floors,
    a quote read and repriced, the admin's quote list, searches and filters, the retention
    task."""
    print(f"  filling the quote table with {rows:,} quotes...", flush=True)
    fill = scale_run(env, "fill", "--rows", str(rows))
    print(f"  {fill['table_rows']:,} quotes stored in {fill['seconds']:.0f} s", flush=True)
    base = f"http://127.0.0.1:{env['PORT']}"
    floor = f"http://127.0.0.1:{floor_env['PORT']}/floor"
    quote, _ = run_after_floors(
        floor, (f"{base}/api/v1/quotes/", "POST", QUOTE), token, CONNECTIONS, seconds, True
    )
    quote["vs_write_floor"] = quote["rps"] / quote["write_floor_rps"]
    middle = f"{base}/api/v1/quotes/{fill['table_rows'] // 2}"
    http = {
        "quote": quote,
        "quote read": wrk(middle, "GET", None, token, CONNECTIONS, seconds),
        "quote repriced": wrk(f"{middle}/reprice", "POST", None, token, CONNECTIONS, seconds),
    }
    for name, run in http.items():
        print(f"  {name:<16} {run['rps']:8.0f} req/s, p99 {run['p99_ms']:.1f} ms", flush=True)
    today = datetime.date.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    values = {
        "DAY": f"{today - datetime.timedelta(days=30):%d/%m/%Y}",
        "MONTH": f"{last_month.replace(day=1):%d/%m/%Y} - {last_month:%d/%m/%Y}",
        "WEEK_AGO": f"{today - datetime.timedelta(days=7):%Y-%m-%d}",
    }
    admin = {}
    for label, query in ADMIN_QUERIES:
        query = {key: values.get(value, value) for key, value in query.items()}
        timings = admin_timings(
            staff, base + ADMIN_QUOTE_LIST, ADMIN_VIEWS, expect='id="changelist"', query=query
        )
        admin[label] = statistics.median(timings) * 1000
        print(f"  admin, {label:<48} {admin[label]:6.0f} ms", flush=True)
    retention = scale_run(env, "retention")
    print(
        f"  retention task: {retention['anonymised']:,} quotes in {retention['seconds']:.1f} s",
        flush=True,
    )
    return {"fill": fill, "http": http, "admin_ms": admin, "retention_task": retention}


def scale_run(env: dict[str, str], *args: str) -> dict[str, Any]:
    """`python -m bench.scale *args*` in the service's environment; its JSON answer."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "pricing_site.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["fill", "retention"])
    parser.add_argument("--rows", type=int, default=5_000_000)
    options = parser.parse_args()
    import django

    django.setup()
    result = quotes_fill(options.rows) if options.action == "fill" else retention_timed()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
