"""https (--tls): the generated certificate and its CA, a certificate of one's own, and a server
that no TLS client can stall."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import trustme

from tests.helpers import GENERAL, USA, failed_start

COMPANIES = "api/v2.0/companies"


@pytest.fixture(autouse=True)
def _no_ca_bundle_override(monkeypatch):
    # requests lets these override the verify= the tests pass
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


@pytest.fixture(scope="module")
def tls_server(start_bc_mock_for_module, tmp_path_factory):
    ca = tmp_path_factory.mktemp("tls") / "ca.pem"
    server = start_bc_mock_for_module("--tls", "--tls-ca-out", str(ca), "--channel-timeout", "2")
    return server, str(ca)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _peer_names(url: str, ca: str, host: str = "127.0.0.1") -> list[tuple[str, str]]:
    context = ssl.create_default_context(cafile=ca)
    with (
        socket.create_connection(("127.0.0.1", _port(url)), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return list(tls.getpeercert()["subjectAltName"])


def test_tls_serves_https_with_a_certificate_for_the_local_names(tls_server):
    server, ca = tls_server
    assert server.line.startswith("bc-mock listening on https://127.0.0.1:")
    assert server.url.startswith("https://")
    response = requests.get(f"{server.url}/{COMPANIES}", verify=ca, timeout=10)
    assert response.status_code == 200
    assert response.json()["@odata.context"] == f"{server.url}/api/v2.0/$metadata#companies"  # https URLs
    assert requests.get(f"https://localhost:{_port(server.url)}/_mock/health", verify=ca, timeout=10).ok
    names = _peer_names(server.url, ca)
    assert ("IP Address", "127.0.0.1") in names and ("DNS", "localhost") in names
    assert any(kind == "IP Address" and value in ("::1", "0:0:0:0:0:0:0:1") for kind, value in names)


def test_the_ca_is_written_and_served_and_untrusted_otherwise(tls_server):
    server, ca = tls_server
    pem = Path(ca).read_bytes()
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert Path(ca).stat().st_mode & 0o777 == 0o644
    served = requests.get(f"{server.url}/_mock/ca.pem", verify=ca, timeout=10)
    assert served.content == pem and served.headers["Content-Type"] == "application/x-pem-file"
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{server.url}/{COMPANIES}", verify=True, timeout=10)  # the system does not know it
    assert f"its CA in {ca} and at {server.url}/_mock/ca.pem" in server.stdout


def test_a_plain_http_request_to_the_tls_port_gets_a_clear_400(tls_server):
    server, _ = tls_server
    response = requests.get(server.url.replace("https://", "http://") + f"/{COMPANIES}", timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("This port speaks https (bc-mock --tls)")


def test_keep_alive_large_answers_and_bodies_over_tls(tls_server):
    server, ca = tls_server
    session = requests.Session()
    session.verify = ca
    metadata = session.get(f"{server.url}/api/v2.0/$metadata", timeout=10)
    assert metadata.status_code == 200 and len(metadata.content) > 10_000
    journals = f"{server.url}/v2.0/tls-bodies/production/api/v2.0/companies({USA})/customerPaymentJournals"
    for _ in range(20):
        assert session.get(f"{journals}({GENERAL})/customerPayments", timeout=10).status_code == 200
    # a body of 2 MB, read whole over TLS, then refused by BC's rule
    big = session.post(journals, json={"code": "BIG", "displayName": "x" * 2_000_000}, timeout=30)
    assert big.status_code == 400 and big.json()["error"]["code"] == "Application_StringExceededLength"
    assert session.get(f"{server.url}/_mock/health", timeout=10).status_code == 200


def test_silent_and_half_handshaking_clients_stall_no_one(tls_server):
    server, ca = tls_server
    port = _port(server.url)
    silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(20)]
    half = socket.create_connection(("127.0.0.1", port), timeout=5)
    half.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # the start of a ClientHello, no more
    try:
        time.sleep(0.1)
        started = time.monotonic()
        for _ in range(5):  # new connections, each with its own handshake
            assert requests.get(f"{server.url}/_mock/health", verify=ca, timeout=5).status_code == 200
        assert time.monotonic() - started < 2.0
    finally:
        for sock in [*silent, half]:
            sock.close()


def test_a_client_that_reads_nothing_holds_only_its_own_connection(tls_server):
    server, ca = tls_server
    context = ssl.create_default_context(cafile=ca)
    raw = socket.create_connection(("127.0.0.1", _port(server.url)), timeout=5)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow = context.wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        request = "GET /api/v2.0/$metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 20
        slow.sendall(request.encode())  # twenty answers it does not read
        time.sleep(0.2)
        started = time.monotonic()
        assert requests.get(f"{server.url}/{COMPANIES}", verify=ca, timeout=5).status_code == 200
        assert time.monotonic() - started < 1.0
    finally:
        slow.close()


def test_many_clients_at_once(tls_server):
    server, ca = tls_server

    def call(index: int) -> int:
        with requests.Session() as session:
            session.verify = ca
            tenant = f"tls-many-{index}"
            return session.get(f"{server.url}/v2.0/{tenant}/production/{COMPANIES}", timeout=10).status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(call, range(48))) == {200}


def test_a_silent_tls_connection_is_closed_after_the_channel_timeout(tls_server):
    server, _ = tls_server  # --channel-timeout 2
    silent = socket.create_connection(("127.0.0.1", _port(server.url)), timeout=6)
    started = time.monotonic()
    assert silent.recv(1) == b""  # closed by the server
    assert 1.5 < time.monotonic() - started < 5.5
    silent.close()


def test_drop_closes_a_tls_connection(tls_server):
    server, ca = tls_server
    tenant = "tls-drop"
    rule = {"path": "*", "drop": True, "tenant": tenant, "times": 1}
    assert requests.post(f"{server.url}/_mock/faults", json=rule, verify=ca, timeout=10).status_code == 201
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/v2.0/{tenant}/production/{COMPANIES}", verify=ca, timeout=10)
    assert requests.get(f"{server.url}/v2.0/{tenant}/production/{COMPANIES}", verify=ca, timeout=10).ok


# --- other certificates -------------------------------------------------------------------------------


def test_tls_hostnames_adds_names_to_the_certificate(start_bc_mock, tmp_path):
    ca = tmp_path / "ca.pem"
    server = start_bc_mock(
        "--tls-hostnames", "bc-mock, mock.example.test", env={"BC_MOCK_TLS_CA_OUT": str(ca)}
    )
    assert server.url.startswith("https://")  # implied by the names
    names = _peer_names(server.url, str(ca), host="bc-mock")
    assert ("DNS", "bc-mock") in names and ("DNS", "mock.example.test") in names


def test_a_certificate_of_ones_own(start_bc_mock, tmp_path):
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1", "localhost")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(tmp_path / "mine.pem"))
    server = start_bc_mock("--tls-cert", str(cert), "--tls-key", str(key))
    assert server.url.startswith("https://")
    assert requests.get(f"{server.url}/{COMPANIES}", verify=str(tmp_path / "mine.pem"), timeout=10).ok
    assert (
        requests.get(f"{server.url}/_mock/ca.pem", verify=str(tmp_path / "mine.pem"), timeout=10).status_code
        == 404
    )
    assert "TLS certificate for" not in server.stdout


def test_the_environment_sets_tls(start_bc_mock, tmp_path):
    ca = tmp_path / "ca.pem"
    server = start_bc_mock(env={"BC_MOCK_TLS": "1", "BC_MOCK_TLS_CA_OUT": str(ca)})
    assert requests.get(f"{server.url}/{COMPANIES}", verify=str(ca), timeout=10).ok


@pytest.mark.parametrize(
    "args, words",
    [
        (["--tls-key", "key.pem"], "needs tls_cert (--tls-cert)"),
        (["--tls-cert", "cert.pem", "--tls-ca-out", "ca.pem"], "the certificate and its CA are yours"),
        (["--tls-cert", "missing.pem"], "--tls-cert/--tls-key: cannot use missing.pem"),
        (["--tls-ca-out", "no/such/folder/ca.pem"], "--tls-ca-out: cannot write the CA certificate"),
        (["--tls-hostnames", "bad name"], "TLS host names must be"),
        (["--auth", "basic"], "auth must be one of entra"),
        (["--token-lifetime", "0"], "--token-lifetime"),
    ],
)
def test_wrong_tls_and_auth_options_stop_start_up(tmp_path, args, words):
    result = failed_start(*args, cwd=tmp_path)
    assert result is not None and result.returncode == 2
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_in_process_mock_server_over_tls():
    from bc_mock import MockServer

    with MockServer(tls=True) as mock:
        ca = mock.ca_path
        assert ca is not None and Path(ca).is_file() and mock.url.startswith("https://127.0.0.1:")
        assert requests.get(f"{mock.api_url()}/companies", verify=ca, timeout=10).ok
    assert not Path(ca).exists()  # the CA made for it goes with it


def test_in_process_handshakes_do_not_block_the_loop():
    """A client that opens many connections and never speaks TLS cannot slow the others."""
    from bc_mock import MockServer

    with MockServer(tls=True) as mock:
        port = _port(mock.url)
        stop = threading.Event()

        def idle_opener() -> None:
            held = []
            while not stop.is_set() and len(held) < 100:
                held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            stop.wait(3)
            for sock in held:
                sock.close()

        opener = threading.Thread(target=idle_opener)
        opener.start()
        try:
            session = requests.Session()
            session.verify = mock.ca_path
            started = time.monotonic()
            for _ in range(10):
                assert session.get(f"{mock.url}/_mock/health", timeout=5).ok
                session.close()  # a new connection, and handshake, every time
            assert time.monotonic() - started < 2.0
        finally:
            stop.set()
            opener.join()
