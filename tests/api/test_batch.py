"""$batch (JSON) over HTTP: operations, dependsOn, stop or continue on error, Isolation: snapshot."""

from __future__ import annotations

import pytest

from tests.helpers import BANK, GENERAL, USA, assert_unchanged, error_of


def batch(client, operations: list[dict], **headers) -> dict:
    response = client.post("$batch", {"requests": operations}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def journal_codes(client) -> list[str]:
    return [j["code"] for j in client.get(client.journals()).json()["value"]]


def post_journal(op_id: str, code: str, **extra) -> dict:
    return {
        "id": op_id,
        "method": "POST",
        "url": f"companies({USA})/customerPaymentJournals",
        "headers": {"Content-Type": "application/json"},
        "body": {"code": code},
        **extra,
    }


def test_operations_run_in_order_and_answer_each(bcv):
    body = batch(
        bcv,
        [
            post_journal("1", "BATCHED"),
            {
                "id": "2",
                "method": "GET",
                "url": f"companies({USA})/customerPaymentJournals?$filter=code eq 'BATCHED'",
            },
            {
                "id": "3",
                "method": "PATCH",
                "url": f"companies({USA})/customerPaymentJournals({GENERAL})",
                "headers": {"If-Match": "*"},
                "body": {"displayName": "Renamed in a batch"},
            },
            {"method": "DELETE", "url": f"companies({USA})/customerPaymentJournals({BANK})"},
        ],
    )
    responses = body["responses"]
    assert [(r["id"], r["status"]) for r in responses] == [("1", 201), ("2", 200), ("3", 200), (None, 204)]
    assert responses[0]["headers"]["content-type"].startswith("application/json")
    assert responses[0]["headers"]["odata-version"] == "4.0"
    assert responses[0]["body"]["code"] == "BATCHED"
    assert [j["code"] for j in responses[1]["body"]["value"]] == ["BATCHED"]
    assert responses[2]["body"]["displayName"] == "Renamed in a batch"
    assert "body" not in responses[3]
    assert journal_codes(bcv) == ["BATCHED", "GENERAL"]


def test_by_default_the_batch_stops_at_the_first_failure_and_keeps_what_was_done(bc):
    body = batch(bc, [post_journal("a", "FIRST"), post_journal("b", "FIRST"), post_journal("c", "THIRD")])
    responses = body["responses"]
    assert [(r["id"], r["status"]) for r in responses] == [("a", 201), ("b", 409)]
    assert responses[1]["body"]["error"]["code"] == "Internal_EntityWithSameKeyExists"
    assert journal_codes(bc) == ["BANK", "FIRST", "GENERAL"]


def test_continue_on_error_runs_the_rest_but_not_what_depends_on_a_failure(bc):
    body = batch(
        bc,
        [
            post_journal("a", "TOOLONGCODE1"),
            post_journal("b", "AFTER", dependsOn=["a"]),
            post_journal("c", "FREE"),
            post_journal("d", "LAST", dependsOn=["c"]),
        ],
        Prefer="odata.continue-on-error",
    )
    responses = body["responses"]
    assert [(r["id"], r["status"]) for r in responses] == [("a", 400), ("b", 424), ("c", 201), ("d", 201)]
    assert responses[0]["body"]["error"]["code"] == "Application_StringExceededLength"
    assert responses[1]["body"]["error"]["message"].startswith(
        "The request depends on request 'a', which failed."
    )
    assert journal_codes(bc) == ["BANK", "FREE", "GENERAL", "LAST"]


def test_snapshot_isolation_is_all_or_nothing(bc):
    with assert_unchanged(bc):
        body = batch(
            bc,
            [
                post_journal("journal", "ATOMIC"),
                {
                    "id": "payment",
                    "method": "POST",
                    "url": f"companies({USA})/customerPayments",
                    "body": {"journalId": "$placeholder", "customerNumber": "10000", "amount": -10},
                },
            ],
            Isolation="snapshot",
        )
        assert [r["status"] for r in body["responses"]] == [201, 400]

    journal_id = "0b0b0b0b-0000-4000-8000-000000000001"
    operations = [
        {**post_journal("journal", "ATOMIC"), "body": {"id": journal_id, "code": "ATOMIC"}},
        {
            "id": "payment",
            "method": "POST",
            "url": f"companies({USA})/customerPayments",
            "body": {"journalId": journal_id, "customerNumber": "10000", "amount": -10},
            "dependsOn": ["journal"],
        },
        {
            "id": "edit",
            "method": "PATCH",
            "url": f"companies({USA})/customerPaymentJournals({GENERAL})",
            "headers": {"If-Match": "*"},
            "body": {"displayName": "changed"},
        },
        {
            "id": "bad",
            "method": "PATCH",
            "url": f"companies({USA})/customerPaymentJournals({BANK})",
            "body": {"displayName": "no If-Match"},
        },
    ]
    with assert_unchanged(bc, message="a failed snapshot batch left changes behind"):
        body = batch(bc, operations, Isolation="snapshot")
        statuses = [(r["id"], r["status"]) for r in body["responses"]]
        assert statuses == [("journal", 201), ("payment", 201), ("edit", 200), ("bad", 400)]
        assert body["responses"][3]["body"]["error"]["code"] == "BadRequest_InvalidToken"

    body = batch(bc, operations[:3], Isolation="snapshot")
    assert [r["status"] for r in body["responses"]] == [201, 201, 200]
    assert journal_codes(bc) == ["ATOMIC", "BANK", "GENERAL"]
    payments = bc.get(bc.payments(journal_id)).json()["value"]
    assert [p["amount"] for p in payments] == [-10]


def test_at_most_100_operations(bc):
    read = {"method": "GET", "url": f"companies({USA})/customerPaymentJournals/$count"}
    body = batch(bc, [read] * 100)
    assert len(body["responses"]) == 100 and body["responses"][0]["body"] == "2"
    response = bc.post("$batch", {"requests": [read] * 101})
    assert error_of(response) == (
        400,
        "BadRequest",
        "The batch has 101 requests; a batch may hold at most 100.",
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"requests": "nope"},
        [],
        {"requests": [{"method": "GET"}]},
        {"requests": [{"method": "FETCH", "url": "companies"}]},
        {"requests": [{"id": "1", "method": "GET", "url": "companies", "dependsOn": ["2"]}]},
        {"requests": [{"id": "1", "method": "GET", "url": "companies"}] * 2},
    ],
)
def test_a_malformed_batch_is_refused_whole(bc, payload):
    with assert_unchanged(bc):
        response = bc.post("$batch", payload)
        assert error_of(response)[:2] == (400, "BadRequest")


def test_company_header_and_absolute_paths(bc):
    root_path = bc.root.split("://", 1)[1].split("/", 1)[1]
    body = batch(
        bc,
        [
            {
                "id": "1",
                "method": "GET",
                "url": "customerPaymentJournals",
                "headers": {"Company": "CRONUS USA, Inc."},
            },
            {"id": "2", "method": "GET", "url": f"/{root_path}/companies({USA})/accounts/$count"},
            {"id": "3", "method": "GET", "url": f"{bc.root}/companies"},
        ],
    )
    responses = body["responses"]
    assert [r["status"] for r in responses] == [200, 200, 200]
    assert [j["code"] for j in responses[0]["body"]["value"]] == ["BANK", "GENERAL"]
    assert responses[1]["body"] == "13"
    assert len(responses[2]["body"]["value"]) == 2


def test_unknown_urls_fail_inside_the_batch(bc):
    body = batch(bc, [{"id": "x", "method": "GET", "url": "nothing/here"}])
    assert body["responses"][0]["status"] == 404
    assert body["responses"][0]["body"]["error"]["code"] == "BadRequest_NotFound"


def test_each_operation_is_its_own_journal_entry_tied_to_the_batch(bc, tenant):
    batch(bc, [post_journal("1", "J1"), {"id": "2", "method": "GET", "url": f"companies({USA})/accounts"}])
    entries = bc.session.get(f"{bc.server_url}/_mock/requests", params={"tenant": tenant}).json()["value"]
    inner = [e for e in entries if e["batchId"]]
    assert [(e["method"], e["status"]) for e in inner] == [("POST", 201), ("GET", 200)]
    assert len({e["batchId"] for e in inner}) == 1
    assert inner[0]["path"].endswith("/customerPaymentJournals")
    outer = [e for e in entries if e["path"].endswith("/$batch")]
    assert len(outer) == 1 and outer[0]["batchId"] is None


def test_get_on_batch_is_not_found(bc):
    assert bc.get("$batch").status_code == 404


def add_fault(client, rule: dict) -> str:
    response = client.session.post(f"{client.server_url}/_mock/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_fault_in_a_snapshot_batch_rolls_it_all_back(bc, tenant):
    with assert_unchanged(bc):
        add_fault(bc, {"tenant": tenant, "method": "GET", "path": "*/accounts", "status": 503, "times": 1})
        body = batch(
            bc,
            [post_journal("1", "FAULTED"), {"id": "2", "method": "GET", "url": f"companies({USA})/accounts"}],
            Isolation="snapshot",
        )
        assert [r["status"] for r in body["responses"]] == [201, 503]


def test_readers_do_not_see_a_snapshot_batch_half_done(bc, tenant):
    import threading
    import time

    add_fault(bc, {"tenant": tenant, "method": "GET", "path": "*/accounts", "delayMs": 400, "times": 1})
    seen: list[list[str]] = []

    def read_while_the_batch_runs() -> None:
        time.sleep(0.15)
        seen.append(journal_codes(bc))

    reader = threading.Thread(target=read_while_the_batch_runs)
    reader.start()
    body = batch(
        bc,
        [
            post_journal("1", "INFLIGHT"),
            {"id": "2", "method": "GET", "url": f"companies({USA})/accounts"},
            post_journal("3", "INFLIGHT"),  # a duplicate: the batch fails and rolls back
        ],
        Isolation="snapshot",
    )
    reader.join(timeout=10)
    assert [r["status"] for r in body["responses"]] == [201, 200, 409]
    assert seen == [["BANK", "GENERAL"]]


def test_a_multipart_batch_is_refused(bc):
    body = "--batch_1\r\nContent-Type: application/http\r\n\r\nGET companies HTTP/1.1\r\n\r\n--batch_1--\r\n"
    response = bc.session.post(
        bc.url("$batch"), data=body, headers={"Content-Type": "multipart/mixed; boundary=batch_1"}
    )
    assert error_of(response)[:2] == (400, "BadRequest")
    message = error_of(response)[2]
    assert "JSON format only" in message and "Content-Type: application/json" in message
