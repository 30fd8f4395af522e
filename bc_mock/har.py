"""The request journal as an HTTP Archive (HAR 1.2): what browsers' dev tools and HAR viewers open.

``archive`` turns journal entries, listed with their bodies as text (``Journal.select(...,
bodies=TEXT)``), into a HAR document. Each entry keeps what the journal keeps, hidden
credentials included: the request's method, URL, headers, query and body; the answer's status,
headers and body. What HAR has no field for is in ``_bcMock`` (HAR allows custom fields whose
names start with ``_``): the entry's id, tenant and environment, the fault rules that fired,
the ``$batch`` it belongs to, and whether a body was cut or the connection dropped.

The journal does not keep the HTTP version, cookies apart from their (hidden) headers, nor
timings within a request: ``httpVersion`` is HTTP/1.1, ``cookies`` are empty, ``headersSize``
is -1 (unknown) and the whole time is ``wait``.
"""

from __future__ import annotations

import http
from urllib.parse import parse_qsl, quote, urlsplit

from bc_mock import __version__

HTTP_VERSION = "HTTP/1.1"
UNKNOWN_TYPE = "x-unknown"  # what browsers write for content of no known type
# what a URI's path and query keep as they are: their delimiters and the percent escapes they
# have already ([ and ] only belong in a host: a query's "[redacted]" is escaped)
URI_SAFE = "%:/?#@!$&'()*+,;="


def archive(entries: list[dict]) -> dict:
    """A HAR 1.2 document of journal entries (oldest first, bodies as text)."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "bc_mock", "version": __version__},
            "entries": [_entry(entry) for entry in entries],
        }
    }


def _entry(entry: dict) -> dict:
    duration = entry["durationMs"] or 0.0
    return {
        "startedDateTime": entry["time"],
        "time": duration,
        "request": _request(entry),
        "response": _response(entry),
        "cache": {},
        "timings": {"send": 0, "wait": duration, "receive": 0},
        "_bcMock": {
            "id": entry["id"],
            "tenant": entry["tenant"],
            "environment": entry["environment"],
            "apiPath": entry["apiPath"],
            "fault": entry["fault"],
            "faults": entry["faults"],
            "batchId": entry["batchId"],
            "dropped": entry["dropped"],
            "rateLimited": entry["rateLimited"],
            "bodyTruncated": entry["bodyTruncated"],
            "responseBodyTruncated": entry["responseBodyTruncated"],
        },
    }


def _request(entry: dict) -> dict:
    headers = entry["headers"] or {}
    request = {
        "method": entry["method"],
        "url": _uri(entry["url"]),
        "httpVersion": HTTP_VERSION,
        "cookies": [],
        "headers": _pairs(headers),
        # from the URL (secrets hidden there too), so a parameter given twice is listed twice
        "queryString": [
            {"name": name, "value": value}
            for name, value in parse_qsl(urlsplit(entry["url"]).query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": entry["bodySize"],
    }
    if entry["body"] is not None:
        request["postData"] = {"mimeType": _header(headers, "Content-Type") or "", "text": entry["body"]}
    return request


def _response(entry: dict) -> dict:
    status = entry["status"]
    headers = entry.get("responseHeaders") or {}
    body = entry["responseBody"]
    size = entry["responseBodySize"]
    content: dict = {"size": size or 0, "mimeType": _header(headers, "Content-Type") or UNKNOWN_TYPE}
    if body is not None:
        content["text"] = body
    return {
        "status": status or 0,  # 0: no answer (dropped, or still being served), as browsers write it
        "statusText": _reason(status),
        "httpVersion": HTTP_VERSION if status else "",
        "cookies": [],
        "headers": _pairs(headers),
        "content": content,
        "redirectURL": (_header(headers, "Location") or "") if status and 300 <= status < 400 else "",
        "headersSize": -1,
        "bodySize": -1 if size is None else size,
    }


def _uri(url: str) -> str:
    """The URL as a URI, as HAR asks: what the journal keeps as text (a space, <, é, the [ and ]
    of "[redacted]") percent-encoded after the host; the rest as it is."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return quote(url, safe=URI_SAFE)
    end = next((i for i, char in enumerate(rest) if char in "/?#"), len(rest))
    return f"{scheme}://{rest[:end]}{quote(rest[end:], safe=URI_SAFE)}"


def _pairs(headers: dict) -> list[dict]:
    return [{"name": str(name), "value": str(value)} for name, value in headers.items()]


def _header(headers: dict, name: str) -> str | None:
    wanted = name.lower()
    return next((str(value) for key, value in headers.items() if str(key).lower() == wanted), None)


def _reason(status: int | None) -> str:
    if not status:
        return ""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
