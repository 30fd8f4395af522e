"""Webhook tests: a real bc-mock process, a real subscriber (pytest-httpserver), moved time.

Each test works on a tenant of its own whose clock it freezes, so it moves its own time only:
no test waits for the 30-second delay or a retry schedule. The server gives subscribers half a
second to answer (handshakes and notifications), so a slow or silent subscriber costs at most
that much real time.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid

import pytest
from werkzeug import Request, Response

from tests.helpers import USA, BcClient

TIMEOUT_S = 0.5
START = "2026-01-05T09:00:00Z"


@pytest.fixture(scope="module")
def hooks_server(start_bc_mock_for_module):
    """bc-mock with half a second for subscribers to answer, its clock frozen at START."""
    return start_bc_mock_for_module(*SERVER_OPTIONS).url


SERVER_OPTIONS = (
    f"--clock=fixed:{START}",
    f"--webhook-timeout={TIMEOUT_S}",
    f"--webhook-handshake-timeout={TIMEOUT_S}",
)


class Subscriber:
    """A webhook subscriber on pytest-httpserver: it passes handshakes by echoing the token (or
    as ``handshake`` says) and answers notifications 200 (or the next of ``answers``)."""

    def __init__(self, httpserver, path: str = "/hook"):
        self.httpserver = httpserver
        self.path = path
        self.url = httpserver.url_for(path)
        self.handshake: str | int = "echo"  # "echo", "wrong", "slow", "silent", or a status
        self.answers: list[int | str] = []  # per notification: a status, "slow" or "pause"
        self.handshakes: list[Request] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        httpserver.expect_request(path).respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        token = request.args.get("validationToken")
        if token is not None:
            with self._lock:
                self.handshakes.append(request)
            if self.handshake == "echo":
                return Response(token, 200, content_type="text/plain")
            if self.handshake == "wrong":
                return Response("not-the-token", 200, content_type="text/plain")
            if self.handshake == "slow":
                time.sleep(TIMEOUT_S + 0.3)
                return Response(token, 200, content_type="text/plain")
            return Response("", int(self.handshake))
        with self._lock:
            self.requests.append(request)
            answer = self.answers.pop(0) if self.answers else 200
        if answer == "slow":  # beyond the server's timeout: no answer, as far as it knows
            time.sleep(TIMEOUT_S + 0.3)
            return Response("", 200)
        if answer == "pause":  # slow, but within the timeout
            time.sleep(TIMEOUT_S * 0.8)
            return Response("", 200)
        return Response("", int(answer))

    @property
    def notifications(self) -> list[dict]:
        """The bodies of the notifications received, oldest first."""
        with self._lock:
            return [json.loads(request.get_data()) for request in self.requests]

    def items(self) -> list[dict]:
        return [item for body in self.notifications for item in body["value"]]


@pytest.fixture
def subscriber(httpserver) -> Subscriber:
    return Subscriber(httpserver)


class Tenant(BcClient):
    """A BC client on a tenant of its own, with a clock of its own (frozen at START: the server
    starts so) and the /_mock calls."""

    def __init__(self, server_url: str, version: str = "v2.0"):
        self.tenant = f"t-{uuid.uuid4().hex[:12]}"
        super().__init__(server_url, self.tenant, version)
        self.clock()  # a clock of its own, from the server's (frozen at START)

    def mock(self, method: str, path: str, body=None):
        response = self.session.request(
            method, f"{self.server_url}/_mock/{path}", params={"tenant": self.tenant}, json=body
        )
        return response

    def clock(self, **body) -> dict:
        keys = {"advance": "advanceSeconds", "now": "now", "frozen": "frozen"}
        response = self.mock("POST", "clock", {keys[k]: v for k, v in body.items()})
        assert response.status_code == 200, response.text
        return response.json()

    def advance(self, seconds: float) -> dict:
        return self.clock(advance=seconds)

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.mock("GET", "clock").json()["now"].replace("Z", "+00:00"))

    def webhooks(self) -> dict:
        return self.mock("GET", "webhooks").json()

    def deliveries(self, kind: str = "notification") -> list[dict]:
        return [d for d in self.webhooks()["deliveries"] if d["kind"] == kind]

    def flush(self) -> dict:
        return self.mock("POST", "webhooks/flush").json()

    def resource(self, set_name: str = "customerPaymentJournals", company: str = USA) -> str:
        return f"/api/{self.version}/companies({company})/{set_name}"

    def subscribe(self, url: str, set_name: str = "customerPaymentJournals", **body):
        return self.post(
            "subscriptions", {"notificationUrl": url, "resource": self.resource(set_name), **body}
        )

    def subscription(self, subscription_id: str) -> str:
        return f"subscriptions('{subscription_id}')"

    def new_journal(self, code: str) -> dict:
        response = self.post(self.journals(), {"code": code})
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def hooks(hooks_server) -> Tenant:
    return Tenant(hooks_server)
