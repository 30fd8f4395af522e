"""bc_mock's JSON answers hand the server the headers werkzeug would."""

from __future__ import annotations

import pytest
from flask import Response

from bc_mock import jsonio
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


@pytest.mark.parametrize("odata", [True, False])
@pytest.mark.parametrize(
    "headers", [None, {"Location": "http://localhost:8080/x(1)", "Preference-Applied": "p"}]
)
def test_an_answer_is_the_one_werkzeug_would_build(odata, headers):
    payload = {"value": [{"name": "Ünïcode", "amount": 1.5}]}
    response = respond(payload, 201, headers, odata)
    expected = [
        (
            "Content-Type",
            "application/json" + ("; odata.metadata=minimal; odata.streaming=true" if odata else ""),
        )
    ]
    expected += [("OData-Version", "4.0")] if odata else []
    built = Response(jsonio.dumps(payload), 201, [*expected, *(headers or {}).items()])
    assert response.headers.to_wsgi_list() == built.headers.to_wsgi_list()
    assert response.get_data() == built.get_data() and response.status == built.status
    assert response.get_wsgi_response(ENVIRON)[1:] == built.get_wsgi_response(ENVIRON)[1:]
