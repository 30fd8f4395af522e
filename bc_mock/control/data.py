"""What the store holds, for people to look at (``GET /_mock/data...``, the dashboard's data view).

Read only: looking never makes a namespace. A (tenant, environment) that no request has used
yet is shown as what it would hold, the seed. Records are read as the BC API reads them, in
API v2.0: the same visibility rules, query options (``$filter``, ``$orderby``, ``$select``,
``$expand``, ``$top``, ``$skip``), order and rendering (``Renderer``), so each record is
exactly what a GET of its set answers; the one difference is that a set BC lists only through
a filter (company-level ``customerPayments`` needs ``journalId eq ...``) is listed whole.
"""

from __future__ import annotations

from collections.abc import Mapping

from bc_mock import errors
from bc_mock.entities import COMPANY_SETS, REGISTRY, served_in
from bc_mock.entities.kinds import parse_guid
from bc_mock.odata.navigation import Scope
from bc_mock.odata.paging import ordered, take_page
from bc_mock.odata.query import parse_query
from bc_mock.odata.render import Renderer
from bc_mock.store import Company, Namespace, Store
from bc_mock.tenants import check_environment, check_tenant

VERSION = "v2.0"
DEFAULT_TOP = 50  # records a page holds when $top is not given
MAX_TOP = 1000  # and at most, whatever $top says: a page is for a person to read
# the sets a client of API v2.0 can read (not the fixture-only ones, such as posting groups)
DATA_SETS = tuple(name for name in COMPANY_SETS if served_in(REGISTRY[name], VERSION))


def namespaces(store: Store) -> dict:
    """The (tenant, environment) pairs holding data, sorted."""
    return {"value": [{"tenant": t, "environment": e} for t, e in store.namespace_keys()]}


def overview(store: Store, tenant: str, environment: str) -> dict:
    """The companies of a (tenant, environment), each set with how many records it lists."""
    namespace, in_use = _namespace(store, tenant, environment)
    companies = []
    with store.lock:
        for row in ordered([c.row for c in namespace.companies.values()], REGISTRY["companies"], ()):
            company = namespace.companies[row.data["id"]]
            sets = [{"name": name, "count": len(_visible(company, name))} for name in DATA_SETS]
            companies.append(
                {
                    "id": company.id,
                    "name": row.data["name"],
                    "displayName": row.data["displayName"],
                    "sets": sets,
                }
            )
    return {"tenant": tenant, "environment": environment, "inUse": in_use, "companies": companies}


def records(
    store: Store, tenant: str, environment: str, company_key: str, set_name: str, args: Mapping[str, str]
) -> dict:
    """A page of a company's set, rendered as the API renders it; ``count``: all that match."""
    namespace, in_use = _namespace(store, tenant, environment)
    entity = REGISTRY.get(set_name)
    if entity is None or set_name not in DATA_SETS:
        raise errors.BcError(404, "BadRequest_NotFound", f"There is no entity set '{set_name}'.")
    query = parse_query(args, entity, VERSION)
    top = min(DEFAULT_TOP if query.top is None else query.top, MAX_TOP)
    with store.lock:
        company = _company(namespace, company_key)
        rows = [row for row in _visible(company, set_name) if query.matches(row.data)]
        page = take_page(rows, entity, query, top)
        value = Renderer(VERSION, Scope(namespace, company)).records(entity, page.rows, query)
    return {
        "tenant": tenant,
        "environment": environment,
        "inUse": in_use,
        "company": company.id,
        "set": set_name,
        "count": len(rows),
        "skip": query.skip or 0,
        "top": top,
        "value": value,
    }


def _namespace(store: Store, tenant: str, environment: str) -> tuple[Namespace, bool]:
    check_tenant(tenant)
    check_environment(environment)
    namespace = store.existing_namespace(tenant, environment)
    return (store.seed_view(), False) if namespace is None else (namespace, True)


def _company(namespace: Namespace, key: str) -> Company:
    company_id = parse_guid(key.strip())
    company = namespace.companies.get(company_id) if company_id else None
    if company is None:
        raise errors.company_not_found()
    return company


def _visible(company: Company, set_name: str) -> list:
    entity = REGISTRY[set_name]
    table = company.tables.get(set_name)
    if table is None:
        return []
    return [row for row in list(table.values()) if entity.visible(VERSION, row.data)]
