"""The dashboard's page and files over HTTP (no browser): what is served, with which headers, to whom."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import requests

from bc_mock.app import create_app
from bc_mock.dashboard import CONTENT_SECURITY_POLICY


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_the_page_is_served_with_a_strict_policy(server_url):
    response = requests.get(f"{server_url}/_mock/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "request-id" not in response.headers  # not a BC API answer


def test_the_page_has_no_inline_script_style_or_handler(server_url):
    html = requests.get(f"{server_url}/_mock/").text
    parsed = _tags(html)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert len(scripts) == 1 and scripts[0]["src"].startswith("/_mock/static/dashboard.js")
    assert parsed.script_text.strip() == ""
    assert not [tag for tag, _ in parsed.tags if tag == "style"]
    for tag, attrs in parsed.tags:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], tag
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere: no CDN


def test_its_files_are_served_by_bc_mock(server_url):
    html = requests.get(f"{server_url}/_mock/").text
    links = re.findall(r'(?:href|src)="(/_mock/static/[^"]+)"', html)
    assert len(links) == 3  # the icon, the stylesheet, the script
    types = {}
    for link in links:
        response = requests.get(server_url + link)
        assert response.status_code == 200, link
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        types[link.split("?")[0].rsplit(".", 1)[1]] = response.headers["Content-Type"].split(";")[0]
    assert types == {"svg": "image/svg+xml", "css": "text/css", "js": "text/javascript"}
    missing = requests.get(f"{server_url}/_mock/static/nothing.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "BadRequest_NotFound"


def test_mock_without_its_slash_leads_to_the_page(server_url):
    response = requests.get(f"{server_url}/_mock", allow_redirects=False)
    assert response.status_code == 308 and response.headers["Location"].endswith("/_mock/")


def test_the_page_is_as_big_whatever_the_journal_holds(start_bc_mock):
    url = start_bc_mock().url
    empty = requests.get(f"{url}/_mock/").text
    session = requests.Session()
    for number in range(300):
        session.get(f"{url}/api/v2.0/companies?n={number}")
    assert requests.get(f"{url}/_mock/").text == empty  # the page draws the journal, page by page


def test_a_page_elsewhere_may_link_to_it_but_not_reach_it_by_another_name(server_url):
    navigation = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert requests.get(f"{server_url}/_mock/", headers=navigation).status_code == 200
    # but what the page reads is /_mock's, which answers its own origin only
    assert requests.get(f"{server_url}/_mock/requests", headers=navigation).status_code == 403
    rebound = requests.get(f"{server_url}/_mock/", headers={"Host": "attacker.example:8080"})
    assert rebound.status_code == 403
    assert rebound.json()["error"]["code"] == "Authorization_HostNotAllowed"
    static = requests.get(f"{server_url}/_mock/static/dashboard.js", headers={"Host": "attacker.example"})
    assert static.status_code == 403


def test_it_needs_no_token_where_the_api_does(start_bc_mock):
    url = start_bc_mock("--require-auth").url
    assert requests.get(f"{url}/api/v2.0/companies").status_code == 401
    assert requests.get(f"{url}/_mock/").status_code == 200
    assert requests.get(f"{url}/_mock/static/dashboard.js").status_code == 200


def test_the_page_offers_the_webhooks_and_clock_view():
    html = create_app().test_client().get("/_mock/").text
    assert 'id="webhooks-tab"' in html and 'id="view-webhooks"' in html and 'id="webhooks-flush"' in html
