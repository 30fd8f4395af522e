"""Property kinds: how one BC property is read from JSON, stored and written.

Each kind knows its EDM type (for $metadata), its blank value (what AL holds in
an empty field), how to load a JSON value (refusing it with an ``InvalidValue``
that carries BC's code and text) and how to dump the stored value in BC's JSON
format.

Kinds do not depend on marshmallow: the seed loader validates fixture records
through them directly, so a server starts without importing it. Request bodies
go through marshmallow schemas built from the kinds by ``bc_mock.entities.schemas``,
on the first write.

Stored values are Python values: ``str`` (GUIDs lower-case), ``Decimal``,
``int``, ``bool``, ``datetime.date`` and timezone-aware ``datetime.datetime``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import ClassVar, cast

from bc_mock import errors, jsonio

BLANK_GUID = "00000000-0000-0000-0000-000000000000"
BLANK_DATE = dt.date(1, 1, 1)
# AL's Decimal is .NET's System.Decimal: nothing beyond this converts
DECIMAL_MAX = Decimal(79228162514264337593543950335)
DECIMAL_MIN = Decimal(-79228162514264337593543950335)  # not -DECIMAL_MAX: negation rounds to 28 digits
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
BLANK_DATETIME = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")


class InvalidValue(Exception):
    """A JSON value a kind refuses; ``error`` is what BC answers (its status, code and text)."""

    def __init__(self, error: errors.BcError):
        super().__init__(error.message)
        self.error = error


def fail(error: errors.BcError):
    """Refuse a value with BC's code and message."""
    raise InvalidValue(error)


def parse_guid(value: object) -> str | None:
    """The canonical (lower-case) form of a GUID string, or None if it is not one."""
    if not isinstance(value, str):
        return None
    # every key of a URL is read through here, and clients name the same records again and
    # again: the verdicts on short strings are kept (bounded), longer ones are never GUIDs
    return _guid_of(value) if len(value) <= 40 else _guid_of.__wrapped__(value)


@functools.lru_cache(maxsize=4096)
def _guid_of(value: str) -> str | None:
    match = _GUID.match(value)
    return match.group(1).lower() if match else None


def to_millis(moment: dt.datetime) -> dt.datetime:
    """``moment`` at the precision BC keeps and shows: milliseconds. A time stored finer than it
    is shown would never equal what a client read back (a PATCH of the record as read would
    "change" it)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_datetime(value: str) -> dt.datetime | None:
    if not _DATETIME.match(value):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        # 0001-01-01T00:00:00+01:00 is before the first UTC instant Python (and .NET) holds
        return parsed.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        return None


def within_decimal_range(number: Decimal) -> bool:
    """Whether .NET's decimal holds ``number`` (compared, never converted: a Decimal of any
    exponent compares at once)."""
    return number.is_finite() and DECIMAL_MIN <= number <= DECIMAL_MAX


def code_upper(text: str) -> str:
    """What AL stores in a Code field: trimmed and upper-cased one character to one, as .NET's
    ToUpperInvariant does (which keeps "ß", where Python's upper() writes "SS")."""
    text = text.strip()
    upper = text.upper()
    if len(upper) == len(text):  # no character grew: the common case
        return upper
    return "".join(upper_char if len(upper_char := char.upper()) == 1 else char for char in text)


@functools.lru_cache(maxsize=4096)  # records are read far more often than written: strftime is slow
def format_datetime(value: dt.datetime) -> str:
    """UTC with a trailing Z and at most 3 fractional digits, trailing zeros trimmed, as BC."""
    # isoformat, not strftime: glibc's %Y writes the year 1 (BC's blank datetime) as "1"
    text = value.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat()
    millis = value.microsecond // 1000
    if millis:
        text += f".{millis:03d}".rstrip("0")
    return text + "Z"


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _conversion_error(value: object, edm: str) -> errors.BcError:
    return errors.bad_request(f"Cannot convert the literal '{value}' to the expected type '{edm}'.")


class Kind:
    edm = "Edm.String"
    json_schema: ClassVar[dict] = {"type": "string"}  # the JSON schema of its values (OpenAPI)
    blank: object = ""
    max_length: int | None = None

    def load(self, value: object) -> object:
        raise NotImplementedError

    def dump(self, value: object) -> object:
        return value

    def dump_for(self, version: str, value: object) -> object:
        """The stored value as ``version`` of the API writes it (the same in both, but for enums)."""
        return self.dump(value)

    def same(self, stored: object, given: object) -> bool:
        """Whether a value a client sent (loaded) is the stored one, as the client reads it."""
        return stored == given

    # a kind whose stored value differs from the one a client reads sets this, and $filter
    # compares what the client reads (``shown``)
    stored_as_shown: ClassVar[bool] = True

    def shown(self, stored: object) -> object:
        return stored


class Guid(Kind):
    edm = "Edm.Guid"
    json_schema: ClassVar[dict] = {"type": "string", "format": "uuid"}
    blank = BLANK_GUID

    def load(self, value):
        guid = parse_guid(value)
        if guid is None:
            fail(errors.invalid_guid())
        return guid


class Text(Kind):
    def __init__(self, max_length: int | None = None):
        self.max_length = max_length

    def load(self, value):
        if not isinstance(value, str):
            fail(_conversion_error(value, self.edm))
        return self._check_length(value)

    def _check_length(self, value: str) -> str:
        if self.max_length is not None and len(value) > self.max_length:
            fail(errors.string_too_long(value, self.max_length))
        if not _is_unicode(value):
            # a lone UTF-16 surrogate ("\ud800") parses as JSON but is no text BC could store
            fail(errors.invalid_body())
        return value


class Code(Text):
    """An AL Code field: BC trims it and stores it upper-cased."""

    def load(self, value):
        if not isinstance(value, str):
            fail(_conversion_error(value, self.edm))
        return self._check_length(code_upper(value))


class Decimal_(Kind):
    edm = "Edm.Decimal"
    json_schema: ClassVar[dict] = {"type": "number"}
    blank = Decimal(0)

    def load(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            fail(_conversion_error(value, self.edm))
        # a float by its shortest digits, not its binary expansion; an int exactly
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        # compared before anything converts it: abs() or int() of 1e999999999 would not end well
        if not within_decimal_range(number):
            fail(_conversion_error(value, self.edm))
        return number

    def dump(self, value):
        # JSON numbers as BC writes them (1500 rather than 1500.0), every digit kept
        return jsonio.number(value)


class Int32(Kind):
    edm = "Edm.Int32"
    json_schema: ClassVar[dict] = {"type": "integer", "format": "int32"}
    blank = 0
    max_value = INT32_MAX

    def within_range(self, number: int | Decimal) -> bool:
        """Whether ``number`` is in the type's range (compared, not converted)."""
        if isinstance(number, Decimal) and not number.is_finite():
            return False
        return -self.max_value - 1 <= number <= self.max_value

    def load(self, value):
        if isinstance(value, Decimal):
            # range first: int() of 1e1000000 takes the process for half a minute
            if not self.within_range(value) or value != value.to_integral_value():
                fail(_conversion_error(value, self.edm))
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not self.within_range(value):
            fail(_conversion_error(value, self.edm))
        return value


class Int64(Int32):
    edm = "Edm.Int64"
    json_schema: ClassVar[dict] = {"type": "integer", "format": "int64"}
    max_value = INT64_MAX


class Boolean(Kind):
    edm = "Edm.Boolean"
    json_schema: ClassVar[dict] = {"type": "boolean"}
    blank = False

    def load(self, value):
        if not isinstance(value, bool):
            fail(_conversion_error(value, self.edm))
        return value


class Date(Kind):
    edm = "Edm.Date"
    json_schema: ClassVar[dict] = {"type": "string", "format": "date"}
    blank = BLANK_DATE

    def load(self, value):
        if isinstance(value, str) and _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        fail(errors.bad_request(f"Cannot convert the literal '{value}' to the expected type 'Edm.Date'."))

    def dump(self, value):
        return value.isoformat()


class DateTime(Kind):
    edm = "Edm.DateTimeOffset"
    json_schema: ClassVar[dict] = {"type": "string", "format": "date-time"}
    blank = BLANK_DATETIME

    def load(self, value):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            fail(_conversion_error(value, self.edm))
        return to_millis(parsed)

    def dump(self, value):
        return format_datetime(value)


def odata_name(caption: str) -> str:
    """An option caption as API v2.0 writes it: an OData identifier, each other character as
    ``_xHHHH_`` (XmlConvert.EncodeName's escape): " " -> "_x0020_", "Begin-Total" ->
    "Begin_x002D_Total", "Cost of Goods Sold" -> "Cost_x0020_of_x0020_Goods_x0020_Sold"."""
    out = []
    for index, char in enumerate(caption):
        allowed = char.isascii() and (char.isalpha() or char == "_" or (index > 0 and char.isdigit()))
        out.append(char if allowed else f"_x{ord(char):04X}_")
    return "".join(out)


class Enum(Text):
    """A BC enum. Stored as its caption; API v1.0 writes the caption (" ", "Cost of Goods
    Sold"), API v2.0 the enum member name (``odata_name``: "_x0020_",
    "Cost_x0020_of_x0020_Goods_x0020_Sold"). Either form is read.

    ``type_name`` is the EnumType v2.0's $metadata declares (``Microsoft.NAV.contactType``: the
    AL enum's name, camel-cased, as BC's v2.0 resource pages name it); ``ordinals`` the AL
    enum's values, when they are not 0, 1, 2, ...
    """

    def __init__(self, *values: str, type_name: str, ordinals: tuple[int, ...] | None = None):
        super().__init__(None)
        self.values = values
        self.type_name = type_name
        self.ordinals = ordinals or tuple(range(len(values)))
        self.blank = values[0]
        self._by_name = {odata_name(caption): caption for caption in values}

    def members(self) -> list[tuple[str, int]]:
        """(member name, ordinal) of each value, as an EnumType lists them."""
        return [
            (odata_name(caption), ordinal)
            for caption, ordinal in zip(self.values, self.ordinals, strict=True)
        ]

    def dump_for(self, version: str, value: object) -> object:
        return odata_name(cast("str", value)) if version == "v2.0" else value  # stored: the caption

    def caption_of(self, text: str) -> str:
        """The stored caption a client means, whether it wrote the caption or the member name."""
        return self._by_name.get(text, text)

    def load(self, value):
        if isinstance(value, str) and value in self._by_name:
            return self._by_name[value]
        if not isinstance(value, str) or value not in self.values:
            fail(
                errors.BcError(
                    400,
                    "Unknown",
                    f"'{value}' is not an option. The existing options are: {','.join(self.values)}",
                )
            )
        return value


class Option(Text):
    """An AL Option that is not an enum: both versions write its caption ("Average Rate
    (Manual)"), and $metadata declares it a string. Its blank is its first caption."""

    def __init__(self, *captions: str):
        super().__init__(None)
        self.captions = captions
        self.blank = captions[0]

    def load(self, value):
        if not isinstance(value, str) or value not in self.captions:
            fail(
                errors.BcError(
                    400,
                    "Unknown",
                    f"'{value}' is not an option. The existing options are: {','.join(self.captions)}",
                )
            )
        return value


class Complex(Kind):
    """A structured value (an address, a dimension): a dict of named kinds.

    ``not_null``: members the complex type declares non-nullable; ``declare_lengths``: whether
    its $metadata and OpenAPI state the members' lengths (Microsoft's v1.0 contract states them
    for an address, not for a dimension).
    """

    edm = "Collection"

    def __init__(
        self,
        type_name: str,
        members: dict[str, Kind],
        many: bool = False,
        not_null: tuple[str, ...] = (),
        declare_lengths: bool = True,
    ):
        self.type_name = type_name
        self.members = members
        self.many = many
        self.not_null = not_null
        self.declare_lengths = declare_lengths
        self.blank = [] if many else {name: kind.blank for name, kind in members.items()}

    def _load_one(self, value):
        if not isinstance(value, dict):
            fail(errors.invalid_body())
        unknown = [key for key in value if key not in self.members and not key.startswith("@odata.")]
        if unknown:
            fail(errors.unknown_property(unknown[0], self.type_name))
        return {
            name: kind.blank if value.get(name) is None else kind.load(value[name])
            for name, kind in self.members.items()
        }

    def load(self, value):
        if self.many:
            if not isinstance(value, list):
                fail(errors.invalid_body())
            return [self._load_one(item) for item in value]
        return self._load_one(value)

    def _dump_one(self, value):
        return {name: kind.dump(value[name]) for name, kind in self.members.items()}

    def dump(self, value):
        if self.many:
            return [self._dump_one(item) for item in value]
        return self._dump_one(value)


_DATE_FORMULA_UNIT = r"(?:WD|D|W|M|Q|Y)"
_DATE_FORMULA_TERM = rf"(?:C{_DATE_FORMULA_UNIT}|\d+{_DATE_FORMULA_UNIT}|{_DATE_FORMULA_UNIT}\d+)"
_DATE_FORMULA = re.compile(rf"^[+-]?{_DATE_FORMULA_TERM}(?:[+-]{_DATE_FORMULA_TERM})*$")


class DateFormula(Text):
    """An AL DateFormula ("30D", "1M+10D", "CM", "-1W", "WD5"): $metadata declares a string.

    BC reads one in its own syntax, upper-cased, and writes it back as typed (without the
    angle brackets it keeps internally); a blank one is the empty string."""

    def load(self, value):
        if not isinstance(value, str):
            fail(_conversion_error(value, self.edm))
        if not _is_unicode(value):
            fail(errors.invalid_body())
        formula = value.strip().upper().removeprefix("<").removesuffix(">").replace(" ", "")
        if formula and not _DATE_FORMULA.match(formula):
            message = f'The value "{errors.quoted(value)}" can\'t be evaluated into type DateFormula.'
            fail(errors.bad_request(message))
        return formula
