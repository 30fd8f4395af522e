"""The app's URL matching (a matcher that remembers recent matches) and BC's headers on answers."""

from __future__ import annotations

import pytest
from flask import Response
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from bc_mock import app as app_module
from bc_mock.config import Settings
from bc_mock.routing import CachingMatcher, cache_matches

JOURNAL = "/api/v2.0/companies(c0a00001-0000-4000-8000-000000000001)/customerPaymentJournals"


def _map() -> Map:
    url_map = Map([Rule("/a/<int:n>", endpoint="a", methods=["GET"])])
    cache_matches(url_map)
    return url_map


def test_a_path_matched_again_gets_the_same_rule_and_values_of_its_own():
    adapter = _map().bind("example.org")
    first = adapter.match("/a/1", method="GET", return_rule=True)
    first[1]["n"] = 99  # Flask may change the values it is given: the cache keeps its own
    second = adapter.match("/a/1", method="GET", return_rule=True)
    assert second[0] is first[0] and second[1] == {"n": 1}
    assert adapter.match("/a/2", method="GET") == ("a", {"n": 2})


def test_misses_are_raised_every_time_and_long_paths_are_matched_without_the_cache():
    adapter = _map().bind("example.org")
    for _ in range(2):
        with pytest.raises(NotFound):
            adapter.match("/b", method="GET")
        with pytest.raises(MethodNotAllowed):
            adapter.match("/a/1", method="POST")
    long = "/a/" + "1" * (CachingMatcher.MAX_KEY_CHARS + 1)
    assert adapter.match(long, method="GET") == ("a", {"n": int(long[3:])})


def test_a_rule_added_later_is_matched():
    url_map = _map()
    adapter = url_map.bind("example.org")
    with pytest.raises(NotFound):
        adapter.match("/c", method="GET")
    assert adapter.match("/a/1", method="GET") == ("a", {"n": 1})
    url_map.add(Rule("/a/<string:s>", endpoint="s", methods=["GET"]))
    url_map.add(Rule("/c", endpoint="c", methods=["GET"]))
    assert adapter.match("/c", method="GET") == ("c", {})
    assert adapter.match("/a/1", method="GET") == ("a", {"n": 1})  # int still weighs more


def test_the_app_routes_the_same_path_to_the_same_view_every_time():
    app = app_module.create_app(Settings())
    client = app.test_client()
    answers = [client.get(f"{JOURNAL}?$top=1") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert client.get("/api/v2.0/nothing-here").status_code == 404


def test_bc_headers_are_appended_or_replace_the_ones_an_answer_has():
    app = app_module.create_app(Settings())
    with app.test_request_context(JOURNAL):
        plain = app_module._bc_headers(Response(b"{}", headers=[("OData-Version", "4.0")]))
        assert [name for name, _ in plain.headers][-2:] == ["request-id", "Cache-Control"]
        assert plain.headers["Cache-Control"] == "no-cache, no-store"
        # a fault rule's headers may name either: replaced in place, as Headers.set does
        given = Response(
            b"{}", headers=[("Cache-Control", "max-age=1"), ("Request-Id", "x"), ("request-id", "y")]
        )
        answered = app_module._bc_headers(given)
        names = [name for name, _ in answered.headers]
        assert (
            names.count("Cache-Control") == 1 and "Request-Id" not in names and names.count("request-id") == 1
        )
        assert answered.headers["Cache-Control"] == "no-cache, no-store"
        assert answered.headers["request-id"] == plain.headers["request-id"]
    with app.test_request_context("/_mock/health"):
        assert "request-id" not in app_module._bc_headers(Response(b"{}")).headers


def test_segments_are_split_the_same_whether_kept_or_not():
    from bc_mock import errors
    from bc_mock.api.resolve import MAX_CACHED_REST, split_segments

    rest = "companies(c0a00001-0000-4000-8000-000000000001)/customerPaymentJournals"
    first = split_segments(rest, "url")
    first.append(("changed", None))  # a caller's list is its own
    assert split_segments(rest, "url") == [
        ("companies", "c0a00001-0000-4000-8000-000000000001"),
        ("customerPaymentJournals", None),
    ]
    long = "/".join(["companies"] * (MAX_CACHED_REST // 9))
    assert len(long) > MAX_CACHED_REST and len(split_segments(long, "url")) == MAX_CACHED_REST // 9
    for bad in ("companies/not a segment", "/".join(["a b"] * 200)):
        for _ in range(2):
            with pytest.raises(errors.BcError):
                split_segments(bad, "url")


def test_tenant_names_are_judged_the_same_whether_kept_or_not():
    from bc_mock import errors
    from bc_mock.tenants import check_tenant

    for _ in range(2):
        check_tenant("contoso.onmicrosoft.com")
        check_tenant("C0A00001-0000-4000-8000-000000000001")
        for bad in ("-bad", "a..b", "x" * 300, "a_b"):
            with pytest.raises(errors.BcError):
                check_tenant(bad)
