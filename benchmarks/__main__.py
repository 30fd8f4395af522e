"""``python -m benchmarks``: parse the options, run the chosen sections, print the table.

It also answers the hidden subcommands the benchmark spawns for its child processes:
``_load`` (the load generator), ``_inprocess`` (in-process start-up and reset) and
``_scale`` (a server holding a generated data set).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.client import load_main
from benchmarks.report import build_rows, print_table
from benchmarks.scenarios import (
    DASHBOARD_ENTRIES,
    child_json,
    inprocess_main,
    measure_dashboard,
    measure_http_reset,
    measure_memory_flat,
    measure_noisy_neighbour,
    measure_process_startup,
    measure_scale,
    measure_throughput,
    say,
    scale_server_main,
)

SECTIONS = ("startup", "reset", "throughput", "scale", "memory", "noisy", "dashboard")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_load":
        print(json.dumps(load_main(json.loads(argv[1]))))
        return 0
    if argv and argv[0] == "_inprocess":
        print(json.dumps(inprocess_main(int(argv[1]))))
        return 0
    if argv and argv[0] == "_scale":
        scale_server_main(int(argv[1]))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure bc_mock's start-up, reset, throughput, scale and dashboard against its targets "
        "and print a table (a few minutes on 2 cores; --quick for a shorter run).",
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter runs, no 1M data set")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)"
    )
    parser.add_argument("--threads", type=int, default=8, help="server worker threads, both apps (default 8)")
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="run only these sections"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    figures: dict = {"quick": quick, "connections": args.connections, "threads": args.threads}
    figures["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load": os.getloadavg()}
    with tempfile.TemporaryDirectory() as folder:
        if "startup" in args.only:
            say("start-up")
            figures["in_process"] = child_json("_inprocess", "3")
            figures["process_startup"] = measure_process_startup(folder, 3 if quick else 7, args.threads)
        if "reset" in args.only:
            say("reset")
            figures["http_reset"] = measure_http_reset(100 if quick else 500)
            if "in_process" not in figures:
                figures["in_process"] = child_json("_inprocess", "2")
        if "throughput" in args.only:
            say("throughput")
            rounds, duration = (1, 1.5) if quick else (5, 2.0)
            figures["throughput"] = measure_throughput(
                folder, rounds, args.connections, duration, args.threads
            )
        if "scale" in args.only:
            counts = (1_000, 10_000, 100_000) if quick else (1_000, 10_000, 100_000, 1_000_000)
            figures["scale"] = measure_scale(counts, quick)
        if "memory" in args.only:
            say("memory across requests")
            figures["memory_flat"] = measure_memory_flat(20_000 if quick else 100_000, args.connections)
        if "noisy" in args.only:
            say("noisy neighbour")
            figures["noisy_neighbour"] = measure_noisy_neighbour(2 if quick else 5, 3.0 if quick else 5.0)
        if "dashboard" in args.only:
            say(f"dashboard over {DASHBOARD_ENTRIES:,} journal entries")
            figures["dashboard"] = measure_dashboard(DASHBOARD_ENTRIES, 3 if quick else 7)
    figures["machine"]["load_after"] = os.getloadavg()
    rows = build_rows(figures)
    figures["table"] = [row.__dict__ for row in rows]
    print(print_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
