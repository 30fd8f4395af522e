"""Records as a query asks for them: ``$select``-ed properties and ``$expand``-ed navigations.

Each record keeps its ``@odata.etag``; a selection keeps the type's property
order. An expanded collection is filtered, ordered and cut by its nested
options (it is never paged); ``$count=true`` inside an expansion gives
``<name>@odata.count``. The context URL names the selection, as OData does:
``#companies(id)/customerPaymentJournals(code,displayName)``.
"""

from __future__ import annotations

from bc_mock import errors
from bc_mock.entities import EntitySet
from bc_mock.odata import shape
from bc_mock.odata.navigation import CONTAINED, Scope, follow
from bc_mock.odata.paging import ordered
from bc_mock.odata.query import ListQuery
from bc_mock.store import Row


def selection(query: ListQuery) -> str:
    """The context URL's select list: ``(code,displayName,customerPayments(amount))`` or ''."""
    items = list(query.select or ())
    for name, expansion in query.expand.items():
        inner = selection(expansion.query)
        if inner or query.select is not None:
            items.append(f"{name}{inner or '()'}")
    return f"({','.join(items)})" if items else ""


# The most records one answer may hold, expanded ones included. A page holds at most 20,000;
# $expand multiplies that by what each record leads to (a cycle such as payments -> journal ->
# payments triples it per level), so an answer is bounded here, not by luck.
MAX_RECORDS = 100_000


def too_many_records() -> errors.BcError:
    return errors.bad_request(
        f"The answer would hold more than {MAX_RECORDS} records, those of $expand included: "
        "ask for fewer with $top or $filter, or expand fewer navigations."
    )


class _Count:
    """Records rendered so far for one answer, shared by the renderers of its expansions."""

    __slots__ = ("records",)

    def __init__(self) -> None:
        self.records = 0


class Renderer:
    def __init__(self, version: str, scope: Scope, count: _Count | None = None):
        self.version = version
        self.scope = scope
        self.count = count or _Count()

    def record(self, entity: EntitySet, row: Row, query: ListQuery) -> dict:
        self.count.records += 1
        if self.count.records > MAX_RECORDS:
            raise too_many_records()
        payload = shape.record(entity, self.version, row)
        if query.select is not None:
            selected = {name: payload[name] for name in query.select}
            payload = {"@odata.etag": payload["@odata.etag"], **selected} if entity.etag else selected
        for name, expansion in query.expand.items():
            payload.update(self._expanded(entity, row, name, expansion))
        return payload

    def records(self, entity: EntitySet, rows: list[Row], query: ListQuery) -> list[dict]:
        return [self.record(entity, row, query) for row in rows]

    def _expanded(self, entity: EntitySet, row: Row, name: str, expansion) -> dict:
        child = Renderer(
            self.version, Scope(self.scope.namespace, self.scope.company_of(entity, row)), self.count
        )
        target, nested = expansion.entity, expansion.query
        result = follow(self.scope, entity, self.version, expansion.nav, row)
        if not expansion.nav.many:
            assert not isinstance(result, list)  # a single-valued navigation leads to one row
            return {name: None if result is None else child.record(target, result, nested)}
        assert isinstance(result, list)
        parent = None if expansion.nav.target_field == CONTAINED else row.data
        target.rules.check_list(parent, nested.equalities)
        rows = [r for r in result if nested.matches(r.data)]
        total = len(rows)
        rows = ordered(rows, target, nested.orderby)[nested.skip or 0 :]
        if nested.top is not None:
            rows = rows[: nested.top]
        out: dict[str, object] = {f"{name}@odata.count": total} if nested.count else {}
        out[name] = child.records(target, rows, nested)
        return out
