"""The ``bc-mock`` command: serve the mock with waitress."""

from __future__ import annotations

import argparse
import functools
import signal
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from bc_mock.clock import parse_clock_option
from bc_mock.config import Settings, parse_auth, parse_hosts, parse_seconds, parse_size, parse_tls_hostnames

T = TypeVar("T")


def build_parser(defaults: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bc-mock",
        description="An in-memory emulator of the Dynamics 365 Business Central REST API "
        "(customer payment journals and what they refer to). Every option can also be "
        "set with the BC_MOCK_* environment variable named beside it.",
    )
    parser.add_argument(
        "--host", default=defaults.host, help="interface to listen on (BC_MOCK_HOST; default %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=defaults.port,
        help="port to listen on; 0 picks a free one (BC_MOCK_PORT; default %(default)s)",
    )
    parser.add_argument(
        "--fixtures",
        default=defaults.fixtures,
        metavar="PATH",
        help="a fixtures folder or JSON file to seed the data from "
        "(BC_MOCK_FIXTURES; default: the bundled CRONUS-like seed)",
    )
    parser.add_argument(
        "--require-auth",
        action="store_true",
        default=defaults.require_auth,
        help="answer 401 to BC API requests without an Authorization header, Bearer or Basic; "
        "any token is accepted (BC_MOCK_REQUIRE_AUTH=1)",
    )
    parser.add_argument(
        "--faults",
        default=defaults.faults,
        metavar="FILE",
        help="a JSON file of fault rules (one rule or a list) active from the start and "
        "restored by POST /_mock/reset (BC_MOCK_FAULTS)",
    )
    parser.add_argument(
        "--rate-limit",
        default=defaults.rate_limit,
        metavar="N/SECONDS",
        help="answer 429 with Retry-After, as BC does, beyond N requests per tenant in any "
        "SECONDS; N alone means per 60 seconds (BC_MOCK_RATE_LIMIT; e.g. 600/60; default: no limit)",
    )
    parser.add_argument(
        "--journal-size",
        type=_whole(0),
        default=defaults.journal_size,
        metavar="N",
        help="how many of the most recent requests the journal keeps; 0 keeps none "
        "(BC_MOCK_JOURNAL_SIZE; default %(default)s)",
    )
    parser.add_argument(
        "--page-size",
        type=_whole(1),
        default=defaults.page_size,
        metavar="N",
        help="the most records a list returns in one page before an @odata.nextLink "
        "(BC_MOCK_PAGE_SIZE; default %(default)s, as BC Online)",
    )
    parser.add_argument(
        "--max-body",
        type=_size,
        default=defaults.max_body,
        metavar="BYTES",
        help="the largest request body accepted, in bytes or with K, M or G; a larger one is "
        "answered 413 (BC_MOCK_MAX_BODY; default 16M)",
    )
    parser.add_argument(
        "--threads",
        type=_whole(1),
        default=defaults.threads,
        metavar="N",
        help="worker threads: how many requests are served at once (BC_MOCK_THREADS; default %(default)s)",
    )
    parser.add_argument(
        "--connection-limit",
        type=_whole(1),
        default=defaults.connection_limit,
        metavar="N",
        help="how many connections may be open at once, idle keep-alive ones included "
        "(BC_MOCK_CONNECTION_LIMIT; default %(default)s)",
    )
    parser.add_argument(
        "--channel-timeout",
        type=_whole(1),
        default=defaults.channel_timeout,
        metavar="SECONDS",
        help="close a connection that sends nothing for this long, mid-request or idle "
        "(BC_MOCK_CHANNEL_TIMEOUT; default %(default)s)",
    )
    parser.add_argument(
        "--max-tenants",
        type=_whole(1),
        default=defaults.max_tenants,
        metavar="N",
        help="how many tenant environments may hold data at once; a request for one more is refused "
        "until some are reset (BC_MOCK_MAX_TENANTS; default %(default)s)",
    )
    _add_journal_and_fault_limits(parser, defaults)
    _add_allowed_hosts(parser, defaults)
    _add_clock_and_webhooks(parser, defaults)
    _add_auth_and_tls(parser, defaults)
    return parser


def _add_clock_and_webhooks(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    """bc_mock's clock, and the timing of webhook notifications as BC's (all in the clock's time)."""
    parser.add_argument(
        "--clock",
        type=_clock,
        default=defaults.clock,
        metavar="real|fixed:TIME",
        help="start bc_mock's clock frozen at an ISO 8601 time (fixed:2026-01-05T09:00:00Z), moved "
        "by POST /_mock/clock; a reset puts it back there (BC_MOCK_CLOCK; default: real time)",
    )
    parser.add_argument(
        "--webhook-delay",
        type=_seconds,
        default=defaults.webhook_delay,
        metavar="SECONDS",
        help="how long after a change its webhook notification is sent, as BC's "
        "ApiSubscriptionDelayTime (BC_MOCK_WEBHOOK_DELAY; default %(default)g)",
    )
    parser.add_argument(
        "--webhook-collection-threshold",
        type=_whole(1),
        default=defaults.webhook_collection_threshold,
        metavar="N",
        help="pending notifications per subscription beyond which they become one 'collection' "
        "notification (BC_MOCK_WEBHOOK_COLLECTION_THRESHOLD; default %(default)s)",
    )
    parser.add_argument(
        "--webhook-timeout",
        type=_seconds,
        default=defaults.webhook_timeout,
        metavar="SECONDS",
        help="how long a subscriber has to answer a notification before it counts as no answer "
        "and is retried (BC_MOCK_WEBHOOK_TIMEOUT; default %(default)g)",
    )
    parser.add_argument(
        "--webhook-handshake-timeout",
        type=_seconds,
        default=defaults.webhook_handshake_timeout,
        metavar="SECONDS",
        help="how long a subscriber has to answer the handshake of a new or renewed subscription "
        "(BC_MOCK_WEBHOOK_HANDSHAKE_TIMEOUT; default %(default)g)",
    )


def _clock_and_webhooks(args: argparse.Namespace) -> dict[str, Any]:
    names = (
        "clock",
        "webhook_delay",
        "webhook_collection_threshold",
        "webhook_timeout",
        "webhook_handshake_timeout",
    )
    return {name: getattr(args, name) for name in names}


def _add_auth_and_tls(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    """Authentication as BC Online's (a Microsoft Entra ID token service) and https."""
    parser.add_argument(
        "--auth",
        type=_auth,
        default=defaults.auth,
        metavar="entra",
        help="entra: serve a Microsoft Entra ID token service (client credentials) and take BC API "
        "requests only with a valid Bearer token of it, as BC Online (BC_MOCK_AUTH; default: none)",
    )
    parser.add_argument(
        "--token-lifetime",
        type=_whole(1),
        default=defaults.token_lifetime,
        metavar="SECONDS",
        help="how long the token service's tokens are valid (BC_MOCK_TOKEN_LIFETIME; default %(default)s)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        default=defaults.tls,
        help="serve https with a certificate made at start for 127.0.0.1, ::1 and localhost (BC_MOCK_TLS=1)",
    )
    parser.add_argument(
        "--tls-cert",
        default=defaults.tls_cert,
        metavar="FILE",
        help="serve https with this PEM certificate (chain) instead (BC_MOCK_TLS_CERT)",
    )
    parser.add_argument(
        "--tls-key",
        default=defaults.tls_key,
        metavar="FILE",
        help="the PEM private key of --tls-cert, unless that file holds it (BC_MOCK_TLS_KEY)",
    )
    parser.add_argument(
        "--tls-ca-out",
        default=defaults.tls_ca_out,
        metavar="FILE",
        help="write the CA certificate of the generated certificate here (PEM), for clients to trust; "
        "implies --tls (BC_MOCK_TLS_CA_OUT)",
    )
    parser.add_argument(
        "--tls-hostnames",
        type=_tls_hostnames,
        default=defaults.tls_hostnames,
        metavar="NAMES",
        help="more names (comma-separated DNS names or IP addresses) for the generated certificate, "
        "such as a compose service's name; implies --tls (BC_MOCK_TLS_HOSTNAMES)",
    )


def _add_allowed_hosts(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    """Who may call /_mock: the host names it answers besides the local ones."""
    parser.add_argument(
        "--allowed-hosts",
        type=_hosts,
        default=defaults.allowed_hosts,
        metavar="NAMES",
        help="host names (comma-separated; *.suffix for a domain, * for any) the /_mock endpoints "
        "answer besides IP addresses, localhost and names without a dot; a guard against DNS "
        "rebinding (BC_MOCK_ALLOWED_HOSTS; default: none)",
    )


def _add_journal_and_fault_limits(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    """The bounds of what /_mock keeps: journal bytes and fault rules (see _journal_and_fault_limits)."""
    parser.add_argument(
        "--journal-body-limit",
        type=_size,
        default=defaults.journal_body_limit,
        metavar="BYTES",
        help="the most bytes of each request and response body the journal keeps; the rest is cut "
        "and the entry says so; at least 1K (BC_MOCK_JOURNAL_BODY_LIMIT; default 64K)",
    )
    parser.add_argument(
        "--journal-budget",
        type=_size,
        default=defaults.journal_budget,
        metavar="BYTES",
        help="the most bytes all journal entries keep together; the oldest entries go beyond it "
        "(BC_MOCK_JOURNAL_BUDGET; default 64M)",
    )
    parser.add_argument(
        "--max-fault-rules",
        type=_whole(1),
        default=defaults.max_fault_rules,
        metavar="N",
        help="the most fault rules the server holds at once; adding more is answered 400 "
        "(BC_MOCK_MAX_FAULT_RULES; default %(default)s)",
    )


def _journal_and_fault_limits(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "journal_body_limit": args.journal_body_limit,
        "journal_budget": args.journal_budget,
        "max_fault_rules": args.max_fault_rules,
    }


def _whole(lowest: int):
    """An argparse type: a whole number of at least ``lowest``."""

    def parse(text: str) -> int:
        digits = text.strip()
        if not (digits.isascii() and digits.isdigit()) or int(digits) < lowest:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {lowest}, got {text!r}")
        return int(digits)

    return parse


def _argument_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from one of config's parsers: its ValueError is argparse's usage error."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _keep_clock(text: str) -> str:
    parse_clock_option(text)  # checked now; the setting keeps the text
    return text


_size = _argument_type(parse_size)
_hosts = _argument_type(parse_hosts)
_seconds = _argument_type(parse_seconds)
_clock = _argument_type(_keep_clock)
_auth = _argument_type(parse_auth)
_tls_hostnames = _argument_type(parse_tls_hostnames)


def settings_from_args(argv: list[str] | None = None) -> Settings:
    try:
        defaults = Settings.from_env()
    except ValueError as error:  # a malformed BC_MOCK_* variable: usage and the message, exit 2
        build_parser(Settings()).error(str(error))
    parser = build_parser(defaults)
    args = parser.parse_args(argv)
    try:
        settings = Settings(
            host=args.host,
            port=args.port,
            fixtures=args.fixtures,
            require_auth=args.require_auth,
            faults=args.faults,
            rate_limit=args.rate_limit,
            journal_size=args.journal_size,
            page_size=args.page_size,
            max_body=args.max_body,
            threads=args.threads,
            connection_limit=args.connection_limit,
            channel_timeout=args.channel_timeout,
            max_tenants=args.max_tenants,
            **_journal_and_fault_limits(args),
            allowed_hosts=args.allowed_hosts,
            **_clock_and_webhooks(args),
            auth=args.auth,
            token_lifetime=args.token_lifetime,
            tls=args.tls,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            tls_ca_out=args.tls_ca_out,
            tls_hostnames=args.tls_hostnames,
        )
    except ValueError as error:  # e.g. a port out of range, a malformed --rate-limit
        parser.error(str(error))
    return settings


# On SIGTERM/SIGINT waitress waits for requests still running, 5 s by default. A mock need not
# drain them (a fault's delay may keep one busy for long), and `docker stop` should end it at once.
SHUTDOWN_GRACE_S = 0.5


def _stop(signum, frame):
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    from bc_mock import serving, tls
    from bc_mock.app import create_app
    from bc_mock.seed import SeedError

    settings = settings_from_args(argv)
    try:
        app = create_app(settings)
        # made (and its CA written) before the server listens: a client that sees it listen can trust it
        tls_material = tls.prepare(settings)
    except (SeedError, ValueError) as error:  # ValueError: a bad --faults file, --rate-limit or TLS file
        print(f"bc-mock: error: {error}", file=sys.stderr, flush=True)
        return 2
    # Any: bc_mock uses attributes of waitress's server that its stubs do not declare (effective_port)
    server: Any
    try:
        server = serving.create_server(app, settings, tls_material)
    except (OSError, ValueError) as error:  # ValueError: a host name that does not resolve
        print(f"bc-mock: error: cannot listen on {settings.host}:{settings.port}: {error}", file=sys.stderr)
        return 2
    server.task_dispatcher.shutdown = functools.partial(
        server.task_dispatcher.shutdown, timeout=SHUTDOWN_GRACE_S
    )
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    scheme = "https" if tls_material else "http"
    print(f"bc-mock listening on {scheme}://{settings.host}:{server.effective_port}", flush=True)
    if tls_material is not None and tls_material.ca_pem is not None:
        where = f"in {settings.tls_ca_out} and " if settings.tls_ca_out else ""
        print(
            f"bc-mock: TLS certificate for {', '.join(tls_material.names)}; its CA {where}at "
            f"{scheme}://{settings.host}:{server.effective_port}/_mock/ca.pem",
            flush=True,
        )
    try:
        server.run()
    finally:
        server.close()
        serving.close(server)
    return 0
