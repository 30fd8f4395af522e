"""$filter: parsed by odata-query, evaluated over the stored Python values.

odata-query turns the text into an AST; ``_Compiler`` (a ``NodeVisitor``) turns
the AST into a predicate over a record's stored values, typed by the registry's
property kinds: a literal compared with a property is converted to that
property's type first (dates as ``date``, date-times as aware ``datetime``,
GUIDs as lower-case strings, decimals as exact ``Decimal``), so ``amount eq
0.1`` is exact and ``postingDate ge 2024-01-01`` compares dates, not text.

BC's dialect, as reproduced here:
* unknown property: 400 "Could not find a property named 'x' on type 'Microsoft.NAV.y'.";
* syntax error: 400 "Syntax error at position N in '<filter>'." (N counts from 0), or
  OData's "Expression expected at position N ..." when the filter stops too early and
  "Unterminated string literal at position N ..." for an open quote;
* ``or`` joining conditions on different properties: 400 "The 'OR' operator is not
  supported on distinct fields on an OData filter." (``or`` on one property works);
* AL ``Code`` fields hold upper-case text, and BC upper-cases a filter value compared
  with one (one character to one, as the field does), so ``code eq 'general'`` finds GENERAL;
* a number compared with a property beyond the range of the property's type
  (``lineNumber eq 99999999999999999999``, ``amount eq 1e999999999``), or a date-time
  outside the years 1 to 9999 in UTC, is OData's 400 "Cannot convert the literal ... to the
  expected type ...";
* at most 100 nodes (properties, literals, operators, function calls), ASP.NET OData's
  default ``MaxNodeCount``, which BC keeps: a longer filter is a 400 with its text;
* a text literal compared with a property (or sought in it by ``contains``, ``startswith``,
  ``endswith``) longer than the property's field is AL's filter error
  (``Application_FilterErrorException``), as BC's ``SetFilter`` raises it; the words of the
  message before its length clause are bc_mock's guess.

Where bc_mock differs: BC accepts ``in (...)`` only with ``$schemaversion=2.1``;
bc_mock always does. Text is compared by code point (BC: by SQL collation).
Lambda operators (``any``/``all``), arithmetic and navigation paths are refused
with a 400 (BC ignores lambdas).

The parser is built per call: odata-query's parser keeps state and is not
thread-safe.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast

from odata_query import ast
from odata_query import exceptions as odata_errors
from odata_query.grammar import ODataLexer, ODataParser
from odata_query.visitor import NodeVisitor

from bc_mock import errors
from bc_mock.entities.kinds import (
    Code,
    Complex,
    Decimal_,
    Enum,
    Int32,
    Kind,
    code_upper,
    within_decimal_range,
)
from bc_mock.entities.model import EntitySet, Prop

if TYPE_CHECKING:
    from sly.lex import Token  # odata-query's lexer tokens

STRING = "Edm.String"
BOOLEAN = "Edm.Boolean"
NUMERIC = ("Edm.Int32", "Edm.Int64", "Edm.Decimal")
OR_ACROSS_FIELDS = "The 'OR' operator is not supported on distinct fields on an OData filter."
MAX_NODE_COUNT = 100
# tokens inside a node (an operator's kind), not nodes of their own
_TOKENS = (ast._BinOpToken, ast._Comparator, ast._BoolOpToken, ast._UnaryOpToken, ast._CollectionOperator)


def unknown_property(name: str, entity: EntitySet) -> errors.BcError:
    return errors.query_property_not_found(name, entity.type_name)


@dataclass(frozen=True)
class Filter:
    """A parsed $filter: a predicate, and the ``prop eq value`` terms AND-ed at its top level."""

    predicate: Callable[[dict], object]
    equalities: dict[str, object] = field(default_factory=dict)

    def matches(self, data: dict) -> bool:
        return self.predicate(data) is True


# Compiled filters by (text, entity set, version). Parsing builds a parser (odata-query's are
# not thread-safe) and takes most of a filtered list's time, while clients send the same few
# filters again and again. A compiled Filter holds no state, so requests can share it.
_COMPILED: dict[tuple[str, int, str], tuple[EntitySet, Filter]] = {}
_COMPILED_MAX = 512


def parse_filter(text: str, entity: EntitySet, version: str) -> Filter:
    key = (text, id(entity), version)
    found = _COMPILED.get(key)
    if found is not None and found[0] is entity:
        return found[1]
    compiled = _compile(text, entity, version)  # a refused filter raises: nothing is kept
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()  # a crude bound, reached only by clients that vary their filters
    _COMPILED[key] = (entity, compiled)
    return compiled


def _compile(text: str, entity: EntitySet, version: str) -> Filter:
    tree = _parse(text)
    _check_node_count(tree)
    compiler = _Compiler(entity, version)
    expr = compiler.visit(tree)
    if expr.edm != BOOLEAN:
        raise errors.bad_request("The $filter expression must evaluate to a single boolean value.")
    _check_or(tree)
    return Filter(expr.fn, compiler.equalities(tree))


# --- parsing -------------------------------------------------------------------


def node_limit_exceeded() -> errors.BcError:
    return errors.bad_request(
        f"The node count limit of '{MAX_NODE_COUNT}' has been exceeded. To increase the limit, set the "
        "'MaxNodeCount' property on EnableQueryAttribute or ODataValidationSettings."
    )


def _check_node_count(tree: ast._Node) -> None:
    """Refuse a filter of more than MAX_NODE_COUNT nodes, before anything walks it recursively."""
    count, pending = 0, [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, ast._Node) or isinstance(node, _TOKENS):
            continue
        count += 1
        if count > MAX_NODE_COUNT:
            raise node_limit_exceeded()
        children = [getattr(node, f.name) for f in dataclasses.fields(node)]
        if isinstance(node, ast.Call):
            children = [node.args]  # the function's name is not a node of the expression
        pending.extend(children)


def _parse(text: str) -> ast._Node:
    lexer, parser = ODataLexer(), ODataParser()
    try:
        # odata-query's operators need whitespace after them: with a trailing space, a filter
        # that stops after an operator ("amount gt") fails at its end, as in BC
        lexed, early = _lift_early_years(text)
        tokens = _restore_early_years(list(lexer.tokenize(lexed + " ")), text, early)
        while tokens and tokens[-1].type == "WS":  # whitespace around the filter is no error
            tokens.pop()
        while tokens and tokens[0].type == "WS":
            tokens.pop(0)
        if not tokens:
            raise odata_errors.ParsingException(None, eof=True)
        tokens = _single_item_lists(tokens)
        return parser.parse(iter(tokens))
    except RecursionError:  # nesting too deep for the parser: far beyond the node count limit
        raise node_limit_exceeded() from None
    except odata_errors.UnknownFunctionException as error:
        raise errors.bad_request(
            f"An unknown function with name '{error.function_name}' was found. This may also be a function "
            "import or a key lookup on a navigation property, which is not allowed."
        ) from None
    except odata_errors.ArgumentCountException as error:
        raise _no_signature(error.function_name) from None
    except odata_errors.ODataSyntaxError as error:
        raise _syntax_error(text, getattr(error, "token", None)) from None
    except odata_errors.ODataException as error:
        raise errors.bad_request(f"Invalid $filter '{text}': {error}") from None


# odata-query's lexer reads dates from the year 1000 on; BC reads 0001-01-01 (its blank date) too.
# Such a date's first digit is lexed as a 1 (the text keeps its length, so positions hold) and
# its token is given back the date as written. Dates inside text literals are left alone.
_EARLY_DATE = re.compile(r"'(?:[^']|'')*'|(?<![\w.])(0\d{3}-\d\d-\d\d)")


def _lift_early_years(text: str) -> tuple[str, set[int]]:
    """``text`` with the years 0000 to 0999 of its dates written 1000 to 1999, and where they are."""
    if "0" not in text:
        return text, set()
    positions: set[int] = set()

    def lift(match: re.Match) -> str:
        if match.group(1) is None:  # a text literal
            return match.group(0)
        positions.add(match.start(1))
        return "1" + match.group(1)[1:]

    return _EARLY_DATE.sub(lift, text), positions


def _restore_early_years(tokens: list[Token], text: str, positions: set[int]) -> list[Token]:
    for token in tokens:
        if token.index in positions and isinstance(token.value, (ast.Date, ast.DateTime)):
            token.value = type(token.value)(text[token.index : token.index + len(token.value.val)])
    return tokens


def _syntax_error(text: str, token: Token | None) -> errors.BcError:
    """BC's (OData's) texts for a filter that does not parse, with the position (from 0)."""
    if token is None or token.index >= len(text):
        if text.count("(") > text.count(")"):
            return errors.bad_request(f"')' or operator expected at position {len(text)} in '{text}'.")
        return errors.bad_request(f"Expression expected at position {len(text)} in '{text}'.")
    if token.type == "ERROR" and str(token.value).startswith("'"):
        return errors.bad_request(f"Unterminated string literal at position {token.index} in '{text}'.")
    return errors.bad_request(f"Syntax error at position {token.index} in '{text}'.")


def _single_item_lists(tokens: list[Token]) -> list[Token]:
    """Give ``x in ('a')`` the trailing comma odata-query wants for a one-item list.

    OData writes a one-item list as ``('a')``; odata-query reads that as a
    parenthesised value and expects ``('a',)``. This edits the token stream, not
    the grammar.
    """
    result = list(tokens)
    position = 0
    while position < len(result):
        if result[position].type == "IN":
            start = _next_solid(result, position + 1)
            if start is not None and result[start].type == "(":
                end, has_comma = _closing(result, start)
                if end is not None and not has_comma:
                    comma = copy.copy(result[end])
                    comma.type = comma.value = ","
                    result.insert(end, comma)
        position += 1
    return result


def _next_solid(tokens: list[Token], start: int) -> int | None:
    for index in range(start, len(tokens)):
        if tokens[index].type != "WS":
            return index
    return None


def _closing(tokens: list[Token], start: int) -> tuple[int | None, bool]:
    depth, has_comma = 0, False
    for index in range(start, len(tokens)):
        kind = tokens[index].type
        if kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
            if depth == 0:
                return index, has_comma
        elif kind == "," and depth == 1:
            has_comma = True
    return None, has_comma


def _no_signature(name: str) -> errors.BcError:
    return errors.bad_request(
        f"No function signature for the function with name '{name}' matches the specified arguments."
    )


def _check_or(tree: ast._Node) -> None:
    class OrCheck(NodeVisitor):
        def visit_BoolOp(self, node: ast.BoolOp) -> None:
            if isinstance(node.op, ast.Or) and len(_property_names(node)) > 1:
                raise errors.bad_request(OR_ACROSS_FIELDS)
            self.generic_visit(node)

    OrCheck().visit(tree)


def _property_names(node: ast._Node) -> set[str]:
    names: set[str] = set()

    class Collect(NodeVisitor):
        def visit_Identifier(self, ident: ast.Identifier) -> None:
            names.add(ident.name)

        def visit_Call(self, call: ast.Call) -> None:
            for arg in call.args:  # not the function's own name
                self.visit(arg)

    Collect().visit(node)
    return names


# --- evaluation ------------------------------------------------------------------


@dataclass(frozen=True)
class _Expr:
    """A compiled sub-expression: its value for a record, and its EDM type.

    A literal keeps its AST node until it meets what it is compared with, which
    decides its type (``prop`` is set when the expression is a bare property).
    """

    fn: Callable[[dict], object]
    edm: str | None
    prop: Prop | None = None
    literal: ast._Literal | None = None


_LITERAL_EDM = {
    ast.String: STRING,
    ast.Integer: "Edm.Int32",
    ast.Float: "Edm.Decimal",
    ast.Boolean: BOOLEAN,
    ast.Date: "Edm.Date",
    ast.DateTime: "Edm.DateTimeOffset",
    ast.GUID: "Edm.Guid",
    ast.Null: None,
}

_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
_OPERATOR_NAMES = {
    ast.Eq: "Equal",
    ast.NotEq: "NotEqual",
    ast.Lt: "LessThan",
    ast.LtE: "LessThanOrEqual",
    ast.Gt: "GreaterThan",
    ast.GtE: "GreaterThanOrEqual",
    ast.In: "In",
}


def _literal_python(node: ast._Literal, kind: Kind | None) -> object:
    """The literal as the stored value of ``kind`` would be (None: its natural type)."""
    if isinstance(node, ast.Null):
        return None
    if isinstance(node, ast.String):
        if isinstance(kind, Code):
            return code_upper(node.val)
        # a v2.0 client writes options as member names ("_x0020_"), a v1.0 client as captions
        return kind.caption_of(node.val) if isinstance(kind, Enum) else node.val
    if isinstance(node, (ast.Integer, ast.Float)):
        return _number_literal(node, kind)
    if isinstance(node, ast.Boolean):
        return node.py_val
    if isinstance(node, ast.Date):
        try:
            return dt.date.fromisoformat(node.val)
        except ValueError:
            raise errors.bad_request(
                f"Cannot convert the literal '{node.val}' to the expected type 'Edm.Date'."
            ) from None
    if isinstance(node, ast.DateTime):
        return _datetime_literal(node.val)
    if isinstance(node, ast.GUID):
        return node.val.lower()
    raise errors.bad_request(f"The literal '{getattr(node, 'val', node)}' is not supported in a $filter.")


def _cannot_convert(text: str, edm: str) -> errors.BcError:
    return errors.bad_request(f"Cannot convert the literal '{text}' to the expected type '{edm}'.")


def _number_literal(node: ast.Integer | ast.Float, kind: Kind | None) -> Decimal:
    """A number literal, exact (it compares exactly with int and Decimal values), refused when
    the property it is compared with cannot hold it. Only compared, never converted to int:
    a literal of any exponent costs no more than its length."""
    try:
        value = Decimal(node.val)
    except InvalidOperation:  # an exponent beyond even Decimal's (about 10**18)
        if kind is not None:
            raise _cannot_convert(node.val, kind.edm) from None
        # not (yet) compared with a property: beyond any number, or nearer to zero than any
        mantissa, _, exponent = node.val.lower().partition("e")
        if exponent.startswith("-"):
            return Decimal(0)
        return Decimal("-Infinity" if mantissa.startswith("-") else "Infinity")
    if isinstance(kind, Int32) and not kind.within_range(value):
        raise _cannot_convert(node.val, kind.edm)
    if isinstance(kind, Decimal_) and not within_decimal_range(value):
        raise _cannot_convert(node.val, kind.edm)
    return value


_DATETIME_PARTS = re.compile(r"^(.{10}T\d\d:\d\d)(:\d\d)?(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$", re.IGNORECASE)


def _datetime_literal(text: str) -> dt.datetime:
    """A date-time literal as an aware UTC datetime; no offset means UTC."""
    parts = _DATETIME_PARTS.match(text)
    try:
        if parts is None:
            raise ValueError(text)
        minutes, seconds, fraction, offset = parts.groups()
        fraction = (fraction or "0")[:6].ljust(6, "0")  # fromisoformat wants 6 digits before 3.11
        offset = "+00:00" if offset is None or offset.upper() == "Z" else offset
        value = dt.datetime.fromisoformat(f"{minutes}{seconds or ':00'}.{fraction}{offset}")
        # 9999-12-31T23:59:59-01:00 is after the last UTC instant Python (and .NET) holds
        return value.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise _cannot_convert(text, "Edm.DateTimeOffset") from None


def _compatible(left: str | None, right: str | None) -> bool:
    if left is None or right is None or left == right:
        return True
    return left in NUMERIC and right in NUMERIC


class _Compiler(NodeVisitor):
    def __init__(self, entity: EntitySet, version: str):
        self.entity = entity
        self.version = version

    def generic_visit(self, node: ast._Node) -> _Expr:
        raise errors.bad_request(f"The {type(node).__name__} expression is not supported in a $filter.")

    def visit_BinOp(self, node: ast.BinOp) -> _Expr:
        raise errors.bad_request(
            "Arithmetic operators (add, sub, mul, div, mod) are not supported in a $filter."
        )

    def visit_CollectionLambda(self, node: ast.CollectionLambda) -> _Expr:
        raise errors.bad_request("The any and all operators are not supported in a $filter.")

    # values

    def visit_Identifier(self, node: ast.Identifier) -> _Expr:
        prop = self.entity.prop(self.version, node.name)
        if prop is None or node.namespace:
            raise unknown_property(node.full_name(), self.entity)
        if isinstance(prop.kind, Complex):
            raise errors.bad_request(f"The property '{prop.name}' cannot be used in a $filter.")
        name = prop.name  # a date-time is stored at the precision it is shown (kinds.to_millis)
        if not prop.kind.stored_as_shown:
            shown = prop.kind.shown
            return _Expr(lambda data: shown(data.get(name)), prop.kind.edm, prop=prop)
        return _Expr(lambda data: data.get(name), prop.kind.edm, prop=prop)

    def visit_Attribute(self, node: ast.Attribute) -> _Expr:
        owner = node.owner
        while isinstance(owner, ast.Attribute):
            owner = owner.owner
        known = self.entity.prop(self.version, getattr(owner, "name", "")) or self.entity.navigation(
            self.version, getattr(owner, "name", "")
        )
        if isinstance(owner, ast.Identifier) and not known:
            raise unknown_property(owner.name, self.entity)
        raise errors.bad_request("Navigation paths are not supported in a $filter.")

    def _literal(self, node: ast._Literal) -> _Expr:
        if type(node) not in _LITERAL_EDM:
            raise errors.bad_request(
                f"The literal '{getattr(node, 'val', node)}' is not supported in a $filter."
            )
        value = _literal_python(node, None)
        return _Expr(lambda data: value, _LITERAL_EDM[type(node)], literal=node)

    visit_String = visit_Integer = visit_Float = visit_Boolean = _literal
    visit_Date = visit_DateTime = visit_GUID = visit_Null = _literal
    visit_Time = visit_Duration = visit_Geography = _literal

    def _typed(self, expr: _Expr, other: _Expr) -> _Expr:
        """``expr`` with a literal converted to the type of ``other``."""
        if expr.literal is None or other.literal is not None:
            return expr
        kind = other.prop.kind if other.prop else None
        value = _literal_python(expr.literal, kind)
        return _Expr(lambda data: value, other.edm if expr.edm is not None else None, literal=expr.literal)

    def _check_length(self, expr: _Expr, other: _Expr) -> None:
        """A text literal longer than the field it is compared with: AL's SetFilter refuses it."""
        prop = other.prop
        limit = prop.kind.max_length if prop is not None else None
        if prop is None or limit is None:
            return
        if not isinstance(expr.literal, ast.String) or len(expr.literal.val) <= limit:
            return
        value = expr.literal.val
        raise errors.BcError(
            400,
            "Application_FilterErrorException",
            f'The filter "{value}" is not valid for the {prop.name} field on the {self.entity.table} '
            f"table. The length of the string is {len(value)}, but it must be less than or equal to "
            f"{limit} characters.",
        )

    # comparisons

    def visit_Compare(self, node: ast.Compare) -> _Expr:
        left = self.visit(node.left)
        if isinstance(node.comparator, ast.In):
            return self._in(node, left)
        right = self.visit(node.right)
        self._check_types(node, left, right)
        self._check_length(left, right)
        self._check_length(right, left)
        left, right = self._typed(left, right), self._typed(right, left)
        compare = _COMPARE[type(node.comparator)]
        equality = isinstance(node.comparator, (ast.Eq, ast.NotEq))
        lfn, rfn = left.fn, right.fn

        def evaluate(data: dict) -> bool:
            a, b = lfn(data), rfn(data)
            if a is None or b is None:
                return compare(a, b) if equality else False
            return bool(compare(a, b))

        return _Expr(evaluate, BOOLEAN)

    def _check_types(self, node: ast.Compare, left: _Expr, right: _Expr) -> None:
        if not _compatible(left.edm, right.edm):
            raise errors.bad_request(
                "A binary operator with incompatible types was detected. Found operand types "
                f"'{left.edm}' and '{right.edm}' "
                f"for operator kind '{_OPERATOR_NAMES[type(node.comparator)]}'."
            )

    def _in(self, node: ast.Compare, left: _Expr) -> _Expr:
        if not isinstance(node.right, ast.List):
            raise errors.bad_request("The right operand of 'in' must be a list of literals.")
        values = []
        for item in node.right.val:
            expr = self.visit(item)
            if expr.literal is None:
                raise errors.bad_request("The right operand of 'in' must be a list of literals.")
            self._check_types(node, left, expr)
            self._check_length(expr, left)
            values.append(self._typed(expr, left).fn({}))
        lfn = left.fn
        return _Expr(lambda data: lfn(data) in values, BOOLEAN)

    # logic

    def visit_BoolOp(self, node: ast.BoolOp) -> _Expr:
        left, right = self._boolean(node.left), self._boolean(node.right)
        lfn, rfn = left.fn, right.fn
        if isinstance(node.op, ast.And):
            return _Expr(lambda data: lfn(data) is True and rfn(data) is True, BOOLEAN)
        return _Expr(lambda data: lfn(data) is True or rfn(data) is True, BOOLEAN)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> _Expr:
        if isinstance(node.op, ast.Not):
            operand = self._boolean(node.operand).fn
            return _Expr(lambda data: operand(data) is not True, BOOLEAN)
        raise errors.bad_request("Arithmetic is not supported in a $filter.")

    def _boolean(self, node: ast._Node) -> _Expr:
        expr = self.visit(node)
        if expr.edm != BOOLEAN:
            raise errors.bad_request("The $filter expression must evaluate to a single boolean value.")
        return expr

    # functions

    def visit_Call(self, node: ast.Call) -> _Expr:
        name = node.func.full_name()
        handler = _FUNCTIONS.get(name)
        if handler is None:
            raise errors.bad_request(f"The function '{name}' is not supported.")
        args = [self.visit(arg) for arg in node.args]
        return handler(self, name, args)

    def _string_arg(self, name: str, expr: _Expr, other: _Expr | None = None) -> Callable[[dict], str | None]:
        if expr.edm not in (STRING, None):
            raise _no_signature(name)
        fn = (self._typed(expr, other) if other is not None else expr).fn
        return cast("Callable[[dict], str | None]", fn)  # text or null: its type is checked above

    def _text_predicate(self, name: str, args: list[_Expr], test: Callable[[str, str], bool]) -> _Expr:
        haystack = self._string_arg(name, args[0])
        self._check_length(args[1], args[0])  # AL's filter (`@*text*`) holds at most the field's length
        needle = self._string_arg(name, args[1], args[0])

        def evaluate(data: dict) -> bool:
            a, b = haystack(data), needle(data)
            return a is not None and b is not None and test(a, b)

        return _Expr(evaluate, BOOLEAN)

    def _case(self, name: str, args: list[_Expr]) -> _Expr:
        value = self._string_arg(name, args[0])
        convert = str.lower if name == "tolower" else str.upper
        return _Expr(lambda data: None if (v := value(data)) is None else convert(v), STRING)

    def _substring(self, name: str, args: list[_Expr]) -> _Expr:
        value = self._string_arg(name, args[0])
        bounds = []
        for arg in args[1:]:
            if arg.literal is None or not isinstance(arg.literal, ast.Integer):
                raise _no_signature(name)
            bounds.append(int(_number_literal(arg.literal, _INT32)))  # range-checked, then int()
        start = max(bounds[0], 0)
        end = start + bounds[1] if len(bounds) > 1 else None
        return _Expr(lambda data: None if (v := value(data)) is None else v[start:end], STRING)

    # the top-level `prop eq value` terms (BC's rules read the journal filter from them)

    def equalities(self, tree: ast._Node) -> dict[str, object]:
        found: dict[str, object] = {}
        pending = [tree]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
                pending += [node.right, node.left]
            elif isinstance(node, ast.Compare) and isinstance(node.comparator, ast.Eq):
                for ident, literal in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(ident, ast.Identifier) and isinstance(literal, ast._Literal):
                        prop = self.entity.prop(self.version, ident.name)
                        assert prop is not None  # visit() has refused unknown properties
                        found[ident.name] = _literal_python(literal, prop.kind)
        return found


_INT32 = Int32()

_FUNCTIONS: dict[str, Callable[[_Compiler, str, list[_Expr]], _Expr]] = {
    "startswith": lambda c, n, a: c._text_predicate(n, a, str.startswith),
    "endswith": lambda c, n, a: c._text_predicate(n, a, str.endswith),
    "contains": lambda c, n, a: c._text_predicate(n, a, lambda x, y: y in x),
    "tolower": _Compiler._case,
    "toupper": _Compiler._case,
    "substring": _Compiler._substring,
}
