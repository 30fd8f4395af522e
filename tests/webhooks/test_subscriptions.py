"""The subscriptions resource: BC's properties, keys, handshake, errors and limits."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.helpers import UK, USA, error_of
from tests.webhooks.conftest import START, TIMEOUT_S, Tenant

V2_PROPERTIES = [
    "subscriptionId",
    "notificationUrl",
    "resource",
    "timestamp",
    "userId",
    "lastModifiedDateTime",
    "clientState",
    "expirationDateTime",
    "systemCreatedAt",
    "systemCreatedBy",
    "systemModifiedAt",
    "systemModifiedBy",
]


def test_a_subscription_is_created_after_the_handshake_and_expires_in_three_days(hooks, subscriber):
    created = hooks.subscribe(subscriber.url, clientState="s3cret")
    assert created.status_code == 201, created.text
    body = created.json()
    assert [k for k in body if not k.startswith("@")] == V2_PROPERTIES
    assert body["@odata.context"].endswith("/$metadata#subscriptions/$entity")
    assert body["notificationUrl"] == subscriber.url
    assert body["resource"] == hooks.resource()
    assert body["clientState"] == "s3cret"
    assert body["lastModifiedDateTime"] == START
    assert body["expirationDateTime"] == "2026-01-08T09:00:00Z"  # three days later
    assert re.fullmatch(r"[0-9a-f]{32}", body["subscriptionId"])  # as BC's docs show them
    assert created.headers["Location"] == hooks.url(hooks.subscription(body["subscriptionId"]))
    # the handshake: a POST to the notification URL with the token in the query string
    [handshake] = subscriber.handshakes
    assert handshake.method == "POST"
    assert re.fullmatch(r"[0-9a-f-]{36}", handshake.args["validationToken"])
    # and it is there to read, alone and in the list
    read = hooks.get(hooks.subscription(body["subscriptionId"]))
    assert read.status_code == 200
    assert read.json()["@odata.etag"] == body["@odata.etag"]
    assert [s["subscriptionId"] for s in hooks.get("subscriptions").json()["value"]] == [
        body["subscriptionId"]
    ]


def test_the_docs_example_body_is_taken_and_what_bc_sets_is_bcs(hooks, subscriber):
    """BC's docs POST a subscription with the fields BC sets (userId, times): a client written
    from them must work; the server's values win."""
    body = {
        "subscriptionId": "c670ea73cacb459bb51dc1740da2f1db",
        "notificationUrl": subscriber.url,
        "resource": hooks.resource("customers"),
        "userId": "00000000-0000-0000-0000-000000000001",
        "lastModifiedDateTime": "2018-10-12T12:32:35Z",
        "clientState": "optionalvalueof2048",
        "expirationDateTime": "2021-10-15T12:32:35Z",
        "systemCreatedAt": "2017-01-23T00:24:31.766Z",
        "systemCreatedBy": "f2a5738a-44e3-ea11-bb43-000d3a2feca1",
        "systemModifiedAt": "2020-08-21T00:24:31.777Z",
        "systemModifiedBy": "f2a5738a-44e3-ea11-bb43-000d3a2feca1",
    }
    created = hooks.post("subscriptions", body)
    assert created.status_code == 201, created.text
    made = created.json()
    assert made["subscriptionId"] == "c670ea73cacb459bb51dc1740da2f1db"
    assert made["expirationDateTime"] == "2026-01-08T09:00:00Z"
    assert made["lastModifiedDateTime"] == START


def test_a_subscription_is_addressed_by_its_id_in_quotes(hooks, subscriber):
    made = hooks.subscribe(subscriber.url, subscriptionId="it's-mine").json()
    assert hooks.get("subscriptions('it''s-mine')").json()["subscriptionId"] == "it's-mine"
    assert made["subscriptionId"] == "it's-mine"
    unquoted = hooks.get("subscriptions(abc)")
    assert unquoted.status_code == 404
    assert error_of(unquoted)[1] == "BadRequest_NotFound"
    missing = hooks.get("subscriptions('nope')")
    assert error_of(missing)[:2] == (404, "BadRequest_ResourceNotFound")


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("wrong", "not the validation token"),
        ("slow", f"no answer within {TIMEOUT_S:g} s"),
        (404, "it answered 404"),
        (202, "it answered 202"),
    ],
)
def test_a_failed_handshake_creates_nothing(hooks, subscriber, behaviour, reason):
    subscriber.handshake = behaviour
    started = time.monotonic()
    refused = hooks.subscribe(subscriber.url)
    assert time.monotonic() - started < TIMEOUT_S + 0.5  # bounded by the handshake timeout
    status, code, message = error_of(refused)
    assert (status, code) == (400, "BadRequest")
    assert "The subscription was not created" in message and reason in message
    assert hooks.get("subscriptions").json()["value"] == []
    [logged] = hooks.deliveries("handshake")
    assert logged["result"] == "failed"


def test_an_unreachable_notification_url_fails_the_handshake(hooks):
    refused = hooks.subscribe("http://127.0.0.1:1/hook")
    assert error_of(refused)[0] == 400
    assert "connection refused" in error_of(refused)[2]
    assert hooks.get("subscriptions").json()["value"] == []


@pytest.mark.parametrize(
    "resource",
    [
        "/api/v2.0/companies({usa})/customerPayments",  # not a webhook resource in BC
        "/api/v2.0/companies({usa})/salesInvoiceLines",
        "/api/v2.0/companies({usa})/customers(c5000001-0000-4000-8000-000000000001)",
        "/api/v2.0/companies({usa})/vendors",  # supported by BC, not served here
        "/api/v1.0/companies({usa})/customers",  # another API version than the endpoint's
        "/api/v2.0/customers",
        "/api/v2.0/companies({usa})/customers?$filter=number eq '10000'",
        "customers",
    ],
)
def test_a_resource_bc_does_not_notify_is_refused_before_any_handshake(hooks, subscriber, resource):
    refused = hooks.post(
        "subscriptions", {"notificationUrl": subscriber.url, "resource": resource.format(usa=USA)}
    )
    status, code, message = error_of(refused)
    assert (status, code) == (400, "BadRequest")
    assert "does not exist or does not support webhooks" in message
    assert subscriber.handshakes == []


@pytest.mark.parametrize(
    "resource",
    [
        "companies({usa})/customers",
        "api/v2.0/companies({usa})/customers",
        "/v2.0/{tenant}/production/api/v2.0/companies({usa})/customers",
        "https://api.businesscentral.dynamics.com/v2.0/{tenant}/production/api/v2.0/companies({usa})/customers",
    ],
)
def test_the_resource_forms_bc_documents_are_taken_as_given(hooks, subscriber, resource):
    resource = resource.format(usa=USA, tenant=hooks.tenant)
    created = hooks.post("subscriptions", {"notificationUrl": subscriber.url, "resource": resource})
    assert created.status_code == 201, created.text
    assert created.json()["resource"] == resource


def test_a_resource_of_an_unknown_company_is_refused(hooks, subscriber):
    resource = "/api/v2.0/companies(00000000-0000-0000-0000-00000000dead)/customers"
    refused = hooks.post("subscriptions", {"notificationUrl": subscriber.url, "resource": resource})
    assert error_of(refused)[0] == 400
    assert "names no company of this environment" in error_of(refused)[2]


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        ({"resource": "r"}, "notificationUrl"),
        ({"notificationUrl": "ftp://x/hook"}, "http"),
        ({"notificationUrl": "not a url"}, "cannot be called"),
        ({"notificationUrl": "http://127.0.0.1:9/hook", "resource": ""}, "resource"),
        ({"notificationUrl": "http://127.0.0.1:9/hook", "clientState": "x" * 2049}, "2048"),
        ({"notificationUrl": "http://127.0.0.1:9/hook", "subscriptionId": "x" * 151}, "150"),
        ({"notificationUrl": "http://127.0.0.1:9/hook", "color": "red"}, "'color' does not exist"),
    ],
)
def test_a_malformed_subscription_is_refused_with_a_reason(hooks, body, wanted):
    body = {"resource": hooks.resource("customers"), **body}
    refused = hooks.post("subscriptions", body)
    assert refused.status_code == 400
    assert wanted in error_of(refused)[2]
    assert hooks.get("subscriptions").json()["value"] == []


def test_a_second_subscription_with_the_same_id_is_refused(hooks, subscriber):
    assert hooks.subscribe(subscriber.url, subscriptionId="one").status_code == 201
    again = hooks.subscribe(subscriber.url, subscriptionId="ONE")  # BC's keys ignore case
    assert error_of(again)[:2] == (409, "Internal_EntityWithSameKeyExists")


def test_a_renewal_needs_if_match_and_a_new_handshake(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    url = hooks.subscription(made["subscriptionId"])
    hooks.advance(2 * 86400)  # two days on
    no_etag = hooks.patch(url, {}, etag=None)
    assert error_of(no_etag)[:2] == (400, "BadRequest_InvalidToken")
    stale = '"W/\\"JzIwOzEyMzQ1Njc4OTAxMjM0NTY3ODkwMTsxOzAwOyc=\\""'
    assert hooks.patch(url, {}, etag=stale).status_code in (400, 409)
    renewed = hooks.patch(url, {"clientState": "renewed"}, etag=made["@odata.etag"])
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["expirationDateTime"] == "2026-01-10T09:00:00Z"
    assert renewed.json()["clientState"] == "renewed"
    assert renewed.json()["@odata.etag"] != made["@odata.etag"]
    assert len(subscriber.handshakes) == 2


def test_a_renewal_whose_handshake_fails_changes_nothing(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    url = hooks.subscription(made["subscriptionId"])
    subscriber.handshake = "wrong"
    refused = hooks.patch(url, {}, etag=made["@odata.etag"])
    assert error_of(refused)[0] == 400
    assert "was not renewed" in error_of(refused)[2]
    after = hooks.get(url).json()
    assert after == {**made, "@odata.context": after["@odata.context"]}


def test_a_renewal_may_move_the_subscription_to_a_new_url_which_must_pass_the_handshake(
    hooks, subscriber, httpserver
):
    from tests.webhooks.conftest import Subscriber

    made = hooks.subscribe(subscriber.url).json()
    other = Subscriber(httpserver, "/other")
    moved = hooks.patch(
        hooks.subscription(made["subscriptionId"]), {"notificationUrl": other.url}, etag=made["@odata.etag"]
    )
    assert moved.status_code == 200
    assert moved.json()["notificationUrl"] == other.url
    assert len(other.handshakes) == 1


def test_a_subscription_read_and_written_back_whole_is_a_renewal(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    url = hooks.subscription(made["subscriptionId"])
    read = hooks.get(url).json()
    hooks.advance(60)
    written = hooks.patch(url, read, etag=read["@odata.etag"])
    assert written.status_code == 200, written.text
    assert written.json()["expirationDateTime"] == "2026-01-08T09:01:00Z"


def test_delete_needs_if_match(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    url = hooks.subscription(made["subscriptionId"])
    assert error_of(hooks.delete(url))[:2] == (400, "BadRequest_InvalidToken")
    deleted = hooks.delete(url, etag=made["@odata.etag"])
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert hooks.get(url).status_code == 404


def test_an_environment_holds_at_most_200_subscriptions(hooks, subscriber):
    for number in range(200):
        assert hooks.subscribe(subscriber.url, subscriptionId=f"s{number:03d}").status_code == 201
    refused = hooks.subscribe(subscriber.url, subscriptionId="s200")
    status, _, message = error_of(refused)
    assert status == 400 and "200 webhook subscriptions" in message
    assert len(subscriber.handshakes) == 200  # refused before its handshake
    first = hooks.get("subscriptions('s000')").json()
    assert hooks.delete("subscriptions('s000')", etag=first["@odata.etag"]).status_code == 204
    assert hooks.subscribe(subscriber.url, subscriptionId="s200").status_code == 201
    # the limit is per environment: another one of the same tenant has room
    sandbox = hooks.session.post(
        f"{hooks.server_url}/v2.0/{hooks.tenant}/sandbox/api/v2.0/subscriptions",
        json={"notificationUrl": subscriber.url, "resource": hooks.resource("customers")},
    )
    assert sandbox.status_code == 201


def test_subscriptions_belong_to_their_environment(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    other = hooks.session.get(f"{hooks.server_url}/v2.0/{hooks.tenant}/sandbox/api/v2.0/subscriptions")
    assert other.json()["value"] == []


def test_v1_subscriptions_show_v1_properties_and_take_v1_resources(hooks_server, subscriber):
    v1 = Tenant(hooks_server, "v1.0")
    created = v1.subscribe(subscriber.url, "customers")
    assert created.status_code == 201, created.text
    assert [k for k in created.json() if not k.startswith("@")] == [
        "subscriptionId",
        "notificationUrl",
        "resource",
        "userId",
        "lastModifiedDateTime",
        "clientState",
        "expirationDateTime",
    ]


def test_the_service_document_and_metadata_declare_subscriptions(hooks):
    service = hooks.get("").json()["value"]
    assert {"name": "subscriptions", "kind": "EntitySet", "url": "subscriptions"} in service
    metadata = hooks.get("$metadata").text
    assert '<EntitySet Name="subscriptions" EntityType="Microsoft.NAV.subscription"' in metadata
    entity_type = metadata.split('<EntityType Name="subscription">')[1].split("</EntityType>")[0]
    assert '<PropertyRef Name="subscriptionId"' in entity_type
    assert 'Name="clientState" Type="Edm.String" MaxLength="2048"' in entity_type


def test_subscriptions_can_be_filtered_and_selected(hooks, subscriber):
    hooks.subscribe(subscriber.url, subscriptionId="a", clientState="x")
    hooks.subscribe(subscriber.url, "customers", subscriptionId="b", clientState="y")
    found = hooks.get("subscriptions", params={"$filter": "clientState eq 'y'", "$select": "subscriptionId"})
    assert found.status_code == 200, found.text
    assert [{k: v for k, v in s.items() if not k.startswith("@")} for s in found.json()["value"]] == [
        {"subscriptionId": "b"}
    ]


def test_a_uk_subscription_is_told_of_the_uk_company_only(hooks, subscriber):
    """The company is part of the resource: the lists stay apart."""
    created = hooks.subscribe(subscriber.url, resource=hooks.resource(company=UK))
    assert created.status_code == 201
    assert created.json()["resource"].endswith(f"companies({UK})/customerPaymentJournals")


def test_time_is_the_tenants_clock(hooks, subscriber):
    hooks.advance(3600)
    made = hooks.subscribe(subscriber.url).json()
    assert made["systemCreatedAt"] == "2026-01-05T10:00:00Z"
    assert dt.datetime.fromisoformat(
        made["expirationDateTime"].replace("Z", "+00:00")
    ) == hooks.now() + dt.timedelta(days=3)
