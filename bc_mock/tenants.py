"""Tenant and environment names in URLs: what BC's are, so that every name stays distinct.

BC Online names a tenant by its Microsoft Entra tenant id (a GUID) or one of its domain names
(``contoso.onmicrosoft.com``); on-premises servers use ``default``. Environment names are
letters, digits and hyphens, at most 30 characters. Names are case-insensitive, as BC's are,
and ASCII only, so no two distinct names fold to the same data (the Kelvin sign ``K`` and
``k`` would, under Unicode case folding). Anything else is refused before any data is made
for it.
"""

from __future__ import annotations

import functools
import re

from bc_mock import errors

MAX_DOMAIN_LENGTH = 253  # DNS's limit on a domain name
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_GUID = re.compile(r"^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$")
_ENVIRONMENT = re.compile(r"^[A-Za-z0-9-]{1,30}$")


def is_tenant(name: str) -> bool:
    if _GUID.match(name):
        return True
    if not name or len(name) > MAX_DOMAIN_LENGTH:
        return False
    return all(_LABEL.match(label) for label in name.split("."))


# the names judged last (a server sees few): a lookup rather than two regular expressions per
# request; names longer than a domain may be are judged each time, so the cache stays small
_is_known_tenant = functools.lru_cache(maxsize=1024)(is_tenant)


def check_tenant(name: str) -> None:
    if not (_is_known_tenant(name) if len(name) <= MAX_DOMAIN_LENGTH else is_tenant(name)):
        shown = name if len(name) <= 100 else name[:100] + "..."
        raise errors.bad_request(
            f"The tenant '{shown}' is not a tenant name: BC names a tenant by its id (a GUID) or a "
            f"domain name (letters, digits and hyphens in dot-separated labels, at most "
            f"{MAX_DOMAIN_LENGTH} characters)."
        )


def check_environment(name: str) -> None:
    if not _ENVIRONMENT.match(name):
        shown = name if len(name) <= 100 else name[:100] + "..."
        raise errors.bad_request(
            f"The environment '{shown}' is not an environment name: BC's are letters, digits and "
            "hyphens, at most 30 characters."
        )
