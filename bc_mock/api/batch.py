"""``$batch`` in OData's JSON format, as BC answers it.

``POST {api root}/$batch`` with ``{"requests": [{"id", "method", "url", "headers",
"body", "dependsOn"}]}`` (at most 100). Each operation is dispatched through the
Flask app as a request of its own (its own WSGI call, on the same thread), so the
app's hooks (request journal, faults) see it as one request, tied to the batch by
``environ["bc_mock.batch_id"]``. The answer is ``{"responses": [{"id", "status",
"headers", "body"}]}``.

As BC: execution stops at the first failed operation and the responses go up to it,
unless the request says ``Prefer: odata.continue-on-error``; then an operation whose
``dependsOn`` names a failed one is not run and gets 424. With ``Isolation: snapshot``
the batch is one transaction: a failed operation rolls back every change of the
batch (the responses still show what each operation answered, and which one failed
and why).

Operation URLs are relative to the API root (``companies(...)/customerPayments``),
absolute paths or full URLs; a ``Company`` header names the company for a URL that
has no ``companies(...)`` segment. An operation cannot reach bc_mock's own ``/_mock``
endpoints (404, as any URL outside BC's service).

Where bc_mock differs: only the JSON format is spoken (BC also takes multipart/mixed
batches; bc_mock answers them 400). BC does not document the texts of a 424 (failed dependency) or
of a batch over 100 operations; these are bc_mock's own. A snapshot batch holds the
store's lock while it runs, so other requests wait for it (BC's database isolation
lets readers of other records through).
"""

from __future__ import annotations

import json
import time
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, cast
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

from flask import current_app, request
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from bc_mock import errors, jsonio
from bc_mock.hooks import (  # how the request hooks tell a batch's operations
    BATCH_DELAYS_KEY,
    BATCH_ID_KEY,
    journal_entry_id,
)
from bc_mock.store import Store

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.local import LocalProxy

MAX_OPERATIONS = 100
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
# response headers an operation's answer keeps (lower-case, as BC writes them)
KEPT_HEADERS = ("content-type", "odata-version", "etag", "location", "odata-entityid", "preference-applied")


class _RollBack(Exception):
    """Raised inside the snapshot transaction to undo the whole batch."""


def _invalid(message: str) -> errors.BcError:
    return errors.bad_request(f"Invalid batch request: {message}")


def _operations(body: object) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise _invalid("the body must be a JSON object with a 'requests' array.")
    operations = body["requests"]
    if len(operations) > MAX_OPERATIONS:
        raise errors.bad_request(
            f"The batch has {len(operations)} requests; a batch may hold at most {MAX_OPERATIONS}."
        )
    seen: set[str] = set()
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise _invalid(f"request {index} is not a JSON object.")
        method, url = operation.get("method"), operation.get("url")
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise _invalid(f"request {index} has no valid 'method'.")
        if not isinstance(url, str) or not url.strip():
            raise _invalid(f"request {index} has no 'url'.")
        if not isinstance(operation.get("headers", {}), dict):
            raise _invalid(f"the 'headers' of request {index} must be a JSON object.")
        depends = operation.get("dependsOn", [])
        if not isinstance(depends, list) or any(str(d) not in seen for d in depends):
            raise _invalid(f"the 'dependsOn' of request {index} must name earlier requests' ids.")
        if operation.get("id") is not None:
            if not isinstance(operation["id"], str):  # OData's JSON batch format: a string
                raise _invalid(f"the 'id' of request {index} must be a string.")
            if str(operation["id"]) in seen:
                raise _invalid(f"the id '{operation['id']}' is used twice.")
            seen.add(str(operation["id"]))
    return operations


def run(store: Store, api_root: str) -> dict:
    """Execute the current request's batch; returns the ``{"responses": [...]}`` body."""
    if request.mimetype.startswith("multipart/"):
        raise errors.bad_request(
            "bc_mock serves $batch in OData's JSON format only: send the batch as Content-Type: "
            'application/json, with a body {"requests": [...]}. (BC also takes multipart/mixed '
            "batches; bc_mock does not.)"
        )
    operations = _operations(jsonio.loads_body(request.get_data()))
    # the operations' journal entries name the $batch request's own entry as their batch
    batch_id = journal_entry_id() or str(uuid.uuid4())
    prefer = request.headers.get("Prefer", "").lower()
    snapshot = request.headers.get("Isolation", "").strip().lower() == "snapshot"
    runner = _Runner(
        api_root,
        batch_id,
        continue_on_error="continue-on-error" in prefer and not snapshot,
        # a snapshot batch holds the store's lock: its operations' fault delays are served after it
        delays=[] if snapshot else None,
    )
    if not snapshot:
        return {"responses": runner.run_all(operations)}
    try:
        with store.transaction():
            responses = runner.run_all(operations)
            if runner.failed:
                raise _RollBack
    except _RollBack:
        pass
    if runner.delays:
        time.sleep(sum(runner.delays))  # the lock is released: only this request waits
    return {"responses": responses}


class _Runner:
    def __init__(
        self, api_root: str, batch_id: int | str, continue_on_error: bool, delays: list[float] | None
    ):
        self.root_path = urlsplit(api_root).path
        self.batch_id = batch_id
        self.continue_on_error = continue_on_error
        self.delays = delays
        self.failed: set[str] = set()  # ids (or positions) of failed operations

    def run_all(self, operations: list[dict]) -> list[dict]:
        responses = []
        for index, operation in enumerate(operations):
            op_id = operation.get("id")
            key = str(op_id) if op_id is not None else f"#{index}"
            blocked = [str(d) for d in operation.get("dependsOn", []) if str(d) in self.failed]
            response = _failed_dependency(op_id, blocked[0]) if blocked else self._dispatch(op_id, operation)
            responses.append(response)
            if response["status"] >= 400:
                self.failed.add(key)
                if not self.continue_on_error:
                    break
        return responses

    def _dispatch(self, op_id, operation: dict) -> dict:
        path, query = self._target(operation["url"], operation.get("headers", {}))
        # judged as the server will route it: decoded, without empty or dot segments
        segments = _segments(path)
        path = "/" + "/".join(quote(segment, safe=SEGMENT_SAFE) for segment in segments)
        if "$batch" in segments:
            error = errors.bad_request("A $batch request cannot contain another $batch request.")
            return {"id": op_id, "status": error.status, "headers": {}, "body": error.body()}
        if segments[:1] == ["_mock"]:
            # BC's batch reaches only its own service: no operation may reset the mock or add faults
            error = errors.not_found_url(urljoin(request.host_url, path))
            return {"id": op_id, "status": error.status, "headers": {}, "body": error.body()}
        headers = {str(k): str(v) for k, v in operation.get("headers", {}).items()}
        if "Authorization" in request.headers and not any(k.lower() == "authorization" for k in headers):
            headers["Authorization"] = request.headers["Authorization"]
        data = None
        if operation.get("body") is not None:
            data = jsonio.dumps_exact(operation["body"]).encode()
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        builder = EnvironBuilder(
            path=path,
            base_url=request.host_url,
            query_string=query,
            method=operation["method"].upper(),
            headers=Headers(headers),
            data=data,
            environ_overrides={"REMOTE_ADDR": request.remote_addr or "127.0.0.1"},
        )
        environ = builder.get_environ()
        environ[BATCH_ID_KEY] = self.batch_id
        if self.delays is not None:
            environ[BATCH_DELAYS_KEY] = self.delays
        app = cast("LocalProxy[Flask]", current_app)._get_current_object()
        # a fresh app context per operation: the operation's hooks get their own `g`
        with app.app_context():
            app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
            try:
                content = b"".join(app_iter)
            finally:
                getattr(app_iter, "close", lambda: None)()
        return _response(op_id, int(status.split()[0]), response_headers, content)

    def _target(self, url: str, headers: dict) -> tuple[str, str]:
        parts = urlsplit(url.strip())
        path = parts.path if parts.path.startswith("/") else f"{self.root_path}/{parts.path}"
        query = parts.query
        company = next((str(v) for k, v in headers.items() if k.lower() == "company"), None)
        if company and "companies(" not in path and "company=" not in query:
            query = "&".join(filter(None, [query, urlencode({"company": company})]))
        return path, query


# characters of a path segment kept as they are (as the journal shows the operation's URL)
SEGMENT_SAFE = "()$',:;=@!*+&~"


def _segments(path: str) -> list[str]:
    """A URL path's segments as the server sees them: percent-decoded (so ``%5Fmock`` is
    ``_mock`` and ``%2F`` a separator), without empty or ``.`` segments, ``..`` resolved."""
    segments: list[str] = []
    for segment in unquote(path).split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return segments


def _response(op_id, status: int, headers, content: bytes) -> dict:
    kept = {name.lower(): value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    response = {"id": op_id, "status": status, "headers": kept}
    if content:
        if "json" in kept.get("content-type", ""):
            response["body"] = json.loads(content, parse_float=Decimal)
        else:
            response["body"] = content.decode("utf-8", "replace")
    return response


def _failed_dependency(op_id, failed: str) -> dict:
    error = errors.BcError(
        424, "BadRequest_FailedDependency", f"The request depends on request '{failed}', which failed."
    )
    return {"id": op_id, "status": 424, "headers": {}, "body": error.body()}
