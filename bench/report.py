"""The benchmark report: `bench/results/latest.json` as tables, in `latest.md` and in the results
section of `bench/README.md`. `python -m bench.report` writes both again from the JSON."""

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
README = Path(__file__).parent / "README.md"
BEGIN = "<!-- results: written by python -m bench.report from results/latest.json -->"
END = "<!-- end of results -->"
ADMIN_VIEWS = 10  # later views of the admin model page timed; their median is reported


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['when']} on {report['machine']}; {report['data']}; "
        f"{report['workers']} gunicorn workers; wrk {report['seconds']} s per run.",
        "",
        "Each endpoint's run follows a run of the bare DRF floor at the same concurrency, and "
        '"vs bare DRF" is against that run; the quote\'s also follows a run of the bare durable '
        'write (the same JSON body INSERTed through the ORM, committed), "vs durable write". '
        "The floors' rows are the median of their runs.",
        "",
        "| endpoint | connections | req/s | p50 ms | p99 ms | errors | vs bare DRF "
        "| vs durable write | vs ping |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["http"]:
        write = f"{row['vs_write_floor']:.0%}" if "vs_write_floor" in row else ""
        lines.append(
            f"| {row['endpoint']} | {row['connections']} | {row['rps']:.0f} "
            f"| {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} "
            f"| {row['vs_bare']:.0%} | {write} | {row['vs_floor']:.0%} |"
        )
    lines += [
        "",
        "| a warm ping in process, layer by layer (each taken away in turn) | ms per request |",
        "|---|---:|",
        *(f"| {row['layer']} | {row['ms']:.3f} |" for row in report["layers"]),
        "",
        "| scoring, in process | scikit-learn `Pipeline.predict` ms "
        "| service scoring path ms | speed-up | max abs diff |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, row in report["scoring"].items():
        lines.append(
            f"| {label} | {row['raw_ms']:.3f} | {row['ours_ms']:.3f} "
            f"| {row['raw_ms'] / row['ours_ms']:.1f}x | {row['max_abs_diff']:.1e} |"
        )
    page = report["admin_model_page"]
    lines += [
        "",
        "| admin model page (candidate vs production) | ms |",
        "|---|---:|",
        f"| first view (computes and stores the comparison) | {page['first_view_ms']:.0f} |",
        f"| later views (stored comparison, median of {ADMIN_VIEWS}) "
        f"| {page['stored_comparison_ms']:.0f} |",
    ]
    lines += scale_markdown(report)
    pricing = report["portfolio_pricing"]
    lines += [
        "",
        "| portfolio pricing, in process (quote's steps and rounding) | policies | seconds "
        "| policies/s |",
        "|---|---:|---:|---:|",
        f"| one process, one thread | {pricing['policies']:,} | {pricing['seconds']:.2f} "
        f"| {pricing['policies_per_second']:,.0f} |",
    ]
    lines += [
        "",
        "| impact analysis of the portfolio (chord of chunks, then aggregation) | chunks "
        "| seconds |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {workers} | {run['chunks']} | {run['seconds']:.1f} |"
        for workers, run in report["impact_analysis"].items()
    ]
    batch = report.get("pricing_batch")
    if batch:
        lines += [
            "",
            "| the portfolio through the API (`POST /api/v1/pricing-batches/`, CSV) | policies "
            "| chunks | seconds | policies/s | CSV download s | sample quoted alike |",
            "|---|---:|---:|---:|---:|---:|---:|",
            f"| {batch['worker_processes']} worker processes | {batch['policies']:,} "
            f"| {batch['chunks']} | {batch['seconds']:.1f} | {batch['policies_per_second']:,} "
            f"| {batch['csv_download_seconds']:.1f} "
            f"| {batch['sample_same_premium']}/{batch['sample_quoted']} |",
        ]
    lines += ["", "| offline | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in report["offline"].items()]
    return "\n".join(lines) + "\n"


def scale_markdown(report: dict[str, Any]) -> list[str]:
    """The stored quotes at scale, against the quote's run on the near-empty table."""
    scale = report.get("quotes_at_scale")
    if scale is None:
        return []
    empty = next(
        row for row in report["http"] if row["endpoint"] == "quote" and row["connections"] == 16
    )
    fill, http = scale["fill"], scale["http"]
    lines = [
        "",
        f"The quote table filled with {fill['rows']:,} generated quotes (COPY "
        f"{fill['copy_seconds']:.0f} s, indexes {fill['index_seconds']:.0f} s), 16 connections:",
        "",
        "| at scale | req/s | p99 ms | vs durable write | on the near-empty table: req/s "
        "| p99 ms | vs durable write |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| quote | {http['quote']['rps']:.0f} | {http['quote']['p99_ms']:.2f} "
        f"| {http['quote']['vs_write_floor']:.0%} | {empty['rps']:.0f} | {empty['p99_ms']:.2f} "
        f"| {empty['vs_write_floor']:.0%} |",
    ]
    lines += [
        f"| {name} | {run['rps']:.0f} | {run['p99_ms']:.2f} | | | | |"
        for name, run in http.items()
        if name != "quote"
    ]
    lines += ["", "| the admin's quote list at scale (median of views) | ms |", "|---|---:|"]
    lines += [f"| {label} | {ms:.0f} |" for label, ms in scale["admin_ms"].items()]
    retention = scale["retention_task"]
    lines += [
        "",
        f"The daily retention task on that table: {retention['anonymised']:,} quotes "
        f"anonymised in {retention['seconds']:.1f} s.",
    ]
    return lines


def readme_update(table: str) -> None:
    """Put *table* between the README's results markers."""
    text = README.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n\n" + table + "\n" + text[end:])


def report_write(report: dict[str, Any]) -> str:
    """Keep *report* as latest.json, write its tables to latest.md and the README; return them."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (RESULTS / "latest.md").write_text(table)
    readme_update(table)
    return table


def main() -> None:
    report_write(json.loads((RESULTS / "latest.json").read_text()))


if __name__ == "__main__":
    main()
