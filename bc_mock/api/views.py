"""The BC API blueprint: every URL root, one dispatcher built on the registry."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.sansio.utils import get_current_url

from bc_mock import errors, jsonio
from bc_mock.api import batch
from bc_mock.api.resolve import (
    ACTION_PREFIX,
    Target,
    resolve,
    split_action,
    split_segments,
    with_company,
)
from bc_mock.entities import VERSIONS, writes
from bc_mock.entities.rules import CompanyView
from bc_mock.limits import check_json_body
from bc_mock.odata import metadata, paging, shape
from bc_mock.odata.etag import check_if_match
from bc_mock.odata.navigation import Scope
from bc_mock.odata.query import parse_query
from bc_mock.odata.render import Renderer, selection
from bc_mock.store import TooManyNamespaces
from bc_mock.tenants import check_environment, check_tenant
from bc_mock.wsgi_request import BcRequest, request_proxy

bp = Blueprint("bc_api", __name__)

# characters a nextLink's query keeps as they are, for a readable link
NEXT_LINK_SAFE = "$(),'/:"

# what BC (25.4, recorded) answers GETs and POSTs with; PATCHes, DELETEs and errors get plain JSON
# and no OData-Version (recorded too)
ODATA_JSON = "application/json; odata.metadata=minimal; odata.streaming=true"
PLAIN_JSON = "application/json"
METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "MERGE"]

# The roots BC serves the API under: on-prem style, and BC Online's with and without tenant.
ROOTS = {
    "root": ("/api/<version>", {"tenant": "default", "environment": "production"}),
    "env_root": ("/v2.0/<environment>/api/<version>", {"tenant": "default"}),
    "tenant_root": ("/v2.0/<tenant>/<environment>/api/<version>", {}),
}


def _serve(version: str, rest: str = "", tenant: str = "default", environment: str = "production"):
    state = current_app.extensions["bc_mock"]
    if version not in VERSIONS:
        raise errors.not_found_url(request.url)
    if state.entra is not None:  # --auth entra: a valid token of the token service, as BC Online
        state.entra.authorize(
            request.headers.get("Authorization"), tenant, _host_url(request.scheme, request.host)
        )
    elif state.settings.require_auth and not _authorized():
        raise errors.unauthorized()
    check_tenant(tenant)
    check_environment(environment)
    try:
        api = ApiCall(state, version, tenant, environment, rest)
    except TooManyNamespaces as full:
        raise errors.BcError(
            400,
            "BadRequest",
            f"bc_mock holds at most {full.limit} tenant environments at once (--max-tenants): free "
            "the ones a test run is done with, POST /_mock/reset?tenant=NAME.",
        ) from None
    return api.handle()


for _name, (_rule, _defaults) in ROOTS.items():
    # no automatic OPTIONS answer (Flask's is an empty HTML page): OPTIONS is a 405 in BC's format
    options: dict[str, Any] = {"methods": METHODS, "defaults": _defaults, "provide_automatic_options": False}
    bp.add_url_rule(_rule, f"{_name}_service", _serve, **options)
    bp.add_url_rule(f"{_rule}/", f"{_name}_service_slash", _serve, **options)
    bp.add_url_rule(f"{_rule}/<path:rest>", _name, _serve, **options)


def _authorized() -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() in ("bearer", "basic") and bool(credentials.strip())


@functools.lru_cache(maxsize=64)
def _host_url(scheme: str, host: str) -> str:
    """``request.host_url`` without its trailing slash. Werkzeug builds it again for every
    request (IRI decoding included), a tenth of a GET's time; a server sees few hosts."""
    return get_current_url(scheme, host).rstrip("/")


class _OwnHeaders(Headers):
    """Headers that bc_mock writes itself, taken as they are.

    werkzeug checks every header value it is given for line breaks, half the cost of building
    a response; these values are bc_mock's own (ETags, media types, URLs of the request, which
    the HTTP server has already parsed), so there is nothing to check.
    """

    def __init__(self, items: list[tuple[str, str]]):
        self._list = items  # werkzeug's own storage of a Headers' items


def respond(
    payload: dict | None, status: int = 200, headers: dict | None = None, odata: bool = True
) -> Response:
    """An answer as BC sends it: ``odata`` for GET and POST (OData's media type and version header),
    plain JSON for PATCH; no Content-Type without a body."""
    header_list = []
    if payload is not None:
        header_list.append(("Content-Type", ODATA_JSON if odata else PLAIN_JSON))
    if odata:
        header_list.append(("OData-Version", "4.0"))
    if headers:
        header_list.extend(headers.items())
    if payload is None:
        response = Response(b"", status, _OwnHeaders(header_list))
        del response.headers["Content-Type"]  # werkzeug's default (text/html): BC sends none
        return response
    # the body and its Content-Length set here, last as werkzeug's set_data would set it, rather
    # than through set_data's Headers.set (a scan of the list and a check of the value)
    body = jsonio.dumps(payload).encode("utf-8")
    header_list.append(("Content-Length", str(len(body))))
    response = _JsonResponse(None, status, _OwnHeaders(header_list))
    response.response = [body]
    return response


class _JsonResponse(Response):
    """An answer with a JSON body and only bc_mock's own headers (see _OwnHeaders), sent without
    werkzeug's second look at them.

    werkzeug copies an answer's headers for the server, checking every value again (they were
    checked, or were bc_mock's own, as they were added), and looks for a Location to make
    absolute, a Content-Location to quote, a status without a body: a tenth of the cost of
    sending a simple GET's answer. For a 2xx answer with a body, a Content-Length and neither
    Location header, its copy is the same list: copied here as it is. Any other answer is
    werkzeug's to prepare.
    """

    def get_wsgi_headers(self, environ: Any) -> Headers:
        status = self.status_code
        if 200 <= status < 300 and status != 204 and isinstance(self.headers, Headers):
            items = self.headers._list
            sized = False
            for name, _ in items:
                lower = name.lower()
                if lower == "location" or lower == "content-location":
                    break
                sized = sized or lower == "content-length"
            else:
                if sized:
                    return _OwnHeaders(list(items))
        return super().get_wsgi_headers(environ)


@dataclass
class Answer:
    """An answer built under the store's lock, serialised (``response``) after it is released."""

    payload: dict | None
    status: int = 200
    headers: dict | None = None
    odata: bool = True  # GET and POST; PATCH and DELETE answer plain (see respond)

    def response(self) -> Response:
        return respond(self.payload, self.status, self.headers, self.odata)


class _RequestUrl:
    """The request's URL in an error message: built only if an error names it."""

    __slots__ = ("_request",)

    def __init__(self, req: BcRequest):
        self._request = req

    def __str__(self) -> str:
        return self._request.url


class ApiCall:
    """One request to the BC API: where it points and what it asks."""

    def __init__(self, state, version: str, tenant: str, environment: str, rest: str):
        self.state = state
        self.store = state.store
        self.version = version
        self.tenant, self.environment = tenant, environment
        self.namespace = state.store.namespace(tenant, environment)
        self.rest = rest
        self.body = _Body(None, None)  # a write's body, read by handle() before the lock
        # the request itself, not Flask's proxy: each proxied access costs, on every request
        self.request = req = request_proxy._get_current_object()
        path = req.path
        root_end = path.find(f"/api/{version}") + len(f"/api/{version}")
        self.api_root = _host_url(req.scheme, req.host) + path[:root_end]

    def handle(self) -> Response:
        rest = self.rest.strip("/")
        if not rest:
            return self.service_document()
        if rest in ("$metadata", "$batch"):
            return self.metadata() if rest == "$metadata" else self.batch()
        if rest.partition("(")[0] == "subscriptions":
            from bc_mock.webhooks import api as subscriptions_api  # loads with the first subscription

            return subscriptions_api.handle(self, rest)
        req = self.request
        url = _RequestUrl(req)
        path, action = split_action(self.rest)
        if action is not None:
            return self.bound_action(path, action, url)
        segments = split_segments(self.rest, url)
        company = req.args.get("company") if req.query_string else None  # parsing even "" costs
        segments = with_company(segments, company, self.namespace, url)
        method = "GET" if req.method == "HEAD" else req.method  # HEAD: a GET without its body
        if segments[-1] == ("$count", None):
            if method != "GET" or len(segments) < 2:
                raise errors.not_found_url(url)
            with self.store.lock:
                return self.count(resolve(self.namespace, self.version, segments[:-1], url))
        # The store's lock is held only to read and change data: a body is parsed before it is
        # taken (its errors are raised where they were, below) and an answer serialised after.
        if method == "GET":
            # reads take the store's lock too: they never see a write (or a snapshot $batch) half done
            with self.store.lock:
                answer = self.get(resolve(self.namespace, self.version, segments, url))
            return answer.response()
        if method in ("POST", "PATCH", "DELETE"):
            self.body = _Body.read(req) if method != "DELETE" else _Body(None, None)
            with self.store.transaction() as tx:
                target = resolve(self.namespace, self.version, segments, url)
                self.check_method(target, method)
                assert target.company is not None  # check_method: only a company's sets take writes
                view = CompanyView(target.company, tx, self.version, self.now())
                answer = getattr(self, method.lower())(target, view)
            return answer.response()
        target = resolve(self.namespace, self.version, segments, url)
        raise self.not_allowed(target, method)

    def bound_action(self, path: str, name: str, url: _RequestUrl) -> Response:
        """``POST .../journals({id})/Microsoft.NAV.post``: the record's action, in one transaction;
        204 with no body (BC's answer to an action that returns nothing), or BC's error and no change."""
        req = self.request
        segments = split_segments(path, url)
        company = req.args.get("company") if req.query_string else None
        segments = with_company(segments, company, self.namespace, url)
        body = _Body.read(req) if req.get_data() else _Body({}, None)
        with self.store.transaction() as tx:
            target = resolve(self.namespace, self.version, segments, url)
            action = target.entity.action(self.version, name) if target.single else None
            if action is None or target.row is None or target.company is None:
                raise errors.not_found_url(url)
            if req.method != "POST":
                raise errors.method_not_allowed(req.method, f"{ACTION_PREFIX}{name}", "Action")
            unknown = next(iter(body.value()), None)  # an action without parameters takes {} or nothing
            if unknown is not None:
                raise errors.bad_request(
                    f"The parameter '{errors.quoted(unknown)}' in the request payload is not a valid "
                    f"parameter for the operation '{name}'."
                )
            action.run(CompanyView(target.company, tx, self.version, self.now()), target.row.data)
        return respond(None, 204, odata=False)

    @property
    def namespace_key(self) -> tuple[str, str]:
        return self.tenant.lower(), self.environment.lower()

    def now(self):
        """The time on the clock of this request's tenant (see clock.py)."""
        return self.state.clocks.now(self.tenant)

    # --- reads -----------------------------------------------------------

    def service_document(self) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise errors.not_found_url(request.url)
        sets = [{"name": name, "kind": "EntitySet", "url": name} for name in ("companies", "subscriptions")]
        return respond({"@odata.context": f"{self.api_root}/$metadata", "value": sets})

    def metadata(self) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise errors.not_found_url(request.url)
        response = Response(metadata.document(self.version), content_type="application/xml")
        response.headers["OData-Version"] = "4.0"
        return response

    def batch(self) -> Response:
        if request.method != "POST":
            raise errors.not_found_url(request.url)
        return respond(batch.run(self.store, self.api_root))

    def get(self, target: Target) -> Answer:
        entity = target.entity
        query = parse_query(self.request.args if self.request.query_string else {}, entity, self.version)
        renderer = Renderer(self.version, Scope(self.namespace, target.company))
        context = shape.context_url(self.api_root, target.context + selection(query))
        if target.single:
            if target.row is None:  # a single-valued navigation with nothing behind it
                return Answer(None, 204)
            payload = {"@odata.context": f"{context}/$entity", **renderer.record(entity, target.row, query)}
            return Answer(payload)
        rows = self._matching(target, query)
        prefer = request.headers.get("Prefer")
        size, applied = paging.requested_page_size(prefer, self.state.settings.page_size)
        page = paging.take_page(rows, entity, query, size)
        payload = {"@odata.context": context}
        if query.count:
            payload["@odata.count"] = len(rows)
        payload["value"] = renderer.records(entity, page.rows, query)
        if page.next_position is not None:
            payload["@odata.nextLink"] = self._next_link(page.next_position, page.top_left)
        headers = {"Preference-Applied": f"odata.maxpagesize={applied}"} if applied else {}
        return Answer(payload, headers=headers)

    def count(self, target: Target) -> Response:
        """``.../customerPaymentJournals/$count``: the number of matching records, as plain text."""
        if target.single:
            raise errors.not_found_url(request.url)
        query = parse_query(request.args, target.entity, self.version)
        response = Response(str(len(self._matching(target, query))), content_type="text/plain")
        response.headers["OData-Version"] = "4.0"
        return response

    def _matching(self, target: Target, query) -> list:
        target.entity.rules.check_list(target.parent, query.equalities)
        return [row for row in self._rows(target, query.equalities) if query.matches(row.data)]

    @staticmethod
    def _next_link(position: str, top: int | None) -> str:
        """This request's URL with the next page's $skiptoken (and what is left of $top)."""
        args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("$skiptoken", "$skip", "$top")]
        if top is not None:
            args.append(("$top", str(top)))
        args.append(("$skiptoken", position))
        return f"{request.base_url}?{urlencode(args, quote_via=quote, safe=NEXT_LINK_SAFE)}"

    def _rows(self, target: Target, equalities: dict) -> list:
        if target.records is not None:  # a tenant-level set's, found by whoever made the target
            return target.records
        if target.entity.name == "companies":
            rows = [company.row for company in list(self.namespace.companies.values())]
        else:
            # a navigation's records (a journal's payments) come from the table's index
            link = {target.link[0]: target.link[1]} if target.link else {}
            assert target.company is not None  # every set but companies is a company's
            listed = target.entity.rules.listed(target.company, equalities) if not link else None
            rows = (
                listed if listed is not None else target.company.tables[target.entity.name].matching(**link)
            )
        return [row for row in rows if target.belongs(self.version, row.data)]

    # --- writes ----------------------------------------------------------

    def check_method(self, target: Target, method: str) -> None:
        allowed = target.entity.methods
        if method not in allowed or (method == "POST") == target.single:
            raise self.not_allowed(target, method)
        if target.single and target.row is None:
            raise errors.not_found_url(request.url)

    def not_allowed(self, target: Target, method: str) -> errors.BcError:
        kind = "Entity" if target.single else "Collection"
        return errors.method_not_allowed(method, target.entity.name, kind)

    def post(self, target: Target, view: CompanyView) -> Answer:
        entity = target.entity
        row = writes.create(entity, view, self.body.value(), target.parent)
        location = f"{self.api_root}/{target.context}({entity.key_text(row.data)})"
        if "return-no-content" in request.headers.get("Prefer", ""):
            return Answer(
                None,
                204,
                {"Preference-Applied": "return-no-content", "Location": location, "OData-EntityId": location},
            )
        payload = shape.entity_payload(self.api_root, target.context, entity, self.version, row)
        return Answer(payload, 201, {"Location": location})

    def patch(self, target: Target, view: CompanyView) -> Answer:
        assert target.row is not None  # check_method refused a missing record
        check_if_match(request.headers.get("If-Match"), target.row, required=True)
        row = writes.update(target.entity, view, target.row.data, self.body.value(), target.parent)
        payload = shape.entity_payload(self.api_root, target.context, target.entity, self.version, row)
        return Answer(payload, 200, odata=False)

    def delete(self, target: Target, view: CompanyView) -> Answer:
        assert target.row is not None  # check_method refused a missing record
        check_if_match(request.headers.get("If-Match"), target.row, required=False)
        writes.delete(target.entity, view, target.row.data)
        return Answer(None, 204, odata=False)


@dataclass
class _Body:
    """A write's JSON body, parsed before the store's lock is taken; a body BC refuses is
    refused only when the write reaches it (after the URL and the method are judged)."""

    parsed: dict | None
    error: errors.BcError | None

    @classmethod
    def read(cls, req) -> _Body:
        try:
            check_json_body()
            body = jsonio.loads_body(req.get_data())
            if not isinstance(body, dict):
                raise errors.invalid_body()
        except errors.BcError as error:
            return cls(None, error)
        return cls(body, None)

    def value(self) -> dict:
        if self.error is not None:
            raise self.error
        assert self.parsed is not None
        return self.parsed
