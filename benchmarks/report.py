"""The table: each figure beside its target, and whether the target is met.

``build_rows`` turns the figures a run measured (see ``benchmarks.scenarios``) into rows;
``print_table`` lays them out as a Markdown table, as the README shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.scenarios import ENDPOINTS, SCALE_PAGE


@dataclass
class Row:
    what: str
    figure: str
    target: str = ""
    met: bool | None = None
    extra: dict = field(default_factory=dict)


def _fmt_ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def print_table(rows: list[Row]) -> str:
    header = ("Measure", "Figure", "Target", "Met")
    cells = [(r.what, r.figure, r.target, "" if r.met is None else ("yes" if r.met else "NO")) for r in rows]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(4)]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(cell) for cell in cells)])


def build_rows(figures: dict) -> list[Row]:
    rows: list[Row] = []
    inproc = figures.get("in_process")
    if inproc:
        start = inproc["first_start_ms"]
        rows.append(
            Row("In-process start: MockServer start to first answer", _fmt_ms(start), "<= 50 ms", start <= 50)
        )
        rows.append(
            Row("  (importing bc_mock's modules first, once per process)", _fmt_ms(inproc["import_ms"]))
        )
    process = figures.get("process_startup")
    if process:
        ratio = process["bc_mock_ms"] / process["hello_ms"]
        rows.append(
            Row(
                "Process start: bc-mock spawn to first answer",
                f"{_fmt_ms(process['bc_mock_ms'])} = {ratio:.2f}x hello-world "
                f"({_fmt_ms(process['hello_ms'])})",
                "<= 1.5x",
                ratio <= 1.5,
            )
        )
        if "source_bc_mock_ms" in process:
            source = process["source_bc_mock_ms"] / process["source_hello_ms"]
            rows.append(
                Row(
                    "  (both compiled from source at every start, no bytecode cache)",
                    f"{_fmt_ms(process['source_bc_mock_ms'])} = {source:.2f}x hello-world "
                    f"({_fmt_ms(process['source_hello_ms'])})",
                )
            )
    if "http_reset" in figures:
        value = figures["http_reset"]["http_reset_ms"]
        rows.append(
            Row("Reset: POST /_mock/reset (bundled seed, round trip)", _fmt_ms(value), "<= 5 ms", value <= 5)
        )
    if inproc:
        value = inproc["fixture_reset_ms"]
        rows.append(
            Row("Reset: pytest fixture's per-test reset (in-process)", _fmt_ms(value), "<= 5 ms", value <= 5)
        )
        rows.append(
            Row(
                "  (reset, then the first request, which builds the fresh data)",
                _fmt_ms(inproc["fixture_reset_and_read_ms"]),
            )
        )
    load = figures.get("throughput")
    if load:
        hello = load["hello-world"]
        rows.append(
            Row(
                f"Throughput: hello-world Flask app on waitress ({figures['connections']} connections)",
                f"{hello['throughput']:.0f} req/s, "
                f"p50 {_fmt_ms(hello['p50_ms'])}, p99 {_fmt_ms(hello['p99_ms'])}",
            )
        )
        for name in ENDPOINTS:
            result = load[name]
            ratio = result["throughput"] / hello["throughput"]
            target, met = ("", None)
            if name == "GET journal by id":
                target, met = ">= 0.7x hello-world", ratio >= 0.7
            failures = f", {result['failures']} failed" if result["failures"] else ""
            rows.append(
                Row(
                    f"Throughput: {name}",
                    f"{result['throughput']:.0f} req/s = {ratio:.2f}x, p50 {_fmt_ms(result['p50_ms'])}, "
                    f"p99 {_fmt_ms(result['p99_ms'])}{failures}",
                    target,
                    met,
                )
            )
    scale = figures.get("scale")
    if scale:
        by_count = {entry["payments"]: entry for entry in scale}
        for count, entry in sorted(by_count.items()):
            if count < 10_000:
                continue
            target, met = ("<= 200 ms", entry["filtered_page_ms"] <= 200) if count == 100_000 else ("", None)
            rows.append(
                Row(
                    f"Scale: filtered first page ({SCALE_PAGE}) over {count:,} payments",
                    _fmt_ms(entry["filtered_page_ms"]),
                    target,
                    met,
                )
            )
        small, big = min(by_count), max(by_count)
        # both timed in the same alternating rounds (see measure_scale)
        big_ms, small_ms = by_count[big]["get_by_id_ms"], by_count[big]["baseline_get_by_id_ms"]
        ratio = big_ms / small_ms
        rows.append(
            Row(
                f"Scale: GET payment by id at {big:,} vs {small:,} records",
                f"{_fmt_ms(big_ms)} vs {_fmt_ms(small_ms)} = {ratio:.2f}x",
                "<= 1.5x",
                ratio <= 1.5,
            )
        )
        base = by_count[small]
        per_100k = (by_count[big]["rss_mb"] - base["rss_mb"]) / ((big - small) / 100_000)
        rows.append(
            Row(
                f"Scale: resident memory per 100k payments (at {big:,})",
                f"{per_100k:.0f} MB ({by_count[big]['rss_mb']:.0f} MB in all)",
                "<= 150 MB",
                per_100k <= 150,
            )
        )
    noisy = figures.get("noisy_neighbour")
    if noisy:
        ratio = noisy["beside_p99_ms"] / noisy["alone_p99_ms"]
        failures = f", {noisy['failures']} failed" if noisy["failures"] else ""
        rows.append(
            Row(
                "Noisy neighbour: a tenant's GET p99 beside delayed, 1 MB and slow requests",
                f"{_fmt_ms(noisy['beside_p99_ms'])} vs {_fmt_ms(noisy['alone_p99_ms'])} alone = "
                f"{ratio:.2f}x{failures}",
                "<= 2x",
                ratio <= 2 and not noisy["failures"],
            )
        )
    dashboard = figures.get("dashboard")
    if dashboard:
        what = f"Dashboard: /_mock/ first screen with {dashboard['entries']:,} journal entries"
        if "skipped" in dashboard:
            rows.append(Row(what, f"not measured: {dashboard['skipped']}", "< 1 s"))
        else:
            shown = dashboard["first_screen_ms"]
            rows.append(
                Row(
                    what,
                    f"{_fmt_ms(shown)} (median of {len(dashboard['loads_ms'])} loads; the first "
                    f"{_fmt_ms(dashboard['first_load_ms'])}), {dashboard['rows_drawn']} rows drawn",
                    "< 1 s",
                    shown < 1000,
                )
            )
        rows.append(
            Row("  (the list it asks for first: the newest 100, as a summary)", _fmt_ms(dashboard["list_ms"]))
        )
    flat = figures.get("memory_flat")
    if flat:
        rows.append(
            Row(
                f"Memory across {flat['requests']:,} requests, journal full",
                f"{flat['max_change_pct']:+.1f}% at most ({flat['rss_samples_mb'][0]:.0f} -> "
                f"{flat['rss_samples_mb'][-1]:.0f} MB)",
                "within 10%",
                flat["max_change_pct"] <= 10,
            )
        )
    return rows
