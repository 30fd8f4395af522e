"""``{api root}/subscriptions``: BC's webhook subscriptions over HTTP.

* ``GET subscriptions`` and ``GET subscriptions('{id}')``: OData reads, as any set's.
* ``POST subscriptions``: checks the body, then the handshake (bc_mock POSTs to
  ``notificationUrl?validationToken=<token>`` and needs 200 with the token as the whole body
  within the handshake timeout, 5 s), then stores it: 201. It expires three days later.
* ``PATCH subscriptions('{id}')`` with If-Match: a renewal: a new handshake (with the new
  notificationUrl, if it changes), then three days from now. notificationUrl, resource and
  clientState may change.
* ``DELETE subscriptions('{id}')`` with If-Match: 204.

No lock is held during a handshake: the subscription is checked before it, and stored after it
only if nothing changed meanwhile.

The docs' own example POST sends userId, lastModifiedDateTime, expirationDateTime and the
system fields: BC sets those, and bc_mock ignores them as a client sends them (rather than
refusing a documented request).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import TYPE_CHECKING

from flask import Response

from bc_mock import errors
from bc_mock.entities import REGISTRY, writes
from bc_mock.entities.kinds import BLANK_GUID, parse_guid, to_millis
from bc_mock.entities.subscriptions import WEBHOOK_SETS, subscriptions
from bc_mock.odata import shape
from bc_mock.odata.etag import check_if_match
from bc_mock.webhooks import outbound
from bc_mock.webhooks.engine import LIFETIME

if TYPE_CHECKING:
    from bc_mock.api.views import ApiCall

_KEY = re.compile(r"^subscriptions\((.*)\)$", re.DOTALL)
# a resource: an optional scheme and host, an optional /v2.0/{tenant}/{environment} (or
# /v2.0/{environment}) root, an optional api/{version}/, then companies({id})/{set}
_RESOURCE = re.compile(
    r"^(?:https?://[^/]+)?/?(?:v2\.0/[^/]+(?:/[^/]+)?/)?(?:api/(?P<version>v\d+\.\d+)/)?"
    r"companies\((?P<company>[^)]*)\)/(?P<set>[A-Za-z]+)/?$",
    re.IGNORECASE,
)


def handle(call: ApiCall, rest: str) -> Response:
    from bc_mock.api.resolve import Target

    method = "GET" if call.request.method == "HEAD" else call.request.method
    key = _key(rest)
    engine = call.state.webhooks
    now = to_millis(call.now())
    if method == "GET":
        if key is None:
            target = Target(
                subscriptions, None, "subscriptions", records=engine.rows(call.namespace_key, now)
            )
        else:
            target = Target(
                subscriptions, None, "subscriptions", row=_find(call, key, now), single=True, key=key
            )
        return call.get(target).response()
    if method == "POST" and key is None:
        return _create(call, now)
    if method == "PATCH" and key is not None:
        return _renew(call, _find(call, key, now))
    if method == "DELETE" and key is not None:
        return _delete(call, _find(call, key, now))
    raise errors.method_not_allowed(method, "subscriptions", "Collection" if key is None else "Entity")


def _key(rest: str) -> str | None:
    """The subscriptionId of ``subscriptions('{id}')`` (None for the collection). The key is a
    string, so OData wants it in single quotes, a quote inside doubled."""
    if rest == "subscriptions":
        return None
    match = _KEY.match(rest)
    text = match.group(1) if match else ""
    if not (len(text) >= 2 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", "")):
        raise errors.query_syntax(
            "A subscription is addressed by its subscriptionId in single quotes: subscriptions('{id}')."
        )
    return text[1:-1].replace("''", "'")


def _find(call: ApiCall, key: str, now: dt.datetime):
    row = call.state.webhooks.find(call.namespace_key, key, now)
    if row is None:
        raise errors.resource_not_found("subscriptions")
    return row


def _location(call: ApiCall, subscription_id: str) -> str:
    return f"{call.api_root}/subscriptions('{subscription_id.replace(chr(39), chr(39) * 2)}')"


def _values(call: ApiCall, creating: bool) -> dict:
    from bc_mock.api.views import _Body

    body = _Body.read(call.request).value()
    return writes.load_values(subscriptions, call.version, body, creating=creating)


def _create(call: ApiCall, now: dt.datetime) -> Response:
    values = _values(call, creating=True)
    subscription_id = values.get("subscriptionId") or uuid.uuid4().hex
    url = _notification_url(values.get("notificationUrl"))
    resource = values.get("resource") or ""
    target = _target(call, resource)
    engine = call.state.webhooks
    engine.check_room(call.namespace_key, subscription_id, now)
    _handshake(call, url, "created")
    now = to_millis(call.now())  # the handshake took time
    data = {
        "subscriptionId": subscription_id,
        "notificationUrl": url,
        "resource": resource,
        "timestamp": 0,
        "userId": BLANK_GUID,
        "lastModifiedDateTime": now,
        "clientState": values.get("clientState") or "",
        "expirationDateTime": now + LIFETIME,
        "systemCreatedAt": now,
        "systemCreatedBy": BLANK_GUID,
        "systemModifiedAt": now,
        "systemModifiedBy": BLANK_GUID,
    }
    row = engine.insert(call.namespace_key, data, target, now)
    payload = shape.entity_payload(call.api_root, "subscriptions", subscriptions, call.version, row)
    return _respond(payload, 201, {"Location": _location(call, subscription_id)}, odata=True)


def _renew(call: ApiCall, current) -> Response:
    check_if_match(call.request.headers.get("If-Match"), current, required=True)
    values = _values(call, creating=False)
    record = current.data
    given_id = values.get("subscriptionId")
    if given_id is not None and given_id != record["subscriptionId"]:
        raise errors.read_only("subscriptionId")
    url = _notification_url(values.get("notificationUrl", record["notificationUrl"]))
    resource = values.get("resource", record["resource"]) or ""
    target = _target(call, resource)
    _handshake(call, url, "renewed")
    now = to_millis(call.now())
    data = {
        **record,
        "notificationUrl": url,
        "resource": resource,
        "clientState": values.get("clientState", record["clientState"]),
        "lastModifiedDateTime": now,
        "expirationDateTime": now + LIFETIME,
        "systemModifiedAt": now,
    }
    row = call.state.webhooks.replace(call.namespace_key, current, data, target)
    payload = shape.entity_payload(call.api_root, "subscriptions", subscriptions, call.version, row)
    return _respond(payload, 200, {}, odata=False)


def _delete(call: ApiCall, current) -> Response:
    # BC needs If-Match to delete a subscription (unlike a company's records)
    check_if_match(call.request.headers.get("If-Match"), current, required=True)
    call.state.webhooks.remove(call.namespace_key, current)
    return _respond(None, 204, {}, odata=False)


def _respond(payload: dict | None, status: int, headers: dict, odata: bool) -> Response:
    from bc_mock.api.views import respond

    return respond(payload, status, headers, odata)


def _notification_url(value: object) -> str:
    url = value if isinstance(value, str) else ""
    if not url.strip():
        raise errors.BcError(
            400,
            "BadRequest_RequiredParamNotProvided",
            "Field 'notificationUrl' must not be blank or empty: it is where BC sends the handshake "
            "and the notifications.",
        )
    why = outbound.check_url(url)
    if why is not None:
        raise errors.bad_request(f"The notificationUrl '{errors.quoted(url)}' cannot be called: {why}.")
    return url


def _target(call: ApiCall, resource: str) -> tuple[str, str]:
    """(company id, entity set) of a subscription's resource, or BC's refusal."""
    if not resource.strip():
        raise errors.BcError(
            400,
            "BadRequest_RequiredParamNotProvided",
            "Field 'resource' must not be blank or empty: it names the entity set to be notified of, "
            "such as /api/v2.0/companies({id})/customers.",
        )
    match = _RESOURCE.match(resource.strip())
    if match is None:
        raise _unsupported(resource)
    version = match.group("version")
    set_name = match.group("set")
    entity = REGISTRY.get(set_name)
    if (version is not None and version != call.version) or entity is None or set_name not in WEBHOOK_SETS:
        raise _unsupported(resource)
    if not entity.company_scoped or call.version not in entity.top_level_versions:
        raise _unsupported(resource)
    company_id = parse_guid(match.group("company").strip())
    if company_id is None or company_id not in call.namespace.companies:
        raise errors.bad_request(
            f"The resource '{errors.quoted(resource)}' names no company of this environment: "
            f"companies({match.group('company')}) does not exist."
        )
    return company_id, set_name


def _unsupported(resource: str) -> errors.BcError:
    served = ", ".join(
        name
        for name in WEBHOOK_SETS
        if name in REGISTRY and REGISTRY[name].company_scoped and REGISTRY[name].top_level_versions
    )
    return errors.bad_request(
        f"The resource '{errors.quoted(resource)}' does not exist or does not support webhooks. A "
        "subscription's resource is an entity set of a company, in this API version, such as "
        f"/api/v2.0/companies({{id}})/customers; the sets that support webhooks here: {served}."
    )


def _handshake(call: ApiCall, url: str, done: str) -> None:
    passed, why = call.state.webhooks.handshake(call.namespace_key, url)
    if not passed:
        seconds = call.state.webhooks.handshake_timeout_s
        raise errors.bad_request(
            f"The subscription was not {done}: the notification URL failed the handshake: {why}. BC "
            f"POSTs to the notificationUrl with ?validationToken=<token> and needs the answer 200 with "
            f"the token as its whole body within {seconds:g} seconds."
        )
