"""Limits on what a request may carry: body size, body media type, JSON nesting.

Hostile or broken clients get a 4xx in BC's error format, decided before anything is
parsed or stored:

* a body over ``--max-body`` bytes (``BC_MOCK_MAX_BODY``, default 16 MB): 413 with the text
  BC's service tier (ASP.NET Core's Kestrel) writes for its own body limit. BC Online's limit
  is 350 MB; a mock has no use for bodies that large, and a test that sends one means it.
* a POST or PATCH of an entity whose Content-Type is not ``application/json``: 415 with
  ASP.NET's text for a media type no formatter reads.

Where bc_mock differs: BC documents neither error's code; ``BadRequest_RequestEntityTooLarge``
and ``BadRequest_UnsupportedMediaType`` are bc_mock's own, in BC's naming.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from bc_mock import errors
from bc_mock.wsgi_request import request_proxy

JSON_MEDIA_TYPE = "application/json"


def body_too_large(length: int | None, limit: int) -> errors.BcError:
    if length is None:
        message = f"The request body is larger than the request body size limit {limit}."
    else:
        message = f"The request's Content-Length {length} is larger than the request body size limit {limit}."
    return errors.BcError(413, "BadRequest_RequestEntityTooLarge", message)


def unsupported_media_type(media_type: str) -> errors.BcError:
    return errors.BcError(
        415,
        "BadRequest_UnsupportedMediaType",
        f"The request entity's media type '{media_type}' is not supported for this resource.",
    )


def max_body() -> int:
    return current_app.extensions["bc_mock"].settings.max_body


def oversized_body() -> errors.BcError | None:
    """The 413 for the current request, if its body is over the limit (waitress always knows
    the length, also of a chunked body; other servers' streams are cut by MAX_CONTENT_LENGTH)."""
    length = request.content_length
    if length is None:  # most requests (GETs): no need to look the limit up
        return None
    limit = max_body()
    if length > limit:
        return body_too_large(length, limit)
    return None


def check_json_body() -> None:
    """An entity's POST or PATCH body must be declared as JSON, as BC's OData layer reads no other."""
    if request.mimetype != JSON_MEDIA_TYPE:
        raise unsupported_media_type(request.headers.get("Content-Type", ""))


def install(app: Flask, api_blueprint: str) -> None:
    """Refuse oversized bodies everywhere; the BC API's hooks do it themselves after journaling."""
    app.config["MAX_CONTENT_LENGTH"] = app.extensions["bc_mock"].settings.max_body

    @app.before_request
    def _limit_body():
        # the request itself, not Flask's proxy: this runs for every request
        if request_proxy._get_current_object().blueprint == api_blueprint:
            return
        error = oversized_body()
        if error is not None:
            raise error
        return
