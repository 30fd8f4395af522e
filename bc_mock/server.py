"""MockServer: bc_mock for tests, in-process on a background thread or attached to a running one.

    with MockServer() as mock:
        requests.get(mock.api_url() + "/companies")
        mock.faults.add(method="POST", path="*/customerPayments*", preset="throttled", times=1)
        mock.assert_requested("GET", "companies")

Two backends do the same work behind the same methods. In-process (the default), control
calls (reset, faults, journal) go straight to the app's state: a reset costs microseconds.
Attached by ``url`` (the container, a shared server), they go over the /_mock endpoints, and
the mock works on a tenant of its own (``tenant``, or a new unique one): it starts by
resetting that tenant and, when it stops, removes what it added there (data, fault rules,
journal entries), so running the same test twice against one server gives the same result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bc_mock.auth import API_ROLE
from bc_mock.config import Settings
from bc_mock.contracts import Delivery, FaultRule, JournalEntry, Subscription
from bc_mock.exceptions import ControlError, RuleError, ServerUnavailableError

if TYPE_CHECKING:
    import ssl

    from bc_mock.auth import App

API_VERSION = "v2.0"
# the Settings a MockServer takes as keywords (host and port are arguments of their own)
SETTING_NAMES = tuple(
    f.name for f in dataclasses.fields(Settings) if f.name not in ("host", "port", "threads")
)


class _Backend(Protocol):
    """What a MockServer asks of the server it drives; ``tenant`` None means every tenant."""

    url: str
    ca_path: str | None

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def reset(self, tenant: str | None) -> None: ...
    def journal(self, tenant: str | None, filters: dict[str, Any]) -> list[JournalEntry]: ...
    def clear_journal(self, tenant: str | None) -> None: ...
    def add_rule(self, rule: dict) -> FaultRule: ...
    def rules(self, tenant: str | None) -> list[FaultRule]: ...
    def remove_rule(self, rule_id: str, tenant: str | None) -> None: ...
    def clear_rules(self, tenant: str | None) -> None: ...
    def har(self, tenant: str | None) -> dict: ...
    def clock(self, tenant: str | None) -> dict: ...
    def move_clock(self, tenant: str | None, body: dict) -> dict: ...
    def webhooks(self, tenant: str | None) -> dict: ...
    def flush(self, tenant: str | None) -> dict: ...
    def clear_deliveries(self, tenant: str | None) -> None: ...
    def auth_mode(self) -> str: ...
    def applications(self, tenant: str | None) -> list[dict]: ...
    def add_application(self, application: dict) -> dict: ...
    def remove_application(self, client_id: str, tenant: str | None) -> None: ...


# the MockServer the module-level helpers (bc_mock.clock, bc_mock.webhooks) drive by default
_current: MockServer | None = None


def current() -> MockServer:
    """The MockServer started last in this process and still running (the pytest fixture's)."""
    if _current is None:
        raise ServerUnavailableError(
            "no MockServer is running in this process: start one (or use the bc_mock pytest "
            "fixture), or pass mock= to say which"
        )
    return _current


class MockServer:
    """A bc_mock server for tests; see the module docstring.

    ``fixtures`` and the keyword settings (``require_auth``, ``page_size``, ``rate_limit``,
    ``journal_size``, ``max_body``, ``faults``, ``auth``, ``tls``, ...: the ``bc-mock`` command's
    options, named as in ``bc_mock.Settings``) configure an in-process server; ``url`` attaches
    to a running one instead, which keeps the options it was started with (``ca_path``: the CA
    to trust when it serves https with a certificate the system does not trust).
    """

    def __init__(
        self,
        fixtures: str | None = None,
        port: int = 0,
        url: str | None = None,
        *,
        host: str = "127.0.0.1",
        tenant: str | None = None,
        threads: int = 8,
        faults_file: str | None = None,
        ca_path: str | None = None,
        **settings: Any,
    ):
        unknown = sorted(set(settings) - set(SETTING_NAMES))
        if unknown:
            raise TypeError(f"MockServer got unknown settings {unknown}; known: {', '.join(SETTING_NAMES)}")
        if faults_file is not None:
            settings["faults"] = faults_file  # the older name of the `faults` setting
        if url:
            if fixtures or settings:
                raise ValueError(
                    "fixtures and settings configure an in-process server; a server attached by url "
                    "keeps the options it was started with"
                )
            self.tenant: str | None = tenant or _new_tenant()
            self._backend: _Backend = _Attached(url.rstrip("/"), ca_path)
        else:
            if ca_path is not None:
                raise ValueError(
                    "ca_path names the CA of a server attached by url; an in-process server started "
                    "with tls=True makes its own (mock.ca_path)"
                )
            self.tenant = tenant
            options = Settings(host=host, port=port, fixtures=fixtures, threads=threads, **settings)
            self._backend = _InProcess(options)
        self._owner = True  # a view made by for_tenant() does not own the server it looks at
        self._started = False
        self.faults = Faults(self)
        self.clock = MockClock(self)
        self.webhooks = Webhooks(self)
        self.applications = RegisteredApplications(self)

    # --- life cycle -----------------------------------------------------------

    def start(self) -> MockServer:
        if not self._started:
            self._backend.start()
            self._started = True
            if self.attached:
                self.reset()  # a tenant of its own, from the seed
        self.make_current()
        return self

    def stop(self) -> None:
        global _current
        if not self._started or not self._owner:
            return
        if self.attached:
            self.reset()  # leaves nothing of this mock's behind on the shared server
        self._backend.stop()
        self._started = False
        if _current is not None and _current._backend is self._backend:
            _current = None

    def make_current(self) -> MockServer:
        """Make this the mock that ``bc_mock.clock`` and ``bc_mock.webhooks`` drive by default."""
        global _current
        _current = self
        return self

    def __enter__(self) -> MockServer:  # not typing.Self: that needs Python 3.11
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- where it is ------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's base URL, e.g. http://127.0.0.1:41234."""
        if not self._started:
            raise RuntimeError("the MockServer is not started: use `with MockServer() as mock:` or .start()")
        return self._backend.url

    @property
    def ca_path(self) -> str | None:
        """The CA certificate (PEM file) a client trusts to reach this server over https: the
        one an in-process server made (``tls=True``; removed when it stops), or the one given for
        an attached server; None over http, or with a certificate of your own (``tls_cert``)."""
        return self._backend.ca_path

    @property
    def attached(self) -> bool:
        """Whether this mock drives a server running elsewhere (``url=...``)."""
        return isinstance(self._backend, _Attached)

    @property
    def in_process(self) -> bool:
        return not self.attached

    def api_url(
        self, version: str = API_VERSION, tenant: str | None = None, environment: str | None = None
    ) -> str:
        """The API root, in the URL form BC uses for what is given (see the README's URL roots).

        Nothing given: ``/api/<version>`` (tenant "default", environment "production"), unless
        the mock works on a tenant of its own; an environment alone: ``/v2.0/<env>/api/<version>``;
        a tenant: ``/v2.0/<tenant>/<env or production>/api/<version>``.
        """
        tenant = tenant or self.tenant
        if tenant:
            return f"{self.url}/v2.0/{tenant}/{environment or 'production'}/api/{version}"
        if environment:
            return f"{self.url}/v2.0/{environment}/api/{version}"
        return f"{self.url}/api/{version}"

    def for_tenant(self, tenant: str | None = None) -> MockServer:
        """A view of this server that works on ``tenant`` only (a new unique one by default).

        The view shares the server: stopping it stops nothing. ``reset()`` on it resets its tenant.
        """
        view = MockServer.__new__(MockServer)
        view.__dict__.update(self.__dict__)
        view.tenant = tenant or _new_tenant()
        view.faults = Faults(view)
        view.clock = MockClock(view)
        view.webhooks = Webhooks(view)
        view.applications = RegisteredApplications(view)
        view._owner = False
        return view

    def auth_app(self, tenant: str | None = None) -> App:
        """The registered application a client authenticates with (``bc_mock.auth.app``): of
        ``tenant``, else of this mock's tenant, else of ``default``; one is registered now when
        the tenant has none with BC's role (a reset removes it). ControlError unless the server
        runs with ``auth="entra"`` (``--auth entra``)."""
        from bc_mock.auth import App

        if self._backend.auth_mode() != "entra":
            raise ControlError(
                f"the bc_mock at {self.url} runs without --auth entra: it has no token service "
                '(start it with --auth entra, or MockServer(auth="entra"))'
            )
        tenant = tenant or self.tenant or "default"
        registered = [app for app in self._backend.applications(tenant) if API_ROLE in app["roles"]]
        if registered:
            chosen = registered[0]
        else:
            chosen = self._backend.add_application(
                {
                    "clientId": str(uuid.uuid4()),
                    "clientSecret": secrets.token_urlsafe(24),
                    "tenant": tenant,
                    "displayName": "bc_mock test application",
                }
            )
        return App(
            client_id=chosen["clientId"],
            client_secret=chosen["clientSecret"],
            tenant=tenant,
            roles=tuple(chosen["roles"]),
            url=self.url,
            ca_path=self.ca_path,
        )

    # --- control ------------------------------------------------------------------

    def reset(self) -> None:
        """Fresh data, no fault rules, an empty journal, no rate-limit counts.

        On a mock with a tenant of its own, only that tenant's (its data is freed on the
        server); other tenants on a shared server are not touched.
        """
        self._backend.reset(self.tenant)

    def journal(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | str | None = None,
        since: str | None = None,
    ) -> list[JournalEntry]:
        """Request journal entries (oldest first) matching all that is given (see the README)."""
        filters = {"method": method, "path": path, "status": status, "since": since}
        return self._backend.journal(self.tenant, filters)

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | str | None = None,
        since: str | None = None,
    ) -> list[JournalEntry]:
        """The same as ``journal()`` (its earlier name, kept working)."""
        return self.journal(method, path, status, since)

    def har(self) -> dict:
        """The journal as an HTTP Archive 1.2 (only this mock's tenant's entries when it has a
        tenant of its own), as ``GET /_mock/requests.har`` gives it: write it to a ``.har`` file
        to open it in a browser's dev tools or a HAR viewer."""
        return self._backend.har(self.tenant)

    def clear_journal(self) -> None:
        """Empty the journal (only this mock's tenant's entries when it has a tenant of its own)."""
        self._backend.clear_journal(self.tenant)

    def clear_requests(self) -> None:
        """The same as ``clear_journal()`` (its earlier name, kept working)."""
        self.clear_journal()

    def assert_requested(self, method: str, path: str, times: int | None = None) -> list[JournalEntry]:
        """Assert that ``method`` ``path`` (a glob) was requested (exactly ``times`` times, if given).

        Returns the matching entries. The failure message lists every request received.
        """
        __tracebackhide__ = True  # pytest shows the caller's line, not this one
        found = self.journal(method=method, path=path)
        if (len(found) >= 1) if times is None else (len(found) == times):
            return found
        wanted = "at least once" if times is None else f"{times} time{'s' if times != 1 else ''}"
        raise AssertionError(
            f"expected {method.upper()} {path} to be requested {wanted}, but it was requested "
            f"{len(found)} time{'s' if len(found) != 1 else ''}.\n{self._received()}"
        )

    def assert_not_requested(self, method: str, path: str) -> None:
        __tracebackhide__ = True
        self.assert_requested(method, path, times=0)

    def _received(self) -> str:
        entries = self.journal()
        if not entries:
            return "No requests were received."
        lines = [f"  {e['method']} {e['apiPath'] or e['path']} -> {_outcome(e)}" for e in entries]
        return f"Received {len(entries)} request{'s' if len(entries) != 1 else ''}:\n" + "\n".join(lines)


def _new_tenant() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def _outcome(entry: JournalEntry) -> str:
    if entry["dropped"]:
        return "dropped"
    return "no answer yet" if entry["status"] is None else str(entry["status"])


class Faults:
    """``mock.faults``: add, list and remove fault rules (the same keys as the JSON rules).

    On a mock with a tenant of its own, new rules apply to that tenant only, and listing,
    removing and clearing see only its rules. An in-process mock without a tenant owns its
    whole server (its ``reset()`` resets every tenant): it lists, removes and clears every
    rule, those added with a ``tenant`` of their own included. Either way the server keeps at
    most ``max_fault_rules`` rules (``--max-fault-rules``); adding more raises RuleError.
    """

    def __init__(self, mock: MockServer):
        self._mock = mock

    def add(self, **rule: Any) -> FaultRule:
        """Add one rule; returns it as stored, with its ``id``. RuleError if it is malformed."""
        if isinstance(rule.get("delayMs"), tuple):
            rule["delayMs"] = list(rule["delayMs"])
        if self._mock.tenant and "tenant" not in rule:
            rule["tenant"] = self._mock.tenant
        return self._mock._backend.add_rule(rule)

    def list(self) -> list[FaultRule]:
        return self._mock._backend.rules(self._mock.tenant)

    def remove(self, rule_id: str) -> None:
        """Remove one rule; ControlError if there is none with that id (in this mock's scope)."""
        self._mock._backend.remove_rule(rule_id, self._mock.tenant)

    def clear(self) -> None:
        self._mock._backend.clear_rules(self._mock.tenant)


class MockClock:
    """``mock.clock``: bc_mock's clock (see ``bc_mock.clock``). On a mock with a tenant of its own,
    that tenant's clock: moving it moves no one else's time."""

    def __init__(self, mock: MockServer):
        self._mock = mock

    def now(self) -> dt.datetime:
        return _parse_time(self._mock._backend.clock(self._mock.tenant)["now"])

    @property
    def frozen(self) -> bool:
        return bool(self._mock._backend.clock(self._mock.tenant)["frozen"])

    def advance(
        self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> dt.datetime:
        """Move the clock forward; whatever became due (webhook deliveries) has run on return."""
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days
        return self._move({"advanceSeconds": total})

    def set(self, moment: dt.datetime | str) -> dt.datetime:
        """Move the clock to ``moment`` (never backwards: ControlError); what became due has run."""
        text = moment if isinstance(moment, str) else _iso(moment)
        return self._move({"now": text})

    def freeze(self) -> dt.datetime:
        return self._move({"frozen": True})

    def unfreeze(self) -> dt.datetime:
        return self._move({"frozen": False})

    def _move(self, body: dict) -> dt.datetime:
        return _parse_time(self._mock._backend.move_clock(self._mock.tenant, body)["now"])


class Webhooks:
    """``mock.webhooks``: the subscriptions, and what bc_mock sent to their subscribers."""

    def __init__(self, mock: MockServer):
        self._mock = mock

    def subscriptions(self) -> list[Subscription]:
        return self._mock._backend.webhooks(self._mock.tenant)["subscriptions"]

    def deliveries(
        self,
        kind: str | None = "notification",
        url: str | None = None,
        status: int | None = None,
        resource: str | None = None,
        change_type: str | None = None,
    ) -> list[Delivery]:
        """What bc_mock sent, oldest first: notifications by default (``kind=None``: handshakes
        too), those to ``url`` (a glob), answered ``status``, or holding an item whose resource
        matches ``resource`` (a glob) and whose changeType is ``change_type``."""
        from bc_mock.globs import glob_match

        found = []
        for delivery in self._mock._backend.webhooks(self._mock.tenant)["deliveries"]:
            if kind is not None and delivery["kind"] != kind:
                continue
            if url is not None and not glob_match(url, delivery["url"]):
                continue
            if status is not None and delivery["status"] != status:
                continue
            if (resource or change_type) and not _items(delivery, resource, change_type):
                continue
            found.append(delivery)
        return found

    def flush(self) -> int:
        """Send every pending notification now, as if the delay had passed; how many POSTs the
        subscribers took."""
        return int(self._mock._backend.flush(self._mock.tenant)["delivered"])

    def clear(self) -> None:
        """Forget the deliveries (subscriptions stay)."""
        self._mock._backend.clear_deliveries(self._mock.tenant)

    def assert_notified(
        self, resource: str = "*", change_type: str | None = None, timeout: float = 5.0
    ) -> dict:
        """Wait (at most ``timeout`` real seconds) until a notification delivered to a subscriber
        holds an item whose resource matches ``resource`` (a glob) and whose changeType is
        ``change_type`` (any if None); return that item. AssertionError, listing what was
        delivered, if none comes. It does not move the clock: advance it (or flush) first."""
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        while True:
            for delivery in self.deliveries():
                if delivery["result"] != "delivered":
                    continue
                items = _items(delivery, resource, change_type)
                if items:
                    return items[0]
            if time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        raise AssertionError(
            f"no notification of {change_type or 'any change'} to {resource} was delivered within "
            f"{timeout:g} s.\n{self._delivered()}"
        )

    def _delivered(self) -> str:
        """What was sent to subscribers, and what is still pending, for an assertion's message."""
        deliveries = self.deliveries(kind=None)
        lines = []
        for d in deliveries:
            answer = d["status"] if d["status"] is not None else d["error"]
            items = ", ".join(
                f"{i['changeType']} {i['resource']}" for i in (d["body"] or {}).get("value", [])
            )
            lines.append(
                f"  {d['time']} {d['kind']} -> {d['url']} ({answer}, {d['result']}) {items}".rstrip()
            )
        sent = (
            f"Sent {len(deliveries)}:\n" + "\n".join(lines) if lines else "Nothing was sent to a subscriber."
        )
        pending = sum(len(s["pending"]) for s in self.subscriptions())
        if pending:
            sent += (
                f"\n{pending} notification(s) pending: advance the clock (mock.clock.advance(seconds=30)) "
                "or flush (mock.webhooks.flush())."
            )
        return sent


def _items(delivery: Delivery, resource: str | None, change_type: str | None) -> list[dict]:
    from bc_mock.globs import glob_match

    return [
        item
        for item in (delivery["body"] or {}).get("value", [])
        if (resource is None or glob_match(resource, item["resource"]))
        and (change_type is None or item["changeType"] == change_type)
    ]


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("give an aware datetime (e.g. with tzinfo=datetime.timezone.utc)")
    return moment.isoformat()


def _parse_time(text: str) -> dt.datetime:
    from bc_mock.clock import parse_iso

    return parse_iso(text)


class RegisteredApplications:
    """``mock.applications``: register, list and remove applications (BC's Microsoft Entra
    applications), with the keys of ``/_mock/applications`` (``clientId``, ``clientSecret``,
    ``tenant``, ``roles``, ``displayName``). On a mock with a tenant of its own, in that tenant
    (by default) and only its registrations are listed and removed."""

    def __init__(self, mock: MockServer):
        self._mock = mock

    def add(self, **application: Any) -> dict:
        """Register one; returns it as stored. ControlError if it is malformed or registered."""
        if self._mock.tenant and "tenant" not in application:
            application["tenant"] = self._mock.tenant
        return self._mock._backend.add_application(application)

    def list(self) -> list[dict]:
        return self._mock._backend.applications(self._mock.tenant)

    def remove(self, client_id: str) -> None:
        """Unregister ``client_id``; ControlError if it is not registered (in this mock's scope)."""
        self._mock._backend.remove_application(client_id, self._mock.tenant)


def unknown_rule(rule_id: str) -> ControlError:
    return ControlError(f"There is no fault rule with id '{rule_id}'.")


# --- the backends ------------------------------------------------------------------------


class _InProcess:
    """The app on waitress, on a background thread of this process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = ""
        self.ca_path: str | None = None
        self._ca_folder: str | None = None  # made for the CA when no tls_ca_out was given
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        from bc_mock import serving, tls
        from bc_mock.app import create_app

        app = create_app(self.settings)
        self.state = app.extensions["bc_mock"]
        material = tls.prepare(self.settings)
        self._server = serving.create_server(app, self.settings, material)
        scheme = "https" if material is not None else "http"
        self.url = f"{scheme}://{self.settings.host}:{self._server.effective_port}"
        self.ca_path = self.settings.tls_ca_out
        if material is not None and material.ca_pem is not None and self.ca_path is None:
            self._ca_folder = tempfile.mkdtemp(prefix="bc-mock-ca-")
            self.ca_path = str(Path(self._ca_folder) / "ca.pem")
            Path(self.ca_path).write_bytes(material.ca_pem)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="bc-mock", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from waitress import wasyncore

        # our own loop, so that stop() can end it promptly by pulling waitress's trigger
        while not self._stopping.is_set():
            wasyncore.loop(timeout=1.0, map=self._server._map, count=1)

    def stop(self) -> None:
        from waitress import wasyncore

        from bc_mock import serving

        self.state.webhooks.stop()
        self._stopping.set()
        self._server.pull_trigger()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._server._map)
        serving.close(self._server)
        self._thread = None
        if self._ca_folder is not None:
            shutil.rmtree(self._ca_folder, ignore_errors=True)
            self._ca_folder = self.ca_path = None

    def reset(self, tenant: str | None) -> None:
        self.state.reset(tenant)

    def journal(self, tenant: str | None, filters: dict[str, Any]) -> list[JournalEntry]:
        from bc_mock.journal import parse_time

        since = filters["since"]
        return self.state.journal.entries(
            filters["method"],
            filters["path"],
            filters["status"],
            parse_time(since) if since else None,
            tenant,
        )

    def clear_journal(self, tenant: str | None) -> None:
        self.state.journal.clear(tenant)

    def har(self, tenant: str | None) -> dict:
        from bc_mock import har
        from bc_mock.journal import TEXT

        return har.archive(self.state.journal.entries(tenant=tenant, bodies=TEXT))

    def add_rule(self, rule: dict) -> FaultRule:
        return self.state.faults.add(rule, self.settings.max_fault_rules).to_json()

    def rules(self, tenant: str | None) -> list[FaultRule]:
        return self.state.faults.list(tenant)  # None: every rule (FaultSet's EVERY_TENANT)

    def remove_rule(self, rule_id: str, tenant: str | None) -> None:
        if not self.state.faults.remove(rule_id, tenant):
            raise unknown_rule(rule_id)

    def clear_rules(self, tenant: str | None) -> None:
        self.state.faults.clear(tenant)

    def clock(self, tenant: str | None) -> dict:
        return self.state.clock_json(tenant)

    def move_clock(self, tenant: str | None, body: dict) -> dict:
        from bc_mock.clock import ClockError, parse_iso

        try:
            moment = parse_iso(body["now"]) if "now" in body else None
            return self.state.move_clock(tenant, body.get("advanceSeconds"), moment, body.get("frozen"))
        except (ClockError, ValueError) as error:
            raise ControlError(str(error)) from None

    def webhooks(self, tenant: str | None) -> dict:
        from bc_mock.control.timing import webhooks_json

        return webhooks_json(self.state, tenant)

    def flush(self, tenant: str | None) -> dict:
        outcome = self.state.webhooks.flush(tenant)
        return {"delivered": outcome.delivered, "failed": outcome.failed}

    def clear_deliveries(self, tenant: str | None) -> None:
        self.state.webhooks.log.clear(tenant)

    def auth_mode(self) -> str:
        return self.settings.auth or "none"

    def applications(self, tenant: str | None) -> list[dict]:
        return [app.to_json() for app in self.state.applications.list(tenant)]

    def add_application(self, application: dict) -> dict:
        from bc_mock.auth import applications

        try:
            return self.state.applications.add(applications.parse(application)).to_json()
        except applications.ApplicationError as error:
            raise ControlError(f"The application cannot be registered: {error}.") from None

    def remove_application(self, client_id: str, tenant: str | None) -> None:
        if not self.state.applications.remove(client_id, tenant):
            raise ControlError(f"There is no application with client id '{client_id}'.")


class _Attached:
    """A server running elsewhere, driven over its /_mock endpoints (standard library only)."""

    def __init__(self, url: str, ca_path: str | None = None):
        self.url = url
        self.ca_path = ca_path
        self._context: ssl.SSLContext | None = None
        if url.startswith("https:"):
            import ssl

            self._context = (
                ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()
            )

    def start(self) -> None:
        try:
            self._control("GET", "/_mock/health")  # fail now, clearly, if nothing answers there
        except (OSError, ControlError, ValueError) as error:
            raise ServerUnavailableError(f"no bc_mock answers at {self.url}: {error}") from None

    def stop(self) -> None:
        pass  # the server is not ours to stop

    def reset(self, tenant: str | None) -> None:
        self._control("POST", "/_mock/reset", params={"tenant": tenant})

    def journal(self, tenant: str | None, filters: dict[str, Any]) -> list[JournalEntry]:
        return self._control("GET", "/_mock/requests", params={**filters, "tenant": tenant})["value"]

    def clear_journal(self, tenant: str | None) -> None:
        self._control("DELETE", "/_mock/requests", params={"tenant": tenant})

    def har(self, tenant: str | None) -> dict:
        return self._control("GET", "/_mock/requests.har", params={"tenant": tenant})

    def add_rule(self, rule: dict) -> FaultRule:
        return self._control("POST", "/_mock/faults", body=rule)

    # /_mock/faults without ?tenant= means the rules without a tenant; "*" means every rule
    def rules(self, tenant: str | None) -> list[FaultRule]:
        return self._control("GET", "/_mock/faults", params={"tenant": tenant or "*"})["value"]

    def remove_rule(self, rule_id: str, tenant: str | None) -> None:
        path = f"/_mock/faults/{urllib.parse.quote(rule_id, safe='')}"
        self._control("DELETE", path, params={"tenant": tenant or "*"})

    def clear_rules(self, tenant: str | None) -> None:
        self._control("DELETE", "/_mock/faults", params={"tenant": tenant or "*"})

    def clock(self, tenant: str | None) -> dict:
        return self._control("GET", "/_mock/clock", params={"tenant": tenant})

    def move_clock(self, tenant: str | None, body: dict) -> dict:
        return self._control("POST", "/_mock/clock", body=body, params={"tenant": tenant})

    def webhooks(self, tenant: str | None) -> dict:
        return self._control("GET", "/_mock/webhooks", params={"tenant": tenant})

    def flush(self, tenant: str | None) -> dict:
        return self._control("POST", "/_mock/webhooks/flush", params={"tenant": tenant})

    def clear_deliveries(self, tenant: str | None) -> None:
        self._control("DELETE", "/_mock/webhooks/deliveries", params={"tenant": tenant})

    def auth_mode(self) -> str:
        return str(self._control("GET", "/_mock/health").get("auth", "none"))

    def applications(self, tenant: str | None) -> list[dict]:
        return self._control("GET", "/_mock/applications", params={"tenant": tenant})["value"]

    def add_application(self, application: dict) -> dict:
        return self._control("POST", "/_mock/applications", body=application)

    def remove_application(self, client_id: str, tenant: str | None) -> None:
        path = f"/_mock/applications/{urllib.parse.quote(client_id, safe='')}"
        self._control("DELETE", path, params={"tenant": tenant})

    def _control(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> Any:
        query = urllib.parse.urlencode(
            {key: value for key, value in (params or {}).items() if value is not None}
        )
        call = urllib.request.Request(
            self.url + path + (f"?{query}" if query else ""),
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(call, timeout=30, context=self._context) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            message = _error_message(error.read()) or str(error)
            if error.code == 400 and path.startswith("/_mock/faults"):
                raise RuleError(message) from None
            raise ControlError(
                f"bc_mock at {self.url} answered {method} {path} with {error.code}: {message}"
            ) from None
        return json.loads(content) if content else None


def _error_message(raw: bytes) -> str | None:
    try:
        return json.loads(raw)["error"]["message"].split("  CorrelationId:")[0]
    except (ValueError, KeyError, TypeError):
        return None
