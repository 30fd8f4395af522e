"""The OpenAPI 3 document of the BC API that bc_mock serves, generated from the registry.

``GET /_mock/openapi.json`` serves it. The entity sets, their properties (type, length,
read-only), methods and navigations come from the same ``EntitySet`` declarations that route
requests and load bodies, so the document cannot describe an endpoint that behaves otherwise.
apispec assembles the document; each property's JSON schema comes from its kind.

What it describes, for API v1.0 and v2.0:
* every URL shape under ``/api/<version>``: ``companies``, ``companies({id})``, each set
  under a company (collection, ``({id})``, ``/$count``), each navigation of a set's record
  (``customerPaymentJournals({id})/customerPayments``, ``.../account``), the same sets with
  ``?company={id}`` instead of the ``companies({id})`` segment, the service document,
  ``$metadata`` and ``$batch``;
* BC Online's roots (``/v2.0/{environment}`` and ``/v2.0/{tenant}/{environment}`` before
  ``/api/...``) as servers, so the paths are not repeated for each root;
* query options, If-Match and Prefer headers, request bodies (the writable properties;
  v2.0 also takes ``id`` on create), responses with their headers (request-id, Location), and
  BC's error body for every error status.

Microsoft publishes an OpenAPI contract for v1.0 only; this one is bc_mock's, for both.
"""

from __future__ import annotations

import functools

from apispec import APISpec

from bc_mock import __version__
from bc_mock.entities import REGISTRY, VERSIONS, Action, EntitySet, Navigation
from bc_mock.entities.kinds import Complex, Enum, Kind, Option
from bc_mock.odata.navigation import navigations

JSON = "application/json"
ODATA_JSON = "application/json; odata.metadata=minimal; odata.streaming=true"

ERROR_STATUSES = {
    "400": "Bad request: a malformed URL, query option, body or ETag, or a refusal of BC's business logic.",
    "401": "No Authorization header (only with --require-auth).",
    "404": "No such URL, company or record.",
    "405": "The method is not allowed on this resource.",
    "409": "The record changed since its ETag was read, or a record with the same key exists.",
    "413": "The body is larger than the server's limit (--max-body).",
    "415": "The body is not declared as application/json.",
    "429": "Too many requests (--rate-limit, or an injected fault).",
}

LIST_OPTIONS = {
    "filter": ("$filter", {"type": "string"}, "An OData filter, e.g. `journalId eq {id}`."),
    "select": ("$select", {"type": "string"}, "Comma-separated properties to return."),
    "expand": ("$expand", {"type": "string"}, "Comma-separated navigations, with nested options."),
    "orderby": ("$orderby", {"type": "string"}, "Comma-separated properties, each `asc` or `desc`."),
    "top": ("$top", {"type": "integer", "format": "int64", "minimum": 0}, "At most this many records."),
    "skip": ("$skip", {"type": "integer", "format": "int64", "minimum": 0}, "Skip this many records."),
    "count": ("$count", {"type": "boolean"}, "Add `@odata.count`, the number of matching records."),
    "skiptoken": ("$skiptoken", {"type": "string"}, "The position of the next page (from a nextLink)."),
    "schemaversion": (
        "$schemaversion",
        {"type": "string"},
        "BC's schema version switch; accepted, no effect.",
    ),
}
LIST_PARAMS = tuple(LIST_OPTIONS)
ENTITY_PARAMS = ("select", "expand", "schemaversion")


@functools.cache
def document() -> dict:
    """The whole document as a JSON-ready dict (built once per process: the registry is fixed)."""
    spec = APISpec(
        title="Dynamics 365 Business Central API (bc_mock)",
        version=__version__,
        openapi_version="3.0.3",
        info={
            "description": "The BC API endpoints bc_mock emulates: customer payment journals, their "
            "payments, and the companies, G/L accounts, customers and sales invoices they refer to. "
            'Errors are BC\'s `{"error": {"code", "message"}}`.'
        },
        servers=[
            {"url": "/", "description": "On-premises style root: /api/<version>"},
            {
                "url": "/v2.0/{environment}",
                "description": "BC Online without a tenant",
                "variables": {"environment": {"default": "production"}},
            },
            {
                "url": "/v2.0/{tenant}/{environment}",
                "description": "BC Online with a tenant",
                "variables": {"tenant": {"default": "default"}, "environment": {"default": "production"}},
            },
        ],
        security=[{}, {"bearer": []}, {"basic": []}],
    )
    _components(spec)
    for version in VERSIONS:
        _Paths(spec, version).add_all()
    return spec.to_dict()


# --- components -----------------------------------------------------------------------------------


def _components(spec: APISpec) -> None:
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    spec.components.schema(
        "Error",
        {
            "type": "object",
            "description": "BC's error body; the message ends with `  CorrelationId:  <guid>.`",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
    )
    for status, description in ERROR_STATUSES.items():
        spec.components.response(f"Error{status}", _error_response(description))
    spec.components.response("Error", _error_response("Any other failure (an injected fault, say)."))
    for key, (name, schema, description) in LIST_OPTIONS.items():
        spec.components.parameter(key, "query", {"name": name, "schema": schema, "description": description})
    spec.components.parameter(
        "company",
        "query",
        {
            "name": "company",
            "required": True,
            "schema": {"type": "string"},
            "description": "The company's id (or name), instead of a companies({id}) segment.",
        },
    )
    spec.components.parameter(
        "prefer",
        "header",
        {
            "name": "Prefer",
            "schema": {"type": "string"},
            "description": "`odata.maxpagesize=N` (lists), `return-no-content` (POST).",
        },
    )
    for version in VERSIONS:
        for entity in REGISTRY.values():
            _entity_schemas(spec, entity, version)
    _batch_schemas(spec)


def _error_response(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": "Error"}}}


def kind_schema(kind: Kind, version: str, reading: bool = False, max_length: int | None = None) -> dict:
    """The JSON schema of one property's values, as ``version`` writes them (``reading``: as it
    reads them, which for enums is also the other form); ``max_length`` as the property declares it."""
    if isinstance(kind, Complex):
        members = {
            name: kind_schema(m, version, reading, m.max_length if kind.declare_lengths else None)
            for name, m in kind.members.items()
        }
        one = {"type": "object", "additionalProperties": False, "properties": members}
        return {"type": "array", "items": one} if kind.many else one
    if isinstance(kind, Enum):
        written = [kind.dump_for(version, value) for value in kind.values]
        schema: dict[str, object] = {
            "type": "string",
            "enum": list(dict.fromkeys(written + list(kind.values) if reading else written)),
        }
        if version == "v2.0":
            schema["title"] = f"Microsoft.NAV.{kind.type_name}"  # BC's EnumType, as $metadata declares it
        return schema
    if isinstance(kind, Option):
        return {"type": "string", "enum": list(kind.captions)}
    schema = dict(kind.json_schema)
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def schema_name(entity: EntitySet, version: str, suffix: str = "") -> str:
    return f"{entity.type_name}{suffix}-{version}"


def _writable(entity: EntitySet, version: str, creating: bool) -> list:
    return [prop for prop in entity.props_for(version) if prop.client_writable(version, creating)]


def _entity_schemas(spec: APISpec, entity: EntitySet, version: str) -> None:
    properties: dict = {"@odata.context": {"type": "string"}}
    if entity.etag:
        properties["@odata.etag"] = {"type": "string"}
    for prop in entity.props_for(version):
        schema = kind_schema(prop.kind, version, max_length=prop.declared_length(version))
        if prop.read_only:
            schema["readOnly"] = True
        if prop.description:
            schema["description"] = prop.description
        properties[prop.name] = schema
    for nav in navigations(entity, version):
        target = {"$ref": f"#/components/schemas/{schema_name(REGISTRY[nav.target], version)}"}
        if nav.many:
            properties[nav.name] = {"type": "array", "items": target, "readOnly": True}
            properties[f"{nav.name}@odata.count"] = {"type": "integer", "readOnly": True}
        else:  # null when the reference is blank
            properties[nav.name] = {"allOf": [target], "nullable": True, "readOnly": True}
    spec.components.schema(
        schema_name(entity, version),
        {
            "type": "object",
            "description": entity.description,
            **({"required": ["@odata.etag"]} if entity.etag else {}),
            "additionalProperties": False,
            "properties": properties,
        },
    )
    spec.components.schema(
        schema_name(entity, version, "s"),
        {
            "type": "object",
            "required": ["@odata.context", "value"],
            "additionalProperties": False,
            "properties": {
                "@odata.context": {"type": "string"},
                "@odata.count": {"type": "integer"},
                "value": {"type": "array", "items": schema_name(entity, version)},
                "@odata.nextLink": {"type": "string"},
            },
        },
    )
    if "POST" in entity.methods or "PATCH" in entity.methods:
        for suffix, creating in (("-create", True), ("-update", False)):
            props = _writable(entity, version, creating)
            spec.components.schema(
                schema_name(entity, version, suffix),
                {
                    "type": "object",
                    "additionalProperties": False,
                    # null means "not given" on create, and "blank" on update, as BC reads it
                    "properties": {
                        p.name: {
                            **kind_schema(p.kind, version, True, p.declared_length(version)),
                            "nullable": True,
                        }
                        for p in props
                    },
                },
            )


def _batch_schemas(spec: APISpec) -> None:
    spec.components.schema(
        "BatchRequest",
        {
            "type": "object",
            "required": ["requests"],
            "properties": {
                "requests": {
                    "type": "array",
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "required": ["method", "url"],
                        "properties": {
                            "id": {"type": "string"},
                            "method": {"type": "string", "enum": ["GET", "POST", "PATCH", "DELETE"]},
                            "url": {"type": "string", "description": "Relative to the API root."},
                            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                            "body": {"type": "object"},
                            "dependsOn": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                }
            },
        },
    )
    spec.components.schema(
        "BatchResponse",
        {
            "type": "object",
            "required": ["responses"],
            "additionalProperties": False,
            "properties": {
                "responses": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "status", "headers"],
                        "properties": {
                            "id": {"type": "string", "nullable": True},
                            "status": {"type": "integer"},
                            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                            "body": {},
                        },
                    },
                }
            },
        },
    )


# --- paths ----------------------------------------------------------------------------------------


def _errors(*statuses: str) -> dict:
    responses = {status: f"Error{status}" for status in ("400", "401", "404", "413", "429", *statuses)}
    responses["default"] = "Error"
    return responses


def _bc_headers() -> dict:
    """The headers BC sends with every answer (recorded, BC 25.4); the ETag travels in the body."""
    return {
        "request-id": {"schema": {"type": "string", "format": "uuid"}, "required": True},
        "Cache-Control": {"schema": {"type": "string", "enum": ["no-cache, no-store"]}, "required": True},
    }


class _Paths:
    """The paths of one API version, walked from ``companies`` through the registry."""

    def __init__(self, spec: APISpec, version: str):
        self.spec = spec
        self.version = version
        self.root = f"/api/{version}"

    def add_all(self) -> None:
        self._service()
        companies = REGISTRY["companies"]
        company_key = self._key_param("companyId", companies)
        self._collection(f"{self.root}/companies", companies, [], "companies")
        company_path = f"{self.root}/companies({{companyId}})"
        self._record(company_path, companies, [company_key], "company")
        for nav in navigations(companies, self.version):
            entity = REGISTRY[nav.target]
            self._set(f"{company_path}/{nav.name}", entity, [company_key], nav.name)
            self._set(
                f"{self.root}/{nav.name}",
                entity,
                ["company"],
                f"{nav.name}-by-company-parameter",
                follow=False,
            )
        self._subscriptions()

    def _subscriptions(self) -> None:
        """The webhook subscriptions, at the root: their key is a string, quoted in the URL."""
        subscriptions = REGISTRY["subscriptions"]
        self._collection(f"{self.root}/subscriptions", subscriptions, [], "subscriptions")
        key = {
            "name": "subscriptionId",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "maxLength": 150},
            "description": "The subscription's id; the URL quotes it: subscriptions('{subscriptionId}').",
        }
        self._record(f"{self.root}/subscriptions('{{subscriptionId}}')", subscriptions, [key], "subscription")

    def _set(self, path: str, entity: EntitySet, params: list, op_name: str, follow: bool = True) -> None:
        """A set's collection, its records by key, their $count, and (``follow``) navigations."""
        self._collection(path, entity, params, op_name)
        self._count(f"{path}/$count", entity, params, op_name)
        key = self._key_param(f"{entity.type_name}Id", entity)
        record_path = f"{path}({{{key['name']}}})"
        self._record(record_path, entity, [*params, key], op_name)
        for action in entity.actions_for(self.version):
            self._action(f"{record_path}/Microsoft.NAV.{action.name}", action, [*params, key], op_name)
        if not follow:
            return
        for nav in entity.navigations_for(self.version):
            self._navigation(f"{record_path}/{nav.name}", nav, [*params, key], f"{op_name}-{nav.name}")

    def _navigation(self, path: str, nav: Navigation, params: list, op_name: str) -> None:
        target = REGISTRY[nav.target]
        if nav.many:
            self._set(path, target, params, op_name, follow=False)
            return
        self._get_path(
            path,
            params,
            op_name,
            "get",
            f"The {target.type_name} this record refers to (204 when it refers to none).",
            self._params(*ENTITY_PARAMS),
            {
                "200": self._entity_response(target, "The record."),
                "204": {"description": "The reference is blank."},
            },
        )

    def _get_path(
        self, path: str, params: list, op_name: str, action: str, summary: str, query: list, ok: dict
    ) -> None:
        """A path that only answers GET: ``ok`` are its answers besides BC's errors."""
        operation = self._op(op_name, action, summary, query, {**ok, **_errors()})
        self.spec.path(path=path, parameters=params, operations={"get": operation})

    def _service(self) -> None:
        service_document = {
            "type": "object",
            "required": ["value"],
            "properties": {
                "@odata.context": {"type": "string"},
                "value": {"type": "array", "items": {"type": "object"}},
            },
        }
        self._get_path(
            f"{self.root}/",
            [],
            "service",
            "get",
            "The service document: the entity sets at the root.",
            [],
            {
                "200": {
                    "description": "The service document.",
                    "content": {JSON: {"schema": service_document}},
                }
            },
        )
        self._get_path(
            f"{self.root}/$metadata",
            [],
            "metadata",
            "get",
            "The CSDL document (EDMX 4.0) of this version.",
            [],
            {
                "200": {
                    "description": "The metadata document.",
                    "content": {"application/xml": {"schema": {"type": "string"}}},
                }
            },
        )
        batch_response = {
            "description": "One response per operation run.",
            "content": {JSON: {"schema": "BatchResponse"}},
        }
        self.spec.path(
            path=f"{self.root}/$batch",
            operations={
                "post": self._op(
                    "batch",
                    "post",
                    "Up to 100 operations in one request (OData JSON batch).",
                    [
                        {
                            "name": "Isolation",
                            "in": "header",
                            "schema": {"type": "string", "enum": ["snapshot"]},
                            "description": "`snapshot`: all operations or none.",
                        },
                        "prefer",
                    ],
                    {"200": batch_response, **_errors("415")},
                    body="BatchRequest",
                )
            },
        )

    def _collection(self, path: str, entity: EntitySet, params: list, op_name: str) -> None:
        operations = {
            "get": self._op(
                op_name,
                "list",
                f"List {entity.name}.",
                [*self._params(*LIST_PARAMS, *ENTITY_PARAMS), "prefer"],
                {
                    "200": {
                        "description": "A page of records.",
                        "content": {ODATA_JSON: {"schema": schema_name(entity, self.version, "s")}},
                    },
                    **_errors(),
                },
            )
        }
        if "POST" in entity.methods:
            operations["post"] = self._op(
                op_name,
                "create",
                f"Create a record of {entity.name}.",
                ["prefer"],
                {
                    "201": self._entity_response(entity, "The created record.", location=True),
                    "204": {
                        "description": "Created (with `Prefer: return-no-content`).",
                        "headers": {"Location": {"schema": {"type": "string"}, "required": True}},
                    },
                    **_errors("409", "415"),
                },
                body=schema_name(entity, self.version, "-create"),
            )
        self.spec.path(path=path, parameters=params, operations=operations)

    def _count(self, path: str, entity: EntitySet, params: list, op_name: str) -> None:
        self._get_path(
            path,
            params,
            op_name,
            "count",
            f"The number of matching {entity.name}, as plain text.",
            self._params("filter", "schemaversion"),
            {
                "200": {
                    "description": "The count.",
                    "content": {"text/plain": {"schema": {"type": "string", "pattern": "^[0-9]+$"}}},
                }
            },
        )

    def _record(self, path: str, entity: EntitySet, params: list, op_name: str) -> None:
        operations = {
            "get": self._op(
                op_name,
                "get",
                f"One record of {entity.name}.",
                self._params(*ENTITY_PARAMS),
                {"200": self._entity_response(entity, "The record."), **_errors()},
            )
        }
        if_match = {
            "name": "If-Match",
            "in": "header",
            "schema": {"type": "string"},
            "description": "The record's ETag (from @odata.etag), or `*`.",
        }
        if "PATCH" in entity.methods:
            operations["patch"] = self._op(
                op_name,
                "update",
                f"Change a record of {entity.name}: only the properties given.",
                [{**if_match, "required": True}],
                {
                    "200": self._entity_response(entity, "The changed record.", plain=True),
                    **_errors("409", "415"),
                },
                body=schema_name(entity, self.version, "-update"),
            )
        if "DELETE" in entity.methods:
            operations["delete"] = self._op(
                op_name,
                "delete",
                f"Delete a record of {entity.name}.",
                [if_match],
                {"204": {"description": "Deleted."}, **_errors("409")},
            )
        self.spec.path(path=path, parameters=params, operations=operations)

    def _action(self, path: str, action: Action, params: list, op_name: str) -> None:
        """A record's bound action: POST with an empty body (or ``{}``), 204 with none."""
        operation = self._op(
            op_name,
            action.name,
            action.description,
            [],
            {"204": {"description": "Done; no body."}, **_errors("415")},
        )
        operation["requestBody"] = {
            "required": False,
            "content": {JSON: {"schema": {"type": "object", "additionalProperties": False}}},
        }
        self.spec.path(path=path, parameters=params, operations={"post": operation})

    # --- pieces ---

    def _op(self, op_name: str, action: str, summary: str, params: list, responses: dict, body=None) -> dict:
        operation = {
            "operationId": f"{self.version}-{op_name}-{action}",
            "tags": [f"API {self.version}"],
            "summary": summary,
            "parameters": params,
            "responses": responses,
        }
        if body is not None:
            operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
        return operation

    def _entity_response(
        self, entity: EntitySet, description: str, location: bool = False, plain: bool = False
    ) -> dict:
        """An answer of one record: OData's media type, or plain JSON (``plain``: a PATCH's, as BC's)."""
        headers = _bc_headers()
        if location:
            headers["Location"] = {"schema": {"type": "string"}, "required": True}
        return {
            "description": description,
            "headers": headers,
            "content": {JSON if plain else ODATA_JSON: {"schema": schema_name(entity, self.version)}},
        }

    @staticmethod
    def _params(*keys: str) -> list:
        return list(keys)

    @staticmethod
    def _key_param(name: str, entity: EntitySet) -> dict:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
            "description": f"The id of a {entity.type_name}.",
        }
