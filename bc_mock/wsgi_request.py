"""The request class of the app: Flask's, with a cheaper ``url``.

Werkzeug rebuilds a request's URL by quoting its parts and then decoding the result again
(``uri_to_iri``), a tenth of a simple GET's time in bc_mock, which records every URL in its
request journal. For a URL whose parts hold only characters that quoting keeps and that hold
no percent escape or punycode host, both steps leave the text as it is, so it is joined as is.
Any other URL goes through werkzeug, so the result is the same either way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import flask
from flask import Request
from werkzeug.sansio.utils import get_current_url
from werkzeug.utils import cached_property

from bc_mock.ids import request_guid

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

# the characters werkzeug's quoting of a path (and of a query) keeps: unreserved plus its safe set
_PATH = re.compile(r"[A-Za-z0-9_.~!$&'()*+,/:;=@-]*")
_QUERY = re.compile(r"[A-Za-z0-9_.~!$&'()*+,/:;=?@-]*")


def build_url(scheme: str, host: str, root: str, path: str, query_string: bytes) -> str:
    """The request's URL as werkzeug's ``request.url`` gives it."""
    query = query_string.decode("latin-1")
    if "xn--" not in host and _PATH.fullmatch(root) and _PATH.fullmatch(path) and _QUERY.fullmatch(query):
        url = f"{scheme}://{host}{root.rstrip('/')}/{path.lstrip('/')}"
        return f"{url}?{query}" if query else url
    return get_current_url(scheme, host, root, path, query_string)


class BcRequest(Request):
    # set on BC API requests by the request hooks (bc_mock.hooks): the request's journal entry
    # and when it arrived (time.perf_counter)
    bc_mock_entry: dict
    bc_mock_started: float
    # the fault rules' decision, when some fired (the token service reads the token-expired preset)
    bc_mock_decision: Any

    @cached_property
    def url(self) -> str:
        return build_url(*self.url_parts)

    @cached_property
    def request_id(self) -> str:
        """This request's id: BC's ``request-id`` header, and the CorrelationId its errors name."""
        return request_guid()

    @property
    def url_parts(self) -> tuple[str, str, str, str, bytes]:
        """What the URL is built from (the request journal builds it only when it is read)."""
        return self.scheme, self.host, self.root_path, self.path, self.query_string


# Flask's request proxy typed as the proxy it is: ``request_proxy._get_current_object()`` is the
# request itself, whose attributes are read without the proxy's cost on each access
request_proxy = cast("LocalProxy[BcRequest]", flask.request)
