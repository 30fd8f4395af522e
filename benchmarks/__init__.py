"""bc_mock's benchmark: start-up, reset, throughput and scale, each beside its target.

Run from a checkout of the project (it is not part of the installed package):

    python -m benchmarks                 # the full run (a few minutes on 2 cores)
    python -m benchmarks --quick         # a shorter run: fewer rounds, no 1M data set
    python -m benchmarks --json out.json # also write the figures as JSON

It prints one table: what was measured, the figure, the target and whether it is met.
Ratios (bc_mock beside a hello-world Flask app served by the same WSGI server) are measured
in the same run, with the two servers' runs interleaved, so that the machine's noise falls
on both; every figure is a median over rounds.

How it measures, so that the load generator does not starve the server on a small machine:

* every server runs in a process of its own (``python -m bc_mock``, the hello-world app,
  or a server holding a generated data set);
* the load comes from another process holding N keep-alive connections, each a thread
  writing prepared request bytes and reading the answer with a minimal parser (a few tens
  of microseconds of client work per request, against hundreds in the server);
* big data sets are built in the server process directly as rows of the seed (through
  ``bc_mock.seed.add_seed_records``), rather than through HTTP.

The modules: ``client`` (the raw HTTP load client), ``scenarios`` (what is measured, and the
servers it runs in), ``report`` (the table with the targets), ``__main__`` (the options and
the run). It uses only bc_mock's public API.

The benchmark is not a test and does not run in CI; its figures depend on the machine.
"""
