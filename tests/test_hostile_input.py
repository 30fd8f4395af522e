"""Hostile and broken input: each is a clear 4xx in BC's error format and changes nothing.

Bodies over the size limit, deeply nested JSON, invalid UTF-8, a wrong Content-Type, absurd
$top/$skip, a 10,000-character $filter, unknown or repeated query options, and a fixtures
folder holding files that are not fixtures (a clear start-up message instead).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from tests.helpers import BANK, GENERAL, USA, Server, assert_unchanged, error_of, failed_start, payment

MB = 1024 * 1024
DEFAULT_LIMIT = 16 * MB
JSON = {"Content-Type": "application/json"}


def assert_bc_error(response: requests.Response, status: int, code: str | None = None) -> str:
    """The response is BC's error body with ``status`` (and ``code``); returns the message."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    _, got_code, message = error_of(response)
    if code is not None:
        assert got_code == code, message
    assert "Traceback" not in response.text
    return message


def journal_of(server_url: str, tenant: str) -> list[dict]:
    response = requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant}, timeout=10)
    assert response.status_code == 200
    return response.json()["value"]


@pytest.fixture(scope="module")
def small_limit_server(start_bc_mock_for_module):
    """A server whose body limit is 1 KB, so limits are tested without sending megabytes."""
    return start_bc_mock_for_module("--max-body", "1K").url


# --- body size ---------------------------------------------------------------------------------


def test_a_body_over_the_default_16_mb_is_413_and_changes_nothing(bc, server_url, tenant):
    with assert_unchanged(bc):
        body = b'{"code": "BIG", "displayName": "' + b"x" * DEFAULT_LIMIT + b'"}'
        response = bc.session.post(bc.url(bc.journals()), data=body, headers=JSON)
        message = assert_bc_error(response, 413, "BadRequest_RequestEntityTooLarge")
        limit = DEFAULT_LIMIT
        assert message == (
            f"The request's Content-Length {len(body)} is larger than the request body size limit {limit}."
        )
    # the journal shows the refused request, without keeping its 16 MB
    (entry,) = [e for e in journal_of(server_url, tenant) if e["method"] == "POST"]
    assert entry["status"] == 413
    assert entry["body"] == f"<{len(body)} bytes, over the size limit: not read>"


def test_a_body_at_the_limit_is_read(small_limit_server):
    url = f"{small_limit_server}/api/v2.0/companies({USA})/customerPaymentJournals"
    body = json.dumps({"code": "EXACT"}).encode().ljust(1024)  # 1,024 bytes: JSON allows the padding
    assert requests.post(url, data=body, headers=JSON, timeout=10).status_code == 201
    response = requests.post(url, data=body + b" ", headers=JSON, timeout=10)
    assert_bc_error(response, 413, "BadRequest_RequestEntityTooLarge")


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE", "GET"])
def test_the_limit_holds_for_every_method(small_limit_server, method):
    journals = f"{small_limit_server}/api/v2.0/companies({USA})/customerPaymentJournals"
    url = journals if method == "POST" else f"{journals}({BANK})"
    before = requests.get(journals, timeout=10).json()["value"]
    body = json.dumps({"code": "NEW", "displayName": "x" * 2000}).encode()
    response = requests.request(method, url, data=body, headers={**JSON, "If-Match": "*"}, timeout=10)
    assert_bc_error(response, 413, "BadRequest_RequestEntityTooLarge")
    assert requests.get(journals, timeout=10).json()["value"] == before


def test_a_chunked_body_over_the_limit_is_413(small_limit_server):
    url = f"{small_limit_server}/api/v2.0/companies({USA})/customerPaymentJournals"

    def chunks():  # a generator: requests sends it with Transfer-Encoding: chunked
        yield b'{"code": "CHUNKED", "displayName": "'
        for _ in range(20):
            yield b"y" * 100
        yield b'"}'

    response = requests.post(url, data=chunks(), headers=JSON, timeout=10)
    assert_bc_error(response, 413, "BadRequest_RequestEntityTooLarge")
    codes = [j["code"] for j in requests.get(url, timeout=10).json()["value"]]
    assert "CHUNKED" not in codes


def test_the_limit_holds_for_batches_and_control_endpoints(small_limit_server):
    operation = {"method": "GET", "url": f"companies({USA})/customerPaymentJournals", "id": "x" * 2000}
    response = requests.post(
        f"{small_limit_server}/api/v2.0/$batch", json={"requests": [operation]}, timeout=10
    )
    assert_bc_error(response, 413, "BadRequest_RequestEntityTooLarge")
    rule = {"path": "*", "status": 503, "error": {"message": "m" * 2000}}
    response = requests.post(f"{small_limit_server}/_mock/faults", json=rule, timeout=10)
    assert_bc_error(response, 413, "BadRequest_RequestEntityTooLarge")
    assert requests.get(f"{small_limit_server}/_mock/faults", timeout=10).json()["value"] == []


def test_the_limit_comes_from_the_environment(start_bc_mock):
    url = start_bc_mock(env={"BC_MOCK_MAX_BODY": "2k"}).url
    body = json.dumps({"code": "ENV", "displayName": "z" * 2100}).encode()
    response = requests.post(
        f"{url}/api/v2.0/companies({USA})/customerPaymentJournals", data=body, headers=JSON, timeout=10
    )
    assert error_of(response)[2].endswith("request body size limit 2048.")


@pytest.mark.parametrize("value", ["lots", "-5", "1.5M", "16 TB"])
def test_a_malformed_max_body_stops_start_up(value):
    result = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--port", "0", "--max-body", value],
        capture_output=True,
        check=False,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2
    assert "--max-body" in result.stderr and "Traceback" not in result.stderr


# --- bodies that are not the JSON BC reads ------------------------------------------------------


def nested(depth: int) -> bytes:
    return b'{"displayName": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


@pytest.mark.parametrize("depth", [40, 900, 100_000])
def test_deeply_nested_json_is_an_invalid_body(bc, server_url, tenant, depth):
    with assert_unchanged(bc):
        for method, path in (("POST", bc.journals()), ("PATCH", bc.journals(f"({BANK})"))):
            response = bc.session.request(
                method, bc.url(path), data=nested(depth), headers={**JSON, "If-Match": "*"}
            )
            assert assert_bc_error(response, 400, "BadRequest") == "Invalid Request Body"
        batch = b'{"requests": [{"method": "POST", "url": "x", "body": ' + nested(depth) + b"}]}"
        assert_bc_error(bc.session.post(bc.url("$batch"), data=batch, headers=JSON), 400, "BadRequest")
    # the journal kept them, and still lists
    assert len(journal_of(server_url, tenant)) >= 3


def test_a_little_nesting_in_a_property_is_still_answered_by_its_type(bc1):
    body = {"dimensions": [{"code": [[["DEPT"]]]}]}
    response = bc1.post(bc1.payments(GENERAL), {"customerNumber": "10000", **body})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "raw",
    [b'{"code": "\xff\xfe"}', b'{"code": "caf\xe9"}', b"\xef\xbb\xbf\x80", b'{"code": "\xed\xa0\x80"}'],
    ids=["ff-fe", "latin-1", "bom-then-junk", "encoded-surrogate"],
)
def test_invalid_utf8_is_an_invalid_body(bc, raw):
    with assert_unchanged(bc):
        for method, path in (
            ("POST", bc.journals()),
            ("PATCH", bc.journals(f"({BANK})")),
            ("POST", "$batch"),
        ):
            response = bc.session.request(method, bc.url(path), data=raw, headers={**JSON, "If-Match": "*"})
            assert assert_bc_error(response, 400, "BadRequest") == "Invalid Request Body"


def test_a_lone_surrogate_escape_is_an_invalid_body(bc):
    response = bc.session.post(bc.url(bc.journals()), data=b'{"code": "\\ud800"}', headers=JSON)
    assert assert_bc_error(response, 400) == "Invalid Request Body"


# --- Content-Type ----------------------------------------------------------------------------------


WRONG_TYPES = [
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    None,
]


@pytest.mark.parametrize("content_type", WRONG_TYPES)
def test_a_wrong_content_type_on_post_and_patch_is_415(bc, content_type):
    with assert_unchanged(bc):
        headers = {"Content-Type": content_type} if content_type else {}
        body = json.dumps({"code": "TYPED", "displayName": "Typed"}).encode()
        for method, path in (("POST", bc.journals()), ("PATCH", bc.journals(f"({BANK})"))):
            response = bc.session.request(
                method, bc.url(path), data=body, headers={**headers, "If-Match": "*"}
            )
            message = assert_bc_error(response, 415, "BadRequest_UnsupportedMediaType")
            assert message == (
                f"The request entity's media type '{content_type or ''}' is not supported for this resource."
            )


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON;odata.metadata=minimal"],
)
def test_json_with_parameters_is_accepted(bc, content_type):
    body = json.dumps({"code": "PARAMS"}).encode()
    response = bc.session.post(bc.url(bc.journals()), data=body, headers={"Content-Type": content_type})
    assert response.status_code == 201, response.text


def test_a_batch_operation_with_a_wrong_content_type_is_415_in_its_response(bc):
    operation = {
        "id": "1",
        "method": "POST",
        "url": bc.journals(),
        "headers": {"Content-Type": "text/plain"},
        "body": {"code": "INBATCH"},
    }
    response = bc.post("$batch", {"requests": [operation]})
    assert response.status_code == 200
    (answer,) = response.json()["responses"]
    assert answer["status"] == 415
    assert answer["body"]["error"]["code"] == "BadRequest_UnsupportedMediaType"
    assert "INBATCH" not in [j["code"] for j in bc.get(bc.journals()).json()["value"]]


# --- query options -------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["$top", "$skip"])
@pytest.mark.parametrize(
    "value", ["-1", "1e3", "0x10", "²", "١٢", "9223372036854775808", "9" * 30, "9" * 5000, ""]
)
def test_absurd_top_and_skip_are_400(bc, option, value):
    response = bc.get(bc.journals(), params={option: value})
    message = assert_bc_error(response, 400, "BadRequest")
    assert message.endswith(f"The {option} query option requires a non-negative integer value.")


def test_the_largest_top_and_skip_are_served(bc):
    largest = str(2**63 - 1)
    everything = bc.get(bc.journals()).json()["value"]
    assert bc.get(bc.journals(), params={"$top": largest}).json()["value"] == everything
    assert bc.get(bc.journals(), params={"$skip": largest}).json()["value"] == []


@pytest.mark.parametrize("size", ["²", "-3", "0", "abc", "1.5"])
def test_an_absurd_page_size_preference_is_ignored(bc, size):
    response = bc.get(bc.journals(), headers={"Prefer": f"odata.maxpagesize={size}"})
    assert response.status_code == 200
    assert "@odata.nextLink" not in response.json()
    assert "Preference-Applied" not in response.headers


def test_a_page_size_beyond_any_number_is_the_servers_page_size(bc):
    response = bc.get(bc.journals(), headers={"Prefer": "odata.maxpagesize=" + "9" * 5000})
    assert response.status_code == 200
    assert response.headers["Preference-Applied"] == "odata.maxpagesize=20000"


NODE_LIMIT = (
    "The node count limit of '100' has been exceeded. To increase the limit, set the 'MaxNodeCount' "
    "property on EnableQueryAttribute or ODataValidationSettings."
)


def or_chain(terms: int) -> str:
    return " or ".join(f"number eq '{10000 + n}'" for n in range(terms))


@pytest.mark.parametrize(
    "text",
    [
        or_chain(800),
        " and ".join(["displayName ne 'x'"] * 560),
        "not " * 2500 + "true",
        "(" * 2000 + " or ".join(["blocked eq true"] * 120) + ")" * 2000,
        "contains(displayName,'a') or " * 330 + "true",
    ],
    ids=["or-chain", "and-chain", "not-chain", "parenthesised", "functions"],
)
def test_a_10000_character_filter_over_the_node_limit_is_400(bc, text):
    text = text[:10_000] if len(text) > 10_000 else text
    assert len(text) >= 5_000
    response = bc.get(bc.company("accounts"), params={"$filter": text})
    message = assert_bc_error(response, 400, "BadRequest")
    assert message == NODE_LIMIT or message.startswith(("Syntax error", "Expression expected", "')'"))


def test_the_node_limit_is_100_nodes(bc):
    # each `number eq '...'` is 3 nodes, each `or` one more: 25 terms are 99 nodes, 26 are 103
    assert bc.get(bc.company("accounts"), params={"$filter": or_chain(25)}).status_code == 200
    response = bc.get(bc.company("accounts"), params={"$filter": or_chain(26)})
    assert assert_bc_error(response, 400, "BadRequest") == NODE_LIMIT


def test_a_10000_character_literal_is_longer_than_the_field(bc):
    literal = "A" * 10_000
    response = bc.get(bc.journals(), params={"$filter": f"code eq '{literal}'"})
    message = assert_bc_error(response, 400, "Application_FilterErrorException")
    assert message == (
        f'The filter "{literal}" is not valid for the code field on the Gen. Journal Batch table. '
        "The length of the string is 10000, but it must be less than or equal to 10 characters."
    )
    for function in ("contains", "startswith", "endswith"):
        response = bc.get(bc.journals(), params={"$filter": f"{function}(displayName,'{literal}')"})
        assert assert_bc_error(response, 400, "Application_FilterErrorException").endswith(
            "must be less than or equal to 100 characters."
        )
    # within the field's length it is an ordinary filter
    assert bc.get(bc.journals(), params={"$filter": "code eq 'GENERAL'"}).json()["value"][0]["id"] == GENERAL


def test_a_10000_character_property_name_is_refused(bc):
    name = "x" * 10_000
    response = bc.get(bc.journals(), params={"$filter": f"{name} eq 1"})
    # odata-query's lexer takes identifiers of OData's 128 characters at most: a syntax error
    assert assert_bc_error(response, 400, "BadRequest").startswith("Syntax error at position 128 in ")


@pytest.mark.parametrize("option", ["$foo", "$FILTER", "$", "$search", "$apply", "$levels"])
def test_unknown_system_query_options_are_400(bc, option):
    for path in (bc.journals(), bc.journals(f"({GENERAL})")):
        response = bc.get(path, params={option: "1"})
        assert (
            assert_bc_error(response, 400, "BadRequest")
            == f"The query parameter '{option}' is not supported."
        )


@pytest.mark.parametrize("option", ["$top", "$filter", "$select", "$expand"])
def test_a_system_query_option_given_twice_is_400(bc, option):
    value = {"$top": "1", "$filter": "code eq 'BANK'", "$select": "code", "$expand": "customerPayments"}[
        option
    ]
    response = bc.get(bc.journals(), params=[(option, value), (option, value)])
    message = assert_bc_error(response, 400, "BadRequest")
    assert (
        message
        == f"Query option '{option}' was specified more than once, but it must be specified at most once."
    )


def test_custom_query_options_are_ignored_as_in_odata(bc):
    plain = bc.get(bc.journals()).json()["value"]
    response = bc.get(bc.journals(), params={"aid": "FIN", "foo": "bar", "x" * 5000: "y"})
    assert response.status_code == 200 and response.json()["value"] == plain


@pytest.mark.parametrize(
    "query",
    [
        "$filter=code%20eq%20%27%FF%27",
        "$filter=code%20eq%20%27%00%27",
        "$select=%FF",
        "$expand=customerPayments(%FF)",
        "$orderby=code%20" + "desc%20" * 500,
        "$skiptoken=" + "W" * 10_000,
        "$count=%00",
        "%FF=1",
        "$filter=" + "%28" * 5000,
    ],
)
def test_junk_in_the_query_never_breaks_a_list(bc, query):
    response = bc.session.get(bc.url(bc.journals()) + "?" + query)
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        assert_bc_error(response, response.status_code)


def test_junk_in_the_path_is_a_bc_error(bc):
    for path in ("customerPaymentJournals(%FF)", "customerPayments(" + "a" * 10_000 + ")", "%00", "(" * 300):
        response = bc.session.get(bc.url(bc.company(path)))
        assert 400 <= response.status_code < 500, response.text[:300]
        assert_bc_error(response, response.status_code)
    # and nothing was created by any of it
    assert bc.get(bc.payments(GENERAL)).json()["value"][0]["id"] == payment(1, 10000)


# --- a fixtures folder with files that are not fixtures -----------------------------------------


def run_with_fixtures(path, timeout: float = 20) -> Server | None:
    """Start bc-mock on ``path``; the ended server (exit code, output), or None if it started serving
    (then stopped)."""
    return failed_start("--fixtures", str(path), timeout=timeout)


def a_fixture() -> str:
    return json.dumps({"company": {"id": "11111111-0000-4000-8000-000000000001", "name": "Only"}})


def test_other_files_beside_fixtures_are_left_alone(tmp_path, start_bc_mock):
    (tmp_path / "company.json").write_text(a_fixture(), encoding="utf-8")
    (tmp_path / "README.md").write_text("# my fixtures\n", encoding="utf-8")
    (tmp_path / ".gitkeep").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"\xff\xfe binary")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "broken.json").write_text("{", encoding="utf-8")  # subfolders are not read
    (tmp_path / "._company.json").write_bytes(b"\x00\x05\x16\x07\xff")  # a macOS companion file
    (tmp_path / ".#company.json").symlink_to(tmp_path / "gone")  # an editor's lock: a dangling link
    url = start_bc_mock("--fixtures", str(tmp_path)).url
    companies = requests.get(f"{url}/api/v2.0/companies", timeout=10).json()["value"]
    assert [c["name"] for c in companies] == ["Only"]


@pytest.mark.parametrize(
    "name, make, words",
    [
        (
            "package.json",
            lambda p: p.write_text('{"name": "x", "version": "1.0.0"}'),
            'a fixture is a JSON object with a "company" object',
        ),
        ("data.json", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "not a fixture: not UTF-8"),
        ("empty.json", lambda p: p.write_bytes(b"  \n"), "not a fixture: the file is empty"),
        ("folder.json", lambda p: p.mkdir(), "a folder, not a fixture file"),
        ("numbers.json", lambda p: p.write_text("[1, 2, 3]"), 'a fixture is a JSON object with a "company"'),
        ("notes.json", lambda p: p.write_text("just some notes"), "not valid JSON"),
    ],
)
def test_a_json_file_that_is_no_fixture_stops_start_up_with_a_clear_message(tmp_path, name, make, words):
    (tmp_path / "a-company.json").write_text(a_fixture(), encoding="utf-8")
    make(tmp_path / name)
    result = run_with_fixtures(tmp_path)
    assert result is not None and result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"bc-mock: error: {tmp_path / name}: ")
    assert words in line


# --- $batch stays inside the API --------------------------------------------------------------


@pytest.mark.parametrize("url", ["/_mock/reset", "/_mock/faults", "http://127.0.0.1:1/_mock/faults"])
def test_a_batch_cannot_reach_the_control_endpoints(small_limit_server, url):
    """A server of its own: were the reset to get through, it would not disturb other tests."""
    api = f"{small_limit_server}/api/v2.0"
    created = requests.post(
        f"{api}/companies({USA})/customerPaymentJournals", json={"code": "KEEP"}, timeout=10
    )
    assert created.status_code == 201
    operation = {"id": "1", "method": "POST", "url": url, "body": {"path": "*/batch-probe", "status": 500}}
    response = requests.post(f"{api}/$batch", json={"requests": [operation]}, timeout=10)
    assert response.status_code == 200
    (answer,) = response.json()["responses"]
    assert answer["status"] == 404
    assert answer["body"]["error"]["code"] == "BadRequest_NotFound"
    rules = requests.get(f"{small_limit_server}/_mock/faults", timeout=10).json()["value"]
    assert not [rule for rule in rules if rule.get("path") == "*/batch-probe"]
    journals = requests.get(f"{api}/companies({USA})/customerPaymentJournals", timeout=10).json()["value"]
    assert "KEEP" in [journal["code"] for journal in journals]  # no reset happened
    requests.delete(f"{api}/companies({USA})/customerPaymentJournals({created.json()['id']})", timeout=10)


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "CONNECT", "FOO"])
def test_an_odd_method_is_a_405_in_bcs_format(bc, method):
    for path in (bc.journals(), bc.journals(f"({GENERAL})"), "$batch"):
        response = bc.session.request(method, bc.url(path))
        assert_bc_error(response, 405, "BadRequest_MethodNotAllowed")
    # the service document (with or without a trailing slash) is GET only
    assert_bc_error(bc.session.request(method, bc.url("")), 405, "BadRequest_MethodNotAllowed")
    assert_bc_error(bc.session.request(method, bc.root), 405, "BadRequest_MethodNotAllowed")
