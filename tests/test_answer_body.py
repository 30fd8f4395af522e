"""The body the request journal keeps of an answer: what werkzeug's get_data gives."""

from __future__ import annotations

from flask import Response

from bc_mock.hooks import _body_of


def test_the_body_kept_is_get_datas():
    for response in (
        Response(b'{"a":1}'),
        Response('{"a":"é"}'),
        Response([b"a", b"b"]),
        Response(["a", "é"]),
        Response(b""),
    ):
        assert _body_of(response) == response.get_data()


def test_a_streamed_body_is_not_read():
    response = Response(iter([b"a", b"b"]))
    assert _body_of(response) is None
    assert list(response.response) == [b"a", b"b"]  # still there to be sent
