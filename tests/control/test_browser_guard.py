"""/_mock from a web page: a page the developer visits must not reset or fault the mock.

Before, /_mock took a ``text/plain`` POST from any Origin and any Host, so a page could post
a form (no CORS preflight) to http://127.0.0.1:8080/_mock/reset, or reach the mock through DNS
rebinding. Now it answers only requests addressed to a local name (or one of --allowed-hosts),
not sent by a page of another origin, and with JSON bodies. The BC API itself is not affected.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from tests.helpers import USA, error_of

JOURNALS = f"/api/v2.0/companies({USA})/customerPaymentJournals"


@pytest.fixture(scope="module")
def own_server(start_bc_mock_for_module):
    """A server of this module's own: a reset getting through must not disturb other tests."""
    return start_bc_mock_for_module().url


@pytest.fixture
def marked(own_server):
    """A journal created on the server: it is still there if no reset got through."""
    created = requests.post(own_server + JOURNALS, json={"code": "MARK"})
    assert created.status_code == 201
    yield
    requests.post(f"{own_server}/_mock/reset")


def _still_marked(url: str) -> bool:
    return "MARK" in [journal["code"] for journal in requests.get(url + JOURNALS).json()["value"]]


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1]


# --- another origin -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example", "Content-Type": "text/plain"},  # a form's POST
        {"Origin": "null"},  # a sandboxed frame, a file:// page
        {"Origin": "http://127.0.0.1:1"},  # another port of the same machine
        {"Origin": "https://127.0.0.1"},
        {"Sec-Fetch-Site": "cross-site"},  # a browser that names the site but sends no Origin
    ],
)
def test_a_request_of_a_page_of_another_origin_is_refused(own_server, marked, headers):
    response = requests.post(f"{own_server}/_mock/reset", data=b"{}", headers=headers)
    status, code, message = error_of(response)
    assert (status, code) == (403, "Authorization_CrossOriginRequest")
    assert "web page from another origin" in message
    assert _still_marked(own_server)


def test_fault_rules_and_the_journal_are_guarded_alike(own_server):
    evil = {"Origin": "http://evil.example"}
    rule = {"path": "*", "status": 500}
    assert requests.post(f"{own_server}/_mock/faults", json=rule, headers=evil).status_code == 403
    assert requests.get(f"{own_server}/_mock/requests", headers=evil).status_code == 403
    assert requests.delete(f"{own_server}/_mock/requests", headers=evil).status_code == 403
    assert requests.get(f"{own_server}/_mock/faults", params={"tenant": "*"}).json()["value"] == []


def test_the_own_origin_is_welcome(own_server):
    same = {"Origin": own_server, "Sec-Fetch-Site": "same-origin"}
    assert requests.get(f"{own_server}/_mock/health", headers=same).status_code == 200
    localhost = f"http://localhost:{_port(own_server)}"
    assert requests.get(f"{localhost}/_mock/health", headers={"Origin": localhost}).status_code == 200


# --- bodies that are not JSON ---------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_declared_json_is_a_415(own_server, marked, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    rule = b'{"path": "*", "status": 500}'
    for path in ("/_mock/faults", "/_mock/reset"):
        response = requests.post(f"{own_server}{path}", data=rule, headers=headers)
        if content_type is None:  # requests sends none: the server sees no Content-Type
            assert "Content-Type" not in response.request.headers
        status, code, message = error_of(response)
        assert (status, code) == (415, "BadRequest_UnsupportedMediaType")
        assert "send Content-Type: application/json" in message
    assert requests.get(f"{own_server}/_mock/faults", params={"tenant": "*"}).json()["value"] == []
    assert _still_marked(own_server)


def test_a_post_without_a_body_needs_no_content_type(own_server, marked):
    """The README's `curl -s -X POST http://127.0.0.1:8080/_mock/reset` keeps working."""
    done = subprocess.run(
        ["curl", "-s", "-X", "POST", f"{own_server}/_mock/reset"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if done.returncode == 127:
        pytest.skip("no curl")
    assert b'"status":"reset"' in done.stdout
    assert not _still_marked(own_server)


# --- DNS rebinding: the Host ---------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "localhost."])
def test_a_host_name_that_could_be_rebound_is_refused(own_server, marked, host):
    response = requests.post(f"{own_server}/_mock/reset", headers={"Host": host})
    status, code, message = error_of(response)
    assert (status, code) == (403, "Authorization_HostNotAllowed")
    name = host.rsplit(":", 1)[0] if host.endswith(":8080") else host
    assert f"not to '{name}'" in message and f"--allowed-hosts {name}" in message
    assert "BC_MOCK_ALLOWED_HOSTS" in message
    assert _still_marked(own_server)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:{port}", "[::1]:{port}", "localhost", "app.localhost:{port}", "bc-mock"]
)
def test_local_names_are_accepted(own_server, host):
    response = requests.get(
        f"{own_server}/_mock/health", headers={"Host": host.format(port=_port(own_server))}
    )
    assert response.status_code == 200, response.text


def test_the_api_is_not_guarded(own_server):
    page = {"Host": "evil.example", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert requests.get(own_server + JOURNALS, headers=page).status_code == 200


def test_allowed_hosts_names_more_hosts(start_bc_mock):
    url = start_bc_mock("--allowed-hosts", "Mock.Example.Test, *.corp.test").url
    for host, status in [
        ("mock.example.test", 200),
        ("MOCK.example.test:80", 200),
        ("a.b.corp.test", 200),
        ("corp.test", 403),
        ("other.example.test", 403),
        ("localhost", 200),
    ]:
        assert requests.get(f"{url}/_mock/health", headers={"Host": host}).status_code == status, host
    url = start_bc_mock(env={"BC_MOCK_ALLOWED_HOSTS": "*"}).url
    assert requests.get(f"{url}/_mock/health", headers={"Host": "anything.example"}).status_code == 200
    # the other guards still hold
    assert requests.post(f"{url}/_mock/reset", headers={"Origin": "http://evil.example"}).status_code == 403


@pytest.mark.parametrize(
    "args, env", [(["--allowed-hosts", "evil.example:80"], {}), ([], {"BC_MOCK_ALLOWED_HOSTS": "a b"})]
)
def test_allowed_hosts_are_validated_before_serving(args, env):
    result = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **env},
        check=False,
    )
    assert result.returncode == 2 and "allowed hosts must be host names" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
