"""What clients send is data: markup in a body, a header, a URL or a fault rule shows as text and
runs nothing, in every view; and the page logs no console error anywhere."""

from __future__ import annotations

import requests

from tests.helpers import GENERAL, USA

# each would set window.__xss if the page ever parsed it as HTML
SCRIPT = "<script>window.__xss='script'</script>"
IMAGE = "<img src=x onerror=\"window.__xss='img'\">"
SVG = "\"><svg/onload=window.__xss='svg'>"
PAYLOADS = (SCRIPT, IMAGE, SVG)


def _no_markup_was_made(page) -> None:
    """The page holds only the elements it made itself: one script (its own), no img, no svg."""
    counts = page.js(
        """return {scripts: document.scripts.length, img: document.querySelectorAll('img').length,
                   svg: document.querySelectorAll('svg').length,
                   handlers: [...document.querySelectorAll('*')].filter(n => [...n.attributes]
                       .some(a => a.name.startsWith('on'))).length}"""
    )
    assert counts == {"scripts": 1, "img": 0, "svg": 0, "handlers": 0}
    assert page.js("return typeof window.__xss") == "undefined"


def test_markup_in_bodies_headers_urls_and_rules_stays_text(page):
    payments = f"{page.api}/companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
    for payload in PAYLOADS:
        answer = requests.post(
            payments,
            json={"customerNumber": "10000", "amount": -1, "description": payload[:100]},
            headers={"X-Note": payload},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
    requests.get(f"{page.api}/companies", params={"note": SVG}, timeout=10)
    requests.get(f"{page.api}/companies({USA})/{IMAGE}", timeout=10)  # a 404 that quotes the URL
    requests.post(
        f"{page.url}/_mock/faults",
        json={"path": f"*{IMAGE}*", "status": 418, "error": {"code": "Teapot", "message": SCRIPT}},
        timeout=10,
    )

    page.open()
    rows = page.wait_rows(lambda rows: len(rows) == 5)
    assert rows[0]["path"] == f"companies(c0a00001…)/{IMAGE}"  # the path, as text
    title = page.find("#requests-body tr:nth-child(2) td.path").get_attribute("title")
    assert '?note="><svg/onload%3D' in title  # the URL as sent
    for row in page.find_all("#requests-body tr"):
        row.click()
        wanted = f"#{row.get_attribute('data-id')}"
        page.wait(lambda wanted=wanted: page.text("#detail-content .detail-head .line").endswith(wanted))
        _no_markup_was_made(page)
    # the last one opened: the first POST, whose header and body hold the script
    assert page.headers("request")["X-Note"] == SCRIPT
    assert f'"description": "{SCRIPT}"' in page.text("#detail-content .part.request pre")
    page.screenshot("markup-in-a-request")

    page.click(".tab[data-view=faults]")
    page.wait(lambda: page.find_all("#faults-body tr"))
    rule_text = page.find("#faults-body tr").text
    assert IMAGE in rule_text and SCRIPT in rule_text
    _no_markup_was_made(page)

    page.click(".tab[data-view=data]")
    page.wait(lambda: page.find_all(f"#companies li[data-company='{USA}'][data-set=customerPayments]"))
    page.click(f"#companies li[data-company='{USA}'][data-set=customerPayments]")
    page.wait(lambda: "of 9" in (page.text("#records-range") or ""), what="the payments")
    cells = page.js("return [...document.querySelectorAll('#records-table td')].map(td => td.textContent)")
    for payload in PAYLOADS:
        assert payload in cells
    _no_markup_was_made(page)
    page.screenshot("markup-in-records")


def test_every_view_shows_without_a_console_error(page):
    requests.get(f"{page.api}/companies", timeout=10)
    requests.post(f"{page.url}/_mock/faults", json={"path": "nothing", "status": 503}, timeout=10)
    page.open()
    page.wait_rows(lambda rows: len(rows) == 1)
    page.click("#requests-body tr")
    page.wait(lambda: page.find("#detail-content").is_displayed())
    for view in ("faults", "data", "requests"):
        page.click(f".tab[data-view={view}]")
        page.wait(lambda view=view: page.find(f"#view-{view}").is_displayed(), what=f"the {view} view")
        page.screenshot(f"view-{view}")
    assert page.console_errors() == []
    # the favicon, stylesheet and script were served (a 404 would be a console error too)
    assert page.js("return getComputedStyle(document.querySelector('.topbar')).display") == "flex"
