"""BC's error model: one exception type, one renderer.

Every error a client can cause is a ``BcError`` carrying the HTTP status, BC's
error code and BC's message. The app turns it into BC's body::

    {"error": {"code": "...", "message": "...  CorrelationId:  <guid>."}}

BC appends a correlation id to most messages (two spaces either side of
``CorrelationId:``); bc_mock does the same so that clients which strip or log
it see the real shape.
"""

from __future__ import annotations

from typing import Protocol

from bc_mock.auth import BC_RESOURCE
from bc_mock.ids import request_guid


class Url(Protocol):
    """A request's URL as an error message names it: the text, or an object whose ``str()``
    builds it (bc_mock builds a request's URL only when an error names it)."""

    def __str__(self) -> str: ...


class BcError(Exception):
    """An error answered to the client in BC's error format."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        # messages quote what the client sent; a lone surrogate there must not break the answer
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self, correlation_id: str | None = None) -> dict:
        """BC's error body; ``correlation_id`` is the request's (its ``request-id`` header)."""
        return {"error": {"code": self.code, "message": with_correlation_id(self.message, correlation_id)}}


def with_correlation_id(message: str, correlation_id: str | None = None) -> str:
    return f"{message}  CorrelationId:  {correlation_id or request_guid()}."


# --- constructors, one per kind of error BC answers -------------------------


def not_found_url(url: Url) -> BcError:
    return BcError(
        404, "BadRequest_NotFound", f"No HTTP resource was found that matches the request URI '{url}'."
    )


def resource_not_found(segment: str) -> BcError:
    """A well-formed key in the URL that names no record (recorded from BC 25.4: a GET after
    DELETE; BC Online answers the same): the segment is the URL's, the entity set's name."""
    return BcError(404, "BadRequest_ResourceNotFound", f"Resource not found for the segment '{segment}'.")


def query_syntax(detail: str = "") -> BcError:
    message = "Bad Request - Error in query syntax."
    return BcError(404, "BadRequest_NotFound", f"{message} {detail}".strip())


def method_not_allowed(method: str, set_name: str, edm_kind: str) -> BcError:
    return BcError(
        405,
        "BadRequest_MethodNotAllowed",
        f"'{method}' requests for '{set_name}' of EdmType '{edm_kind}' are not allowed "
        "within Dynamics 365 Business Central OData web services.",
    )


def record_not_found(table: str, fields: str) -> BcError:
    return BcError(
        404,
        "Internal_RecordNotFound",
        f"The {table} does not exist. Identification fields and values: {fields}",
    )


def company_not_found() -> BcError:
    return BcError(
        404,
        "Internal_CompanyNotFound",
        "Cannot process the request because the default company cannot be found. "
        "You can specify a default company in the service configuration file, or specify "
        'one for each tenant, or you can add a query string in the form of "company=[name]". '
        "You can see the available companies by accessing the default OData web service, Company.",
    )


def bad_request(message: str) -> BcError:
    return BcError(400, "BadRequest", message)


def invalid_body() -> BcError:
    return bad_request("Invalid Request Body")


def unknown_property(name: str, type_name: str) -> BcError:
    return bad_request(
        f"The property '{name}' does not exist on type 'Microsoft.NAV.{type_name}'. "
        "Make sure to only use property names that are defined by the type."
    )


def query_property_not_found(name: str, type_name: str) -> BcError:
    """A name in $filter, $select, $orderby or $expand that the type does not have."""
    return bad_request(f"Could not find a property named '{name}' on type 'Microsoft.NAV.{type_name}'.")


def read_only(name: str) -> BcError:
    return BcError(400, "BadRequest_InvalidOperation", f"Control '{name}' is read-only")


def required(name: str) -> BcError:
    return BcError(400, "BadRequest_RequiredParamNotProvided", f"Field '{name}' must not be blank or empty.")


# the most of a client's value an error message quotes: BC quotes it whole, but a hostile
# megabyte would then be copied into the answer (and the request journal) once more
MAX_QUOTED = 1024


def quoted(value: str) -> str:
    """``value`` as an error message quotes it: whole, or its first MAX_QUOTED characters and "..."."""
    return value if len(value) <= MAX_QUOTED else value[:MAX_QUOTED] + "..."


def string_too_long(value: str, limit: int) -> BcError:
    return BcError(
        400,
        "Application_StringExceededLength",
        f"The length of the string is {len(value)}, but it must be less than or equal to "
        f"{limit} characters. Value: {quoted(value)}",
    )


INVALID_GUID_TEXT = (
    "Invalid format of GUID string. The correct format of the GUID string is: "
    "CDEF7890-ABCD-0123-1234-567890ABCDEF where 0-9, A-F symbolizes hexadecimal digits."
)


def invalid_guid() -> BcError:
    return BcError(400, "Application_InvalidGUID", INVALID_GUID_TEXT)


def dialog(message: str) -> BcError:
    """An AL ``Error(...)`` raised by BC's business logic."""
    return BcError(400, "Application_DialogException", message)


def missing_token() -> BcError:
    return BcError(
        400,
        "BadRequest_InvalidToken",
        "Could not validate the client concurrency token required by the service. "
        "Please provide a valid token in the client request.",
    )


def entity_changed() -> BcError:
    return BcError(409, "Request_EntityChanged", "Another user has already changed the record.")


def same_key_exists(table: str, fields: str) -> BcError:
    return BcError(
        409,
        "Internal_EntityWithSameKeyExists",
        f"The {table} already exists. Identification fields and values: {fields}",
    )


UNAUTHORIZED_TEXT = "The server has rejected the client credentials."


def unauthorized(challenge: str = 'Bearer realm="bc_mock"') -> BcError:
    """BC's 401 (recorded from BC Online, CorrelationId added as for every error); ``challenge``
    is the ``WWW-Authenticate`` value (BC's own is not recorded: see ``bearer_challenge``)."""
    return BcError(
        401, "Authentication_InvalidCredentials", UNAUTHORIZED_TEXT, headers={"WWW-Authenticate": challenge}
    )


def bearer_challenge(authority_root: str, tenant: str, reason: str | None = None) -> str:
    """A ``WWW-Authenticate`` value as Azure resources send one (BC's is not recorded, so this is
    bc_mock's choice): where to get a token, for which resource, and, when a token was sent,
    why it was refused (RFC 6750's ``invalid_token`` and a description)."""
    value = (
        f'Bearer authorization_uri="{authority_root}/{_quotable(tenant)}/oauth2/authorize", '
        f'resource_id="{BC_RESOURCE}"'
    )
    if reason is not None:
        value += f', error="invalid_token", error_description="{_quotable(reason)}"'
    return value


def _quotable(text: str) -> str:
    """Text a quoted header parameter can hold: printable ASCII without quotes or backslashes."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in text)


def throttled_message(actual: int, maximum: int) -> str:
    """BC's text of a request over its rate limit (code ``Application_TooManyRequests``, 429)."""
    return f"Too many requests reached. Actual ({actual}). Maximum ({maximum})."
