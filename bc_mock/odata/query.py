"""System query options: ``$filter $select $expand $orderby $top $skip $count $skiptoken``.

``parse_query`` reads them from a request's arguments, or from the ``;``-separated
options of one ``$expand`` item (``customerPayments($filter=amount lt 0;$top=2)``),
checking every name against the registry. Errors are BC's 400s. Arguments that are
not system query options (``company``, ``tenant``, ``aid``) are left to others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bc_mock import errors
from bc_mock.entities import REGISTRY, EntitySet, Navigation
from bc_mock.entities.kinds import Complex
from bc_mock.odata.navigation import navigation, navigations

if TYPE_CHECKING:
    from bc_mock.odata.filter import Filter

# ASP.NET OData's setting, under which BC serves its API; BC's own value is not documented
# (its docs show three levels working), so bc_mock's is its own choice
MAX_EXPANSION_DEPTH = 5

LIST_OPTIONS = ("$filter", "$orderby", "$top", "$skip", "$count", "$skiptoken")
# accepted and without effect: BC's schema version switch, and the only format BC speaks
IGNORED_OPTIONS = ("$schemaversion", "$format")


def expansion_too_deep() -> errors.BcError:
    return errors.bad_request(
        "The request includes a $expand path which is too deep. The maximum depth allowed is "
        f"{MAX_EXPANSION_DEPTH}. To increase the limit, set the 'MaxExpansionDepth' property on "
        "EnableQueryAttribute or ODataValidationSettings."
    )


@dataclass
class Expansion:
    nav: Navigation
    entity: EntitySet  # the navigation's target
    query: ListQuery


@dataclass
class ListQuery:
    filter: Filter | None = None
    select: tuple[str, ...] | None = None  # None: every property
    expand: dict[str, Expansion] = field(default_factory=dict)
    orderby: tuple[tuple[str, bool], ...] = ()  # (property, descending)
    top: int | None = None
    skip: int | None = None
    count: bool = False
    skiptoken: str | None = None
    depth: int = 0  # how deep in $expand these options sit (0: the request's own)

    @property
    def equalities(self) -> dict[str, object]:
        """``prop: value`` for each ``prop eq value`` AND-ed at the top of $filter."""
        return self.filter.equalities if self.filter else {}

    def matches(self, data: dict) -> bool:
        return self.filter is None or self.filter.matches(data)


def parse_query(options: Mapping[str, str], entity: EntitySet, version: str, depth: int = 0) -> ListQuery:
    query = ListQuery(depth=depth)
    getlist = getattr(options, "getlist", None)  # a request's arguments may repeat a name
    for name, value in options.items():
        if getlist is not None and name.startswith("$") and len(getlist(name)) > 1:
            raise errors.bad_request(
                f"Query option '{name}' was specified more than once, but it must be specified at most once."
            )
        if not name.startswith("$") or name in IGNORED_OPTIONS:
            continue
        reader = _READERS.get(name)
        if reader is None:
            raise errors.bad_request(f"The query parameter '{name}' is not supported.")
        reader(query, value, entity, version)
    return query


def _read_filter(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    # imported with the first $filter: building odata-query's grammar takes a quarter of
    # bc-mock's start-up, and many test sessions never filter
    from bc_mock.odata.filter import parse_filter

    query.filter = parse_filter(text, entity, version)


def _read_select(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    names = [name.strip() for name in split_top_level(text, ",")]
    if "*" in names:
        query.select = None
        return
    selected = []
    for name in names:
        if entity.prop(version, name) is not None:
            selected.append(name)
        elif navigation(entity, version, name) is None:
            raise errors.query_property_not_found(name, entity.type_name)
    # BC writes the selected properties in the type's order
    order = [prop.name for prop in entity.props_for(version)]
    query.select = tuple(sorted(set(selected), key=order.index))


def _read_expand(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    for item in split_top_level(text, ","):
        item = item.strip()
        if item == "*":  # every navigation, without options
            for each in navigations(entity, version):
                query.expand[each.name] = Expansion(each, REGISTRY[each.target], ListQuery())
            continue
        name, paren, rest = item.partition("(")
        name = name.strip()
        if paren and not rest.endswith(")"):
            raise errors.bad_request(f"Syntax error in $expand at '{item}'.")
        nav = navigation(entity, version, name)
        if nav is None:
            raise errors.query_property_not_found(name, entity.type_name)
        if query.depth + 1 > MAX_EXPANSION_DEPTH:
            raise expansion_too_deep()
        target = REGISTRY[nav.target]
        nested = _nested_options(rest[:-1], item) if rest else {}
        if not nav.many and any(key in LIST_OPTIONS for key in nested if key != "$expand"):
            raise errors.bad_request(f"Query options for '{name}' are not allowed: it is not a collection.")
        query.expand[name] = Expansion(nav, target, parse_query(nested, target, version, query.depth + 1))


def _nested_options(text: str, item: str) -> dict[str, str]:
    options = {}
    for part in split_top_level(text, ";"):
        if not part.strip():
            continue
        key, equals, value = part.partition("=")
        if not equals or not key.strip().startswith("$"):
            raise errors.bad_request(f"Syntax error in $expand at '{item}'.")
        options[key.strip()] = value.strip()
    return options


def _read_orderby(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    keys = []
    for item in split_top_level(text, ","):
        words = item.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise errors.bad_request(f"Syntax error in $orderby at '{item.strip()}'.")
        prop = entity.prop(version, words[0])
        if prop is None:
            if "/" in words[0]:
                raise errors.bad_request("Navigation paths are not supported in $orderby.")
            raise errors.query_property_not_found(words[0], entity.type_name)
        if isinstance(prop.kind, Complex):
            raise errors.bad_request(f"The property '{prop.name}' cannot be used in $orderby.")
        keys.append((prop.name, len(words) == 2 and words[1].lower() == "desc"))
    query.orderby = tuple(keys)


# OData reads $top and $skip as Edm.Int64: anything larger is as invalid as a negative number
INT64_MAX = 2**63 - 1


def _non_negative(name: str, text: str) -> int:
    digits = text.strip()
    # ASCII digits only ("²".isdigit() is true), and few enough for int() to read
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 19 and int(digits) <= INT64_MAX):
        raise errors.bad_request(
            f"Invalid value '{text}' for {name} query option found. "
            f"The {name} query option requires a non-negative integer value."
        )
    return int(digits)


def _read_top(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    query.top = _non_negative("$top", text)


def _read_skip(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    query.skip = _non_negative("$skip", text)


def _read_count(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    if text.strip().lower() not in ("true", "false"):
        raise errors.bad_request(f"'{text}' is not a valid count option.")
    query.count = text.strip().lower() == "true"


def _read_skiptoken(query: ListQuery, text: str, entity: EntitySet, version: str) -> None:
    query.skiptoken = text


_READERS = {
    "$filter": _read_filter,
    "$select": _read_select,
    "$expand": _read_expand,
    "$orderby": _read_orderby,
    "$top": _read_top,
    "$skip": _read_skip,
    "$count": _read_count,
    "$skiptoken": _read_skiptoken,
}


def split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside parentheses and quoted strings."""
    parts: list[str] = []
    depth, quoted = 0, False
    current: list[str] = []
    for char in text:
        if char == "'":
            quoted = not quoted  # a doubled '' toggles twice: still right
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == separator and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
