"""BC's errors over HTTP: codes, statuses and texts, concurrency, real clients' habits, and that a
rejected request changes nothing."""

from __future__ import annotations

import base64
import re

import pytest
import requests

from tests.helpers import (
    BANK,
    BLANK,
    GENERAL,
    UK,
    USA,
    account,
    assert_unchanged,
    customer,
    error_of,
    invoice,
    payment,
)

FIRST = payment(1, 10000)
UNKNOWN_JOURNAL = "da000001-0000-4000-8000-000000000099"
CORRELATION = re.compile(
    r"^.+  CorrelationId:  [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.$"
)


def assert_bc_error(response: requests.Response, status: int, code: str) -> str:
    """The response is BC's error body with this status and code; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["code", "message"]
    assert body["error"]["code"] == code
    assert CORRELATION.match(body["error"]["message"]), body["error"]["message"]
    return error_of(response)[2]


# --- not found -------------------------------------------------------------------------------


# BC 25.4, recorded (tfenster/wiremock-demo, "get deleted customer"): a GET of a key that is no
# record is 404 BadRequest_ResourceNotFound "Resource not found for the segment '<set>'.", its
# CorrelationId the answer's request-id header
def _assert_resource_not_found(response, segment: str) -> None:
    message = assert_bc_error(response, 404, "BadRequest_ResourceNotFound")
    assert message == f"Resource not found for the segment '{segment}'."
    correlation_id = response.json()["error"]["message"].split("CorrelationId:  ")[1].rstrip(".")
    assert response.headers["request-id"] == correlation_id


def test_an_unknown_journal_is_a_resource_not_found(bcv):
    for method in ("get", "patch", "delete"):
        response = getattr(bcv, method)(bcv.journals(f"({UNKNOWN_JOURNAL})"))
        _assert_resource_not_found(response, "customerPaymentJournals")


def test_an_unknown_payment_is_a_resource_not_found(bcv):
    missing = payment(1, 99999)
    for method in ("get", "patch", "delete"):
        _assert_resource_not_found(
            getattr(bcv, method)(bcv.payments(GENERAL, f"({missing})")), "customerPayments"
        )
    # beneath an unknown journal, the journal's segment is the one not found
    _assert_resource_not_found(bcv.get(bcv.payments(UNKNOWN_JOURNAL)), "customerPaymentJournals")


def test_an_unknown_company_is_a_resource_not_found(bcv):
    unknown = "c0a00009-0000-4000-8000-000000000009"
    for path in (f"companies({unknown})", f"companies({unknown})/customerPaymentJournals"):
        _assert_resource_not_found(bcv.get(path), "companies")
    _assert_resource_not_found(
        bcv.post(f"companies({unknown})/customerPaymentJournals", {"code": "X"}), "companies"
    )


def test_an_unknown_company_parameter_is_company_not_found(bcv):
    response = bcv.get("customerPaymentJournals", params={"company": "No Such Company"})
    message = assert_bc_error(response, 404, "Internal_CompanyNotFound")
    assert message.startswith("Cannot process the request because the default company cannot be found.")


@pytest.mark.parametrize(
    "path",
    [
        "nothing",
        "companies/customerPaymentJournals",
        f"companies({USA})/nothing",
        f"companies({USA})/customerPaymentJournals({BANK})/nothing",
        f"companies({USA})/customerPaymentJournals/customerPayments",
        f"companies({USA})/customerPaymentJournals({BANK})/account({account(10100)})",
        f"companies({USA})/customerPaymentJournals({BANK})/customerPayments({payment(2, 10000)})/nothing",
        f"companies({USA})/customerPaymentJournals({BANK})!",
    ],
)
def test_unknown_url_is_bad_request_not_found(bcv, path):
    response = bcv.get(path)
    message = assert_bc_error(response, 404, "BadRequest_NotFound")
    assert message == f"No HTTP resource was found that matches the request URI '{response.url}'."


def test_unknown_api_version_and_unknown_root_are_not_found(server_url):
    for url in (
        f"{server_url}/api/v3.0/companies",
        f"{server_url}/api/companies",
        f"{server_url}/nothing/at/all",
    ):
        response = requests.get(url)
        assert_bc_error(response, 404, "BadRequest_NotFound")


@pytest.mark.parametrize(
    "path",
    [
        "companies(not-a-guid)",
        f"companies({USA})/customerPaymentJournals(123)",
        f"companies({USA})/customerPaymentJournals({BANK[:-1]})",
        f"companies({USA})/customerPaymentJournals({BANK})/customerPayments(xyz)",
    ],
)
def test_malformed_guid_in_the_url_is_bad_request_not_found(bcv, path):
    assert_bc_error(bcv.get(path), 404, "BadRequest_NotFound")
    with assert_unchanged(bcv, USA, UK):
        assert_bc_error(bcv.patch(path, {"displayName": "x"}), 404, "BadRequest_NotFound")
        assert_bc_error(bcv.delete(path), 404, "BadRequest_NotFound")


def test_v2_only_navigation_is_not_found_in_v1(bc1):
    path = bc1.payments(GENERAL, f"({FIRST})/customerPaymentJournal")
    assert_bc_error(bc1.get(path), 404, "BadRequest_NotFound")


# --- methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, kind",
    [
        ("POST", "companies", "Collection"),
        ("PATCH", f"companies({USA})", "Entity"),
        ("DELETE", f"companies({USA})", "Entity"),
        ("POST", f"companies({USA})/accounts", "Collection"),
        ("PATCH", f"companies({USA})/accounts({account(10100)})", "Entity"),
        ("DELETE", f"companies({USA})/accounts({account(10100)})", "Entity"),
        ("POST", f"companies({USA})/customers", "Collection"),
        ("DELETE", f"companies({USA})/customers({customer(10000)})", "Entity"),
        ("POST", f"companies({USA})/salesInvoices", "Collection"),
        ("PATCH", f"companies({USA})/salesInvoices({invoice(103001)})", "Entity"),
        ("PATCH", f"companies({USA})/customerPaymentJournals", "Collection"),
        ("DELETE", f"companies({USA})/customerPaymentJournals", "Collection"),
        ("POST", f"companies({USA})/customerPaymentJournals({BANK})", "Entity"),
        ("PUT", f"companies({USA})/customerPaymentJournals({BANK})", "Entity"),
        ("DELETE", f"companies({USA})/customerPaymentJournals({BANK})/customerPayments", "Collection"),
        ("POST", f"companies({USA})/customerPaymentJournals({BANK})/account", "Entity"),
    ],
)
def test_a_method_the_set_does_not_allow_is_405(bcv, method, path, kind):
    with assert_unchanged(bcv, USA, UK):
        response = bcv.session.request(method, bcv.url(path), json={}, headers={"If-Match": "*"})
        message = assert_bc_error(response, 405, "BadRequest_MethodNotAllowed")
        set_name = path.rsplit("/", 1)[-1].split("(")[0]
        set_name = {"account": "accounts"}.get(set_name, set_name)
        assert message == (
            f"'{method}' requests for '{set_name}' of EdmType '{kind}' are not allowed "
            "within Dynamics 365 Business Central OData web services."
        )


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [b'{"code":', b"not json", b"[1, 2]", b'"text"', b"42", b"\xff\xfe{}", b"null"]
)
def test_malformed_body_is_bad_request(bcv, raw):
    with assert_unchanged(bcv):
        headers = {"Content-Type": "application/json"}
        response = bcv.session.post(bcv.url(bcv.journals()), data=raw, headers=headers)
        assert assert_bc_error(response, 400, "BadRequest") == "Invalid Request Body"
        response = bcv.session.patch(
            bcv.url(bcv.journals(f"({BANK})")), data=raw, headers={**headers, "If-Match": "*"}
        )
        assert_bc_error(response, 400, "BadRequest")


def test_post_without_a_body_is_bad_request(bcv):
    with assert_unchanged(bcv):
        response = bcv.session.post(bcv.url(bcv.journals()), headers={"Content-Type": "application/json"})
        assert_bc_error(response, 400, "BadRequest")


@pytest.mark.parametrize(
    "url_of, body, type_name",
    [
        (lambda c: c.journals(), {"code": "X", "colour": "red"}, "customerPaymentJournal"),
        (lambda c: c.payments(GENERAL), {"amount": 1, "Amount": 2}, "customerPayment"),
    ],
)
def test_unknown_property_is_bad_request(bcv, url_of, body, type_name):
    with assert_unchanged(bcv):
        name = next(k for k in body if k not in ("code", "amount"))
        message = assert_bc_error(bcv.post(url_of(bcv), body), 400, "BadRequest")
        assert message == (
            f"The property '{name}' does not exist on type 'Microsoft.NAV.{type_name}'. "
            "Make sure to only use property names that are defined by the type."
        )


def test_unknown_property_on_patch_changes_nothing_even_next_to_a_good_one(bcv):
    with assert_unchanged(bcv):
        response = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "changed", "colour": "red"})
        assert_bc_error(response, 400, "BadRequest")


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "12.5"},
        {"amount": True},
        {"amount": [1]},
        {"lineNumber": "10000"},
        {"lineNumber": 1.5},
        {"lineNumber": 2**31},
        {"amount": 1e30},  # beyond .NET's decimal, AL's Decimal
        {"postingDate": "2026-02-30"},
        {"postingDate": "02/03/2026"},
        {"postingDate": 20260203},
        {"description": 5},
        {"customerNumber": {"no": 1}},
    ],
)
def test_wrong_type_is_bad_request(bcv, body):
    with assert_unchanged(bcv):
        response = bcv.post(bcv.payments(GENERAL), body)
        assert 400 <= response.status_code < 500
        assert response.json()["error"]["code"] in ("BadRequest", "Application_EvaluateException")


@pytest.mark.parametrize(
    "url_of, name",
    [
        (lambda c: c.journals(), "balancingAccountId"),
        (lambda c: c.payments(GENERAL), "customerId"),
        (lambda c: c.payments(GENERAL), "appliesToInvoiceId"),
    ],
)
@pytest.mark.parametrize("value", ["not-a-guid", "12345678-1234-1234-1234-12345678901", 7])
def test_malformed_guid_in_the_body_is_invalid_guid(bcv, url_of, name, value):
    with assert_unchanged(bcv):
        body = {name: value}
        if name == "balancingAccountId":
            body["code"] = "X"
        message = assert_bc_error(bcv.post(url_of(bcv), body), 400, "Application_InvalidGUID")
        assert message.startswith("Invalid format of GUID string.")


def test_v2_malformed_journal_id_in_the_body_is_invalid_guid(bc):
    with assert_unchanged(bc):
        assert_bc_error(
            bc.post(bc.company("customerPayments"), {"journalId": "x"}), 400, "Application_InvalidGUID"
        )


def test_braced_guid_in_the_body_is_accepted(bcv):
    response = bcv.post(bcv.payments(GENERAL), {"customerId": "{" + customer(20000).upper() + "}"})
    assert response.status_code == 201
    assert response.json()["customerId"] == customer(20000)


# --- concurrency -----------------------------------------------------------------------------


def test_etag_is_bcs_weak_etag(bcv):
    tag = bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"]
    match = re.fullmatch(r'W/"([A-Za-z0-9+/=]+)"', tag)
    assert match
    decoded = base64.b64decode(match.group(1)).decode()
    # as every recorded BC ETag: '<n>;<n digits>1;00;' (tfenster/wiremock-demo, amp-labs/connectors)
    length, token = re.fullmatch(r"'(\d+);(\d+);00;'", decoded).groups()
    assert len(token) == int(length) + 1 and token.endswith("1")


def test_etag_is_stable_until_the_record_changes(bcv):
    tag = bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"]
    assert bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"] == tag
    assert {j["id"]: j["@odata.etag"] for j in bcv.get(bcv.journals()).json()["value"]}[BANK] == tag
    # other records changing leave it alone
    bcv.patch(bcv.journals(f"({GENERAL})"), {"displayName": "x"})
    bcv.post(bcv.payments(BANK), {"customerNumber": "10000"})
    bcv.patch(bcv.payments(BANK, f"({payment(2, 10000)})"), {"comment": "x"})
    assert bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"] == tag
    # a change changes it, every time
    first = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "one"}).json()["@odata.etag"]
    second = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "two"}).json()["@odata.etag"]
    assert len({tag, first, second}) == 3
    assert bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"] == second


def test_renaming_a_journal_changes_its_payments_etags(bcv):
    before = {p["id"]: p["@odata.etag"] for p in bcv.get(bcv.payments(BANK)).json()["value"]}
    bcv.patch(bcv.journals(f"({BANK})"), {"code": "BANK2"})
    after = {p["id"]: p["@odata.etag"] for p in bcv.get(bcv.payments(BANK)).json()["value"]}
    assert before.keys() == after.keys()
    assert all(before[k] != after[k] for k in before)


def test_patch_without_if_match_is_invalid_token(bcv):
    with assert_unchanged(bcv):
        for path in (bcv.journals(f"({BANK})"), bcv.payments(GENERAL, f"({FIRST})")):
            response = bcv.patch(path, {"comment" if "Payments" in path else "displayName": "x"}, etag=None)
            message = assert_bc_error(response, 400, "BadRequest_InvalidToken")
            assert message == (
                "Could not validate the client concurrency token required by the service. "
                "Please provide a valid token in the client request."
            )


@pytest.mark.parametrize("garbled", ['"abc"', "abc", 'W/"!!!"', ""])
def test_patch_with_a_garbled_if_match_is_refused(bcv, garbled):
    with assert_unchanged(bcv):
        response = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "x"}, etag=garbled)
        assert response.status_code in (400, 409)
        assert response.json()["error"]["code"] in ("BadRequest_InvalidToken", "Request_EntityChanged")


def test_patch_with_a_stale_etag_is_entity_changed(bcv):
    stale = bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"]
    fresh = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "first"}, etag=stale).json()["@odata.etag"]
    with assert_unchanged(bcv):
        response = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "second"}, etag=stale)
        assert (
            assert_bc_error(response, 409, "Request_EntityChanged")
            == "Another user has already changed the record."
        )
    assert bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "second"}, etag=fresh).status_code == 200


def test_etag_of_another_record_is_stale(bcv):
    other = bcv.get(bcv.journals(f"({GENERAL})")).json()["@odata.etag"]
    response = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "x"}, etag=other)
    assert_bc_error(response, 409, "Request_EntityChanged")


def test_if_match_star_matches_anything(bcv):
    bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "first"})
    assert bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "second"}, etag="*").status_code == 200
    assert bcv.delete(bcv.payments(GENERAL, f"({FIRST})"), etag="*").status_code == 204


def test_delete_without_if_match_is_allowed(bcv):
    assert bcv.delete(bcv.payments(GENERAL, f"({FIRST})"), etag=None).status_code == 204
    assert bcv.delete(bcv.journals(f"({BANK})"), etag=None).status_code == 204


def test_delete_with_a_stale_etag_is_entity_changed(bcv):
    stale = bcv.get(bcv.payments(GENERAL, f"({FIRST})")).json()["@odata.etag"]
    fresh = bcv.patch(bcv.payments(GENERAL, f"({FIRST})"), {"amount": -1}, etag=stale).json()["@odata.etag"]
    with assert_unchanged(bcv):
        response = bcv.delete(bcv.payments(GENERAL, f"({FIRST})"), etag=stale)
        assert_bc_error(response, 409, "Request_EntityChanged")
    assert bcv.delete(bcv.payments(GENERAL, f"({FIRST})"), etag=fresh).status_code == 204


def test_delete_journal_with_a_stale_etag_keeps_journal_and_payments(bcv):
    stale = bcv.get(bcv.journals(f"({BANK})")).json()["@odata.etag"]
    bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "changed"})
    with assert_unchanged(bcv):
        assert_bc_error(bcv.delete(bcv.journals(f"({BANK})"), etag=stale), 409, "Request_EntityChanged")


def test_if_match_on_get_is_ignored(bcv):
    for tag in ('W/"JzE5OzgzMTM5MjY4MTQ1NzY2MDMzNDIxOzAwOyc="', "garbage", "*"):
        response = bcv.get(bcv.journals(f"({BANK})"), headers={"If-Match": tag})
        assert response.status_code == 200
        assert bcv.get(bcv.journals(), headers={"If-Match": tag}).status_code == 200


# --- real clients' habits ------------------------------------------------------------------


def test_odata_annotations_in_bodies_are_ignored(bcv):
    current = bcv.get(bcv.journals(f"({BANK})")).json()
    body = {
        "@odata.context": current["@odata.context"],
        "@odata.etag": current["@odata.etag"],
        "displayName": "y",
    }
    response = bcv.patch(bcv.journals(f"({BANK})"), body, etag=current["@odata.etag"])
    assert response.status_code == 200
    response = bcv.post(
        bcv.journals(), {"@odata.type": "#Microsoft.NAV.customerPaymentJournal", "code": "ANN"}
    )
    assert response.status_code == 201
    response = bcv.post(bcv.payments(GENERAL), {"@odata.etag": 'W/"x"', "customerNumber": "10000"})
    assert response.status_code == 201


def test_nulls_on_post_mean_not_given(bcv):
    body = {
        "lineNumber": None,
        "customerId": None,
        "customerNumber": "20000",
        "postingDate": None,
        "documentNumber": None,
        "amount": None,
        "appliesToInvoiceId": None,
        "appliesToInvoiceNumber": None,
        "description": None,
        "comment": None,
        "id": None,
        "lastModifiedDateTime": None,
    }
    if bcv.version == "v2.0":
        body["journalId"] = None
        body["journalDisplayName"] = None
    response = bcv.post(bcv.payments(GENERAL), body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["lineNumber"] == 40000
    assert (created["customerId"], created["customerNumber"]) == (customer(20000), "20000")
    assert created["amount"] == 0
    assert created["description"] == "Trey Research"
    assert created["postingDate"] == "2026-02-03"  # the previous line's, as BC's journal defaults it
    journal = bcv.post(bcv.journals(), {"code": "NULLS", "displayName": None, "balancingAccountId": None})
    assert journal.status_code == 201
    assert journal.json()["balancingAccountId"] == BLANK


def test_null_for_a_read_only_property_on_patch_is_ignored(bcv):
    body = {"id": None, "lastModifiedDateTime": None, "balancingAccountNumber": None, "displayName": "z"}
    response = bcv.patch(bcv.journals(f"({BANK})"), body)
    assert response.status_code == 200
    assert response.json()["id"] == BANK
    assert response.json()["balancingAccountNumber"] == "10100"


def test_content_type_json_with_an_empty_body_on_get_and_delete(bcv):
    headers = {"Content-Type": "application/json"}
    assert bcv.session.get(bcv.url(bcv.journals()), data=b"", headers=headers).status_code == 200
    assert bcv.session.get(bcv.url(bcv.journals(f"({BANK})")), data=b"", headers=headers).status_code == 200
    url = bcv.url(bcv.payments(GENERAL, f"({FIRST})"))
    assert bcv.session.delete(url, data=b"", headers=headers).status_code == 204


# --- a rejected request changes nothing -----------------------------------------------------

REJECTED = [
    # (method, path, body, status): one of each kind of rejection a write can meet
    ("POST", lambda c: c.journals(), {"code": "GENERAL"}, 409),
    ("POST", lambda c: c.journals(), {"code": "NEW", "balancingAccountId": account(10400)}, 400),
    ("POST", lambda c: c.journals(), {"code": "NEW", "displayName": "x" * 101}, 400),
    ("PATCH", lambda c: c.journals(f"({BANK})"), {"code": "GENERAL", "displayName": "x"}, 409),
    ("PATCH", lambda c: c.journals(f"({BANK})"), {"displayName": "x", "balancingAccountId": account(1)}, 400),
    ("PATCH", lambda c: c.journals(f"({BANK})"), {"displayName": "x", "id": GENERAL}, 400),
    ("POST", lambda c: c.payments(GENERAL), {"customerNumber": "10000", "appliesToInvoiceId": BANK}, 400),
    (
        "PATCH",
        lambda c: c.payments(GENERAL, f"({FIRST})"),
        {
            "amount": 1,
            "customerNumber": "20000",
            "appliesToInvoiceId": invoice(103001),
            "appliesToInvoiceNumber": "1",
        },
        400,
    ),
    ("PATCH", lambda c: c.payments(GENERAL, f"({FIRST})"), {"amount": 1, "lineNumber": 20000}, 409),
    ("PATCH", lambda c: c.payments(GENERAL, f"({FIRST})"), {"amount": 1, "postingDate": "bad"}, 400),
    ("DELETE", lambda c: c.journals(f"({BANK})"), None, 409),  # with a stale If-Match
]


@pytest.mark.parametrize("method, path_of, body, status", REJECTED)
def test_a_rejected_write_changes_nothing(bcv, method, path_of, body, status):
    with assert_unchanged(bcv, USA, UK):
        headers = {"If-Match": 'W/"JzIwOzAwMDAwMDAwMDAwMDAwMDAwMDAxOzAwOyc="'} if method == "DELETE" else {}
        if method == "PATCH":
            headers["If-Match"] = "*"
        response = bcv.session.request(method, bcv.url(path_of(bcv)), json=body, headers=headers)
        assert response.status_code == status, response.text
        assert "error" in response.json()


def test_bad_input_never_answers_5xx_or_html(bcv):
    probes = [
        ("POST", bcv.journals(), b'{"code": "X", "displayName": "\\ud800"}'),
        ("POST", bcv.journals(), b'{"code": "X", "\\udc00": 1}'),
        ("POST", bcv.payments(GENERAL), b'{"postingDate": "\\ud800"}'),
        ("POST", bcv.payments(GENERAL), b'{"amount": 1e400}'),
        ("POST", bcv.payments(GENERAL), b'{"amount": NaN}'),
        ("POST", bcv.payments(GENERAL), b'{"lineNumber": -1}'),
        ("POST", bcv.payments(GENERAL), b'{"dimensions": {"code": 1}}'),
        ("PATCH", bcv.payments(GENERAL, f"({FIRST})"), b'{"amount": -0.000000001}'),
        ("GET", bcv.journals("(%00)"), b""),
        ("GET", bcv.journals("()"), b""),
        ("GET", "companies(" + "a" * 5000 + ")", b""),
    ]
    for method, path, raw in probes:
        headers = {"Content-Type": "application/json", "If-Match": "*"}
        response = bcv.session.request(method, bcv.url(path), data=raw, headers=headers)
        assert response.status_code < 500, (path, raw[:40], response.text)
        assert response.headers["Content-Type"].startswith("application/json"), response.text
    assert [j["code"] for j in bcv.get(bcv.journals()).json()["value"]] == ["BANK", "GENERAL"]


def test_deeply_nested_json_is_bad_request(bcv):
    with assert_unchanged(bcv):
        raw = b"[" * 5000 + b"]" * 5000
        response = bcv.session.post(
            bcv.url(bcv.payments(GENERAL)), data=raw, headers={"Content-Type": "application/json"}
        )
        assert assert_bc_error(response, 400, "BadRequest") == "Invalid Request Body"


# --- unit: If-Match against a record's ETag ----------------------------------------------


class _Row:
    def __init__(self, version: int):
        self.version = version


@pytest.mark.parametrize(
    "header, required, outcome",
    [
        (None, True, "BadRequest_InvalidToken"),
        ("", True, "BadRequest_InvalidToken"),
        ("  ", True, "BadRequest_InvalidToken"),
        (None, False, None),
        ("*", True, None),
        ("CURRENT", True, None),
        ('W/"JzIwOzAwMDAwMDAwMDAwMDAwMDAwMDAxOzAwOyc="', True, "Request_EntityChanged"),
        ('W/"JzIwOzAwMDAwMDAwMDAwMDAwMDAwMDAxOzAwOyc=", CURRENT', True, None),
        ("not-an-etag", True, "BadRequest_InvalidToken"),
        ('W/"not base64!"', True, "BadRequest_InvalidToken"),
    ],
)
def test_check_if_match(header, required, outcome):
    from bc_mock.errors import BcError
    from bc_mock.odata.etag import check_if_match, etag

    row = _Row(1_000_042)
    if header:
        header = header.replace("CURRENT", etag(row))
    if outcome is None:
        check_if_match(header, row, required=required)
        return
    with pytest.raises(BcError) as raised:
        check_if_match(header, row, required=required)
    assert raised.value.code == outcome


def test_a_huge_value_is_quoted_in_part(bc):
    response = bc.post(bc.journals(), {"code": "LONGNAME", "displayName": "y" * 100_000})
    status, code, message = error_of(response)
    assert (status, code) == (400, "Application_StringExceededLength")
    assert message == (
        "The length of the string is 100000, but it must be less than or equal to 100 characters. "
        f"Value: {'y' * 1024}..."
    )
