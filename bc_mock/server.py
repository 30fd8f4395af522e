"""MockServer: bc_mock in-process on a background thread, or attached to a running one by URL.

    with MockServer() as mock:
        requests.get(mock.api_url() + "/companies")
        mock.faults.add(method="POST", path="*/customerPayments*", preset="throttled", times=1)
        mock.assert_requested("GET", "companies")

In-process, control calls (reset, faults, journal) go straight to the app's state: a reset
costs microseconds. Attached by ``url`` (the container, a shared server), they go over the
/_mock endpoints; with ``tenant`` set, the mock is scoped to that tenant: API URLs point at
it, new fault rules apply only to it, and ``requests()``/``faults.clear()`` see only it.
"""

from __future__ import annotations

import threading
import uuid

from bc_mock.config import Settings
from bc_mock.dropper import waitress_dropper

API_VERSION = "v2.0"


class MockServer:
    """A bc_mock server for tests; see the module docstring."""

    def __init__(
        self,
        fixtures: str | None = None,
        port: int = 0,
        url: str | None = None,
        *,
        host: str = "127.0.0.1",
        tenant: str | None = None,
        rate_limit: str | None = None,
        journal_size: int | None = None,
        faults_file: str | None = None,
        threads: int = 8,
    ):
        if url and (fixtures or rate_limit or journal_size is not None or faults_file):
            raise ValueError(
                "fixtures, rate_limit, journal_size and faults_file configure an in-process "
                "server; a server attached by url keeps the options it was started with"
            )
        self.tenant = tenant
        self._settings = Settings(
            host=host, port=port, fixtures=fixtures, rate_limit=rate_limit, faults=faults_file
        )
        if journal_size is not None:
            self._settings.journal_size = journal_size
        self._threads = threads
        self._attached_url = url.rstrip("/") if url else None
        self._url: str | None = self._attached_url
        self._app = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._is_view = False
        self._stopping = threading.Event()
        self.faults = Faults(self)

    # --- life cycle -----------------------------------------------------------

    def start(self) -> MockServer:
        if self._attached_url:
            try:
                self._control("GET", "/_mock/health")  # fail now, clearly, if nothing answers there
            except (OSError, RuntimeError, ValueError) as error:
                raise ConnectionError(f"no bc_mock answers at {self.url}: {error}") from None
            return self
        if self._thread is not None:
            return self
        from waitress import create_server

        from bc_mock.app import create_app

        self._app = create_app(self._settings)
        self._server = create_server(
            self._app,
            host=self._settings.host,
            port=self._settings.port,
            threads=self._threads,
            clear_untrusted_proxy_headers=True,
        )
        self._app.extensions["bc_mock"].drop_connection = waitress_dropper(self._server)
        self._url = f"http://{self._settings.host}:{self._server.effective_port}"
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="bc-mock", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        from waitress import wasyncore

        # our own loop, so that stop() can end it promptly by pulling waitress's trigger
        while not self._stopping.is_set():
            wasyncore.loop(timeout=1.0, map=self._server._map, count=1)

    def stop(self) -> None:
        if self._thread is None or self._is_view:
            return  # a tenant-scoped view does not own the server it looks at
        from waitress import wasyncore

        self._stopping.set()
        self._server.pull_trigger()
        self._thread.join(timeout=5)
        self._server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._server._map)
        self._thread = None

    def __enter__(self) -> MockServer:  # noqa: PYI034 (Self needs Python 3.11)
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- where it is ------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's base URL, e.g. http://127.0.0.1:41234."""
        if self._url is None:
            raise RuntimeError("the MockServer is not started: use `with MockServer() as mock:` or .start()")
        return self._url

    @property
    def in_process(self) -> bool:
        return self._app is not None

    def api_url(
        self, version: str = API_VERSION, tenant: str | None = None, environment: str | None = None
    ) -> str:
        """The API root, in the URL form BC uses for what is given (see the README's URL roots).

        Nothing given: ``/api/<version>`` (tenant "default", environment "production"), unless
        the mock is scoped to a tenant; an environment alone: ``/v2.0/<env>/api/<version>``; a
        tenant: ``/v2.0/<tenant>/<env or production>/api/<version>``.
        """
        tenant = tenant or self.tenant
        if tenant:
            return f"{self.url}/v2.0/{tenant}/{environment or 'production'}/api/{version}"
        if environment:
            return f"{self.url}/v2.0/{environment}/api/{version}"
        return f"{self.url}/api/{version}"

    def for_tenant(self, tenant: str | None = None) -> MockServer:
        """A view of this server scoped to ``tenant`` (a new unique one by default)."""
        view = MockServer.__new__(MockServer)
        view.__dict__.update(self.__dict__)
        view.tenant = tenant or f"t-{uuid.uuid4().hex[:12]}"
        view.faults = Faults(view)
        view._is_view = True
        return view

    # --- control ------------------------------------------------------------------

    def reset(self) -> None:
        """Fresh data, no fault rules, an empty journal, no rate-limit counts.

        Scoped to a tenant, only that tenant's are reset (its data is freed on the server);
        other tenants on a shared server are not touched.
        """
        if self.in_process:
            self._app.extensions["bc_mock"].reset(self.tenant)
        else:
            self._control("POST", "/_mock/reset", params={"tenant": self.tenant})

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | str | None = None,
        since: str | None = None,
    ) -> list[dict]:
        """Journal entries (oldest first) matching all that is given; see the README's entry keys."""
        if self.in_process:
            from bc_mock.journal import parse_time

            journal = self._app.extensions["bc_mock"].journal
            return journal.entries(method, path, status, parse_time(since) if since else None, self.tenant)
        params = {"method": method, "path": path, "status": status, "since": since, "tenant": self.tenant}
        return self._control("GET", "/_mock/requests", params=params)["value"]

    def _clear_requests(self) -> None:
        if self.in_process:
            self._app.extensions["bc_mock"].journal.clear(self.tenant)
        else:
            self._control("DELETE", "/_mock/requests", params={"tenant": self.tenant})

    def clear_requests(self) -> None:
        """Empty the journal (only this tenant's entries when scoped to one)."""
        self._clear_requests()

    def assert_requested(self, method: str, path: str, times: int | None = None) -> list[dict]:
        """Assert that ``method`` ``path`` (a glob) was requested (exactly ``times`` times, if given).

        Returns the matching entries. The failure message lists every request received.
        """
        __tracebackhide__ = True  # pytest shows the caller's line, not this one
        found = self.requests(method=method, path=path)
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
        entries = self.requests()
        if not entries:
            return "No requests were received."
        lines = [f"  {e['method']} {e['apiPath'] or e['path']} -> {_outcome(e)}" for e in entries]
        return f"Received {len(entries)} request{'s' if len(entries) != 1 else ''}:\n" + "\n".join(lines)

    def _control(self, method: str, path: str, json: dict | None = None, params: dict | None = None):
        """One call to the attached server's /_mock endpoints (standard library only)."""
        import json as jsonlib
        import urllib.error
        import urllib.parse
        import urllib.request

        query = urllib.parse.urlencode(
            {key: value for key, value in (params or {}).items() if value is not None}
        )
        data = None if json is None else jsonlib.dumps(json).encode()
        call = urllib.request.Request(
            self.url + path + (f"?{query}" if query else ""),
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(call, timeout=30) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            message = _error_message(error.read()) or str(error)
            if error.code == 400 and path.startswith("/_mock/faults"):
                from bc_mock.faults import RuleError

                raise RuleError(message) from None
            raise RuntimeError(
                f"bc_mock at {self.url} answered {method} {path} with {error.code}: {message}"
            ) from None
        return jsonlib.loads(content) if content else None


def _error_message(raw: bytes) -> str | None:
    import json

    try:
        return json.loads(raw)["error"]["message"].split("  CorrelationId:")[0]
    except (ValueError, KeyError, TypeError):
        return None


def _outcome(entry: dict) -> str:
    if entry["dropped"]:
        return "dropped"
    return "no answer yet" if entry["status"] is None else str(entry["status"])


class Faults:
    """``mock.faults``: add, list and clear fault rules (the same keys as the JSON rules)."""

    def __init__(self, mock: MockServer):
        self._mock = mock

    def _set(self):
        return self._mock._app.extensions["bc_mock"].faults

    def add(self, **rule) -> dict:
        """Add one rule; returns it as stored, with its ``id``. Scoped mocks default ``tenant``."""
        if isinstance(rule.get("delayMs"), tuple):
            rule["delayMs"] = list(rule["delayMs"])
        if self._mock.tenant and "tenant" not in rule:
            rule["tenant"] = self._mock.tenant
        if self._mock.in_process:
            return self._set().add(rule).to_json()
        return self._mock._control("POST", "/_mock/faults", json=rule)

    def list(self) -> list[dict]:
        if self._mock.in_process:
            return self._set().list(self._mock.tenant)
        return self._mock._control("GET", "/_mock/faults", params={"tenant": self._mock.tenant})["value"]

    def remove(self, rule_id: str) -> None:
        if self._mock.in_process:
            self._set().remove(rule_id)
        else:
            self._mock._control("DELETE", f"/_mock/faults/{rule_id}")

    def clear(self) -> None:
        if self._mock.in_process:
            self._set().clear(self._mock.tenant)
        else:
            self._mock._control("DELETE", "/_mock/faults", params={"tenant": self._mock.tenant})
