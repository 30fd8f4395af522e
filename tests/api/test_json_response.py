"""bc_mock's JSON answers hand the server the headers werkzeug would."""

from __future__ import annotations

import pytest
from flask import Response

from bc_mock.api.views import _JsonResponse, _OwnHeaders, respond

ENVIRON = {
    "wsgi.url_scheme": "http",
    "HTTP_HOST": "localhost:8080",
    "SERVER_NAME": "localhost",
    "SERVER_PORT": "8080",
    "PATH_INFO": "/api/v2.0/companies",
    "SCRIPT_NAME": "",
    "REQUEST_METHOD": "GET",
}


@pytest.mark.parametrize("status", [200, 201, 202, 204, 304, 400, 500])
@pytest.mark.parametrize(
    "extra",
    [
        [],
        [("Location", "http://localhost:8080/api/v2.0/companies(x)/journals(y)")],
        [("Content-Location", "/a b/é")],
        [("location", "/relative")],
        [("Preference-Applied", "odata.maxpagesize=2")],
    ],
)
def test_the_headers_sent_are_werkzeugs(status, extra):
    headers = [("Content-Type", "application/json"), ("OData-Version", "4.0"), *extra]
    ours = _JsonResponse('{"a":"é"}', status, _OwnHeaders(list(headers)))
    plain = Response('{"a":"é"}', status, list(headers))
    assert ours.get_wsgi_headers(ENVIRON).to_wsgi_list() == plain.get_wsgi_headers(ENVIRON).to_wsgi_list()
    assert ours.get_wsgi_response(ENVIRON)[1:] == plain.get_wsgi_response(ENVIRON)[1:]


def test_the_answer_keeps_its_own_headers():
    response = respond({"a": 1})
    sent = response.get_wsgi_headers(ENVIRON)
    sent.add("X-Later", "1")
    assert "X-Later" not in response.headers
    assert sent.to_wsgi_list()[:-1] == response.headers.to_wsgi_list()
