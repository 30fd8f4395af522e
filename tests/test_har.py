"""The request journal as an HTTP Archive: GET /_mock/requests.har, MockServer.har() and the pytest
plugin's --bc-mock-har, checked against the HAR 1.2 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest
import requests

# loaded before pytester's in-process runs (which forget the modules a run imports)
import bc_mock.app
import bc_mock.server
from bc_mock import MockServer
from bc_mock.pytest_plugin import har_file_name
from tests.helpers import GENERAL, USA

PAYMENTS = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"

# HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as a JSON schema: what each object
# must hold, and no field of its own but custom ones, whose names start with "_"
_STRING = {"type": "string"}
_COMMENT = {"comment": _STRING}


def _object(required: list[str], properties: dict) -> dict:
    return {
        "type": "object",
        "required": required,
        "properties": {**properties, **_COMMENT},
        "patternProperties": {"^_": {}},
        "additionalProperties": False,
    }


_PAIR = _object(["name", "value"], {"name": _STRING, "value": _STRING})
_PAIRS = {"type": "array", "items": _PAIR}
_COOKIES = {
    "type": "array",
    "items": _object(
        ["name", "value"],
        {
            "name": _STRING,
            "value": _STRING,
            "path": _STRING,
            "domain": _STRING,
            "expires": {"type": ["string", "null"]},
            "httpOnly": {"type": "boolean"},
            "secure": {"type": "boolean"},
        },
    ),
}
_TIMING = {"type": "number", "minimum": -1}
_CACHE_ENTRY = {
    "oneOf": [
        {"type": "null"},
        _object(
            ["lastAccess", "eTag", "hitCount"],
            {"expires": _STRING, "lastAccess": _STRING, "eTag": _STRING, "hitCount": {"type": "integer"}},
        ),
    ]
}
HAR_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["log"],
    "properties": {
        "log": _object(
            ["version", "creator", "entries"],
            {
                "version": {"const": "1.2"},
                "creator": _object(["name", "version"], {"name": _STRING, "version": _STRING}),
                "browser": _object(["name", "version"], {"name": _STRING, "version": _STRING}),
                "pages": {"type": "array"},
                "entries": {
                    "type": "array",
                    "items": _object(
                        ["startedDateTime", "time", "request", "response", "cache", "timings"],
                        {
                            "pageref": _STRING,
                            "startedDateTime": {
                                "type": "string",
                                "format": "date-time",
                                "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
                            },
                            "time": {"type": "number", "minimum": 0},
                            "request": _object(
                                [
                                    "method",
                                    "url",
                                    "httpVersion",
                                    "cookies",
                                    "headers",
                                    "queryString",
                                    "headersSize",
                                    "bodySize",
                                ],
                                {
                                    "method": _STRING,
                                    "url": {"type": "string", "format": "uri"},
                                    "httpVersion": _STRING,
                                    "cookies": _COOKIES,
                                    "headers": _PAIRS,
                                    "queryString": _PAIRS,
                                    "postData": _object(
                                        ["mimeType"],
                                        {"mimeType": _STRING, "text": _STRING, "params": {"type": "array"}},
                                    ),
                                    "headersSize": {"type": "integer"},
                                    "bodySize": {"type": "integer"},
                                },
                            ),
                            "response": _object(
                                [
                                    "status",
                                    "statusText",
                                    "httpVersion",
                                    "cookies",
                                    "headers",
                                    "content",
                                    "redirectURL",
                                    "headersSize",
                                    "bodySize",
                                ],
                                {
                                    "status": {"type": "integer"},
                                    "statusText": _STRING,
                                    "httpVersion": _STRING,
                                    "cookies": _COOKIES,
                                    "headers": _PAIRS,
                                    "content": _object(
                                        ["size", "mimeType"],
                                        {
                                            "size": {"type": "integer"},
                                            "compression": {"type": "integer"},
                                            "mimeType": _STRING,
                                            "text": _STRING,
                                            "encoding": _STRING,
                                        },
                                    ),
                                    "redirectURL": _STRING,
                                    "headersSize": {"type": "integer"},
                                    "bodySize": {"type": "integer"},
                                },
                            ),
                            "cache": _object(
                                [], {"beforeRequest": _CACHE_ENTRY, "afterRequest": _CACHE_ENTRY}
                            ),
                            "timings": _object(
                                ["send", "wait", "receive"],
                                {
                                    "blocked": _TIMING,
                                    "dns": _TIMING,
                                    "connect": _TIMING,
                                    "send": {"type": "number", "minimum": 0},
                                    "wait": {"type": "number", "minimum": 0},
                                    "receive": {"type": "number", "minimum": 0},
                                    "ssl": _TIMING,
                                },
                            ),
                            "serverIPAddress": _STRING,
                            "connection": _STRING,
                        },
                    ),
                },
            },
        )
    },
}
VALIDATOR = jsonschema_rs.validator_for(HAR_SCHEMA, validate_formats=True)


def assert_valid_har(archive: dict) -> None:
    errors = [str(error).splitlines()[0] for error in VALIDATOR.iter_errors(archive)]
    assert errors == [], errors[:5]
    for entry in archive["log"]["entries"]:
        # the whole time is the sum of the timings that apply (those not -1), as HAR says
        assert entry["time"] == sum(v for k, v in entry["timings"].items() if k != "comment" and v != -1)


@pytest.fixture
def har(server_url, tenant):
    def fetch(**filters) -> dict:
        response = requests.get(f"{server_url}/_mock/requests.har", params={"tenant": tenant, **filters})
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/json"
        archive = response.json()
        assert_valid_har(archive)
        return archive

    yield fetch
    requests.delete(f"{server_url}/_mock/requests", params={"tenant": tenant})
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_the_journal_as_a_har_holds_each_request_and_its_answer(bc, har, tenant):
    body = b'{"customerNumber": "10000",\n "amount": -0.10000000000000000001, "description": "caf\xc3\xa9"}'
    posted = bc.session.post(
        bc.url(PAYMENTS) + "?tag=a&tag=b&access_token=secret",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer secret", "X-Trace": "t1"},
    )
    assert posted.status_code == 201, posted.text
    bc.session.get(bc.url(f"companies({USA})/nothing"))

    archive = har()
    log = archive["log"]
    assert log["version"] == "1.2" and log["creator"] == {"name": "bc_mock", "version": bc_mock.__version__}
    post, missing = log["entries"]
    request = post["request"]
    assert request["method"] == "POST" and request["httpVersion"] == "HTTP/1.1"
    assert request["url"] == bc.url(PAYMENTS) + "?tag=a&tag=b&access_token=%5Bredacted%5D"  # a URI
    assert request["queryString"] == [
        {"name": "tag", "value": "a"},
        {"name": "tag", "value": "b"},
        {"name": "access_token", "value": "[redacted]"},
    ]
    headers = {pair["name"]: pair["value"] for pair in request["headers"]}
    assert headers["Authorization"] == "Bearer [redacted]" and headers["X-Trace"] == "t1"
    assert "secret" not in json.dumps(archive)
    # the body as it was sent, byte for byte: its spacing, its exact number, its UTF-8
    assert request["postData"] == {"mimeType": "application/json", "text": body.decode()}
    assert request["bodySize"] == len(body)

    response = post["response"]
    assert (response["status"], response["statusText"]) == (201, "Created")
    answered = {pair["name"]: pair["value"] for pair in response["headers"]}
    assert answered["Location"] == posted.headers["Location"]
    assert answered["request-id"] == posted.headers["request-id"]
    assert response["content"]["mimeType"] == posted.headers["Content-Type"]
    assert json.loads(response["content"]["text"]) == posted.json()
    assert response["content"]["size"] == response["bodySize"] == len(posted.content)
    assert response["redirectURL"] == ""

    assert post["startedDateTime"].endswith("Z") and post["time"] > 0
    assert post["timings"] == {"send": 0, "wait": post["time"], "receive": 0}
    assert post["_bcMock"]["tenant"] == tenant and post["_bcMock"]["fault"] is None
    assert post["_bcMock"]["apiPath"] == PAYMENTS
    assert "postData" not in missing["request"] and missing["request"]["bodySize"] == 0
    assert missing["response"]["status"] == 404
    assert missing["response"]["content"]["mimeType"] == "application/json"
    assert missing["response"]["headers"] != []


def test_faults_batches_and_dropped_connections_are_told_in_bcmock_fields(bc, har, server_url, tenant):
    rule = requests.post(
        f"{server_url}/_mock/faults",
        json={"tenant": tenant, "path": "*/customers", "preset": "throttled", "times": 1},
    ).json()
    requests.post(
        f"{server_url}/_mock/faults",
        json={"tenant": tenant, "method": "DELETE", "path": "*", "drop": True},
    )
    assert bc.session.get(bc.url(f"companies({USA})/customers")).status_code == 429
    batch = {"requests": [{"id": "1", "method": "GET", "url": f"companies({USA})/accounts"}]}
    assert bc.session.post(bc.url("$batch"), json=batch).status_code == 200
    with pytest.raises(requests.ConnectionError):
        bc.session.delete(bc.url(f"{PAYMENTS}(ba000001-0000-4000-8000-000010010000)"))

    throttled, batch_entry, operation, dropped = har()["log"]["entries"]
    assert throttled["response"]["status"] == 429
    assert {"name": "Retry-After", "value": "1"} in throttled["response"]["headers"]
    assert throttled["_bcMock"]["fault"] == rule["id"] and throttled["_bcMock"]["faults"] == [rule["id"]]
    assert operation["_bcMock"]["batchId"] == batch_entry["_bcMock"]["id"]
    assert operation["request"]["url"].endswith(f"/companies({USA})/accounts")
    # no answer: status 0, as browsers write a request that got none
    assert dropped["_bcMock"]["dropped"] is True
    assert (dropped["response"]["status"], dropped["response"]["httpVersion"]) == (0, "")
    assert dropped["response"]["bodySize"] == -1 and "text" not in dropped["response"]["content"]


def test_a_cut_body_is_the_text_kept_and_says_so(start_bc_mock):
    url = start_bc_mock("--journal-body-limit", "1K").url
    body = json.dumps({"code": "BIG", "displayName": "x" * 3000})
    requests.post(
        f"{url}/api/v2.0/companies({USA})/customerPaymentJournals",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    (entry,) = requests.get(f"{url}/_mock/requests.har").json()["log"]["entries"]
    assert entry["request"]["postData"]["text"] == body[:1024]
    assert entry["request"]["bodySize"] == len(body)
    assert entry["_bcMock"]["bodyTruncated"] is True
    assert len(entry["response"]["content"]["text"]) <= 1024


def test_the_har_takes_the_journals_filters(bc, har):
    bc.session.get(bc.url("companies"))
    bc.session.post(bc.url(PAYMENTS), json={"customerNumber": "10000", "amount": -1})
    (entry,) = har(method="POST")["log"]["entries"]
    assert entry["request"]["method"] == "POST"
    assert [e["request"]["method"] for e in har(path="companies")["log"]["entries"]] == ["GET"]
    assert har(status="4xx")["log"]["entries"] == []


def test_urls_with_what_a_uri_cannot_hold_are_percent_encoded(bc, har):
    bc.session.get(bc.url("companies") + "?note=é x<y>")
    (entry,) = har()["log"]["entries"]
    assert entry["request"]["url"].endswith("/companies?note=%C3%A9%20x%3Cy%3E")
    assert entry["request"]["queryString"] == [{"name": "note", "value": "é x<y>"}]


def test_mock_server_har_in_process_and_attached(server_url):
    with MockServer() as mock:
        requests.get(mock.api_url() + "/companies")
        archive = mock.har()
        assert_valid_har(archive)
        assert [e["request"]["url"] for e in archive["log"]["entries"]] == [mock.api_url() + "/companies"]
    with MockServer(url=server_url) as attached:
        requests.get(attached.api_url() + "/companies")
        archive = attached.har()
        assert_valid_har(archive)
        (entry,) = archive["log"]["entries"]  # its own tenant's request only
        assert entry["_bcMock"]["tenant"] == attached.tenant


def test_har_file_names_are_safe_and_distinct():
    assert har_file_name("tests/test_sync.py::TestSync::test_retry[429-2]") == (
        "tests_test_sync.py_TestSync_test_retry_429-2"
    )
    long_a, long_b = (f"tests/test_x.py::test_{'y' * 300}[{n}]" for n in (1, 2))
    assert len(har_file_name(long_a)) == 150 and har_file_name(long_a) != har_file_name(long_b)
    assert har_file_name("::..") == "test"


# --- the pytest plugin: --bc-mock-har DIR ------------------------------------------------------

FAILING_AND_PASSING = """
import requests


def test_passes(bc_mock):
    requests.get(bc_mock.api_url() + "/companies")


def test_fails(bc_mock):
    requests.get(bc_mock.api_url() + "/companies?first")
    journals = bc_mock.api_url() + "/companies(c0a00001-0000-4000-8000-000000000001)/customerPaymentJournals"
    requests.post(journals, json={"code": "MUCH-TOO-LONG"})
    assert False, "the sync job failed"


@pytest.mark.parametrize("n", ["a/b"])
def test_fails_too(bc_mock, n):
    requests.get(bc_mock.api_url() + "/companies?second")
    assert False


def test_fails_without_the_mock():
    assert False
"""


def _har_files(folder: Path) -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(folder.glob("*.har"))}


def test_the_plugin_writes_a_har_for_each_failed_test(pytester: pytest.Pytester, tmp_path: Path):
    pytester.makepyfile(test_sync="import pytest\n" + FAILING_AND_PASSING)
    folder = tmp_path / "hars"
    result = pytester.runpytest("-p", "no:cacheprovider", "--bc-mock-har", str(folder))
    result.assert_outcomes(passed=1, failed=3)
    files = _har_files(folder)
    assert sorted(files) == ["test_sync.py_test_fails.har", "test_sync.py_test_fails_too_a_b.har"]
    entries = files["test_sync.py_test_fails.har"]["log"]["entries"]
    assert [(e["request"]["method"], e["response"]["status"]) for e in entries] == [
        ("GET", 200),
        ("POST", 400),
    ]
    assert entries[0]["request"]["url"].endswith("/companies?first")  # its own requests only
    assert "Application_StringExceededLength" in entries[1]["response"]["content"]["text"]
    (entry,) = files["test_sync.py_test_fails_too_a_b.har"]["log"]["entries"]
    assert entry["request"]["url"].endswith("/companies?second")
    for archive in files.values():
        assert_valid_har(archive)


def test_the_plugin_writes_only_the_tests_tenants_requests_when_attached(
    pytester: pytest.Pytester, tmp_path: Path, server_url
):
    pytester.makepyfile(test_sync="import pytest\n" + FAILING_AND_PASSING)
    folder = tmp_path / "hars"
    requests.get(f"{server_url}/api/v2.0/companies?someone-else")  # another tenant's: not in the files
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--bc-mock-url", server_url, "--bc-mock-har", str(folder)
    )
    result.assert_outcomes(passed=1, failed=3)
    files = _har_files(folder)
    assert len(files) == 2
    entries = files["test_sync.py_test_fails.har"]["log"]["entries"]
    assert [e["request"]["url"].rsplit("/", 1)[-1] for e in entries] == [
        "companies?first",
        "customerPaymentJournals",
    ]
    assert len({e["_bcMock"]["tenant"] for e in entries}) == 1


def test_without_the_option_no_har_is_written_and_the_variable_works(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch
):
    pytester.makepyfile(test_sync="import pytest\n" + FAILING_AND_PASSING)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=3)
    assert list(pytester.path.rglob("*.har")) == []
    monkeypatch.setenv("BC_MOCK_HAR", str(tmp_path / "from-env"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=3)
    assert len(_har_files(tmp_path / "from-env")) == 2
