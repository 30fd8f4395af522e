"""Hostile values: numbers, date-times, skip tokens and texts at and beyond the ends of their
types. Each is a 4xx in BC's error format that changes nothing, answered at once (no value
takes the process long enough to hold up other requests), and values within range are kept
exactly (every digit of a decimal, a Code's "ß").
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from tests.helpers import BANK, GENERAL, USA, BcClient, assert_unchanged, error_of, failed_start, payment

JSON = {"Content-Type": "application/json"}
# far beyond what any of these requests needs once bounded; far below what they took unbounded
# (20 s and more: a thread converting a huge number holds the interpreter, and every request waits)
PROMPT = 3.0
OTHER_TENANT_WAITS_AT_MOST = 1.0  # the bound on what one request may cost the others


def conversion(literal: str, edm: str) -> tuple[int, str, str]:
    return 400, "BadRequest", f"Cannot convert the literal '{literal}' to the expected type '{edm}'."


def send(bc: BcClient, method: str, path: str, raw: bytes) -> requests.Response:
    return bc.session.request(method, bc.url(path), data=raw, headers={**JSON, "If-Match": "*"})


def batch_post(url: str, body: str) -> bytes:
    """A $batch of one POST to ``url`` whose body is the JSON text ``body``, as it is."""
    operation = json.dumps({"id": "1", "method": "POST", "url": url, "body": "BODY"})
    return ('{"requests": [' + operation.replace('"BODY"', body) + "]}").encode()


def answered_promptly(server_url: str, request: Callable[[], requests.Response]) -> requests.Response:
    """Send ``request`` on a thread of its own while another tenant lists accounts: both must be
    answered within PROMPT seconds (an attack that holds the process holds the other one too)."""
    other = BcClient(server_url, f"t-{uuid.uuid4().hex[:12]}", "v2.0")
    assert other.get(other.company("accounts")).status_code == 200  # the tenant exists before
    answers: dict[str, requests.Response] = {}
    started = time.monotonic()
    attack = threading.Thread(target=lambda: answers.setdefault("attack", request()), daemon=True)
    attack.start()
    meanwhile = other.get(other.company("accounts"))
    other_took = time.monotonic() - started
    attack.join(timeout=120)
    attack_took = time.monotonic() - started
    assert meanwhile.status_code == 200
    assert "attack" in answers, "the request was not answered within two minutes"
    assert attack_took < PROMPT, f"the request took {attack_took:.1f} s"
    assert other_took < OTHER_TENANT_WAITS_AT_MOST, f"another tenant's request waited {other_took:.1f} s"
    return answers["attack"]


# --- 1. numbers beyond their type: bodies ---------------------------------------------------------


@pytest.mark.parametrize(
    "raw, literal",
    [
        ("1e1000000", "1E+1000000"),
        ("-1e1000000", "-1E+1000000"),
        ("1e999999999999999999", "1E+999999999999999999"),
        ("99999999999999999999", "99999999999999999999"),
        ("1" + "0" * 5000, "1" + "0" * 5000),
        ("2147483648", "2147483648"),
        ("-2147483649", "-2147483649"),
        ("1.5", "1.5"),
    ],
    ids=[
        "1e1000000",
        "-1e1000000",
        "exponent-18-digits",
        "20-digits",
        "5001-digits",
        "2^31",
        "-2^31-1",
        "1.5",
    ],
)
def test_a_line_number_beyond_int32_is_refused_at_once(bc, server_url, raw, literal):
    with assert_unchanged(bc):
        body = f'{{"lineNumber": {raw}}}'.encode()
        response = answered_promptly(server_url, lambda: send(bc, "POST", bc.payments(GENERAL), body))
        assert error_of(response) == conversion(literal, "Edm.Int32")
        patch = send(bc, "PATCH", bc.payments(BANK, f"({payment(2, 10000)})"), body)
        assert error_of(patch) == conversion(literal, "Edm.Int32")


def test_a_line_number_exponent_beyond_any_decimal_is_refused(bc):
    with assert_unchanged(bc):
        response = send(bc, "POST", bc.payments(GENERAL), b'{"lineNumber": 1e99999999999999999999}')
        assert error_of(response) == conversion("1e99999999999999999999", "Edm.Int32")


def test_the_ends_of_int32_are_line_numbers(bc):
    for number in (2147483647, -2147483648, Decimal("2147483646.0")):
        body = f'{{"lineNumber": {number}}}'.encode()
        response = send(bc, "POST", bc.payments(GENERAL), body)
        assert response.status_code == 201, response.text
        assert response.json()["lineNumber"] == int(number)


@pytest.mark.parametrize(
    "raw, literal",
    [
        ("1e999999999", "1E+999999999"),
        ("-1e999999999", "-1E+999999999"),
        ("1e1000000", "1E+1000000"),
        ("1e99999999999999999999999999", "1e99999999999999999999999999"),
        ("79228162514264337593543950336", "79228162514264337593543950336"),
        ("-79228162514264337593543950335.5", "-79228162514264337593543950335.5"),
    ],
    ids=[
        "1e999999999",
        "-1e999999999",
        "1e1000000",
        "exponent-29-digits",
        "decimal-max+1",
        "-decimal-max-0.5",
    ],
)
def test_an_amount_beyond_dotnets_decimal_is_refused_at_once(bc, server_url, raw, literal):
    body = f'{{"amount": {raw}}}'.encode()
    with assert_unchanged(bc):
        response = answered_promptly(server_url, lambda: send(bc, "POST", bc.payments(GENERAL), body))
        assert error_of(response) == conversion(literal, "Edm.Decimal")
        patch = send(bc, "PATCH", bc.payments(BANK, f"({payment(2, 10000)})"), body)
        assert error_of(patch) == conversion(literal, "Edm.Decimal")
        # a $batch writes the operation's body again before sending it on: the same answer
        url = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
        answer = answered_promptly(
            server_url, lambda: send(bc, "POST", "$batch", batch_post(url, body.decode()))
        )
        assert answer.status_code == 200
        (result,) = answer.json()["responses"]
        assert result["status"] == 400
        message = result["body"]["error"]["message"].split("  CorrelationId:")[0]
        assert (result["status"], result["body"]["error"]["code"], message) == conversion(
            literal, "Edm.Decimal"
        )


def test_the_largest_decimal_is_an_amount_and_comes_back_whole(bc):
    response = send(bc, "POST", bc.payments(GENERAL), b'{"amount": -79228162514264337593543950335}')
    assert response.status_code == 201, response.text
    assert '"amount":-79228162514264337593543950335,' in response.text


def test_a_read_only_decimal_beyond_range_is_refused_like_a_writable_one(bc):
    # customers are read-only; their decimals are checked in a $filter (below) and by fixtures;
    # a payment's read-only lastModifiedDateTime is loaded by its kind before the read-only check
    with assert_unchanged(bc):
        response = send(bc, "POST", bc.payments(GENERAL), b'{"amount": 1, "lineNumber": 1e400}')
        assert error_of(response) == conversion("1E+400", "Edm.Int32")


# --- 1. numbers beyond their type: $filter literals -----------------------------------------------


@pytest.mark.parametrize(
    "expression, literal, edm",
    [
        ("amount eq 1e999999999", "1e999999999", "Edm.Decimal"),
        ("amount gt -1e999999999", "-1e999999999", "Edm.Decimal"),
        ("amount lt 79228162514264337593543950336", "79228162514264337593543950336", "Edm.Decimal"),
        ("amount eq 1e99999999999999999999999999", "1e99999999999999999999999999", "Edm.Decimal"),
        ("amount ne 1e-99999999999999999999", "1e-99999999999999999999", "Edm.Decimal"),
        ("lineNumber eq 99999999999999999999", "99999999999999999999", "Edm.Int32"),
        ("lineNumber ge 2147483648", "2147483648", "Edm.Int32"),
        ("lineNumber gt 1e1000000", "1e1000000", "Edm.Int32"),
        ("lineNumber in (10000, 1e1000000)", "1e1000000", "Edm.Int32"),
        ("1e1000000 lt lineNumber", "1e1000000", "Edm.Int32"),
        ("lineNumber eq 1e99999999999999999999", "1e99999999999999999999", "Edm.Int32"),
        (
            f"substring(description, 1{'0' * 5000}) eq 'x'",
            f"1{'0' * 5000}",
            "Edm.Int32",
        ),
    ],
    ids=[
        "amount-1e999999999",
        "amount-negative",
        "amount-decimal-max+1",
        "amount-exponent-29-digits",
        "amount-exponent-minus-20-digits",
        "line-20-digits",
        "line-2^31",
        "line-1e1000000",
        "line-in-list",
        "literal-first",
        "line-exponent-20-digits",
        "substring-5001-digits",
    ],
)
def test_a_filter_literal_beyond_the_propertys_type_is_refused_at_once(
    bc, server_url, expression, literal, edm
):
    path = bc.payments(GENERAL)
    response = answered_promptly(server_url, lambda: bc.get(path, params={"$filter": expression}))
    assert error_of(response) == conversion(literal, edm)


def test_filter_literals_at_the_ends_of_the_types_are_fine(bc):
    for expression in (
        "lineNumber le 2147483647",
        "lineNumber ge -2147483648",
        "amount lt 79228162514264337593543950335",
        "amount gt -79228162514264337593543950335",
        "amount ne 0.0000000000000000000000000001",
        "1e99999999999999999999 gt 1 and amount ne 0",  # two literals: beyond any number
    ):
        response = bc.get(bc.payments(GENERAL), params={"$filter": expression})
        assert response.status_code == 200, (expression, response.text)
        assert len(response.json()["value"]) == 3, expression


def test_a_company_level_filter_with_a_huge_journal_line_is_refused(bc):
    response = bc.get(
        bc.company("customerPayments"),
        params={"$filter": f"journalId eq {GENERAL} and lineNumber eq 1e999999999"},
    )
    assert error_of(response) == conversion("1e999999999", "Edm.Int32")


# --- 2. date-times beyond the ends of the calendar ------------------------------------------------


ENDS = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:30:00-00:31"]


@pytest.mark.parametrize("value", ENDS)
def test_a_datetime_whose_utc_is_out_of_range_is_refused_in_a_body(bc, bc1, value):
    # lastModifiedDateTime is read-only, but its kind reads it before the read-only check, as
    # BC's OData layer converts a value before the page sees it
    body = json.dumps({"lastModifiedDateTime": value}).encode()
    expected = conversion(value, "Edm.DateTimeOffset")
    with assert_unchanged(bc):
        for client in (bc, bc1):
            assert error_of(send(client, "POST", client.payments(GENERAL), body)) == expected
            assert error_of(send(client, "POST", client.journals(), body)) == expected
            assert error_of(send(client, "PATCH", client.journals(f"({BANK})"), body)) == expected
            patch = send(client, "PATCH", client.payments(BANK, f"({payment(2, 10000)})"), body)
            assert error_of(patch) == expected


def test_the_ends_of_the_calendar_in_utc_are_read(bc):
    # the read-only value is read, then refused as read-only (it is not the record's): no 500
    for value in ("0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "9999-12-31T23:59:59Z"):
        response = send(
            bc, "POST", bc.journals(), json.dumps({"code": "X", "lastModifiedDateTime": value}).encode()
        )
        assert error_of(response) == (
            400,
            "BadRequest_InvalidOperation",
            "Control 'lastModifiedDateTime' is read-only",
        )


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999-00:01", "0001-01-01T00:00:00+01:00"]
)
def test_a_datetime_whose_utc_is_out_of_range_is_refused_in_a_filter(bc, value):
    for path in (bc.payments(GENERAL), bc.journals(), bc.company("customers")):
        for expression in (f"lastModifiedDateTime gt {value}", f"lastModifiedDateTime in ({value})"):
            response = bc.get(path, params={"$filter": expression})
            assert error_of(response) == conversion(value, "Edm.DateTimeOffset")


def test_the_ends_of_the_calendar_in_utc_filter(bc):
    for expression in (
        "lastModifiedDateTime lt 9999-12-31T23:59:59Z",
        "lastModifiedDateTime gt 0001-01-01T00:00:00Z",  # BC's blank date-time
        "lastModifiedDateTime ge 0001-01-01T01:00:00+01:00",
        "lastModifiedDateTime gt 0999-12-31T23:59:59.999Z and displayName ne '0001-01-01'",
    ):
        response = bc.get(bc.journals(), params={"$filter": expression})
        assert len(response.json()["value"]) == 2, (expression, response.text)
    blank = bc.get(bc.journals(), params={"$filter": "lastModifiedDateTime eq 0001-01-01T00:00:00Z"})
    assert blank.json()["value"] == []
    year_zero = bc.get(bc.journals(), params={"$filter": "lastModifiedDateTime gt 0000-12-31T00:00:00Z"})
    assert error_of(year_zero) == conversion("0000-12-31T00:00:00Z", "Edm.DateTimeOffset")


def test_the_ends_of_the_calendar_are_posting_dates(bc):
    for date in ("0001-01-01", "9999-12-31"):
        created = bc.post(bc.payments(GENERAL), {"postingDate": date})
        assert created.status_code == 201, created.text
        assert created.json()["postingDate"] == date
        found = bc.get(bc.payments(GENERAL), params={"$filter": f"postingDate eq {date}"}).json()["value"]
        assert [p["id"] for p in found] == [created.json()["id"]]


def test_a_fixture_datetime_out_of_range_stops_start_up_with_a_clear_message(tmp_path):
    doc = json.loads(
        (Path(__file__).resolve().parent.parent / "fixtures" / "cronus-usa.json").read_text("utf-8")
    )
    doc["customerPaymentJournals"][0]["lastModifiedDateTime"] = "9999-12-31T23:59:59-01:00"
    path = tmp_path / "ends.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = failed_start("--fixtures", str(path))
    assert result is not None and result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "field 'lastModifiedDateTime'" in line
    assert (
        "Cannot convert the literal '9999-12-31T23:59:59-01:00' to the expected type 'Edm.DateTimeOffset'."
        in line
    )


# --- 3. skip tokens that hold no position -----------------------------------------------------------


def token(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def invalid(skiptoken: str) -> tuple[int, str, str]:
    return 400, "BadRequest", f"The skip token value '{skiptoken}' is not valid."


ID = "00000000-0000-0000-0000-000000000000"
PAYMENT_TOKENS = {
    # the default order of payments: (journal code, line number), then the id
    "nan": [{"t": ["GENERAL", {"d": "NaN"}]}, ID],
    "snan": [{"t": ["GENERAL", {"d": "sNaN"}]}, ID],
    "decimal-junk": [{"t": ["GENERAL", {"d": "x"}]}, ID],
    "decimal-for-int": [{"t": ["GENERAL", {"d": "10000"}]}, ID],
    "float-nan": [{"t": ["GENERAL", float("nan")]}, ID],
    "float-infinity": [{"t": ["GENERAL", float("inf")]}, ID],
    "text-for-int": [{"t": ["ZZZ", "x"]}, ID],
    "bool-for-int": [{"t": ["GENERAL", True]}, ID],
    "int-for-text": [{"t": [5, 10000]}, ID],
    "int-beyond-int64": [{"t": ["GENERAL", 2**64]}, ID],
    "int-of-4000-digits": [{"t": ["GENERAL", 10**4000]}, ID],
    "short-tuple": [{"t": ["GENERAL"]}, ID],
    "long-tuple": [{"t": ["GENERAL", 10000, 1]}, ID],
    "list-for-tuple": [["GENERAL", 10000], ID],
    "no-id": [{"t": ["GENERAL", 10000]}],
    "int-for-id": [{"t": ["GENERAL", 10000]}, 7],
    "date-for-text": [{"t": [{"date": "2024-01-01"}, 10000]}, ID],
    "two-tags": [{"t": ["GENERAL", {"d": "1", "dt": "2024-01-01T00:00:00+00:00"}]}, ID],
    "unknown-tag": [{"t": ["GENERAL", {"x": "1"}]}, ID],
    "not-a-list": {"t": ["GENERAL", 10000]},
}


@pytest.mark.parametrize("values", list(PAYMENT_TOKENS.values()), ids=list(PAYMENT_TOKENS))
def test_a_skip_token_that_does_not_fit_the_order_is_refused(bc, values):
    skiptoken = token(values)
    response = bc.get(bc.payments(GENERAL), params={"$skiptoken": skiptoken})
    assert error_of(response) == invalid(skiptoken)


ORDERED_TOKENS = {
    # (the $orderby, the token's values)
    "amount-nan": ("amount", [{"d": "NaN"}, ID]),
    "amount-infinity": ("amount", [{"d": "-Infinity"}, ID]),
    "amount-1e999999999": ("amount", [{"d": "1e999999999"}, ID]),
    "amount-exponent-18-digits": ("amount", [{"d": "1e999999999999999999"}, ID]),
    "amount-exponent-29-digits": ("amount", [{"d": "1e99999999999999999999999999"}, ID]),
    "amount-text": ("amount desc", ["100", ID]),
    "amount-int": ("amount", [100, ID]),
    "datetime-naive": ("lastModifiedDateTime", [{"dt": "2024-01-01T00:00:00"}, ID]),
    "datetime-offset": ("lastModifiedDateTime", [{"dt": "9999-12-31T23:59:59-01:00"}, ID]),
    "datetime-junk": ("lastModifiedDateTime", [{"dt": "yesterday"}, ID]),
    "date-for-datetime": ("lastModifiedDateTime", [{"date": "2024-01-01"}, ID]),
    "datetime-for-date": ("postingDate", [{"dt": "2024-01-01T00:00:00+00:00"}, ID]),
    "date-junk": ("postingDate", [{"date": "2024-02-30"}, ID]),
    "line-beyond-int64": ("lineNumber desc", [-(2**63) - 1, ID]),
}


@pytest.mark.parametrize("orderby, values", list(ORDERED_TOKENS.values()), ids=list(ORDERED_TOKENS))
def test_a_skip_token_that_does_not_fit_an_orderby_is_refused(bc, server_url, orderby, values):
    skiptoken = token(values)
    path = bc.payments(GENERAL)
    response = answered_promptly(
        server_url, lambda: bc.get(path, params={"$orderby": orderby, "$skiptoken": skiptoken})
    )
    assert error_of(response) == invalid(skiptoken)


@pytest.mark.parametrize(
    "orderby, values, left",
    [
        (None, [{"t": ["GENERAL", 10000]}, payment(1, 10000)], 2),
        ("amount", [{"d": "-79228162514264337593543950335"}, ID], 3),
        ("amount desc", [{"d": "79228162514264337593543950335"}, ID], 3),
        ("lineNumber", [-(2**63), ID], 3),
        ("lastModifiedDateTime", [{"dt": "0001-01-01T00:00:00+00:00"}, ID], 3),
        ("postingDate desc", [{"date": "9999-12-31"}, ID], 3),
        ("description", [None, ID], 3),
    ],
)
def test_a_skip_token_of_values_of_the_right_types_is_a_position(bc, orderby, values, left):
    params = {"$skiptoken": token(values)}
    if orderby:
        params["$orderby"] = orderby
    response = bc.get(bc.payments(GENERAL), params=params)
    assert response.status_code == 200, response.text
    assert len(response.json()["value"]) == left


def test_the_next_links_of_every_order_still_page(bc):
    for orderby in ("amount desc", "lastModifiedDateTime", "postingDate,lineNumber desc", None):
        params = {"$orderby": orderby} if orderby else {}
        url: str | None = bc.url(bc.payments(BANK))
        seen = []
        while url:
            page = bc.get(url, params=params, headers={"Prefer": "odata.maxpagesize=1"}).json()
            params = {}
            seen += [p["id"] for p in page["value"]]
            url = page.get("@odata.nextLink")
        assert len(seen) == len(set(seen)) == 3, orderby


# --- 4. the next line number past AL's Integer --------------------------------------------------------


def test_the_next_line_number_past_int32_is_refused(bc):
    last = bc.post(bc.payments(GENERAL), {"lineNumber": 2147480000})
    assert last.status_code == 201
    with assert_unchanged(bc):
        response = bc.post(bc.payments(GENERAL), {"amount": 5})
        assert error_of(response) == (
            400,
            "BadRequest",
            "The next line number, 2147480000 + 10000, would exceed 2147483647: "
            "give the payment a lineNumber.",
        )
        # the same at company level, in a $batch, and in v1.0
        company_level = bc.post(bc.company("customerPayments"), {"journalId": GENERAL})
        assert error_of(company_level)[:2] == (400, "BadRequest")
    # a line number given is fine, and the last line still is the last
    assert bc.post(bc.payments(GENERAL), {"lineNumber": 2147483647}).status_code == 201
    with assert_unchanged(bc):
        response = bc.post(bc.payments(GENERAL), {})
        assert "2147483647 + 10000" in error_of(response)[2]


def test_the_next_line_number_up_to_int32_is_given(bc1):
    assert bc1.post(bc1.payments(GENERAL), {"lineNumber": 2147473647}).status_code == 201
    response = bc1.post(bc1.payments(GENERAL), {})
    assert response.status_code == 201
    assert response.json()["lineNumber"] == 2147483647


# --- 5a. Code fields upper-case one character to one ----------------------------------------------


def test_a_code_keeps_the_characters_whose_upper_case_is_longer(bc):
    created = bc.post(bc.journals(), {"code": "straße"})
    assert created.status_code == 201, created.text
    assert created.json()["code"] == "STRAßE"
    six = bc.post(bc.journals(), {"code": " ßßßßßß "})
    assert six.status_code == 201, six.text
    assert six.json()["code"] == "ßßßßßß"
    ligature = bc.post(bc.journals(), {"code": "ﬁne"})  # "ﬁ".upper() is "FI"
    assert ligature.json()["code"] == "ﬁNE"
    # the $filter literal is upper-cased the same way
    for literal in ("straße", "STRAßE"):
        found = bc.get(bc.journals(), params={"$filter": f"code eq '{literal}'"}).json()["value"]
        assert [j["code"] for j in found] == ["STRAßE"]
    assert bc.get(bc.journals(), params={"$filter": "code eq 'STRASSE'"}).json()["value"] == []
    ten = bc.get(bc.journals(), params={"$filter": "code in ('ßßßßßß', 'ßßßßßßßßßß')"}).json()["value"]
    assert [j["code"] for j in ten] == ["ßßßßßß"]


def test_a_code_of_eleven_characters_is_still_too_long(bc):
    with assert_unchanged(bc):
        response = bc.post(bc.journals(), {"code": "ß" * 11})
        assert error_of(response) == (
            400,
            "Application_StringExceededLength",
            "The length of the string is 11, but it must be less than or equal to 10 characters. Value: "
            + "ß" * 11,
        )


# --- 5b. decimals come back with every digit --------------------------------------------------------


@pytest.mark.parametrize(
    "sent, written",
    [
        ("1234567890123456.78", "1234567890123456.78"),
        ("-9999999999999999.99", "-9999999999999999.99"),
        ("123456789012345678901234567.89", "123456789012345678901234567.89"),
        ("1234567890123456.70", "1234567890123456.7"),
        ("0.1", "0.1"),
        ("12.50", "12.5"),
        ("1500.00", "1500"),
        ("-0.004", "0"),
        ("99999999999999.99", "99999999999999.99"),
    ],
)
def test_an_amount_comes_back_with_every_digit(bc, sent, written):
    created = send(bc, "POST", bc.payments(GENERAL), f'{{"amount": {sent}}}'.encode())
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    needle = f'"amount":{written},'
    assert needle in created.text
    assert needle in bc.get(bc.payments(GENERAL, f"({pid})")).text
    assert needle in bc.get(bc.payments(GENERAL)).text
    assert needle in bc.get(bc.journals(f"({GENERAL})"), params={"$expand": "customerPayments"}).text
    patched = send(bc, "PATCH", bc.payments(GENERAL, f"({pid})"), f'{{"amount": {sent}}}'.encode())
    assert needle in patched.text
    url = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments({pid})"
    batch = bc.post("$batch", {"requests": [{"id": "1", "method": "GET", "url": url}]})
    assert needle in batch.text
    # and a $filter finds it by the digits written
    found = bc.get(bc.payments(GENERAL), params={"$filter": f"amount eq {written}"}).json()["value"]
    assert [p["id"] for p in found] == [pid]


def test_a_string_is_never_taken_for_a_number(bc):
    for text in ("1234567890123456.78", "0.1E+5", '"1"', "-"):
        created = bc.post(bc.payments(GENERAL), {"description": text, "amount": 1234567890123456.5})
        assert created.json()["description"] == text
        assert created.json(parse_float=Decimal)["amount"] == Decimal("1234567890123456.5")


def test_a_fixture_decimal_comes_back_with_every_digit(start_bc_mock, tmp_path):
    doc = json.loads(
        (Path(__file__).resolve().parent.parent / "fixtures" / "cronus-usa.json").read_text("utf-8")
    )
    customer = doc["customers"][0]
    customer["creditLimit"] = "DIGITS"
    text = json.dumps(doc).replace('"DIGITS"', "12345678901234567890123.45")
    path = tmp_path / "digits.json"
    path.write_text(text, encoding="utf-8")
    client = BcClient(start_bc_mock("--fixtures", str(path)).url, "default", "v2.0")
    answer = client.get(client.company(f"customers({customer['id']})"))
    assert '"creditLimit":12345678901234567890123.45,' in answer.text


# --- 5c. a $batch of many numbers is written again in linear time ----------------------------------


def test_a_batch_of_many_decimals_is_answered_promptly(bc, server_url):
    url = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
    numbers = ",".join(["1.25"] * 100_000)  # 500 KB of decimals in one operation's body
    raw = batch_post(url, f'{{"amount": [{numbers}]}}')
    with assert_unchanged(bc):
        response = answered_promptly(server_url, lambda: send(bc, "POST", "$batch", raw))
        assert response.status_code == 200
        (result,) = response.json()["responses"]
        assert result["status"] == 400


def test_a_batch_operation_body_keeps_its_numbers_exactly(bc):
    url = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
    body = (
        '{"amount": 1234567890123456.78, "description": "caf\\u00e9 \\ud83d\\ude00", '
        '"lineNumber": 2147483647}'
    )
    response = send(bc, "POST", "$batch", batch_post(url, body))
    (result,) = response.json(parse_float=Decimal)["responses"]
    assert result["status"] == 201, result
    assert result["body"]["amount"] == Decimal("1234567890123456.78")
    assert result["body"]["description"] == "café 😀"
    assert result["body"]["lineNumber"] == 2147483647


# --- 5d. NaN and Infinity are no JSON -------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_an_invalid_body(bc, constant):
    with assert_unchanged(bc):
        for method, path, raw in (
            ("POST", bc.payments(GENERAL), f'{{"amount": {constant}}}'),
            ("PATCH", bc.payments(BANK, f"({payment(2, 10000)})"), f'{{"amount": {constant}}}'),
            ("POST", bc.journals(), f'{{"code": "NAN", "displayName": [{constant}]}}'),
            ("POST", "$batch", f'{{"requests": [], "x": {constant}}}'),
        ):
            response = send(bc, method, path, raw.encode())
            assert error_of(response) == (400, "BadRequest", "Invalid Request Body"), (method, path)
